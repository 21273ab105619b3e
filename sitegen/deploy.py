"""`build.py deploy`: publish output/ to an S3-compatible bucket behind a CDN, safely (docs/deploy.md).

1. Refuse unless output/ is exactly what the last successful `--strict` build wrote (`manifest.verify_build`).
2. Read what the bucket really has: the listing (key, size, ETag) is the truth; the manifest of the last
   deploy supplies each object's sha256 and headers where its size and ETag still agree, and any other
   object is asked for its `x-amz-meta-sha256` (a HEAD request). So a deploy that was interrupted, and
   never wrote its manifest, is finished by the next one without uploading anything twice.
3. Plan by content hash. Refuse an empty site, one shrunk below half of what is live, or more deletes than
   `--max-deletes`, before anything is uploaded or deleted.
4. Upload in order, in parallel within each step: static/ and media/ (fingerprinted), pages, then feeds,
   sitemap and robots.txt; then the manifest; then the deletions; then invalidate the changed HTML on
   CloudFront. Requests are retried with backoff (botocore's standard retry mode).
Credentials come only from the environment or the standard AWS credential chain, never from config.yaml.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import SiteError, SiteErrors, did_you_mean
from .manifest import (
    MANIFEST_NAME,
    FileEntry,
    Plan,
    describe_plan,
    invalidation_paths,
    local_manifest,
    manifest_document,
    parse_manifest,
    plan_deploy,
    same_files,
    verify_build,
)

if TYPE_CHECKING:  # config (pydantic) is imported when a deploy runs, not when the command line is read
    from .config import Config, DeployTarget

DEFAULT_MAX_DELETES = 20
_HINTS = {  # for error codes of S3 while the bucket is read
    "NoSuchBucket": "create the bucket first (docs/deploy.md)",
    "AccessDenied": "the credentials may not list, read and write that bucket (docs/deploy.md has a policy)",
    "InvalidAccessKeyId": "check AWS_ACCESS_KEY_ID",
    "SignatureDoesNotMatch": "check AWS_SECRET_ACCESS_KEY",
}


class DeployError(Exception):
    """The deploy stopped after it had started changing the bucket."""


@dataclass
class DeployReport:
    target: str
    plan: Plan
    dry_run: bool
    uploaded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    manifest_written: bool = False
    invalidated: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class _Remote:
    entries: dict[str, FileEntry]  # what the bucket has, by path below the prefix
    objects: int  # objects of the site in the bucket (the manifest not counted)
    manifest: bytes | None  # the stored manifest, as it is


def add_arguments(command: argparse.ArgumentParser) -> None:
    """The options of the `deploy` command."""
    command.add_argument("--target", help="a target of deploy.targets in config.yaml (default: default_target)")
    command.add_argument("--dry-run", action="store_true", help="print the plan; change nothing")
    command.add_argument(
        "--max-deletes",
        type=int,
        default=DEFAULT_MAX_DELETES,
        help=f"refuse to deploy when more files would be deleted (default: {DEFAULT_MAX_DELETES})",
    )
    command.add_argument(
        "--allow-shrink", action="store_true", help="deploy even if the site has fewer than half the live files"
    )
    command.add_argument("--jobs", type=int, default=8, help="parallel uploads (default: 8)")
    command.add_argument("--quiet", "-q", action="store_true", help="print only the summary")


def run(options: argparse.Namespace) -> int:
    """The `deploy` command; refusals raise SiteErrors (exit 1, nothing done), a stop midway returns 1."""
    out: Callable[[str], None] = (lambda line: None) if options.quiet else print
    try:
        report = deploy(
            options.root,
            options.target,
            dry_run=options.dry_run,
            max_deletes=options.max_deletes,
            allow_shrink=options.allow_shrink,
            jobs=max(1, options.jobs),
            out=out,
        )
    except DeployError as exc:
        print(f"Deploy stopped: {exc}", file=sys.stderr)
        return 1
    if report.dry_run:
        print("Dry run: nothing was changed.")
    else:
        print(
            f"Deployed to '{report.target}': {len(report.uploaded)} uploaded, {len(report.deleted)} deleted, "
            f"{len(report.invalidated)} paths invalidated in {report.seconds:.1f} s"
        )
    return 0


def deploy(
    root: Path,
    target_name: str | None = None,
    *,
    dry_run: bool = False,
    max_deletes: int = DEFAULT_MAX_DELETES,
    allow_shrink: bool = False,
    jobs: int = 8,
    retries: int = 5,
    out: Callable[[str], None] = print,
) -> DeployReport:
    """Make the target bucket hold exactly output/ (see the module's docstring for the order of things)."""
    started = time.perf_counter()
    root = root.resolve()
    out_dir = root / "output"
    from .config import load_config

    config = load_config(root)
    name, target = select_target(config, target_name)
    marker = verify_build(root, out_dir, config.base_url)
    redirects = {**config.redirects, **marker.redirects}  # the build's: campaigns' short_url pages too
    local = local_manifest(out_dir, config.base_path, redirects if target.website_redirects else {}, jobs)
    if "index.html" not in local:
        raise _refusal("output/ has no index.html", "build the whole site with ./dev build --strict")
    session = _session(target)
    client = _client(session, "s3", target, retries, jobs)
    where = f"s3://{target.bucket}/{target.prefix}"
    with _refusing_on_error(name, where):
        remote = _read_remote(client, target, local, jobs)
    plan = plan_deploy(local, remote.entries)
    out(f"Deploying output/ ({len(local)} files) to {where} (target '{name}'{', dry run' if dry_run else ''})")
    for line in describe_plan(plan):
        out(line)
    if remote.objects and len(local) < remote.objects / 2 and not allow_shrink:
        raise _refusal(
            f"the build has {len(local)} files, fewer than half of the {remote.objects} live ones",
            "is the build complete? To shrink the site on purpose, run the deploy with --allow-shrink",
        )
    if len(plan.deletes) > max_deletes:
        raise _refusal(
            f"the plan deletes {len(plan.deletes)} files from the live site, more than --max-deletes {max_deletes}; "
            "nothing was uploaded or deleted",
            f"check the plan above; if the deletions are meant, run the deploy with --max-deletes {len(plan.deletes)}",
        )
    report = DeployReport(name, plan, dry_run)
    changed_html = [a.path for a in [*plan.all_uploads(), *plan.deletes] if a.path.endswith(".html")]
    invalidate = invalidation_paths(changed_html, config.base_path) if target.cloudfront_distribution_id else []
    if dry_run:
        if invalidate:
            out(f"Would invalidate {len(invalidate)} paths on CloudFront {target.cloudfront_distribution_id}")
        return report

    etags = {path: item.etag for path, item in remote.entries.items() if path in local}
    for group in plan.uploads:
        uploaded = _upload_group(client, target, out_dir, [local[a.path] for a in group], jobs, report)
        etags.update(uploaded)
    document = manifest_document([replace(item, etag=etags.get(path, "")) for path, item in local.items()], marker)
    if remote.manifest is None or not same_files(remote.manifest, document):
        manifest = {"Key": target.prefix + MANIFEST_NAME, "ContentType": "application/json", "CacheControl": "no-cache"}
        _guarded(report, "the manifest", lambda: client.put_object(Bucket=target.bucket, Body=document, **manifest))
        report.manifest_written = True
    if plan.deletes:
        _guarded(report, "deleting", lambda: _delete(client, target, [a.path for a in plan.deletes], report))
    if invalidate:
        cloudfront = _client(session, "cloudfront", None, retries, 1)
        batch = {
            "Paths": {"Quantity": len(invalidate), "Items": invalidate},
            "CallerReference": f"sitegen-{time.time_ns()}",
        }
        distribution = target.cloudfront_distribution_id
        _guarded(
            report,
            "the CloudFront invalidation (the files are live)",
            lambda: cloudfront.create_invalidation(DistributionId=distribution, InvalidationBatch=batch),
        )
        report.invalidated = invalidate
    report.seconds = time.perf_counter() - started
    return report


def select_target(config: Config, name: str | None) -> tuple[str, DeployTarget]:
    """The named target, else default_target, else the only one."""
    if config.deploy is None:
        raise SiteErrors(
            [SiteError("config.yaml", 0, "there is no deploy: section", "add one with a target (docs/deploy.md)")]
        )
    targets = config.deploy.targets
    chosen = name or config.deploy.default_target or (next(iter(targets)) if len(targets) == 1 else None)
    if chosen is None:
        raise SiteErrors(
            [SiteError("config.yaml", 0, "deploy: which target?", f"use --target {' or --target '.join(targets)}")]
        )
    if chosen not in targets:
        hint = did_you_mean(chosen, targets) or f"known targets: {', '.join(targets)}"
        raise SiteErrors([SiteError("config.yaml", 0, f"deploy: there is no target '{chosen}'", hint)])
    return chosen, targets[chosen]


# -- the bucket ---------------------------------------------------------------------------------------------


def _session(target: DeployTarget) -> Any:
    import boto3  # type: ignore[import-untyped]

    session = boto3.session.Session(region_name=target.region) if target.region else boto3.session.Session()
    if session.get_credentials() is None:
        raise _refusal(
            "no AWS credentials found",
            "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment (in CI: repository secrets)",
        )
    return session


def _client(session: Any, service: str, target: DeployTarget | None, retries: int, jobs: int) -> Any:
    from botocore.config import Config as BotoConfig  # type: ignore[import-untyped]

    settings: dict[str, Any] = {
        "retries": {"mode": "standard", "total_max_attempts": max(1, retries)},
        "connect_timeout": 10,
        "read_timeout": 60,
        "max_pool_connections": max(10, jobs),
    }
    if target and (target.endpoint_url or os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")):
        # S3-compatible services (R2, MinIO) know path-style addresses and differ from AWS in checksums
        settings.update(request_checksum_calculation="when_required", response_checksum_validation="when_required")
        settings["s3"] = {"addressing_style": "path"}
    endpoint = target.endpoint_url if target else None
    return session.client(service, endpoint_url=endpoint, config=BotoConfig(**settings))


def _read_remote(client: Any, target: DeployTarget, local: dict[str, FileEntry], jobs: int) -> _Remote:
    """The objects under the prefix, each with its sha256 and headers (from the manifest or a HEAD)."""
    manifest_key = target.prefix + MANIFEST_NAME
    listed: dict[str, tuple[int, str, Any]] = {}
    written = None  # when the manifest was stored: objects changed since then are asked, not trusted
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=target.bucket, Prefix=target.prefix):
        for item in page.get("Contents", []):
            if item["Key"] == manifest_key:
                written = item["LastModified"]
            else:
                size, etag = int(item["Size"]), _etag(item.get("ETag", ""))
                listed[item["Key"][len(target.prefix) :]] = (size, etag, item["LastModified"])
    stored = client.get_object(Bucket=target.bucket, Key=manifest_key)["Body"].read() if written else None
    known = (parse_manifest(stored) if stored else None) or {}
    entries: dict[str, FileEntry] = {}
    ask: list[str] = []
    for path, (size, etag, modified) in listed.items():
        entry = known.get(path)
        if entry and entry.size == size and entry.etag == etag and written and modified < written:
            entries[path] = entry
        elif path in local:
            ask.append(path)  # changed since the manifest (an interrupted deploy, or by hand)
        else:
            entries[path] = FileEntry(path, "", size, "", "", etag=etag)  # to be deleted anyway

    def head(path: str) -> FileEntry:
        response = client.head_object(Bucket=target.bucket, Key=target.prefix + path)
        metadata = {name.lower(): value for name, value in response.get("Metadata", {}).items()}
        return FileEntry(
            path,
            metadata.pop("sha256", ""),
            int(response["ContentLength"]),
            response.get("ContentType", ""),
            response.get("CacheControl", ""),
            response.get("WebsiteRedirectLocation", ""),
            tuple(sorted(metadata.items())),
            _etag(response.get("ETag", "")),
        )

    with ThreadPoolExecutor(max(1, jobs)) as pool:
        entries.update({entry.path: entry for entry in pool.map(head, ask)})
    return _Remote(entries, len(listed), stored)


def _put(client: Any, target: DeployTarget, out_dir: Path, entry: FileEntry) -> str:
    """Upload one file with its headers; returns its ETag. Refuses a file changed since it was planned."""
    data = (out_dir / entry.path).read_bytes()
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        raise DeployError(f"output/{entry.path} changed during the deploy; build again and deploy again")
    arguments: dict[str, Any] = {
        "Bucket": target.bucket,
        "Key": target.prefix + entry.path,
        "Body": data,
        "ContentType": entry.content_type,
        "CacheControl": entry.cache_control,
        "Metadata": {"sha256": entry.sha256, **dict(entry.metadata)},
    }
    if entry.redirect:
        arguments["WebsiteRedirectLocation"] = entry.redirect
    return _etag(client.put_object(**arguments).get("ETag", ""))


def _upload_group(
    client: Any, target: DeployTarget, out_dir: Path, entries: list[FileEntry], jobs: int, report: DeployReport
) -> dict[str, str]:
    """Upload one step's files in parallel; the first failure cancels what has not started and stops."""
    etags: dict[str, str] = {}
    lock = threading.Lock()

    def upload(entry: FileEntry) -> None:
        etag = _put(client, target, out_dir, entry)
        with lock:
            etags[entry.path] = etag
            report.uploaded.append(entry.path)

    pool = ThreadPoolExecutor(max(1, jobs))
    try:
        futures: list[Future[None]] = [pool.submit(upload, entry) for entry in entries]
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        failed = next((f.exception() for f in done if f.exception() is not None), None)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    if failed is not None:
        if isinstance(failed, DeployError):
            raise failed
        raise DeployError(_stopped(report, f"uploading: {failed}")) from failed
    return etags


def _delete(client: Any, target: DeployTarget, paths: list[str], report: DeployReport) -> None:
    for start in range(0, len(paths), 1000):
        batch = paths[start : start + 1000]
        objects = [{"Key": target.prefix + path} for path in batch]
        response = client.delete_objects(Bucket=target.bucket, Delete={"Objects": objects, "Quiet": True})
        errors = response.get("Errors", [])
        failed = {error.get("Key", "")[len(target.prefix) :] for error in errors}
        report.deleted.extend(path for path in batch if path not in failed)
        if errors:
            raise RuntimeError(f"{len(errors)} objects were not deleted, e.g. {errors[0].get('Key')}")


# -- helpers ----------------------------------------------------------------------------------------------


def _etag(value: str) -> str:
    return value.strip('"')


def _refusal(message: str, hint: str) -> SiteErrors:
    return SiteErrors([SiteError("deploy", 0, message, hint)])


def _stopped(report: DeployReport, what: str) -> str:
    uploads = len(report.plan.all_uploads())
    return (
        f"{what}. {len(report.uploaded)} of {uploads} uploads were done and {len(report.deleted)} files deleted; "
        "run the deploy again to finish: it uploads only what the bucket does not have yet"
    )


def _guarded(report: DeployReport, what: str, step: Callable[[], None]) -> None:
    """A step after the uploads began: any failure becomes a DeployError saying how far the deploy got."""
    try:
        step()
    except DeployError:
        raise
    except Exception as exc:
        raise DeployError(_stopped(report, f"{what}: {exc}")) from exc


@contextmanager
def _refusing_on_error(name: str, where: str) -> Iterator[None]:
    """Errors while only reading the bucket: nothing was changed, so they are refusals with a hint."""
    try:
        yield
    except SiteErrors:
        raise
    except Exception as exc:
        code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
        hint = _HINTS.get(code, "check the target's bucket, endpoint_url and region in config.yaml")
        raise SiteErrors([SiteError("deploy", 0, f"target '{name}' ({where}): {exc}", hint)]) from exc

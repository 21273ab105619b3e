"""Deploying to a real S3 server (moto in server mode on 127.0.0.1) with the real boto3 client."""

from __future__ import annotations

import json
import re
import socket
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from moto.server import ThreadedMotoServer

from sitegen import deploy as deploy_module
from sitegen.cli import COMMANDS, main
from sitegen.config import load_config
from sitegen.deploy import DeployError, DeployReport, deploy
from sitegen.errors import SiteErrors
from sitegen.headers import IMMUTABLE, REVALIDATE
from sitegen.manifest import FileEntry, local_manifest, parse_manifest

from .conftest import CONFIG, PROJECT, Site, story

BUCKET = "staerkebyer-test"
REDIRECT = "https://was.digst.dk/example-dk"


class S3Server:
    """moto's S3 (and CloudFront) on a free port; stop() and start() again keep its data (it lives in-process)."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.server: ThreadedMotoServer | None = None

    def start(self) -> None:
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()

    def stop(self) -> None:
        if self.server:
            self.server.stop()
            self.server = None

    def client(self, service: str = "s3") -> Any:
        return boto3.client(service, endpoint_url=self.endpoint, region_name="eu-north-1")


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[S3Server]:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-north-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    server = S3Server()
    server.start()
    urllib.request.urlopen(urllib.request.Request(f"{server.endpoint}/moto-api/reset", method="POST")).close()
    server.client().create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"})
    yield server
    server.stop()


def configure(site: Site, s3: S3Server, target: str = "") -> None:
    """A deploy target on the moto server; a site with no warnings, as --strict wants."""
    skolen = story("Skolen åbner", date="2026-04-01", town_key="billund", extra="translation: false\n")
    site.write("content/stories/skolen.da.md", skolen)
    site.write(
        "config.yaml",
        CONFIG
        + f"redirects:\n  was: {REDIRECT}\n"
        + "deploy:\n  default_target: test\n  targets:\n"
        + f"    test: {{bucket: {BUCKET}, endpoint_url: '{s3.endpoint}', region: eu-north-1{target}}}\n",
    )


@pytest.fixture
def project(site: Site, s3: S3Server) -> Site:
    """The fixture site with a deploy target on the moto server, built with --strict."""
    configure(site, s3)
    site.build(strict=True)
    return site


def run_deploy(site: Site, lines: list[str] | None = None, **options: Any) -> DeployReport:
    """Deploy without retries (a stopped server fails at once); the printed plan goes to `lines`."""
    return deploy(site.root, retries=1, out=(lines if lines is not None else []).append, **options)


def published(site: Site) -> dict[str, bytes]:
    return {path: data for path, data in site.outputs().items() if path != "_headers"}


def bucket(s3: S3Server, prefix: str = "") -> dict[str, bytes]:
    """The site in the bucket: objects below the prefix, without the manifest."""
    client = s3.client()
    keys = [
        item["Key"]
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        for item in page.get("Contents", [])
    ]
    return {
        key[len(prefix) :]: client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        for key in keys
        if key != f"{prefix}.sitegen-manifest.json"
    }


def etags(s3: S3Server) -> dict[str, str]:
    client = s3.client()
    return {item["Key"]: item["ETag"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {path for path, data in after.items() if before.get(path) != data}


# -- deploying -------------------------------------------------------------------------------------------


def test_first_deploy_uploads_everything_with_the_right_headers(project: Site, s3: S3Server) -> None:
    lines: list[str] = []
    report = run_deploy(project, lines)
    files = published(project)
    assert sorted(report.uploaded) == sorted(files) and report.deleted == [] and report.manifest_written
    assert bucket(s3) == files
    assert "_headers" not in bucket(s3)  # CDN header rules, never published as a page

    client = s3.client()

    def head(key: str) -> dict[str, Any]:
        return client.head_object(Bucket=BUCKET, Key=key)  # type: ignore[no-any-return]

    page = head("index.html")
    assert page["ContentType"] == "text/html; charset=utf-8" and page["CacheControl"] == REVALIDATE
    assert page["Metadata"]["sha256"] and "default-src 'self'" in page["Metadata"]["content-security-policy"]
    assert page["Metadata"]["x-content-type-options"] == "nosniff"
    css = next(path for path in files if path.startswith("static/") and path.endswith(".css"))
    assert head(css)["ContentType"] == "text/css; charset=utf-8" and head(css)["CacheControl"] == IMMUTABLE
    assert "content-security-policy" not in head(css)["Metadata"]
    assert head("feed.xml")["ContentType"] == "application/atom+xml; charset=utf-8"
    assert head("sitemap.xml")["ContentType"] == "application/xml; charset=utf-8"
    assert head("sitemap.xml")["CacheControl"] == REVALIDATE
    assert head("robots.txt")["ContentType"] == "text/plain; charset=utf-8"
    manifest = parse_manifest(client.get_object(Bucket=BUCKET, Key=".sitegen-manifest.json")["Body"].read())
    assert manifest is not None and set(manifest) == set(files)
    # the plan says why: everything is new, assets first
    uploads = [line for line in lines if line.startswith("  upload")]
    assert len(uploads) == len(files) and all(line.endswith("(new; assets)") for line in uploads[:3])


def test_the_redirect_page_redirects_at_the_host(project: Site, s3: S3Server) -> None:
    run_deploy(project)
    response = s3.client().head_object(Bucket=BUCKET, Key="was/index.html")
    assert response["WebsiteRedirectLocation"] == REDIRECT
    assert response["ContentType"] == "text/html; charset=utf-8"


def test_a_campaign_short_url_redirects_at_the_host(site: Site, s3: S3Server) -> None:
    configure(site, s3)
    site.write(
        "content/campaigns/flyt.da.md",
        '---\ntitle: "Flyt hertil"\nsummary: "Kom."\nshort_url: flyt\ncampaign_code: radio-2027\n'
        "blocks:\n  - type: text\n---\n\nVelkommen.\n",
    )
    site.build(strict=True)
    run_deploy(site)
    response = s3.client().head_object(Bucket=BUCKET, Key="flyt/index.html")
    assert response["WebsiteRedirectLocation"] == "/kampagne/flyt/?kampagne=radio-2027"
    assert s3.client().head_object(Bucket=BUCKET, Key="was/index.html")["WebsiteRedirectLocation"] == REDIRECT


def test_a_second_deploy_uploads_nothing(project: Site, s3: S3Server, capsys: pytest.CaptureFixture[str]) -> None:
    run_deploy(project)
    before = etags(s3)
    project.build(strict=True)
    report = run_deploy(project)
    assert report.uploaded == [] and report.deleted == [] and not report.manifest_written
    assert etags(s3) == before
    assert main(["deploy", "--root", str(project.root)]) == 0
    assert "Deployed to 'test': 0 uploaded, 0 deleted" in capsys.readouterr().out


def test_an_edited_story_uploads_only_the_changed_files(project: Site, s3: S3Server) -> None:
    run_deploy(project)
    before = published(project)
    project.write(
        "content/stories/havnebad.en.md", (project.root / "content/stories/havnebad.en.md").read_text() + "\nMore.\n"
    )
    project.build(strict=True)
    lines: list[str] = []
    report = run_deploy(project, lines)
    expected = changed(before, published(project))
    assert expected and "en/stories/harbour-bath/index.html" in expected
    assert sorted(report.uploaded) == sorted(expected)
    assert "  upload  en/stories/harbour-bath/index.html  (changed; pages)" in lines
    assert bucket(s3) == published(project)


def test_changed_headers_upload_the_file_again(project: Site, s3: S3Server) -> None:
    run_deploy(project)
    s3.client().copy_object(
        Bucket=BUCKET,
        Key="robots.txt",
        CopySource={"Bucket": BUCKET, "Key": "robots.txt"},
        MetadataDirective="REPLACE",
        ContentType="text/html",
        Metadata={"sha256": local_manifest(project.root / "output", "/", {})["robots.txt"].sha256},
    )
    lines: list[str] = []
    report = run_deploy(project, lines)
    assert report.uploaded == ["robots.txt"]
    assert "  upload  robots.txt  (metadata changed; feeds)" in lines


def test_a_removed_story_deletes_its_page(project: Site, s3: S3Server) -> None:
    run_deploy(project)
    before = published(project)
    (project.root / "content/stories/skolen.da.md").unlink()
    project.build(strict=True)
    after = published(project)
    lines: list[str] = []
    report = run_deploy(project, lines)
    gone = sorted(set(before) - set(after))
    assert "historier/skolen/index.html" in gone
    assert report.deleted == gone
    assert sorted(report.uploaded) == sorted(changed(before, after))
    assert "  delete  historier/skolen/index.html  (not in the build)" in lines
    assert bucket(s3) == after


def test_more_deletes_than_the_cap_abort_before_anything_changes(project: Site, s3: S3Server) -> None:
    run_deploy(project)
    before = etags(s3)
    for name in ("stories/skolen.da.md", "pages/om.da.md", "pages/om.en.md"):
        (project.root / "content" / name).unlink()
    project.build(strict=True)
    with pytest.raises(SiteErrors, match=r"the plan deletes \d+ files from the live site, more than --max-deletes 2"):
        run_deploy(project, max_deletes=2)
    assert etags(s3) == before  # nothing uploaded, nothing deleted
    assert run_deploy(project, max_deletes=100).deleted


def test_a_site_much_smaller_than_the_live_one_is_refused(project: Site, s3: S3Server) -> None:
    client = s3.client()
    for number in range(3 * len(published(project))):
        client.put_object(Bucket=BUCKET, Key=f"old/{number}.html", Body=b"old")
    with pytest.raises(SiteErrors, match=r"fewer than half of the \d+ live ones"):
        run_deploy(project, max_deletes=1000)
    assert len(bucket(s3)) == 3 * len(published(project))
    run_deploy(project, max_deletes=1000, allow_shrink=True)
    assert bucket(s3) == published(project)


def test_an_interrupted_deploy_finishes_when_run_again(
    project: Site, s3: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server goes away after 5 uploads; the second run uploads only what is missing."""
    real_put = deploy_module._put
    done: list[str] = []
    lock = threading.Lock()

    def put_then_fail(client: Any, target: Any, out_dir: Path, entry: FileEntry) -> str:
        with lock:
            if len(done) == 5 and s3.server:
                s3.stop()
        etag = real_put(client, target, out_dir, entry)
        with lock:
            done.append(entry.path)
        return etag

    monkeypatch.setattr(deploy_module, "_put", put_then_fail)
    with pytest.raises(DeployError, match="run the deploy again to finish") as stopped:
        run_deploy(project, jobs=2)
    # the server stops between requests, or (the other upload thread) during one
    assert re.search(r"Could not connect to|Connection was closed before .* from endpoint URL", str(stopped.value))
    assert len(done) >= 5
    monkeypatch.setattr(deploy_module, "_put", real_put)
    s3.start()
    assert set(done) <= set(bucket(s3))
    report = run_deploy(project)
    assert not set(report.uploaded) & set(done)  # nothing uploaded twice
    assert sorted(report.uploaded + done) == sorted(published(project))
    assert bucket(s3) == published(project)
    assert run_deploy(project).uploaded == []


def test_an_interrupted_update_is_found_despite_the_old_manifest(
    project: Site, s3: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_deploy(project)
    for name in ("havnebad.da.md", "skolen.da.md"):
        path = project.root / "content/stories" / name
        path.write_text(path.read_text() + "\nNyt afsnit.\n")
    project.build(strict=True)
    real_put = deploy_module._put
    done: list[str] = []

    def put_twice(client: Any, target: Any, out_dir: Path, entry: FileEntry) -> str:
        if len(done) == 2:
            raise ConnectionError("the network went away")
        done.append(entry.path)
        return real_put(client, target, out_dir, entry)

    monkeypatch.setattr(deploy_module, "_put", put_twice)
    with pytest.raises(DeployError, match=r"uploading: the network went away\. 2 of \d+ uploads were done"):
        run_deploy(project, jobs=1)
    monkeypatch.setattr(deploy_module, "_put", real_put)
    report = run_deploy(project)
    assert report.uploaded and not set(report.uploaded) & set(done)
    assert bucket(s3) == published(project)


# -- refusals --------------------------------------------------------------------------------------------


def test_a_build_without_strict_is_never_deployed(site: Site, s3: S3Server) -> None:
    configure(site, s3)
    site.build()
    with pytest.raises(SiteErrors, match="output/ was built without --strict"):
        run_deploy(site)
    site.build(strict=True, drafts=True)
    with pytest.raises(SiteErrors, match="preview build"):
        run_deploy(site)
    assert bucket(s3) == {}


def test_a_failed_build_is_never_deployed(project: Site, s3: S3Server, capsys: pytest.CaptureFixture[str]) -> None:
    project.write("content/stories/fejl.da.md", "---\ntitle: x\n")
    with pytest.raises(SiteErrors):
        project.build(strict=True)
    assert (project.root / "output/index.html").is_file()  # the old site is still there, but not deployable
    assert main(["deploy", "--root", str(project.root)]) == 1
    err = capsys.readouterr().err
    assert "Nothing was done: 1 problem to fix" in err and "no record of a successful build" in err
    assert bucket(s3) == {}


def test_output_changed_after_the_build_is_refused(project: Site, s3: S3Server) -> None:
    (project.root / "output/extra.html").write_text("<p>by hand</p>")
    with pytest.raises(SiteErrors, match="output/ has changed since it was built"):
        run_deploy(project)
    (project.root / "output/extra.html").unlink()
    (project.root / "output/index.html").unlink()
    with pytest.raises(SiteErrors, match="has changed since it was built"):
        run_deploy(project)
    assert bucket(s3) == {}


def test_dry_run_changes_nothing(project: Site, s3: S3Server, capsys: pytest.CaptureFixture[str]) -> None:
    report = run_deploy(project, dry_run=True)
    assert report.dry_run and len(report.plan.all_uploads()) == len(published(project))
    assert bucket(s3) == {}
    run_deploy(project)
    before = etags(s3)
    (project.root / "content/stories/skolen.da.md").unlink()
    project.build(strict=True)
    assert main(["deploy", "--root", str(project.root), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "  delete  historier/skolen/index.html  (not in the build)" in out
    assert "(changed; pages)" in out and out.rstrip().endswith("Dry run: nothing was changed.")
    assert etags(s3) == before


def test_credentials_in_config_are_refused(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(
        CONFIG + "deploy:\n  targets:\n    live: {bucket: site, aws_secret_access_key: abc}\n"
    )
    with pytest.raises(SiteErrors, match=r"deploy\.targets\.live\.aws_secret_access_key looks like a credential"):
        load_config(tmp_path)
    (tmp_path / "config.yaml").write_text(CONFIG + "deploy:\n  targets:\n    live: {bucket: AKIAIOSFODNN7EXAMPLE}\n")
    with pytest.raises(SiteErrors, match=r"credentials never go in config\.yaml"):
        load_config(tmp_path)


def test_missing_credentials_and_unknown_targets_are_refused(
    project: Site, s3: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SiteErrors, match="there is no target 'tset'; did you mean 'test'"):
        run_deploy(project, target_name="tset")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(SiteErrors, match="no AWS credentials found"):
        run_deploy(project)


def test_a_missing_bucket_is_a_refusal_with_a_hint(site: Site, s3: S3Server) -> None:
    configure(site, s3)
    site.write("config.yaml", (site.root / "config.yaml").read_text().replace(BUCKET, "no-such-bucket"))
    site.build(strict=True)
    with pytest.raises(SiteErrors, match="create the bucket first"):
        run_deploy(site)


def test_a_prefix_and_a_cloudfront_invalidation_of_changed_pages(
    site: Site, s3: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    cloudfront = s3.client("cloudfront")
    distribution = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": "test",
            "Comment": "",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "s3",
                        "DomainName": f"{BUCKET}.s3.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {"TargetOriginId": "s3", "ViewerProtocolPolicy": "redirect-to-https", "MinTTL": 0},
        }
    )["Distribution"]["Id"]
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFRONT", s3.endpoint)
    configure(site, s3, f", prefix: site/, website_redirects: false, cloudfront_distribution_id: {distribution}")
    site.build(strict=True)
    run_deploy(site)
    assert bucket(s3, "site/") == published(site)
    assert "WebsiteRedirectLocation" not in s3.client().head_object(Bucket=BUCKET, Key="site/was/index.html")
    assert s3.client().head_object(Bucket=BUCKET, Key="site/.sitegen-manifest.json")["ContentLength"] > 0
    before = published(site)
    path = site.root / "content/pages/om.en.md"
    path.write_text(path.read_text() + "\nMore.\n")
    site.build(strict=True)
    report = run_deploy(site)
    html = {p for p in changed(before, published(site)) if p.endswith(".html")}
    assert "en/about/index.html" in html
    expected = {f"/{p}" for p in html} | {f"/{p[: -len('index.html')]}" for p in html}
    assert set(report.invalidated) == expected
    listed = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"]["Items"]
    batches = [cloudfront.get_invalidation(DistributionId=distribution, Id=i["Id"]) for i in listed]
    assert any(set(b["Invalidation"]["InvalidationBatch"]["Paths"]["Items"]) == expected for b in batches)


# -- the CI workflow -------------------------------------------------------------------------------------


def test_the_workflow_parses_and_runs_only_commands_that_exist() -> None:
    workflow = yaml.safe_load((PROJECT / ".github/workflows/site.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"pull_request", "push", "schedule"} <= set(triggers)
    assert triggers["push"]["branches"] == ["main"]
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    commands = [match for step in steps for match in re.findall(r"\./dev\s+([\w-]+)", step.get("run", ""))]
    dev = (PROJECT / "dev").read_text(encoding="utf-8")
    built_in = set(re.findall(r"^\s+([a-z]+)\)$", dev, flags=re.MULTILINE))
    assert {"build", "check", "test", "deploy"} <= set(commands)
    for command in commands:
        assert command in COMMANDS or command in built_in, f"./dev {command} is not a command"
    uses = {step.get("uses", "").split("@")[0] for step in steps}
    assert {"actions/checkout", "actions/setup-python", "actions/cache", "actions/upload-artifact"} <= uses
    deploy_steps = [step for step in steps if "./dev deploy" in step.get("run", "")]
    assert deploy_steps and all("secrets.AWS_SECRET_ACCESS_KEY" in json.dumps(step) for step in deploy_steps)


# -- the pure parts ----------------------------------------------------------------------------------------


def test_content_types_cache_policy_and_invalidation_paths() -> None:
    from sitegen.manifest import content_type, group_of, invalidation_paths, object_headers

    assert content_type("feed.xml", b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">') == (
        "application/atom+xml; charset=utf-8"
    )
    assert content_type("sitemap.xml", b"<urlset>") == "application/xml; charset=utf-8"
    assert content_type("media/a.avif") == "image/avif" and content_type("static/x.js").startswith("text/javascript;")
    assert object_headers("media/a.webp", "/kampagne/", "image/webp") == (IMMUTABLE, ())
    cache, metadata = object_headers("om/index.html", "/kampagne/", "text/html; charset=utf-8")
    assert cache == REVALIDATE and ("x-frame-options", "DENY") in metadata
    assert [
        group_of(p) for p in ("static/a.css", "pagefind/fragment/x.pf_fragment", "pagefind/pagefind-entry.json")
    ] == [0, 0, 1]
    assert [group_of(p) for p in ("index.html", "feed.xml", "robots.txt")] == [1, 2, 2]
    assert invalidation_paths(["index.html", "om/index.html", "static/a.css.html"], "/kampagne/") == [
        "/kampagne/",
        "/kampagne/index.html",
        "/kampagne/om/",
        "/kampagne/om/index.html",
        "/kampagne/static/a.css.html",
    ]
    assert invalidation_paths([f"p{n}/index.html" for n in range(600)], "/") == ["/*"]


def test_deploy_settings_are_checked(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(
        CONFIG + "deploy:\n  default_target: live\n  targets:\n    test: {bucket: site, prefix: /a/b}\n"
    )
    with pytest.raises(SiteErrors, match="default_target 'live' is not one of targets"):
        load_config(tmp_path)
    (tmp_path / "config.yaml").write_text(CONFIG + "deploy:\n  targets:\n    test: {bucket: site, prefix: /a/b}\n")
    deploy_settings = load_config(tmp_path).deploy
    assert deploy_settings and deploy_settings.targets["test"].prefix == "a/b/"
    (tmp_path / "config.yaml").write_text(CONFIG + "deploy:\n  targets:\n    test: {bucket: site, prefix: ../x}\n")
    with pytest.raises(SiteErrors, match="must be a folder like site/"):
        load_config(tmp_path)

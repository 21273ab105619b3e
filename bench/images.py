#!/usr/bin/env python3
"""Speed of the image pipeline on camera-sized photos, side by side with Hugo.

Makes N synthetic photos (default 40 at 4000×3000, JPEG with EXIF including a GPS position) in a
temporary site where every story has one as its lead image, then times with sitegen:
  1. a cold build (no output/, no .cache/): every derivative (AVIF, WebP, JPEG at each width) and share card
  2. a no-change build (must do no image work)
  3. a cold build with `images: {formats: [webp]}` (WebP plus the JPEG fallback), closer to what Hugo makes
and with Hugo (if installed; Debian package `hugo`): a tiny site whose template calls .Resize to WebP at
the same widths for the same photos, cold (no resources/_gen) and again with its cache.
It prints megapixels per second (source pixels / time) and the ratios ours/Hugo.

Usage: ./dev setup && .venv/bin/python bench/images.py [--count 40] [--size 4000x3000] [--jobs N]
       [--work .bench-work/images] [--no-hugo]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

PROJECT = Path(__file__).resolve().parent.parent
WIDTHS = (480, 800, 1200, 1600)

CONFIG = """\
base_url: https://example.dk/
default_language: da
languages:
  da:
    title: Stærke byer
    description: Bo i Billund Kommune.
    locale: da_DK
    sections: {stories: historier, towns: byer, topics: emner, audiences: for, page: side}
audiences:
  families: {da: Familier, en: Families}
  workers: {da: Arbejdskraft, en: Skilled workers}
  business: {da: Virksomheder, en: Businesses}
organization: {name: Billund Kommune, url: "https://www.billund.dk/"}
accessibility_statement_url: https://was.digst.dk/example-dk
"""

HUGO_CONFIG = """\
baseURL = "https://example.dk/"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "section", "page"]
[imaging]
quality = 75
resampleFilter = "Lanczos"
"""

HUGO_TEMPLATE = """\
{{ range resources.Match "photos/*.jpg" }}{{ $photo := . }}{{ range slice %s }}\
{{ $small := $photo.Resize (printf "%%dx webp" .) }}<img src="{{ $small.RelPermalink }}" width="{{ $small.Width }}">
{{ end }}{{ end }}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=40, help="photos (default 40)")
    parser.add_argument("--size", default="4000x3000", help="pixels of each photo (default 4000x3000)")
    parser.add_argument("--jobs", type=int, default=None, help="--jobs for sitegen (default: cores)")
    parser.add_argument("--work", type=Path, default=PROJECT / ".bench-work" / "images")
    parser.add_argument("--no-hugo", action="store_true", help="skip the comparison with Hugo")
    options = parser.parse_args()
    width, height = (int(n) for n in options.size.lower().split("x"))
    work = options.work.resolve()
    photos = _photos(work / f"photos-{options.count}-{width}x{height}", options.count, (width, height))
    megapixels = options.count * width * height / 1e6
    print(f"{options.count} photos of {width}×{height} ({megapixels:.0f} megapixels), {os.cpu_count()} cores")

    site = _site(work / "site", photos)
    results: dict[str, float] = {}
    cold = _ours(site, options.jobs, clean=True)
    again = _ours(site, options.jobs, clean=False)
    _check_output(site, options.count)
    (site / "config.yaml").write_text(CONFIG + "images:\n  formats: [webp]\n", encoding="utf-8")
    webp = _ours(site, options.jobs, clean=True)
    results |= {
        "ours_cold": cold[0],
        "ours_cold_images": cold[1],
        "ours_no_change": again[0],
        "ours_webp_cold": webp[0],
        "ours_webp_cold_images": webp[1],
    }
    print(f"sitegen cold build:        {cold[0]:7.2f} s (images {cold[1]:.2f} s)  {megapixels / cold[1]:6.1f} MP/s")
    print(f"sitegen no-change build:   {again[0]:7.2f} s (images {again[1]:.2f} s)")
    print(f"sitegen cold, WebP + JPEG: {webp[0]:7.2f} s (images {webp[1]:.2f} s)  {megapixels / webp[1]:6.1f} MP/s")

    hugo = shutil.which("hugo")
    if options.no_hugo:
        pass
    elif hugo is None:
        print("hugo not found: install it with `apt-get install hugo` to compare")
    else:
        hugo_site = _hugo_site(work / "hugo", photos)
        version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
        hugo_cold = _hugo(hugo, hugo_site, clean=True)
        hugo_again = _hugo(hugo, hugo_site, clean=False)
        made = len(list((hugo_site / "public").rglob("*.webp")))
        results |= {"hugo_cold": hugo_cold, "hugo_no_change": hugo_again}
        print(f"{version}")
        print(f"hugo cold build, WebP:     {hugo_cold:7.2f} s  {megapixels / hugo_cold:6.1f} MP/s  ({made} WebP files)")
        print(f"hugo no-change build:      {hugo_again:7.2f} s")
        print(f"ratio ours/hugo, cold, all formats (AVIF+WebP+JPEG, cards): {cold[0] / hugo_cold:5.2f}")
        print(f"ratio ours/hugo, cold, WebP + JPEG fallback:                {webp[0] / hugo_cold:5.2f}")
        print(f"ratio ours/hugo, no change:                                 {again[0] / hugo_again:5.2f}")
    (work / "images.json").write_text(json.dumps({"count": options.count, "size": options.size, **results}, indent=2))
    return 0


def _photos(folder: Path, count: int, size: tuple[int, int]) -> list[Path]:
    """Synthetic camera photos: soft shapes, gradients and grain, with EXIF (camera, serial, GPS)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"foto-{number:03d}.jpg"
        paths.append(path)
        if path.is_file():
            continue
        rng = random.Random(number)
        width, height = size
        small = (width // 16, height // 16)
        channels = [Image.linear_gradient("L").rotate(rng.randrange(360)).resize(small) for _ in range(3)]
        picture = Image.merge("RGB", channels)
        draw = ImageDraw.Draw(picture)
        for _ in range(12):
            x, y = rng.randrange(small[0]), rng.randrange(small[1])
            r = rng.randrange(5, small[1] // 3)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
        picture = picture.filter(ImageFilter.GaussianBlur(2)).resize(size, Image.Resampling.BICUBIC)
        grain = Image.effect_noise(size, 24).convert("RGB")
        picture = Image.blend(picture, grain, 0.12)
        exif = Image.Exif()
        exif[0x010F], exif[0x0110] = "Canon", "EOS R5"
        exif[0x0112] = 1 if number % 4 else 6  # every fourth photo taken upright
        exif.get_ifd(0x8769)[0xA431] = f"SERIAL-{number:06d}"
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2], gps[3], gps[4] = "N", (55.0, 43.0, 52.0), "E", (9.0, 7.0, 30.0)
        picture.save(path, "JPEG", quality=90, exif=exif)
    return paths


def _site(site: Path, photos: list[Path]) -> Path:
    shutil.rmtree(site, ignore_errors=True)
    (site / "content" / "stories" / "photos").mkdir(parents=True)
    (site / "content" / "towns").mkdir(parents=True)
    shutil.copytree(PROJECT / "themes", site / "themes")
    (site / "config.yaml").write_text(CONFIG, encoding="utf-8")
    (site / "content" / "towns" / "grindsted.da.md").write_text(
        '---\nname: Grindsted\nsummary: "En by."\npopulation: 9782\npopulation_year: 2024\n'
        'population_source: "Danmarks Statistik"\n---\n\nTekst.\n',
        encoding="utf-8",
    )
    for number, photo in enumerate(photos):
        os.link(photo, site / "content" / "stories" / "photos" / photo.name)
        (site / "content" / "stories" / f"historie-{number:03d}.da.md").write_text(
            f'---\ntitle: "Historie nummer {number} fra Grindsted"\ndate: 2026-05-01\ntown: grindsted\n'
            f'summary: "Om nummer {number}."\nimage: photos/{photo.name}\nimage_alt: "Et syntetisk foto"\n---\n\n'
            "Tekst.\n",
            encoding="utf-8",
        )
    return site


def _ours(site: Path, jobs: int | None, clean: bool) -> tuple[float, float]:
    """(wall seconds, image seconds from the summary line) of one build."""
    if clean:
        for folder in ("output", ".cache"):
            shutil.rmtree(site / folder, ignore_errors=True)
    command = [sys.executable, str(PROJECT / "build.py"), "build", "--root", str(site), "--build-date", "2026-11-28"]
    if jobs:
        command += ["--jobs", str(jobs)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stdout}{done.stderr}")
    found = re.search(r"images ([0-9.]+) s", done.stdout)
    return seconds, float(found.group(1)) if found else 0.0


def _check_output(site: Path, count: int) -> None:
    """Every photo has 4 widths × 3 formats; none carries EXIF."""
    made = list((site / "output" / "media").glob("foto-*"))
    assert len(made) == count * len(WIDTHS) * 3, len(made)
    for path in made[:10]:
        data = path.read_bytes()
        assert b"SERIAL-" not in data and b"Canon" not in data, path


def _hugo_site(folder: Path, photos: list[Path]) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "assets" / "photos").mkdir(parents=True)
    (folder / "layouts").mkdir()
    (folder / "content").mkdir()
    (folder / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (folder / "layouts" / "index.html").write_text(HUGO_TEMPLATE % " ".join(map(str, WIDTHS)), encoding="utf-8")
    for photo in photos:
        os.link(photo, folder / "assets" / "photos" / photo.name)
    return folder


def _hugo(hugo: str, site: Path, clean: bool) -> float:
    if clean:
        for name in ("public", "resources"):
            shutil.rmtree(site / name, ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run([hugo, "--quiet", "--source", str(site)], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"hugo failed:\n{done.stdout}{done.stderr}")
    return seconds


if __name__ == "__main__":
    sys.exit(main())

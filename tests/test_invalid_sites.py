"""One folder per invalid case: its files are laid over the minimal site, and the build must fail
with exactly the lines in expected.txt, exit code 1 from the command line, and output/ unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitegen.cli import main
from sitegen.errors import SiteErrors

from .conftest import Site

CASES = Path(__file__).parent / "fixtures" / "invalid"


def _overlay(site: Site, case: Path) -> None:
    for source in sorted(case.rglob("*")):
        if source.is_file() and source.name != "expected.txt":
            target = site.root / source.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir()), ids=str)
def test_invalid_case(site: Site, case: str, capsys: pytest.CaptureFixture[str]) -> None:
    site.build()
    before = site.outputs()
    _overlay(site, CASES / case)
    with pytest.raises(SiteErrors) as caught:
        site.build()
    actual = [str(error) for error in caught.value.errors]
    expected = (CASES / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert actual == expected
    assert site.outputs() == before

    code = main(["build", "--root", str(site.root), "--build-date", "2026-11-28", "--quiet"])
    captured = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in captured.err
    for line in expected:
        assert f"  {line}" in captured.err
    assert site.outputs() == before

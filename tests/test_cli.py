"""The command line: exit codes, the summary, and messages without tracebacks."""

from __future__ import annotations

import pytest

from sitegen.cli import main

from .conftest import Site


def run(site: Site, *arguments: str) -> int:
    return main([*arguments, "--root", str(site.root)] if arguments else ["--root", str(site.root)])


def test_build_is_the_default_and_prints_a_summary(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(site) == 0
    out = capsys.readouterr().out
    assert out.startswith("Built ") and "rendered, " in out and "written, 0 deleted, 0 warnings in" in out
    assert (site.root / "output/index.html").is_file()


def test_verbose_lists_files_and_quiet_prints_nothing(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(site, "build", "--verbose", "--jobs", "1") == 0
    assert "  wrote index.html" in capsys.readouterr().out
    assert run(site, "build", "--quiet") == 0
    assert capsys.readouterr().out == ""


def test_content_error_exits_1_with_one_line_per_problem(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    site.write("content/stories/fejl.da.md", "---\ntitle: x\n")
    assert run(site, "build") == 1
    err = capsys.readouterr().err
    assert err == (
        "Build failed: 1 problem to fix\n"
        "  content/stories/fejl.da.md:1: the front matter is never closed; add a line '---' after the last field\n"
        "Nothing was written; output/ is as it was.\n"
    )


def test_usage_errors_exit_2(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--jobs", "none"]) == 2
    assert main(["build", "--build-date", "2026-13-01"]) == 2
    assert main(["new", "recipe", "x"]) == 2
    assert "expected a date like 2026-05-01" in capsys.readouterr().err


def test_strict_fails_on_warnings(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    site.write("content/stories/en.da.md", "---\ntitle: x\ndate: 2026-01-01\ntown: billund\nsummary: y\n---\n# H1\n")
    assert run(site, "build") == 0
    assert "warning: content/stories/en.da.md:7: the body has a level-1 heading" in capsys.readouterr().err
    assert run(site, "build", "--strict") == 1


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "serve" in capsys.readouterr().out

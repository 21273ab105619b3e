"""`new story|town|page|event|campaign`: files that build at once, and never an overwrite."""

from __future__ import annotations

import pytest

from sitegen.cli import main

from .conftest import Site


def test_new_story_in_both_languages_builds_as_a_draft(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "story", "Nyt havnebad i Billund", "--town", "billund", "--root", str(site.root)]) == 0
    created = capsys.readouterr().out
    assert "content/stories/nyt-havnebad-i-billund.da.md" in created
    assert "content/stories/nyt-havnebad-i-billund.en.md" in created
    text = (site.root / "content/stories/nyt-havnebad-i-billund.da.md").read_text()
    assert "draft: true" in text and "town: billund" in text and 'title: "Nyt havnebad i Billund"' in text
    site.build()
    assert "historier/nyt-havnebad-i-billund/index.html" not in site.outputs()
    site.build(drafts=True)
    assert "historier/nyt-havnebad-i-billund/index.html" in site.outputs()


def test_new_town_and_page_build(site: Site) -> None:
    assert main(["new", "town", "vorbasse", "--lang", "da", "--root", str(site.root)]) == 0
    assert main(["new", "page", "velkomstgave", "--root", str(site.root)]) == 0
    site.build(drafts=True)
    assert "byer/vorbasse/index.html" in site.outputs()
    assert "velkomstgave/index.html" in site.outputs()


def test_new_campaign_in_both_languages_builds_as_a_draft(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "campaign", "flyt-med-boern", "--root", str(site.root)]) == 0
    created = capsys.readouterr().out
    assert "content/campaigns/flyt-med-boern.da.md" in created
    assert "content/campaigns/flyt-med-boern.en.md" in created
    danish = (site.root / "content/campaigns/flyt-med-boern.da.md").read_text()
    english = (site.root / "content/campaigns/flyt-med-boern.en.md").read_text()
    assert "draft: true" in danish and "  - type: hero" in danish and 'heading: "Kom på besøg"' in danish
    assert "# The English address, e.g. slug: flyt-med-boern" in english and 'heading: "Come and visit"' in english
    site.build()
    assert "kampagne/flyt-med-boern/index.html" not in site.outputs()
    site.build(drafts=True)
    assert "kampagne/flyt-med-boern/index.html" in site.outputs()
    assert "en/campaign/flyt-med-boern/index.html" in site.outputs()


def test_refuses_to_overwrite(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    before = (site.root / "content/stories/havnebad.da.md").read_text()
    assert main(["new", "story", "havnebad", "--town", "billund", "--root", str(site.root)]) == 1
    assert "content/stories/havnebad.da.md: exists already" in capsys.readouterr().err
    assert (site.root / "content/stories/havnebad.da.md").read_text() == before


def test_story_needs_a_real_town(site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "story", "x", "--root", str(site.root)]) == 1
    assert main(["new", "story", "x", "--town", "grinsted", "--root", str(site.root)]) == 1
    err = capsys.readouterr().err
    assert "a story needs a town" in err and "did you mean 'grindsted'?" in err
    assert not (site.root / "content/stories/x.da.md").exists()

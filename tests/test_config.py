"""config.yaml: typed, frozen, every problem at once with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.errors import SiteErrors

from .conftest import CONFIG, PROJECT


def test_the_real_config_loads() -> None:
    config = load_config(PROJECT)
    assert config.default_language == "da"
    assert config.language_order() == ["da", "en"]
    assert config.languages["en"].sections.stories == "stories"


def test_sub_path_and_absolute_urls(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(CONFIG.replace("https://example.dk/", "https://example.dk/kampagne"))
    config = load_config(tmp_path)
    assert config.base_path == "/kampagne/"
    assert config.absolute("/kampagne/x/") == "https://example.dk/kampagne/x/"


def test_every_error_is_reported_with_its_line(tmp_path: Path) -> None:
    text = CONFIG.replace("base_url: https://example.dk/", "base_url: example.dk").replace(
        "stories_per_page: 2", "stories_per_page: 0\nthema: blue"
    )
    (tmp_path / "config.yaml").write_text(text)
    with pytest.raises(SiteErrors) as caught:
        load_config(tmp_path)
    assert [str(e) for e in caught.value.errors] == [
        "config.yaml:1: base_url: 'example.dk' must be an absolute URL like https://staerkebyer.billund.dk/",
        "config.yaml:14: stories_per_page: input should be greater than or equal to 1",
        "config.yaml:15: unknown field 'thema'; did you mean 'theme'?",
    ]


def test_section_words_must_be_slugs(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(CONFIG.replace("stories: historier", "stories: Historier/"))
    with pytest.raises(SiteErrors, match="must be lowercase letters"):
        load_config(tmp_path)


def test_missing_and_malformed_config(tmp_path: Path) -> None:
    with pytest.raises(SiteErrors, match=r"config\.yaml: the file is missing"):
        load_config(tmp_path)
    (tmp_path / "config.yaml").write_text("base_url: [x\n")
    with pytest.raises(SiteErrors, match=r"config\.yaml:1: a list in"):
        load_config(tmp_path)

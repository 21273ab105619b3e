"""Slugs for Danish addresses."""

from __future__ import annotations

import pytest

from sitegen.text import is_slug, slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Sønder Omme", "soender-omme"),
        ("Børnenes Hovedstad", "boernenes-hovedstad"),
        ("Ærø og Åbenrå", "aeroe-og-aabenraa"),
        ("Café Ørsted!", "cafe-oersted"),
        ("  --Stenderup--Krogager-- ", "stenderup-krogager"),
        ("sa\u030a", "saa"),
        ("2026: Ny skole", "2026-ny-skole"),
        ("../../etc", "etc"),
        ("🙂", ""),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_is_slug() -> None:
    assert is_slug("soender-omme") and is_slug("a1")
    assert not any(is_slug(s) for s in ("", "A", "a--b", "-a", "a/b", "..", "a b", "å"))

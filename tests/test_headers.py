"""Header rules for the CDN and the CSP every page carries; the real pages keep to that policy."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser

from sitegen.headers import content_security_policy, header_rules, headers_file

from .conftest import Site


def test_policy_has_no_unsafe_inline_or_other_hosts() -> None:
    policy = content_security_policy()
    assert "unsafe-inline" not in policy and "'unsafe-eval'" not in policy and "http" not in policy
    assert "script-src 'self' 'wasm-unsafe-eval';" in policy  # WebAssembly for the search, nothing more
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "frame-ancestors" not in content_security_policy(for_meta=True)


def test_headers_file_lists_every_rule_under_the_base_path() -> None:
    text = headers_file("/kampagne/").decode()
    assert text.startswith("/kampagne/*\n  Content-Security-Policy: default-src 'self';")
    for name in ("Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy"):
        assert f"  {name}: " in text
    assert "/kampagne/static/*\n  Cache-Control: public, max-age=31536000, immutable" in text
    assert header_rules("/")[0][0] == "/*"


def test_pages_carry_the_policy_and_keep_to_it(site: Site) -> None:
    site.build()
    assert site.read("_headers") == headers_file("/").decode()
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(for_meta=True)}">'
    for path, data in site.outputs().items():
        if not path.endswith(".html"):
            continue
        html = data.decode()
        assert meta.replace("'", "&#39;") in html or meta in html, path
        tree = LexborHTMLParser(html)
        assert not tree.css("[style]") and not tree.css("style"), f"inline style in {path}"
        for script in tree.css("script"):
            assert script.attributes.get("src") or script.attributes.get("type") == "application/ld+json", path
        for node in tree.css("*"):
            assert not any(name.startswith("on") for name in node.attributes), f"event handler in {path}"

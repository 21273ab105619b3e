"""HTTP header rules for the CDN: one source for the `_headers` file, the deploy metadata and the
Content-Security-Policy meta tag every page carries."""

from __future__ import annotations

# No inline scripts or styles, nothing from other hosts. JSON-LD blocks are data, not scripts.
CSP_DIRECTIVES: dict[str, str] = {
    "default-src": "'self'",
    # 'wasm-unsafe-eval' lets the search (Pagefind, served from /pagefind/) compile its WebAssembly module;
    # without it the browser refuses WebAssembly.instantiate. It allows WebAssembly only: no eval(), no
    # new Function(), no inline scripts ('unsafe-eval' and 'unsafe-inline' stay out).
    "script-src": "'self' 'wasm-unsafe-eval'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "upgrade-insecure-requests": "",
}
# frame-ancestors is ignored in a meta tag (and browsers say so in the console); upgrading requests
# would break the preview on http://127.0.0.1, and HSTS covers it on the real site.
_HEADER_ONLY = {"frame-ancestors", "upgrade-insecure-requests"}

SECURITY_HEADERS: dict[str, str] = {
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=300, must-revalidate"


def content_security_policy(for_meta: bool = False) -> str:
    """The policy as a header value, or (for_meta) without the directives a meta tag cannot carry."""
    return "; ".join(
        f"{name} {value}".strip() for name, value in CSP_DIRECTIVES.items() if not (for_meta and name in _HEADER_ONLY)
    )


def header_rules(base_path: str) -> list[tuple[str, dict[str, str]]]:
    """(path pattern, headers) in order: security headers everywhere, long caching for hashed files."""
    return [
        (f"{base_path}*", {"Content-Security-Policy": content_security_policy(), **SECURITY_HEADERS}),
        (f"{base_path}static/*", {"Cache-Control": IMMUTABLE}),
        (f"{base_path}media/*", {"Cache-Control": IMMUTABLE}),
        (f"{base_path}pagefind/index/*", {"Cache-Control": IMMUTABLE}),  # the search index: hashed names
        (f"{base_path}pagefind/fragment/*", {"Cache-Control": IMMUTABLE}),
        (f"{base_path}*.html", {"Cache-Control": REVALIDATE}),
        (f"{base_path}*.xml", {"Cache-Control": REVALIDATE}),
        (f"{base_path}*.ics", {"Cache-Control": REVALIDATE}),  # calendars change when events do
    ]


def headers_file(base_path: str) -> bytes:
    """The rules in the `_headers` format many CDNs read (Netlify, Cloudflare Pages)."""
    lines = []
    for pattern, headers in header_rules(base_path):
        lines.append(pattern)
        lines.extend(f"  {name}: {value}" for name, value in headers.items())
    return ("\n".join(lines) + "\n").encode()

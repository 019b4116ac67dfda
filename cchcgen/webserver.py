"""Web server configuration written with every build: ``_headers``, ``_redirects`` and
``_nginx.conf`` at the top of the output folder.

``_headers`` and ``_redirects`` are read by hosts such as Netlify and Cloudflare Pages;
``_nginx.conf`` is a ``location`` block to include in an nginx ``server`` block. All three
say the same: a Content-Security-Policy the site satisfies (scripts and styles only from
the site itself; WebAssembly for the search index; no inline script or style), a year of
caching for fingerprinted assets and minutes for pages and feeds, the right types for
feeds and QR codes, the 404 page, and old addresses (aliases) as permanent redirects.
"""

from __future__ import annotations

from collections.abc import Sequence

from .urls import BaseUrl

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",  # Pagefind runs its index in WebAssembly
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    )
)
SECURITY = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
)
LONG = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300, must-revalidate"
TYPES = (
    ("rss.xml", "application/rss+xml; charset=utf-8"),
    ("sitemap.xml", "application/xml; charset=utf-8"),
    ("du-lieu.json", "application/json; charset=utf-8"),
    ("du-lieu.csv", "text/csv; charset=utf-8"),
    ("qr.svg", "image/svg+xml"),
    ("qr.png", "image/png"),
)
PRIVATE = ("_headers", "_redirects", "_nginx.conf")
"""Our own configuration files: nginx answers 404 for them."""


def headers_file(base: BaseUrl, fingerprinted: Sequence[str]) -> bytes:
    """``_headers`` (Netlify, Cloudflare Pages): security headers everywhere, long caching
    for each fingerprinted asset, types for feeds, data and QR codes at any depth."""
    blocks = [[f"{base.path}*", *(f"  {name}: {value}" for name, value in SECURITY),
               f"  Cache-Control: {SHORT}"]]  # fmt: skip
    blocks += [[base.public(url), f"  Cache-Control: {LONG}"] for url in fingerprinted]
    for suffix, kind in TYPES:
        for path in (f"{base.path}{suffix}", f"{base.path}*/{suffix}"):
            blocks.append([path, f"  Content-Type: {kind}"])
    return ("\n\n".join("\n".join(block) for block in blocks) + "\n").encode("utf-8")


def redirects_file(base: BaseUrl, aliases: Sequence[tuple[str, str]]) -> bytes:
    """``_redirects``: each old address to its page, 301."""
    lines = [f"{base.public(old)} {base.public(new)} 301" for old, new in aliases]
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def nginx_conf(base: BaseUrl, aliases: Sequence[tuple[str, str]]) -> bytes:
    """A ``location`` block for nginx, to include inside a ``server { }`` block."""
    prefix = base.path

    def headers(indent: str, cache: str) -> list[str]:
        found = [f'{indent}add_header {name} "{value}" always;' for name, value in SECURITY]
        return [*found, f'{indent}add_header Cache-Control "{cache}" always;']

    lines = [
        f"# cchcgen: serve the built site at {base.absolute('/')}",
        "# Include this file inside a server { } block and set the folder you upload the",
        "# output to on the 'alias' line. nginx repeats add_header in every location, as a",
        "# location with its own add_header does not inherit the outer ones.",
        f"location {prefix} {{",
        "    alias /var/www/cchcgen/public/;  # the folder holding the built site",
        "    index index.html;",
        f"    error_page 404 {prefix}404.html;",
        "    charset utf-8;",
        *headers("    ", SHORT),
        "",
        "    # CSS and JS carry a hash of their content in their name: cache them for a year",
        r'    location ~ "\.[0-9a-f]{8}\.(css|js)$" {',  # quoted: nginx reads { as a block
        *headers("        ", LONG),
        "    }",
    ]
    for suffix, kind in TYPES:
        escaped = suffix.replace(".", r"\.")
        lines += [
            f"    location ~ /{escaped}$ {{",
            "        types { }",
            f'        default_type "{kind}";',
            *headers("        ", SHORT),
            "    }",
        ]
    names = "|".join(name.replace(".", r"\.") for name in PRIVATE)
    lines += [f"    location ~ /({names})$ {{", "        return 404;", "    }"]
    for old, new in aliases:
        target = base.public(new)
        lines.append(f"    location = {base.public(old)} {{ return 301 {target}; }}")
        if old.endswith("/"):
            lines.append(
                f"    location = {base.public(old).rstrip('/')} {{ return 301 {target}; }}"
            )
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")

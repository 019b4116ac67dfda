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

import re
from collections.abc import Sequence

from .output import MARKER
from .urls import ENCODED_PATH, BaseUrl, encode_path

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
ADMIN = "quan-tri/"
"""The browser admin's folder (route ``admin``), published when site.yaml asks for it."""
ADMIN_CSP = "; ".join(
    (
        "default-src 'self'",
        # Decap CMS (React) checks its configuration with ajv, which compiles its checks
        # into functions at run time, and its components write their styles inline
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        # the editor's avatar, pasted or uploaded images before they are saved
        "img-src 'self' data: blob: https://avatars.githubusercontent.com https://gitlab.com",
        "font-src 'self' data:",
        # saving is a commit through the GitHub or GitLab API (a self-hosted GitLab: add it)
        "connect-src 'self' https://api.github.com https://gitlab.com",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
PERMISSIONS = ", ".join(
    f"{feature}=()"  # the site uses none of these: no page may ask for them
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics")
)
SECURITY = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", PERMISSIONS),
    ("X-Frame-Options", "SAMEORIGIN"),  # frame-ancestors 'self', for browsers without CSP
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
PRIVATE = ("_headers", "_redirects", "_nginx.conf", MARKER)
"""Our own configuration files and the output's marker: nginx answers 404 for them."""


class Unexpressible(RuntimeError):
    """A value reached a configuration file whose format cannot hold it.

    A bug, not an editor's error: every value from the site (old addresses, the base
    URL, file names) is checked by :mod:`cchcgen.urls` before it gets here."""


# ------------------------------------------------------------- the one way in, per format

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_TOKEN = re.compile(r"[A-Za-z0-9-]+")


def _ngx(value: str, *, variables: bool = False) -> str:
    """``value`` as a double-quoted nginx string: braces, ';', '#', quotes and spaces
    inside it are text, not syntax. Refuses what a quoted string cannot hold literally:
    '"', '\\', control characters and, where nginx expands variables (``variables``), '$'."""
    if _CONTROL.search(value) or '"' in value or "\\" in value or (variables and "$" in value):
        raise Unexpressible(f"cannot write {value!r} into _nginx.conf")
    return f'"{value}"'


def _ngx_redirect(url: str) -> str:
    """The target of ``return 301``: a percent-encoded path only, as nginx expands '$' there."""
    if not url.startswith("/") or not ENCODED_PATH.fullmatch(url):
        raise Unexpressible(f"cannot redirect to {url!r} in _nginx.conf")
    return _ngx(url, variables=True)


def _path(*parts: str) -> str:
    """A path in ``_headers`` or ``_redirects``: percent-encoded parts, so that it holds
    no space (the field separator) and none of the hosts' special characters ('*', ':',
    '!'), joined by '*', the hosts' wildcard."""
    if not parts[0].startswith("/") or not all(ENCODED_PATH.fullmatch(p) for p in parts):
        raise Unexpressible(f"cannot write the path {parts!r} into _headers or _redirects")
    return "*".join(parts)


def _header(name: str, value: str) -> str:
    """A ``  Name: value`` line of ``_headers``."""
    if not _TOKEN.fullmatch(name) or _CONTROL.search(value) or not value.strip():
        raise Unexpressible(f"cannot write the header {name!r}: {value!r} into _headers")
    return f"  {name}: {value}"


def _encoded(base: BaseUrl, site_url: str) -> str:
    """``/tin-tuc/cải cách/`` → ``/cchc/tin-tuc/c%E1%BA%A3i%20c%C3%A1ch/``."""
    return base.path + encode_path(site_url.removeprefix("/"))


def _decoded(base: BaseUrl, site_url: str) -> str:
    """``/tin-tuc/cải cách/`` → ``/cchc/tin-tuc/cải cách/``: what nginx compares a
    request with, after decoding its percent-escapes."""
    return base.decoded_path + site_url.removeprefix("/")


# ------------------------------------------------------------- the three files


def _admin_security() -> tuple[tuple[str, str], ...]:
    return tuple((n, ADMIN_CSP if n == "Content-Security-Policy" else v) for n, v in SECURITY)


def headers_file(base: BaseUrl, fingerprinted: Sequence[str], admin: bool = False) -> bytes:
    """``_headers`` (Netlify, Cloudflare Pages): security headers everywhere, long caching
    for each fingerprinted asset, types for feeds, data and QR codes at any depth; the
    admin's own policy under /quan-tri/ when it is published."""
    every = [*(_header(name, value) for name, value in SECURITY), _header("Cache-Control", SHORT)]
    blocks = [[_path(base.path, ""), *every]]
    if admin:  # the hosts apply every matching block: the admin's policy replaces the CSP
        csp = [_header(n, v) for n, v in _admin_security() if n == "Content-Security-Policy"]
        blocks.append([_path(_encoded(base, ADMIN), ""), "  ! Content-Security-Policy", *csp])
    blocks += [
        [_path(_encoded(base, url)), _header("Cache-Control", LONG)] for url in fingerprinted
    ]
    for suffix, kind in TYPES:
        for path in (_path(_encoded(base, suffix)), _path(base.path, "/" + encode_path(suffix))):
            blocks.append([path, _header("Content-Type", kind)])
    return ("\n\n".join("\n".join(block) for block in blocks) + "\n").encode("utf-8")


def redirects_file(base: BaseUrl, aliases: Sequence[tuple[str, str]]) -> bytes:
    """``_redirects``: each old address to its page, 301."""
    lines = [
        f"{_path(_encoded(base, old))} {_path(_encoded(base, new))} 301" for old, new in aliases
    ]
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def nginx_conf(base: BaseUrl, aliases: Sequence[tuple[str, str]], admin: bool = False) -> bytes:
    """A ``location`` block for nginx, to include inside a ``server { }`` block."""
    prefix = base.decoded_path

    def headers(
        indent: str, cache: str, security: Sequence[tuple[str, str]] = SECURITY
    ) -> list[str]:
        every = (*security, ("Cache-Control", cache))
        return [f"{indent}add_header {n} {_ngx(v, variables=True)} always;" for n, v in every]

    lines = [
        f"# cchcgen: serve the built site at {_ngx(base.url)}",
        "# Include this file inside a server { } block and set the folder you upload the",
        "# output to on the 'alias' line. nginx repeats add_header in every location, as a",
        "# location with its own add_header does not inherit the outer ones.",
        f"location {_ngx(prefix)} {{",
        "    alias /var/www/cchcgen/public/;  # the folder holding the built site",
        "    index index.html;",
        f"    error_page 404 {_ngx(prefix + '404.html', variables=True)};",
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
            f"        default_type {_ngx(kind)};",
            *headers("        ", SHORT),
            "    }",
        ]
    if admin:
        lines += [
            "",
            "    # The browser admin (Decap CMS) gets a policy of its own, on purpose: its",
            "    # React code needs inline styles and run-time compiled checks ('unsafe-eval'),",
            "    # which the site's pages never need, and saving talks to the GitHub or GitLab",
            "    # API. The policy is limited to this folder, which holds no content of the site.",
            f"    location {_ngx(prefix + ADMIN)} {{",
            *headers("        ", SHORT, _admin_security()),
            "    }",
        ]
    names = "|".join(name.replace(".", r"\.") for name in PRIVATE)
    lines += [f"    location ~ /({names})$ {{", "        return 404;", "    }"]
    lines += _nginx_redirects(base, aliases)
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _nginx_redirects(base: BaseUrl, aliases: Sequence[tuple[str, str]]) -> list[str]:
    """One exact ``location`` per old address, and one without its final '/'; a request's
    path is compared decoded, so the location holds the decoded path, quoted."""
    lines: list[str] = []
    seen: set[str] = set()
    for old, new in aliases:
        target = _ngx_redirect(_encoded(base, new))
        public = _decoded(base, old)
        for path in (public, public.rstrip("/")) if public.endswith("/") else (public,):
            if path and path not in seen:  # /a.html and /a.html/ share a form
                seen.add(path)
                lines.append(f"    location = {_ngx(path)} {{ return 301 {target}; }}")
    return lines

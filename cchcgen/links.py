"""Links an editor wrote inside posts, pages and plans must lead somewhere on the site.

Runs after planning, when every address the build will write is known. A link from the
site root (``/ke-hoach/2023/13-kh-ubnd/``) that no page, feed or file answers gets a
warning at the line where the editor wrote it (``--strict`` turns it into a failure),
with the closest existing address as a hint. A link copied from the live site with the
base path already in it (``/cai-cach-hanh-chinh/ke-hoach/...``) is the usual cause.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .content import Site
from .errors import Diagnostic, Severity
from .targets import Kind, Target
from .urls import BaseUrl

_LINK = re.compile(r"""\s(?:href|src)="([^"]*)\"""")


def check_links(
    site: Site, targets: Sequence[Target], root: Path, base: BaseUrl
) -> list[Diagnostic]:
    """A warning for each internal link in the content that no output file answers."""
    known = _addresses(targets)
    pages = sorted(t.url for t in targets if t.kind is Kind.PAGE)
    problems: list[Diagnostic] = []
    documents: Iterable[tuple[str, str, str]] = [
        *((post.src, post.url, post.body_html) for post in site.posts),
        *((page.src, page.url, page.body_html) for page in site.pages),
        *((plan.src, plan.url, plan.body_html + plan.appendix_html) for plan in site.plans),
    ]
    for src, url, body in documents:
        source: str | None = None
        for href in dict.fromkeys(html.unescape(m) for m in _LINK.findall(body)):
            target = _site_url(urljoin(base.public(url), href), base)
            if target is None or _resolves(target, known):
                continue
            if source is None:
                source = _read(root / src)
            problems.append(_broken(src, source, target, base, pages))
    return problems


def _addresses(targets: Sequence[Target]) -> set[str]:
    known = {t.url for t in targets}
    known |= {"/" + t.output for t in targets}
    return known


def _site_url(href: str, base: BaseUrl) -> str | None:
    """``/cchc/tin-tuc/a/#x`` → ``/tin-tuc/a/``; None for links that leave the site
    (other hosts, ``mailto:``, ``tel:``)."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith(base.path):
        return None
    return "/" + unquote(parts.path[len(base.path) :])


def _resolves(url: str, known: set[str]) -> bool:
    # a web server answers /tin-tuc/a with a redirect to /tin-tuc/a/
    return url in known or (not url.endswith("/") and url + "/" in known)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _broken(src: str, source: str, url: str, base: BaseUrl, pages: list[str]) -> Diagnostic:
    line, column = _position(source, url)
    prefix = base.path.rstrip("/")
    if prefix and url.startswith(prefix + "/"):
        hint = (
            f"the link already has the base path {base.path}; write it from the site root: "
            f"{url[len(prefix) :]}"
        )
    else:
        close = difflib.get_close_matches(url, pages, n=1, cutoff=0.6)
        hint = (
            f"did you mean {close[0]}?"
            if close
            else "write the address from the site root as it appears after the base path"
        )
    return Diagnostic(
        src,
        line,
        column,
        f"the link {url} leads to no page or file of the site",
        hint,
        Severity.WARNING,
    )


def _position(source: str, url: str) -> tuple[int | None, int | None]:
    """Line and column where the editor wrote the link (None when it cannot be found)."""
    for candidate in (url, url.rstrip("/")):
        found = re.search(re.escape(candidate) + r"(?=[\s)\"'#?>]|$)", source, re.M)
        if found:
            before = source[: found.start()]
            return before.count("\n") + 1, found.start() - (before.rfind("\n") + 1) + 1
    return None, None

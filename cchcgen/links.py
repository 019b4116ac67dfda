"""Links an editor wrote inside posts, pages and plans must lead somewhere on the site.

Runs after planning, when every address the build will write is known. A link from the
site root (``/ke-hoach/2023/13-kh-ubnd/``) or relative to the page (``../bai-kia/``) that
no page, feed or file answers gets a warning at the line and column where the editor wrote
its address (``--strict`` turns it into a failure), with the closest existing address as a
hint. A link copied from the live site with the base path already in it
(``/cai-cach-hanh-chinh/ke-hoach/...``) is the usual cause; for an image or a document, a
file not saved in ``content/static/``.
"""

from __future__ import annotations

import difflib
import html
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from . import kinds
from .content import Site
from .errors import Collector, Diagnostic, Severity
from .kinds.base import Body
from .messages import _
from .outputs import Kind, Target
from .textfile import read_text
from .urls import BaseUrl, NearestPage

_LINK = re.compile(r"""\s(href|src)="([^"]*)\"""")
_LEAD = r"(?:\]\(\s*<?|\]:\s*<?|<|\b(?:href|src)\s*=\s*[\"']?)"
"""What comes just before an address in Markdown: ``](``, ``]:`` (a reference), ``<``
(an autolink), ``href=`` or ``src=`` (HTML)."""
_END = r"(?=[\s)\"'#?>]|$)"
_PAGE_SUFFIXES = ("", ".html", ".htm")


@dataclass(frozen=True, slots=True)
class _Addresses:
    known: set[str]
    """Every address an output file answers."""
    nearest_page: NearestPage
    files: list[str]
    """Addresses of the files copied from content/static/."""


def check_links(
    site: Site, targets: Sequence[Target], root: Path, base: BaseUrl
) -> list[Diagnostic]:
    """A warning for each internal link in the content that no output file answers."""
    checker = BodyLinks(targets, root, base)
    return [
        problem
        for kind in kinds.registry()
        for body in kind.bodies(site)
        for problem in checker.check(body)
    ]


class BodyLinks:
    """The links of converted Markdown that lead nowhere, among a build's addresses."""

    def __init__(self, targets: Sequence[Target], root: Path, base: BaseUrl) -> None:
        self.addresses = _Addresses(
            _addresses(targets),
            NearestPage(t.url for t in targets if t.kind is Kind.PAGE),
            sorted(t.url for t in targets if t.kind is Kind.STATIC),
        )
        self.root, self.base = root, base

    def check(self, body: Body) -> list[Diagnostic]:
        return _check_document(body.src, body.url, body.html, self.root, self.base, self.addresses)


def _check_document(
    src: str, url: str, body: str, root: Path, base: BaseUrl, addresses: _Addresses
) -> list[Diagnostic]:
    """The links of one converted body that lead nowhere, in the order of the file."""
    links: dict[str, str] = {}  # each address once, with the attribute it first came in
    for attr, value in _LINK.findall(body):
        links.setdefault(html.unescape(value), attr)
    source: tuple[str, int] | None = None
    found: list[Diagnostic] = []
    for href, attr in links.items():
        target = _site_url(urljoin(base.public(url), href), base)
        if target is None or _resolves(target, addresses.known):
            continue
        if source is None:
            source = _body(root / src, src)
        line, column = _position(*source, _written(href, base), target)
        found.append(_broken(src, line, column, target, attr == "src", base, addresses))
    return sorted(found, key=Diagnostic.sort_key)


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


def _body(path: Path, src: str) -> tuple[str, int]:
    """The file's text as the loader read it, and where its body (after the front
    matter) starts; ("", 0) when it cannot be read again."""
    text = read_text(path, src, Collector())
    if text is None:
        return "", 0
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return text, 0
    offset = len(lines[0]) + 1
    for line in lines[1:]:
        offset += len(line) + 1
        if line.rstrip() in ("---", "..."):
            return text, min(offset, len(text))
    return text, 0


def _written(href: str, base: BaseUrl) -> list[str]:
    """How the editor may have written ``href``: as it is in the HTML, or without the
    base path the conversion put before a link from the site root."""
    forms = [href]
    if base.path != "/" and href.startswith(base.path):
        forms.insert(0, "/" + href[len(base.path) :])
    return forms


def _position(
    text: str, start: int, forms: list[str], target: str
) -> tuple[int | None, int | None]:
    """Line and column where the editor wrote the link's address in the body (None when
    it cannot be found): first as the address of a link, then anywhere."""
    searches = [_LEAD + f"({re.escape(form)}){_END}" for form in forms]
    searches += [f"({re.escape(c)}){_END}" for c in (*forms, target, target.rstrip("/"))]
    for search in searches:
        found = re.compile(search, re.M).search(text, start)
        if found:
            at = found.start(1)
            line_start = text.rfind("\n", 0, at) + 1
            return text.count("\n", 0, at) + 1, at - line_start + 1
    return None, None


def _broken(
    src: str,
    line: int | None,
    column: int | None,
    url: str,
    image: bool,
    base: BaseUrl,
    addresses: _Addresses,
) -> Diagnostic:
    message = (
        _("the image {url} is not among the files of the site").format(url=url)
        if image
        else _("the link {url} leads to no page or file of the site").format(url=url)
    )
    return Diagnostic(
        src, line, column, message, _hint(url, image, base, addresses), Severity.WARNING
    )


def _hint(url: str, image: bool, base: BaseUrl, addresses: _Addresses) -> str:
    prefix = base.path.rstrip("/")
    if prefix and url.startswith(prefix + "/"):
        return _(
            "the link already has the base path {base}; write it from the site root: {address}"
        ).format(base=base.path, address=url[len(prefix) :])
    if image or posixpath.splitext(url)[1].lower() not in _PAGE_SUFFIXES:
        near = _close_file(url, addresses.files)
        if near:
            return _("did you mean {address} (the file content/static{address})?").format(
                address=near
            )
        folder, name = posixpath.split(url)
        save = (
            _("save the image in content/static{folder}/ as {name}, or fix the address")
            if image
            else _("save the file in content/static{folder}/ as {name}, or fix the address")
        )
        return save.format(folder=folder.rstrip("/"), name=name)
    close = addresses.nearest_page(url)
    if close:
        return _("did you mean {address}?").format(address=close)
    return _("write the address from the site root as it appears after the base path")


def _close_file(url: str, files: list[str]) -> str | None:
    """A file of the same name in another folder, else one of a close name in the same
    folder (``so-do.jpg`` for ``so-do.png``, ``So-Do.PNG``)."""
    folder, name = posixpath.split(url)
    for file in files:
        if posixpath.basename(file) == name:
            return file
    names = {posixpath.basename(f).lower(): f for f in files if posixpath.dirname(f) == folder}
    close = difflib.get_close_matches(name.lower(), list(names), n=1, cutoff=0.6)
    return names[close[0]] if close else None

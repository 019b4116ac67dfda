"""Links in the rendered pages must lead somewhere on the site, layouts' links included.

:mod:`cchcgen.links` checks the links editors write in Markdown bodies. This module checks
every HTML page the build renders, so that a link written in a layout (a built-in one or
the site's own copy in ``layouts/``) that no output file answers is reported too: URLs
are printed on paper as QR codes, and an old link in a copied footer must not go unnoticed.

Each page's site-internal links are found with one regular expression over its bytes, in
the render workers (:func:`extract`). A page that an incremental build does not render again
keeps the links of the last build, kept in the build cache with the digest of the page's
bytes (:func:`remembered`), so that an incremental build warns exactly as a full one.
:func:`check` reports each (layout, address) once, at the layout line where the address is
written when it can be found there, with how many pages show it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin

from .cache import Content, OutputEntry, PageLinks
from .content import Site
from .errors import Diagnostic, Severity
from .messages import _
from .search import INDEX_DIR
from .targets import Kind, Target
from .templates import BUILTIN_PREFIX, LAYOUTS, Templates
from .urls import BaseUrl, NearestPage

_ATTRIBUTE = re.compile(
    rb"""=(?:(?:(?<=\shref=)|(?<=\ssrc=)|(?<=\saction=))(?:"([^"]*)"|'([^']*)')"""
    rb"""|(?<=\ssrcset=)(?:"([^"]*)"|'([^']*)'))""",
    re.I,
)
"""An address in an HTML attribute (``href``, ``src``, ``action``; ``srcset``: several),
quoted. It starts at the ``=``, which the regular expression engine finds fast."""
_BODY_LINK = re.compile(r"""\s(?:href|src)="([^"]*)\"""")
"""An address in a converted Markdown body (as :mod:`cchcgen.links` reads them)."""
_KINDS = (Kind.PAGE, Kind.ALIAS)
"""The targets rendered from layouts."""


def is_page(target: Target) -> bool:
    """Is ``target`` an HTML page rendered from a layout?"""
    return target.kind in _KINDS


# finding the links ---------------------------------------------------------------------


def extract(data: bytes, base: BaseUrl) -> tuple[str, ...]:
    """The site-internal addresses a page links to, each once, as written (entities
    decoded, without ``?query`` and ``#fragment``): those under the base path, on the
    site's own origin, or relative. Pure, for the render workers."""
    memo = _memo(base)
    found: set[str] = set()
    for double, single, set_double, set_single in set(_ATTRIBUTE.findall(data)):
        srcset = set_double or set_single
        values = (
            [c.strip().split(b" ")[0] for c in srcset.split(b",")] if srcset else [double or single]
        )
        for value in values:
            address = memo.get(value, _UNSEEN)
            if address is _UNSEEN:
                address = memo[value] = _internal(value, base)
            if address:
                found.add(address)
    return tuple(sorted(found))


_UNSEEN = object()
_MEMO: dict[BaseUrl, dict[bytes, str | None]] = {}
_MEMO_SIZE = 100_000


def _memo(base: BaseUrl) -> dict[bytes, Any]:
    """What each attribute value seen so far is (the menu's links are on every page)."""
    memo = _MEMO.get(base)
    if memo is None or len(memo) > _MEMO_SIZE:
        _MEMO.clear()
        memo = _MEMO[base] = {}
    return memo


def _internal(raw: bytes, base: BaseUrl) -> str | None:
    """``raw`` as a site-internal address, or None for any other (external, ``mailto:``,
    ``tel:``, ``#fragment`` only, outside the base path)."""
    text = raw.decode("utf-8", "replace").strip()
    if "&" in text:
        text = html.unescape(text)
    text = text.split("#", 1)[0].split("?", 1)[0]
    if not text:
        return None
    if text.startswith("/"):
        return text if text.startswith(base.path) and not text.startswith("//") else None
    head = text.split("/", 1)[0]
    if ":" in head:  # a scheme: the site's own origin only
        own = base.origin + base.path
        return text if text.lower().startswith(own.lower()) else None
    return text


# remembering them between builds --------------------------------------------------------


def remembered(
    content: Content | None,
    out: Path,
    entries: Mapping[str, OutputEntry],
    outputs: Iterable[str],
    base: BaseUrl,
) -> dict[str, tuple[str, ...]]:
    """The links of pages this build did not render, by output path: kept in the cache
    when the file is the one they were found in, else read again from the output folder."""
    kept = content.page_links if content is not None else PageLinks()
    name = kept.names.__getitem__
    found: dict[str, tuple[str, ...]] = {}
    for output in outputs:
        entry, stored = entries.get(output), kept.pages.get(output)
        if entry is not None and stored is not None and stored[0] == entry.content:
            try:
                found[output] = tuple(map(name, stored[1]))
                continue
            except IndexError:  # a damaged cache: read the page again
                pass
        found[output] = _read_again(out, output, base)
    return found


def _read_again(out: Path, output: str, base: BaseUrl) -> tuple[str, ...]:
    """A page's links, found again in the file the last build wrote."""
    try:
        data = out.joinpath(*output.split("/")).read_bytes()
    except OSError:
        return ()
    return extract(data, base)


def remember(
    content: Content, links: Mapping[str, tuple[str, ...]], entries: Mapping[str, OutputEntry]
) -> None:
    """Keep each page's links for the next build, with the digest of the page's bytes;
    each address is written once."""
    every: set[str] = set()
    for hrefs in links.values():
        every.update(hrefs)
    names = tuple(sorted(every))
    number = {href: i for i, href in enumerate(names)}.__getitem__
    pages = {
        output: (entries[output].content, tuple(map(number, hrefs)))
        for output, hrefs in links.items()
        if output in entries
    }
    content.page_links = PageLinks(names, pages)


# checking them ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a person must edit a link: a layout, and the line when it is known."""

    path: str
    line: int | None = None
    column: int | None = None
    exact: bool = True
    """False: the page's layout, as a best guess (the address was not found in it)."""


@dataclass
class _Checker:
    site: Site
    targets: Sequence[Target]
    templates: Templates
    searching: bool
    known: set[str] = field(init=False)
    memo: dict[str, str | None] = field(default_factory=dict)
    """The address each absolute link leads to: the same on every page."""

    def __post_init__(self) -> None:
        self.known = {t.url for t in self.targets} | {"/" + t.output for t in self.targets}

    def address(self, href: str, page_url: str) -> str | None:
        """The site URL ``href`` leads to from ``page_url``, or None."""
        if _absolute(href):
            if href not in self.memo:
                self.memo[href] = _address(href, page_url, self.site.config.base)
            return self.memo[href]
        return _address(href, page_url, self.site.config.base)

    def resolves(self, address: str) -> bool:
        # a web server answers /tin-tuc/a with a redirect to /tin-tuc/a/
        known = self.known
        if address in known or (not address.endswith("/") and address + "/" in known):
            return True
        return self.searching and address.startswith(f"/{INDEX_DIR}/")


def check(
    pages: Iterable[tuple[Target, tuple[str, ...]]],
    targets: Sequence[Target],
    site: Site,
    templates: Templates,
    searching: bool,
) -> list[Diagnostic]:
    """A warning for each (layout, address) where a rendered page links to an address
    that no output file answers. ``pages``: each page with its :func:`extract` links.
    Links written in Markdown bodies are left to :mod:`cchcgen.links`."""
    checker = _Checker(site, targets, templates, searching)
    good: set[str] = set()  # links that lead to the same page from any page
    broken: dict[tuple[str, str, str], set[str]] = {}  # (layout, href, address) → pages
    for target, hrefs in pages:
        for href in set(hrefs).difference(good):
            address = checker.address(href, target.url)
            if address is None or checker.resolves(address):
                if _absolute(href):
                    good.add(href)
                continue
            key = (target.layout or "", href, address)
            broken.setdefault(key, set()).add(target.url)
    if not broken:
        return []
    finder = _Finder(templates, site.config.base)
    bodies = body_addresses(site)
    shown: dict[tuple[_Place, str], set[str]] = {}
    for (layout, href, address), found_on in broken.items():
        places = finder.places(layout, href, address)
        if not places:
            if address in bodies:
                continue  # an editor's link, reported where it is written
            places = [_Place(finder.describe(layout), exact=False)]
        for place in places:
            shown.setdefault((place, address), set()).update(found_on)
    nearest_page = NearestPage(t.url for t in targets if t.kind is Kind.PAGE)
    problems = [
        _warning(place, address, sorted(found_on), nearest_page, site.config.base)
        for (place, address), found_on in shown.items()
    ]
    return sorted(problems, key=Diagnostic.sort_key)


def body_addresses(site: Site) -> set[str]:
    """The addresses the Markdown bodies link to (checked by :mod:`cchcgen.links`)."""
    base = site.config.base
    documents = [
        *((post.url, post.body_html) for post in site.posts),
        *((page.url, page.body_html) for page in site.pages),
        *((plan.url, plan.body_html + plan.appendix_html) for plan in site.plans),
    ]
    found: set[str] = set()
    for url, body in documents:
        for value in _BODY_LINK.findall(body):
            href = _internal(value.encode("utf-8", "surrogatepass"), base)
            address = _address(href, url, base) if href else None
            if address is not None:
                found.add(address)
    return found


def _absolute(href: str) -> bool:
    """Does ``href`` lead to the same address from every page?"""
    return href.startswith("/") or ":" in href.split("/", 1)[0]


def _address(href: str, page_url: str, base: BaseUrl) -> str | None:
    """``/cchc/tin-tuc/a/`` → ``/tin-tuc/a/``; a relative ``href`` is taken from
    ``page_url``; None for an address outside the base path."""
    if href.startswith("/"):
        path = href
    elif ":" in href.split("/", 1)[0]:
        path = href[len(base.origin) :]
    else:
        path = urljoin(base.public(page_url), href)
    if not path.startswith(base.path):
        return None
    return "/" + unquote(path[len(base.path) :])


class _Finder:
    """Where in the layouts a page's link is written."""

    def __init__(self, templates: Templates, base: BaseUrl) -> None:
        self.templates = templates
        self.base = base
        self.closures: dict[str, tuple[tuple[str, str], ...]] = {}

    def closure(self, layout: str) -> tuple[tuple[str, str], ...]:
        """(name, source) of the layout and of every layout it uses (of every layout
        when one is named by an expression)."""
        if layout not in self.closures:
            found = self.templates.closure(layout) if layout else None
            if found is None:
                found = self.templates.closure_all()
            self.closures[layout] = tuple((name, source) for name, source, _reads in found)
        return self.closures[layout]

    def places(self, layout: str, href: str, address: str) -> list[_Place]:
        """Each layout of the page's closure where the address is written, at the first
        line it is written on."""
        forms = {href, address}
        if href.startswith(self.base.path):
            forms.add("/" + href[len(self.base.path) :])
        written = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
        pattern = re.compile(rf"""(?<=["'(=\s])(?:{written})(?=["')\s?#>])""")
        places = []
        for name, source in self.closure(layout):
            found = pattern.search(source)
            if found:
                at = found.start()
                line_start = source.rfind("\n", 0, at) + 1
                line = source.count("\n", 0, at) + 1
                places.append(_Place(self.describe(name), line, at - line_start + 1))
        return places

    def describe(self, name: str) -> str:
        """``layouts/partials/footer.html`` for a site's own layout, else the built-in
        layout's name (``cchcgen:partials/footer.html``)."""
        prefix = f"{BUILTIN_PREFIX}:"
        if name.startswith(prefix):
            return name
        if (self.templates.site_dir / name).is_file():
            return f"{LAYOUTS}/{name}"
        return prefix + name


def _warning(
    place: _Place, address: str, found_on: list[str], nearest_page: NearestPage, base: BaseUrl
) -> Diagnostic:
    shown, page = base.public(address), base.public(found_on[0])
    if len(found_on) == 1:
        message = _("the link to {address} leads to no page of this site (found on {page})")
    else:
        message = _(
            "the link to {address} leads to no page of this site "
            "(found on {count} pages, e.g. {page})"
        )
    message = message.format(address=shown, page=page, count=len(found_on))
    if not place.exact:
        hint = _(
            "the address is not written in this layout: it may come from site.yaml or a "
            "content file that the layout shows; fix it there, or in the layout"
        )
    elif close := nearest_page(address):
        hint = _("did you mean {address}? Fix the link in this layout").format(
            address=base.public(close)
        )
    else:
        hint = _("fix or remove the link in this layout, or add a page at this address")
    return Diagnostic(place.path, place.line, place.column, message, hint, Severity.WARNING)

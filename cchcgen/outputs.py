"""What the build writes: one :class:`Target` per output file, and what each is made of.

Plain data, shared by the planner, the content types (:mod:`cchcgen.kinds`) and the
renderer; no module here decides anything.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .routes import paged

if TYPE_CHECKING:
    from .content import Site


class Kind(enum.Enum):
    PAGE = "page"
    ALIAS = "alias"
    FEED = "feed"
    QR_SVG = "qr_svg"
    QR_PNG = "qr_png"
    SITEMAP = "sitemap"
    ROBOTS = "robots"
    STATIC = "static"
    ASSET = "asset"
    DATA = "data"
    """Open data (JSON, CSV): :class:`DataFile`."""
    SERVER = "server"
    """Web server configuration: :class:`ServerFiles`."""


@dataclass(frozen=True, slots=True)
class Crumb:
    title: str
    url: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PageMeta:
    """What every HTML page tells the layout about itself (title, metadata, breadcrumbs)."""

    kind: str
    """What the page is, for styles and scripts (``<body class="page-post">``): ``home``,
    ``search``, ``sitemap``, ``not_found``, ``alias`` or a name a content type gives its
    pages (``post``, ``posts``, ``plan``, ``procedure``, …)."""
    title: str
    description: str
    url: str
    breadcrumbs: tuple[Crumb, ...] = ()
    og_type: str = "website"
    published: dt.datetime | None = None
    modified: dt.datetime | None = None
    subjects: tuple[str, ...] = ()
    creator: str = ""
    feeds: tuple[tuple[str, str], ...] = ()
    """Alternate feeds as (title, site URL)."""
    image: str | None = None
    image_alt: str = ""
    indexable: bool = True


@dataclass(frozen=True, slots=True)
class Paginator:
    number: int
    total: int
    items: tuple[Any, ...]
    base: str
    """Site URL of page 1."""

    def url(self, number: int) -> str:
        return paged(self.base, number)

    @property
    def prev_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.total else None

    @property
    def window(self) -> tuple[int | None, ...]:
        """Page numbers to link: the first, the last and two either side of this one;
        None marks a gap. A list of 500 pages gets 7 links, not 500, on every page."""
        wanted = {1, self.total, *range(self.number - 2, self.number + 3)}
        shown = sorted(n for n in wanted if 1 <= n <= self.total)
        window: list[int | None] = []
        for n in shown:
            if window and n - (window[-1] or 0) > 1:
                window.append(n - 1 if n - (window[-1] or 0) == 2 else None)
            window.append(n)
        return tuple(window)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    title: str
    url: str
    date: dt.datetime
    summary: str
    categories: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FeedData:
    title: str
    description: str
    page_url: str
    """Site URL of the HTML page the feed mirrors."""
    entries: tuple[FeedEntry, ...]
    """Newest first."""


# ---------------------------------------------------------------- what each file is made of


@dataclass(frozen=True, slots=True)
class LayoutContext:
    """What a layout shows besides ``page`` (its :class:`PageMeta`) and the site: one
    frozen dataclass per family of layouts, whose fields are the layout's variables."""

    def canonical_url(self) -> str | None:
        """The address search engines should index instead of this page's own."""
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Nothing(LayoutContext):
    """A page that needs nothing but the site (the sitemap, the search page, 404)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Listing(LayoutContext):
    """One page of a paginated list."""

    paginator: Paginator


@dataclass(frozen=True, slots=True, kw_only=True)
class Redirect(LayoutContext):
    """An old address (alias) that sends the reader to the page's address."""

    target_url: str

    def canonical_url(self) -> str | None:
        return self.target_url


@dataclass(frozen=True, slots=True)
class Feed:
    feed: FeedData


@dataclass(frozen=True, slots=True)
class QrCode:
    target_url: str
    """The page the code leads to."""
    label: str


@dataclass(frozen=True, slots=True)
class CopiedFile:
    src: str
    """Site-relative source file."""


@dataclass(frozen=True, slots=True)
class ThemeFile:
    path: Path


@dataclass(frozen=True, slots=True)
class DataFile:
    """An open-data file made by ``make`` from the site."""

    make: Callable[[Site, Callable[[str], str]], bytes]
    """``make(site, absolute)``: the file's bytes; ``absolute`` turns site URLs into full ones."""
    reads: tuple[str, ...]
    """The site entries it is made from."""


@dataclass(frozen=True, slots=True)
class ServerFiles:
    format: str
    """headers, redirects or nginx."""
    aliases: tuple[tuple[str, str], ...]
    fingerprinted: tuple[str, ...]
    admin: bool = False
    """The browser admin is published: it gets its own Content-Security-Policy."""


@dataclass(frozen=True, slots=True)
class Target:
    """One file under the output folder."""

    output: str
    url: str
    kind: Kind
    origin: str
    """Source file (or built-in section) that asked for this file, for error messages."""
    line: int | None = None
    layout: str | None = None
    meta: PageMeta | None = None
    context: Any = None
    """A :class:`LayoutContext` for pages; :class:`Feed`, :class:`QrCode`,
    :class:`CopiedFile`, :class:`ThemeFile`, :class:`DataFile` or :class:`ServerFiles`."""
    lastmod: dt.datetime | None = None
    in_sitemap: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchPage(LayoutContext):
    """The search page: the sections a reader may narrow the results to."""

    sections: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SitemapPage(LayoutContext):
    """The HTML sitemap; each content type's part comes from its own layout."""

    feeds: tuple[tuple[str, str], ...]
    """(title, site URL) of every feed besides the site's own."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Home(LayoutContext):
    """The home page: the newest posts (the other sections come from ``site``)."""

    posts: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class SearchRecord:
    url: str
    """Site URL without the base path: ``/tin-tuc/a/``."""
    section: str
    """Shown with the result and offered as a filter: ``Tin tức``."""
    title: str
    date: str
    """As shown: ``01/03/2022``; "" when the item has none."""
    summary: str
    text: str
    """Everything to search in, as plain text (HTML is stripped here)."""
    codes: tuple[str, ...] = ()
    """Numbers people type as they are printed: ``1.001193``, ``13/KH-UBND``."""
    kind: str = ""
    """What the page is, in the words people search with (``Kế hoạch``): weighted above the
    title, so that "ke hoach tuyen truyen" finds the plans before the news about them."""


@dataclass(frozen=True, slots=True)
class SearchItem:
    """A search record to be, made only when its shard of the index is made again: an
    edit of one post re-indexes one shard, and the text of the other records (their
    pages' HTML, stripped) is not computed."""

    date: str
    """The record's date, as :attr:`SearchRecord.date`: the index is split by it."""
    source: Any
    """What the record is made from, besides the locale and the site's settings: its
    digest stands for the record's (for a post, the type's name and the post)."""
    make: Callable[[], SearchRecord]

    @classmethod
    def made(cls, record: SearchRecord) -> SearchItem:
        """An item for a record made already (a type with a few records)."""
        return cls(record.date, record, lambda: record)

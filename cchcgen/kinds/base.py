"""What a content type declares, and what the pipeline offers it.

A content type is one module of :mod:`cchcgen.kinds` with a ``TYPE`` object, an instance
of a :class:`ContentType` subclass. The pipeline (loader, planner, search, link checker,
fingerprints, menu, sitemap) loops over the registry and asks each type; it knows no type
by name. The abstract methods must all be written, so a type cannot be half-registered;
returning nothing is an explicit answer ("this type has no search records").

The type sees the pipeline only through the two protocols below, so that no module of
this package imports the pipeline.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from ..config import Agency, SiteConfig
from ..errors import Collector
from ..markup import Markdown
from ..outputs import (
    Crumb,
    FeedData,
    FeedEntry,
    PageMeta,
    Paginator,
    SearchItem,
    SearchRecord,
    Target,
)
from ..routes import route
from ..schema import Context, Field
from ..yamlutil import Node, YamlSource

if TYPE_CHECKING:
    from ..content import Site
    from ..i18n import Locale


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A Markdown file split into front matter and body."""

    rel: str
    front: Node | None
    front_source: YamlSource
    body: str
    body_line: int
    """Line of the file on which the body starts."""


@dataclass(frozen=True, slots=True)
class Body:
    """Converted Markdown that the link checker reads: whose, published where."""

    src: str
    url: str
    html: str


@dataclass(frozen=True, slots=True)
class MenuEntry:
    title: str
    url: str
    external: bool

    def state(self, page_url: str) -> str:
        """``current`` on the entry's own page, ``within`` on a page of its section
        (a post, under the news), else ""."""
        if page_url == self.url:
            return "current"
        inside = not self.external and self.url != route("home")
        return "within" if inside and page_url.startswith(self.url) else ""


@dataclass(frozen=True, slots=True)
class View:
    """A value layouts and Python read as ``site.<name>``, computed from the content.

    ``reads`` names the site entries it is computed from: an incremental build redoes
    the pages that read the view when one of those changes."""

    compute: Callable[..., Any]
    reads: tuple[str, ...]
    method: bool = False
    """True when layouts call it with arguments: ``site.posts_of_year(2023)``."""


_T = TypeVar("_T")


class Loading(Protocol):
    """What the loader offers a content type while it reads ``content/``."""

    root: Path
    config: SiteConfig
    diags: Collector
    markdown: Markdown
    now: dt.datetime
    drafts: bool
    future: bool

    def files(self, folder: str, suffix: str | None = None) -> list[tuple[Path, str]]: ...
    def listing(self, folder: str, skip_suffix: str | None) -> tuple[tuple[str, int, int], ...]: ...
    def load_many(
        self, kind: str, files: Sequence[tuple[Path, str]], read: Callable[[Path, str], Any]
    ) -> list[Any]: ...
    def parse(self, path: Path, rel: str) -> SourceFile | None: ...
    def load_yaml(self, path: Path, rel: str) -> tuple[Node, YamlSource] | None: ...
    def optional_yaml(self, rel: str) -> tuple[Node, YamlSource] | None: ...
    def context(self, source: YamlSource) -> Context: ...
    def default_slug(self, path: Path, rel: str, front: Node | None, source: YamlSource) -> str: ...
    def ignored_files(self, folder: str, suffix: str) -> None: ...
    def due(self, moment: dt.datetime) -> None: ...
    def note(self, text: str) -> None: ...
    def replace(self, value: _T, **changes: Any) -> _T:
        """``dataclasses.replace``, for a value made from one the loader read: its digest
        is made from the read one's, not from all its fields again."""
        ...


class Planning(Protocol):
    """What the planner offers a content type while it decides the output files."""

    site: Site
    locale: Locale
    home: Crumb
    all_feeds: tuple[tuple[str, str], ...]

    def t(self, key: str, **values: Any) -> str: ...
    def page(
        self,
        url: str,
        layout: str,
        meta: PageMeta,
        origin: str,
        context: Any,
        *,
        lastmod: dt.datetime | None = None,
        sitemap: bool = True,
        line: int | None = None,
    ) -> None: ...
    def paginate(
        self,
        base: str,
        items: Sequence[Any],
        layout: str,
        make_meta: Callable[[int, int], PageMeta],
        origin: str,
        make_context: Callable[[Paginator], Any] | None = None,
    ) -> None: ...
    def titled(self, title: str, number: int, total: int) -> str: ...
    def feed(self, url: str, data: FeedData, origin: str) -> None: ...
    def qr_files(self, url: str, title: str, origin: str, line: int, png: bool = True) -> None: ...
    def aliases(self, item: Any) -> None: ...
    def copy(self, url: str, src: str, origin: str, line: int | None = None) -> None: ...
    def add(self, target: Target) -> None: ...


class ContentType(abc.ABC):
    """One kind of content: where it comes from, how it is read, what it publishes."""

    name: ClassVar[str]
    """``post``: also the key of its cache entries and its name in messages."""
    title: ClassVar[str]
    """For the reference documentation: ``Posts``."""
    where: ClassVar[str]
    """Its files: ``content/posts/**/*.md``."""
    intro: ClassVar[str]
    """One sentence for the reference documentation."""
    fields: ClassVar[tuple[Field, ...]]
    """The keys of one file (front matter or YAML), declared once: the loader reads
    with them, the reference documentation and the editors' schemas are made from them."""
    order: ClassVar[int]
    """Loading and planning order: a type may use what lower orders loaded."""
    file_shape: ClassVar[str] = "mapping"
    """What one of its YAML files holds at the top: ``mapping`` (keys) or ``list``."""
    provides: ClassVar[Mapping[str, Any]]
    """The site entries it fills (``site.posts``), with their value when nothing is loaded."""
    routes: ClassVar[Mapping[str, str]] = {}
    """Its addresses, by route name (see :mod:`cchcgen.routes`)."""
    views: ClassVar[Mapping[str, View]] = {}
    searched: ClassVar[tuple[str, ...]] = ()
    """The site entries its search records are made from."""
    search_section: ClassVar[str] = ""
    """The string key of the section its records are listed and filtered under."""
    sitemap_parts: ClassVar[tuple[tuple[int, str], ...]] = ()
    """Layouts the HTML sitemap (``so-do-trang``) includes for this type, with their
    place among all types' parts (lower first)."""
    home_parts: ClassVar[tuple[tuple[str, int, str], ...]] = ()
    """Layouts the home page includes: (``main`` or ``aside``, place, layout)."""

    def cache_env(self, loading: Loading) -> Any:
        """What else a file's parsed value depends on (other files it refers to)."""
        return ()

    @abc.abstractmethod
    def load(self, loading: Loading, loaded: Mapping[str, Any]) -> Mapping[str, Any]:
        """Read the type's files; ``loaded`` holds what the types before it loaded."""

    @abc.abstractmethod
    def plan(self, planning: Planning) -> None:
        """Add the type's pages, feeds and files."""

    @abc.abstractmethod
    def search_records(self, site: Site, locale: Locale) -> Iterable[SearchRecord]:
        """One record per page worth finding."""

    def search_items(self, site: Site, locale: Locale) -> Iterable[SearchItem]:
        """:meth:`search_records`, each made when its shard of the index is made again.
        A type with many records overrides it to make each from one value (a post); by
        default every record is made now."""
        return (SearchItem.made(record) for record in self.search_records(site, locale))

    @abc.abstractmethod
    def bodies(self, site: Site) -> Iterable[Body]:
        """The Markdown the editor wrote, converted, for the link checker."""

    def feed_entries(self, site: Site) -> Iterable[FeedEntry]:
        """What the type adds to the site's feed (``/rss.xml``)."""
        return ()

    def site_feeds(self, locale: Locale) -> Iterable[tuple[str, str]]:
        """Feeds every page offers (``<link rel="alternate">``), as (title, site URL)."""
        return ()

    def feed_links(self, site: Site, locale: Locale) -> Iterable[tuple[str, str]]:
        """The type's feeds that exist, as (title, site URL), for the HTML sitemap."""
        return ()

    def menu(self, site: Site, locale: Locale) -> Iterable[tuple[int, MenuEntry]]:
        """Entries of the default menu, with their place (lower first)."""
        return ()

    def new_file(
        self, title: str, slug: str, now: dt.datetime, agency: Agency | None
    ) -> tuple[str, dict[str, object], str] | None:
        """What ``cchcgen new <type> <title>`` writes: (site-relative path, front matter,
        body); None when the type has no such starter."""
        return None

    def footer_links(self, site: Site, locale: Locale) -> Iterable[tuple[int, MenuEntry]]:
        """Links of every page's footer, with their place (lower first; the sitemap is at
        40 and the feed at 50)."""
        return ()

    def every_page(self, site: Site) -> Any:
        """What of this type every page shows (the menu, the footer, the hotline strip)."""
        return None

    # -- editing in memory (``cchcgen serve``, see :mod:`cchcgen.preview`)

    def edit_items(self, site: Site) -> Iterable[Any]:
        """The items ``serve`` may read again alone when their file (``item.src``) is
        saved. None by default: a save of the type's files rebuilds as ``cchcgen build``
        does."""
        return ()

    def reread(self, loading: Loading, path: Path, rel: str, before: Any, item: Any) -> Any:
        """``item`` as its file now reads, when only what :meth:`plan_item`'s targets and
        the pages holding ``item`` show changed (its text), not its place among the others
        (address, date, tags); else None. ``before`` is what the file read when the site
        was loaded, before the type's :meth:`load` joined the items (``item``)."""
        return None

    def plan_item(self, planning: Planning, item: Any) -> None:
        """Add the targets made from ``item`` alone: its page, QR codes, old addresses
        (those whose origin is its file). Needed with :meth:`reread`."""
        raise NotImplementedError(f"{self.name} cannot plan one item")

    def derived(self, item: Any) -> tuple[Any, ...]:
        """Values made from ``item`` that other targets hold (its feed entry), so that an
        item read again replaces them too."""
        return ()


class ItemSearched(ContentType):
    """A content type with many search records (a post each): it gives them as
    :class:`SearchItem` s, each made from one value only when its shard of the index is
    made again, and its records are those items made."""

    @abc.abstractmethod
    def search_items(self, site: Site, locale: Locale) -> Iterable[SearchItem]:
        """One item per page worth finding."""

    def search_records(self, site: Site, locale: Locale) -> Iterable[SearchRecord]:
        return (item.make() for item in self.search_items(site, locale))

"""Plan the output: one :class:`Target` per file the build will write.

Planning decides every URL and what each page shows, and checks that no two
targets claim the same address (the error names both sources) and that every
menu link points at a page that exists.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

from .content import Site
from .errors import Collector, ContentError, Diagnostic
from .i18n import Locale
from .messages import _
from .outputs import (
    CopiedFile,
    Crumb,
    Feed,
    FeedData,
    Home,
    Kind,
    LayoutContext,
    Listing,
    Nothing,
    PageMeta,
    Paginator,
    QrCode,
    Redirect,
    SearchPage,
    ServerFiles,
    SitemapPage,
    Target,
)
from .routes import route
from .urls import UnsafePath, output_path

# ---------------------------------------------------------------- planning


class Planner:
    """Helpers that content types plan their pages with (see ``kinds.base.Planning``)."""

    def __init__(self, site: Site, locale: Locale) -> None:
        self.site = site
        self.locale = locale
        self.t = locale.t
        self.targets: list[Target] = []
        self.home = Crumb(self.t("home"), route("home"))
        self.all_feeds: tuple[tuple[str, str], ...] = (
            (self.t("feed_all"), route("feed")),
            *(feed for kind in _registry() for feed in kind.site_feeds(locale)),
        )

    def add(self, target: Target) -> None:
        self.targets.append(target)

    def page(
        self,
        url: str,
        layout: str,
        meta: PageMeta,
        origin: str,
        context: LayoutContext,
        *,
        lastmod: dt.datetime | None = None,
        sitemap: bool = True,
        line: int | None = None,
    ) -> None:
        self.targets.append(
            Target(
                output_path(url),
                url,
                Kind.PAGE,
                origin,
                line=line,
                layout=layout,
                meta=meta,
                context=context,
                lastmod=lastmod,
                in_sitemap=sitemap,
            )
        )

    def paginate(
        self,
        base: str,
        items: Sequence[Any],
        layout: str,
        make_meta: Callable[[int, int], PageMeta],
        origin: str,
        make_context: Callable[[Paginator], LayoutContext] | None = None,
    ) -> None:
        size = self.site.config.paginate
        total = max(1, -(-len(items) // size))
        for number in range(1, total + 1):
            chosen = tuple(items[(number - 1) * size : number * size])
            paginator = Paginator(number, total, chosen, base)
            lastmod = max((p.lastmod for p in chosen), default=None)
            self.page(
                paginator.url(number),
                layout,
                make_meta(number, total),
                origin,
                make_context(paginator) if make_context else Listing(paginator=paginator),
                lastmod=lastmod,
            )

    def titled(self, title: str, number: int, total: int) -> str:
        if total > 1 and number > 1:
            return f"{title} – {self.t('page_n_of', n=number, total=total)}"
        return title

    def feed(self, url: str, data: FeedData, origin: str) -> None:
        self.targets.append(Target(output_path(url), url, Kind.FEED, origin, context=Feed(data)))

    def qr_files(self, url: str, title: str, origin: str, line: int, png: bool = True) -> None:
        """``qr.svg`` and (unless ``png`` is false) ``qr.png`` beside the page at ``url``,
        encoding its address."""
        label = self.t("qr_label", title=title)
        files = [("qr.svg", Kind.QR_SVG)]
        if png:
            files.append(("qr.png", Kind.QR_PNG))
        for name, kind in files:
            self.targets.append(
                Target(
                    output_path(url + name),
                    url + name,
                    kind,
                    origin,
                    line,
                    context=QrCode(url, label),
                )
            )

    def copy(self, url: str, src: str, origin: str, line: int | None = None) -> None:
        """Publish the file ``src`` as it is at ``url``."""
        self.targets.append(
            Target(output_path(url), url, Kind.STATIC, origin, line, context=CopiedFile(src))
        )

    def aliases(self, item: Any) -> None:
        """Old addresses of ``item`` (its ``aliases``) that redirect to its ``url``."""
        for alias in item.aliases:
            meta = PageMeta(
                kind="alias", title=item.title, description="", url=alias, indexable=False
            )
            self.targets.append(
                Target(
                    output_path(alias),
                    alias,
                    Kind.ALIAS,
                    item.src,
                    item.aliases_line,
                    "alias.html",
                    meta,
                    Redirect(target_url=item.url),
                )
            )

    # -- the site's own pages

    def plan_home(self) -> None:
        config = self.site.config
        meta = PageMeta(
            kind="home",
            title=config.title,
            description=config.description or config.title,
            url=route("home"),
            feeds=self.all_feeds,
            creator=config.agency.name,
        )
        context = _home_context(self.site)
        lastmod = max((p.lastmod for p in context.posts), default=None)
        self.page(route("home"), "index.html", meta, "site.yaml", context, lastmod=lastmod)

    def plan_site_feed(self) -> None:
        site = self.site
        entries = sorted(
            (entry for kind in _registry() for entry in kind.feed_entries(site)),
            key=lambda e: (e.date, e.url),
            reverse=True,
        )[: site.config.feed_items]
        description = site.config.description or site.config.title
        self.feed(
            route("feed"),
            FeedData(site.config.title, description, route("home"), tuple(entries)),
            "site.yaml",
        )

    def plan_search(self) -> None:
        if not (self.site.config.search and self.site.searchable):
            return
        meta = PageMeta(
            kind="search",
            title=self.t("search_title"),
            description=self.t("search_intro"),
            url=route("search"),
            breadcrumbs=(self.home, Crumb(self.t("search_title"), None)),
            indexable=False,
        )
        sections = tuple(
            dict.fromkeys(
                self.t(kind.search_section)
                for kind in _registry()
                if kind.search_section and any(self.site.entry(e) for e in kind.searched)
            )
        )
        context = SearchPage(sections=sections)
        self.page(route("search"), "search.html", meta, "site.yaml", context, sitemap=False)

    def plan_site_files(self) -> None:
        url = route("sitemap_page")
        crumbs = (self.home, Crumb(self.t("sitemap"), None))
        meta = PageMeta(
            kind="sitemap",
            title=self.t("sitemap"),
            description=self.t("sitemap_intro"),
            url=url,
            breadcrumbs=crumbs,
        )
        feeds = tuple(
            feed for kind in _registry() for feed in kind.feed_links(self.site, self.locale)
        )
        self.page(url, "sitemap.html", meta, "site.yaml", SitemapPage(feeds=feeds))
        url = route("not_found")
        meta = PageMeta(
            kind="not_found",
            title=self.t("not_found_title"),
            description=self.t("not_found_text"),
            url=url,
            indexable=False,
        )
        self.page(url, "404.html", meta, "site.yaml", Nothing(), sitemap=False)
        for name, kind in (("sitemap", Kind.SITEMAP), ("robots", Kind.ROBOTS)):
            url = route(name)
            self.targets.append(Target(output_path(url), url, kind, "site.yaml"))
        for static in self.site.static:
            self.targets.append(
                Target(
                    static.output,
                    "/" + static.output,
                    Kind.STATIC,
                    static.src,
                    context=CopiedFile(static.src),
                )
            )

    def plan(self) -> list[Target]:
        self.plan_home()
        for kind in _registry():
            kind.plan(self)
        self.plan_site_feed()
        self.plan_search()
        self.plan_site_files()
        return self.targets


def _registry() -> tuple[Any, ...]:
    from . import kinds

    return kinds.registry()


def _home_context(site: Site) -> Home:
    return Home(posts=site.posts[: site.config.home_posts])


def plan(
    site: Site,
    locale: Locale,
    extra: Iterable[Target] = (),
    earlier: Sequence[Diagnostic] = (),
) -> list[Target]:
    """All targets of the site; raise :class:`ContentError` if two claim one address.

    ``earlier`` are the loader's errors: they are raised together with ours, so
    an editor sees every problem of the build at once.
    """
    diags = Collector()
    diags.extend(earlier)
    try:
        targets = Planner(site, locale).plan()
    except UnsafePath as exc:  # slugs and aliases are validated earlier; this is a backstop
        diags.error("content", None, None, str(exc))
        raise ContentError(diags.items) from None
    targets.extend(extra)
    targets.extend(server_files(targets))
    check_unique(targets, diags, {d.path for d in earlier if d.is_error})
    if not earlier:  # a menu link to a page that failed to load is not a menu problem
        check_menu(site, targets, diags)
    diags.raise_if_errors(ContentError)
    return targets


FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.(css|js)$")


def server_files(targets: Sequence[Target]) -> list[Target]:
    """``_headers``, ``_redirects`` and ``_nginx.conf`` for this site's files."""
    aliases = tuple((t.url, t.context.target_url) for t in targets if t.kind is Kind.ALIAS)
    fingerprinted = tuple(
        t.url for t in targets if t.kind is Kind.ASSET and FINGERPRINTED.search(t.url)
    )
    admin = any(t.url.startswith(route("admin")) for t in targets)
    return [
        Target(
            name,
            f"/{name}",
            Kind.SERVER,
            "site.yaml",
            context=ServerFiles(fmt, aliases, fingerprinted, admin),
        )
        for name, fmt in (
            ("_headers", "headers"),
            ("_redirects", "redirects"),
            ("_nginx.conf", "nginx"),
        )
    ]


def check_unique(targets: Sequence[Target], diags: Collector, blamed: Collection[str] = ()) -> None:
    """Two targets may not share an output file; blame aliases first, then the later file.

    A file that already has an error (``blamed``: a plan numbered like another) is not
    blamed again for the addresses that error makes collide."""
    groups: dict[str, list[Target]] = {}
    for target in targets:
        # compare without case: Windows disks and some hosts do not tell a/ from A/
        groups.setdefault(target.output.lower(), []).append(target)
    told: set[tuple[str, str]] = set()  # (file blamed, file it clashes with): once
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda t: (t.kind is Kind.ALIAS, t.origin, t.line or 0))
        owner = group[0]
        for other in group[1:]:
            if other.origin in blamed:
                continue
            if (other.origin, owner.origin) in told:  # its QR codes beside the same page
                continue
            told.add((other.origin, owner.origin))
            if other.kind is Kind.ALIAS:
                message = _("the old address (alias) {url} is already used by {path} ({owner})")
            else:
                message = _("the address {url} is already used by {path} ({owner})")
            diags.error(
                other.origin,
                other.line,
                None,
                message.format(url=other.url, path=owner.origin, owner=owner.url),
                _("give one of them another slug, or remove the duplicate"),
            )


def check_menu(site: Site, targets: Sequence[Target], diags: Collector) -> None:
    if not site.config.menu:
        return
    known = {t.url for t in targets} | {t.url.removesuffix("index.html") for t in targets}
    for item in site.config.menu:
        if item.url.startswith("/") and item.url.split("#")[0] not in known:
            diags.error(
                "site.yaml",
                item.line,
                None,
                _(
                    "the menu item '{title}' points at {url}, which is not a page of this site"
                ).format(title=item.title, url=item.url),
                _("fix the address or remove the item"),
            )

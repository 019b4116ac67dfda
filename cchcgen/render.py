"""Turn each :class:`~cchcgen.targets.Target` into the bytes of its file."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import charts, feeds, jsonld, kinds, qrcodes, sitemap, webserver
from .content import IndexResult, Site
from .i18n import Locale
from .kinds.base import MenuEntry
from .outputs import (
    CopiedFile,
    DataFile,
    Feed,
    FeedData,
    Kind,
    LayoutContext,
    QrCode,
    ServerFiles,
    Target,
    ThemeFile,
)
from .routes import route, url_for
from .templates import Templates
from .urls import fold


@dataclass(frozen=True, slots=True)
class Output:
    """A file to write: either its bytes, or a file to copy as is."""

    output: str
    data: bytes | None = None
    copy_from: Path | None = None


def default_menu(site: Site, locale: Locale) -> tuple[MenuEntry, ...]:
    """Home, what each content type offers (news, documents, …, the standalone pages)
    as far as it exists, and the sitemap."""
    offered = [entry for kind in kinds.registry() for entry in kind.menu(site, locale)]
    offered.sort(key=lambda item: item[0])  # stable: a type's entries keep their order
    return (
        MenuEntry(locale.t("home"), route("home"), False),
        *(entry for _place, entry in offered),
        MenuEntry(locale.t("sitemap"), route("sitemap_page"), False),
    )


def footer(site: Site, locale: Locale) -> tuple[MenuEntry, ...]:
    """The footer's links: what each content type offers, the sitemap and the feed."""
    placed = [item for kind in kinds.registry() for item in kind.footer_links(site, locale)]
    placed.append((40, MenuEntry(locale.t("sitemap"), route("sitemap_page"), False)))
    placed.append((50, MenuEntry(locale.t("subscribe_rss"), route("feed"), False)))
    placed.sort(key=lambda item: item[0])  # stable: a type's links keep their order
    return tuple(entry for _place, entry in placed)


def _parts(placed: Iterable[tuple[int, str]]) -> tuple[str, ...]:
    """Layout names in the order of their places."""
    return tuple(name for _place, name in sorted(placed, key=lambda item: item[0]))


def menu(site: Site, locale: Locale) -> tuple[MenuEntry, ...]:
    if site.config.menu is None:
        return default_menu(site, locale)
    return tuple(
        MenuEntry(item.title, item.url, not item.url.startswith("/")) for item in site.config.menu
    )


class Renderer:
    def __init__(
        self,
        site: Site,
        locale: Locale,
        root: Path,
        assets: Mapping[str, str] | None = None,
        qr: qrcodes.Memo | None = None,
    ) -> None:
        """``assets`` maps a theme asset's name to its site URL (fingerprinted); ``qr``
        remembers the QR codes drawn (by default, for this renderer only)."""
        self.site = site
        self.qr = qr if qr is not None else qrcodes.Memo()
        self.assets = dict(assets or {})
        self.locale = locale
        self.root = root
        base = site.config.base
        self.menu = menu(site, locale)
        self.footer = footer(site, locale)
        self.templates = Templates(
            root,
            globals_={
                "site": site,
                "config": site.config,
                "menu": self.menu,
                "footer_links": self.footer,
                "t": locale.t,
                "url": base.public,
                "route": lambda name, **values: base.public(route(name, **values)),
                "url_for": lambda item: base.public(url_for(item)),
                "sitemap_parts": _parts(
                    (p, n) for k in kinds.registry() for p, n in k.sitemap_parts
                ),
                "home_parts": {
                    slot: _parts(
                        (p, n) for k in kinds.registry() for s, p, n in k.home_parts if s == slot
                    )
                    for slot in ("main", "aside")
                },
                "abs_url": base.absolute,
                "asset": lambda name: base.public(self.assets.get(name, route("assets") + name)),
                "language": locale.code,
                "qr_inline": lambda url, label: Templates.safe(
                    self.qr.svg_inline(base.absolute(url), label)
                ),
                "og_locale": locale.t("og_locale"),
                "working_hours": lambda hours: locale.working_hours(hours.days, hours.sessions),
                "jsonld_contact": lambda contact: Templates.safe(
                    jsonld.script_json(
                        jsonld.contact_document(
                            contact, base.absolute("/"), lambda p: locale.t(f"purpose_{p}")
                        )
                    )
                ),
                "index_chart": self.index_chart,
            },
            filters={
                "date_full": locale.date_full,
                "date_short": locale.date_short,
                "document_date": locale.document_date,
                "document_date_partial": locale.document_date_partial,
                "undated": locale.undated,
                "basis_line": locale.basis_line,
                "filesize": locale.file_size,
                "short_url": lambda url: url.split("://", 1)[-1].rstrip("/"),
                "iso": lambda moment: moment.isoformat(timespec="seconds"),
                "fold": fold,
                "tel": jsonld.tel,
                "number": locale.number,
            },
        )

    def index_chart(self, name: str, results: Sequence[IndexResult]) -> Any:
        """An index's results over the years as an inline SVG line chart, its unit (``%``,
        ``điểm/80``) stated in the title, the description and the axis."""
        t, number = self.locale.t, self.locale.number
        long = t(f"index_{name}")
        top = max((r.max_score for r in results), default=100.0)
        points = [charts.Point(r.year, r.score, number(r.score)) for r in results]
        latest = results[-1] if results else None
        own_result = latest is not None and latest.scope == "unit"
        unit = (latest.unit if latest else "") or t(
            "index_our_unit" if own_result else "index_province"
        )
        measure = t(f"index_unit_{latest.measure if latest else 'points'}", max=number(top))
        own = "-don-vi" if own_result else ""
        return Templates.safe(
            charts.line_chart(
                points,
                title=t("index_chart_title", name=long, unit=unit, measure=measure),
                description=t(
                    "index_chart_desc",
                    name=long,
                    unit=unit,
                    first=results[0].year if results else "",
                    last=latest.year if latest else "",
                    max=number(top),
                    measure=measure,
                ),
                max_value=top,
                chart_id=f"bieu-do-{name.lower().replace('_', '-')}{own}",
                value_axis_label=t("index_axis", unit=measure),
                empty_text=t("index_chart_empty"),
            )
        )

    def show(self, site: Site) -> bool:
        """Render ``site``, an edit of the one rendered so far, from now on; unless what
        every page shows (the menu, the footer's links, each type's every-page part) is
        not the same for it, which only a new renderer shows (then False, nothing done)."""
        before = self.site
        every = [(k.every_page(before), k.every_page(site)) for k in kinds.registry()]
        if (
            menu(site, self.locale) != self.menu
            or footer(site, self.locale) != self.footer
            or any(old != new for old, new in every)
        ):
            return False
        self.site = site
        self.templates.env.globals["site"] = site
        return True

    def check_layouts(self) -> None:
        self.templates.check_site_layouts()

    def sitemap_entries(self, targets: Sequence[Target]) -> list[tuple[str, Any]]:
        """(absolute URL, last change) of every page the sitemap lists."""
        base = self.site.config.base
        return [(base.absolute(t.url), t.lastmod) for t in targets if t.in_sitemap]

    def render(self, target: Target, sitemap_entries: list[tuple[str, Any]]) -> Output:
        base, made = self.site.config.base, target.context
        if target.kind in (Kind.PAGE, Kind.ALIAS):
            assert target.layout is not None and target.meta is not None
            assert isinstance(made, LayoutContext)
            context = {f.name: getattr(made, f.name) for f in dataclasses.fields(made)}
            context["page"] = target.meta
            context["canonical"] = base.absolute(made.canonical_url() or target.url)
            text = self.templates.render(target.layout, context, target.output)
            return Output(target.output, text.encode("utf-8"))
        if isinstance(made, QrCode):
            url = base.absolute(made.target_url)
            if target.kind is Kind.QR_SVG:
                return Output(target.output, self.qr.svg_file(url, made.label))
            return Output(target.output, self.qr.png_file(url))
        if isinstance(made, Feed):
            return Output(target.output, self.feed(made.feed, target.url))
        if isinstance(made, DataFile):
            return Output(target.output, made.make(self.site, base.absolute))
        if isinstance(made, ServerFiles):
            if made.format == "headers":
                made_file = webserver.headers_file(base, made.fingerprinted, made.admin)
                return Output(target.output, made_file)
            if made.format == "redirects":
                return Output(target.output, webserver.redirects_file(base, made.aliases))
            return Output(target.output, webserver.nginx_conf(base, made.aliases, made.admin))
        if target.kind is Kind.SITEMAP:
            return Output(target.output, sitemap.sitemap_xml(sitemap_entries))
        if target.kind is Kind.ROBOTS:
            return Output(target.output, sitemap.robots_txt(base.absolute(route("sitemap"))))
        if isinstance(made, CopiedFile):
            return Output(target.output, copy_from=self.root / made.src)
        assert isinstance(made, ThemeFile)
        return Output(target.output, copy_from=made.path)

    def feed(self, data: FeedData, url: str) -> bytes:
        base = self.site.config.base
        items = [
            feeds.FeedItem(
                entry.title, base.absolute(entry.url), entry.date, entry.summary, entry.categories
            )
            for entry in data.entries
        ]
        return feeds.rss(
            data.title,
            data.description,
            base.absolute(data.page_url),
            base.absolute(url),
            self.locale.code,
            items,
            fallback_date=self.site.now.astimezone(dt.UTC),
        )

"""Turn each :class:`~cchcgen.targets.Target` into the bytes of its file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import charts, feeds, jsonld, opendata, qrcodes, sitemap, webserver
from .content import IndexResult, Site
from .i18n import Locale
from .targets import FeedData, Kind, Target
from .templates import Templates
from .urls import fold


@dataclass(frozen=True, slots=True)
class MenuEntry:
    title: str
    url: str
    external: bool


@dataclass(frozen=True, slots=True)
class Output:
    """A file to write: either its bytes, or a file to copy as is."""

    output: str
    data: bytes | None = None
    copy_from: Path | None = None


def default_menu(site: Site, locale: Locale) -> tuple[MenuEntry, ...]:
    """Home, news, topics, the standalone pages and the sitemap, as far as they exist."""
    entries = [
        MenuEntry(locale.t("home"), "/", False),
        MenuEntry(locale.t("news"), "/tin-tuc/", False),
    ]
    if site.plans:
        entries.append(MenuEntry(locale.t("plans"), "/ke-hoach/", False))
    if site.procedures:
        entries.append(MenuEntry(locale.t("procedures"), "/thu-tuc-hanh-chinh/", False))
    if site.tags:
        entries.append(MenuEntry(locale.t("topics"), "/chu-de/", False))
    entries.extend(MenuEntry(p.title, p.url, False) for p in site.pages)
    entries.append(MenuEntry(locale.t("sitemap"), "/so-do-trang/", False))
    return tuple(entries)


def menu(site: Site, locale: Locale) -> tuple[MenuEntry, ...]:
    if site.config.menu is None:
        return default_menu(site, locale)
    return tuple(
        MenuEntry(item.title, item.url, not item.url.startswith("/")) for item in site.config.menu
    )


class Renderer:
    def __init__(
        self, site: Site, locale: Locale, root: Path, assets: Mapping[str, str] | None = None
    ) -> None:
        """``assets`` maps a theme asset's name to its site URL (fingerprinted)."""
        self.site = site
        self.assets = dict(assets or {})
        self.locale = locale
        self.root = root
        base = site.config.base
        self.menu = menu(site, locale)
        self.templates = Templates(
            root,
            globals_={
                "site": site,
                "config": site.config,
                "menu": self.menu,
                "t": locale.t,
                "url": base.public,
                "abs_url": base.absolute,
                "asset": lambda name: base.public(self.assets.get(name, f"/assets/{name}")),
                "language": locale.code,
                "qr_inline": lambda url, label: Templates.safe(
                    qrcodes.svg_inline(base.absolute(url), label)
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
        """An index's results over the years as an inline SVG line chart."""
        t, number = self.locale.t, self.locale.number
        long = t(f"index_{name}")
        top = max((r.max_score for r in results), default=100.0)
        points = [charts.Point(r.year, r.score, number(r.score)) for r in results]
        return Templates.safe(
            charts.line_chart(
                points,
                title=t("index_chart_title", name=long),
                description=t(
                    "index_chart_desc",
                    name=long,
                    unit=results[0].unit if results else "",
                    first=results[0].year if results else "",
                    last=results[-1].year if results else "",
                    max=number(top),
                ),
                max_value=top,
                chart_id=f"bieu-do-{name.lower().replace('_', '-')}",
                value_axis_label=t("index_score"),
                empty_text=t("index_chart_empty"),
            )
        )

    def check_layouts(self) -> None:
        self.templates.check_site_layouts()

    def sitemap_entries(self, targets: Sequence[Target]) -> list[tuple[str, Any]]:
        """(absolute URL, last change) of every page the sitemap lists."""
        base = self.site.config.base
        return [(base.absolute(t.url), t.lastmod) for t in targets if t.in_sitemap]

    def render(self, target: Target, sitemap_entries: list[tuple[str, Any]]) -> Output:
        base = self.site.config.base
        if target.kind in (Kind.PAGE, Kind.ALIAS):
            assert target.layout is not None and target.meta is not None
            context = {"page": target.meta, "canonical": base.absolute(target.url), **target.data}
            if target.kind is Kind.ALIAS:
                context["canonical"] = base.absolute(target.data["target_url"])
            elif "canonical_url" in target.data:  # another view of a page (the QR poster)
                context["canonical"] = base.absolute(target.data["canonical_url"])
            text = self.templates.render(target.layout, context, target.output)
            return Output(target.output, text.encode("utf-8"))
        if target.kind is Kind.QR_SVG:
            return Output(
                target.output,
                qrcodes.svg_file(base.absolute(target.data["target_url"]), target.data["label"]),
            )
        if target.kind is Kind.QR_PNG:
            return Output(target.output, qrcodes.png_file(base.absolute(target.data["target_url"])))
        if target.kind is Kind.FEED:
            return Output(target.output, self.feed(target.data["feed"], target.url))
        if target.kind is Kind.DATA:
            make = (
                opendata.procedures_json
                if target.data["format"] == "json"
                else (opendata.procedures_csv)
            )
            return Output(target.output, make(self.site.procedures, base.absolute))
        if target.kind is Kind.SERVER:
            data, fmt = target.data, target.data["format"]
            if fmt == "headers":
                return Output(target.output, webserver.headers_file(base, data["fingerprinted"]))
            if fmt == "redirects":
                return Output(target.output, webserver.redirects_file(base, data["aliases"]))
            return Output(target.output, webserver.nginx_conf(base, data["aliases"]))
        if target.kind is Kind.SITEMAP:
            return Output(target.output, sitemap.sitemap_xml(sitemap_entries))
        if target.kind is Kind.ROBOTS:
            return Output(target.output, sitemap.robots_txt(base.absolute("/sitemap.xml")))
        return Output(
            target.output,
            copy_from=self.root / target.data["src"]
            if target.kind is Kind.STATIC
            else target.data["path"],
        )

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

"""Online public services (dịch vụ công trực tuyến): a page made from the procedure records.

The type has no file of its own. ``/dich-vu-cong-truc-tuyen/`` lists the procedures in
force that are offered online, in full (toàn trình) then in part (một phần, with the
reason), by sector; each links to its own page and to its page on the national portal.
The service links of ``content/hotline.yaml`` (look up a dossier, rate the service,
public postal service, book an appointment) are shown when the site gives them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..outputs import Crumb, LayoutContext, PageMeta, SearchRecord
from ..routes import route
from .base import Body, ContentType, Loading, MenuEntry, Planning

if TYPE_CHECKING:
    from ..content import Procedure, Sector, Site
    from ..i18n import Locale

ONLINE_LEVELS = ("toan_trinh", "mot_phan")
"""The levels listed, in this order: in full, then in part."""
SERVICE_LINKS = (
    "dossier_lookup",
    "satisfaction_survey",
    "postal_service",
    "appointment",
    "national_portal",
    "provincial_portal",
)
"""The hotline.yaml links the page shows, in this order, when the site gives them."""


@dataclass(frozen=True, slots=True)
class OnlineLevel:
    """The procedures offered at one level, by sector."""

    level: str
    count: int
    sectors: tuple[tuple[Sector, tuple[Procedure, ...]], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class OnlineView(LayoutContext):
    levels: tuple[OnlineLevel, ...]
    in_force: int
    """Procedures in force, offered online or not."""
    links: tuple[tuple[str, str], ...]
    """(kind, URL) of the service links the site gives."""


def offered_online(procedures: Iterable[Procedure]) -> tuple[Procedure, ...]:
    """The procedures in force offered online in full or in part, in catalogue order."""
    return tuple(p for p in procedures if p.in_force and p.online_service.level in ONLINE_LEVELS)


def group_levels(procedures: Sequence[Procedure]) -> tuple[OnlineLevel, ...]:
    """Levels in :data:`ONLINE_LEVELS` order, each with its sectors (by the catalogue's
    order, which is by sector name); levels with no procedure left out."""
    levels = []
    for level in ONLINE_LEVELS:
        chosen = [p for p in procedures if p.online_service.level == level]
        sectors: dict[str, list[Procedure]] = {}
        for p in chosen:
            sectors.setdefault(p.sector.code, []).append(p)
        if chosen:
            groups = tuple((items[0].sector, tuple(items)) for items in sectors.values())
            levels.append(OnlineLevel(level, len(chosen), groups))
    return tuple(levels)


def service_links(site: Site) -> tuple[tuple[str, str], ...]:
    contact = site.contact
    if contact is None:
        return ()
    return tuple((kind, contact.link(kind)) for kind in SERVICE_LINKS if contact.link(kind))


class OnlineType(ContentType):
    """The online services page, made from ``site.procedures`` and ``site.contact``."""

    name = "online"
    title = "Online public services"
    where = "content/procedures/<code>.yaml (online_service)"
    intro = "No file of its own: procedures whose online_service.level is toan_trinh or mot_phan."
    fields = ()
    order = 55
    provides = {"online_services": ()}
    routes = {"online_services": "/dich-vu-cong-truc-tuyen/"}
    searched = ("online_services",)
    search_section = "search_section_online"
    sitemap_parts = ((35, "partials/sitemap/online.html"),)

    def load(self, loading: Loading, loaded: Mapping[str, Any]) -> Mapping[str, Any]:
        # no file: the procedures offered online, kept as an entry so that the page,
        # its search record and their fingerprints follow the records they come from
        return {"online_services": offered_online(loaded.get("procedures", ()))}

    def menu(self, site: Site, locale: Locale) -> Iterable[tuple[int, MenuEntry]]:
        if site.online_services:
            yield 33, MenuEntry(locale.t("online_services"), route("online_services"), False)

    def bodies(self, site: Site) -> Iterable[Body]:
        return ()  # made from YAML records

    def search_records(self, site: Site, locale: Locale) -> Iterable[SearchRecord]:
        procedures = site.online_services
        if not procedures:
            return
        levels = group_levels(procedures)
        yield SearchRecord(
            route("online_services"),
            locale.t(self.search_section),
            locale.t("online_services_long"),
            "",
            _summary(levels, locale),
            " ".join(
                (
                    locale.t("online_services_intro"),
                    *(locale.t(f"online_{level.level}") for level in levels),
                    *(p.name for p in procedures),
                )
            ),
        )

    def plan(self, planning: Planning) -> None:
        site, t = planning.site, planning.t
        procedures = site.online_services
        if not procedures:
            return
        url = route("online_services")
        levels = group_levels(procedures)
        meta = PageMeta(
            kind="online_services",
            title=t("online_services_long"),
            description=_summary(levels, planning.locale),
            url=url,
            breadcrumbs=(planning.home, Crumb(t("online_services"), None)),
        )
        context = OnlineView(
            levels=levels, in_force=len(site.procedures_in_force), links=service_links(site)
        )
        planning.page(url, "online_services.html", meta, "content/procedures", context)


def _summary(levels: Sequence[OnlineLevel], locale: Locale) -> str:
    counts = {level.level: level.count for level in levels}
    return locale.t(
        "online_services_summary",
        full=counts.get("toan_trinh", 0),
        partial=counts.get("mot_phan", 0),
    )


TYPE = OnlineType()

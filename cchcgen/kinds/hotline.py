"""``content/hotline.yaml`` → :class:`ContactInfo`: where citizens call, write or go.

The rules: the agency's name, address, phone and email are
required; at least one hotline takes feedback (``purpose: pakn``), because every page
shows it; ``e164`` numbers are in the ``+84…`` form so that ``tel:`` links work from
any phone, or a short code such as 1022 kept as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import sample, schema
from ..content import Channel, ContactInfo, ContactPoint, Hotline, OneStop, WorkingHours
from ..errors import Collector
from ..messages import _
from ..outputs import Crumb, LayoutContext, PageMeta, SearchRecord
from ..routes import route
from ..schema import Field, Invalid
from ..yamlutil import Node, YamlSource, child
from .base import Body, ContentType, Loading, MenuEntry, Planning

if TYPE_CHECKING:
    from ..content import Site
    from ..i18n import Locale

PURPOSES = ("pakn", "one_stop", "leader", "dvc_support", "other")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CHANNEL_TYPES = ("postal", "in_person", "phone", "email", "national_portal", "provincial_system")
LINK_KINDS = (
    "national_portal",
    "provincial_portal",
    "satisfaction_survey",
    "dossier_lookup",
    "postal_service",
    "appointment",
)
VERIFY_EVERY_DAYS = 180


def _e164(node: Node, ctx: schema.Context) -> str:
    value = schema.one_line(node, ctx).replace(" ", "")
    if re.fullmatch(r"\+84\d{8,10}", value) or re.fullmatch(r"\d{3,5}", value):
        return value
    hint = _("write the number as +84 followed by the number without its leading 0")
    digits = re.sub(r"\D", "", value)
    if digits.startswith("0") and 9 <= len(digits) <= 11:
        hint = _(
            "write the number as +84 followed by the number without its leading 0, e.g. {example}"
        ).format(example=f"+84{digits[1:]}")
    raise Invalid(
        _("must be a phone number in the +84… form or a short code, got '{value}'").format(
            value=value
        ),
        hint,
        node,
    )


def _clock(node: Node, ctx: schema.Context) -> str:
    value = schema.one_line(node, ctx)
    match = re.fullmatch(r"(\d{1,2})[:h](\d{2})", value)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise Invalid(
            _("must be a time of day such as 07:30, got '{value}'").format(value=value), node=node
        )
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _email(node: Node, ctx: schema.Context) -> str:
    value = schema.one_line(node, ctx)
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", value, re.IGNORECASE):
        raise Invalid(_("must be an email address, got '{value}'").format(value=value), node=node)
    return value


def _url(node: Node, ctx: schema.Context) -> str:
    value = schema.one_line(node, ctx)
    if not re.match(r"https?://[^/\s]+", value):
        raise Invalid(_("must be an http(s) address, got '{value}'").format(value=value), node=node)
    return value


SESSION = (Field("start", _clock, required=True), Field("end", _clock, required=True))
HOURS = (
    Field("days", schema.list_of(schema.choice(*DAYS)), required=True),
    Field("morning", schema.mapping(SESSION)),
    Field("afternoon", schema.mapping(SESSION)),
)
AGENCY = (
    Field("name", schema.one_line, required=True),
    Field("parent", schema.one_line, default=""),
    Field("address", schema.one_line, required=True),
    Field("mailing_address", schema.one_line, default=""),
    Field("phone", schema.one_line, required=True),
    Field("fax", schema.one_line, default=""),
    Field("email", _email, required=True),
    Field("website", _url, default=""),
    Field(
        "responsible_person",
        schema.mapping(
            (Field("name", schema.one_line, required=True), Field("position", schema.one_line))
        ),
    ),
)
HOTLINE = (
    Field("label", schema.one_line, required=True),
    Field("purpose", schema.choice(*PURPOSES), required=True),
    Field("number", schema.one_line, required=True),
    Field("e164", _e164, required=True),
    Field("hours", schema.one_line, default=""),
    Field("owner", schema.one_line, default=""),
)
CONTACT_POINT = (
    Field("name", schema.one_line, required=True),
    Field("position", schema.one_line, default=""),
    Field("unit", schema.one_line, default=""),
    Field("phone", schema.one_line, default=""),
    Field("email", _email, default=""),
)
ONE_STOP = (
    Field("name", schema.one_line, required=True),
    Field("address", schema.one_line, required=True),
    Field("counters", schema.integer(1, 500)),
    Field("working_hours", schema.list_of(schema.mapping(HOURS)), required=True),
)
CHANNEL = (
    Field("type", schema.choice(*CHANNEL_TYPES), required=True),
    Field("value", schema.one_line, required=True),
)
FIELDS = (
    Field("agency", schema.mapping(AGENCY), required=True),
    Field("hotlines", schema.list_of(schema.mapping(HOTLINE)), required=True),
    Field("contact_points", schema.list_of(schema.mapping(CONTACT_POINT)), default=()),
    Field("one_stop", schema.mapping(ONE_STOP), required=True),
    Field("pakn_channels", schema.list_of(schema.mapping(CHANNEL)), default=()),
    Field("external_links", schema.mapping(tuple(Field(k, _url, default="") for k in LINK_KINDS))),
    Field("verified_at", schema.day, required=True),
    sample.FIELD,
)


def read_contact(
    rel: str, root: Node, source: YamlSource, diags: Collector, tz: Any, today: dt.date
) -> ContactInfo | None:
    ctx = schema.Context(source, diags, tz)
    errors_before = len(diags.items)
    values = schema.read_mapping(root, FIELDS, ctx, rel)
    if any(d.is_error for d in diags.items[errors_before:]):
        return None
    hotlines = tuple(Hotline(**h) for h in values["hotlines"])
    if not any(h.purpose == "pakn" for h in hotlines):
        line, column = source.position(child(root, "hotlines") or root)
        diags.error(
            rel,
            line,
            column,
            _("no hotline takes feedback: one entry needs 'purpose: pakn'"),
            _("add the number citizens call about administrative procedures with purpose: pakn"),
        )
        return None
    verified = values["verified_at"]
    if (today - verified).days > VERIFY_EVERY_DAYS:
        line, column = source.position(child(root, "verified_at"))
        diags.warning(
            rel,
            line,
            column,
            _("the numbers were last verified on {date}, more than {days} days ago").format(
                date=f"{verified:%d/%m/%Y}", days=VERIFY_EVERY_DAYS
            ),
            _("call each number, then update verified_at"),
        )
    agency = values["agency"]
    one_stop = values["one_stop"]
    return ContactInfo(
        agency_name=agency["name"],
        agency_parent=agency["parent"],
        address=agency["address"],
        mailing_address=agency["mailing_address"],
        phone=agency["phone"],
        fax=agency["fax"],
        email=agency["email"],
        website=agency["website"],
        hotlines=hotlines,
        contact_points=tuple(ContactPoint(**c) for c in values["contact_points"]),
        one_stop=OneStop(
            one_stop["name"],
            one_stop["address"],
            one_stop["counters"],
            tuple(
                WorkingHours(
                    tuple(day for day in DAYS if day in hours["days"]),
                    tuple(
                        (s["start"], s["end"])
                        for s in (hours["morning"], hours["afternoon"])
                        if s is not None
                    ),
                )
                for hours in one_stop["working_hours"]
            ),
        ),
        channels=tuple(Channel(c["type"], c["value"]) for c in values["pakn_channels"]),
        links=tuple((kind, url) for kind, url in (values["external_links"] or {}).items() if url),
        verified_at=verified,
    )


# ---------------------------------------------------------------- the type

HOTLINE_FILE = "content/hotline.yaml"


@dataclass(frozen=True, slots=True, kw_only=True)
class HotlineView(LayoutContext):
    contact: ContactInfo


class HotlineType(ContentType):
    """``content/hotline.yaml``: the hotline page, and the strip every page shows."""

    name = "hotline"
    title = "Hotline and contacts"
    where = "content/hotline.yaml"
    intro = "Hotlines, contact officials, the one-stop desk's hours, feedback channels."
    fields = FIELDS
    order = 50
    provides = {"contact": None}
    searched = ("contact",)
    search_section = "search_section_hotline"
    routes = {"hotline": "/duong-day-nong/"}
    sitemap_parts = ((40, "partials/sitemap/hotline.html"),)
    home_parts = (("aside", 10, "partials/home/hotline.html"),)

    def load(self, loading: Loading, loaded: Mapping[str, Any]) -> Mapping[str, Any]:
        found = loading.optional_yaml(HOTLINE_FILE)
        if found is None:
            return {}
        tz = loading.config.timezone
        contact = read_contact(HOTLINE_FILE, *found, loading.diags, tz, loading.now.date())
        return {"contact": contact}

    def footer_links(self, site: Site, locale: Locale) -> Iterable[tuple[int, MenuEntry]]:
        if site.contact is not None:
            yield 10, MenuEntry(locale.t("hotline_long"), route("hotline"), False)

    def every_page(self, site: Site) -> Any:
        return site.contact  # the hotline strip and the footer

    def bodies(self, site: Site) -> Iterable[Body]:
        return ()  # YAML fields, no Markdown

    def search_records(self, site: Site, locale: Locale) -> Iterable[SearchRecord]:
        contact: ContactInfo | None = site.contact
        if contact is None:
            return
        stop = contact.one_stop
        text = " ".join((
            locale.t("hotline_intro"), contact.agency_name, contact.address,
            *(f"{h.label} {h.number} {h.owner}" for h in contact.hotlines),
            *(f"{p.name} {p.position} {p.unit}" for p in contact.contact_points),
            stop.name, stop.address, *(c.value for c in contact.channels),
        ))  # fmt: skip
        yield SearchRecord(
            route("hotline"),
            locale.t(self.search_section),
            locale.t("hotline_long"),
            "",
            locale.t("hotline_intro"),
            text,
            tuple(dict.fromkeys(h.number for h in contact.hotlines)),
            kind=locale.t("hotline"),
        )

    def plan(self, planning: Planning) -> None:
        contact, t = planning.site.contact, planning.t
        if contact is None:
            return
        url = route("hotline")
        meta = PageMeta(
            kind="hotline",
            title=t("hotline_long"),
            description=t("hotline_intro"),
            url=url,
            breadcrumbs=(planning.home, Crumb(t("hotline"), None)),
        )
        planning.page(url, "hotline.html", meta, HOTLINE_FILE, HotlineView(contact=contact))


TYPE = HotlineType()

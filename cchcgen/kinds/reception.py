"""The citizens' reception schedule (lịch tiếp công dân): ``content/reception.yaml``.

Under the Law on Citizen Reception (Luật Tiếp công dân 2013), the heads of the people's
committees receive citizens in person on set days, and the schedule is made public. The
file holds the regular schedule (who, on which weekdays or days of the month, at what
hours, where) and the dated reception days. ``/lich-tiep-cong-dan/`` shows the regular
schedule, the days to come, and the past days below, newest first; the home page shows
the next days. A day passes at its end time (at midnight when it has none): the build
remembers that moment, so that the next build after it moves the day to the past.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import sample, schema
from ..errors import Collector
from ..messages import _
from ..outputs import Crumb, LayoutContext, PageMeta, SearchRecord
from ..routes import route
from ..schema import Field
from ..yamlutil import Node, SequenceNode, YamlSource, child
from .base import Body, ContentType, Loading, MenuEntry, Planning
from .hotline import DAYS
from .hotline import _clock as clock

if TYPE_CHECKING:
    from ..content import Site
    from ..i18n import Locale

RECEPTION_FILE = "content/reception.yaml"
HOME_DAYS = 3
"""Upcoming days the home page shows."""

REGULAR = (
    Field("who", schema.one_line, required=True),
    Field("name", schema.one_line, default=""),
    Field("weekdays", schema.list_of(schema.choice(*DAYS), allow_scalar=True), default=()),
    Field("days_of_month", schema.list_of(schema.integer(1, 31), allow_scalar=True), default=()),
    Field("start", clock, default=""),
    Field("end", clock, default=""),
    Field("place", schema.one_line, default=""),
    Field("note", schema.one_line, default=""),
)
DAY = (
    Field("date", schema.day, required=True),
    Field("start", clock, default=""),
    Field("end", clock, default=""),
    Field("who", schema.one_line, required=True),
    Field("name", schema.one_line, default=""),
    Field("place", schema.one_line, default=""),
    Field("note", schema.one_line, default=""),
)
FIELDS = (
    Field("place", schema.one_line, default=""),
    Field("regular", schema.list_of(schema.mapping(REGULAR)), default=()),
    Field("days", schema.list_of(schema.mapping(DAY)), default=()),
    sample.FIELD,
)


@dataclass(frozen=True, slots=True)
class RegularReception:
    """Who receives citizens on which days, at what hours, where."""

    who: str
    """Title or office: ``Chủ tịch UBND huyện``."""
    name: str
    weekdays: tuple[str, ...]
    """mon … sun, in week order; or empty when ``days_of_month`` is given."""
    days_of_month: tuple[int, ...]
    start: str
    end: str
    place: str
    note: str

    @property
    def days(self) -> tuple[str, ...]:
        """The weekdays, as the layouts' ``working_hours()`` reads them."""
        return self.weekdays

    @property
    def sessions(self) -> tuple[tuple[str, str], ...]:
        return ((self.start, self.end),) if self.start and self.end else ()


@dataclass(frozen=True, slots=True)
class ReceptionDay:
    """One dated reception day."""

    line: int
    date: dt.date
    start: str
    end: str
    who: str
    name: str
    place: str
    note: str

    @property
    def anchor(self) -> str:
        """Its place on the page: ``ngay-20260115-0730``."""
        return f"ngay-{self.date:%Y%m%d}-{self.start.replace(':', '') or 'ca-ngay'}"


@dataclass(frozen=True, slots=True)
class Reception:
    """The schedule, with the dated days split at the build's "now"."""

    regular: tuple[RegularReception, ...]
    upcoming: tuple[ReceptionDay, ...]
    """Days not over yet, soonest first."""
    past: tuple[ReceptionDay, ...]
    """Days over, newest first."""

    @property
    def next_days(self) -> tuple[ReceptionDay, ...]:
        return self.upcoming[:HOME_DAYS]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceptionView(LayoutContext):
    reception: Reception


def _hours_error(
    rel: str, item: Node, values: Mapping[str, Any], source: YamlSource, diags: Collector
) -> bool:
    """Report an end without a start, or an end not after the start."""
    start, end = values["start"], values["end"]
    if end and not start:
        diags.error(rel, *source.position(child(item, "end")),
                    _("'end' is given without 'start'"),
                    _("add 'start: ...' with the time the reception begins"))  # fmt: skip
        return True
    if start and end and end <= start:
        diags.error(rel, *source.position(child(item, "end")),
                    _("the reception ends at {end}, not after it starts at {start}").format(
                        end=end, start=start),
                    _("check the hours; write them as 07:30 and 11:30"))  # fmt: skip
        return True
    return False


def _place(
    rel: str, item: Node, values: Mapping[str, Any], default: str, source: YamlSource,
    diags: Collector,
) -> str | None:  # fmt: skip
    place = values["place"] or default
    if not place:
        diags.error(rel, *source.position(item),
                    _("no place is given for this reception"),
                    _("add 'place: ...' here, or one 'place: ...' at the top of the file "
                      "for every reception"))  # fmt: skip
        return None
    return str(place)


def read_regular(
    rel: str, item: Node, values: Mapping[str, Any], default_place: str, source: YamlSource,
    diags: Collector,
) -> RegularReception | None:  # fmt: skip
    """One regular reception from its read ``values``, with the checks across its keys."""
    weekdays, monthly = values["weekdays"], values["days_of_month"]
    if bool(weekdays) == bool(monthly):
        message = (
            _("give either 'weekdays' or 'days_of_month', not both")
            if weekdays
            else _("the days of this reception are missing")
        )
        diags.error(rel, *source.position(item), message,
                    _("write 'weekdays: [thu]' for every Thursday, or "
                      "'days_of_month: [10, 25]' for the 10th and 25th of each month"))  # fmt: skip
        return None
    if _hours_error(rel, item, values, source, diags):
        return None
    place = _place(rel, item, values, default_place, source, diags)
    if place is None:
        return None
    return RegularReception(
        who=values["who"],
        name=values["name"],
        weekdays=tuple(day for day in DAYS if day in weekdays),
        days_of_month=tuple(sorted(set(monthly))),
        start=values["start"],
        end=values["end"],
        place=place,
        note=values["note"],
    )


def read_day(
    rel: str, item: Node, values: Mapping[str, Any], default_place: str, source: YamlSource,
    diags: Collector,
) -> ReceptionDay | None:  # fmt: skip
    """One dated reception day from its read ``values``, with the checks across its keys."""
    if _hours_error(rel, item, values, source, diags):
        return None
    place = _place(rel, item, values, default_place, source, diags)
    if place is None:
        return None
    return ReceptionDay(
        line=source.position(item)[0] or 0,
        date=values["date"],
        start=values["start"],
        end=values["end"],
        who=values["who"],
        name=values["name"],
        place=place,
        note=values["note"],
    )


def read_reception(
    rel: str, root: Node, source: YamlSource, diags: Collector, tz: Any
) -> tuple[tuple[RegularReception, ...], tuple[ReceptionDay, ...]] | None:
    """The regular schedule and the dated days, in the file's order; None on an error."""
    ctx = schema.Context(source, diags, tz)
    errors_before = len(diags.items)
    values = schema.read_mapping(root, FIELDS, ctx, rel)
    if any(d.is_error for d in diags.items[errors_before:]):
        return None
    # every key was read without an error: each item's values match its node, in order
    regular = [
        read_regular(rel, node, item, values["place"], source, diags)
        for node, item in zip(_items(root, "regular"), values["regular"], strict=True)
    ]
    days = [
        read_day(rel, node, item, values["place"], source, diags)
        for node, item in zip(_items(root, "days"), values["days"], strict=True)
    ]
    if any(d.is_error for d in diags.items[errors_before:]):
        return None
    if not regular and not days:
        diags.error(rel, *source.position(root),
                    _("the file gives neither a regular schedule nor a reception day"),
                    _("add 'regular:' with the set reception days, or 'days:' with "
                      "dated ones"))  # fmt: skip
        return None
    kept = [day for day in days if day is not None]
    seen: dict[tuple[dt.date, str, str], int] = {}
    for day in kept:
        key = (day.date, day.start, day.who)
        if key in seen:
            diags.error(rel, day.line, None,
                        _("this reception day is already given at line {line}").format(
                            line=seen[key]),
                        _("keep one entry per day, time and person"))  # fmt: skip
            return None
        seen[key] = day.line
    return tuple(r for r in regular if r is not None), tuple(kept)


def _items(root: Node, key: str) -> list[Node]:
    items = child(root, key)
    return list(items.value) if isinstance(items, SequenceNode) else []


def passes_at(day: ReceptionDay, tz: dt.tzinfo) -> dt.datetime:
    """When a day is over: its end time, else the midnight after it."""
    if day.end:
        hour, minute = (int(part) for part in day.end.split(":"))
        return dt.datetime.combine(day.date, dt.time(hour, minute), tz)
    return dt.datetime.combine(day.date + dt.timedelta(days=1), dt.time(), tz)


def split_days(
    days: Iterable[ReceptionDay], now: dt.datetime, tz: dt.tzinfo
) -> tuple[tuple[ReceptionDay, ...], tuple[ReceptionDay, ...]]:
    """(upcoming soonest first, past newest first) at ``now``."""
    ordered = sorted(days, key=lambda d: (d.date, d.start, d.line))
    upcoming = tuple(d for d in ordered if passes_at(d, tz) > now)
    past = tuple(reversed([d for d in ordered if passes_at(d, tz) <= now]))
    return upcoming, past


# ---------------------------------------------------------------- the type


class ReceptionType(ContentType):
    """``content/reception.yaml``: the citizens' reception schedule."""

    name = "reception"
    title = "Citizens' reception schedule"
    where = "content/reception.yaml"
    intro = (
        "The regular schedule (regular: a list) and the dated reception days (days: a list); "
        "place at the top is the place of every reception that gives none."
    )
    fields = FIELDS
    order = 75
    provides = {"reception": None}
    routes = {"reception": "/lich-tiep-cong-dan/"}
    searched = ("reception",)
    search_section = "search_section_reception"
    sitemap_parts = ((45, "partials/sitemap/reception.html"),)
    home_parts = (("aside", 15, "partials/home/reception.html"),)

    def load(self, loading: Loading, loaded: Mapping[str, Any]) -> Mapping[str, Any]:
        found = loading.optional_yaml(RECEPTION_FILE)
        if found is None:
            return {}
        tz = loading.config.timezone
        read = read_reception(RECEPTION_FILE, *found, loading.diags, tz)
        if read is None:
            return {}
        regular, days = read
        upcoming, past = split_days(days, loading.now, tz)
        for day in upcoming:
            loading.due(passes_at(day, tz))  # the day moves to the past then
        return {"reception": Reception(regular, upcoming, past)}

    def bodies(self, site: Site) -> Iterable[Body]:
        return ()  # YAML fields, no Markdown

    def search_records(self, site: Site, locale: Locale) -> Iterable[SearchRecord]:
        reception: Reception | None = site.reception
        if reception is None:
            return
        items: tuple[RegularReception | ReceptionDay, ...] = (
            *reception.regular,
            *reception.upcoming,
            *reception.past,
        )
        summary = (
            locale.t(
                "reception_next",
                date=locale.date_full(reception.upcoming[0].date),
                who=reception.upcoming[0].who,
            )
            if reception.upcoming
            else locale.t("reception_intro")
        )
        yield SearchRecord(
            route("reception"),
            locale.t(self.search_section),
            locale.t("reception_long"),
            "",
            summary,
            " ".join(
                part
                for item in items
                for part in (item.who, item.name, item.place, item.note)
                if part
            ),
        )

    def footer_links(self, site: Site, locale: Locale) -> Iterable[tuple[int, MenuEntry]]:
        if site.reception is not None:
            yield 34, MenuEntry(locale.t("reception_long"), route("reception"), False)

    def plan(self, planning: Planning) -> None:
        reception: Reception | None = planning.site.reception
        if reception is None:
            return
        t = planning.t
        url = route("reception")
        meta = PageMeta(
            kind="reception",
            title=t("reception_long"),
            description=t("reception_intro"),
            url=url,
            breadcrumbs=(planning.home, Crumb(t("reception"), None)),
        )
        view = ReceptionView(reception=reception)
        planning.page(url, "reception.html", meta, RECEPTION_FILE, view)


TYPE = ReceptionType()

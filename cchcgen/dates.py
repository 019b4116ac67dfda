"""Parse the date forms editors type into timezone-aware datetimes.

Accepted forms (see SPEC "Dates"):

* ISO: ``2023-01-30``, ``2023-01-30T13:20``, ``2023-01-30 13:20:05``,
  ``2023-01-30T13:20:00+07:00``, ``...Z``
* Vietnamese: ``30/01/2023``, ``30/1/2023``, ``30/01/2023 13:20``, ``30/01/2023 13:20:05``

A value without a zone is in the site's timezone. Formatting for display lives
in :mod:`cchcgen.i18n`, because it is language-specific.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .messages import N_, _

ACCEPTED_FORMS = N_("30/01/2023, 30/01/2023 13:20, 2023-01-30 or 2023-01-30T13:20:00+07:00")

_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
)
_VN = re.compile(
    r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
    r"(?:\s+(?P<H>\d{1,2})[:h](?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)


class DateParseError(ValueError):
    """The text is not one of the accepted date forms; ``hint`` says how to fix it."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True, slots=True)
class ParsedDate:
    value: dt.datetime
    """Timezone-aware moment."""
    has_time: bool
    """False when the editor wrote a date only (shown without a time)."""


def _zone(text: str) -> dt.tzinfo:
    if text == "Z":
        return dt.UTC
    sign = 1 if text[0] == "+" else -1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 14 or minutes > 59:
        raise DateParseError(
            _("'{offset}' is not a valid time zone offset").format(offset=text),
            _("write +07:00"),
        )
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def parse_date(text: str, tz: ZoneInfo) -> ParsedDate:
    """Parse one of the accepted forms; raise :class:`DateParseError` otherwise."""
    raw = text.strip()
    match = _ISO.fullmatch(raw)
    is_iso = match is not None
    if match is None:
        match = _VN.fullmatch(raw)
    if match is None:
        hint = _("write it as {forms}").format(forms=_(ACCEPTED_FORMS))
        if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}", raw):
            hint = _("write the year with four digits, e.g. 30/01/2023")
        elif re.fullmatch(r"\d{1,2}[.-]\d{1,2}[.-]\d{4}.*", raw):
            hint = _("separate day, month and year with '/', e.g. 30/01/2023")
        elif re.search(r"(?i)ngày|tháng|năm", raw):
            hint = _("write the date in figures, e.g. 30/01/2023")
        raise DateParseError(_("'{text}' is not a date").format(text=raw), hint)
    groups = match.groupdict()
    year, month, day = int(groups["y"]), int(groups["m"]), int(groups["d"])
    if not 1 <= month <= 12:
        hint = _("dates are written day/month/year, e.g. 30/01/2023")
        if is_iso:
            hint = _("ISO dates are written year-month-day, e.g. 2023-01-30")
        raise DateParseError(_("'{text}' has no month {month}").format(text=raw, month=month), hint)
    try:
        day_value = dt.date(year, month, day)
    except ValueError:
        if day >= 1 and dt.MINYEAR <= year <= dt.MAXYEAR:  # say how long the month is
            message = _("'{text}' is not a real date: month {month} of {year} has only {days} days")
            days = calendar.monthrange(year, month)[1]
        else:
            message = _("'{text}' is not a real date: month {month} of {year} has no day {day}")
            days = 0
        raise DateParseError(
            message.format(text=raw, month=month, year=year, day=day, days=days),
            _("check the day and the month"),
        ) from None
    if year < 1945:
        raise DateParseError(_("'{text}' is before 1945").format(text=raw), _("check the year"))
    has_time = groups["H"] is not None
    hour = int(groups["H"] or 0)
    minute = int(groups["M"] or 0)
    second = int(groups["S"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise DateParseError(
            _("'{text}' has an impossible time of day").format(text=raw),
            _("write the time as 13:20"),
        )
    zone: dt.tzinfo = tz
    if groups.get("tz"):
        zone = _zone(groups["tz"])
    value = dt.datetime(day_value.year, month, day, hour, minute, second, tzinfo=zone)
    if zone is not tz:
        value = value.astimezone(tz)
    return ParsedDate(value, has_time)


def start_of_day(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz)

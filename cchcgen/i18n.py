"""User-visible strings and date formats of the built site, per language.

All strings live in ``locales/<language>.yaml``; templates reach them through
``t("key", ...)``. Dates are formatted here rather than with ``strftime`` or
``setlocale``, which depend on the machine's locales.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any

from .yamlutil import load_trusted

AVAILABLE = ("vi",)


@dataclass(frozen=True)
class Locale:
    code: str
    strings: MappingProxyType[str, Any]

    def t(self, key: str, **values: object) -> str:
        """The string for ``key`` with ``{name}`` placeholders filled in."""
        template = self.strings[key]
        return str(template).format(**values) if values else str(template)

    def weekday(self, moment: dt.date) -> str:
        return str(self.strings["weekdays"][moment.weekday()])

    def date_short(self, moment: dt.date) -> str:
        """``01/03/2022``."""
        return f"{moment.day:02d}/{moment.month:02d}/{moment.year}"

    def date_full(self, moment: dt.datetime | dt.date, with_time: bool = True) -> str:
        """``Thứ Ba, 01/03/2022 13:20`` (or without the time)."""
        text = f"{self.weekday(moment)}, {self.date_short(moment)}"
        if with_time and isinstance(moment, dt.datetime):
            text += f" {moment.hour:02d}:{moment.minute:02d}"
        return text

    def document_date(self, moment: dt.date) -> str:
        """``ngày 30 tháng 01 năm 2023``: NĐ 30/2020 pads days below 10 and months 1 and 2 only."""
        month = f"{moment.month:02d}" if moment.month < 3 else str(moment.month)
        return self.t("document_date", day=f"{moment.day:02d}", month=month, year=moment.year)

    def document_date_partial(self, year: int, month: int | None) -> str:
        """``ngày      tháng 10 năm 2022``: a date published before it was filled in.

        The blanks are runs of no-break spaces, as on the paper document.
        """
        blank = "\u00a0" * 5
        shown = blank if month is None else (f"{month:02d}" if month < 3 else str(month))
        return self.t("document_date", day=blank, month=shown, year=year)

    def undated(self, year: int, month: int | None) -> str:
        """``tháng 10/2022 (chưa ghi ngày)``: a document published before its day was filled in."""
        if month is None:
            return self.t("undated_year", year=year)
        return self.t("undated_month", month=f"{month:02d}", year=year)

    def basis_line(self, line: str) -> str:
        """A basis line as printed: ``Căn cứ`` is added unless the editor wrote the opening."""
        if line.startswith(tuple(self.strings["basis_openers"])):
            return line
        return f"{self.t('basis_prefix')} {line}"

    def number(self, value: float) -> str:
        """``86,45`` (two decimals at most, trailing zeros dropped); ``80`` for a whole number."""
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text.replace(".", self.t("decimal_separator"))

    def working_hours(self, days: tuple[str, ...], sessions: tuple[tuple[str, str], ...]) -> str:
        """``Thứ Hai – Thứ Sáu: 07:00–11:30, 13:30–17:00``."""
        names = [self.t(f"day_{day}") for day in days]
        order = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        positions = [order.index(day) for day in days]
        consecutive = positions == list(range(positions[0], positions[0] + len(positions)))
        span = f"{names[0]} – {names[-1]}" if len(days) > 2 and consecutive else ", ".join(names)
        return f"{span}: " + ", ".join(f"{start}–{end}" for start, end in sessions)

    def file_size(self, size: int) -> str:
        """``2,4 KB`` with the language's decimal separator."""
        if size < 1024:
            return f"{size} B"
        value, unit = size / 1024, "KB"
        for bigger in ("MB", "GB"):
            if value < 1024:
                break
            value, unit = value / 1024, bigger
        return f"{value:.1f} {unit}".replace(".", self.t("decimal_separator"))


def load(code: str) -> Locale:
    """The strings of ``locales/<code>.yaml`` and of every ``locales/<code>/*.yaml`` (a
    section's own strings, kept beside its content type); a key is defined once."""
    folder = resources.files("cchcgen").joinpath("locales")
    files = [folder.joinpath(f"{code}.yaml")]
    sections = folder.joinpath(code)
    if sections.is_dir():
        files += sorted(
            (p for p in sections.iterdir() if p.name.endswith(".yaml")), key=lambda p: p.name
        )
    strings: dict[str, object] = {}
    for file in files:
        found = load_trusted(file.read_text("utf-8"))
        assert isinstance(found, dict), file.name
        twice = sorted(strings.keys() & found.keys())
        if twice:
            raise ValueError(f"locales: {file.name} defines {', '.join(twice)} again")
        strings.update(found)
    return Locale(code, MappingProxyType(strings))

"""Data rows → procedure records, carrying sections and merged cells down the sheet.

A sheet gives the sector by sub-section rows ("I. LĨNH VỰC HỘ TỊCH") as often as by a column,
and cells merged over several rows read as blank below their first row. :class:`RowReader`
keeps what the rows above say and turns each data row into the record a file will hold
(``detail_level: list_only``), with notes on what it could not import.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import dates
from .importcells import (
    Decision,
    Section,
    Skip,
    clean_text,
    is_column_numbers,
    items,
    one_line,
    read_change,
    read_code,
    read_date,
    read_decision,
    read_legal_basis,
    read_levels,
    read_online,
    read_section,
    read_time,
    show,
)
from .importheader import AnnexTitle, Col, Header, match_header
from .messages import _
from .spreadsheet import SheetRow
from .urls import fold, slugify

MAX_CELL = 5000
"""Longer cells are a pasted document or an attack, not a list entry: the row is skipped."""


@dataclass(frozen=True, slots=True)
class ImportOptions:
    site: Path
    file: Path
    today: dt.date
    """source.retrieved of new and updated records: the build's "now" in the site's zone."""
    decision: str | None = None
    decision_date: dt.date | None = None
    overwrite: bool = False
    dry_run: bool = False


class From(enum.Enum):
    """Where the Quyết định công bố of rows that name none, or its date, comes from."""

    DECISION = "--decision"
    DATE = "--date"
    TITLE = "title"


@dataclass(frozen=True, slots=True)
class AnnexDecision:
    """The Quyết định công bố of rows that do not name their own in a column.

    The --decision and --date options override what the annex title says; the title's date
    and issuer belong to the title's decision only.
    """

    decision: Decision | None = None
    number_from: From | None = None
    date_from: From | None = None
    title: AnnexTitle | None = None

    def date_for(self, decision: Decision) -> dt.date | None:
        """The title's date, for a decision cell naming the title's decision without a date."""
        if self.title is not None and self.title.number == decision.number:
            return self.title.date
        return None

    def title_problem(self) -> tuple[int, str, str] | None:
        """(row, message, hint) when the title is what rows without a decision rely on, and it
        leaves the number or the date blank or unreadable: such a title is never guessed."""
        title = self.title
        if title is None:
            return None
        if self.decision is None:
            return (
                title.row,
                _("the annex title names no number for its Quyết định: {text}").format(
                    text=show(title.text, 200)
                ),
                _("write the number in the title, or give it with --decision"),
            )
        if self.decision.date is None and self.decision.number == title.number:
            return (
                title.row,
                _(
                    "the annex title gives no date that can be read for Quyết định {number}: {text}"
                ).format(number=title.number, text=show(title.text, 200)),
                _("write the date in the title (ngày 15 tháng 3 năm 2026), or give it with --date"),
            )
        return None


def annex_decision(options: ImportOptions, title: AnnexTitle | None) -> AnnexDecision:
    """The decision of rows without their own: --decision, else the annex title; dated by
    the text of --decision, else --date, else the title when it names the same decision."""
    given = read_decision(options.decision) if options.decision else None
    if given is not None and given.number:
        base, number_from = given, From.DECISION
    elif title is not None and title.number:
        base, number_from = Decision(title.number, title.date, title.issuer), From.TITLE
    else:
        return AnnexDecision(title=title)
    same = title is not None and title.number == base.number
    day, date_from = None, None
    if given is not None and given.date:
        day, date_from = given.date, From.DECISION
    elif options.decision_date:
        day, date_from = options.decision_date, From.DATE
    elif same and title is not None and title.date:
        day, date_from = title.date, From.TITLE
    issuer = base.issuer or (title.issuer if same and title is not None else "")
    return AnnexDecision(Decision(base.number, day, issuer), number_from, date_from, title)


@dataclass
class _State:
    """What rows above a row say about it: sub-section titles and cells merged downwards."""

    sector: str | None = None
    levels: tuple[str, ...] = ()
    change: str | None = None
    decision: Decision | None = None
    date: dt.date | None = None
    seen: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A row read as a record, with the notes reading it produced."""

    code: str
    record: dict[str, Any]
    notes: tuple[str, ...]


class RowReader:
    """Reads data rows into records, carrying sections and merged cells down the sheet.

    Cells merged over several rows read as blank below their first row (openpyxl's read-only
    mode knows no merges), so the grouping columns Lĩnh vực, Cấp thực hiện and Quyết định
    công bố carry their last value down to blank cells. Other columns never do: a blank fee
    or legal basis means none is given.
    """

    def __init__(
        self, header: Header, options: ImportOptions, annex: AnnexDecision | None = None
    ) -> None:
        self.header = header
        self.options = options
        self.annex = annex or annex_decision(options, None)
        self.state = _State()

    def cell(self, row: SheetRow, col: Col) -> str:
        index = self.header.columns.get(col)
        if index is None or index >= len(row.cells):
            return ""
        return clean_text(row.cells[index])

    def is_noise(self, row: SheetRow) -> bool:
        """Blank rows, "(1) (2)" rows and a header repeated on a new page carry no record."""
        stt = self.header.columns.get(Col.STT)
        if not any(cell.strip() for index, cell in enumerate(row.cells) if index != stt):
            # blank, or a number in STT only (a template numbered in advance); a title such
            # as "I. LĨNH VỰC HỘ TỊCH" merged across the sheet keeps its text in STT's cell
            first = row.cells[stt].strip() if stt is not None and stt < len(row.cells) else ""
            return not first or bool(re.fullmatch(r"\d+\.?", first))
        if is_column_numbers(row.cells):
            return True
        return match_header(self.cell(row, Col.CODE)) is Col.CODE

    def section(self, row: SheetRow) -> Section | None:
        """The sub-section a row opens: one filled cell (a title merged across the sheet
        keeps its text in its first cell), or a Roman numeral or letter in STT and a title."""
        filled = [(i, one_line(clean_text(c))) for i, c in enumerate(row.cells) if c.strip()]
        filled = [(i, text) for i, text in filled if text]
        stt = self.header.columns.get(Col.STT)
        enumerated = False
        if len(filled) == 2 and filled[0][0] == stt:
            enumerated = bool(re.fullmatch(r"[IVXLCDM]+\.?|[A-Z]\.?", filled[0][1]))
            filled = filled[1:] if enumerated else filled
        if len(filled) != 1:
            return None
        index, text = filled[0]
        if index == self.header.columns[Col.CODE] and (
            read_code(text, False).code or " " not in text
        ):
            return None  # a code, or a lone word where a code belongs: a data row
        return read_section(text, enumerated)

    def apply(self, section: Section) -> None:
        if section.sector:
            self.state.sector = section.sector
            return
        self.state.sector = None
        if section.levels:
            self.state.levels = section.levels
        if section.change:
            self.state.change = section.change

    def code(self, row: SheetRow) -> tuple[str, str | None, str | None]:
        """(code, local code, note) of a data row, or :class:`Skip`."""
        text = one_line(self.cell(row, Col.CODE))
        if not text:
            raise Skip(_("missing code"))
        index = self.header.columns[Col.CODE]
        reading = read_code(text, index in row.numeric)
        if reading.code is None:
            raise Skip(reading.problem or _("invalid code"))
        first = self.state.seen.get(reading.code)
        if first is not None:
            raise Skip(_("duplicate code (first on row {row})").format(row=first))
        self.state.seen[reading.code] = row.number
        return reading.code, reading.local_code, reading.note

    def check_lengths(self, row: SheetRow) -> None:
        for col, index in self.header.columns.items():
            if index < len(row.cells) and len(row.cells[index]) > MAX_CELL:
                raise Skip(
                    _(
                        "the '{column}' cell is {length} characters long "
                        "(more than {limit}); shorten it"
                    ).format(
                        column=col.value,
                        length=f"{len(row.cells[index]):,}",
                        limit=f"{MAX_CELL:,}",
                    )
                )

    def record(self, row: SheetRow, code: str, local_code: str | None) -> Candidate:
        notes: list[str] = []
        name = one_line(self.cell(row, Col.NAME))
        if not name:
            raise Skip(_("empty name"))
        sector = self.sector(row)
        levels = self.levels(row, notes)
        decision, day = self.announcement(row)
        change = self.change(row, notes)
        record: dict[str, Any] = {"code": code}
        if local_code:
            record["local_code"] = local_code
        record["name"] = name
        record["sector"] = {"code": slugify(sector), "name": sector}
        record["levels"] = list(levels)
        agencies = items(self.cell(row, Col.AGENCY))
        if agencies:
            record["agencies"] = {"executing": agencies}
        places = items(self.cell(row, Col.PLACE))
        if places:
            record["receiving_addresses"] = places
        methods = self.methods(row, notes)
        if methods:
            record["methods"] = methods
        legal_text = self.cell(row, Col.LEGAL)
        if legal_text:
            documents, unnumbered = read_legal_basis(legal_text)
            if documents:
                record["legal_basis"] = documents
            notes += [
                _(
                    "legal basis {value} has no document number (such as 60/2014/QH13): "
                    "not imported"
                ).format(value=show(item))
                for item in unnumbered
            ]
        online_text = one_line(self.cell(row, Col.ONLINE))
        if online_text:
            online, note = read_online(online_text)
            if online:
                record["online_service"] = online
            if note:
                notes.append(note)
        announcement: dict[str, Any] = {"number": decision.number, "date": _day(day)}
        if decision.issuer:
            announcement["issuer"] = decision.issuer
        announcement["change_type"] = change
        record["announcement"] = announcement
        if change == "abolished":
            record["status"] = "abolished"
        record["detail_level"] = "list_only"
        record["source"] = {
            "name": f"Quyết định công bố {decision.number}",
            "retrieved": _day(self.options.today),
        }
        return Candidate(code, record, tuple(notes))

    def sector(self, row: SheetRow) -> str:
        text = one_line(self.cell(row, Col.SECTOR))
        if text:
            text = re.sub(r"^\s*l\S*nh\s+v\S*c\s*:?\s*", "", text, flags=re.IGNORECASE) or text
            text = text[:1].upper() + text[1:]
            self.state.sector = text
        sector = text or self.state.sector
        if not sector:
            raise Skip(
                _(
                    "no sector (Lĩnh vực): add the column or a sub-section row such as "
                    "'I. LĨNH VỰC HỘ TỊCH' above the row"
                )
            )
        if not slugify(sector):
            raise Skip(
                _("the sector {value} has no letters or digits for its code").format(
                    value=show(sector)
                )
            )
        return sector

    def levels(self, row: SheetRow, notes: list[str]) -> tuple[str, ...]:
        text = self.cell(row, Col.LEVELS)
        if text:
            levels, unknown = read_levels(text)
            if not levels:
                raise Skip(
                    _(
                        "Cấp thực hiện {value} names no level "
                        "(expected Cấp tỉnh, Cấp huyện, Cấp xã or Cấp bộ)"
                    ).format(value=show(text))
                )
            notes += [
                _("ignored {value} in Cấp thực hiện: not a level").format(value=show(part))
                for part in unknown
            ]
            self.state.levels = levels
            return levels
        if self.state.levels:
            return self.state.levels
        for column, label in ((Col.AGENCY, "Cơ quan thực hiện"), (Col.PLACE, "Địa điểm thực hiện")):
            # an annex without the column still says "UBND cấp xã" where the dossier goes
            levels, _unknown = read_levels(self.cell(row, column))
            if levels:
                notes.append(
                    _("level taken from {column}: {levels}").format(
                        column=label, levels=", ".join(levels)
                    )
                )
                return levels
        raise Skip(
            _(
                "no level (Cấp thực hiện): add the column or a sub-section row such as "
                "'THỦ TỤC HÀNH CHÍNH CẤP XÃ' above the row"
            )
        )

    def announcement(self, row: SheetRow) -> tuple[Decision, dt.date]:
        """The Quyết định công bố: a cell (or the one above it) overrides the --decision and
        --date options, which override the annex title."""
        text = self.cell(row, Col.DECISION)
        if text:
            self.state.decision = read_decision(text)
            self.state.date = None
        decision = self.state.decision or self.annex.decision
        if decision is None or not decision.number:
            raise Skip(_("no Quyết định công bố: add a 'Số quyết định' column or give --decision"))
        date_text = self.cell(row, Col.DATE)
        day: dt.date | None = None
        if date_text:
            try:
                day = read_date(date_text)
            except dates.DateParseError as exc:
                raise Skip(
                    _("Ngày công bố {value} is not a date: {hint}").format(
                        value=show(date_text), hint=exc.hint
                    )
                ) from None
            self.state.date = day
        day = (
            day
            or self.state.date
            or decision.date
            or self.options.decision_date
            or self.annex.date_for(decision)
        )
        if day is None:
            raise Skip(
                _(
                    "no date for Quyết định công bố {number}: "
                    "add a 'Ngày công bố' column or give --date"
                ).format(number=decision.number)
            )
        return decision, day

    def change(self, row: SheetRow, notes: list[str]) -> str:
        text = one_line(self.cell(row, Col.CHANGE))
        if text:
            change = read_change(text)
            if change:
                return change
            notes.append(_("unknown Loại thay đổi {value}: used 'new'").format(value=show(text)))
        note_text = one_line(self.cell(row, Col.NOTE))
        change = read_change(note_text) if note_text else None
        return change or self.state.change or "new"

    def methods(self, row: SheetRow, notes: list[str]) -> list[dict[str, Any]]:
        """One ``direct`` method with the time limit and fees of the list.

        The list gives a single time limit and fee per procedure and names the place to
        submit, i.e. in person at the one-stop desk; the online channel's own terms are on the
        national database, not in the list.
        """
        fees: list[dict[str, str]] = []
        for col in (Col.FEES, Col.FEE_LE_PHI, Col.FEE_PHI):
            text = self.cell(row, col)
            if not text:
                continue
            kind = fee_kind(text, col)
            fees.append({"kind": kind, "text": text} if kind else {"text": text})
        time_text = self.cell(row, Col.TIME)
        if not time_text:
            if fees:
                notes.append(_("fee not imported: a method needs its Thời hạn giải quyết"))
            return []
        method: dict[str, Any] = {"channel": "direct", "processing_time": read_time(time_text)}
        if fees:
            method["fees"] = fees
        return [method]


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def fee_kind(text: str, col: Col) -> str | None:
    """le_phi or phi: from the column when it says, else from the text; None if unknown."""
    if col is Col.FEE_PHI:
        return "phi"
    if col is Col.FEE_LE_PHI:
        return "le_phi"
    words = f" {' '.join(re.sub(r'[^a-z0-9]+', ' ', fold(text)).split())} "
    if " le phi " in words:
        return "le_phi"
    if " phi " in words:
        return "phi"
    return None

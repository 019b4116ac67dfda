"""``cchcgen import procedures``: the list annexed to a Quyết định công bố → procedure files.

An office receives, with each Quyết định công bố, a spreadsheet listing the procedures it
announces (STT, Mã TTHC, Tên TTHC, Lĩnh vực, Cấp thực hiện, ...). An import reads the sheet
(:mod:`cchcgen.spreadsheet`), finds its header (:mod:`cchcgen.importheader`), reads each row
into a record (:mod:`cchcgen.importrows`, :mod:`cchcgen.importcells`), and writes
``content/procedures/<code>.yaml``: a new file, or an existing one filled without losing an
editor's work (:mod:`cchcgen.importmerge`).

Nothing here prints: :func:`import_procedures` returns an :class:`ImportReport` and
``cli.py`` shows it.
"""

from __future__ import annotations

import enum
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .importcells import (
    Skip,
    clean_text,
    one_line,
    read_code,
    read_date,
    read_levels,
    read_online,
    show,
)
from .importheader import HEADER_SCAN_ROWS, Col, Header, find_header, match_header, read_title
from .importmerge import merge_text, reads_as
from .importrows import AnnexDecision, Candidate, From, ImportOptions, RowReader, annex_decision
from .messages import N_, _
from .spreadsheet import SheetRow, SpreadsheetError, read_rows
from .yamledit import dump as dump_record

__all__ = [
    "Col",
    "Header",
    "ImportFailed",
    "ImportOptions",
    "ImportReport",
    "Outcome",
    "RowReport",
    "clean_text",
    "import_procedures",
    "match_header",
    "merge_text",
    "read_code",
    "read_date",
    "read_levels",
    "read_online",
]

PROCEDURES_DIR = "content/procedures"

ProgressCallback = Callable[[int, int], None]


class ImportFailed(Exception):
    """The import could not run at all (unreadable file, no header row) or imported nothing;
    ``row`` is the row the problem concerns, if one."""

    def __init__(
        self, path: str, message: str, row: int | None = None, hint: str | None = None
    ) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
        self.row = row
        self.hint = hint


# --- report --------------------------------------------------------------------------------


class Outcome(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"

    @property
    def label(self) -> str:
        """The word the report uses, in the current language."""
        return _(_OUTCOME_LABELS[self])

    def counted(self, count: int) -> str:
        """ "3 created", in the current language."""
        return _(_OUTCOME_COUNTS[self]).format(count=count)


_OUTCOME_LABELS = {
    Outcome.CREATED: N_("created"),
    Outcome.UPDATED: N_("updated"),
    Outcome.UNCHANGED: N_("unchanged"),
    Outcome.SKIPPED: N_("skipped"),
}
_OUTCOME_COUNTS = {
    Outcome.CREATED: N_("{count} created"),
    Outcome.UPDATED: N_("{count} updated"),
    Outcome.UNCHANGED: N_("{count} unchanged"),
    Outcome.SKIPPED: N_("{count} skipped"),
}


@dataclass(frozen=True, slots=True)
class RowReport:
    """What happened to one spreadsheet row."""

    row: int
    code: str | None
    outcome: Outcome
    detail: str = ""
    """For skipped rows the reason; for written ones the file and what was filled."""
    notes: tuple[str, ...] = ()
    """Further lines: fields kept or replaced, values not imported, codes read as numbers."""

    def prefix(self) -> str:
        if self.code:
            return _("row {row} ({code})").format(row=self.row, code=self.code)
        return _("row {row}").format(row=self.row)

    def lines(self) -> list[str]:
        prefix, outcome = self.prefix(), self.outcome.label
        if not self.detail:
            head = _("{row}: {outcome}").format(row=prefix, outcome=outcome)
        elif self.outcome is Outcome.SKIPPED:
            head = _("{row}: {outcome}: {reason}").format(
                row=prefix, outcome=outcome, reason=self.detail
            )
        else:
            head = _("{row}: {outcome} {detail}").format(
                row=prefix, outcome=outcome, detail=self.detail
            )
        return [head] + [_("{row}: {note}").format(row=prefix, note=note) for note in self.notes]


@dataclass(frozen=True, slots=True)
class ImportReport:
    """Everything an import did, in row order, for the CLI to print."""

    file: str
    header_row: int
    rows: tuple[RowReport, ...]
    notes: tuple[str, ...] = ()
    dry_run: bool = False

    def count(self, outcome: Outcome) -> int:
        return sum(1 for row in self.rows if row.outcome is outcome)

    def lines(self) -> list[str]:
        return [*self.notes, *(line for row in self.rows for line in row.lines())]

    def summary(self) -> str:
        counts = ", ".join(o.counted(self.count(o)) for o in Outcome)
        if self.dry_run:
            return _("{file}: {counts} (dry run: no file was written)").format(
                file=self.file, counts=counts
            )
        return _("{file}: {counts}").format(file=self.file, counts=counts)

    def failure(self) -> ImportFailed | None:
        """An import that read no procedure at all failed, whatever it skipped."""
        if len(self.rows) > self.count(Outcome.SKIPPED):
            return None
        if not self.rows:
            return ImportFailed(
                self.file,
                _("there is no procedure below the header row"),
                self.header_row,
                _("check that this is the list of procedures, with one procedure per row"),
            )
        return ImportFailed(
            self.file,
            _("no procedure was imported: every row was skipped"),
            self.header_row,
            _("fix the rows listed above, then import again"),
        )


# --- files ---------------------------------------------------------------------------------


def _write(path: Path, text: str, rel: str) -> None:
    """Write atomically, so an interrupted import never leaves half a record."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:  # a read-only folder
        raise Skip(
            _("cannot write {file} ({reason})").format(file=rel, reason=exc.strerror or exc)
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):  # a full disk
            raise Skip(
                _("cannot write {file} ({reason})").format(file=rel, reason=exc.strerror or exc)
            ) from None
        raise


def _read_existing(path: Path) -> tuple[str, str, bool]:
    """(text with \\n line ends, original line end, had a BOM)."""
    raw = path.read_bytes().decode("utf-8")
    bom = raw.startswith("\ufeff")
    raw = raw.lstrip("\ufeff")
    newline = "\r\n" if "\r\n" in raw else "\n"
    return raw.replace("\r\n", "\n"), newline, bom


def _store(candidate: Candidate, options: ImportOptions) -> tuple[Outcome, str, tuple[str, ...]]:
    rel = f"{PROCEDURES_DIR}/{candidate.code}.yaml"
    path = options.site / PROCEDURES_DIR / f"{candidate.code}.yaml"
    if not path.exists():
        text = dump_record(candidate.record)
        if not reads_as(text, candidate.record):
            raise Skip(_("the record could not be written faithfully as YAML"))
        if not options.dry_run:
            _write(path, text, rel)
        return Outcome.CREATED, rel, ()
    try:
        text, newline, bom = _read_existing(path)
    except UnicodeDecodeError:
        raise Skip(_("{file} is not UTF-8 text; save it as UTF-8 first").format(file=rel)) from None
    except OSError as exc:
        raise Skip(
            _("cannot read {file} ({reason})").format(file=rel, reason=exc.strerror or exc)
        ) from None
    merge = merge_text(text, candidate.record, options.overwrite)
    if not merge.changes:
        return Outcome.UNCHANGED, "", merge.notes
    if not options.dry_run:
        _write(path, ("\ufeff" if bom else "") + merge.text.replace("\n", newline), rel)
    filled = [c.dotted for c in merge.changes if c.is_fill]
    detail = (
        _("{file}: filled {fields}").format(file=rel, fields=", ".join(f"'{p}'" for p in filled))
        if filled
        else rel
    )
    return Outcome.UPDATED, detail, merge.notes


# --- the import ----------------------------------------------------------------------------


def _header_notes(header: Header) -> list[str]:
    notes = [_("header on row {row}").format(row=header.row)]
    if header.ignored:
        notes.append(
            _("ignored columns: {columns}").format(
                columns=", ".join(show(label, 40) for label in header.ignored)
            )
        )
    return notes


def _decision_notes(annex: AnnexDecision, header: Header) -> list[str]:
    """Where the Quyết định công bố of rows without their own comes from, when the annex
    title names one (the options alone need no note: the editor just typed them)."""
    title, decision = annex.title, annex.decision
    if title is None:
        return []
    where = _("the annex title, row {row}").format(row=title.row)
    problem = annex.title_problem()
    if problem is not None:
        return [
            _("{row}: {note}").format(row=_("row {row}").format(row=title.row), note=problem[1])
        ]
    notes: list[str] = []
    if decision is not None and decision.date is not None:
        sources = {From.TITLE: where, From.DECISION: "--decision", From.DATE: "--date"}
        number_from = sources[annex.number_from] if annex.number_from else ""
        date_from = sources[annex.date_from] if annex.date_from else ""
        day = decision.date.strftime("%d/%m/%Y")
        if number_from == date_from:
            note = _("Quyết định công bố {number} of {date}, from {source}").format(
                number=decision.number, date=day, source=number_from
            )
        else:
            note = _(
                "Quyết định công bố {number} from {source}, dated {date} from {date_source}"
            ).format(number=decision.number, source=number_from, date=day, date_source=date_from)
        if Col.DECISION in header.columns:
            note = _("{note}; a decision in the '{column}' column takes precedence").format(
                note=note, column=Col.DECISION.value
            )
        notes.append(note)
    if decision is not None and (decision.number, decision.date) != (title.number, title.date):
        notes.append(
            _(
                "the annex title on row {row} reads {text}: "
                "the --decision and --date options take precedence"
            ).format(row=title.row, text=show(title.text, 200))
        )
    return notes


def import_procedures(
    options: ImportOptions, progress: ProgressCallback | None = None
) -> ImportReport:
    """Read ``options.file`` and write (or, dry-run, plan) one record per valid row.

    Raises :class:`ImportFailed` when the file cannot be read or has no header row; a bad row
    never stops the import, it is reported as skipped.
    """
    shown = str(options.file)
    try:
        rows = list(read_rows(options.file))
    except SpreadsheetError as exc:
        raise ImportFailed(shown, str(exc), exc.row, exc.hint) from None
    header = find_header(rows)
    if header is None:
        raise ImportFailed(
            shown,
            _("no header row with 'Mã TTHC' and 'Tên TTHC' in the first {count} rows").format(
                count=HEADER_SCAN_ROWS
            ),
        )
    annex = annex_decision(options, read_title(rows, header.row))
    problem = annex.title_problem()
    if problem is not None and Col.DECISION not in header.columns:
        raise ImportFailed(shown, problem[1], problem[0], problem[2])
    body = [row for row in rows if row.number > header.row]
    reader = RowReader(header, options, annex)
    reports: list[RowReport] = []
    for done, row in enumerate(body, start=1):
        report = _import_row(reader, row, options)
        if report is not None:
            reports.append(report)
        if progress is not None:
            progress(done, len(body))
    notes = _header_notes(header) + _decision_notes(annex, header)
    return ImportReport(shown, header.row, tuple(reports), tuple(notes), options.dry_run)


def _import_row(reader: RowReader, row: SheetRow, options: ImportOptions) -> RowReport | None:
    if reader.is_noise(row):
        return None
    section = reader.section(row)
    if section is not None:
        reader.apply(section)
        return None
    code_text = one_line(reader.cell(row, Col.CODE))[:30] or None
    try:
        code, local_code, note = reader.code(row)
    except Skip as skip:
        return RowReport(row.number, code_text, Outcome.SKIPPED, str(skip))
    try:
        reader.check_lengths(row)
        candidate = reader.record(row, code, local_code)
        outcome, detail, notes = _store(candidate, options)
    except Skip as skip:
        return RowReport(row.number, code, Outcome.SKIPPED, str(skip), (note,) if note else ())
    all_notes = ((note,) if note else ()) + candidate.notes + notes
    return RowReport(row.number, code, outcome, detail, all_notes)

"""A spreadsheet (.xlsx or .csv) as rows of text; the only module importing openpyxl and csv.

The importer wants one thing from a file: its rows, as text, with the row number an editor sees
in Excel, so that a report can say "row 7". Everything format-specific stays here:

* **.xlsx** is read with openpyxl in read-only mode (constant memory on large annexes) and
  ``data_only=True`` (the values Excel last computed, never formulas). A number is turned into
  the text the editor saw, using the cell's number format (``0.000000`` keeps the zeros of
  ``1.001200``); the row also says which cells were numbers, because a procedure code typed as
  a number may have lost its zeros and only the importer knows which column holds codes.
  Read-only mode does not know merged cells: a merged cell's value is in its first cell and the
  others read as empty, which is what a title row merged across the sheet needs.
* **.csv** is decoded as UTF-8 (with or without BOM), UTF-16 when it has a UTF-16 BOM ("Unicode
  text" from Excel), else Windows-1258, the Vietnamese ANSI code page of older Excel versions.
  The delimiter (comma, semicolon or tab) is the one that splits the first rows most evenly.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import unreadable
from .messages import _

SUFFIXES = (".xlsx", ".csv")
_DELIMITERS = (",", ";", "\t")
_SAMPLE_ROWS = 50

# Limits, so that no file makes an import run for minutes or fill the memory. The largest
# real annex, ~2,000 procedures x 15 columns with long legal bases, is a sheet of ~4.6 MB of
# XML compressed 8:1 (24:1 when every row repeats the same text), ~3 MB as .csv.
MAX_XLSX_BYTES = 100_000_000
"""Uncompressed size of all the parts of an .xlsx, as its archive declares them (Python's
zipfile never inflates a part beyond its declared size)."""
MAX_RATIO = 100
"""Uncompressed : compressed, for parts above RATIO_FROM bytes (a zip bomb is ~1,000:1)."""
RATIO_FROM = 1_000_000
MAX_ELEMENTS = 1_000_000
"""XML elements in all the parts. openpyxl builds a Python object for each (and reads a whole
sheet when it does not state its size), ~5 s per million; 20,000 rows of 15 cells are
~900,000, the 2,000-procedure annex ~90,000."""
MAX_CSV_BYTES = 20_000_000
MAX_ROWS = 20_000
MAX_COLUMNS = 200
"""Columns holding a value; empty formatted cells further right do not count."""
MAX_CELL_CHARS = 32_767
"""Excel's own limit for one cell."""


class SpreadsheetError(Exception):
    """The file cannot be read as a spreadsheet; ``str()`` is one line for the editor,
    ``row`` the row it concerns (if one) and ``hint`` how to fix it (if known)."""

    def __init__(self, message: str, row: int | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.row = row
        self.hint = hint


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One row of the sheet, every cell as text (empty cells are "")."""

    number: int
    """1-based row number, as Excel shows it (for .csv: the record number)."""
    cells: tuple[str, ...]
    numeric: frozenset[int] = frozenset()
    """0-based indexes of cells stored as numbers (.xlsx only)."""


def read_rows(path: Path) -> Iterator[SheetRow]:
    """Yield the rows of ``path``; raise :class:`SpreadsheetError` when it cannot be read."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise SpreadsheetError(
            _("cannot read Excel 97-2003 .xls files; open it in Excel and save it as .xlsx or .csv")
        )
    if suffix not in SUFFIXES:
        raise SpreadsheetError(
            _("unknown file type '{suffix}': give a .xlsx or .csv file").format(suffix=path.suffix)
        )
    if not path.is_file():
        raise SpreadsheetError(_("no such file") if not path.exists() else _("not a file"))
    rows = _csv_rows(path) if suffix == ".csv" else _xlsx_rows(path)
    return _checked(rows)


def _checked(rows: Iterator[SheetRow]) -> Iterator[SheetRow]:
    """The rows, stopping at the first that goes beyond a limit."""
    for row in rows:
        if row.number > MAX_ROWS:
            raise SpreadsheetError(
                _("the sheet has more than {limit} rows").format(limit=f"{MAX_ROWS:,}"),
                row.number,
                _("split the list into several files, or delete the empty rows at its end"),
            )
        used = [index for index, cell in enumerate(row.cells) if cell]
        if used and used[-1] >= MAX_COLUMNS:
            raise SpreadsheetError(
                _("this row has a value in column {column}; the limit is {limit}").format(
                    column=used[-1] + 1, limit=MAX_COLUMNS
                ),
                row.number,
                _("delete the columns that are not part of the list"),
            )
        for index in used:
            if len(row.cells[index]) > MAX_CELL_CHARS:
                raise SpreadsheetError(
                    _(
                        "the cell in column {column} holds {length} characters; "
                        "a spreadsheet cell holds at most {limit}"
                    ).format(
                        column=index + 1,
                        length=f"{len(row.cells[index]):,}",
                        limit=f"{MAX_CELL_CHARS:,}",
                    ),
                    row.number,
                    _("check that the file is the list of procedures and was saved correctly"),
                )
        yield row


# --- xlsx ----------------------------------------------------------------------------------


# What a damaged .xlsx raises while openpyxl reads it: a broken archive or compressed stream,
# an encrypted part or an unknown compression (RuntimeError, NotImplementedError), a missing
# part, malformed XML (ElementTree's and lxml's errors are SyntaxErrors).
_BROKEN_XLSX = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    RuntimeError,
    NotImplementedError,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    AttributeError,
    SyntaxError,
)


def _xlsx_rows(path: Path) -> Iterator[SheetRow]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        check_archive(path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's style warnings mean nothing to editors
            book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, *_BROKEN_XLSX) as exc:
        raise _unreadable_xlsx(exc) from None
    return _xlsx_iter(book)


def _unreadable_xlsx(exc: BaseException) -> SpreadsheetError:
    if isinstance(exc, OSError) and exc.strerror:
        return _unreadable(exc)
    return SpreadsheetError(
        _("not a readable .xlsx file ({reason})").format(reason=_one_line(exc)),
        hint=_("open it in Excel and save it again as .xlsx (or as CSV UTF-8)"),
    )


def check_archive(path: Path) -> None:
    """Refuse an .xlsx beyond the limits before openpyxl reads it: first by the sizes its
    archive declares, then by counting the elements of its XML parts."""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
        _check_sizes(parts)
        elements = 0
        for part in parts:
            if part.filename.lower().endswith((".xml", ".rels", ".vml")):
                elements += _count_elements(archive, part, MAX_ELEMENTS - elements)
                if elements > MAX_ELEMENTS:
                    raise SpreadsheetError(
                        _(
                            "the workbook holds more than {limit} cells, rows and other "
                            "XML elements; a list of procedures holds far fewer"
                        ).format(limit=f"{MAX_ELEMENTS:,}"),
                        hint=_(
                            "keep only the list of procedures in the workbook, "
                            "or split it into files"
                        ),
                    )


_START_TAG = re.compile(rb"<[A-Za-z_]")


def _count_elements(archive: zipfile.ZipFile, part: zipfile.ZipInfo, limit: int) -> int:
    """Start tags in ``part``, counted up to just past ``limit``, without parsing it."""
    count = 0
    tail = b""
    with archive.open(part) as stream:
        while count <= limit and (chunk := stream.read(1 << 20)):
            data = tail + chunk
            cut = data.rfind(b"<")  # a tag never spans a '<': count up to the last one
            if cut < 0:
                data, tail = b"", b""
            else:
                data, tail = data[:cut], data[cut:]
            count += len(_START_TAG.findall(data))
    return count + len(_START_TAG.findall(tail))


def _check_sizes(parts: list[zipfile.ZipInfo]) -> None:
    total = sum(part.file_size for part in parts)
    if total > MAX_XLSX_BYTES:
        raise SpreadsheetError(
            _("the workbook expands to {size} MB; the limit is {limit} MB").format(
                size=f"{total / 1e6:,.0f}", limit=MAX_XLSX_BYTES // 1_000_000
            ),
            hint=_("keep only the list of procedures in the workbook, or split it into files"),
        )
    for part in parts:
        ratio = part.file_size / max(1, part.compress_size)
        if part.file_size > RATIO_FROM and ratio > MAX_RATIO:
            raise SpreadsheetError(
                _(
                    "the part {part} expands {ratio} times; a real workbook "
                    "expands at most {limit} times"
                ).format(part=part.filename, ratio=f"{ratio:,.0f}", limit=MAX_RATIO),
                hint=_("this file is not a normal workbook; ask for the list again"),
            )


def _xlsx_iter(book: Any) -> Iterator[SheetRow]:
    """Rows of the active sheet (the one Excel opens on)."""
    try:
        sheet = book.active
        if sheet is None:
            raise SpreadsheetError(_("the workbook has no sheet"))
        # Some programs write a wrong size ("A1") into the file; read what is really there.
        sheet.reset_dimensions()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for number, row in enumerate(sheet.iter_rows(), start=1):
                yield _xlsx_row(number, row)
    except SpreadsheetError:
        raise
    except _BROKEN_XLSX as exc:
        raise _unreadable_xlsx(exc) from None
    finally:
        book.close()


def _xlsx_row(number: int, row: Any) -> SheetRow:
    cells: list[str] = []
    numeric: set[int] = set()
    for index, cell in enumerate(row):
        value = cell.value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            numeric.add(index)
        cells.append(cell_text(value, getattr(cell, "number_format", "General")))
    return SheetRow(number, tuple(cells), frozenset(numeric))


def cell_text(value: object, number_format: str = "General") -> str:
    """The text an editor sees in a cell, for the values openpyxl returns."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value, number_format)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


def _number_text(value: float, number_format: str) -> str:
    """Format a float with the decimals its number format shows, else as briefly as exact."""
    decimals = format_decimals(number_format)
    if decimals is not None:
        return f"{value:.{decimals}f}"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(value)
    if "e" in text or "E" in text:
        text = f"{value:.15f}".rstrip("0").rstrip(".")
    return text


def format_decimals(number_format: str) -> int | None:
    """Decimal places of a plain number format (``0.000000`` → 6, ``#,##0`` → 0).

    None for General, text, percent, scientific and date formats, where the shortest exact
    representation is the honest answer.
    """
    section = number_format.split(";", 1)[0]
    section = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.', "", section)
    if not section or section.lower() == "general" or re.search(r"[%eE@dmyhs]", section):
        return None
    if not re.fullmatch(r"[#0,]*0[#0,]*(\.[0#]*)?", section.strip()):
        return None
    if "." not in section:
        return 0
    return section.split(".", 1)[1].count("0") + section.split(".", 1)[1].count("#")


def _unreadable(exc: OSError) -> SpreadsheetError:
    problem = unreadable("", exc)
    return SpreadsheetError(problem.message, hint=problem.hint)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


# --- csv -----------------------------------------------------------------------------------


def decode(raw: bytes) -> str:
    """Bytes of a .csv file to text: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1258."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise SpreadsheetError(_("the file starts like UTF-16 text but is not")) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            _(
                "the file is neither UTF-8 nor Windows-1258 text (byte {byte}); "
                "save it from Excel as 'CSV UTF-8'"
            ).format(byte=exc.start + 1)
        ) from None


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first rows into the same number (> 1) of cells most often.

    csv.Sniffer guesses from character frequencies and is easily fooled by commas inside
    Vietnamese text ("Phí, lệ phí"); consistency of the column count is a sturdier signal.
    """
    best, best_score = ",", (False, 0, 0)
    for delimiter in _DELIMITERS:
        counts: Counter[int] = Counter()
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for index, row in enumerate(reader):
                if index >= _SAMPLE_ROWS:
                    break
                if any(cell.strip() for cell in row):
                    counts[len(row)] += 1
        except csv.Error:
            continue
        if not counts:
            continue
        width, frequency = max(counts.items(), key=lambda item: (item[1], item[0]))
        score = (width > 1, frequency, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(path: Path) -> Iterator[SheetRow]:
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise SpreadsheetError(
                _("the file is {size} MB; the limit is {limit} MB").format(
                    size=f"{size / 1e6:,.0f}", limit=MAX_CSV_BYTES // 1_000_000
                ),
                hint=_("keep only the list of procedures in the file, or split it into files"),
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise _unreadable(exc) from None
    if b"\x00" in raw[:4096] and not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SpreadsheetError(_("this is not a text .csv file (it contains binary data)"))
    text = decode(raw)
    delimiter = sniff_delimiter(text)
    return _csv_iter(text, delimiter)


def _csv_iter(text: str, delimiter: str) -> Iterator[SheetRow]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, row in enumerate(reader, start=1):  # noqa: B007 - used in the error
            yield SheetRow(number, tuple(row))
    except csv.Error as exc:
        raise SpreadsheetError(
            _("row {row}: {reason}").format(row=number + 1, reason=_one_line(exc))
        ) from None

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
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUFFIXES = (".xlsx", ".csv")
_DELIMITERS = (",", ";", "\t")
_SAMPLE_ROWS = 50


class SpreadsheetError(Exception):
    """The file cannot be read as a spreadsheet; ``str()`` is one line for the editor."""


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
            "cannot read Excel 97-2003 .xls files; open it in Excel and save it as .xlsx or .csv"
        )
    if suffix not in SUFFIXES:
        raise SpreadsheetError(f"unknown file type '{path.suffix}': give a .xlsx or .csv file")
    if not path.is_file():
        raise SpreadsheetError("no such file" if not path.exists() else "not a file")
    if suffix == ".csv":
        return _csv_rows(path)
    return _xlsx_rows(path)


# --- xlsx ----------------------------------------------------------------------------------


def _xlsx_rows(path: Path) -> Iterator[SheetRow]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's style warnings mean nothing to editors
            book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise SpreadsheetError(f"not a readable .xlsx file ({_one_line(exc)})") from None
    return _xlsx_iter(book)


def _xlsx_iter(book: Any) -> Iterator[SheetRow]:
    """Rows of the active sheet (the one Excel opens on)."""
    try:
        sheet = book.active
        if sheet is None:
            raise SpreadsheetError("the workbook has no sheet")
        # Some programs write a wrong size ("A1") into the file; read what is really there.
        sheet.reset_dimensions()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for number, row in enumerate(sheet.iter_rows(), start=1):
                yield _xlsx_row(number, row)
    except SpreadsheetError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, AttributeError) as exc:
        raise SpreadsheetError(f"not a readable .xlsx file ({_one_line(exc)})") from None
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
            raise SpreadsheetError("the file starts like UTF-16 text but is not") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            f"the file is neither UTF-8 nor Windows-1258 text (byte {exc.start + 1}); "
            "save it from Excel as 'CSV UTF-8'"
        ) from None


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first rows into the same number (> 1) of cells most often.

    csv.Sniffer guesses from character frequencies and is easily fooled by commas inside
    Vietnamese text ("Phí, lệ phí"); consistency of the column count is a sturdier signal.
    """
    best, best_score = ",", (False, 0, 0)
    for delimiter in _DELIMITERS:
        counts = Counter()
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
        raw = path.read_bytes()
    except OSError as exc:
        raise SpreadsheetError(f"cannot read the file ({exc.strerror or exc})") from None
    if b"\x00" in raw[:4096] and not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SpreadsheetError("this is not a text .csv file (it contains binary data)")
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
        raise SpreadsheetError(f"row {number + 1}: {_one_line(exc)}") from None

"""The header row of a list of procedures: which column holds what, and the annex's title.

Every office's copy looks a little different: headers with or without diacritics, broken over
lines, in any order, under a merged title row. The first row naming both the code and the
name column is the header. The title rows above it usually say which Quyết định công bố the
list is annexed to: "(Ban hành kèm theo Quyết định số 1234/QĐ-UBND ngày 15/3/2026 của ...)".
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from . import dates
from .importcells import DOC_NUMBER, clean_text, one_line, read_date
from .spreadsheet import SheetRow
from .urls import fold

HEADER_SCAN_ROWS = 30


class Col(enum.Enum):
    """A column we understand; the value is the label used in messages."""

    STT = "STT"
    CODE = "Mã TTHC"
    NAME = "Tên TTHC"
    SECTOR = "Lĩnh vực"
    LEVELS = "Cấp thực hiện"
    TIME = "Thời hạn giải quyết"
    FEES = "Phí, lệ phí"
    FEE_PHI = "Phí"
    FEE_LE_PHI = "Lệ phí"
    LEGAL = "Căn cứ pháp lý"
    DECISION = "Quyết định công bố"
    DATE = "Ngày công bố"
    AGENCY = "Cơ quan thực hiện"
    PLACE = "Địa điểm thực hiện"
    ONLINE = "Mức độ DVCTT"
    CHANGE = "Loại thay đổi"
    NOTE = "Ghi chú"


# Folded header texts (see normalise_header). Aliases of two words or more also match a
# longer header that starts with them ("thoi han giai quyet theo quy dinh"); one-word ones
# and those in _EXACT_ONLY must match the whole header, since "ma" or "phi" alone would
# otherwise capture "Mã hồ sơ" or "Phí thẩm định".
_ALIASES: dict[Col, tuple[str, ...]] = {
    Col.STT: ("stt", "tt", "so tt", "so thu tu"),
    Col.CODE: (
        "ma",
        "ma so",
        "ma tthc",
        "ma so tthc",
        "ma thu tuc",
        "ma so thu tuc",
        "ma thu tuc hanh chinh",
        "ma so thu tuc hanh chinh",
    ),
    Col.NAME: (
        "ten",
        "ten tthc",
        "ten thu tuc",
        "ten thu tuc hanh chinh",
        "thu tuc",
        "thu tuc hanh chinh",
    ),
    Col.SECTOR: ("linh vuc",),
    Col.LEVELS: ("cap", "cap thuc hien", "cap giai quyet", "cap co tham quyen"),
    Col.TIME: ("thoi han", "thoi han giai quyet", "thoi gian giai quyet"),
    Col.FEES: ("phi le phi", "le phi phi", "phi va le phi", "le phi va phi"),
    Col.FEE_PHI: ("phi",),
    Col.FEE_LE_PHI: ("le phi",),
    Col.LEGAL: ("can cu", "can cu phap ly", "van ban quy dinh"),
    Col.DECISION: (
        "quyet dinh",
        "quyet dinh cong bo",
        "so quyet dinh",
        "so qd",
        "qd cong bo",
        "so quyet dinh cong bo",
        "so ky hieu quyet dinh",
    ),
    Col.DATE: ("ngay", "ngay cong bo", "ngay ban hanh", "ngay quyet dinh", "ngay qd"),
    Col.AGENCY: ("co quan thuc hien", "co quan giai quyet", "don vi thuc hien"),
    Col.PLACE: ("dia diem thuc hien", "dia diem tiep nhan", "noi tiep nhan", "dia chi tiep nhan"),
    Col.ONLINE: (
        "muc do",
        "dvctt",
        "muc do dvctt",
        "muc do dvc",
        "dvc truc tuyen",
        "dich vu cong truc tuyen",
        "muc do dich vu cong truc tuyen",
        "muc do cung cap",
        "muc do cung cap dich vu cong truc tuyen",
    ),
    Col.CHANGE: ("loai thay doi", "hinh thuc cong bo", "loai cong bo", "noi dung thay doi"),
    Col.NOTE: ("ghi chu",),
}
_EXACT_ONLY = frozenset({"ma so", "thu tuc", "thu tuc hanh chinh", "quyet dinh", "muc do"})
_EXACT: dict[str, Col] = {alias: col for col, aliases in _ALIASES.items() for alias in aliases}
_PREFIXES: tuple[tuple[str, Col], ...] = tuple(
    sorted(
        (
            (alias, col)
            for alias, col in _EXACT.items()
            if " " in alias and alias not in _EXACT_ONLY
        ),
        key=lambda item: -len(item[0]),
    )
)


def normalise_header(text: str) -> str:
    """Header text for matching: folded (no diacritics, lower case), brackets and punctuation
    removed, whitespace collapsed. "Mã số\\nTTHC (2)" → "ma so tthc"."""
    text = fold(unicodedata.normalize("NFC", text))
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def match_header(text: str) -> Col | None:
    """The column a header cell names, or None."""
    key = normalise_header(text)
    if not key:
        return None
    if key in _EXACT:
        return _EXACT[key]
    for alias, col in _PREFIXES:
        if key.startswith(alias + " "):
            return col
    return None


@dataclass(frozen=True, slots=True)
class Header:
    """Where the header row is and which column holds what."""

    row: int
    columns: dict[Col, int]
    ignored: tuple[str, ...]
    """Headers of non-empty columns we did not recognise, for the report."""


def find_header(rows: Sequence[SheetRow]) -> Header | None:
    """The first row (of the first 30) that names both the code and the name column."""
    for row in rows[:HEADER_SCAN_ROWS]:
        columns: dict[Col, int] = {}
        ignored: list[str] = []
        for index, cell in enumerate(row.cells):
            col = match_header(cell)
            if col is not None and col not in columns:
                columns[col] = index
            elif cell.strip():
                ignored.append(one_line(clean_text(cell)))
        if Col.CODE in columns and Col.NAME in columns:
            return Header(row.number, columns, tuple(ignored))
    return None


# --- the annex title -----------------------------------------------------------------------

# On folded text (see _fold): "Ban hành kèm theo Quyết định", "Kèm theo QĐ", "Công bố theo ..."
_TITLE_START = re.compile(r"\b(?:kem|ban hanh|cong bo)\s+theo\s+(?:quyet\s+dinh|qd)\b")
_TITLE_DATE = re.compile(
    r"\bngay\s+(\d{1,2})\s*(?:[/.-]|thang)\s*(\d{1,2})\s*(?:[/.-]|nam)\s*(\d{4})\b"
)
_TITLE_ISSUER = re.compile(r"\bcua\b")
_TITLE_SUBJECT = re.compile(r"\s(?:ve viec|v/v)\s")
"""Where the issuer ends: "... của UBND tỉnh về việc công bố danh mục ..."."""
# a row continues the line above when one of them breaks inside the sentence
_CONTINUES = re.compile(r"^\W*(?:so|ngay|thang|nam|cua|quyet\s+dinh|qd)\b|^\W*\d")
_DANGLES = re.compile(r"\b(?:so|ngay|thang|nam|cua|quyet\s+dinh|qd|theo)\W*$")
TITLE_ROWS = 3
"""The title's sentence is read over at most this many rows (Excel wraps it, or an editor
types it over two rows)."""


@dataclass(frozen=True, slots=True)
class AnnexTitle:
    """What the annex's title says about its Quyết định công bố; None where it says nothing
    readable (a number or a date left blank in a draft: "số     /QĐ-UBND ngày … tháng 3")."""

    row: int
    """The row the sentence starts on."""
    text: str
    """The sentence as written, for reports."""
    number: str | None
    date: dt.date | None
    issuer: str = ""


def _fold(text: str) -> str:
    """Folded text of the same length, so that a match's span also cuts the original."""
    return "".join(folded if len(folded := fold(char)) == 1 else char.lower() for char in text)


def _row_text(row: SheetRow) -> str:
    """A title row's text: merged cells keep their value in the first cell, others are empty."""
    return one_line(" ".join(clean_text(cell) for cell in row.cells if cell.strip()))


def read_title(rows: Sequence[SheetRow], header_row: int) -> AnnexTitle | None:
    """The "(Ban hành kèm theo Quyết định số ... ngày ... của ...)" sentence of the rows above
    the header, or None when they have none."""
    lines = [
        (row.number, text)
        for row in rows[:HEADER_SCAN_ROWS]
        if row.number < header_row and (text := _row_text(row))
    ]
    for index, (number, first) in enumerate(lines):
        match = _TITLE_START.search(_fold(first))
        if match is None:  # the sentence may break right after "kèm theo"
            joined = " ".join(text for _row, text in lines[index : index + 2])
            match = _TITLE_START.search(_fold(joined))
            if match is None or match.start() >= len(first):
                continue
        text = _sentence([text for _row, text in lines[index : index + TITLE_ROWS]], match.start())
        return _read_sentence(number, text)
    return None


def _sentence(texts: list[str], start: int) -> str:
    """The title's sentence, from the bracket opened before ``start`` (or the row's start) to
    the closing one, over the rows it is broken across."""
    first = texts[0]
    bracket = first.rfind("(", 0, start)
    if bracket >= 0 and ")" in first[bracket:start]:
        bracket = -1  # an earlier bracket, closed before the sentence
    text = first[bracket:] if bracket >= 0 else first
    for following in texts[1:]:
        if bracket >= 0:
            if ")" in text:
                break
        elif not (_DANGLES.search(_fold(text)) or _CONTINUES.match(_fold(following))):
            break
        text = f"{text} {following}"
    if bracket >= 0 and ")" in text:
        text = text[: text.index(")") + 1]
    return text


def _read_sentence(row: int, text: str) -> AnnexTitle:
    folded = _fold(text)
    start = _TITLE_START.search(folded)
    body_start = start.end() if start else 0
    issuer_at = _TITLE_ISSUER.search(folded, body_start)
    body_end = issuer_at.start() if issuer_at else len(text)
    number_match = DOC_NUMBER.search(text, body_start, body_end)
    day: dt.date | None = None
    date_match = _TITLE_DATE.search(folded, body_start, body_end)
    if date_match:
        try:
            day = read_date("/".join(date_match.groups()))
        except dates.DateParseError:
            day = None
    issuer = ""
    if issuer_at:
        subject = _TITLE_SUBJECT.search(folded, issuer_at.end())
        issuer = text[issuer_at.end() : subject.start() if subject else len(text)]
        issuer = issuer.strip(" .,;:()…")
    return AnnexTitle(
        row, text, number_match.group(1) if number_match else None, day, one_line(issuer)
    )

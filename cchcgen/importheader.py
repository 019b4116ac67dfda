"""The header row of a list of procedures: which column holds what.

Every office's copy looks a little different: headers with or without diacritics, broken over
lines, in any order, under a merged title row. The first row naming both the code and the
name column is the header.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .importcells import clean_text, one_line
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

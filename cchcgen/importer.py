"""``cchcgen import procedures``: the list annexed to a Quyết định công bố → procedure files.

An office receives, with each Quyết định công bố, a spreadsheet listing the procedures it
announces (STT, Mã TTHC, Tên TTHC, Lĩnh vực, Cấp thực hiện, ...). Every office's copy looks
a little different: headers with or without diacritics, broken over lines, in any order, under
a merged title row, followed by a row of column numbers "(1) (2) (3)", and with the sector
given by sub-section rows ("I. LĨNH VỰC HỘ TỊCH") instead of a column. This module turns such
a sheet into ``content/procedures/<code>.yaml`` records with ``detail_level: list_only``.

Two promises shape it:

* **Never lose an editor's work.** A record that already exists is only *filled*: missing or
  empty fields get the spreadsheet's value; a field whose value differs is kept and reported
  ("kept 'name' as edited"), unless ``overwrite`` is set, which replaces it and says so. The
  file's own text (comments, key order, quoting) is edited in place; only a nested value that
  spans several lines and must be replaced makes us rewrite the whole file, and the report says
  so. Every edit is checked by reading the new text back before it is written.
* **Spreadsheet text is untrusted.** Cells are normalised to NFC, control and invisible format
  characters are dropped, whitespace is collapsed, absurdly long cells skip their row. HTML is
  kept as the text it is: the site escapes it on output, and deleting "tags" would corrupt
  legitimate text such as "<5 ngày".

Nothing here prints: :func:`import_procedures` returns an :class:`ImportReport` and
``cli.py`` shows it. Spreadsheet formats live in :mod:`cchcgen.spreadsheet`.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from . import dates
from .errors import Collector
from .messages import N_, _
from .spreadsheet import SheetRow, SpreadsheetError, read_rows
from .urls import fold, slugify
from .yamlutil import MappingNode, Node, ScalarNode, SequenceNode, YamlSource, compose, is_null

PROCEDURES_DIR = "content/procedures"
MAX_CELL = 5000
"""Longer cells are a pasted document or an attack, not a list entry: the row is skipped."""
HEADER_SCAN_ROWS = 30
CODE_RE = re.compile(r"[1-3]\.\d{6}")
LOCAL_CODE_RE = re.compile(r"[1-3]\.\d{6}(?:\.\d{3}\.\d{2}\.\d{2}\.H\d{2}|\.H\d{2})?")
LEVEL_ORDER = ("bo", "tinh", "huyen", "xa", "khac")
_DATE_ZONE = ZoneInfo("UTC")
"""Dates here are calendar days; any zone gives the same day."""

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


# --- columns -------------------------------------------------------------------------------


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


# --- text ----------------------------------------------------------------------------------

_LINE_BREAKS = "\n\x0b\x0c\x85\u2028\u2029"
_DROPPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def clean_text(text: str) -> str:
    """Untrusted cell text → NFC text without control or invisible characters.

    Line breaks are kept (a fee or a legal basis often lists one item per line); each line has
    its whitespace collapsed, and blank lines are dropped. Excel's escaped carriage return
    ``_x000D_`` is removed.
    """
    text = text.replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    kept: list[str] = []
    for char in text:
        if char in _LINE_BREAKS:
            kept.append("\n")
        elif char == "\t" or char.isspace():
            kept.append(" ")
        elif unicodedata.category(char) not in _DROPPED:
            kept.append(char)
    lines = (" ".join(line.split()) for line in "".join(kept).split("\n"))
    return unicodedata.normalize("NFC", "\n".join(line for line in lines if line))


def one_line(text: str) -> str:
    return " ".join(text.split())


def _items(text: str) -> list[str]:
    """A cell listing several things, one per line or separated by ';', without bullets."""
    parts = (re.sub(r"^[-+•*–]\s*", "", part.strip()) for part in re.split(r"[\n;]", text))
    return [one_line(part).rstrip(".,") for part in parts if part.strip(" -+•*–.,")]


def _show(value: object, limit: int = 80) -> str:
    """A value for a report line: quoted text, cut to ``limit`` characters."""
    if isinstance(value, str):
        text = one_line(value)
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = ", ".join(value)
    elif isinstance(value, dict) and all(isinstance(v, (str, int)) for v in value.values()):
        text = ", ".join(f"{key}: {item}" for key, item in value.items())
    else:
        text = json.dumps(value, ensure_ascii=False)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


# --- cell meanings -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CodeReading:
    code: str | None
    local_code: str | None = None
    problem: str | None = None
    note: str | None = None


def read_code(text: str, numeric: bool) -> CodeReading:
    """The procedure code in a cell, or why it is not one.

    A code typed as a number comes back from Excel without its final zeros (1.001200 becomes
    1.0012), and a CSV saved on a Vietnamese system may write it with a decimal comma. When
    six decimals are there the code is certain; with fewer we cannot tell which code was meant,
    so the row is skipped with a request to type it as text.
    """
    value = text.strip().lstrip("'").replace(" ", "")
    if LOCAL_CODE_RE.fullmatch(value):
        note = None
        if numeric:
            note = _(
                "the code is stored as a number in the spreadsheet; read as "
                "{code}: format the column as text so that no zero is lost"
            ).format(code=value)
        return CodeReading(value[:8], value if len(value) > 8 else None, note=note)
    if re.fullmatch(r"[1-3],\d{6}", value):
        fixed = value.replace(",", ".")
        return CodeReading(
            fixed,
            note=_("read the code '{typed}' (decimal comma) as {code}").format(
                typed=value, code=fixed
            ),
        )
    if re.fullmatch(r"[1-3][.,]\d{1,5}", value) or (
        numeric and re.fullmatch(r"\d+([.,]\d+)?", value)
    ):
        return CodeReading(
            None,
            problem=_(
                "code looks like a number ({value}) and may have lost zeros at the end; "
                "type it as text"
            ).format(value=value),
        )
    return CodeReading(None, problem=_("invalid code format (expected a code such as 1.001193)"))


_LEVEL_WORDS: tuple[tuple[str, str], ...] = (
    ("thanh pho thuoc tinh", "huyen"),
    ("thanh pho truc thuoc trung uong", "tinh"),
    ("trung uong", "bo"),
    ("thi xa", "huyen"),
    ("thi tran", "xa"),
    ("huyen", "huyen"),
    ("quan", "huyen"),
    ("xa", "xa"),
    ("phuong", "xa"),
    ("tinh", "tinh"),
    ("bo", "bo"),
    ("nganh", "bo"),
    ("khac", "khac"),
)


def read_levels(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Levels named in a cell ("Cấp tỉnh, cấp huyện" → tinh, huyen) and the other parts."""
    found: set[str] = set()
    unknown: list[str] = []
    original_parts = re.split(r"[,;/\n+&]| và | hoặc | - ", text, flags=re.IGNORECASE)
    for original in original_parts:
        words = f" {' '.join(re.sub(r'[^a-z0-9]+', ' ', fold(original)).split())} "
        words = words.replace(" co quan ", " ")  # "cơ quan khác" is not a "quận"
        if not words.strip():
            continue
        for phrase, level in _LEVEL_WORDS:
            if f" {phrase} " in words:
                found.add(level)
                break
        else:
            unknown.append(one_line(original))
    return tuple(level for level in LEVEL_ORDER if level in found), tuple(unknown)


_CHANGE_WORDS: tuple[tuple[str, str], ...] = (
    ("bai bo", "abolished"),
    ("huy bo", "abolished"),
    ("sua doi", "amended"),
    ("bo sung", "amended"),
    ("thay the", "replaced"),
    ("moi ban hanh", "new"),
    ("ban hanh moi", "new"),
    ("moi", "new"),
)


def read_change(text: str) -> str | None:
    """The kind of change a text names ("Sửa đổi, bổ sung" → amended), or None."""
    words = f" {' '.join(re.sub(r'[^a-z0-9]+', ' ', fold(text)).split())} "
    for phrase, change in _CHANGE_WORDS:
        if f" {phrase} " in words:
            return change
    return None


def read_online(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """Mức độ DVCTT → an ``online_service`` mapping, or a note saying why it is left out.

    NĐ 42/2022 speaks of toàn trình / một phần; older lists give the NĐ 43/2011 "mức độ" 1–4,
    kept as ``legacy_level`` (4 meant the whole procedure online, 3 part of it, 1–2 no online
    submission). "Một phần" needs a reason the list does not give, so it is not imported.
    """
    folded = " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())
    digits = re.fullmatch(r"(?:muc do |muc |dvc muc do |dvc muc )?([1-4])", folded)
    legacy = int(digits.group(1)) if digits else None
    if "toan trinh" in folded or legacy == 4:
        level = "toan_trinh"
    elif "mot phan" in folded or legacy == 3:
        return None, _(
            "online service {value} is offered only in part, which needs a reason "
            "(online_service.partial_reason) the list does not give: add online_service by hand"
        ).format(value=_show(text))
    elif folded.startswith("khong") or legacy in (1, 2):
        level = "khong"
    else:
        return None, _("unknown online service level {value}: left out").format(value=_show(text))
    result: dict[str, Any] = {"level": level}
    if legacy is not None:
        result["legacy_level"] = legacy
    return result, None


_DOC_NUMBER = re.compile(r"(?<![\w/])(\d{1,5}/(?:\d{4}/)?[A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ0-9]+)*)")
_DATE_IN_TEXT = re.compile(
    r"ngày\s+(\d{1,2})\s*(?:[/.-]|tháng)\s*(\d{1,2})\s*(?:[/.-]|năm)\s*(\d{4})", re.IGNORECASE
)


def read_date(text: str) -> dt.date:
    """A date as typed in a sheet (30/01/2023, 30.01.2023, ngày 30 tháng 01 năm 2023, ...)."""
    value = one_line(text)
    match = _DATE_IN_TEXT.search(value if value.lower().startswith("ngày") else f"ngày {value}")
    if match:
        value = f"{match.group(1)}/{match.group(2)}/{match.group(3)}"
    parsed = dates.parse_date(value, _DATE_ZONE)
    if parsed.has_time and parsed.value.time() != dt.time(0, 0):
        raise dates.DateParseError(
            _("'{text}' has a time").format(text=text), _("write only the day, e.g. 15/03/2024")
        )
    return parsed.value.date()


@dataclass(frozen=True, slots=True)
class Decision:
    """A Quyết định công bố: number, and the date and issuer when its text gives them."""

    number: str
    date: dt.date | None = None
    issuer: str = ""


def read_decision(text: str) -> Decision:
    """Number, date and issuer of "Quyết định số 2215/QĐ-UBND ngày 15/3/2024 của ..."."""
    value = one_line(text)
    match = _DOC_NUMBER.search(value)
    number = match.group(1) if match else value
    day = None
    found = _DATE_IN_TEXT.search(value)
    if found:
        try:
            day = read_date(found.group(0))
        except dates.DateParseError:
            day = None
    issuer = ""
    if match and " của " in value:
        issuer = value.split(" của ", 1)[1].strip(" .,;")
    return Decision(number, day, issuer)


def read_legal_basis(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """Căn cứ pháp lý → ``legal_basis`` items, plus the items without a document number.

    The number (60/2014/QH13) is required by the schema; the title is the item's text without
    the number and the date, and the date after "ngày" becomes ``issued``.
    """
    documents: list[dict[str, str]] = []
    unnumbered: list[str] = []
    for item in _items(text):
        match = _DOC_NUMBER.search(item)
        if not match:
            unnumbered.append(item)
            continue
        document: dict[str, str] = {"number": match.group(1)}
        before = re.sub(r"\s*\bsố\s*$", "", item[: match.start()], flags=re.IGNORECASE)
        rest = before + " " + item[match.end() :]
        issued = None
        date_match = _DATE_IN_TEXT.search(rest)
        if date_match:
            try:
                issued = read_date(date_match.group(0))
            except dates.DateParseError:
                issued = None
            else:
                rest = rest[: date_match.start()] + " " + rest[date_match.end() :]
        title = one_line(rest).strip(" ,;:-")
        if title:
            document["title"] = title
        if issued:
            document["issued"] = issued.strftime("%d/%m/%Y")
        documents.append(document)
    return documents, unnumbered


def read_time(text: str) -> dict[str, Any]:
    """Thời hạn giải quyết → ``processing_time``: the text verbatim, and value and unit only
    when the whole text is one plain figure ("03 ngày làm việc")."""
    result: dict[str, Any] = {"text": text}
    folded = " ".join(fold(text).split())
    match = re.fullmatch(r"(\d{1,3}) (ngay lam viec|ngay|gio|gio lam viec)", folded)
    if match:
        result["value"] = int(match.group(1))
        result["unit"] = {"ngay lam viec": "working_day", "ngay": "day"}.get(match.group(2), "hour")
    return result


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


# --- sections ------------------------------------------------------------------------------

_ENUMERATOR = re.compile(
    r"^\s*(?:(?:phần|PHẦN|Phần)\s+)?(?:[IVXLCDM]+|[A-Za-z]|\d+(?:\.\d+)*)\s*[.):]\s*"
)
_GROUP_STARTS = ("thu tuc", "tthc", "danh muc", "phan ")
_LEVEL_NAMES = {
    "bo": "(?:bo|trung uong)",
    "tinh": "tinh",
    "huyen": "huyen",
    "xa": "xa",
    "khac": "khac",
}


@dataclass(frozen=True, slots=True)
class Section:
    """What a sub-section row sets for the rows below it."""

    sector: str | None = None
    levels: tuple[str, ...] = ()
    change: str | None = None


def read_section(text: str, enumerated: bool) -> Section | None:
    """A sub-section title ("I. LĨNH VỰC HỘ TỊCH", "A. THỦ TỤC HÀNH CHÍNH CẤP XÃ") or None.

    A title of a group of procedures names its kind of change or level; any other title names
    a sector. Only a row that looks like a title counts (numbered, in capitals or starting with
    "Lĩnh vực"), so a data row that lost its code is still reported as such.
    """
    body = _ENUMERATOR.sub("", text, count=1) if _ENUMERATOR.match(text) else text
    numbered = enumerated or body != text
    folded = " ".join(re.sub(r"[^a-z0-9]+", " ", fold(body)).split())
    letters = [c for c in body if c.isalpha()]
    if not letters:
        return None
    capitals = all(c.isupper() for c in letters)
    if not (numbered or capitals or folded.startswith("linh vuc")):
        return None
    if not folded.startswith("linh vuc"):
        change = read_change(body) if folded.startswith(_GROUP_STARTS) else None
        levels = tuple(
            level for level in LEVEL_ORDER if re.search(rf"\bcap {_LEVEL_NAMES[level]}\b", folded)
        )
        if change or levels:
            return Section(None, levels, change)
        if not numbered and folded.startswith(_GROUP_STARTS):
            return None  # "THỦ TỤC ĐĂNG KÝ ..." in capitals: a procedure without its code
    name = re.sub(r"^\s*l\S*nh\s+v\S*c\s*:?\s*", "", body, flags=re.IGNORECASE).strip(" .:-")
    if not name:
        return None
    if capitals:
        name = name.lower()
    return Section(sector=name[:1].upper() + name[1:])


def _is_column_numbers(cells: Sequence[str]) -> bool:
    """The "(1) (2) (3)" row printed under a header."""
    values = [cell.strip() for cell in cells if cell.strip()]
    return len(values) >= 2 and all(re.fullmatch(r"\(?\d{1,2}\)?\.?", v) for v in values)


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


# --- rows → records ------------------------------------------------------------------------


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


class Skip(Exception):
    """A row cannot become a record; the message is the report's reason."""


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

    def __init__(self, header: Header, options: ImportOptions) -> None:
        self.header = header
        self.options = options
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
        if _is_column_numbers(row.cells):
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
        agencies = _items(self.cell(row, Col.AGENCY))
        if agencies:
            record["agencies"] = {"executing": agencies}
        places = _items(self.cell(row, Col.PLACE))
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
                ).format(value=_show(item))
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
                    value=_show(sector)
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
                    ).format(value=_show(text))
                )
            notes += [
                _("ignored {value} in Cấp thực hiện: not a level").format(value=_show(part))
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
        """The Quyết định công bố: a cell overrides the --decision and --date options."""
        text = self.cell(row, Col.DECISION)
        if text:
            self.state.decision = read_decision(text)
            self.state.date = None
        decision = self.state.decision
        if decision is None and self.options.decision:
            decision = read_decision(self.options.decision)
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
                        value=_show(date_text), hint=exc.hint
                    )
                ) from None
            self.state.date = day
        day = day or self.state.date or decision.date or self.options.decision_date
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
            notes.append(_("unknown Loại thay đổi {value}: used 'new'").format(value=_show(text)))
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


# --- YAML text -----------------------------------------------------------------------------


class _Plain(str):
    """Text written without quotes in an existing file; rewritten the same way if we must."""

    __slots__ = ()


_SAFE_PLAIN = re.compile(r"[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*|\d{1,2}/\d{1,2}/\d{4}|0|[1-9]\d{0,9}")
_KEPT_PLAIN = re.compile(r"[\w.+][\w./+-]*")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def _scalar(value: object) -> str:
    """One scalar, in flow or block context: plain when unambiguous, else double-quoted.

    A JSON string is a valid YAML double-quoted scalar, so quoting can never let a cell's
    text break out of its value.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if isinstance(value, _Plain) and _KEPT_PLAIN.fullmatch(text):
        return text
    if _SAFE_PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def _inline(value: object) -> bool:
    return not isinstance(value, (dict, list)) and "\n" not in str(value or "")


def _after_key(value: object, indent: int) -> str:
    """What follows ``key:`` for a key at column ``indent``: " value" or a nested block."""
    if isinstance(value, dict):
        return " {}" if not value else "\n" + _mapping_text(value, indent + 2)
    if isinstance(value, list):
        if not value:
            return " []"
        if all(_inline(item) for item in value):
            flow = "[" + ", ".join(_scalar(item) for item in value) + "]"
            if indent + len(flow) < 90:
                return " " + flow
        return "\n" + _sequence_text(value, indent + 2)
    if value is None:
        return ""
    text = str(value)
    if "\n" in text and not text.startswith(" ") and not text.endswith("\n"):
        pad = " " * (indent + 2)
        return " |-\n" + "\n".join(pad + line if line else "" for line in text.split("\n"))
    return " " + _scalar(value)


def _mapping_text(data: dict[str, Any], indent: int) -> str:
    return "\n".join(f"{' ' * indent}{key}:{_after_key(v, indent)}" for key, v in data.items())


def _sequence_text(items: list[Any], indent: int) -> str:
    lines = []
    for item in items:
        if isinstance(item, dict) and item:
            lines.append(" " * indent + "- " + _mapping_text(item, indent + 2)[indent + 2 :])
        elif isinstance(item, list) and item:
            lines.append(" " * indent + "-\n" + _sequence_text(item, indent + 2))
        else:
            lines.append(" " * indent + "-" + _after_key(item, indent))
    return "\n".join(lines)


def dump_record(record: dict[str, Any]) -> str:
    """A whole record as block YAML, in the order given, ending with a newline."""
    return _mapping_text(record, 0) + "\n"


def _plain_tree(node: Node) -> Any:
    """A YAML node as text, lists and dicts, every scalar read as text like the validator."""
    if isinstance(node, MappingNode):
        return {
            str(key.value): _plain_tree(value)
            for key, value in node.value
            if isinstance(key, ScalarNode)
        }
    if isinstance(node, SequenceNode):
        return [_plain_tree(item) for item in node.value]
    if is_null(node):
        return None
    assert isinstance(node, ScalarNode)  # the third kind of node
    value = node.value
    if node.style is None:
        return _Plain(value.strip())
    if node.style in ("|", ">"):
        return value.rstrip("\n")
    return value


def _parse(text: str) -> tuple[MappingNode | None, Any, str | None]:
    """(root node, plain tree, error) of a procedure file's text."""
    diags = Collector()
    root = compose(text, YamlSource("file"), diags)
    if diags.items:
        first = diags.items[0]
        return (
            None,
            None,
            _("line {line}: {message}").format(line=first.line, message=first.message),
        )
    if root is None:
        return None, {}, None
    if not isinstance(root, MappingNode):
        return None, None, _("it is not a block of 'key: value' lines")
    return root, _plain_tree(root), None


# --- merging into an existing file ---------------------------------------------------------

FieldPath = tuple[str, ...]

_LEAVES: tuple[FieldPath, ...] = (
    ("code",),
    ("local_code",),
    ("name",),
    ("sector", "code"),
    ("sector", "name"),
    ("levels",),
    ("agencies", "executing"),
    ("receiving_addresses",),
    ("methods",),
    ("legal_basis",),
    ("online_service", "level"),
    ("online_service", "legacy_level"),
    ("announcement", "number"),
    ("announcement", "date"),
    ("announcement", "issuer"),
    ("announcement", "change_type"),
    ("status",),
    ("source", "name"),
    ("source", "retrieved"),
)
"""The fields an import fills or compares, each on its own. ``detail_level`` is not among them:
a file without it is a full record, which an import must never turn into a list entry."""
_DEFAULTS: dict[FieldPath, str] = {("status",): "active", ("announcement", "change_type"): "new"}
_DATES = frozenset({("announcement", "date"), ("source", "retrieved")})
_MISSING = object()


def _lookup(tree: dict[str, Any], path: FieldPath) -> Any:
    """The value at ``path``; _MISSING when absent. A non-mapping parent is returned as is."""
    value: Any = tree
    for depth, key in enumerate(path):
        if not isinstance(value, dict):
            return value if depth and not _empty(value) else _MISSING
        if key not in value:
            return _MISSING
        value = value[key]
    return value


def _empty(value: Any) -> bool:
    if value is None or value is _MISSING:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict)):
        return not value
    return False


def _normal(value: Any, path: FieldPath) -> Any:
    """A value in the form used to compare the file with the spreadsheet."""
    if path in _DATES and isinstance(value, str):
        try:
            return dates.parse_date(value, _DATE_ZONE).value.date()
        except dates.DateParseError:
            return one_line(value)
    if path == ("levels",):
        items = value if isinstance(value, list) else [value]
        return sorted({one_line(str(v)) for v in items if v is not None})
    if isinstance(value, dict):
        return {k: _normal(v, (*path, k)) for k, v in value.items() if not _empty(v)}
    if isinstance(value, list):
        return [_normal(v, ()) for v in value]
    if value is None:
        return ""
    return unicodedata.normalize("NFC", one_line(str(value)))


@dataclass(frozen=True, slots=True)
class Change:
    path: FieldPath
    value: Any
    old: Any
    """The file's value (_MISSING or empty for a fill)."""

    @property
    def is_fill(self) -> bool:
        return _empty(self.old)

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


def _compare(path: FieldPath, old: Any, new: Any, overwrite: bool) -> tuple[Change | None, str]:
    """The change (if any) and report note for one field of an existing record."""
    if _empty(old):
        if path in _DEFAULTS and _normal(_DEFAULTS[path], path) == _normal(new, path):
            return None, ""  # "status: active" need not be written down
        return Change(path, new, old), ""
    if _normal(old, path) == _normal(new, path):
        return None, ""
    dotted = ".".join(path)
    if overwrite:
        return Change(path, new, old), _("replaced '{field}' (was: {value})").format(
            field=dotted, value=_show(old)
        )
    return None, _("kept '{field}' as edited (spreadsheet: {value})").format(
        field=dotted, value=_show(new)
    )


def plan_changes(
    tree: dict[str, Any], record: dict[str, Any], overwrite: bool
) -> tuple[list[Change], list[str]]:
    """The fields to write into an existing record, and the report notes on kept fields.

    The announcement is one unit when the file names another Quyết định công bố: mixing the
    file's number with the spreadsheet's date or kind of change would describe neither.
    """
    changes: list[Change] = []
    notes: list[str] = []
    leaves = list(_LEAVES)
    number = ("announcement", "number")
    if not _empty(_lookup(tree, number)) and _normal(_lookup(tree, number), number) != _normal(
        _lookup(record, number), number
    ):
        leaves = [path for path in leaves if path[0] != "announcement"]
        leaves.insert(0, ("announcement",))
    for path in leaves:
        new = _lookup(record, path)
        if new is _MISSING or path == ("source", "retrieved"):
            continue
        change, note = _compare(path, _lookup(tree, path), new, overwrite)
        if change:
            changes.append(change)
        if note:
            notes.append(note)
    retrieved = ("source", "retrieved")
    new = _lookup(record, retrieved)
    if new is _MISSING:
        return changes, notes
    old = _lookup(tree, retrieved)
    source_is_mapping = isinstance(tree.get("source"), dict) or _empty(tree.get("source"))
    if _empty(old) and source_is_mapping:
        changes.append(Change(retrieved, new, old))
    elif changes and source_is_mapping and _normal(old, retrieved) != _normal(new, retrieved):
        # The import has just compared the record with its source: the date says so. A record
        # the import leaves alone keeps its date, so that a second run changes no byte.
        changes.append(Change(retrieved, new, old))
    return changes, notes


def _apply_to_tree(tree: dict[str, Any], changes: Iterable[Change]) -> dict[str, Any]:
    """The plain tree the file should read as after ``changes``."""
    result = json.loads(json.dumps(tree))  # a deep copy without the _Plain marks
    for change in changes:
        target = result
        for key in change.path[:-1]:
            if not isinstance(target.get(key), dict):
                target[key] = {}
            target = target[key]
        target[change.path[-1]] = json.loads(json.dumps(change.value))
    return result


def _comparable(tree: Any) -> Any:
    """A tree with every scalar as text, as a file read back gives it."""
    if isinstance(tree, dict):
        return {str(k): _comparable(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_comparable(v) for v in tree]
    if tree is None:
        return None
    if isinstance(tree, bool):
        return "true" if tree else "false"
    return str(tree)


class _NeedsRewrite(Exception):
    """A change the text editor cannot make in place."""


class _TextEditor:
    """Edits a YAML text in place: the value of a key, a key added to a block mapping.

    Works on the composed nodes' character positions, so comments, key order and quoting of
    everything else stay as the editor wrote them. What it cannot do exactly (add a key to a
    flow mapping ``{...}``, say) raises :class:`_NeedsRewrite`; whatever it does is read back
    and compared by the caller before anything is written.
    """

    def __init__(self, text: str, root: MappingNode) -> None:
        self.text = text
        self.root = root
        self.edits: list[tuple[int, int, int, str]] = []
        self.appended: dict[str, Any] = {}
        self.parents: dict[str, tuple[ScalarNode, Node, dict[str, Any]]] = {}

    @staticmethod
    def entry(mapping: MappingNode, key: str) -> tuple[ScalarNode, Node] | None:
        for key_node, value in mapping.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return key_node, value
        return None

    def value_end(self, node: Node) -> int:
        """Where a value's own text ends (before a trailing comment or line break)."""
        if isinstance(node, ScalarNode):
            end = node.end_mark.index
            if node.style in ("|", ">"):
                while end > node.start_mark.index and self.text[end - 1] in "\n ":
                    end -= 1
            return end
        assert isinstance(node, MappingNode | SequenceNode)
        if node.flow_style or not node.value:
            return node.end_mark.index
        last = node.value[-1]
        return self.value_end(last[1] if isinstance(node, MappingNode) else last)

    def edit(self, start: int, end: int, replacement: str) -> None:
        self.edits.append((start, end, len(self.edits), replacement))

    def replace(self, key_node: ScalarNode, value: Node, new: Any) -> None:
        colon = self.text.index(":", key_node.end_mark.index) + 1
        self.edit(colon, self.value_end(value), _after_key(new, key_node.start_mark.column))

    def add_key(self, mapping: MappingNode, key: str, new: Any) -> None:
        if mapping.flow_style or not mapping.value:
            raise _NeedsRewrite
        column = mapping.value[0][0].start_mark.column
        end = self.value_end(mapping.value[-1][1])
        line_end = self.text.find("\n", end)
        position = len(self.text) if line_end < 0 else line_end
        self.edit(position, position, f"\n{' ' * column}{key}:{_after_key(new, column)}")

    def set(self, path: FieldPath, new: Any) -> None:
        top = self.entry(self.root, path[0])
        if top is None:
            if len(path) == 1:
                self.appended[path[0]] = new
            else:
                self.appended.setdefault(path[0], {})[path[1]] = new
            return
        key_node, value = top
        if len(path) == 1:
            self.replace(key_node, value, new)
        elif not isinstance(value, MappingNode):
            # an empty or odd parent ("announcement: ''"): written once, as a new block
            self.parents.setdefault(path[0], (key_node, value, {}))[2][path[1]] = new
        elif (child := self.entry(value, path[1])) is None:
            self.add_key(value, path[1], new)
        else:
            self.replace(child[0], child[1], new)

    def result(self) -> str:
        for key_node, value, block in self.parents.values():
            self.replace(key_node, value, block)
        text = self.text
        for start, end, _order, replacement in sorted(self.edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        if self.appended:
            if text and not text.endswith("\n"):
                text += "\n"
            text += dump_record(self.appended)
        return text


def _leading_comments(text: str) -> str:
    """The comment lines at the top of a file, kept when the rest must be rewritten."""
    lines: list[str] = []
    for line in text.split("\n"):
        if line.startswith("#") or (not line.strip() and lines):
            lines.append(line)
        else:
            break
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def _reads_as(text: str, expected: Any) -> bool:
    _root, tree, problem = _parse(text)
    return problem is None and _comparable(tree) == _comparable(expected)


@dataclass(frozen=True, slots=True)
class Merge:
    """The new text of an existing file and what the report says about it."""

    text: str
    changes: tuple[Change, ...]
    notes: tuple[str, ...]


def merge_text(text: str, record: dict[str, Any], overwrite: bool) -> Merge:
    """Fill (and with ``overwrite`` replace) fields of an existing record's text.

    Raises :class:`Skip` when the file cannot be read as YAML: the editor must fix it first.
    """
    root, tree, error = _parse(text)
    if error is not None:
        raise Skip(
            _("the existing file is not valid YAML ({problem}); fix it first").format(problem=error)
        )
    tree = tree or {}
    changes, notes = plan_changes(tree, record, overwrite)
    if not changes:
        return Merge(text, (), tuple(notes))
    expected = _apply_to_tree(tree, changes)
    if root is None:  # an empty file, perhaps with comments
        return Merge(_leading_comments(text) + dump_record(expected), tuple(changes), tuple(notes))
    editor = _TextEditor(text, root)
    try:
        for change in changes:
            editor.set(change.path, change.value)
        edited: str | None = editor.result()
    except _NeedsRewrite:
        edited = None
    if edited is not None and _reads_as(edited, expected):
        return Merge(edited, tuple(changes), tuple(notes))
    if not overwrite:
        fills = ", ".join(f"'{c.dotted}'" for c in changes)
        notes.append(
            _(
                "could not fill {fields} without rewriting the file; "
                "fill it by hand or run the import with --overwrite"
            ).format(fields=fills)
        )
        return Merge(text, (), tuple(notes))
    rewritten = _leading_comments(text) + dump_record(expected)
    if not _reads_as(rewritten, expected):
        raise Skip(_("the record could not be written back faithfully; edit it by hand"))
    replaced = [c.dotted for c in changes if not c.is_fill]
    if replaced:
        notes.append(
            _(
                "rewrote the whole file to replace {fields}: its comments and layout were not kept"
            ).format(fields=", ".join(f"'{p}'" for p in replaced))
        )
    else:
        notes.append(_("rewrote the whole file to fill it: its comments and layout were not kept"))
    return Merge(rewritten, tuple(changes), tuple(notes))


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
        if not _reads_as(text, candidate.record):
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
                columns=", ".join(_show(label, 40) for label in header.ignored)
            )
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
    body = [row for row in rows if row.number > header.row]
    reader = RowReader(header, options)
    reports: list[RowReport] = []
    for done, row in enumerate(body, start=1):
        report = _import_row(reader, row, options)
        if report is not None:
            reports.append(report)
        if progress is not None:
            progress(done, len(body))
    return ImportReport(
        shown, header.row, tuple(reports), tuple(_header_notes(header)), options.dry_run
    )


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

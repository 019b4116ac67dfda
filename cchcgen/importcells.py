"""What one spreadsheet cell means: cleaned text, a code, levels, dates, a decision, a section.

Spreadsheet text is untrusted. Cells are normalised to NFC, control and invisible format
characters are dropped, whitespace is collapsed. HTML is kept as the text it is: the site
escapes it on output, and deleting "tags" would corrupt legitimate text such as "<5 ngày".
Each reader here looks at one cell; :mod:`cchcgen.importrows` puts a row's cells together.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from . import dates
from .messages import _
from .urls import fold

CODE_RE = re.compile(r"[1-3]\.\d{6}")
LOCAL_CODE_RE = re.compile(r"[1-3]\.\d{6}(?:\.\d{3}\.\d{2}\.\d{2}\.H\d{2}|\.H\d{2})?")
LEVEL_ORDER = ("bo", "tinh", "huyen", "xa", "khac")
DATE_ZONE = ZoneInfo("UTC")
"""Dates here are calendar days; any zone gives the same day."""


class Skip(Exception):
    """A row cannot become a record; the message is the report's reason."""


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


def items(text: str) -> list[str]:
    """A cell listing several things, one per line or separated by ';', without bullets."""
    parts = (re.sub(r"^[-+•*–]\s*", "", part.strip()) for part in re.split(r"[\n;]", text))
    return [one_line(part).rstrip(".,") for part in parts if part.strip(" -+•*–.,")]


def show(value: object, limit: int = 80) -> str:
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
        ).format(value=show(text))
    elif folded.startswith("khong") or legacy in (1, 2):
        level = "khong"
    else:
        return None, _("unknown online service level {value}: left out").format(value=show(text))
    result: dict[str, Any] = {"level": level}
    if legacy is not None:
        result["legacy_level"] = legacy
    return result, None


DOC_NUMBER = re.compile(r"(?<![\w/])(\d{1,5}/(?:\d{4}/)?[A-ZĐ][A-ZĐ0-9]*(?:-[A-ZĐ0-9]+)*)")
_DATE_IN_TEXT = re.compile(
    r"ngày\s+(\d{1,2})\s*(?:[/.-]|tháng)\s*(\d{1,2})\s*(?:[/.-]|năm)\s*(\d{4})", re.IGNORECASE
)


def read_date(text: str) -> dt.date:
    """A date as typed in a sheet (30/01/2023, 30.01.2023, ngày 30 tháng 01 năm 2023, ...)."""
    value = one_line(text)
    match = _DATE_IN_TEXT.search(value if value.lower().startswith("ngày") else f"ngày {value}")
    if match:
        value = f"{match.group(1)}/{match.group(2)}/{match.group(3)}"
    parsed = dates.parse_date(value, DATE_ZONE)
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
    match = DOC_NUMBER.search(value)
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
    for item in items(text):
        match = DOC_NUMBER.search(item)
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


def is_column_numbers(cells: Sequence[str]) -> bool:
    """The "(1) (2) (3)" row printed under a header."""
    values = [cell.strip() for cell in cells if cell.strip()]
    return len(values) >= 2 and all(re.fullmatch(r"\(?\d{1,2}\)?\.?", v) for v in values)

"""The layout of an official document (NĐ 30/2020/NĐ-CP, Phụ lục I) read from its blocks.

The header table (issuing agency | national motto; "Số: 13/KH-UBND" | place and date),
the type and title (or "V/v" under the number of a công văn), the basis lines, then the
body, the table of "Nơi nhận" and the signer, and what follows it (the appendices). What is
recognised becomes front matter with the keys of ``content/plans/*.md``; everything else
stays in the body, in order.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from .docxfile import Block, Para, Table
from .kinds.plan import DOC_TYPES
from .messages import N_

_TYPE_BY_NAME = {name: code for code, name in DOC_TYPES.items() if name}
_NUMBER = re.compile(r"Số\s*:?\s*(\d*)\s*/\s*([^\s,;]+)", re.I)
_DATE = re.compile(
    r"(?P<place>[^,]+?)\s*,\s*ngày\s*(?P<day>\d{1,2})?\s*tháng\s*(?P<month>\d{1,2})?"
    r"\s*năm\s*(?P<year>\d{4})",
    re.I,
)
_MOTTO = re.compile(r"(CỘNG HÒA|CỘNG HOÀ|Độc lập)", re.I)
_SUBJECT = re.compile(r"\s*V/v\s*:?\s*(.*)", re.I)
_BASIS = re.compile(r"(Căn cứ|Thực hiện|Theo|Xét)\b")
_AUTHORITY = re.compile(r"(TM|KT|Q|TL|TUQ)\.\s*(.+)")
_RECIPIENTS = re.compile(r"\s*Nơi nhận\s*:?\s*", re.I)
_ARCHIVE = re.compile(r"\s*Lưu\s*:?\s*(.*?)[\s.;]*", re.I)
_SIGNED = re.compile(r"\(?\s*(đã ký|đã ký và đóng dấu|ký)\s*\)?\.?", re.I)


class LayoutUnknown(Exception):
    """The document does not have the layout cchcgen reads; messages as for DocxRefused."""

    def __init__(self, message: str, hint: str, paragraph: int, **values: object) -> None:
        super().__init__(message)
        self.message, self.hint, self.paragraph, self.values = message, hint, paragraph, values


@dataclass(slots=True)
class Layout:
    front: dict[str, Any]
    """The front matter, in the order of the keys of a plan file."""
    body: list[Block]
    notes: list[tuple[int, str, str]] = field(default_factory=list)
    """(paragraph, message, text) of what was read differently from the paper."""


def _lines(cell_paras: tuple[Para, ...]) -> list[Para]:
    return [p for p in cell_paras if re.search(r"\w", p.text)]


def _column(table: Table, index: int) -> list[Para]:
    found: list[Para] = []
    for row in table.rows:
        if len(row) > index:
            found.extend(_lines(row[index].paras))
    return found


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def read_layout(blocks: tuple[Block, ...]) -> Layout:
    """The front matter and the body's blocks of a document laid out by NĐ 30/2020."""
    if not blocks or not isinstance(blocks[0], Table) or len(blocks[0].rows[0]) < 2:
        first = blocks[0].number if blocks else 1
        raise LayoutUnknown(
            N_(
                "the document does not start with the header table of NĐ 30/2020 (the issuing "
                "agency and 'Số:' on the left, the national motto and the date on the right)"
            ),  # fmt: skip
            N_(
                "put the header in a two-column table without borders, as the official "
                "template does, or write the page as Markdown with `cchcgen new plan`"
            ),  # fmt: skip
            first,
        )
    front: dict[str, Any] = {}
    layout = Layout(front, [])
    subject = _header(blocks[0], layout)
    rest = list(blocks[1:])
    rest = _skip_empty(rest)
    doc_type, title, rest = _type_and_title(rest, subject, blocks[0].number)
    front_ordered: dict[str, Any] = {"doc_type": doc_type}
    front_ordered.update(front)
    front_ordered["title"] = title
    rest = _skip_empty(rest)
    authority, basis, rest = _basis(rest)
    if authority:
        front_ordered["issuing_authority"] = authority
    if basis:
        front_ordered["basis"] = basis
    signer_at = _signer_table(rest)
    if signer_at is None:
        layout.body = rest
        layout.front = front_ordered
        return layout
    signer_table = rest[signer_at]
    assert isinstance(signer_table, Table)
    recipients, archive, signer = _signer(signer_table, layout)
    if signer:
        front_ordered["signer"] = signer
    if recipients:
        front_ordered["recipients"] = recipients
    if archive:
        front_ordered["archive"] = archive
    layout.front = front_ordered
    layout.body = rest[:signer_at] + rest[signer_at + 1 :]
    return layout


def _skip_empty(blocks: list[Block]) -> list[Block]:
    while blocks and isinstance(blocks[0], Para) and not blocks[0].text.strip():
        blocks = blocks[1:]
    return blocks


def _header(table: Table, layout: Layout) -> str:
    """Fills issuer, number, symbol, place and issued_date; returns a công văn's subject."""
    front = layout.front
    left, right = _column(table, 0), _column(table, 1)
    issuer: list[Para] = []
    subject: list[str] = []
    for para in left:
        text = _clean(para.text)
        number = _NUMBER.match(text)
        found_subject = _SUBJECT.match(text)
        if number:
            front["number"] = number.group(1)
            front["symbol"] = number.group(2)
        elif found_subject and "symbol" in front:
            subject.append(found_subject.group(1))
        elif subject:
            subject.append(text)
        elif "symbol" not in front:
            issuer.append(para)
        else:
            layout.notes.append((para.number, N_("a line of the header is not imported"), text))
    if "symbol" not in front:
        raise LayoutUnknown(
            N_("the header has no line 'Số: .../...' under the issuing agency"),
            N_(
                "write the number and symbol as on paper, e.g. 'Số: 13/KH-UBND', or "
                "'Số:    /KH-UBND' before it is numbered"
            ),  # fmt: skip
            table.number,
        )
    bold = [p for p in issuer if p.bold]
    if bold and len(bold) < len(issuer):
        parent = [p for p in issuer if not p.bold]
        names = bold
    else:
        parent, names = issuer[:1] if len(issuer) > 1 else [], issuer[1:] or issuer
    front["issuer"] = {
        "parent": _clean(" ".join(p.text for p in parent)),
        "name": _clean(" ".join(p.text for p in names)),
    }
    for para in right:
        text = _clean(para.text)
        date = _DATE.match(text)
        if date:
            front["place"] = date.group("place")
            front["issued_date"] = _issued(date)
        elif not _MOTTO.match(text):
            layout.notes.append((para.number, N_("a line of the header is not imported"), text))
    if "issued_date" not in front:
        raise LayoutUnknown(
            N_(
                "the header has no line with the place and date, e.g. "
                "'Quỳnh Phụ, ngày 30 tháng 01 năm 2023'"
            ),  # fmt: skip
            N_(
                "write it under the national motto, as on paper; leave the day blank "
                "('ngày    tháng 01 năm 2023') if it is not known"
            ),  # fmt: skip
            table.number,
        )
    return _clean(" ".join(subject))


def _issued(match: re.Match[str]) -> str:
    year = int(match.group("year"))
    day, month = match.group("day"), match.group("month")
    if day and month:
        return dt.date(year, int(month), int(day)).strftime("%d/%m/%Y")
    if month:
        return f"{int(month):02d}/{year}"
    return str(year)


def _type_and_title(
    blocks: list[Block], subject: str, header_number: int
) -> tuple[str, str, list[Block]]:
    first = blocks[0] if blocks else None
    if isinstance(first, Para) and _clean(first.text).upper() in _TYPE_BY_NAME:
        doc_type = _TYPE_BY_NAME[_clean(first.text).upper()]
        title: list[str] = []
        index = 1
        while index < len(blocks):
            block = blocks[index]
            if not isinstance(block, Para) or not block.text.strip():
                break
            if not (block.bold and block.centered) or not re.search(r"\w", block.text):
                break
            if title and block.text.strip().isupper():  # QĐ: the authority who decides
                break
            title.append(_clean(block.text))
            index += 1
        while index < len(blocks) and _is_rule(blocks[index]):
            index += 1
        return doc_type, _clean(" ".join(title)), blocks[index:]
    if subject:
        return "CV", subject, blocks
    raise LayoutUnknown(
        N_(
            "no type of document (KẾ HOẠCH, QUYẾT ĐỊNH, BÁO CÁO, ...) under the header, and "
            "no 'V/v' line under its number"
        ),  # fmt: skip
        N_(
            "write the type in capitals on a line of its own under the header, the title "
            "under it; a công văn has 'V/v ...' under its number instead"
        ),  # fmt: skip
        first.number if first is not None else header_number,
    )


def _is_rule(block: Block) -> bool:
    return isinstance(block, Para) and not re.search(r"\w", block.text)


def _basis(blocks: list[Block]) -> tuple[str, list[str], list[Block]]:
    """The authority that decides (a QĐ's "CHỦ TỊCH ỦY BAN NHÂN DÂN ...", the thẩm quyền ban
    hành of NĐ 30/2020, printed between the title and the basis), the basis lines ("Căn cứ
    ...;") after the type and title, and what follows them."""
    authority = ""
    index = 0
    first = blocks[0] if blocks else None
    if (
        isinstance(first, Para)
        and _is_authority_line(first)
        and len(blocks) > 1
        and _is_basis(blocks[1])
    ):
        authority = _clean(first.text)
        index += 1
    basis: list[str] = []
    while index < len(blocks) and _is_basis(blocks[index]):
        line = blocks[index]
        assert isinstance(line, Para)
        basis.append(re.sub(r"[\s;,.]+$", "", _clean(line.text)))
        index += 1
    return authority, basis, blocks[index:]


def _is_authority_line(para: Para) -> bool:
    return para.bold and para.centered and _clean(para.text).isupper()


def _is_basis(block: Block) -> bool:
    if not isinstance(block, Para) or block.mark is not None:
        return False
    text = _clean(block.text)
    return bool(_BASIS.match(text)) and text.endswith((";", ".", ",")) and not block.bold


def _signer_table(blocks: list[Block]) -> int | None:
    for index, block in enumerate(blocks):
        if isinstance(block, Table) and len(block.rows[0]) >= 2:
            left = _column(block, 0)
            if left and _RECIPIENTS.fullmatch(_clean(left[0].text).rstrip(":") + ":"):
                return index
            right = _column(block, 1)
            if right and _AUTHORITY.match(_clean(right[0].text)):
                return index
    return None


def _signer(table: Table, layout: Layout) -> tuple[list[str], str, dict[str, str] | None]:
    recipients: list[str] = []
    archive = ""
    for para in _column(table, 0):
        text = _clean(para.text)
        if _RECIPIENTS.fullmatch(text):
            continue
        line = re.sub(r"^[-–+•]\s*", "", text)
        kept = _ARCHIVE.fullmatch(line)
        if kept:
            archive = kept.group(1)
        else:
            recipients.append(re.sub(r"[\s;,.]+$", "", line))
    lines = [p for p in _column(table, 1)]
    if not lines:
        return recipients, archive, None
    signer: dict[str, str] = {"authority": "none"}
    titles: list[str] = []
    name: list[str] = []
    for para in lines:
        text = _clean(para.text)
        authority = _AUTHORITY.fullmatch(text)
        if _SIGNED.fullmatch(text):
            layout.notes.append((para.number, N_("not imported: the page shows no signature"),
                                 text))  # fmt: skip
        elif authority and authority.group(1) == "TM" and not titles:
            signer["authority"] = "TM"
            signer["on_behalf_of"] = authority.group(2)
        elif authority and not titles:
            if signer["authority"] == "none":
                signer["authority"] = authority.group(1)
            signer["head_title"] = authority.group(2)
        elif text.isupper() and not name:
            titles.append(text)
        else:
            name.append(text)
    signer["title"] = " ".join(titles) or signer.get("head_title", "")
    signer["name"] = " ".join(name)
    return recipients, archive, signer

"""Reading a Word document (.docx): the one module that imports python-docx.

:func:`read_docx` first checks the file as a zip archive without unpacking it (its size,
what its parts would unpack to, macros), opens it with python-docx, refuses external
relations, then returns its body as plain blocks (:class:`Para`, :class:`Table`) in order,
with what it could not read (:class:`Unread`): text boxes, images, tracked changes and
comments. Nothing here knows the layout of an official document (see
:mod:`cchcgen.docxlayout`).
"""

from __future__ import annotations

import enum
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsmap, qn
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run
from lxml import etree

from .messages import N_

MAX_FILE_BYTES = 15 * 1024 * 1024
"""A signed Word document of text is well under this; a larger one is refused unopened."""
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
"""What all the parts of the archive may unpack to (a zip bomb unpacks to far more)."""
MAX_RATIO = 200
"""A part may unpack to at most this many times its packed size (XML packs ~10:1)."""
MAX_PARTS = 2000

ALLOWED_EXTERNAL = {RT.HYPERLINK}
"""External relations a document may have: links to web pages, which are never fetched."""

_CHANGES = ("w:ins", "w:del", "w:moveFrom", "w:moveTo", "w:rPrChange", "w:pPrChange")
_RUNS = "./w:r | ./w:ins/w:r | ./w:moveTo/w:r | ./w:hyperlink/w:r | ./w:smartTag/w:r"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # fmt: skip


_NS = {**nsmap, "v": "urn:schemas-microsoft-com:vml"}


def _xp(node: Any, path: str) -> Any:
    """XPath with Word's prefixes, on any element (python-docx's or plain lxml's)."""
    return etree._Element.xpath(node, path, namespaces=_NS)


class DocxRefused(Exception):
    """The file is not a Word document cchcgen will open; ``message`` and ``hint`` are
    messages to translate with ``_()`` and format with ``values``."""

    def __init__(self, message: str, hint: str, **values: object) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.values = values


class UnreadKind(enum.Enum):
    TEXT_BOX = "text box"
    IMAGE = "image"
    CHANGE = "tracked change"
    COMMENT = "comment"
    MERGED = "merged cells"


@dataclass(frozen=True, slots=True)
class Unread:
    """Something of the document that is not imported as written."""

    paragraph: int
    """1-based number of the paragraph in the document (table cells included)."""
    kind: UnreadKind
    text: str


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text with one formatting; ``note`` is a footnote reference."""

    text: str
    bold: bool = False
    italic: bool = False
    note: int | None = None


@dataclass(frozen=True, slots=True)
class Mark:
    """The automatic numbering of a list paragraph: its label as Word shows it."""

    bullet: bool
    label: str
    level: int


@dataclass(frozen=True, slots=True)
class Para:
    number: int
    spans: tuple[Span, ...]
    style: str = ""
    centered: bool = False
    mark: Mark | None = None

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)

    @property
    def bold(self) -> bool:
        """Every letter of the paragraph is bold."""
        return any(s.text.strip() for s in self.spans) and all(
            s.bold for s in self.spans if s.text.strip()
        )

    @property
    def italic(self) -> bool:
        return any(s.text.strip() for s in self.spans) and all(
            s.italic for s in self.spans if s.text.strip()
        )


@dataclass(frozen=True, slots=True)
class Cell:
    paras: tuple[Para, ...]
    span: int = 1
    """Columns it covers (gridSpan)."""
    continued: bool = False
    """The lower part of a cell merged down (vMerge continue): its text is in the cell above."""

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paras).strip()


@dataclass(frozen=True, slots=True)
class Table:
    number: int
    """The number of its first paragraph."""
    rows: tuple[tuple[Cell, ...], ...]


Block = Para | Table


@dataclass(frozen=True, slots=True)
class DocxContent:
    blocks: tuple[Block, ...]
    notes: dict[int, tuple[Para, ...]] = field(default_factory=dict)
    """Footnotes by id."""
    unread: tuple[Unread, ...] = ()


def read_docx(path: Path, accept_changes: bool) -> DocxContent:
    """The document's body; raises :class:`DocxRefused` for a file it will not open.

    ``accept_changes``: tracked insertions are kept and deletions dropped (as Word's
    "Accept all changes"); otherwise they are read the same way and reported."""
    check_archive(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        raise DocxRefused(
            N_("cannot be read as a Word document ({error})"),
            N_("open it in Word or LibreOffice and save it again as .docx"),
            error=type(exc).__name__,
        ) from None
    _refuse_external(document)
    reader = _Reader(document)
    blocks = tuple(reader.blocks())
    return DocxContent(blocks, reader.footnotes(), tuple(reader.unread))


def check_archive(path: Path) -> None:
    """Refuse, without unpacking anything, a file too big, not a .docx, a zip bomb or
    a document with macros."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DocxRefused(
            N_("the file is {size} MB; cchcgen imports Word documents of at most {limit} MB"),
            N_(
                "a document this large holds pictures or scans: remove them (publish the "
                "scan with --pdf) and save it again"
            ),
            size=round(size / 1024 / 1024, 1),
            limit=MAX_FILE_BYTES // 1024 // 1024,
        )
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DocxRefused(
            N_("is not a Word document (.docx)"),
            N_(
                "an old .doc, an encrypted or a damaged file cannot be read: open it in "
                "Word or LibreOffice and save it as .docx without a password"
            ),
        ) from None
    names = {part.filename.lower() for part in parts}
    if "word/document.xml" not in names:
        raise DocxRefused(
            N_("is not a Word document (.docx)"),
            N_("open it in Word or LibreOffice and save it as .docx"),
        )
    unpacked = sum(part.file_size for part in parts)
    bomb = any(
        part.file_size > 1024 * 1024 and part.file_size > MAX_RATIO * max(part.compress_size, 1)
        for part in parts
    )
    if len(parts) > MAX_PARTS or unpacked > MAX_UNPACKED_BYTES or bomb:
        raise DocxRefused(
            N_("would unpack to {size} MB: it is not an ordinary Word document (a zip bomb?)"),
            N_("ask the sender for the document again, saved from Word or LibreOffice"),
            size=unpacked // 1024 // 1024,
        )
    types = archive_text(path, "[Content_Types].xml")
    if any(name.endswith("vbaproject.bin") for name in names) or "macroEnabled" in types:
        raise DocxRefused(
            N_("holds macros or embedded programs, which cchcgen does not open"),
            N_("save the document as .docx (Word Document, not .docm) without macros"),
        )


def archive_text(path: Path, name: str) -> str:
    """A small part of the archive as text ("" if absent); called after the size checks."""
    with zipfile.ZipFile(path) as archive:
        try:
            return archive.read(name).decode("utf-8", "replace")
        except KeyError:
            return ""


def _refuse_external(document: Any) -> None:
    for part in document.part.package.iter_parts():
        for rel in part.rels.values():
            if rel.is_external and rel.reltype not in ALLOWED_EXTERNAL:
                raise DocxRefused(
                    N_(
                        "refers to a file outside the document ({target}), which cchcgen "
                        "does not fetch"
                    ),  # fmt: skip
                    N_(
                        "in Word, break the links to outside files (File > Info > Edit "
                        "links) or insert the picture itself, then save the document again"
                    ),
                    target=rel.target_ref,
                )


class _Reader:
    def __init__(self, document: Any) -> None:
        self.document = document
        self.unread: list[Unread] = []
        self.count = 0
        self.counters: dict[tuple[str, int], int] = {}
        self.numbering = self._numbering()

    # --- blocks

    def blocks(self) -> Iterator[Block]:
        for item in self.document.iter_inner_content():
            if isinstance(item, DocxTable):
                yield self.table(item)
            else:
                yield self.para(item)
        self._comments()

    def table(self, table: DocxTable) -> Table:
        first = self.count + 1
        rows = []
        for tr in table._tbl.tr_lst:
            cells = []
            for tc in tr.tc_lst:
                paras = tuple(self.para(DocxParagraph(p, table)) for p in tc.p_lst)
                continued = tc.vMerge == "continue"
                cells.append(Cell(paras, tc.grid_span, continued))
                if tc.grid_span > 1 or continued:
                    text = " ".join(p.text for p in paras).strip() or "…"
                    self.unread.append(Unread(self.count, UnreadKind.MERGED, text))
            rows.append(tuple(cells))
        return Table(first, tuple(rows))

    def para(self, paragraph: DocxParagraph) -> Para:
        self.count += 1
        number = self.count
        p = paragraph._p
        for change in _xp(p, " | ".join(f".//{tag}" for tag in _CHANGES)):
            text = "".join(_xp(change, ".//w:t/text() | .//w:delText/text()"))
            self.unread.append(Unread(number, UnreadKind.CHANGE, text.strip()))
        spans: list[Span] = []
        for r in _xp(p, _RUNS):
            spans.extend(self.run(Run(r, paragraph), number))
        style = paragraph.style.name if paragraph.style is not None else ""
        centered = str(paragraph.alignment or _style_alignment(paragraph)).startswith("CENTER")
        return Para(number, tuple(spans), style, centered, self.mark(paragraph))

    def run(self, run: Run, number: int) -> Iterator[Span]:
        r = run._r
        for box in _xp(r, ".//w:txbxContent"):
            text = " ".join("".join(_xp(p, ".//w:t/text()")) for p in _xp(box, ".//w:p"))
            self.unread.append(Unread(number, UnreadKind.TEXT_BOX, text.strip()))
        if _xp(r, ".//pic:pic | .//v:imagedata") and not _xp(r, ".//w:txbxContent"):
            self.unread.append(Unread(number, UnreadKind.IMAGE, ""))
        for ref in _xp(r, "./w:footnoteReference"):
            yield Span("", note=int(ref.get(qn("w:id"))))
        text = run.text.replace("\t", " ")
        if text:
            yield Span(text, _flag(run, "bold"), _flag(run, "italic"))

    def _comments(self) -> None:
        body = self.document.element.body
        if not _xp(body, ".//w:commentReference"):
            return
        try:
            comments = self.document.comments
        except Exception:  # a comments part python-docx cannot read
            comments = []
        texts = [c.text for c in comments] or [""]
        for text in texts:
            self.unread.append(Unread(0, UnreadKind.COMMENT, text.strip()))

    # --- footnotes

    def footnotes(self) -> dict[int, tuple[Para, ...]]:
        try:
            part = self.document.part.part_related_by(RT.FOOTNOTES)
        except KeyError:
            return {}
        notes: dict[int, tuple[Para, ...]] = {}
        for note in parse_xml(part.blob).findall(qn("w:footnote")):
            if note.get(qn("w:type")) in ("separator", "continuationSeparator"):
                continue
            paras = tuple(
                self.para(DocxParagraph(p, self.document)) for p in note.findall(qn("w:p"))
            )
            notes[int(note.get(qn("w:id")))] = paras
        return notes

    # --- automatic numbering

    def _numbering(self) -> dict[str, dict[int, tuple[str, str, int]]]:
        """numId → level → (format, level text, start)."""
        try:
            root = self.document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return {}
        abstract = {}
        for node in _xp(root, "./w:abstractNum"):
            levels = {}
            for lvl in _xp(node, "./w:lvl"):
                fmt = (_xp(lvl, "./w:numFmt/@w:val") or ["decimal"])[0]
                text = (_xp(lvl, "./w:lvlText/@w:val") or [""])[0]
                start = int((_xp(lvl, "./w:start/@w:val") or ["1"])[0])
                levels[int(lvl.get(qn("w:ilvl")))] = (fmt, text, start)
            abstract[node.get(qn("w:abstractNumId"))] = levels
        return {
            num.get(qn("w:numId")): abstract.get(_xp(num, "./w:abstractNumId/@w:val")[0], {})
            for num in _xp(root, "./w:num")
            if _xp(num, "./w:abstractNumId/@w:val")
        }

    def mark(self, paragraph: DocxParagraph) -> Mark | None:
        num_id, level = _num_pr(paragraph)
        levels = self.numbering.get(num_id or "", {})
        if num_id in (None, "0") or level not in levels:
            return None
        fmt, text, start = levels[level]
        key = (num_id or "", level)
        self.counters[key] = self.counters.get(key, start - 1) + 1
        for deeper in [k for k in self.counters if k[0] == key[0] and k[1] > level]:
            del self.counters[deeper]
        if fmt == "bullet":
            return Mark(True, "", level)
        label = re.sub(
            r"%(\d)",
            lambda m: _format(
                levels.get(int(m.group(1)) - 1, (fmt, "", 1))[0],
                self.counters.get((key[0], int(m.group(1)) - 1), 1),
            ),
            text,
        )
        return Mark(False, label, level)


def _num_pr(paragraph: DocxParagraph) -> tuple[str | None, int]:
    """The paragraph's numbering (numId, level), written on it or on its style."""
    for owner in (paragraph._p, paragraph.style.element if paragraph.style is not None else None):
        if owner is None:
            continue
        found = _xp(owner, "./w:pPr/w:numPr")
        if found:
            num_id = _xp(found[0], "./w:numId/@w:val")
            level = _xp(found[0], "./w:ilvl/@w:val")
            return (num_id[0] if num_id else None), int(level[0]) if level else 0
    return None, 0


def _format(fmt: str, value: int) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = _LETTERS[(value - 1) % 26]
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = ""
        for amount, digits in _ROMAN:
            while value >= amount:
                roman, value = roman + digits, value - amount
        return roman.upper() if fmt == "upperRoman" else roman
    return str(value)


def _flag(run: Run, name: str) -> bool:
    """Bold or italic as shown: on the run, else its character style, else the paragraph's."""
    value = getattr(run.font, name)
    if value is None and run.style is not None:
        value = getattr(run.style.font, name)
    style = run._parent.style if isinstance(run._parent, DocxParagraph) else None
    while value is None and style is not None:
        value = getattr(style.font, name)
        style = style.base_style
    return bool(value)


def _style_alignment(paragraph: DocxParagraph) -> object:
    style = paragraph.style
    while style is not None:
        if style.paragraph_format.alignment is not None:
            return style.paragraph_format.alignment
        style = style.base_style
    return None

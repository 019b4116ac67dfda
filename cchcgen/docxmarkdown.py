"""The body of a Word document as Markdown, word for word.

Headings are the paragraphs an official document sets in bold on a line of their own
("I. MỤC ĐÍCH", "1. Mục đích", "a) ..."; "PHỤ LỤC ..."), or Word's own heading styles;
Word's automatic numbering is written out as the label Word shows ("1.", "a)"), bullets
become a Markdown list; tables become Markdown tables with their first row as header
(merged cells are reported by :mod:`cchcgen.docxfile`: Markdown cannot keep them); bold
and italic are kept; footnotes become Markdown footnotes. Text is escaped so that Markdown
shows it as typed and never reads it as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from .docxfile import Block, Para, Span, Table

_HEADINGS = (
    (re.compile(r"PH[UỤ]\s*L[UỤ]C\b", re.I), 2),
    (re.compile(r"[IVXLC]+\s*[./)-]"), 2),
    (re.compile(r"(Chương|Mục|Phần)\s+[IVXLC\d]+\b", re.I), 2),
    (re.compile(r"\d+\.\d+\.?\s"), 4),
    (re.compile(r"\d+\s*[./)]\s"), 3),
    (re.compile(r"[a-zđ]\)\s"), 4),
)
_MAX_HEADING = 200
_ESCAPE = re.compile(r"([\\`*_\[\]<>|~])")
_LINE_START = re.compile(r"^(\s*)(#|>|[-+=]|\d+[.)]|\|)")
_DASH_ITEM = re.compile(r"[-–•]\s+")


def escape(text: str) -> str:
    """Text that Markdown prints as typed, inline."""
    return _ESCAPE.sub(r"\\\1", text)


def escape_start(text: str) -> str:
    """Escape what would make a line a heading, a quote, a list or a rule."""
    return _LINE_START.sub(lambda m: m.group(1) + re.sub(r"([#>\-+=.)|])", r"\\\1",
                                                         m.group(2)), text, count=1)  # fmt: skip


def inline(spans: Iterable[Span], plain: bool = False) -> str:
    """Spans as Markdown with ``**bold**`` and ``*italic*`` (none if ``plain``)."""
    merged: list[Span] = []
    for span in spans:
        if span.note is not None:
            merged.append(span)
            continue
        bold, italic = (False, False) if plain else (span.bold, span.italic)
        last = merged[-1] if merged else None
        if last and last.note is None and (last.bold, last.italic) == (bold, italic):
            merged[-1] = Span(last.text + span.text, bold, italic)
        else:
            merged.append(Span(span.text, bold, italic))
    out = []
    for span in merged:
        if span.note is not None:
            out.append(f"[^{span.note}]")
            continue
        out.append(_wrap(span))
    return "".join(out).replace("\n", "  \n")


def _wrap(span: Span) -> str:
    text = span.text
    core = text.strip()
    if not core or not (span.bold or span.italic):
        return escape(text)
    marker = ("**" if span.bold else "") + ("*" if span.italic else "")
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{marker}{escape(core)}{marker[::-1]}{trail}"


def heading_level(para: Para) -> int | None:
    """The Markdown heading level of a paragraph that is a heading of the document."""
    style = re.fullmatch(r"Heading (\d)", para.style)
    if style:
        return min(int(style.group(1)) + 1, 6)
    text = para.text.strip()
    if not para.bold or para.mark is not None or len(text) > _MAX_HEADING:
        return None
    for pattern, level in _HEADINGS:
        if pattern.match(text):
            return level
    return None


def to_markdown(blocks: Iterable[Block], notes: dict[int, tuple[Para, ...]]) -> str:
    """The body, blocks separated by blank lines; list items of one list kept together."""
    parts: list[str] = []
    previous_item = False
    for block in blocks:
        if isinstance(block, Table):
            parts.append(_table(block))
            previous_item = False
        else:
            text, item = _para(block)
            if not text:
                continue
            if item and previous_item:
                parts[-1] += "\n" + text
            else:
                parts.append(text)
            previous_item = item
        for note in _notes_of(block):
            if note in notes:
                body = " ".join(inline(p.spans) for p in notes[note]).strip()
                parts.append(f"[^{note}]: {body}")
                previous_item = False
    return "\n\n".join(parts) + "\n"


def _notes_of(block: Block) -> Iterator[int]:
    paras = (
        [p for row in block.rows for cell in row for p in cell.paras]
        if isinstance(block, Table)
        else [block]
    )
    for para in paras:
        for span in para.spans:
            if span.note is not None:
                yield span.note


def _para(para: Para) -> tuple[str, bool]:
    """The paragraph as Markdown, and whether it is an item of a bulleted list."""
    if not para.text.strip() and not any(s.note is not None for s in para.spans):
        return "", False
    level = heading_level(para)
    if level is not None:
        return "#" * level + " " + inline(para.spans, plain=True).strip(), False
    if para.mark is not None and para.mark.bullet:
        return "    " * para.mark.level + "- " + inline(para.spans).strip(), True
    text = inline(para.spans).strip()
    if para.mark is not None:
        return escape_start(escape(para.mark.label) + " " + text), False
    dash = _DASH_ITEM.match(para.text.lstrip())
    if dash:  # a list typed with dashes: the sample's style, "- " on each line
        spans = _drop_prefix(para.spans, len(para.text) - len(para.text.lstrip()) + dash.end())
        return "- " + inline(spans).strip(), True
    return escape_start(text), False


def _drop_prefix(spans: tuple[Span, ...], count: int) -> list[Span]:
    out = []
    for span in spans:
        if count <= 0 or span.note is not None:
            out.append(span)
            continue
        if len(span.text) <= count:
            count -= len(span.text)
            continue
        out.append(Span(span.text[count:], span.bold, span.italic))
        count = 0
    return out


def _table(table: Table) -> str:
    width = max(sum(cell.span for cell in row) for row in table.rows)
    lines = []
    for index, row in enumerate(table.rows):
        cells: list[str] = []
        for cell in row:
            text = "" if cell.continued else _cell(cell.paras, plain=index == 0)
            cells.append(text)
            cells.extend([""] * (cell.span - 1))
        cells.extend([""] * (width - len(cells)))
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            lines.append("|" + "---|" * width)
    return "\n".join(lines)


def _cell(paras: tuple[Para, ...], plain: bool) -> str:
    texts = []
    for para in paras:
        if not para.text.strip():
            continue
        text = inline(para.spans, plain).strip().replace("  \n", " ")
        if para.mark is not None and not para.mark.bullet:
            text = escape(para.mark.label) + " " + text
        texts.append(text)
    return " ".join(texts)

"""Markdown → HTML; the only module that imports Python-Markdown.

Each document is converted with a reset instance (a reused ``Markdown`` object
leaks footnotes into the next document otherwise). Root-relative links and
images (``/images/a.png``) get the site's base path, so they keep working
when the site is published under a sub-path; tables are wrapped so that they
scroll sideways on a phone instead of widening the page.

Every id the Markdown makes (headings, footnotes, ``{#id}``) gets a prefix (``muc-``),
and in-page links follow, so no heading can take an id the layouts use (``#noi-dung``).

Python-Markdown recurses once per nested element and rescans the rest of a paragraph
for every bracket left open, so a text is checked before it is converted (see
:func:`limits`), and anything the library still raises becomes an editor's error.
"""

from __future__ import annotations

import hashlib
import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from . import sanitize
from .errors import Collector
from .messages import _
from .urls import BaseUrl, slugify

_TAGS = re.compile(r"<[^>]+>")
_ALIGN = re.compile(r"\s*text-align:\s*(left|center|right);?\s*")


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str
    first_paragraph: str
    """Plain text of the first paragraph, for summaries."""


EMPTY = Rendered("", "")

CONTENT_ID_PREFIX = "muc"
"""Prefix of the ids made from a document's text; no layout id may start with it."""
APPENDIX_ID_PREFIX = "pl"
"""The same for a plan's appendices, converted apart from the text above them."""


@dataclass(frozen=True, slots=True)
class Source:
    """Where a Markdown text starts: its file and the file's line of its first line."""

    path: str
    line: int


class _SiteLinks(Treeprocessor):
    def __init__(self, md: markdown.Markdown, base: BaseUrl, table_label: str) -> None:
        super().__init__(md)
        self.base = base
        self.table_label = table_label

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attr in ("href", "src"):
                value = element.get(attr)
                if value and value.startswith("/") and not value.startswith("//"):
                    element.set(attr, self.base.public(value))
            if element.tag == "a" and re.match(r"https?://", element.get("href", "")):
                element.set("rel", "noopener")
            align = _ALIGN.fullmatch(element.get("style", ""))
            if align:  # a table column's alignment: a class, as the CSP forbids style=""
                del element.attrib["style"]
                classes = element.get("class", "").split()
                element.set("class", " ".join([*classes, f"align-{align.group(1)}"]))
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":
                    wrapper = etree.Element(
                        "div",
                        {
                            "class": "table-wrap",
                            "role": "region",
                            "tabindex": "0",
                            "aria-label": self.table_label,
                        },
                    )
                    parent.remove(child)
                    wrapper.append(child)
                    parent.insert(index, wrapper)


class _ContentIds(Treeprocessor):
    """Prefixes every id (after the toc and footnotes made theirs) and the links to them."""

    prefix = CONTENT_ID_PREFIX

    def run(self, root: etree.Element) -> None:
        renamed: dict[str, str] = {}
        for element in root.iter():
            value = element.get("id")
            if value:
                renamed[value] = f"{self.prefix}-{value}"
                element.set("id", renamed[value])
        for element in root.iter("a"):
            href = element.get("href", "")
            if href.startswith("#") and href[1:] in renamed:
                element.set("href", "#" + renamed[href[1:]])


class _SiteExtension(Extension):
    def __init__(self, base: BaseUrl, table_label: str) -> None:
        super().__init__()
        self.base = base
        self.table_label = table_label
        self.ids: _ContentIds | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown API
        md.treeprocessors.register(_SiteLinks(md, self.base, self.table_label), "cchc_links", 1)
        self.ids = _ContentIds(md)
        md.treeprocessors.register(self.ids, "cchc_ids", 0)


def _heading_id(value: str, separator: str) -> str:
    return slugify(value) or "muc"


_TRIGGERS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "escape": ("\\",),
    "reference": ("]:",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("]:",),
    "short_reference": ("]:",),
    "short_image_ref": ("]:",),
    "footnote": ("[^",),
    "autolink": ("<",),
    "automail": ("<",),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
    "linebreak": ("  \n", "  \r", "\t", "\x02", "\x03"),
}
"""Python-Markdown's inline patterns (by name) and the text one of which each needs to
find anything: a pattern whose text is nowhere in a document is not tried on it (each
pattern is tried on every run of text of every paragraph). With the other shortcuts of
:class:`_Shortcuts`, the bench's posts convert to the same HTML in about half the time
of the long way (2.8 s instead of 5.9 s for 2,000 posts). The text the inline patterns
see is the document's, cut up: blocks add none of these characters. A reference
(``[text][id]``, ``[text]``) is written only when its id is defined (``[id]: /address``),
and a definition needs ``]:``. A line break is two spaces before the end of a line;
Python-Markdown makes ``\r`` an end of line, tabs spaces and drops the ``\x02`` and
``\x03`` it uses itself, so any of these may give one.
tests/test_markup_shortcuts.py compares the HTML with that of the long way."""


def _setext_underline(block: str) -> bool:
    """Whether the block's second line starts as a setext heading's underline does."""
    end = block.find("\n")
    return end >= 0 and block.startswith(("=", "-"), end + 1)


def _rule_marks(block: str) -> bool:
    return "-" in block or "_" in block or "*" in block


_BLOCK_NEEDS: dict[str, tuple[str, str | Callable[[str], bool]]] = {
    "table": ("test", "|"),
    "hashheader": ("test", "#"),
    "setextheader": ("test", _setext_underline),
    "hr": ("test", _rule_marks),
    "quote": ("test", ">"),
    "reference": ("run", "]:"),
}
"""Python-Markdown's block processors (by name), the method that looks at a block and
what the block must hold for that look to find anything: a table's ``|``, a heading's
``#``, a quotation's ``>``, a link definition's ``]:``. Each processor's look (a regular
expression, or for tables a split of the block's lines) is tried on every block of every
document until one matches, mostly on paragraphs that hold none of these; a block
without the text is passed on at once, as the look would. The reference processor
claims every block and looks only in ``run``, which leaves the block alone and returns
False when it finds nothing, as the guard does. tests/test_markup_shortcuts.py compares
the HTML with that of the unguarded processors."""


def _guard_blocks(md: markdown.Markdown) -> None:
    blocks = md.parser.blockprocessors
    for name, (method, needs) in _BLOCK_NEEDS.items():
        if name in blocks:
            processor = blocks[name]
            look = getattr(processor, method)
            guarded = _guarded_test(look, needs) if method == "test" else _guarded_run(look, needs)
            setattr(processor, method, guarded)


def _guarded_test(
    test: Callable[[etree.Element, str], bool], needs: str | Callable[[str], bool]
) -> Callable[[etree.Element, str], bool]:
    if isinstance(needs, str):
        return lambda parent, block: needs in block and test(parent, block)
    return lambda parent, block: needs(block) and test(parent, block)


def _guarded_run(
    run: Callable[[etree.Element, list[str]], bool | None], needs: str | Callable[[str], bool]
) -> Callable[[etree.Element, list[str]], bool | None]:
    assert isinstance(needs, str)
    return lambda parent, blocks: run(parent, blocks) if needs in blocks[0] else False


def _remember_block_levels(md: markdown.Markdown) -> None:
    """Answer ``md.is_block_level`` from a table of the tags asked before: the library
    looks the tag up in a list of ~50 names each time, several times for every element
    of every document (the tree's prettifier alone, twice)."""
    ask = md.is_block_level
    known: dict[object, bool] = {}

    def is_block_level(tag: object) -> bool:
        try:
            return known[tag]
        except KeyError:
            known[tag] = level = ask(tag)
            return level
        except TypeError:  # a tag that cannot be a key: ask each time
            return ask(tag)

    md.is_block_level = is_block_level  # type: ignore[method-assign]


class _Shortcuts:
    """What one converter leaves out of a document that cannot need it, chosen by the
    document's text: the inline patterns whose characters it lacks (:data:`_TRIGGERS`),
    the attribute lists' pass (``{: …}``) without a ``{``, the escapes' pass without a
    backslash, the table of contents' search for its marker and the table itself without
    the marker. The HTML is the same. The block processors' looks are guarded once for all
    documents (:data:`_BLOCK_NEEDS`), and which tags are blocks is remembered."""

    def __init__(self, md: markdown.Markdown) -> None:
        _guard_blocks(md)
        _remember_block_levels(md)
        self.inline = md.treeprocessors["inline"]
        self.every = list(md.inlinePatterns)
        needs = {
            id(md.inlinePatterns[name]): triggers
            for name, triggers in _TRIGGERS.items()
            if name in md.inlinePatterns
        }
        self.needs = [needs.get(id(pattern)) for pattern in self.every]
        self.texts = sorted({text for triggers in _TRIGGERS.values() for text in triggers})
        self.chosen: dict[frozenset[str], list[object]] = {}
        self.toc = md.treeprocessors["toc"]
        self.marker: str = self.toc.marker
        build_toc = self.toc.build_toc_div

        def build_toc_if_marked(tokens: list[dict[str, object]]) -> etree.Element:
            # the table of contents is written only at its marker (cchcgen never reads
            # ``md.toc``); the headings' ids are given either way
            return build_toc(tokens) if self.toc.marker else etree.Element("div")

        self.toc.build_toc_div = build_toc_if_marked
        self.braces = self.backslash = True
        self._run_only_while(md, "attr_list", "braces")
        # the escapes' placeholders are put back by this pass; escapes need a backslash
        self._run_only_while(md, "unescape", "backslash")

    def _run_only_while(self, md: markdown.Markdown, name: str, flag: str) -> None:
        """Let the tree pass ``name`` run only while this object's ``flag`` is true."""
        processor = md.treeprocessors[name]
        run = processor.run

        def run_if(root: etree.Element) -> None:
            if getattr(self, flag):
                run(root)

        processor.run = run_if

    def choose(self, document: str) -> None:
        present = frozenset(text for text in self.texts if text in document)
        patterns = self.chosen.get(present)
        if patterns is None:
            patterns = self.chosen[present] = [
                pattern
                for pattern, needs in zip(self.every, self.needs, strict=True)
                if needs is None or not present.isdisjoint(needs)
            ]
        self.inline.inlinePatterns = patterns
        self.braces = "{" in document
        self.backslash = "\\" in document
        self.toc.marker = self.marker if self.marker and self.marker in document else ""


class Markdown:
    """A converter bound to one site's base URL.

    ``memo`` (hash of the text → result) lets a build reuse the last build's HTML for
    every text that did not change.
    """

    def __init__(
        self,
        base: BaseUrl,
        table_label: str = "Bảng",
        memo: dict[bytes, Rendered] | None = None,
        raw_html: bool = False,
        backlink_title: str = "Quay lại chỗ đánh dấu chú thích %d",
    ) -> None:
        self.raw_html = raw_html
        """True: keep the editors' HTML as written (site.yaml ``raw_html``)."""
        self.memo = memo if memo is not None else {}
        self.used: list[bytes] = []
        """Hash of every text converted, in order."""
        self.added: list[bytes] = []
        """Hashes converted for real (not found in ``memo``)."""
        self._site = _SiteExtension(base, table_label)
        self._md = self._make(self._site, backlink_title, footnotes=True)
        self._md_shortcuts = _Shortcuts(self._md)
        self._plain_site = _SiteExtension(base, table_label)
        self._plain = self._make(self._plain_site, backlink_title, footnotes=False)
        self._plain_shortcuts = _Shortcuts(self._plain)
        """For texts without footnotes (``[^``), most of them: the same HTML, ~10 % sooner,
        since the footnotes extension's pattern is tried on every run of text."""

    @staticmethod
    def _make(site: _SiteExtension, backlink_title: str, footnotes: bool) -> markdown.Markdown:
        extensions: list[str | Extension] = ["tables", "fenced_code", "footnotes", "sane_lists"]
        if not footnotes:
            extensions.remove("footnotes")
        return markdown.Markdown(
            extensions=[*extensions, "attr_list", "toc", site],
            extension_configs={
                "toc": {"slugify": _heading_id, "toc_depth": "2-4"},
                "footnotes": {"BACKLINK_TITLE": backlink_title},
            },
            output_format="html",
        )

    def convert(
        self, text: str, source: Source, diags: Collector, ids: str = CONTENT_ID_PREFIX
    ) -> Rendered:
        """``text`` as HTML whose ids start with ``ids-``; a text Markdown cannot take
        is reported in ``diags`` (at its line in ``source``) and gives :data:`EMPTY`."""
        data = f"{ids}\0{text}".encode("utf-8", "surrogatepass")
        key = hashlib.blake2b(data, digest_size=16).digest()
        self.used.append(key)
        hit = self.memo.get(key)
        if hit is not None:
            return hit
        problems = limits(text)
        if not problems:
            body = self._convert(text, ids, source, diags)
            if body is None:
                return EMPTY
            hit = self.memo[key] = Rendered(body, first_paragraph(body))
            self.added.append(key)
            return hit
        for problem in problems:
            diags.error(
                source.path,
                source.line + problem.line,
                problem.column,
                problem.message,
                problem.hint,
            )
        return EMPTY

    def _convert(self, text: str, ids: str, source: Source, diags: Collector) -> str | None:
        # a footnote is written [^name]; without one, the footnotes extension does nothing
        if "[^" in text:
            site, md, shortcuts = self._site, self._md, self._md_shortcuts
        else:
            site, md, shortcuts = self._plain_site, self._plain, self._plain_shortcuts
        assert site.ids is not None
        site.ids.prefix = ids
        md.reset()
        shortcuts.choose(text)
        try:
            body = md.convert(text)
        except RecursionError:
            diags.error(
                source.path,
                source.line,
                1,
                _("Markdown cannot read this text: it is nested too deeply"),
                _(
                    "look for lists, quotations ('>') or * and _ marks put inside one another "
                    "many times, and flatten them"
                ),
            )
            return None
        except Exception as exc:  # a fault of the Markdown library must not stop the build
            diags.error(
                source.path,
                source.line,
                1,
                _("Markdown cannot read this text ({kind}: {reason})").format(
                    kind=type(exc).__name__, reason=exc
                ),
                _("this is a fault in cchcgen: send this file to the people who maintain it"),
            )
            return None
        return body if self.raw_html or _clean_already(text, body) else sanitize.clean(body)


_MARKS = re.compile(
    r"[<>{\\\x00-\x08\x0b-\x1f\x7f-\x9f\xa0\u2028\u2029\ufeff]|\[\^|\[TOC\]|&(?:#|[A-Za-z0-9]+;)"
)
"""What lets a text give HTML the sanitiser would change: raw HTML and autolinks (``<``),
character references (``&copy;``, ``&#38;``: Python-Markdown keeps them, the sanitiser
writes the character; any other ``&``, as in a link's query, both write ``&amp;``),
attribute lists (``{``), escapes, footnotes (their back link is an entity), the marker
of a table of contents (in a table cell or emphasis it puts a ``<div>`` where HTML has
none, which the sanitiser moves), ``>`` (Python-Markdown writes it as ``&gt;`` inside
attributes, the sanitiser does not), and characters the HTML parser treats apart."""

_LINKS = re.compile(r' (?:href|src)="([^"]*)"')
_SAFE_LINK = re.compile(
    r"(?:/(?!/)|#|https?://(?:(?!xn--)[a-z0-9-]+\.)+[a-z]{2,}/)"
    r"(?:[A-Za-z0-9._~:/?#@!$'()*+,;=%-]|&amp;)*"
)
"""An address the sanitiser keeps as it is: on the site, in the page, or on the web with
a plain host name (letters, digits and hyphens, a top-level domain of letters; no
punycode, which the sanitiser drops when it is not valid); ``&`` written ``&amp;``."""


def _clean_already(text: str, html: str) -> bool:
    """True when ``html``, Python-Markdown's for ``text``, is certain to be what
    :func:`sanitize.clean` would return: without the marks above, it holds only the
    elements and attributes Markdown and this module make, all allowed, and its links are
    checked here. Most posts are such texts; cleaning one takes ~0.3 ms.
    tests/test_markup_shortcuts.py compares with the sanitiser on any text."""
    if _MARKS.search(text):
        return False
    return all(_SAFE_LINK.fullmatch(link) for link in _LINKS.findall(html))


MAX_NESTING = 30
"""Lists and quotations inside one another (Python-Markdown fails near 250 levels)."""
MAX_EMPHASIS = 100
"""``*`` and ``_`` marks open at once in a paragraph (Python-Markdown fails near 700)."""
MAX_RESCAN = 1_000_000
"""Characters Python-Markdown may read again, per text, looking for the end of a ``[``,
``](`` or ``<`` left open: about a fifth of a second."""
_FAR = 100
"""A bracket whose end is further than this is counted as left open in the message."""

_FENCE = re.compile(r"(`{3,}|~{3,})")
_CONTAINER = re.compile(r"((?:[ \t]*>)*)([ \t]*)")
_LIST_ITEM = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_TABLE_RULE = re.compile(r"\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*")
_BRACKETS = re.compile(r"\\.|[][()<>]", re.S)
_EMPHASIS = re.compile(r"\\.|\*+|_+", re.S)
_TAG_START = re.compile(r"[A-Za-z/!?]")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in a text that Python-Markdown cannot convert, or not in good time."""

    line: int
    """0-based line in the text."""
    column: int
    message: str
    hint: str


@dataclass(slots=True)
class _Unit:
    """Lines that Python-Markdown reads as one run of inline text (a paragraph)."""

    lines: list[int]
    """Index in the text of each line."""
    text: str = ""


def limits(text: str) -> list[Problem]:
    """What in ``text`` Python-Markdown could not convert, or only very slowly: lists or
    quotations nested too deep, emphasis nested too deep, too many brackets left open."""
    if _within_limits(text):
        return []
    lines = text.split("\n")
    problems: list[Problem] = []
    nesting = _nesting(lines)
    if nesting is not None:
        problems.append(nesting)
    units = _units(lines)
    emphasis = next(filter(None, (_emphasis(unit, lines) for unit in units)), None)
    if emphasis is not None:
        problems.append(emphasis)
    rescans = [_rescan(unit, lines) for unit in units]
    if sum(cost for cost, _ in rescans) > MAX_RESCAN:
        worst = max(rescans, key=lambda item: item[0])[1]
        if worst is not None:
            problems.append(worst)
    return problems


_DEEP_PREFIX = re.compile(rf"^[ \t>]{{{MAX_NESTING}}}", re.M)


def _within_limits(text: str) -> bool:
    """True when no line can be nested too deep, no paragraph can hold too many emphasis
    marks and the brackets cannot make Python-Markdown read too much, whatever the text's
    layout: the common case, told without splitting the text into paragraphs.

    A line's depth is at most the length of its prefix of spaces, tabs and '>' (a level
    takes one '>' or four columns, and a tab at most four); the emphasis marks open at
    once are at most all of the text's; each bracket is read again at most to the end of
    the text."""
    if _DEEP_PREFIX.search(text):
        return False
    marks = text.count("*") + text.count("_")
    if marks > MAX_EMPHASIS:
        return False
    brackets = sum(text.count(c) for c in "[(<")
    return brackets * len(text) <= MAX_RESCAN


def _outside_fences(lines: list[str]) -> list[int]:
    """Indexes of the lines not inside a fenced code block (their text is not parsed)."""
    kept = []
    fence = ""
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
            continue
        if match:
            fence = match.group(1)
            continue
        kept.append(index)
    return kept


def _nesting(lines: list[str]) -> Problem | None:
    """The first line nested deeper than the limit, with the deepest level of the text."""
    first: tuple[int, int, bool] | None = None  # line, column, is a list item
    deepest = 0
    for index in _outside_fences(lines):
        line = lines[index]
        match = _CONTAINER.match(line)
        assert match is not None  # every line matches: both groups may be empty
        quotes = match.group(1).count(">")
        item = _LIST_ITEM.match(line, match.end()) is not None
        depth = quotes + (len(match.group(2).expandtabs(4)) // 4 + 1 if item else 0)
        deepest = max(deepest, depth)
        if depth > MAX_NESTING and first is None:
            first = (index, match.end() + 1 if item else 1, item)
    if first is None:
        return None
    index, column, item = first
    if item:
        return Problem(
            index,
            column,
            _("this list is nested {deepest} levels deep; the limit is {limit}").format(
                deepest=deepest, limit=MAX_NESTING
            ),
            _(
                "indent a sub-list by 4 spaces under its item, at most {limit} levels; "
                "a deeper outline reads better as headings"
            ).format(limit=MAX_NESTING),
        )
    return Problem(
        index,
        column,
        _("this quotation is nested {deepest} levels deep; the limit is {limit}").format(
            deepest=deepest, limit=MAX_NESTING
        ),
        _("begin a quoted line with a single '>'"),
    )


def _units(lines: list[str]) -> list[_Unit]:
    """The paragraphs, list items, headings and table rows, each read on its own."""
    units: list[_Unit] = []
    current: _Unit | None = None
    in_table = False
    for index in _outside_fences(lines):
        line = lines[index]
        match = _CONTAINER.match(line)
        assert match is not None  # every line matches: both groups may be empty
        rest = line[match.end() :]
        if not rest:
            current, in_table = None, False
            continue
        if _TABLE_RULE.fullmatch(rest) and "|" in rest:
            current, in_table = None, True
            continue
        starts = in_table or rest.startswith("#") or _LIST_ITEM.match(rest) is not None
        if current is None or starts:
            current = _Unit([])
            units.append(current)
        current.lines.append(index)
    for unit in units:
        unit.text = "\n".join(lines[index] for index in unit.lines)
    return units


def _position(unit: _Unit, lines: list[str], offset: int) -> tuple[int, int]:
    """Line index and 1-based column of ``offset`` in ``unit.text``."""
    for index in unit.lines:
        if offset <= len(lines[index]):
            return index, offset + 1
        offset -= len(lines[index]) + 1
    return unit.lines[-1], len(lines[unit.lines[-1]]) + 1


def _emphasis(unit: _Unit, lines: list[str]) -> Problem | None:
    """Where more ``*`` and ``_`` marks than the limit are first open at once."""
    text = unit.text
    depth = deepest = 0
    first = None
    for match in _EMPHASIS.finditer(text):
        run = match.group()
        if run[0] == "\\":
            continue
        start, end = match.span()
        closes = start > 0 and not text[start - 1].isspace()
        opens = end < len(text) and not text[end].isspace()
        if closes and depth:
            depth -= min(depth, len(run))
        elif opens:
            depth += len(run)
            deepest = max(deepest, depth)
            if depth > MAX_EMPHASIS and first is None:
                first = start
    if first is None:
        return None
    line, column = _position(unit, lines, first)
    return Problem(
        line,
        column,
        _(
            "{deepest} emphasis marks (* or _) are open at once in this paragraph; "
            "the limit is {limit}"
        ).format(deepest=deepest, limit=MAX_EMPHASIS),
        _(
            "close each * or _ you open (**bold**, *italic*); "
            "write \\* for a star that is only text"
        ),
    )


def _rescan(unit: _Unit, lines: list[str]) -> tuple[int, Problem | None]:
    """How many characters Python-Markdown reads again to find where each ``[``, ``](``
    and ``<`` ends (to the end of the paragraph when it never does), and the problem to
    report if this paragraph is the worst."""
    text = unit.text
    end = len(text)
    tokens = [m for m in _BRACKETS.finditer(text) if m.group()[0] != "\\"]
    closing_paren: dict[int, int] = {}
    parens: list[int] = []
    closing_angles: list[int] = []
    for match in tokens:
        char, at = match.group(), match.start()
        if char == "(":
            parens.append(at)
        elif char == ")" and parens:
            closing_paren[parens.pop()] = at
        elif char == ">":
            closing_angles.append(at)
    distances: list[tuple[int, int, bool]] = []  # where, how far, never closed
    brackets: list[int] = []
    angle = 0
    for match in tokens:
        char, at = match.group(), match.start()
        if char == "[":
            brackets.append(at)
        elif char == "]" and brackets:
            opened = brackets.pop()
            distances.append((opened, at - opened, False))
            if text.startswith("(", at + 1):
                closes = closing_paren.get(at + 1)
                distances.append((at + 1, (closes or end) - at - 1, closes is None))
        elif char == "<" and _TAG_START.match(text, at + 1):
            while angle < len(closing_angles) and closing_angles[angle] < at:
                angle += 1
            left_open = angle == len(closing_angles)
            closes = end if left_open else closing_angles[angle]
            distances.append((at, closes - at, left_open))
    distances.extend((opened, end - opened, True) for opened in brackets)
    cost = sum(far for _, far, _ in distances)
    far = sorted(at for at, distance, left_open in distances if left_open or distance >= _FAR)
    if not far:
        return cost, None
    line, column = _position(unit, lines, far[0])
    return cost, Problem(
        line,
        column,
        _(
            "this paragraph has {count} brackets ('[', '(' or '<') left open or closed far "
            "away; Markdown would need too long to read it"
        ).format(count=len(far)),
        _(
            "close each bracket near where it opens; write \\[ \\( or \\< for a bracket "
            "that is only text"
        ),
    )


def first_paragraph(body_html: str) -> str:
    match = re.search(r"<p>(.*?)</p>", body_html, re.S)
    if not match:
        return ""
    return " ".join(plain_text(match.group(1), gap="").split())


def plain_text(markup: str, gap: str = " ") -> str:
    """The text of an HTML fragment: tags replaced by ``gap``, entities decoded. Inside a
    paragraph the gap is "" (``<b>CCHC</b>,`` stays ``CCHC,``); between blocks a space."""
    return html.unescape(_TAGS.sub(gap, markup))


def shorten(text: str, limit: int = 220) -> str:
    """Cut plain text at a word boundary, adding an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"

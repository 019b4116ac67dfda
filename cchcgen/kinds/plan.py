"""Plans and other official documents: front matter rules from NĐ 30/2020/NĐ-CP.

A document's address comes from its section, its year and its number and symbol
(``/ke-hoach/2023/13-kh-ubnd/``), never from its file name, so renaming the file keeps
the address printed in its QR code. Its type (``doc_type``) chooses the section
(:data:`SECTIONS`): directing documents, plans or reports; site.yaml's
``document_sections`` chooses which sections the site shows. A document published
elsewhere than ``/ke-hoach/`` keeps the ``/ke-hoach/`` address that every document had
before sections as an old address, because QR codes of it are already printed.
Documents published before they were numbered or dated are accepted with a warning and
rendered with the blanks left as on paper.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import sample, schema
from ..config import DOCUMENT_SECTIONS
from ..content import Attachment, Plan, Signer, Tag
from ..errors import Collector
from ..files import file_inside
from ..markup import APPENDIX_ID_PREFIX, Markdown, Source, plain_text, shorten
from ..messages import N_, _
from ..outputs import (
    Crumb,
    FeedData,
    FeedEntry,
    LayoutContext,
    PageMeta,
    SearchItem,
    SearchRecord,
)
from ..routes import route
from ..schema import Field, Invalid
from ..urls import UnsafePath, fold, safe_relative, slugify
from ..yamlutil import MappingNode, Node, ScalarNode, child
from . import fields
from .base import Body, ItemSearched, Loading, MenuEntry, Planning, View
from .post import key_line

if TYPE_CHECKING:
    from ..config import Agency
    from ..content import Site
    from ..i18n import Locale


# NĐ 30/2020/NĐ-CP Phụ lục III: abbreviation → name of the document type.
DOC_TYPES = {
    "NQ": "NGHỊ QUYẾT",
    "QĐ": "QUYẾT ĐỊNH",
    "CT": "CHỈ THỊ",
    "QC": "QUY CHẾ",
    "QyĐ": "QUY ĐỊNH",
    "TC": "THÔNG CÁO",
    "TB": "THÔNG BÁO",
    "HD": "HƯỚNG DẪN",
    "CTr": "CHƯƠNG TRÌNH",
    "KH": "KẾ HOẠCH",
    "PA": "PHƯƠNG ÁN",
    "ĐA": "ĐỀ ÁN",
    "DA": "DỰ ÁN",
    "BC": "BÁO CÁO",
    "BB": "BIÊN BẢN",
    "TTr": "TỜ TRÌNH",
    "HĐ": "HỢP ĐỒNG",
    "CĐ": "CÔNG ĐIỆN",
    "GM": "GIẤY MỜI",
    "CV": "",  # công văn: no type name, the summary follows "V/v"
}


@dataclass(frozen=True, slots=True)
class Section:
    """Where documents of some types are published: ``/ke-hoach/``, its years and feed."""

    key: str
    """Its first path segment, and its name in site.yaml's ``document_sections``."""
    plural: str
    """Prefix of the route names of its list, years and feed: ``plans``."""
    single: str
    """Route name of one of its documents: ``plan`` (and ``plan_poster``)."""
    doc_types: tuple[str, ...]

    @property
    def routes(self) -> dict[str, str]:
        return {
            self.plural: f"/{self.key}/",
            f"{self.plural}_feed": f"/{self.key}/rss.xml",
            f"{self.plural}_year": f"/{self.key}/{{year}}/",
            self.single: f"/{self.key}/{{year}}/{{slug}}/",
            f"{self.single}_poster": f"/{self.key}/{{year}}/{{slug}}/ma-qr/",
        }


SECTIONS = (
    # Văn bản chỉ đạo, điều hành: what a body decides, directs, announces or asks, and
    # every administrative document that is neither a plan nor a report.
    Section(
        "van-ban-chi-dao",
        "directives",
        "directive",
        ("QĐ", "CT", "CV", "TB", "NQ", "HD", "QC", "QyĐ", "TC", "CĐ", "GM", "HĐ"),
    ),
    # Kế hoạch: documents that set goals, tasks and deadlines for a period.
    Section("ke-hoach", "plans", "plan", ("KH", "CTr", "PA", "ĐA", "DA")),
    # Báo cáo: documents sent up to a superior or recording what happened.
    Section("bao-cao", "reports", "report", ("BC", "TTr", "BB")),
)
SECTION_OF_TYPE = {doc_type: s for s in SECTIONS for doc_type in s.doc_types}
CATCH_ALL = "ke-hoach"
"""The section every document was published in before sections: when shown, it also lists
the documents of the sections a site does not show."""
assert tuple(s.key for s in SECTIONS) == DOCUMENT_SECTIONS
assert set(SECTION_OF_TYPE) == set(DOC_TYPES)


def type_label(doc_type: str) -> str:
    """``Quyết định``: the type's name as a reader says it."""
    name = DOC_TYPES[doc_type]
    return name.capitalize() if name else "Công văn"


def section_of(doc_type: str, shown: tuple[str, ...]) -> Section | None:
    """The shown section that lists a document of ``doc_type``; None when there is none."""
    own = SECTION_OF_TYPE[doc_type]
    for key in (own.key, CATCH_ALL):
        if key in shown:
            return next(s for s in SECTIONS if s.key == key)
    return None


AUTHORITIES = ("none", "TM", "KT", "Q", "TL", "TUQ")
STATUSES = ("active", "superseded", "expired")
ATTACHMENT_KINDS = {
    ".pdf": "PDF",
    ".docx": "DOCX",
    ".doc": "DOC",
    ".xlsx": "XLSX",
    ".xls": "XLS",
    ".odt": "ODT",
    ".ods": "ODS",
    ".zip": "ZIP",
    ".jpg": "JPG",
    ".jpeg": "JPG",
    ".png": "PNG",
}
ARTICLE_RE = re.compile(r"<p>(<strong>)?(Điều \d+[a-zđ]?\.)(</strong>)?")
"""A paragraph that opens an article (NĐ 30/2020: "Điều 1." in bold), bold or not."""
ADDRESSEE_RE = re.compile(r"<p>(?=(?:<strong>)?Kính gửi\b)")
"""The "Kính gửi:" line of a công văn or a báo cáo, set apart under the header."""
SYMBOL_RE = re.compile(r"[A-ZĐ][A-Za-zĐđ&]*(?:-[A-ZĐ][A-Za-zĐđ&.]*)+")
ARCHIVE_LINE = re.compile(r"\s*l[ưu]u\s*(?::|(?=vt\b))\s*(.*?)[\s.;]*", re.I)
"""A recipients line that is the archive line ("Lưu: VT, VP."); the group is what is kept."""


class PartialDate:
    """An issue date whose day (or month) was left blank on the document."""

    def __init__(self, year: int, month: int | None, day: dt.date | None) -> None:
        self.year, self.month, self.day = year, month, day


def _number(node: Node, ctx: schema.Context) -> str:
    value = schema.one_line(node, ctx) if isinstance(node, ScalarNode) else None
    if value is None:
        raise Invalid(_('must be the document\'s number, e.g. "13"'), node=node)
    if value == "":
        return ""
    if not re.fullmatch(r"\d{1,5}", value) or int(value) == 0:
        raise Invalid(
            _("must be the sequence number in digits, got '{value}'").format(value=value),
            _(
                'write only the number before the "/", e.g. number: "13"; '
                'write number: "" for a document not numbered yet'
            ),
            node,
        )
    return f"{int(value):02d}"


def _symbol(node: Node, ctx: schema.Context) -> str:
    value = schema.one_line(node, ctx)
    if not SYMBOL_RE.fullmatch(value):
        raise Invalid(
            _("must be a symbol such as KH-UBND (capitals joined by '-'), got '{value}'").format(
                value=value
            ),
            _("write the part after the '/', e.g. symbol: KH-UBND"),
            node,
        )
    return value


def _issued(node: Node, ctx: schema.Context) -> PartialDate:
    if isinstance(node, ScalarNode):
        raw = node.value.strip()
        match = re.fullmatch(r"(\d{1,2})/(\d{4})|(\d{4})-(\d{1,2})", raw)
        if match:
            month = int(match.group(1) or match.group(4))
            year = int(match.group(2) or match.group(3))
            if not 1 <= month <= 12:
                raise Invalid(
                    _("has no month {month}").format(month=month),
                    _("write mm/yyyy, e.g. 10/2022"),
                    node,
                )
            return PartialDate(year, month, None)
        if re.fullmatch(r"\d{4}", raw):
            return PartialDate(int(raw), None, None)
    day = schema.day(node, ctx)
    return PartialDate(day.year, day.month, day)


def _recipient(node: Node, ctx: schema.Context) -> str:
    """One line of "Nơi nhận"; ``- Lưu: VT`` unquoted (a mapping to YAML) is read as text."""
    if isinstance(node, MappingNode) and len(node.value) == 1:
        key, value = node.value[0]
        if isinstance(key, ScalarNode) and isinstance(value, ScalarNode):
            line = f"{schema.one_line(key, ctx)}: {schema.one_line(value, ctx)}"
            if ARCHIVE_LINE.fullmatch(line):
                return line
    return schema.one_line(node, ctx)


def _attachment_fields() -> tuple[Field, ...]:
    return (
        Field("title", schema.one_line, required=True),
        Field("file", schema.one_line, required=True),
    )


SIGNER_FIELDS = (
    Field("authority", schema.choice(*AUTHORITIES), default="none"),
    Field("on_behalf_of", schema.one_line, default=""),
    Field("head_title", schema.one_line, default=""),
    Field("title", schema.one_line, required=True),
    Field("name", schema.one_line, required=True),
)

ISSUER_FIELDS = (
    Field("parent", schema.one_line, default=""),
    Field("name", schema.one_line, required=True),
    Field("name_in_text", schema.one_line, default=""),
)


FIELDS = (
    Field("doc_type", schema.choice(*DOC_TYPES), required=True),
    Field("number", _number, required=True, blank=True),
    Field("symbol", _symbol, required=True),
    Field("issuer", schema.mapping(ISSUER_FIELDS), required=True),
    Field("place", schema.one_line, required=True),
    Field("issued_date", _issued, required=True),
    Field("title", schema.one_line, required=True),
    Field("issuing_authority", schema.one_line, default=""),
    Field("basis", schema.list_of(schema.one_line), default=()),
    Field("signer", schema.mapping(SIGNER_FIELDS)),
    Field("recipients", schema.list_of(_recipient), default=()),
    Field("archive", schema.one_line, default=""),
    Field("attachments", schema.list_of(schema.mapping(_attachment_fields())), default=()),
    Field("status", schema.choice(*STATUSES), default="active"),
    Field("superseded_by", schema.one_line, default=""),
    Field("published_at", schema.when),
    Field("tags", schema.list_of(schema.tag, allow_scalar=True), default=()),
    Field("summary", schema.one_line, default=""),
    Field("slug", schema.matching(r"[a-z0-9]+(?:-[a-z0-9]+)*", N_("a slug"), "13-kh-ubnd")),
    Field("aliases", fields.ALIASES, default=()),
    Field("qr", schema.boolean, default=True),
    sample.FIELD,
)
"""The front matter of a plan or another document."""


class PlanReader:
    """Turns one plan file's front matter and body into a :class:`Plan`, reporting problems."""

    def __init__(
        self,
        root: Path,
        diags: Collector,
        markdown: Markdown,
        tz: Any,
        sections: tuple[str, ...] = DOCUMENT_SECTIONS,
    ) -> None:
        self.root = root
        self.diags = diags
        self.markdown = markdown
        self.tz = tz
        self.sections = sections
        self.fields = FIELDS

    def read(
        self,
        rel: str,
        front: Node | None,
        context: schema.Context,
        body: str,
        body_line: int,
        key_line: Callable[[str], int],
    ) -> Plan | None:
        errors_before = len(self.diags.items)
        values = schema.read_mapping(front, self.fields, context, N_("the front matter"))
        if any(d.is_error for d in self.diags.items[errors_before:]):
            return None

        def at(key: str) -> tuple[int | None, int | None]:
            return schema.key_position(front, key, context.source)

        signer = self.signer(rel, values["signer"], front, context)
        issued: PartialDate = values["issued_date"]
        number = values["number"]
        doc_type = values["doc_type"]
        symbol = values["symbol"]
        if doc_type != "CV" and symbol.split("-")[0] != doc_type:
            self.diags.warning(
                rel,
                *at("symbol"),
                _("the symbol {symbol} does not start with the type {doc_type}").format(
                    symbol=symbol, doc_type=doc_type
                ),
                _("a {type_name} is usually numbered .../{doc_type}-...").format(
                    type_name=DOC_TYPES[doc_type].lower(), doc_type=doc_type
                ),
            )
        section = section_of(doc_type, self.sections)
        if section is None:
            own = SECTION_OF_TYPE[doc_type].key
            self.diags.error(
                rel,
                *at("doc_type"),
                _(
                    "a {type_name} is published under /{section}/, which this site does not "
                    "show (document_sections in site.yaml)"
                ).format(type_name=type_label(doc_type).lower(), section=own),
                _(
                    "add {section} to document_sections in site.yaml; when shown, {catch_all} "
                    "also lists the documents of the sections a site does not show"
                ).format(section=own, catch_all=CATCH_ALL),
            )
        if not number:
            self.diags.warning(
                rel,
                *at("number"),
                _("the document is published without a number (Số: /{symbol})").format(
                    symbol=symbol
                ),
                _(
                    "add the number when it is registered; set 'slug:' now so the "
                    "address (and its QR code) stays the same"
                ),
            )
        if issued.day is None:
            self.diags.warning(
                rel,
                *at("issued_date"),
                _("the document is published without its day of issue"),
                _("fill in the full date when it is known"),
            )
        attachments = self.attachments(rel, values["attachments"], front, context)
        recipients, archive = self.recipients(rel, values, front, context)
        if values["status"] == "superseded" and not values["superseded_by"]:
            self.diags.error(
                rel,
                *at("status"),
                _("a superseded document needs 'superseded_by'"),
                _(
                    "write the number of the document that replaces it, "
                    "e.g. superseded_by: 15/KH-UBND"
                ),
            )
        if section is None or any(d.is_error for d in self.diags.items[errors_before:]):
            return None

        if values["slug"]:
            slug = values["slug"]
        elif number:
            slug = slugify(f"{number}-{symbol}")
        else:
            slug = slugify(f"{symbol} {values['title']}")
        published = values["published_at"]
        if published is not None:
            published_at = published.value
        else:
            day = issued.day or dt.date(issued.year, issued.month or 1, 1)
            published_at = dt.datetime(day.year, day.month, day.day, tzinfo=self.tz)
        main_text, appendix_text = split_appendix(body)
        rendered = self.markdown.convert(main_text, Source(rel, body_line), self.diags)
        appendix = ""
        if appendix_text:
            appendix_line = body_line + main_text.count("\n")
            appendix = self.markdown.convert(
                appendix_text, Source(rel, appendix_line), self.diags, APPENDIX_ID_PREFIX
            ).html
            appendix = mark_articles(appendix)
        return Plan(
            src=rel,
            line=key_line("number") if not values["slug"] else key_line("slug"),
            slug=slug,
            url=route(section.single, year=issued.year, slug=slug),
            section=section.key,
            year=issued.year,
            doc_type=doc_type,
            doc_type_name=DOC_TYPES[doc_type],
            number=number,
            symbol=symbol,
            issuer_parent=values["issuer"]["parent"],
            issuer_name=values["issuer"]["name"],
            issuer_in_text=values["issuer"]["name_in_text"],
            issuing_authority=values["issuing_authority"],
            place=values["place"],
            issued_date=issued.day,
            issued_month=issued.month,
            title=values["title"],
            basis=values["basis"],
            signer=signer,
            recipients=recipients,
            archive=archive,
            attachments=attachments,
            status=values["status"],
            superseded_by=values["superseded_by"],
            superseded_line=key_line("superseded_by"),
            published_at=published_at,
            published_has_time=published.has_time if published is not None else False,
            tags=tuple(Tag(slugify(t), t) for t in dict.fromkeys(values["tags"])),
            qr=values["qr"],
            summary=values["summary"] or shorten(rendered.first_paragraph) or values["title"],
            body_html=mark_articles(rendered.html),
            appendix_html=appendix,
            aliases=values["aliases"],
            aliases_line=key_line("aliases"),
        )

    def signer(
        self, rel: str, values: dict[str, Any] | None, front: Node | None, context: schema.Context
    ) -> Signer | None:
        if values is None:
            return None
        authority = values["authority"]
        line, column = schema.key_position(front, "signer", context.source)
        if authority == "TM" and not values["on_behalf_of"]:
            self.diags.error(
                rel,
                line,
                column,
                _("a signer with authority TM needs 'on_behalf_of'"),
                _("TM. is followed by the collective: on_behalf_of: ỦY BAN NHÂN DÂN"),
            )
        if authority in ("KT", "Q", "TL", "TUQ") and not values["head_title"]:
            self.diags.error(
                rel,
                line,
                column,
                _("a signer with authority {authority} needs 'head_title'").format(
                    authority=authority
                ),
                _("{authority}. is followed by the head's title, e.g. head_title: GIÁM ĐỐC").format(
                    authority=authority
                ),
            )
        return Signer(
            authority="" if authority == "none" else authority,
            on_behalf_of=values["on_behalf_of"],
            head_title=values["head_title"],
            title=values["title"],
            name=values["name"],
        )

    def recipients(
        self, rel: str, values: dict[str, Any], front: Node | None, context: schema.Context
    ) -> tuple[tuple[str, ...], str]:
        """The recipients and the archive ("Lưu") line, printed once: a "Lưu: ..." line in
        the recipients becomes the archive when 'archive' is not set."""
        recipients: tuple[str, ...] = values["recipients"]
        archive: str = values["archive"]
        found = [(i, m) for i, item in enumerate(recipients) if (m := ARCHIVE_LINE.fullmatch(item))]
        if not found:
            return recipients, archive
        index, match = found[0] if archive or len(found) == 1 else found[1]
        line, column = context.source.position(child(front, "recipients", index))
        if archive:
            self.diags.error(
                rel,
                line,
                column,
                _(
                    "'{line}' is in the recipients and 'archive' is set: "
                    "the document would say Lưu twice"
                ).format(line=recipients[index]),
                _(
                    'remove this line; archive: {archive} prints "Lưu: {archive}" '
                    "at the end of the recipients"
                ).format(archive=archive),
            )
        elif len(found) > 1:
            self.diags.error(
                rel,
                line,
                column,
                _("the recipients have two 'Lưu' lines"),
                _("keep one, or remove both and write it once as archive: VT"),
            )
        elif match.group(1):
            archive = match.group(1)
            recipients = recipients[:index] + recipients[index + 1 :]
        return recipients, archive

    def attachments(
        self,
        rel: str,
        items: tuple[dict[str, Any], ...],
        front: Node | None,
        context: schema.Context,
    ) -> tuple[Attachment, ...]:
        folder = Path(rel).parent.as_posix()
        line, column = schema.key_position(front, "attachments", context.source)
        result = []
        seen: set[str] = set()
        for item in items:
            name = item["file"]
            try:
                src = safe_relative(f"{folder}/{name}")
            except UnsafePath:
                self.diags.error(
                    rel,
                    line,
                    column,
                    _("the attachment '{name}' is not a file in this folder").format(name=name),
                    _("put the file next to the plan and write only its name"),
                )
                continue
            path = self.root / src
            if not file_inside(path, self.root / "content"):
                self.diags.error(
                    rel,
                    line,
                    column,
                    _("the attachment '{name}' does not exist ({path})").format(
                        name=name, path=src
                    ),
                    _("put the file next to the plan, or fix its name"),
                )
                continue
            filename = Path(name).name
            if filename in seen or filename in ("index.html", "qr.svg", "qr.png"):
                self.diags.error(
                    rel,
                    line,
                    column,
                    _("the attachment name '{name}' is used twice or reserved").format(
                        name=filename
                    ),
                    _("rename the file"),
                )
                continue
            seen.add(filename)
            kind = ATTACHMENT_KINDS.get(Path(name).suffix.lower(), Path(name).suffix[1:].upper())
            result.append(Attachment(item["title"], src, filename, kind, path.stat().st_size))
        return tuple(result)


def mark_articles(html: str) -> str:
    """Paragraphs opening with "Điều 1." get the article's bold lead, as NĐ 30/2020 lays
    out a Quyết định (a bold run the editor wrote past the number is kept as written);
    the "Kính gửi:" paragraph is set apart."""

    def lead(match: re.Match[str]) -> str:
        bold_open, article, bold_close = match.groups()
        if bold_open and not bold_close:
            return f'<p class="doc-article"><strong>{article}'
        return f'<p class="doc-article"><strong class="doc-article-lead">{article}</strong>'

    return ADDRESSEE_RE.sub('<p class="doc-to">', ARTICLE_RE.sub(lead, html))


WIDE_TABLE_COLUMNS = 5
"""An appendix with a table this wide prints on landscape pages."""
_ROW = re.compile(r"<tr\b.*?</tr>", re.S)
_CELL = re.compile(r"<t[hd]\b")


def is_wide(html: str) -> bool:
    """Whether ``html`` has a table of at least :data:`WIDE_TABLE_COLUMNS` columns."""
    return any(len(_CELL.findall(row)) >= WIDE_TABLE_COLUMNS for row in _ROW.findall(html))


_HEADING = re.compile(r"#{1,6}\s+(.*)")
_FENCE = re.compile(r"(```|~~~)")


def split_appendix(body: str) -> tuple[str, str]:
    """The document's text and its appendices (Phụ lục), which on paper follow the
    signature and "Nơi nhận" on a page of their own.

    The appendix part starts at the first Markdown heading that opens with "Phụ lục"
    (any case, with or without diacritics) outside a code block.
    """
    in_fence = False
    offset = 0
    for line in body.splitlines(keepends=True):
        stripped = line.strip()
        if _FENCE.match(stripped):
            in_fence = not in_fence
        elif not in_fence and _is_appendix_heading(stripped):
            return body[:offset], body[offset:]
        offset += len(line)
    return body, ""


def _is_appendix_heading(line: str) -> bool:
    heading = _HEADING.fullmatch(line)
    return heading is not None and fold(heading.group(1)).startswith("phu luc")


# ---------------------------------------------------------------- the type

SECTION_BY_KEY = {s.key: s for s in SECTIONS}
_CATCH_ALL_STRINGS = {
    "name": "plans",
    "long": "plans_long",
    "intro": "plans_intro",
    "of_year": "plans_of_year",
    "feed": "feed_plans",
}


@dataclass(frozen=True, slots=True)
class Shelf:
    """A section the site shows, with its documents (newest first)."""

    section: Section
    strings: str
    """Prefix of its page strings (``section_ke_hoach``); "" for the catch-all, which
    says "Kế hoạch, văn bản"."""
    documents: tuple[Plan, ...]

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def list_route(self) -> str:
        return self.section.plural

    @property
    def year_route(self) -> str:
        return f"{self.section.plural}_year"

    @property
    def feed_route(self) -> str:
        return f"{self.section.plural}_feed"

    @property
    def poster_route(self) -> str:
        return f"{self.section.single}_poster"

    def string(self, part: str) -> str:
        """Key of one of its page strings: ``name``, ``long``, ``intro``, ``of_year``, ``feed``."""
        if not self.strings:
            return _CATCH_ALL_STRINGS[part]
        return self.strings if part == "name" else f"{self.strings}_{part}"

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({p.year for p in self.documents}, reverse=True))

    def of_year(self, year: int) -> tuple[Plan, ...]:
        return tuple(p for p in self.documents if p.year == year)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanList(LayoutContext):
    shelf: Shelf
    years: tuple[int, ...]
    """The years listed on the page, newest first."""
    year: int | None
    """The year of a year page; None on the section's page."""
    types: tuple[tuple[str, str, int], ...]
    """The filter's document types: (``QĐ``, ``Quyết định``, how many)."""
    issuers: tuple[tuple[str, int], ...]
    """The filter's issuers, with how many documents each issued."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanView(LayoutContext):
    plan: Plan
    replacement: Plan | None
    """The document that replaces this one."""
    replaces: tuple[Plan, ...]
    poster_url: str
    """The printable QR page; "" when the document has no QR code."""
    landscape: bool
    """The appendix has a wide table and prints on landscape pages."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanPoster(LayoutContext):
    """The printable page with the document's QR code: another view of its page."""

    plan: Plan
    page_url: str

    def canonical_url(self) -> str | None:
        return self.page_url


def issuer_in_text(plan: Plan, agency: Agency) -> str:
    """The issuer as written in running text, for metadata: ``Sở Khoa học và Công nghệ``.

    The header gives it in capitals, and capitals cannot be turned back into Vietnamese
    case by rule (proper names keep their capitals), so: the front matter's
    ``issuer.name_in_text``, else the site's own agency or its parent when the capitals
    are theirs, else the capitals as on the document."""
    if plan.issuer_in_text:
        return plan.issuer_in_text
    for name in (agency.name, agency.parent):
        if name and name.upper() == plan.issuer_name.upper():
            return name
    return plan.issuer_name


def feed_entry(plan: Plan) -> FeedEntry:
    return FeedEntry(
        plan.display_title,
        plan.url,
        plan.published_at,
        plan.summary,
        tuple(t.name for t in plan.tags),
    )


def _plan_years(site: Site) -> tuple[int, ...]:
    return tuple(sorted({p.year for p in site.plans}, reverse=True))


def _plans_of_year(site: Site, year: int) -> tuple[Plan, ...]:
    return tuple(p for p in site.plans if p.year == year)


def _shelves(site: Site) -> tuple[Shelf, ...]:
    """The sections the site shows that have documents, in site.yaml's order."""
    shown: tuple[str, ...] = site.config.document_sections
    takes_others = any(s.key not in shown for s in SECTIONS)
    shelves = []
    for key in shown:
        documents = tuple(p for p in site.plans if p.section == key)
        if documents:
            catch_all = key == CATCH_ALL and takes_others
            strings = "" if catch_all else "section_" + key.replace("-", "_")
            shelves.append(Shelf(SECTION_BY_KEY[key], strings, documents))
    return tuple(shelves)


def _plan_by_reference(site: Site, reference: str) -> Plan | None:
    """The plan an editor means by a full number (``15/KH-UBND``) or a site URL, new or old."""
    plans: tuple[Plan, ...] = site.plans
    for plan in plans:
        if _is_named(plan, reference):
            return plan
    return None


def _is_named(plan: Plan, reference: str) -> bool:
    addresses = (plan.url, *plan.aliases)
    return reference == plan.full_number or any(
        reference in (url, url.rstrip("/")) for url in addresses
    )


def type_counts(documents: Iterable[Plan]) -> tuple[tuple[str, str, int], ...]:
    """The document types among ``documents``, in NĐ 30/2020's order, with their counts."""
    counts: dict[str, int] = {}
    for plan in documents:
        counts[plan.doc_type] = counts.get(plan.doc_type, 0) + 1
    return tuple((t, type_label(t), counts[t]) for t in DOC_TYPES if t in counts)


def issuer_counts(documents: Iterable[Plan]) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = {}
    for plan in documents:
        counts[plan.issuer_name] = counts.get(plan.issuer_name, 0) + 1
    return tuple(sorted(counts.items(), key=lambda item: (fold(item[0]), item[0])))


def with_old_addresses(plans: list[Plan]) -> list[Plan]:
    """A document published outside /ke-hoach/ keeps /ke-hoach/<year>/<slug>/, where every
    document was before sections, as an old address, unless another document has it."""
    taken = {url for p in plans for url in (p.url, *p.aliases)}
    result = []
    for plan in plans:
        if plan.section != CATCH_ALL:
            old = route(SECTION_BY_KEY[CATCH_ALL].single, year=plan.year, slug=plan.slug)
            if old not in taken:
                taken.add(old)
                plan = replace(plan, aliases=(*plan.aliases, old))
        result.append(plan)
    return result


def check_plans(diags: Collector, plans: list[Plan]) -> None:
    """Numbers are unique per issuer and year; replacements must exist."""
    seen: dict[tuple[str, int, str], Plan] = {}
    for plan in plans:
        if not plan.number:
            continue
        key = (plan.issuer_name, plan.year, plan.full_number)
        if key in seen:
            diags.error(
                plan.src,
                plan.line,
                None,
                _("the number {number} of {year} is already used by {file}").format(
                    number=plan.full_number, year=plan.year, file=seen[key].src
                ),
                _("each document of an issuer has its own number in a year"),
            )
        else:
            seen[key] = plan
    for plan in plans:
        if plan.superseded_by and not any(
            _is_named(other, plan.superseded_by) for other in plans if other is not plan
        ):
            diags.error(
                plan.src,
                plan.superseded_line,
                None,
                _(
                    "'superseded_by' names {name}, which is not a published document of this site"
                ).format(name=plan.superseded_by),
                _("write the number (15/KH-UBND) or the address of the new plan"),
            )


def _search_record(plan: Plan, section: str, date: str, letter: str) -> SearchRecord:
    """``letter``: what a document with no type is called (công văn)."""
    text = " ".join(
        (plan.issuer_name, *plan.basis, plain_text(plan.body_html), plain_text(plan.appendix_html))
    )
    return SearchRecord(
        plan.url,
        section,
        plan.display_title,
        date,
        plan.summary,
        text,
        (plan.full_number,) if plan.number else (),
        kind=plan.doc_type_name.capitalize() or letter,
    )


class PlanType(ItemSearched):
    name = "plan"
    title = "Plans and other documents"
    where = "content/plans/**/*.md"
    intro = (
        "The front matter of a plan or other official document; the body is the document's "
        "text. Its doc_type chooses its section: van-ban-chi-dao, ke-hoach or bao-cao."
    )
    fields = FIELDS
    order = 30
    provides = {"plans": ()}
    routes = {name: pattern for section in SECTIONS for name, pattern in section.routes.items()}
    views = {
        "plan_years": View(_plan_years, ("plans",)),
        "plans_of_year": View(_plans_of_year, ("plans",), method=True),
        "document_shelves": View(_shelves, ("plans",)),
        "plan_by_reference": View(_plan_by_reference, ("plans",), method=True),
    }
    searched = ("plans",)
    search_section = "search_section_plan"
    sitemap_parts = ((20, "partials/sitemap/plans.html"),)
    home_parts = (("main", 20, "partials/home/plans.html"),)

    def cache_env(self, loading: Loading) -> Any:
        # attachments beside the plans; the sections shown decide each document's address
        return (loading.listing("plans", ".md"), loading.config.document_sections)

    def load(self, loading: Loading, loaded: Mapping[str, Any]) -> Mapping[str, Any]:
        config = loading.config
        reader = PlanReader(
            loading.root,
            loading.diags,
            loading.markdown,
            config.timezone,
            config.document_sections,
        )

        def read(path: Path, rel: str) -> Plan | None:
            file = loading.parse(path, rel)
            if file is None:
                return None
            return reader.read(
                rel,
                file.front,
                loading.context(file.front_source),
                file.body,
                file.body_line,
                lambda key: key_line(file, key),
            )

        plans = []
        for plan in loading.load_many("plan", loading.files("plans", ".md"), read):
            if plan is None:
                continue
            if plan.published_at <= loading.now or loading.future:
                plans.append(plan)
            else:
                loading.due(plan.published_at)
        plans = with_old_addresses(plans)
        check_plans(loading.diags, plans)
        plans.sort(key=lambda p: p.full_number)
        plans.sort(
            key=lambda p: (p.year, p.issued_month or 0, p.issued_date or dt.date.min), reverse=True
        )
        return {"plans": tuple(plans)}

    def new_file(
        self, title: str, slug: str, now: dt.datetime, agency: Agency | None
    ) -> tuple[str, dict[str, object], str]:
        """A plan to fill in; its issuer is the site's agency, in capitals as on paper."""
        front: dict[str, object] = {
            "doc_type": "KH",
            "number": "",
            "symbol": "KH-UBND",
            "issuer": {
                "parent": agency.parent.upper() if agency else "",
                "name": agency.name.upper() if agency else "ỦY BAN NHÂN DÂN ...",
            },
            "place": "...",
            "issued_date": now.strftime("%d/%m/%Y"),
            "title": title,
            "basis": [],
            "signer": {
                "authority": "TM",
                "on_behalf_of": "ỦY BAN NHÂN DÂN",
                "title": "CHỦ TỊCH",
                "name": "...",
            },
            "recipients": [],
            "archive": "VT, VP",
            "attachments": [],
            "status": "active",
            "published_at": now.strftime("%d/%m/%Y %H:%M"),
            "tags": ["Kế hoạch"],
            "slug": slug,
        }
        body = (
            "Chép nội dung văn bản ở đây, giữ nguyên số thứ tự các phần: dùng `## I. ...` "
            "cho phần, `### 1. ...` cho mục, và đoạn bắt đầu bằng `a) ...` cho điểm.\n\n"
            "Điền số văn bản (`number`) khi đã vào sổ; trường `slug` giữ nguyên địa chỉ "
            "trang (và mã QR đã in) khi thêm số sau.\n"
        )
        return f"content/plans/{now.year}/{slug}.md", front, body

    def feed_links(self, site: Site, locale: Locale) -> Iterable[tuple[str, str]]:
        shelves: tuple[Shelf, ...] = site.document_shelves
        return ((locale.t(s.string("feed")), route(s.feed_route)) for s in shelves)

    def menu(self, site: Site, locale: Locale) -> Iterable[tuple[int, MenuEntry]]:
        shelves: tuple[Shelf, ...] = site.document_shelves
        for index, shelf in enumerate(shelves):
            yield (
                20 + index,
                MenuEntry(locale.t(shelf.string("name")), route(shelf.list_route), False),
            )

    def feed_entries(self, site: Site) -> Iterable[FeedEntry]:
        return (feed_entry(p) for p in site.plans)

    def bodies(self, site: Site) -> Iterable[Body]:
        return (Body(p.src, p.url, p.body_html + p.appendix_html) for p in site.plans)

    def search_items(self, site: Site, locale: Locale) -> Iterable[SearchItem]:
        section, letter = locale.t(self.search_section), locale.t("search_kind_letter")
        for plan in site.plans:
            date = locale.date_short(plan.published_at)
            record = functools.partial(_search_record, plan, section, date, letter)
            yield SearchItem(date, (self.name, plan), record)

    def plan(self, planning: Planning) -> None:
        shelves: tuple[Shelf, ...] = planning.site.document_shelves
        for shelf in shelves:
            self.plan_shelf(planning, shelf)

    def plan_shelf(self, planning: Planning, shelf: Shelf) -> None:
        """A section's page, its year pages, its documents and its feed."""
        site, t, home = planning.site, planning.t, planning.home
        list_url = route(shelf.list_route)
        name = t(shelf.string("name"))
        crumb = Crumb(name, list_url)
        feeds = ((t(shelf.string("feed")), route(shelf.feed_route)), *planning.all_feeds)
        meta = PageMeta(
            kind="plans",
            title=t(shelf.string("long")),
            description=t(shelf.string("intro")),
            url=list_url,
            breadcrumbs=(home, Crumb(name, None)),
            feeds=feeds,
        )
        planning.page(
            list_url,
            "plans.html",
            meta,
            "content/plans",
            _list_context(shelf, shelf.years, None, shelf.documents),
            lastmod=max(p.lastmod for p in shelf.documents),
        )
        for year in shelf.years:
            url = route(shelf.year_route, year=year)
            title = t(shelf.string("of_year"), year=year)
            meta = PageMeta(
                kind="plans_year",
                title=title,
                description=title,
                url=url,
                breadcrumbs=(home, crumb, Crumb(str(year), None)),
                feeds=feeds,
            )
            documents = shelf.of_year(year)
            planning.page(
                url,
                "plans.html",
                meta,
                "content/plans",
                _list_context(shelf, (year,), year, documents),
                lastmod=max(p.lastmod for p in documents),
            )
        for plan in shelf.documents:
            self.plan_one(planning, plan, shelf, crumb, feeds)
        entries = sorted(
            (feed_entry(p) for p in shelf.documents), key=lambda e: (e.date, e.url), reverse=True
        )
        planning.feed(
            route(shelf.feed_route),
            FeedData(
                f"{t(shelf.string('long'))} – {site.config.title}",
                t(shelf.string("intro")),
                list_url,
                tuple(entries[: site.config.feed_items]),
            ),
            "content/plans",
        )

    def plan_one(
        self,
        planning: Planning,
        plan: Plan,
        shelf: Shelf,
        crumb: Crumb,
        feeds: tuple[tuple[str, str], ...],
    ) -> None:
        site, t = planning.site, planning.t
        replacement = site.plan_by_reference(plan.superseded_by) if plan.superseded_by else None
        replaces = tuple(
            p
            for p in site.plans
            if p.superseded_by and site.plan_by_reference(p.superseded_by) is plan
        )
        year_crumb = Crumb(str(plan.year), route(shelf.year_route, year=plan.year))
        short = plan.full_number if plan.number else plan.title
        crumbs = (planning.home, crumb, year_crumb, Crumb(short, None))
        meta = PageMeta(
            kind="plan",
            title=plan.display_title,
            description=plan.summary,
            url=plan.url,
            breadcrumbs=crumbs,
            og_type="article",
            published=plan.published_at,
            subjects=tuple(tag.name for tag in plan.tags),
            creator=issuer_in_text(plan, site.config.agency),
            feeds=feeds,
        )
        poster = route(shelf.poster_route, year=plan.year, slug=plan.slug) if plan.qr else ""
        planning.page(
            plan.url,
            "plan.html",
            meta,
            plan.src,
            PlanView(
                plan=plan,
                replacement=replacement,
                replaces=replaces,
                poster_url=poster,
                landscape=is_wide(plan.appendix_html),
            ),
            lastmod=plan.lastmod,
            line=plan.line,
        )
        if plan.qr:
            planning.qr_files(plan.url, plan.display_title, plan.src, plan.line)
            poster_meta = PageMeta(
                kind="qr_poster",
                title=f"{t('qr_poster')}: {plan.display_title}",
                description=plan.summary,
                url=poster,
                breadcrumbs=crumbs[:-1] + (Crumb(short, plan.url), Crumb(t("qr_poster"), None)),
                indexable=False,
            )
            planning.page(
                poster,
                "plan_qr.html",
                poster_meta,
                plan.src,
                PlanPoster(plan=plan, page_url=plan.url),
                sitemap=False,
                line=plan.line,
            )
        for attachment in plan.attachments:
            planning.copy(plan.url + attachment.filename, attachment.src, plan.src, plan.line)
        planning.aliases(plan)


def _list_context(
    shelf: Shelf, years: tuple[int, ...], year: int | None, documents: tuple[Plan, ...]
) -> PlanList:
    return PlanList(
        shelf=shelf,
        years=years,
        year=year,
        types=type_counts(documents),
        issuers=issuer_counts(documents),
    )


TYPE = PlanType()

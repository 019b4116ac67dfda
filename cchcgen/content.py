"""The content types, as frozen dataclasses. No I/O here.

Objects are fully valid once built: :mod:`cchcgen.loader` rejects anything
invalid before constructing them. Field docstrings double as the template API.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .config import SiteConfig
from .routes import route


@dataclass(frozen=True, slots=True)
class Tag:
    slug: str
    """ASCII slug used in ``/chu-de/<slug>/``."""
    name: str
    """Display name as editors wrote it: ``Thủ tục hành chính``."""

    @property
    def url(self) -> str:
        return route("topic", slug=self.slug)


@dataclass(frozen=True, slots=True)
class Post:
    """A news post (tin bài) from ``content/posts/**/*.md``."""

    src: str
    """Site-relative source file: ``content/posts/2023/ke-hoach.md``."""
    line: int
    """Line that decides the address (``slug:``, else the first line), for error messages."""
    slug: str
    url: str
    """Site URL: ``/tin-tuc/ke-hoach/``."""
    title: str
    date: dt.datetime
    """Publication moment, timezone-aware."""
    has_time: bool
    """False when the editor gave a date only; the time is then not shown."""
    summary: str
    """Front matter ``summary``, else the first paragraph as plain text."""
    lead: str
    """The summary as the editor wrote it (shown in bold above the body), or empty."""
    body_html: str
    tags: tuple[Tag, ...]
    category: str
    author: str
    source: str
    """Nguồn tin."""
    image: str | None
    """Site URL of the illustration (``/images/a.jpg``) or an absolute URL."""
    image_alt: str
    draft: bool
    expiry_date: dt.datetime | None
    updated: dt.datetime | None
    aliases: tuple[str, ...]
    """Old site URLs that redirect here."""
    aliases_line: int
    """Line of ``aliases:`` in the source, for error messages."""
    tags_line: int = 1
    """Line of ``tags:`` in the source, for warnings about a tag's spelling."""
    category_line: int = 1
    """Line of ``category:`` in the source, for the warning about an unknown category."""
    category_slug: str = ""
    """The category's slug when it is one of the site's ``news_categories``, else empty."""

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def category_url(self) -> str | None:
        """``/chuyen-muc/<slug>/`` when the category is one of the site's, else None."""
        return route("news_category", slug=self.category_slug) if self.category_slug else None

    @property
    def lastmod(self) -> dt.datetime:
        return self.updated or self.date


@dataclass(frozen=True, slots=True)
class Page:
    """A standalone page from ``content/pages/*.md``: ``/<slug>/``."""

    src: str
    line: int
    slug: str
    url: str
    title: str
    summary: str
    body_html: str
    updated: dt.datetime | None
    draft: bool
    aliases: tuple[str, ...]
    aliases_line: int
    weight: int
    """Order in the HTML sitemap and default menu: lower first."""


@dataclass(frozen=True, slots=True)
class Signer:
    """Who signed a document, with the authority prefix of NĐ 30/2020 (TM., KT., Q., TL., TUQ.)."""

    authority: str
    """"" (signs in their own right), TM, KT, Q, TL or TUQ."""
    on_behalf_of: str
    """The collective after ``TM.``: ``ỦY BAN NHÂN DÂN``."""
    head_title: str
    """The head's title after ``KT.``, ``Q.``, ``TL.``, ``TUQ.``: ``GIÁM ĐỐC``."""
    title: str
    """The signer's own title: ``PHÓ GIÁM ĐỐC``."""
    name: str

    @property
    def lines(self) -> tuple[str, ...]:
        """The capitalised lines above the name, e.g. ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")."""
        if self.authority == "TM":
            if self.head_title:  # TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH
                return (f"TM. {self.on_behalf_of}", f"KT. {self.head_title}", self.title)
            return (f"TM. {self.on_behalf_of}", self.title)
        if self.authority == "Q":
            return (f"Q. {self.head_title}",)
        if self.authority:
            return (f"{self.authority}. {self.head_title}", self.title)
        return (self.title,)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file published beside a plan's page (signed PDF, DOCX, ...)."""

    title: str
    src: str
    """Site-relative source file."""
    filename: str
    """Name of the copy beside the page."""
    kind: str
    """PDF, DOCX, ... from the file name."""
    size: int
    """Bytes."""


@dataclass(frozen=True, slots=True)
class Plan:
    """A plan or other official document from ``content/plans/**/*.md``."""

    src: str
    line: int
    slug: str
    url: str
    """Site URL: ``/ke-hoach/2023/13-kh-ubnd/``."""
    section: str
    """The section that lists it (``ke-hoach``), chosen by its type and site.yaml."""
    year: int
    doc_type: str
    """Abbreviation (NĐ 30/2020 Phụ lục III): ``KH``."""
    doc_type_name: str
    """Name in capitals: ``KẾ HOẠCH``; empty for a công văn."""
    number: str
    """Zero-padded sequence number ``05``, or "" when the document was published unnumbered."""
    symbol: str
    """``KH-UBND``."""
    issuer_parent: str
    issuer_name: str
    place: str
    issued_date: dt.date | None
    """None when the day was left blank on the document."""
    issued_month: int | None
    """Known month when only the month and year were filled in."""
    title: str
    """Trích yếu."""
    basis: tuple[str, ...]
    signer: Signer | None
    recipients: tuple[str, ...]
    archive: str
    attachments: tuple[Attachment, ...]
    status: str
    """active, superseded or expired."""
    superseded_by: str
    """Full number or site URL of the replacing document, as the editor wrote it."""
    superseded_line: int
    published_at: dt.datetime
    published_has_time: bool
    tags: tuple[Tag, ...]
    qr: bool
    summary: str
    body_html: str
    appendix_html: str
    """The Phụ lục part of the body ("" when there is none), printed after the signature."""
    aliases: tuple[str, ...]
    aliases_line: int
    issuer_in_text: str = ""
    """The issuer as written in running text (``Sở Khoa học và Công nghệ``), if given."""
    issuing_authority: str = ""
    """Who decides, printed between the title and the basis (NĐ 30/2020's thẩm quyền ban
    hành): ``CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ MINH HÒA AN``; "" when the document has none."""

    @property
    def full_number(self) -> str:
        """``13/KH-UBND``; ``/KH-SXD`` when unnumbered."""
        return f"{self.number}/{self.symbol}"

    @property
    def display_title(self) -> str:
        """``Kế hoạch 13/KH-UBND: Tuyên truyền ...`` for lists and feeds."""
        kind = self.doc_type_name.capitalize() if self.doc_type_name else "Công văn"
        number = f" {self.full_number}" if self.number else ""
        return f"{kind}{number}: {self.title}"

    @property
    def date(self) -> dt.datetime:
        return self.published_at

    @property
    def lastmod(self) -> dt.datetime:
        return self.published_at

    @property
    def in_force(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True, slots=True)
class StaticFile:
    """A file from ``content/static/`` copied as is to the same path under the output."""

    src: str
    """Site-relative source: ``content/static/images/a.png``."""
    output: str
    """Output path: ``images/a.png``."""


@dataclass(frozen=True, slots=True)
class TagGroup:
    tag: Tag
    posts: tuple[Post, ...]
    """Newest first."""


# ---------------------------------------------------------------- procedures (TTHC)


@dataclass(frozen=True, slots=True)
class Sector:
    """Lĩnh vực: ``ho-tich`` / ``Hộ tịch``."""

    code: str
    name: str

    @property
    def url(self) -> str:
        return route("sector", code=self.code)


@dataclass(frozen=True, slots=True)
class Step:
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class ProcessingTime:
    text: str
    """Verbatim, always shown; never rebuilt from ``value``."""
    value: float | None
    unit: str | None
    """working_day, day or hour."""


@dataclass(frozen=True, slots=True)
class Fee:
    kind: str
    """le_phi or phi."""
    text: str
    """Verbatim, always shown."""
    amount_vnd: int | None


@dataclass(frozen=True, slots=True)
class Method:
    """One way to submit (Cách thức thực hiện), with its own time limit and fees."""

    channel: str
    """direct, online or postal."""
    processing_time: ProcessingTime
    fees: tuple[Fee, ...]
    description: str


@dataclass(frozen=True, slots=True)
class Form:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class DossierDocument:
    name: str
    originals: int
    copies: int
    note: str
    form: Form | None


@dataclass(frozen=True, slots=True)
class Case:
    """Thành phần hồ sơ for one case (trường hợp)."""

    name: str
    dossier_sets: int | None
    documents: tuple[DossierDocument, ...]


@dataclass(frozen=True, slots=True)
class LegalDocument:
    number: str
    title: str
    issued: dt.date | None
    issuer: str


@dataclass(frozen=True, slots=True)
class OnlineService:
    level: str
    """toan_trinh, mot_phan or khong; "" when a list-only record does not say."""
    legacy_level: int | None
    partial_reason: str
    url: str
    """The national portal's page: ``national_url`` or the site's template filled with the code."""


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of a procedure's history, or its latest announcement."""

    date: dt.date
    change_type: str
    """new, amended, replaced or abolished."""
    decision: str
    """Number of the Quyết định công bố: ``2215/QĐ-UBND``."""
    issuer: str = ""
    url: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Agencies:
    executing: tuple[str, ...]
    competent: tuple[str, ...]
    authorized: tuple[str, ...]
    coordinating: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    url: str
    retrieved: dt.date


@dataclass(frozen=True, slots=True)
class Procedure:
    """An administrative procedure (thủ tục hành chính) from ``content/procedures/<code>.yaml``."""

    src: str
    line: int
    """Line of ``code:``."""
    lines: Mapping[str, int] = field(hash=False, compare=False)
    """Lines of the keys that later checks point at: replaced_by, related, retrieved."""
    code: str
    """``1.001193``: the national database code, also the address."""
    local_code: str
    name: str
    short_name: str
    procedure_type: str
    sector: Sector
    levels: tuple[str, ...]
    """bo, tinh, huyen (legacy), xa, khac; in that order."""
    subjects: tuple[str, ...]
    agencies: Agencies
    receiving_addresses: tuple[str, ...]
    steps: tuple[Step, ...]
    methods: tuple[Method, ...]
    cases: tuple[Case, ...]
    requirements: tuple[str, ...]
    results: tuple[str, ...]
    legal_basis: tuple[LegalDocument, ...]
    fee_legal_basis: tuple[LegalDocument, ...]
    related: tuple[str, ...]
    keywords: tuple[str, ...]
    online_service: OnlineService
    announcement: Change
    status: str
    """active, replaced, abolished, expired or pending."""
    effective_from: dt.date | None
    effective_to: dt.date | None
    replaced_by: str
    history: tuple[Change, ...]
    """Oldest first; the announcement is included when the editor did not list it."""
    detail_level: str
    """full or list_only."""
    featured: bool
    source: Source
    reviewed_on: dt.date | None
    reviewed_by: str

    @property
    def url(self) -> str:
        return route("procedure", code=self.code)

    @property
    def in_force(self) -> bool:
        """Shown in the current listings; the others keep their pages with a banner."""
        return self.status == "active"

    @property
    def processing_time(self) -> str:
        """The first method's time limit, for one-line listings."""
        return self.methods[0].processing_time.text if self.methods else ""

    @property
    def display_title(self) -> str:
        return f"{self.name} ({self.code})"


@dataclass(frozen=True, slots=True)
class Site:
    """Everything a build publishes, validated.

    The content of each type is an entry (``site.posts``, ``site.plans``, ``site.contact``)
    and each type's views are computed values (``site.years``, ``site.sectors``); both are
    declared by the content types (:mod:`cchcgen.kinds`), not here.
    """

    config: SiteConfig
    static: tuple[StaticFile, ...]
    now: dt.datetime
    """The build's "now": SOURCE_DATE_EPOCH if set, else the clock."""
    entries: Mapping[str, Any] = field(default_factory=dict)
    """Content by entry name; a type's entry that was not loaded has its empty value."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "entries":  # copy and pickle probe these
            raise AttributeError(name)
        entries = self.entries
        if name in entries:
            return entries[name]
        from . import kinds

        view = kinds.views().get(name)
        if view is not None:
            if view.method:
                return functools.partial(view.compute, self)
            return _view_value(self, name, view.compute)
        defaults = kinds.defaults()
        if name in defaults:
            return defaults[name]
        raise AttributeError(f"site has no {name!r}")

    def entry(self, name: str) -> Any:
        """The content of entry ``name`` (``posts``): its empty value when none was loaded."""
        return getattr(self, name)

    @property
    def searchable(self) -> bool:
        """True when there is anything to search in (the search page is built only then)."""
        from . import kinds

        return any(self.entry(e) for kind in kinds.registry() for e in kind.searched)


_views: tuple[Site | None, dict[str, Any]] = (None, {})
"""The views computed for the last site asked: a layout reads ``site.years`` on every page."""


def _view_value(site: Site, name: str, compute: Callable[[Site], Any]) -> Any:
    """``compute(site)``, once per site (a site is frozen, and views read only its content)."""
    global _views
    known, values = _views
    if known is not site:
        _views = known, values = site, {}
    if name not in values:
        values[name] = compute(site)
    return values[name]


# ---------------------------------------------------------------- hotline, feedback, indices


@dataclass(frozen=True, slots=True)
class Hotline:
    label: str
    purpose: str
    """pakn, one_stop, leader, dvc_support or other."""
    number: str
    """As shown: ``0227 3000 111``."""
    e164: str
    """For ``tel:`` links: ``+842273000111`` or a short code such as ``1022``."""
    hours: str
    owner: str


@dataclass(frozen=True, slots=True)
class ContactPoint:
    name: str
    position: str
    unit: str
    phone: str
    email: str


@dataclass(frozen=True, slots=True)
class WorkingHours:
    days: tuple[str, ...]
    """mon … sun, in week order."""
    sessions: tuple[tuple[str, str], ...]
    """(start, end) of the morning and the afternoon: ``("07:00", "11:30")``."""


@dataclass(frozen=True, slots=True)
class OneStop:
    name: str
    address: str
    counters: int | None
    working_hours: tuple[WorkingHours, ...]


@dataclass(frozen=True, slots=True)
class Channel:
    type: str
    """postal, in_person, phone, email, national_portal or provincial_system."""
    value: str


@dataclass(frozen=True, slots=True)
class ContactInfo:
    """``content/hotline.yaml``: where citizens call, write or go."""

    agency_name: str
    agency_parent: str
    address: str
    mailing_address: str
    phone: str
    fax: str
    email: str
    website: str
    hotlines: tuple[Hotline, ...]
    contact_points: tuple[ContactPoint, ...]
    one_stop: OneStop
    channels: tuple[Channel, ...]
    links: tuple[tuple[str, str], ...]
    """(kind, URL): national_portal, provincial_portal, satisfaction_survey, dossier_lookup,
    postal_service, appointment."""
    verified_at: dt.date

    @property
    def feedback_hotline(self) -> Hotline:
        """The first hotline for feedback (pakn); the loader makes sure there is one."""
        return next(h for h in self.hotlines if h.purpose == "pakn")

    def link(self, kind: str) -> str:
        return dict(self.links).get(kind, "")


@dataclass(frozen=True, slots=True)
class Answer:
    date: dt.date
    by: str
    document_number: str
    body: str


@dataclass(frozen=True, slots=True)
class Feedback:
    """A published citizen feedback item (phản ánh, kiến nghị) with the agency's answer."""

    src: str
    line: int
    id: str
    slug: str
    received_date: dt.date
    channel: str
    category: str
    title: str
    question: str
    submitter: str
    locality: str
    related_procedure: str
    handling_agency: str
    status: str
    answer: Answer | None
    published_at: dt.datetime

    @property
    def url(self) -> str:
        return route("feedback", slug=self.slug)


@dataclass(frozen=True, slots=True)
class IndexResult:
    """One year's result of a reform index (PAR INDEX, SIPAS, PAPI, ...)."""

    index: str
    year: int
    unit: str
    score: float
    max_score: float
    rank: int | None
    of: int | None
    classification: str
    decision_number: str
    decision_date: dt.date | None
    source_url: str
    scope: str = "province"
    """province: the province's result among provinces (PAR INDEX by the Ministry of Home
    Affairs, PAPI, ...); unit: the unit's own result where the province scores its
    communes or departments."""
    scored_by: str = ""
    """Who scored it: ``UBND tỉnh Thái Bình``; "" when the index says it (PAR INDEX, PAPI)."""
    measure: str = "points"
    """The unit of the score: percent (``86,95%``) or points (``43,35/80``)."""

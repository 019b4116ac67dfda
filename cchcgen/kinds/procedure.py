"""Procedure records (thủ tục hành chính): ``content/procedures/<code>.yaml`` → :class:`Procedure`.

The rules are those of NĐ 63/2010 as amended by NĐ 92/2017:
a record published in full carries every legally required component; an online service
offered only in part says why; a replaced procedure names its replacement; the record
says when it was last checked against its source, and grows stale after 90 days (365 for
a list-only record). Text is kept verbatim: a fee or a time limit is shown as written,
never rebuilt from numbers.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import opendata, sample, schema
from ..config import SiteConfig
from ..content import (
    Agencies,
    Case,
    Change,
    DossierDocument,
    Fee,
    Form,
    LegalDocument,
    Method,
    OnlineService,
    Procedure,
    ProcessingTime,
    Sector,
    Source,
    Step,
)
from ..errors import Collector
from ..messages import N_, _
from ..outputs import (
    Crumb,
    DataFile,
    FeedData,
    FeedEntry,
    Kind,
    LayoutContext,
    PageMeta,
    SearchItem,
    SearchRecord,
    Target,
)
from ..routes import route
from ..schema import Field, Invalid
from ..urls import fold, output_path
from ..yamlutil import Node, ScalarNode, YamlSource, child
from .base import Body, ItemSearched, Loading, MenuEntry, Planning, View

if TYPE_CHECKING:
    from ..content import Site
    from ..i18n import Locale


CODE_RE = r"[1-3]\.\d{6}"
LOCAL_CODE_RE = r"[1-3]\.\d{6}(?:\.\d{3}\.\d{2}\.\d{2}\.H\d{2}|\.H\d{2})?"
LEVELS = ("bo", "tinh", "huyen", "xa", "khac")
"""Cấp thực hiện, from the top down; ``huyen`` is kept for records from before 2025."""
CHANNELS = ("direct", "online", "postal")
ONLINE_LEVELS = ("toan_trinh", "mot_phan", "khong")
CHANGE_TYPES = ("new", "amended", "replaced", "abolished")
STATUSES = ("active", "replaced", "abolished", "expired", "pending")
LIST_ONLY_STALE_DAYS = 365
CARDS_PER_SHEET = 9
"""Cards on one A4 page of a sector's QR poster: 3 × 3, each code 50 mm wide (1 mm modules
or more, readable from about 50 cm; the stylesheet's sizes depend on this number)."""

_code = schema.matching(CODE_RE, N_("a procedure code of the form N.NNNNNN"), '"1.001193"')
_slug = schema.matching(r"[a-z0-9]+(?:-[a-z0-9]+)*", N_("a slug"), "ho-tich")
_texts = schema.list_of(schema.one_line, allow_scalar=True)


def _count(node: Node, ctx: schema.Context) -> int:
    count: int = schema.integer(0, 100)(node, ctx)
    return count


def _amount(node: Node, ctx: schema.Context) -> int:
    amount: int = schema.integer(0, 10_000_000_000)(node, ctx)
    return amount


def _number(node: Node, ctx: schema.Context) -> float:
    value = schema.one_line(node, ctx)
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise Invalid(
            _("must be a number, got '{value}'").format(value=value), _("for example: 3"), node
        ) from None
    if number < 0:
        raise Invalid(_("must not be negative, got '{value}'").format(value=value), node=node)
    return number


SECTOR = (Field("code", _slug, required=True), Field("name", schema.one_line, required=True))
AGENCIES = tuple(
    Field(name, _texts, default=())
    for name in ("executing", "competent", "authorized", "coordinating")
)
STEP = (Field("title", schema.one_line, required=True), Field("body", schema.text, default=""))
PROCESSING_TIME = (
    Field("text", schema.text, required=True),
    Field("value", _number),
    Field("unit", schema.choice("working_day", "day", "hour")),
    Field("stages", _texts, default=()),
)
FEE = (
    Field("kind", schema.choice("le_phi", "phi"), default="le_phi"),
    Field("text", schema.text, required=True),
    Field("amount_vnd", _amount),
    Field("exempt", schema.boolean, default=False),
)
METHOD = (
    Field("channel", schema.choice(*CHANNELS), required=True),
    Field("processing_time", schema.mapping(PROCESSING_TIME), required=True),
    Field("fees", schema.list_of(schema.mapping(FEE)), default=()),
    Field("description", schema.text, default=""),
)
FORM = (
    Field("name", schema.one_line, required=True),
    Field("code", schema.one_line, default=""),
    Field("url", schema.one_line, default=""),
)
DOCUMENT = (
    Field("name", schema.text, required=True),
    Field("originals", _count, default=0),
    Field("copies", _count, default=0),
    Field("note", schema.text, default=""),
    Field("form", schema.mapping(FORM)),
)
CASE = (
    Field("name", schema.one_line, required=True),
    Field("dossier_sets", schema.integer(1, 100)),
    Field("documents", schema.list_of(schema.mapping(DOCUMENT)), default=()),
)
RESULT = (Field("name", schema.text, required=True), Field("code", schema.one_line, default=""))
LEGAL = (
    Field("number", schema.one_line, required=True),
    Field("title", schema.one_line, default=""),
    Field("issued", schema.day),
    Field("issuer", schema.one_line, default=""),
)
ONLINE = (
    Field("level", schema.choice(*ONLINE_LEVELS), required=True),
    Field("legacy_level", schema.integer(1, 4)),
    Field("partial_reason", schema.text, default=""),
    Field("national_url", schema.one_line, default=""),
    Field("provincial_url", schema.one_line, default=""),
)
ANNOUNCEMENT = (
    Field("number", schema.one_line, required=True),
    Field("date", schema.day, required=True),
    Field("issuer", schema.one_line, default=""),
    Field("url", schema.one_line, default=""),
    Field("change_type", schema.choice(*CHANGE_TYPES), default="new"),
)
HISTORY = (
    Field("date", schema.day, required=True),
    Field("change_type", schema.choice(*CHANGE_TYPES), required=True),
    Field("decision", schema.one_line, required=True),
    Field("note", schema.text, default=""),
)
SOURCE = (
    Field("name", schema.one_line, required=True),
    Field("url", schema.one_line, default=""),
    Field("retrieved", schema.day, required=True),
)
REVIEWED = (Field("date", schema.day, required=True), Field("by", schema.one_line, default=""))


def _result(node: Node, ctx: schema.Context) -> str:
    """A result is written as text or as ``{name, code}``."""
    if isinstance(node, ScalarNode):
        return schema.text(node, ctx)
    return str(schema.read_mapping(node, RESULT, ctx, N_("a result"))["name"] or "")


FIELDS = (
    Field("code", _code, required=True),
    Field(
        "local_code", schema.matching(LOCAL_CODE_RE, N_("a local code"), '"1.001193.000.00.00.H53"')
    ),
    Field("name", schema.one_line, required=True),
    Field("short_name", schema.one_line, default=""),
    Field("procedure_type", schema.choice("standard", "assigned_regulation"), default="standard"),
    Field("sector", schema.mapping(SECTOR), required=True),
    Field("industry", schema.one_line, default=""),
    Field("levels", schema.list_of(schema.choice(*LEVELS), allow_scalar=True), required=True),
    Field("subjects", _texts, default=()),
    Field("agencies", schema.mapping(AGENCIES)),
    Field("receiving_addresses", _texts, default=()),
    Field("steps", schema.list_of(schema.mapping(STEP)), default=()),
    Field("methods", schema.list_of(schema.mapping(METHOD)), default=()),
    Field("cases", schema.list_of(schema.mapping(CASE)), default=()),
    Field("requirements", schema.list_of(schema.text, allow_scalar=True), default=()),
    Field("results", schema.list_of(_result, allow_scalar=True), default=()),
    Field("legal_basis", schema.list_of(schema.mapping(LEGAL)), default=()),
    Field("fee_legal_basis", schema.list_of(schema.mapping(LEGAL)), default=()),
    Field("related", schema.list_of(_code, allow_scalar=True), default=()),
    Field("keywords", _texts, default=()),
    Field("online_service", schema.mapping(ONLINE)),
    Field("announcement", schema.mapping(ANNOUNCEMENT), required=True),
    Field("status", schema.choice(*STATUSES), default="active"),
    Field("effective_from", schema.day),
    Field("effective_to", schema.day),
    Field("replaced_by", _code, default=""),
    Field("history", schema.list_of(schema.mapping(HISTORY)), default=()),
    Field("detail_level", schema.choice("full", "list_only"), default="full"),
    Field("featured", schema.boolean, default=False),
    Field("source", schema.mapping(SOURCE), required=True),
    Field("reviewed", schema.mapping(REVIEWED)),
    sample.FIELD,
)

REQUIRED_WHEN_FULL = (
    ("steps", N_("the steps (trình tự thực hiện)"), 'steps: [{title: "Bước 1", body: "..."}]'),
    (
        "methods",
        N_("the ways to submit (cách thức thực hiện)"),
        'methods: [{channel: direct, processing_time: {text: "..."}}]',
    ),
    ("cases", N_("the dossier (thành phần hồ sơ)"), 'cases: [{name: "...", documents: [...]}]'),
    ("subjects", N_("who may use it (đối tượng thực hiện)"), 'subjects: ["Công dân Việt Nam"]'),
)
"""NĐ 63/2010 Điều 8.2 (as amended by NĐ 92/2017): components of a complete procedure."""


class ProcedureReader:
    """Turns one procedure file's YAML into a :class:`Procedure`, reporting problems."""

    def __init__(self, config: SiteConfig, diags: Collector) -> None:
        self.config = config
        self.diags = diags

    def read(self, rel: str, root: Node | None, source: YamlSource, stem: str) -> Procedure | None:
        ctx = schema.Context(source, self.diags, self.config.timezone)
        errors_before = len(self.diags.items)
        values = schema.read_mapping(root, FIELDS, ctx, N_("a procedure file"))
        if any(d.is_error for d in self.diags.items[errors_before:]):
            return None

        def at(*keys: str | int) -> tuple[int | None, int | None]:
            return source.position(child(root, *keys) or root)

        def error(keys: tuple[str | int, ...], message: str, hint: str) -> None:
            self.diags.error(rel, *at(*keys), message, hint)

        code = values["code"]
        # the browser admin (Decap CMS) names the file 1-001193.yaml: it turns dots to dashes
        if code != stem and stem != code.replace(".", "-"):
            error(
                ("code",),
                _("the code {code} does not match the file name {stem}.yaml").format(
                    code=code, stem=stem
                ),
                _("rename the file to {code}.yaml (the code is the page's address)").format(
                    code=code
                ),
            )
        online = values["online_service"] or {"level": "", "partial_reason": ""}
        if online["level"] == "mot_phan" and not online["partial_reason"].strip():
            error(
                ("online_service", "level"),
                _("an online service offered only in part (mot_phan) must say why"),
                _(
                    "add 'partial_reason: ...' under online_service, e.g. the applicant must "
                    "come in person to sign the register"
                ),
            )
        if values["status"] == "replaced" and not values["replaced_by"]:
            error(
                ("status",),
                _("a replaced procedure must name the procedure that replaces it"),
                _('add replaced_by: "1.0xxxxx" with the code of the new procedure'),
            )
        if values["replaced_by"] and values["replaced_by"] == code:
            error(("replaced_by",), _("a procedure cannot replace itself"), _("check the code"))
        if values["detail_level"] == "full":
            self.check_complete(values, error)
        start, end = values["effective_from"], values["effective_to"]
        if start and end and end < start:
            error(
                ("effective_to",),
                _("'effective_to' {end} is before 'effective_from' {start}").format(
                    end=f"{end:%d/%m/%Y}", start=f"{start:%d/%m/%Y}"
                ),
                _("check the two dates"),
            )
        if any(d.is_error for d in self.diags.items[errors_before:]):
            return None
        lines = {
            key: source.position(child(root, *path))[0] or 1
            for key, path in (
                ("code", ("code",)),
                ("replaced_by", ("replaced_by",)),
                ("related", ("related",)),
                ("retrieved", ("source", "retrieved")),
            )
        }
        return self.build(rel, values, lines)

    def check_complete(
        self, values: dict[str, Any], error: Callable[[tuple[str | int, ...], str, str], None]
    ) -> None:
        for key, what, example in REQUIRED_WHEN_FULL:
            if not values[key]:
                error(
                    (),
                    _(
                        "a procedure published in full (detail_level: full) needs {what}: "
                        "'{key}' is missing or empty"
                    ).format(what=_(what), key=key),
                    _(
                        "add it as on the national database ({example}), or set "
                        "detail_level: list_only if only the list entry is published"
                    ).format(example=example),
                )
        if not values["online_service"]:
            error(
                (),
                _(
                    "a procedure published in full needs its online service level "
                    "(online_service.level: toan_trinh, mot_phan or khong)"
                ),
                _("add online_service: {level: khong} if it cannot be done online"),
            )
        agencies = values["agencies"] or {}
        if not agencies.get("executing"):
            error(
                ("agencies",) if values["agencies"] else (),
                _(
                    "a procedure published in full needs the agency that carries it out "
                    "(agencies.executing, cơ quan thực hiện)"
                ),
                _('add agencies: {executing: ["UBND cấp xã"]}'),
            )
        for index, case in enumerate(values["cases"]):
            if not case["documents"]:
                error(
                    ("cases", index),
                    _("the case '{name}' lists no documents (thành phần hồ sơ)").format(
                        name=case["name"]
                    ),
                    _("add 'documents:' with at least one paper, or remove the case"),
                )

    def build(self, rel: str, values: dict[str, Any], lines: dict[str, int]) -> Procedure:
        code = values["code"]
        online = values["online_service"] or {
            "level": "",
            "legacy_level": None,
            "partial_reason": "",
            "national_url": "",
        }
        announcement = values["announcement"]
        latest = Change(
            announcement["date"],
            announcement["change_type"],
            announcement["number"],
            announcement["issuer"],
            announcement["url"],
        )
        history = [
            Change(h["date"], h["change_type"], h["decision"], note=h["note"])
            for h in values["history"]
        ]
        if not any((h.date, h.decision) == (latest.date, latest.decision) for h in history):
            history.append(latest)
        history.sort(key=lambda change: change.date)
        agencies = values["agencies"] or {}
        reviewed = values["reviewed"]
        source = values["source"]
        return Procedure(
            src=rel,
            line=lines["code"],
            lines=lines,
            code=code,
            local_code=values["local_code"] or "",
            name=values["name"],
            short_name=values["short_name"],
            procedure_type=values["procedure_type"],
            sector=Sector(values["sector"]["code"], values["sector"]["name"]),
            levels=tuple(level for level in LEVELS if level in values["levels"]),
            subjects=values["subjects"],
            agencies=Agencies(
                *(
                    tuple(agencies.get(name, ()))
                    for name in ("executing", "competent", "authorized", "coordinating")
                )
            ),
            receiving_addresses=values["receiving_addresses"],
            steps=tuple(Step(s["title"], s["body"]) for s in values["steps"]),
            methods=tuple(_method(m) for m in values["methods"]),
            cases=tuple(_case(c) for c in values["cases"]),
            requirements=values["requirements"],
            results=values["results"],
            legal_basis=tuple(_legal(d) for d in values["legal_basis"]),
            fee_legal_basis=tuple(_legal(d) for d in values["fee_legal_basis"]),
            related=values["related"],
            keywords=values["keywords"],
            online_service=OnlineService(
                online["level"],
                online["legacy_level"],
                online["partial_reason"],
                online["national_url"] or self.config.procedure_portal_url.replace("{code}", code),
            ),
            announcement=latest,
            status=values["status"],
            effective_from=values["effective_from"],
            effective_to=values["effective_to"],
            replaced_by=values["replaced_by"],
            history=tuple(history),
            detail_level=values["detail_level"],
            featured=values["featured"],
            source=Source(source["name"], source["url"], source["retrieved"]),
            reviewed_on=reviewed["date"] if reviewed else None,
            reviewed_by=reviewed["by"] if reviewed else "",
        )


def _method(values: dict[str, Any]) -> Method:
    time = values["processing_time"]
    return Method(
        values["channel"],
        ProcessingTime(time["text"], time["value"], time["unit"]),
        tuple(Fee(f["kind"], f["text"], f["amount_vnd"]) for f in values["fees"]),
        values["description"],
    )


def _case(values: dict[str, Any]) -> Case:
    documents = tuple(
        DossierDocument(
            d["name"],
            d["originals"],
            d["copies"],
            d["note"],
            Form(d["form"]["name"], d["form"]["url"]) if d["form"] else None,
        )
        for d in values["documents"]
    )
    return Case(values["name"], values["dossier_sets"], documents)


def _legal(values: dict[str, Any]) -> LegalDocument:
    return LegalDocument(values["number"], values["title"], values["issued"], values["issuer"])


def check_procedures(
    procedures: list[Procedure], diags: Collector, today: dt.date, stale_after_days: int
) -> None:
    """Rules between records: unique codes, replacements and related codes that exist,
    and records that have not been checked against their source for too long."""
    by_code: dict[str, Procedure] = {}
    for procedure in procedures:
        if procedure.code in by_code:
            first = by_code[procedure.code]
            diags.error(
                procedure.src,
                procedure.line,
                None,
                _("the code {code} is already used by {path}").format(
                    code=procedure.code, path=first.src
                ),
                _("each procedure has one file; merge the two"),
            )
        else:
            by_code[procedure.code] = procedure
    for procedure in procedures:
        if procedure.replaced_by and procedure.replaced_by not in by_code:
            diags.error(
                procedure.src,
                procedure.lines["replaced_by"],
                None,
                _("'replaced_by' names {code}, which has no file in content/procedures/").format(
                    code=procedure.replaced_by
                ),
                _("add content/procedures/{code}.yaml or correct the code").format(
                    code=procedure.replaced_by
                ),
            )
        missing = [code for code in procedure.related if code not in by_code]
        if missing:
            diags.warning(
                procedure.src,
                procedure.lines["related"],
                None,
                _(
                    "'related' names {codes}, which has no file here; it is listed without a link"
                ).format(codes=", ".join(missing)),
                _("add the procedure or remove the code"),
            )
        limit = LIST_ONLY_STALE_DAYS if procedure.detail_level == "list_only" else stale_after_days
        age = (today - procedure.source.retrieved).days
        if age > limit:
            diags.warning(
                procedure.src,
                procedure.lines["retrieved"],
                None,
                _(
                    "the record was last checked against its source on "
                    "{date}, {age} days ago (more than {limit})"
                ).format(date=f"{procedure.source.retrieved:%d/%m/%Y}", age=age, limit=limit),
                _("compare it with the national database, then update source.retrieved"),
            )


# ---------------------------------------------------------------- the type


@dataclass(frozen=True, slots=True, kw_only=True)
class Catalogue(LayoutContext):
    """The catalogue, or one sector's or one level's part of it."""

    groups: tuple[tuple[Sector, tuple[Procedure, ...]], ...]
    level_counts: tuple[tuple[str, int], ...]
    total: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcedureView(LayoutContext):
    procedure: Procedure
    replacement: Procedure | None
    replaces: tuple[Procedure, ...]
    related: tuple[tuple[str, Procedure | None], ...]
    """Related codes, with their record when the site has it."""
    change_anchor: Callable[[Change], str]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcedurePoster(LayoutContext):
    """The A4 poster of one procedure, for the wall of the one-stop desk: another view
    of the procedure's page, which search engines index instead."""

    procedure: Procedure

    def canonical_url(self) -> str | None:
        return self.procedure.url


@dataclass(frozen=True, slots=True, kw_only=True)
class SectorPoster(LayoutContext):
    """The A4 poster of one sector's procedures in force, a card with a QR code each."""

    sector: Sector
    procedures: tuple[Procedure, ...]
    sheets: tuple[tuple[Procedure, ...], ...]
    """The same procedures, as the cards of each printed A4 page."""

    def canonical_url(self) -> str | None:
        return self.sector.url


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeList(LayoutContext):
    changes: tuple[tuple[Procedure, Change], ...]
    retired: tuple[Procedure, ...]
    change_anchor: Callable[[Change], str]


def change_anchor(change: Change) -> str:
    """Fragment of a history entry on its procedure's page: ``thay-doi-20240315-amended``."""
    return f"thay-doi-{change.date:%Y%m%d}-{change.change_type}"


def change_entry(procedure: Procedure, change: Change, locale: Locale, tz: dt.tzinfo) -> FeedEntry:
    """A procedure change as a feed item; the link points at the entry in the page's history."""
    title = locale.t(
        "change_title",
        change=locale.t(f"change_{change.change_type}"),
        name=procedure.name,
        code=procedure.code,
    )
    summary = locale.t(
        "change_summary",
        decision=change.decision,
        date=locale.date_short(change.date),
        sector=procedure.sector.name,
    )
    moment = dt.datetime(change.date.year, change.date.month, change.date.day, tzinfo=tz)
    url = f"{procedure.url}#{change_anchor(change)}"
    return FeedEntry(title, url, moment, summary, (procedure.sector.name,))


def level_counts(procedures: Sequence[Procedure]) -> tuple[tuple[str, int], ...]:
    """(level, number of procedures carried out at that level), top level first."""
    counts = {level: sum(1 for p in procedures if level in p.levels) for level in LEVELS}
    return tuple((level, count) for level, count in counts.items() if count)


def _in_force(site: Site) -> tuple[Procedure, ...]:
    return tuple(p for p in site.procedures if p.in_force)


def _by_code(site: Site, code: str) -> Procedure | None:
    procedures: tuple[Procedure, ...] = site.procedures
    for procedure in procedures:
        if procedure.code == code:
            return procedure
    return None


def _sectors(site: Site) -> tuple[tuple[Sector, tuple[Procedure, ...]], ...]:
    """Sectors with their procedures in force, by sector name (sectors with none left out)."""
    groups: dict[str, list[Procedure]] = {}
    names: dict[str, Sector] = {}
    for procedure in _in_force(site):
        groups.setdefault(procedure.sector.code, []).append(procedure)
        names.setdefault(procedure.sector.code, procedure.sector)
    order = sorted(groups, key=lambda code: (fold(names[code].name), code))
    return tuple((names[code], tuple(groups[code])) for code in order)


def _changes(site: Site) -> tuple[tuple[Procedure, Change], ...]:
    """Every announced change of every procedure, newest first (ties by code)."""
    changes = [(p, change) for p in site.procedures for change in p.history]
    changes.sort(key=lambda item: item[0].code)
    changes.sort(key=lambda item: item[1].date, reverse=True)
    return tuple(changes)


def _open_data(make: Callable[..., bytes]) -> Callable[[Site, Callable[[str], str]], bytes]:
    return lambda site, absolute: make(site.procedures, absolute)


def _search_record(p: Procedure, section: str, date: str) -> SearchRecord:
    text = " ".join(
        (
            p.short_name,
            p.sector.name,
            *p.keywords,
            *p.subjects,
            *(step.body for step in p.steps),
            *(doc.name for case in p.cases for doc in case.documents),
            *p.results,
        )
    )
    return SearchRecord(
        p.url,
        section,
        p.name,
        date,
        f"{p.code} · {p.sector.name} · {p.processing_time}".rstrip(" ·"),
        text,
        tuple(c for c in (p.code, p.local_code) if c),
    )


class ProcedureType(ItemSearched):
    name = "procedure"
    title = "Procedures"
    where = "content/procedures/<code>.yaml"
    intro = "One administrative procedure (thủ tục hành chính), named after its code."
    fields = FIELDS
    order = 40
    provides = {"procedures": ()}
    routes = {
        "procedures": "/thu-tuc-hanh-chinh/",
        "procedures_feed": "/thu-tuc-hanh-chinh/rss.xml",
        "procedure_changes": "/thu-tuc-hanh-chinh/moi-cap-nhat/",
        "procedures_json": "/thu-tuc-hanh-chinh/du-lieu.json",
        "procedures_csv": "/thu-tuc-hanh-chinh/du-lieu.csv",
        "sector": "/thu-tuc-hanh-chinh/linh-vuc/{code}/",
        "sector_poster": "/thu-tuc-hanh-chinh/linh-vuc/{code}/ma-qr/",
        "level": "/thu-tuc-hanh-chinh/cap-{level}/",
        "procedure": "/thu-tuc-hanh-chinh/{code}/",
        "procedure_poster": "/thu-tuc-hanh-chinh/{code}/ma-qr/",
    }
    views = {
        "procedures_in_force": View(_in_force, ("procedures",)),
        "procedure": View(_by_code, ("procedures",), method=True),
        "sectors": View(_sectors, ("procedures",)),
        "procedure_changes": View(_changes, ("procedures",)),
    }
    searched = ("procedures",)
    search_section = "search_section_procedure"
    sitemap_parts = ((30, "partials/sitemap/procedures.html"),)
    home_parts = (("main", 30, "partials/home/changes.html"),)

    def load(self, loading: Loading, loaded: Mapping[str, Any]) -> Mapping[str, Any]:
        reader = ProcedureReader(loading.config, loading.diags)

        def read(path: Path, rel: str) -> Procedure | None:
            found = loading.load_yaml(path, rel)
            return reader.read(rel, *found, path.stem) if found is not None else None

        files = loading.files("procedures", ".yaml")
        procedures = [p for p in loading.load_many("procedure", files, read) if p]
        loading.ignored_files("procedures", ".yaml")
        check_procedures(
            procedures, loading.diags, loading.now.date(), loading.config.stale_after_days
        )
        procedures.sort(key=lambda p: p.code)
        procedures.sort(key=lambda p: (fold(p.sector.name), fold(p.name)))
        return {"procedures": tuple(procedures)}

    def feed_links(self, site: Site, locale: Locale) -> Iterable[tuple[str, str]]:
        if site.procedures:
            yield locale.t("feed_procedures"), route("procedures_feed")

    def menu(self, site: Site, locale: Locale) -> Iterable[tuple[int, MenuEntry]]:
        if site.procedures:
            yield 30, MenuEntry(locale.t("procedures"), route("procedures"), False)

    def bodies(self, site: Site) -> Iterable[Body]:
        return ()  # records are YAML fields, not Markdown

    def search_items(self, site: Site, locale: Locale) -> Iterable[SearchItem]:
        if site.procedures:  # the catalogue itself, for "danh muc thu tuc hanh chinh"
            yield SearchItem.made(
                SearchRecord(
                    route("procedures"),
                    locale.t(self.search_section),
                    locale.t("procedures_long"),
                    "",
                    locale.t("procedures_intro"),
                    " ".join(sector.name for sector, _items in site.sectors),
                    kind=locale.t("search_kind_catalogue"),
                )
            )
        section, day = locale.t(self.search_section), locale.date_short
        for p in site.procedures:
            date = day(p.announcement.date)
            record = functools.partial(_search_record, p, section, date)
            yield SearchItem(date, (self.name, p), record)

    def plan(self, planning: Planning) -> None:
        site, t, home = planning.site, planning.t, planning.home
        if not site.procedures:
            return
        catalogue_url = route("procedures")
        catalogue = Crumb(t("procedures"), catalogue_url)
        feeds = ((t("feed_procedures"), route("procedures_feed")), *planning.all_feeds)
        newest = max(p.source.retrieved for p in site.procedures)
        lastmod = dt.datetime(newest.year, newest.month, newest.day, tzinfo=site.config.timezone)
        in_force = site.procedures_in_force
        meta = PageMeta(
            kind="procedures",
            title=t("procedures_long"),
            description=t("procedures_intro"),
            url=catalogue_url,
            breadcrumbs=(home, Crumb(t("procedures"), None)),
            feeds=feeds,
        )
        context = Catalogue(
            groups=site.sectors, level_counts=level_counts(in_force), total=len(in_force)
        )
        planning.page(
            catalogue_url, "procedures.html", meta, "content/procedures", context, lastmod=lastmod
        )
        for sector, items in site.sectors:
            meta = PageMeta(
                kind="procedures_sector",
                title=t("sector_title", name=sector.name),
                description=t("sector_intro", name=sector.name, count=len(items)),
                url=sector.url,
                breadcrumbs=(home, catalogue, Crumb(sector.name, None)),
                feeds=feeds,
                subjects=(sector.name,),
            )
            context = Catalogue(
                groups=((sector, items),), level_counts=level_counts(items), total=len(items)
            )
            planning.page(
                sector.url, "procedures.html", meta, "content/procedures", context, lastmod=lastmod
            )
            self.plan_sector_poster(planning, sector, items, meta.breadcrumbs)
        for level, count in level_counts(in_force):
            url = route("level", level=level)
            groups = tuple(
                (sector, chosen)
                for sector, items in site.sectors
                if (chosen := tuple(p for p in items if level in p.levels))
            )
            meta = PageMeta(
                kind="procedures_level",
                title=t("level_title", level=t(f"level_{level}")),
                description=t("level_intro", level=t(f"level_{level}"), count=count),
                url=url,
                breadcrumbs=(home, catalogue, Crumb(t(f"level_{level}"), None)),
                feeds=feeds,
            )
            planning.page(
                url,
                "procedures.html",
                meta,
                "content/procedures",
                Catalogue(groups=groups, level_counts=(), total=count),
                lastmod=lastmod,
            )
        for procedure in site.procedures:
            self.plan_procedure(planning, procedure, catalogue, feeds)
        changes = site.procedure_changes
        changes_url = route("procedure_changes")
        meta = PageMeta(
            kind="procedure_changes",
            title=t("changes_long"),
            description=t("changes_intro"),
            url=changes_url,
            breadcrumbs=(home, catalogue, Crumb(t("changes"), None)),
            feeds=feeds,
        )
        retired = tuple(p for p in site.procedures if not p.in_force)
        planning.page(
            changes_url,
            "procedure_changes.html",
            meta,
            "content/procedures",
            ChangeList(changes=changes, retired=retired, change_anchor=change_anchor),
            lastmod=lastmod,
        )
        tz = site.config.timezone
        entries = tuple(
            change_entry(p, c, planning.locale, tz) for p, c in changes[: site.config.feed_items]
        )
        planning.feed(
            route("procedures_feed"),
            FeedData(
                f"{t('changes_long')} – {site.config.title}",
                t("changes_intro"),
                changes_url,
                entries,
            ),
            "content/procedures",
        )
        for name, make in (
            ("procedures_json", opendata.procedures_json),
            ("procedures_csv", opendata.procedures_csv),
        ):
            url = route(name)
            planning.add(
                Target(
                    output_path(url),
                    url,
                    Kind.DATA,
                    "content/procedures",
                    context=DataFile(_open_data(make), ("procedures",)),
                )
            )

    def plan_procedure(
        self,
        planning: Planning,
        procedure: Procedure,
        catalogue: Crumb,
        feeds: tuple[tuple[str, str], ...],
    ) -> None:
        site = planning.site
        replacement = site.procedure(procedure.replaced_by) if procedure.replaced_by else None
        replaces = tuple(p for p in site.procedures if p.replaced_by == procedure.code)
        related = tuple(
            (code, site.procedure(code)) for code in procedure.related if code != procedure.code
        )
        checked = procedure.reviewed_on or procedure.source.retrieved
        modified = dt.datetime(
            checked.year, checked.month, checked.day, tzinfo=site.config.timezone
        )
        meta = PageMeta(
            kind="procedure",
            title=procedure.name,
            description=planning.t(
                "procedure_description",
                name=procedure.name,
                code=procedure.code,
                sector=procedure.sector.name,
            ),
            url=procedure.url,
            breadcrumbs=(
                planning.home,
                catalogue,
                Crumb(procedure.sector.name, procedure.sector.url),
                Crumb(procedure.code, None),
            ),
            og_type="article",
            modified=modified,
            subjects=(procedure.sector.name,),
            creator=site.config.agency.name,
            feeds=feeds,
        )
        context = ProcedureView(
            procedure=procedure,
            replacement=replacement,
            replaces=replaces,
            related=related,
            change_anchor=change_anchor,
        )
        planning.page(
            procedure.url,
            "procedure.html",
            meta,
            procedure.src,
            context,
            lastmod=modified,
            line=procedure.line,
        )
        planning.qr_files(procedure.url, procedure.display_title, procedure.src, procedure.line)
        if procedure.in_force:
            self.plan_poster(planning, procedure, meta.breadcrumbs)

    def plan_poster(
        self, planning: Planning, procedure: Procedure, crumbs: tuple[Crumb, ...]
    ) -> None:
        """The procedure's A4 poster: not indexed, not in sitemap.xml."""
        t = planning.t
        url = route("procedure_poster", code=procedure.code)
        meta = PageMeta(
            kind="procedure_poster",
            title=t("poster_procedure_title", name=poster_name(procedure), code=procedure.code),
            description=t("poster_procedure_description", name=procedure.name),
            url=url,
            breadcrumbs=crumbs[:-1]
            + (Crumb(procedure.code, procedure.url), Crumb(t("qr_poster"), None)),
            indexable=False,
        )
        planning.page(
            url,
            "procedure_qr.html",
            meta,
            procedure.src,
            ProcedurePoster(procedure=procedure),
            sitemap=False,
            line=procedure.line,
        )

    def plan_sector_poster(
        self,
        planning: Planning,
        sector: Sector,
        items: tuple[Procedure, ...],
        crumbs: tuple[Crumb, ...],
    ) -> None:
        """The sector's A4 poster of QR codes: not indexed, not in sitemap.xml."""
        t = planning.t
        url = route("sector_poster", code=sector.code)
        cards = tuple(sorted(items, key=lambda p: (fold(poster_name(p)), p.code)))
        meta = PageMeta(
            kind="sector_poster",
            title=t("poster_sector_title", name=sector.name),
            description=t("poster_sector_description", name=sector.name, count=len(items)),
            url=url,
            breadcrumbs=crumbs[:-1] + (Crumb(sector.name, sector.url), Crumb(t("qr_poster"), None)),
            indexable=False,
        )
        planning.page(
            url,
            "procedures_qr.html",
            meta,
            "content/procedures",
            SectorPoster(sector=sector, procedures=cards, sheets=sheets(cards)),
            sitemap=False,
        )


def sheets(items: tuple[Procedure, ...]) -> tuple[tuple[Procedure, ...], ...]:
    """Procedures in groups of :data:`CARDS_PER_SHEET`, one group per printed page."""
    size = CARDS_PER_SHEET
    return tuple(items[start : start + size] for start in range(0, len(items), size))


def poster_name(procedure: Procedure) -> str:
    """The name a poster shows in large type: the short name when the record has one."""
    return procedure.short_name or procedure.name


TYPE = ProcedureType()

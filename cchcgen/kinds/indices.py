"""Reform index results (PAR INDEX, SIPAS, PAPI, ...): ``content/indices.yaml``.

A list of one result per index, year and scope. Scores are written the way
the decisions print them, with a decimal comma (``86,45``) or point. A result is the
province's (``scope: province``, the default: its place among provinces) or the unit's own
(``scope: unit``: where the province scores its communes or departments, with the body
that scored it). Each result says its unit: PAR INDEX and SIPAS are in percent, the
others in points out of ``max_score``, unless ``measure`` says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import sample, schema
from ..content import IndexResult
from ..errors import Collector
from ..messages import N_, _
from ..outputs import Crumb, Nothing, PageMeta, SearchRecord
from ..routes import route
from ..schema import Field, Invalid
from ..yamlutil import Node, SequenceNode, YamlSource, child
from .base import Body, ContentType, Loading, MenuEntry, Planning, View

if TYPE_CHECKING:
    from ..content import Site
    from ..i18n import Locale

INDICES = ("PAR_INDEX", "SIPAS", "PAPI", "PCI", "DTI")
SCOPES = ("province", "unit")
MEASURES = ("percent", "points")
IN_PERCENT = ("PAR_INDEX", "SIPAS")
"""Indices published in percent; the others are in points unless ``measure`` says so."""


def _score(node: Node, ctx: schema.Context) -> float:
    value = schema.one_line(node, ctx)
    try:
        return float(value.replace(",", "."))
    except ValueError:
        raise Invalid(
            _("must be a number such as 86,45, got '{value}'").format(value=value), node=node
        ) from None


DECISION = (Field("number", schema.one_line, required=True), Field("date", schema.day))
FIELDS = (
    Field("index", schema.choice(*INDICES), required=True),
    Field("year", schema.integer(1990, 2100), required=True),
    Field("unit", schema.one_line, default=""),
    Field("score", _score, required=True),
    Field("max_score", _score, default=100.0),
    Field("rank", schema.integer(1, 10000)),
    Field("of", schema.integer(1, 10000)),
    Field("classification", schema.one_line, default=""),
    Field("decision", schema.mapping(DECISION)),
    Field("source_url", schema.one_line, default=""),
    Field("scope", schema.choice(*SCOPES), default="province"),
    Field("scored_by", schema.one_line, default=""),
    Field("measure", schema.choice(*MEASURES)),
    sample.FIELD,
)


def read_indices(
    rel: str, root: Node, source: YamlSource, diags: Collector, tz: Any
) -> tuple[IndexResult, ...]:
    ctx = schema.Context(source, diags, tz)
    if not isinstance(root, SequenceNode):
        diags.error(
            rel,
            *source.position(root),
            _("the file must be a list of results, each starting with '- index: ...'"),
            _("see the README for an example"),
        )
        return ()
    results: list[IndexResult] = []
    seen: dict[tuple[str, int, str], int] = {}
    for item in root.value:
        errors_before = len(diags.items)
        values = schema.read_mapping(item, FIELDS, ctx, N_("a result"))
        if any(d.is_error for d in diags.items[errors_before:]):
            continue
        line, column = source.position(item)
        key = (values["index"], values["year"], values["scope"])
        measure = values["measure"] or ("percent" if key[0] in IN_PERCENT else "points")
        if not 0 <= values["score"] <= values["max_score"]:
            diags.error(
                rel,
                line,
                column,
                _("the score {score} is outside 0–{max_score}").format(
                    score=f"{values['score']:g}", max_score=f"{values['max_score']:g}"
                ),
                _("check the score, or set max_score (PAPI is scored out of 80)"),
            )
            continue
        if values["rank"] and values["of"] and values["rank"] > values["of"]:
            message = _("rank {rank} is beyond 'of' {of}")
            diags.error(rel, line, column, message.format(rank=values["rank"], of=values["of"]))
            continue
        if _scope_error(rel, item, values, measure, source, diags):
            continue
        if key in seen:
            diags.error(
                rel,
                line,
                column,
                _("{index} {year} is already given at line {line}").format(
                    index=key[0], year=key[1], line=seen[key]
                ),
                _("keep one result per index and year"),
            )
            continue
        seen[key] = line or 0
        decision = values["decision"] or {}
        results.append(
            IndexResult(
                index=values["index"],
                year=values["year"],
                unit=values["unit"],
                score=values["score"],
                max_score=values["max_score"],
                rank=values["rank"],
                of=values["of"],
                classification=values["classification"],
                decision_number=decision.get("number", ""),
                decision_date=decision.get("date"),
                source_url=values["source_url"],
                scope=values["scope"],
                scored_by=values["scored_by"],
                measure=measure,
            )
        )
    return tuple(results)


def _scope_error(
    rel: str, item: Node, values: Mapping[str, Any], measure: str, source: YamlSource,
    diags: Collector,
) -> bool:  # fmt: skip
    """Report a unit's own result without the body that scored it, or a result in
    percent on another scale."""
    if values["scope"] == "unit" and not values["scored_by"]:
        diags.error(rel, *source.position(child(item, "scope")),
                    _("the unit's own result does not say who scored it"),
                    _("add 'scored_by: ...', e.g. scored_by: \"UBND tỉnh Thái Bình\""))  # fmt: skip
        return True
    if measure == "percent" and values["max_score"] != 100:
        diags.error(rel, *source.position(child(item, "max_score")),
                    _("a result in percent is out of 100, not {max_score}").format(
                        max_score=f"{values['max_score']:g}"),
                    _("remove max_score, or write 'measure: points' if the score is in "
                      "points"))  # fmt: skip
        return True
    return False


# ---------------------------------------------------------------- the type

INDICES_FILE = "content/indices.yaml"
INDEX_ORDER = ("PAR_INDEX", "SIPAS", "PAPI", "PCI", "DTI")


@dataclass(frozen=True, slots=True)
class IndexSeries:
    """One index's results of one scope, oldest year first."""

    index: str
    scope: str
    results: tuple[IndexResult, ...]

    @property
    def latest(self) -> IndexResult:
        return self.results[-1]

    @property
    def anchor(self) -> str:
        """``cs-par_index-tinh`` for the province's, ``cs-par_index-don-vi`` for the unit's
        (``cs-par_index`` is the index's own heading)."""
        own = "-don-vi" if self.scope == "unit" else "-tinh"
        return f"cs-{self.index.lower()}{own}"


def _series(site: Site) -> tuple[tuple[str, tuple[IndexSeries, ...]], ...]:
    """Each index (in a fixed order) with its series: the unit's own, then the province's."""
    names = sorted({r.index for r in site.indices}, key=INDEX_ORDER.index)
    groups = []
    for name in names:
        series = []
        for scope in ("unit", "province"):
            chosen = [r for r in site.indices if r.index == name and r.scope == scope]
            if chosen:
                series.append(IndexSeries(name, scope, tuple(sorted(chosen, key=lambda r: r.year))))
        groups.append((name, tuple(series)))
    return tuple(groups)


class IndicesType(ContentType):
    """``content/indices.yaml``: the reform indices page (PAR INDEX, SIPAS, PAPI, …)."""

    name = "indices"
    title = "Reform indices"
    where = "content/indices.yaml"
    intro = "A list of results; each item of the list has these keys."
    fields = FIELDS
    file_shape = "list"
    order = 70
    provides = {"indices": ()}
    searched = ("indices",)
    search_section = "search_section_indices"
    routes = {"indices": "/chi-so-cchc/"}
    views = {"index_series": View(_series, ("indices",))}
    sitemap_parts = ((60, "partials/sitemap/indices.html"),)
    home_parts = (("aside", 20, "partials/home/indices.html"),)

    def load(self, loading: Loading, loaded: Mapping[str, Any]) -> Mapping[str, Any]:
        found = loading.optional_yaml(INDICES_FILE)
        if found is None:
            return {}
        tz = loading.config.timezone
        return {"indices": read_indices(INDICES_FILE, *found, loading.diags, tz)}

    def footer_links(self, site: Site, locale: Locale) -> Iterable[tuple[int, MenuEntry]]:
        if site.indices:
            yield 30, MenuEntry(locale.t("indices_long"), route("indices"), False)

    def every_page(self, site: Site) -> Any:
        return bool(site.indices)  # the footer links the page

    def bodies(self, site: Site) -> Iterable[Body]:
        return ()  # numbers, no Markdown

    def search_records(self, site: Site, locale: Locale) -> Iterable[SearchRecord]:
        if not site.indices:
            return
        number = locale.number
        results = " ".join(
            f"{locale.t('index_' + r.index)} {r.year} {r.unit} {number(r.score)}"
            for r in site.indices
        )
        yield SearchRecord(
            route("indices"),
            locale.t(self.search_section),
            locale.t("indices_long"),
            "",
            locale.t("indices_intro"),
            results,
            kind=locale.t("indices"),
        )

    def plan(self, planning: Planning) -> None:
        t = planning.t
        if not planning.site.indices:
            return
        url = route("indices")
        meta = PageMeta(
            kind="indices",
            title=t("indices_long"),
            description=t("indices_intro"),
            url=url,
            breadcrumbs=(planning.home, Crumb(t("indices"), None)),
        )
        planning.page(url, "indices.html", meta, INDICES_FILE, Nothing())


TYPE = IndicesType()

"""Published feedback (phản ánh, kiến nghị) and its answers: ``content/feedback/*.yaml``.

Only ``public: true`` items are published, and a published item needs its answer's date
and body. The personal-data guard refuses a published question or
answer that contains a phone number, an email address or a 9- or 12-digit ID number
(CMND / CCCD): once on the web, it cannot be taken back. The check points at the line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import sample, schema
from ..content import Answer, Feedback, Procedure
from ..errors import Collector
from ..messages import N_, _
from ..outputs import Crumb, LayoutContext, Nothing, PageMeta, SearchRecord
from ..routes import route
from ..schema import Field
from ..yamlutil import Node, ScalarNode, YamlSource, child
from .base import Body, ContentType, Loading, MenuEntry, Planning
from .procedure import CODE_RE

if TYPE_CHECKING:
    from ..content import Site
    from ..i18n import Locale

CHANNELS = ("written", "phone", "survey", "email", "national_portal", "in_person")
CATEGORIES = (
    "slow_or_wrong_handling",
    "unsuitable",
    "inconsistent",
    "unlawful",
    "treaty_conflict",
    "other",
    "initiative",
)
STATUSES = ("received", "forwarded", "processing", "answered", "not_accepted", "closed")

PERSONAL_DATA = (
    (
        re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
        N_("an email address"),
    ),
    (
        # Vietnamese phone numbers: 0 or +84 then 9-10 digits, with spaces, dots or dashes
        re.compile(r"(?<![\w+])(?:\+84|\(?0)(?:[\s.)-]{0,2}\d){8,10}(?!\d)"),
        N_("a phone number"),
    ),
    (
        re.compile(r"(?<!\d)(?:\d{12}|\d{9})(?!\d)"),
        N_("a 9- or 12-digit ID number"),
    ),
)

ANSWER = (
    Field("date", schema.day),
    Field("by", schema.one_line, default=""),
    Field("document_number", schema.one_line, default=""),
    Field("body", schema.text, default=""),
    Field("attachment", schema.one_line, default=""),
)
SUBMITTER = (
    Field("display_name", schema.one_line, default=""),
    Field("locality", schema.one_line, default=""),
    Field("consent_public", schema.boolean, default=False),
)
FIELDS = (
    Field(
        "id",
        schema.matching(r"[A-Za-z0-9-]+", N_("letters, digits and '-'"), '"PAKN-2024-0012"'),
        required=True,
    ),
    Field("received_date", schema.day, required=True),
    Field("channel", schema.choice(*CHANNELS), default="written"),
    Field("category", schema.choice(*CATEGORIES), default="other"),
    Field("title", schema.one_line, required=True),
    Field("question", schema.text, required=True),
    Field("submitter", schema.mapping(SUBMITTER)),
    Field(
        "related_procedure",
        schema.matching(CODE_RE, N_("a procedure code"), '"1.001193"'),
        default="",
    ),
    Field("handling_agency", schema.one_line, default=""),
    Field("forwarded", schema.mapping((Field("to", schema.one_line), Field("date", schema.day)))),
    Field("status", schema.choice(*STATUSES), default="received"),
    Field("answer", schema.mapping(ANSWER)),
    Field("public", schema.boolean, default=False),
    Field("published_at", schema.when),
    Field("source_url", schema.one_line, default=""),
    sample.FIELD,
)

_MISSING_ANSWER = {
    ("date",): N_("a public item needs the answer's date"),
    ("body",): N_("a public item needs the answer's body"),
    ("date", "body"): N_("a public item needs the answer's date and body"),
}
"""What a published item lacks of its answer, by the missing keys."""


def find_personal_data(text: str) -> tuple[str, int, int] | None:
    """(what, offset, length) of the first phone number, email or ID number in ``text``."""
    found = []
    for pattern, what in PERSONAL_DATA:
        match = pattern.search(text)
        if match:
            found.append((match.start(), what, match.end() - match.start()))
    if not found:
        return None
    start, what, length = min(found)
    return what, start, length


def _text_position(node: Node, offset: int, source: YamlSource) -> tuple[int | None, int | None]:
    """Line and column of ``offset`` inside a scalar's value, for block (|) and plain scalars."""
    line, column = source.position(node)
    if not isinstance(node, ScalarNode) or line is None:
        return line, column
    before = node.value[:offset]
    lines_before = before.count("\n")
    if node.style in ("|", ">"):
        # the text starts on the line after the indicator, indented like its first line
        raw_lines = source.text.split("\n")
        index = node.start_mark.line + 1 + lines_before
        if index >= len(raw_lines):
            return line + 1 + lines_before, None
        raw_line = raw_lines[index]
        indent = len(raw_line) - len(raw_line.lstrip(" "))
        return line + 1 + lines_before, indent + len(before.rsplit("\n", 1)[-1]) + 1
    if lines_before == 0:
        quote = 1 if node.style in ("'", '"') else 0
        return line, (column or 1) + quote + offset
    return line + lines_before, None


def read_feedback(
    rel: str, root: Node, source: YamlSource, diags: Collector, tz: Any
) -> Feedback | None:
    """The item if it is valid and public; None otherwise (unpublished items are checked
    too, so that a mistake shows before anyone sets ``public: true``)."""
    ctx = schema.Context(source, diags, tz)
    errors_before = len(diags.items)
    values = schema.read_mapping(root, FIELDS, ctx, rel)
    if any(d.is_error for d in diags.items[errors_before:]):
        return None
    answer = values["answer"] or {}
    if values["public"]:
        missing = [key for key in ("date", "body") if not answer.get(key)]
        if missing:
            node = child(root, "answer") or child(root, "public")
            diags.error(
                rel,
                *source.position(node),
                _(_MISSING_ANSWER[tuple(missing)]),
                _(
                    "add answer: date and body (the reply published to the citizen), "
                    "or set public: false until it is answered"
                ),
            )
        for path in (("question",), ("title",), ("answer", "body")):
            node = child(root, *path)
            if not isinstance(node, ScalarNode):
                continue
            found = find_personal_data(node.value)
            if found:
                what, offset, _length = found
                diags.error(
                    rel,
                    *_text_position(node, offset, source),
                    _("the published {field} contains {what}").format(
                        field=".".join(path), what=_(what)
                    ),
                    _(
                        "remove personal data before publishing: write the person's initials "
                        "and refer to the hotline page instead of writing numbers or addresses"
                    ),
                )
    if any(d.is_error for d in diags.items[errors_before:]) or not values["public"]:
        return None
    submitter = values["submitter"] or {}
    answered = Answer(answer["date"], answer["by"], answer["document_number"], answer["body"])
    published = values["published_at"]
    if published is not None:
        published_at = published.value
    else:
        day = answered.date
        published_at = dt.datetime(day.year, day.month, day.day, tzinfo=tz)
    return Feedback(
        src=rel,
        line=source.position(child(root, "id"))[0] or 1,
        id=values["id"],
        slug=values["id"].lower(),
        received_date=values["received_date"],
        channel=values["channel"],
        category=values["category"],
        title=values["title"],
        question=values["question"],
        submitter=submitter.get("display_name", ""),
        locality=submitter.get("locality", ""),
        related_procedure=values["related_procedure"],
        handling_agency=values["handling_agency"],
        status=values["status"],
        answer=answered,
        published_at=published_at,
    )


# ---------------------------------------------------------------- the type


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedbackView(LayoutContext):
    item: Feedback
    procedure: Procedure | None
    """The related procedure's record, when the site has it."""


def load_feedback(loading: Loading, codes: set[str]) -> list[Feedback]:
    items: list[Feedback] = []
    seen: dict[str, Feedback] = {}
    diags, tz = loading.diags, loading.config.timezone
    for path, rel in loading.files("feedback", ".yaml"):
        found = loading.load_yaml(path, rel)
        item = read_feedback(rel, *found, diags, tz) if found else None
        if item is None:
            continue
        if item.slug in seen:
            diags.error(
                rel,
                item.line,
                None,
                _("the id {id} is already used by {file}").format(
                    id=item.id, file=seen[item.slug].src
                ),
                _("give each feedback item its own id"),
            )
            continue
        seen[item.slug] = item
        if item.related_procedure and item.related_procedure not in codes:
            diags.warning(
                rel,
                item.line,
                None,
                _(
                    "'related_procedure' {code} has no file in "
                    "content/procedures/; it is shown without a link"
                ).format(code=item.related_procedure),
                _("add the procedure or correct the code"),
            )
        items.append(item)
    loading.ignored_files("feedback", ".yaml")
    items.sort(key=lambda f: f.id)
    items.sort(key=lambda f: f.published_at, reverse=True)
    return items


class FeedbackType(ContentType):
    """Published feedback (phản ánh, kiến nghị) with the answers, from ``content/feedback/``."""

    name = "feedback"
    title = "Feedback"
    where = "content/feedback/<id>.yaml"
    intro = "One item of citizens' feedback (phản ánh, kiến nghị) with the answer."
    fields = FIELDS
    order = 60
    provides = {"feedback": ()}
    routes = {"feedback_list": "/phan-anh-kien-nghi/", "feedback": "/phan-anh-kien-nghi/{slug}/"}
    searched = ("feedback",)
    search_section = "search_section_feedback"
    sitemap_parts = ((50, "partials/sitemap/feedback.html"),)

    def load(self, loading: Loading, loaded: Mapping[str, Any]) -> Mapping[str, Any]:
        codes = {p.code for p in loaded.get("procedures", ())}
        return {"feedback": tuple(load_feedback(loading, codes))}

    def footer_links(self, site: Site, locale: Locale) -> Iterable[tuple[int, MenuEntry]]:
        if site.feedback:
            yield 20, MenuEntry(locale.t("feedback_long"), route("feedback_list"), False)

    def every_page(self, site: Site) -> Any:
        return bool(site.feedback)  # the footer links the list

    def bodies(self, site: Site) -> Iterable[Body]:
        return ()  # plain text, no Markdown

    def search_records(self, site: Site, locale: Locale) -> Iterable[SearchRecord]:
        for item in site.feedback:
            yield SearchRecord(
                item.url,
                locale.t(self.search_section),
                item.title,
                locale.date_short(item.answer.date) if item.answer else "",
                item.question.strip().split("\n")[0],
                " ".join((item.question, item.answer.body if item.answer else "")),
                (item.id,),
            )

    def plan(self, planning: Planning) -> None:
        site, t, home = planning.site, planning.t, planning.home
        if not site.feedback:
            return
        list_url = route("feedback_list")
        crumb = Crumb(t("feedback"), list_url)
        meta = PageMeta(
            kind="feedback_list",
            title=t("feedback_long"),
            description=t("feedback_intro"),
            url=list_url,
            breadcrumbs=(home, Crumb(t("feedback"), None)),
        )
        newest = site.feedback[0].published_at
        planning.page(
            list_url, "feedback_list.html", meta, "content/feedback", Nothing(), lastmod=newest
        )
        for item in site.feedback:
            meta = PageMeta(
                kind="feedback",
                title=item.title,
                description=t("feedback_description", title=item.title),
                url=item.url,
                breadcrumbs=(home, crumb, Crumb(item.id, None)),
                og_type="article",
                published=item.published_at,
                subjects=(t("feedback"),),
                creator=item.answer.by if item.answer else "",
            )
            context = FeedbackView(item=item, procedure=site.procedure(item.related_procedure))
            planning.page(
                item.url,
                "feedback.html",
                meta,
                item.src,
                context,
                lastmod=item.published_at,
                line=item.line,
            )


TYPE = FeedbackType()

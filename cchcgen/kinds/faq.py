"""Questions and answers (hỏi đáp) from ``content/faq/*.md``.

One file is one question: the front matter holds the question, its topic and the
procedures it is about; the Markdown body is the answer. ``/hoi-dap/`` lists every
question by topic (with ``FAQPage`` structured data) and each question has its own
page, so that a clerk can send or print the link to one answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import sample, schema
from ..markup import Source, plain_text, shorten
from ..messages import N_, _
from ..outputs import Crumb, LayoutContext, PageMeta, SearchRecord
from ..routes import route
from ..schema import Field
from ..urls import fold
from . import fields
from .base import Body, ContentType, Loading, MenuEntry, Planning, View
from .post import key_line
from .procedure import CODE_RE

if TYPE_CHECKING:
    from ..config import Agency
    from ..content import Procedure, Site
    from ..i18n import Locale


FIELDS = (
    Field("question", schema.one_line, required=True),
    Field("topic", schema.one_line, required=True),
    Field("related_procedures", schema.list_of(
        schema.matching(CODE_RE, N_("a procedure code"), "\"1.001193\""), allow_scalar=True
    ), default=()),
    Field("updated", schema.when),
    Field("weight", schema.integer(-1000, 1000), default=0),
    Field("slug", fields.slug),
    Field("draft", schema.boolean, default=False),
    sample.FIELD,
)  # fmt: skip
"""The front matter of a question; the body is the answer."""


@dataclass(frozen=True, slots=True)
class Question:
    """One question and its answer."""

    src: str
    line: int
    slug: str
    url: str
    """Site URL: ``/hoi-dap/lam-giay-khai-sinh-o-dau/``."""
    question: str
    topic: str
    answer_html: str
    summary: str
    """The answer's first paragraph as plain text."""
    related: tuple[str, ...]
    """Codes of the procedures the question is about."""
    updated: dt.datetime | None
    weight: int
    draft: bool

    @property
    def title(self) -> str:
        return self.question

    @property
    def anchor(self) -> str:
        """Its place on the list page: ``/hoi-dap/#<slug>``."""
        return self.slug


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionList(LayoutContext):
    topics: tuple[tuple[str, tuple[Question, ...]], ...]
    structured: Mapping[str, Any]
    """``FAQPage`` (schema.org) of every question, for search engines."""


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionView(LayoutContext):
    item: Question
    procedures: tuple[tuple[str, Procedure | None], ...]
    """The related codes, with their record when the site has it."""
    others: tuple[Question, ...]
    """The other questions of its topic."""


def read_question(loading: Loading, path: Path, rel: str) -> Question | None:
    file = loading.parse(path, rel)
    if file is None:
        return None
    diags = loading.diags
    errors_before = len(diags.items)
    ctx = loading.context(file.front_source)
    values = schema.read_mapping(file.front, FIELDS, ctx, _("the front matter"))
    slug = values["slug"] or loading.default_slug(path, rel, file.front, file.front_source)
    if not file.body.strip():
        diags.error(
            rel,
            file.body_line,
            None,
            _("the answer is empty"),
            _("write the answer below the front matter (after the second '---')"),
        )
    if any(d.is_error for d in diags.items[errors_before:]):
        return None
    answer = loading.markdown.convert(file.body, Source(rel, file.body_line), diags)
    updated = values["updated"]
    return Question(
        src=rel,
        line=key_line(file, "question"),
        slug=slug,
        url=route("faq_item", slug=slug),
        question=values["question"],
        topic=values["topic"],
        answer_html=answer.html,
        summary=shorten(answer.first_paragraph),
        related=tuple(dict.fromkeys(values["related_procedures"])),
        updated=updated.value if updated else None,
        weight=values["weight"],
        draft=values["draft"],
    )


def _topics(site: Site) -> tuple[tuple[str, tuple[Question, ...]], ...]:
    """Questions by topic: topics in alphabetical order, questions by weight, then text."""
    groups: dict[str, list[Question]] = {}
    for item in site.faq:
        groups.setdefault(item.topic, []).append(item)
    return tuple(
        (topic, tuple(sorted(items, key=lambda q: (q.weight, fold(q.question), q.slug))))
        for topic, items in sorted(groups.items(), key=lambda group: fold(group[0]))
    )


def _structured(site: Site, questions: Iterable[Question]) -> dict[str, Any]:
    absolute = site.config.base.absolute
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": q.question,
                "url": absolute(q.url),
                # the answer as HTML: schema.org's FAQPage allows paragraphs, lists and links
                "acceptedAnswer": {"@type": "Answer", "text": q.answer_html},
            }
            for q in questions
        ],
    }


class FaqType(ContentType):
    name = "faq"
    title = "Questions and answers"
    where = "content/faq/*.md"
    intro = "One question per file: the front matter below, the answer as the Markdown body."
    fields = FIELDS
    order = 65
    provides = {"faq": ()}
    routes = {"faq": "/hoi-dap/", "faq_item": "/hoi-dap/{slug}/"}
    views = {"faq_topics": View(_topics, ("faq",))}
    searched = ("faq",)
    search_section = "search_section_faq"
    sitemap_parts = ((55, "partials/sitemap/faq.html"),)

    def load(self, loading: Loading, loaded: Mapping[str, Any]) -> Mapping[str, Any]:
        files = loading.files("faq", ".md")
        read = loading.load_many("faq", files, lambda p, r: read_question(loading, p, r))
        items = [q for q in read if q is not None and (not q.draft or loading.drafts)]
        loading.ignored_files("faq", ".md")
        codes = {p.code for p in loaded.get("procedures", ())}
        for item in items:
            for code in item.related:
                if code not in codes:
                    loading.diags.warning(
                        item.src,
                        item.line,
                        None,
                        _(
                            "'related_procedures' names {code}, which has no file in "
                            "content/procedures/; it is shown without a link"
                        ).format(code=code),
                        _("add the procedure or correct the code"),
                    )
        items.sort(key=lambda q: q.slug)
        return {"faq": tuple(items)}

    def new_file(
        self, title: str, slug: str, now: dt.datetime, agency: Agency | None
    ) -> tuple[str, dict[str, object], str]:
        front: dict[str, object] = {
            "question": title,
            "topic": "Thủ tục hành chính",
            "related_procedures": [],
            "updated": now.strftime("%d/%m/%Y"),
            "draft": True,
        }
        body = (
            "Viết câu trả lời ở đây, bằng Markdown: ngắn gọn, dẫn tới trang thủ tục liên quan.\n\n"
            "Khi câu trả lời đã sẵn sàng, đổi `draft: true` thành `draft: false` để đăng.\n"
        )
        return f"content/faq/{slug}.md", front, body

    def footer_links(self, site: Site, locale: Locale) -> Iterable[tuple[int, MenuEntry]]:
        if site.faq:
            yield 32, MenuEntry(locale.t("faq_long"), route("faq"), False)

    def menu(self, site: Site, locale: Locale) -> Iterable[tuple[int, MenuEntry]]:
        if site.faq:
            yield 35, MenuEntry(locale.t("faq"), route("faq"), False)

    def bodies(self, site: Site) -> Iterable[Body]:
        return (Body(q.src, q.url, q.answer_html) for q in site.faq)

    def search_records(self, site: Site, locale: Locale) -> Iterable[SearchRecord]:
        for q in site.faq:
            yield SearchRecord(
                q.url,
                locale.t(self.search_section),
                q.question,
                locale.date_short(q.updated) if q.updated else "",
                q.summary,
                " ".join((q.topic, plain_text(q.answer_html))),
                q.related,
            )

    def plan(self, planning: Planning) -> None:
        site, t, home = planning.site, planning.t, planning.home
        if not site.faq:
            return
        list_url = route("faq")
        topics = site.faq_topics
        ordered = [q for _topic, items in topics for q in items]
        meta = PageMeta(kind="faq", title=t("faq_long"), description=t("faq_intro"),
                        url=list_url, breadcrumbs=(home, Crumb(t("faq"), None)))  # fmt: skip
        newest = max((q.updated for q in ordered if q.updated), default=None)
        context = QuestionList(topics=topics, structured=_structured(site, ordered))
        planning.page(list_url, "faq_list.html", meta, "content/faq", context, lastmod=newest)
        crumb = Crumb(t("faq"), list_url)
        for topic, items in topics:
            for item in items:
                meta = PageMeta(
                    kind="faq_item",
                    title=item.question,
                    description=item.summary or t("faq_description", question=item.question),
                    url=item.url,
                    breadcrumbs=(home, crumb, Crumb(item.question, None)),
                    og_type="article",
                    modified=item.updated,
                    subjects=(topic,),
                    creator=site.config.agency.name,
                )
                procedures = tuple((code, site.procedure(code)) for code in item.related)
                others = tuple(q for q in items if q is not item)
                planning.page(item.url, "faq.html", meta, item.src,
                              QuestionView(item=item, procedures=procedures, others=others),
                              lastmod=item.updated, line=item.line)  # fmt: skip


TYPE = FaqType()

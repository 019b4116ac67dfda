"""Standalone pages from ``content/pages/*.md``, published at ``/<slug>/``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import routes, sample, schema
from ..content import Page
from ..markup import Source, plain_text, shorten
from ..messages import _
from ..outputs import Crumb, LayoutContext, PageMeta, SearchRecord
from ..routes import route
from ..schema import Field
from . import fields
from .base import Body, ContentType, Loading, MenuEntry, Planning
from .post import key_line

if TYPE_CHECKING:
    from ..config import Agency
    from ..content import Site
    from ..i18n import Locale


FIELDS = (
    Field("title", schema.one_line, required=True),
    Field("summary", schema.one_line, default=""),
    Field("updated", schema.when),
    Field("slug", fields.slug),
    Field("aliases", fields.ALIASES, default=()),
    Field("draft", schema.boolean, default=False),
    Field("weight", schema.integer(-1000, 1000), default=0),
    sample.FIELD,
)
"""The front matter of a page."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PageView(LayoutContext):
    doc: Page


def read_page(loading: Loading, path: Path, rel: str) -> Page | None:
    file = loading.parse(path, rel)
    if file is None:
        return None
    diags = loading.diags
    errors_before = len(diags.items)
    values = schema.read_mapping(
        file.front, FIELDS, loading.context(file.front_source), _("the front matter")
    )
    slug = values["slug"] or loading.default_slug(path, rel, file.front, file.front_source)
    if slug in routes.reserved_roots():
        line, column = schema.key_position(file.front, "slug", file.front_source)
        diags.error(
            rel,
            line,
            column,
            _("the address /{slug}/ is reserved for a section of the site").format(slug=slug),
            _("choose another slug: ..."),
        )
    if any(d.is_error for d in diags.items[errors_before:]):
        return None
    rendered = loading.markdown.convert(file.body, Source(rel, file.body_line), diags)
    updated = values["updated"]
    return Page(
        src=rel,
        line=key_line(file, "slug"),
        slug=slug,
        url=route("page", slug=slug),
        title=values["title"],
        summary=values["summary"] or shorten(rendered.first_paragraph),
        body_html=rendered.html,
        updated=updated.value if updated else None,
        draft=values["draft"],
        aliases=values["aliases"],
        aliases_line=key_line(file, "aliases"),
        weight=values["weight"],
    )


class PageType(ContentType):
    name = "page"
    title = "Pages"
    where = "content/pages/*.md"
    intro = "The front matter of a standalone page, published at `/<slug>/`."
    fields = FIELDS
    order = 20
    provides = {"pages": ()}
    routes = {"page": "/{slug}/"}
    searched = ("pages",)
    search_section = "search_section_page"
    sitemap_parts = ((80, "partials/sitemap/pages.html"),)
    home_parts = (("aside", 50, "partials/home/pages.html"),)

    def load(self, loading: Loading, loaded: Mapping[str, Any]) -> Mapping[str, Any]:
        files = loading.files("pages", ".md")
        pages = [
            page
            for page in loading.load_many("page", files, lambda p, r: read_page(loading, p, r))
            if page is not None and (not page.draft or loading.drafts)
        ]
        loading.ignored_files("pages", ".md")
        pages.sort(key=lambda p: (p.weight, p.title, p.slug))
        return {"pages": tuple(pages)}

    def new_file(
        self, title: str, slug: str, now: dt.datetime, agency: Agency | None
    ) -> tuple[str, dict[str, object], str]:
        body = "Viết nội dung trang ở đây, bằng Markdown.\n"
        return f"content/pages/{slug}.md", {"title": title, "summary": ""}, body

    def menu(self, site: Site, locale: Locale) -> Iterable[tuple[int, MenuEntry]]:
        return ((50, MenuEntry(p.title, p.url, False)) for p in site.pages)

    def footer_links(self, site: Site, locale: Locale) -> Iterable[tuple[int, MenuEntry]]:
        return ((60, MenuEntry(p.title, p.url, False)) for p in site.pages)

    def every_page(self, site: Site) -> Any:
        return tuple((p.title, p.url) for p in site.pages)  # the footer lists them

    def bodies(self, site: Site) -> Iterable[Body]:
        return (Body(page.src, page.url, page.body_html) for page in site.pages)

    def search_records(self, site: Site, locale: Locale) -> Iterable[SearchRecord]:
        for page in site.pages:
            yield SearchRecord(
                page.url,
                locale.t(self.search_section),
                page.title,
                "",
                page.summary,
                plain_text(page.body_html),
            )

    def plan(self, planning: Planning) -> None:
        site = planning.site
        for page in site.pages:
            meta = PageMeta(
                kind="page",
                title=page.title,
                description=page.summary,
                url=page.url,
                breadcrumbs=(planning.home, Crumb(page.title, None)),
                modified=page.updated,
                creator=site.config.agency.name,
            )
            planning.page(
                page.url,
                "page.html",
                meta,
                page.src,
                PageView(doc=page),
                lastmod=page.updated,
                line=page.line,
            )
            planning.aliases(page)


TYPE = PageType()

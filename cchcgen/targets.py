"""Plan the output: one :class:`Target` per file the build will write.

Planning decides every URL and what each page shows, and checks that no two
targets claim the same address (the error names both sources) and that every
menu link points at a page that exists.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .content import Change, Page, Plan, Post, Procedure, Site, Tag
from .errors import Collector, ContentError, Diagnostic
from .i18n import Locale
from .messages import _
from .procedures import LEVELS
from .urls import UnsafePath, output_path, paged, section

NEWS = "/tin-tuc/"
PLANS = "/ke-hoach/"
PROCEDURES = "/thu-tuc-hanh-chinh/"
CHANGES = "/thu-tuc-hanh-chinh/moi-cap-nhat/"
PROCEDURES_FEED = "/thu-tuc-hanh-chinh/rss.xml"
HOTLINE = "/duong-day-nong/"
FEEDBACK = "/phan-anh-kien-nghi/"
INDICES = "/chi-so-cchc/"
SEARCH = "/tim-kiem/"
TOPICS = "/chu-de/"
SITEMAP_HTML = "/so-do-trang/"


class Kind(enum.Enum):
    PAGE = "page"
    ALIAS = "alias"
    FEED = "feed"
    QR_SVG = "qr_svg"
    QR_PNG = "qr_png"
    SITEMAP = "sitemap"
    ROBOTS = "robots"
    STATIC = "static"
    ASSET = "asset"
    DATA = "data"
    """Open data: ``data["format"]`` is json or csv."""
    SERVER = "server"
    """Web server configuration: ``data["format"]`` is headers, redirects or nginx."""


@dataclass(frozen=True, slots=True)
class Crumb:
    title: str
    url: str | None


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What every HTML page tells the layout about itself (title, metadata, breadcrumbs)."""

    kind: str
    """home, post, posts, year, tag, tags, page, sitemap, not_found."""
    title: str
    description: str
    url: str
    breadcrumbs: tuple[Crumb, ...] = ()
    og_type: str = "website"
    published: dt.datetime | None = None
    modified: dt.datetime | None = None
    subjects: tuple[str, ...] = ()
    creator: str = ""
    feeds: tuple[tuple[str, str], ...] = ()
    """Alternate feeds as (title, site URL)."""
    image: str | None = None
    image_alt: str = ""
    indexable: bool = True


@dataclass(frozen=True, slots=True)
class Paginator:
    number: int
    total: int
    items: tuple[Post, ...]
    base: str
    """Site URL of page 1."""

    def url(self, number: int) -> str:
        return paged(self.base, number)

    @property
    def prev_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.total else None

    @property
    def window(self) -> tuple[int | None, ...]:
        """Page numbers to link: the first, the last and two either side of this one;
        None marks a gap. A list of 500 pages gets 7 links, not 500, on every page."""
        wanted = {1, self.total, *range(self.number - 2, self.number + 3)}
        shown = sorted(n for n in wanted if 1 <= n <= self.total)
        window: list[int | None] = []
        for n in shown:
            if window and n - (window[-1] or 0) > 1:
                window.append(n - 1 if n - (window[-1] or 0) == 2 else None)
            window.append(n)
        return tuple(window)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    title: str
    url: str
    date: dt.datetime
    summary: str
    categories: tuple[str, ...]

    @classmethod
    def of_post(cls, post: Post) -> FeedEntry:
        return cls(post.title, post.url, post.date, post.summary, tuple(t.name for t in post.tags))

    @classmethod
    def of_plan(cls, plan: Plan) -> FeedEntry:
        return cls(
            plan.display_title,
            plan.url,
            plan.published_at,
            plan.summary,
            tuple(t.name for t in plan.tags),
        )


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


@dataclass(frozen=True, slots=True)
class FeedData:
    title: str
    description: str
    page_url: str
    """Site URL of the HTML page the feed mirrors."""
    entries: tuple[FeedEntry, ...]
    """Newest first."""


@dataclass(frozen=True, slots=True)
class Target:
    """One file under the output folder."""

    output: str
    url: str
    kind: Kind
    origin: str
    """Source file (or built-in section) that asked for this file, for error messages."""
    line: int | None = None
    layout: str | None = None
    meta: PageMeta | None = None
    data: dict[str, Any] = field(default_factory=dict)
    lastmod: dt.datetime | None = None
    in_sitemap: bool = False


class _Planner:
    def __init__(self, site: Site, locale: Locale) -> None:
        self.site = site
        self.locale = locale
        self.t = locale.t
        self.targets: list[Target] = []
        self.home = Crumb(self.t("home"), "/")
        self.news_crumb = Crumb(self.t("news"), NEWS)
        self.all_feeds = (
            (self.t("feed_all"), "/rss.xml"),
            (self.t("feed_news"), "/tin-tuc/rss.xml"),
        )

    # -- helpers

    def page(
        self,
        url: str,
        layout: str,
        meta: PageMeta,
        origin: str,
        lastmod: dt.datetime | None = None,
        sitemap: bool = True,
        line: int | None = None,
        **data: Any,
    ) -> None:
        self.targets.append(
            Target(
                output_path(url), url, Kind.PAGE, origin, line, layout, meta, data, lastmod, sitemap
            )
        )

    def paginate(
        self,
        base: str,
        posts: Sequence[Post],
        layout: str,
        make_meta: Any,
        origin: str,
        **data: Any,
    ) -> None:
        size = self.site.config.paginate
        total = max(1, -(-len(posts) // size))
        for number in range(1, total + 1):
            items = tuple(posts[(number - 1) * size : number * size])
            paginator = Paginator(number, total, items, base)
            meta = make_meta(number, total)
            lastmod = max((p.lastmod for p in items), default=None)
            self.page(
                paginator.url(number), layout, meta, origin, lastmod, paginator=paginator, **data
            )

    def titled(self, title: str, number: int, total: int) -> str:
        if total > 1 and number > 1:
            return f"{title} – {self.t('page_n_of', n=number, total=total)}"
        return title

    def feed(self, url: str, data: FeedData, origin: str) -> None:
        self.targets.append(Target(output_path(url), url, Kind.FEED, origin, data={"feed": data}))

    def qr_files(self, url: str, title: str, origin: str, line: int) -> None:
        """``qr.svg`` and ``qr.png`` beside the page at ``url``, encoding its address."""
        label = self.t("qr_label", title=title)
        for name, kind in (("qr.svg", Kind.QR_SVG), ("qr.png", Kind.QR_PNG)):
            self.targets.append(
                Target(
                    output_path(url + name),
                    url + name,
                    kind,
                    origin,
                    line,
                    data={"target_url": url, "label": label},
                )
            )

    def aliases(self, item: Post | Page | Plan) -> None:
        for alias in item.aliases:
            meta = PageMeta("alias", item.title, "", alias, indexable=False)
            self.targets.append(
                Target(
                    output_path(alias),
                    alias,
                    Kind.ALIAS,
                    item.src,
                    item.aliases_line,
                    "alias.html",
                    meta,
                    {"target_url": item.url},
                )
            )

    # -- sections

    def plan_home(self) -> None:
        config = self.site.config
        meta = PageMeta(
            "home",
            config.title,
            config.description or config.title,
            "/",
            feeds=self.all_feeds,
            creator=config.agency.name,
        )
        posts = self.site.posts[: config.home_posts]
        lastmod = max((p.lastmod for p in posts), default=None)
        self.page("/", "index.html", meta, "site.yaml", lastmod, posts=posts)

    def plan_posts(self) -> None:
        site = self.site
        related = related_posts(site.posts, site.config.related_posts)
        for post in site.posts:
            crumbs = (self.home, self.news_crumb, Crumb(post.title, None))
            meta = PageMeta(
                "post",
                post.title,
                post.summary,
                post.url,
                crumbs,
                "article",
                post.date,
                post.updated,
                tuple(t.name for t in post.tags),
                post.author or site.config.agency.name,
                self.all_feeds,
                post.image,
                post.image_alt,
            )
            self.page(
                post.url,
                "post.html",
                meta,
                post.src,
                post.lastmod,
                line=post.line,
                post=post,
                related=related[post.src],
            )
            self.aliases(post)

        def news_meta(number: int, total: int) -> PageMeta:
            crumbs = (self.home, Crumb(self.t("news"), None))
            return PageMeta(
                "posts",
                self.titled(self.t("news_long"), number, total),
                self.t("news_long"),
                paged(NEWS, number),
                crumbs,
                feeds=self.all_feeds,
            )

        self.paginate(NEWS, site.posts, "posts.html", news_meta, "content/posts")
        for year in site.years:
            base = section("tin-tuc", str(year))

            def year_meta(number: int, total: int, year: int = year, base: str = base) -> PageMeta:
                crumbs = (self.home, self.news_crumb, Crumb(str(year), None))
                title = self.t("news_of_year", year=year)
                return PageMeta(
                    "year",
                    self.titled(title, number, total),
                    title,
                    paged(base, number),
                    crumbs,
                    feeds=self.all_feeds,
                )

            self.paginate(
                base, site.posts_of_year(year), "year.html", year_meta, "content/posts", year=year
            )
        limit = site.config.feed_items
        everything = sorted(
            [FeedEntry.of_post(p) for p in site.posts] + [FeedEntry.of_plan(p) for p in site.plans],
            key=lambda e: (e.date, e.url),
            reverse=True,
        )[:limit]
        description = site.config.description or site.config.title
        self.feed(
            "/rss.xml",
            FeedData(site.config.title, description, "/", tuple(everything)),
            "site.yaml",
        )
        news = tuple(FeedEntry.of_post(p) for p in site.posts[:limit])
        title = f"{self.t('news_long')} – {site.config.title}"
        self.feed(
            "/tin-tuc/rss.xml", FeedData(title, self.t("news_long"), NEWS, news), "content/posts"
        )

    def plan_tags(self) -> None:
        site = self.site
        if not site.tags:
            return
        crumbs = (self.home, Crumb(self.t("topics"), None))
        meta = PageMeta("tags", self.t("all_topics"), self.t("all_topics"), TOPICS, crumbs)
        self.page(TOPICS, "tags.html", meta, "content/posts", None, groups=site.tags)
        for group in site.tags:
            tag = group.tag
            feed_url = f"{tag.url}rss.xml"
            feeds = ((self.t("feed_topic", name=tag.name), feed_url), *self.all_feeds)

            def tag_meta(number: int, total: int, tag: Tag = tag, feeds: Any = feeds) -> PageMeta:
                crumbs = (self.home, Crumb(self.t("topics"), TOPICS), Crumb(tag.name, None))
                title = self.t("topic_title", name=tag.name)
                return PageMeta(
                    "tag",
                    self.titled(title, number, total),
                    title,
                    paged(tag.url, number),
                    crumbs,
                    subjects=(tag.name,),
                    feeds=feeds,
                )

            self.paginate(
                tag.url,
                group.posts,
                "tag.html",
                tag_meta,
                "content/posts",
                tag=tag,
                feed_url=feed_url,
            )
            self.feed(
                feed_url,
                FeedData(
                    f"{tag.name} – {site.config.title}",
                    self.t("topic_title", name=tag.name),
                    tag.url,
                    tuple(FeedEntry.of_post(p) for p in group.posts[: site.config.feed_items]),
                ),
                "content/posts",
            )

    def plan_pages(self) -> None:
        for page in self.site.pages:
            crumbs = (self.home, Crumb(page.title, None))
            meta = PageMeta(
                "page",
                page.title,
                page.summary,
                page.url,
                crumbs,
                modified=page.updated,
                creator=self.site.config.agency.name,
            )
            self.page(page.url, "page.html", meta, page.src, page.updated, line=page.line, doc=page)
            self.aliases(page)

    def plan_plans(self) -> None:
        site = self.site
        if not site.plans:
            return
        plans_crumb = Crumb(self.t("plans"), PLANS)
        feeds = ((self.t("feed_plans"), "/ke-hoach/rss.xml"), *self.all_feeds)
        crumbs: tuple[Crumb, ...] = (self.home, Crumb(self.t("plans"), None))
        meta = PageMeta(
            "plans", self.t("plans_long"), self.t("plans_intro"), PLANS, crumbs, feeds=feeds
        )
        newest = max(p.lastmod for p in site.plans)
        self.page(PLANS, "plans.html", meta, "content/plans", newest, years=site.plan_years)
        for year in site.plan_years:
            url = section("ke-hoach", str(year))
            crumbs = (self.home, plans_crumb, Crumb(str(year), None))
            title = self.t("plans_of_year", year=year)
            meta = PageMeta("plans_year", title, title, url, crumbs, feeds=feeds)
            plans = site.plans_of_year(year)
            self.page(
                url,
                "plans.html",
                meta,
                "content/plans",
                max(p.lastmod for p in plans),
                years=(year,),
            )
        for plan in site.plans:
            self.plan_one(plan, plans_crumb, feeds)
        entries = sorted(
            (FeedEntry.of_plan(p) for p in site.plans), key=lambda e: (e.date, e.url), reverse=True
        )
        self.feed(
            "/ke-hoach/rss.xml",
            FeedData(
                f"{self.t('plans_long')} – {site.config.title}",
                self.t("plans_intro"),
                PLANS,
                tuple(entries[: site.config.feed_items]),
            ),
            "content/plans",
        )

    def plan_one(self, plan: Plan, plans_crumb: Crumb, feeds: Any) -> None:
        site = self.site
        replacement = site.plan_by_reference(plan.superseded_by) if plan.superseded_by else None
        replaces = tuple(
            p
            for p in site.plans
            if p.superseded_by and site.plan_by_reference(p.superseded_by) is plan
        )
        year_crumb = Crumb(str(plan.year), section("ke-hoach", str(plan.year)))
        crumbs = (
            self.home,
            plans_crumb,
            year_crumb,
            Crumb(plan.full_number if plan.number else plan.title, None),
        )
        meta = PageMeta(
            "plan",
            plan.display_title,
            plan.summary,
            plan.url,
            crumbs,
            "article",
            plan.published_at,
            None,
            tuple(t.name for t in plan.tags),
            plan.issuer_name.title() if plan.issuer_name.isupper() else plan.issuer_name,
            feeds,
        )
        self.page(
            plan.url,
            "plan.html",
            meta,
            plan.src,
            plan.lastmod,
            line=plan.line,
            plan=plan,
            replacement=replacement,
            replaces=replaces,
        )
        if plan.qr:
            self.qr_files(plan.url, plan.display_title, plan.src, plan.line)
            poster = plan.url + "ma-qr/"
            poster_meta = PageMeta(
                "qr_poster",
                f"{self.t('qr_poster')}: {plan.display_title}",
                plan.summary,
                poster,
                crumbs[:-1]
                + (
                    Crumb(plan.full_number if plan.number else plan.title, plan.url),
                    Crumb(self.t("qr_poster"), None),
                ),
                indexable=False,
            )
            self.page(
                poster,
                "plan_qr.html",
                poster_meta,
                plan.src,
                None,
                sitemap=False,
                line=plan.line,
                plan=plan,
                canonical_url=plan.url,
            )
        for attachment in plan.attachments:
            url = plan.url + attachment.filename
            self.targets.append(
                Target(
                    output_path(url),
                    url,
                    Kind.STATIC,
                    plan.src,
                    plan.line,
                    data={"src": attachment.src},
                )
            )
        self.aliases(plan)

    def plan_procedures(self) -> None:
        site = self.site
        if not site.procedures:
            return
        t = self.t
        catalogue = Crumb(t("procedures"), PROCEDURES)
        feeds = ((t("feed_procedures"), PROCEDURES_FEED), *self.all_feeds)
        newest = max(p.source.retrieved for p in site.procedures)
        lastmod = dt.datetime(newest.year, newest.month, newest.day, tzinfo=site.config.timezone)
        in_force = site.procedures_in_force
        meta = PageMeta(
            "procedures",
            t("procedures_long"),
            t("procedures_intro"),
            PROCEDURES,
            (self.home, Crumb(t("procedures"), None)),
            feeds=feeds,
        )
        self.page(
            PROCEDURES,
            "procedures.html",
            meta,
            "content/procedures",
            lastmod,
            groups=site.sectors,
            level_counts=level_counts(in_force),
            total=len(in_force),
        )
        for sector, items in site.sectors:
            title = t("sector_title", name=sector.name)
            meta = PageMeta(
                "procedures_sector",
                title,
                t("sector_intro", name=sector.name, count=len(items)),
                sector.url,
                (self.home, catalogue, Crumb(sector.name, None)),
                feeds=feeds,
                subjects=(sector.name,),
            )
            self.page(
                sector.url,
                "procedures.html",
                meta,
                "content/procedures",
                lastmod,
                groups=((sector, items),),
                level_counts=level_counts(items),
                total=len(items),
            )
        for level, count in level_counts(in_force):
            url = f"{PROCEDURES}cap-{level}/"
            title = t("level_title", level=t(f"level_{level}"))
            groups = tuple(
                (sector, chosen)
                for sector, items in site.sectors
                if (chosen := tuple(p for p in items if level in p.levels))
            )
            meta = PageMeta(
                "procedures_level",
                title,
                t("level_intro", level=t(f"level_{level}"), count=count),
                url,
                (self.home, catalogue, Crumb(t(f"level_{level}"), None)),
                feeds=feeds,
            )
            self.page(
                url,
                "procedures.html",
                meta,
                "content/procedures",
                lastmod,
                groups=groups,
                level_counts=(),
                total=count,
            )
        for procedure in site.procedures:
            self.plan_procedure(procedure, catalogue, feeds)
        changes = site.procedure_changes
        meta = PageMeta(
            "procedure_changes",
            t("changes_long"),
            t("changes_intro"),
            CHANGES,
            (self.home, catalogue, Crumb(t("changes"), None)),
            feeds=feeds,
        )
        retired = tuple(p for p in site.procedures if not p.in_force)
        self.page(
            CHANGES,
            "procedure_changes.html",
            meta,
            "content/procedures",
            lastmod,
            changes=changes,
            retired=retired,
            change_anchor=change_anchor,
        )
        tz = site.config.timezone
        entries = tuple(
            change_entry(p, c, self.locale, tz) for p, c in changes[: site.config.feed_items]
        )
        self.feed(
            PROCEDURES_FEED,
            FeedData(
                f"{t('changes_long')} – {site.config.title}", t("changes_intro"), CHANGES, entries
            ),
            "content/procedures",
        )
        for name, fmt in (("du-lieu.json", "json"), ("du-lieu.csv", "csv")):
            url = PROCEDURES + name
            self.targets.append(
                Target(output_path(url), url, Kind.DATA, "content/procedures", data={"format": fmt})
            )

    def plan_procedure(self, procedure: Procedure, catalogue: Crumb, feeds: Any) -> None:
        site = self.site
        replacement = site.procedure(procedure.replaced_by) if procedure.replaced_by else None
        replaces = tuple(p for p in site.procedures if p.replaced_by == procedure.code)
        related = tuple(
            (code, site.procedure(code)) for code in procedure.related if code != procedure.code
        )
        sector_crumb = Crumb(procedure.sector.name, procedure.sector.url)
        checked = procedure.reviewed_on or procedure.source.retrieved
        meta = PageMeta(
            "procedure",
            procedure.name,
            self.t(
                "procedure_description",
                name=procedure.name,
                code=procedure.code,
                sector=procedure.sector.name,
            ),
            procedure.url,
            (self.home, catalogue, sector_crumb, Crumb(procedure.code, None)),
            "article",
            None,
            dt.datetime(checked.year, checked.month, checked.day, tzinfo=site.config.timezone),
            (procedure.sector.name,),
            site.config.agency.name,
            feeds,
        )
        self.page(
            procedure.url,
            "procedure.html",
            meta,
            procedure.src,
            meta.modified,
            line=procedure.line,
            procedure=procedure,
            replacement=replacement,
            replaces=replaces,
            related=related,
            change_anchor=change_anchor,
        )
        self.qr_files(procedure.url, procedure.display_title, procedure.src, procedure.line)

    def plan_civic(self) -> None:
        """The hotline page, published feedback and the reform indices."""
        site, t = self.site, self.t
        if site.contact is not None:
            meta = PageMeta(
                "hotline",
                t("hotline_long"),
                t("hotline_intro"),
                HOTLINE,
                (self.home, Crumb(t("hotline"), None)),
            )
            self.page(
                HOTLINE, "hotline.html", meta, "content/hotline.yaml", None, contact=site.contact
            )
        if site.feedback:
            crumb = Crumb(t("feedback"), FEEDBACK)
            meta = PageMeta(
                "feedback_list",
                t("feedback_long"),
                t("feedback_intro"),
                FEEDBACK,
                (self.home, Crumb(t("feedback"), None)),
            )
            newest = site.feedback[0].published_at
            self.page(FEEDBACK, "feedback_list.html", meta, "content/feedback", newest)
            for item in site.feedback:
                meta = PageMeta(
                    "feedback",
                    item.title,
                    t("feedback_description", title=item.title),
                    item.url,
                    (self.home, crumb, Crumb(item.id, None)),
                    "article",
                    item.published_at,
                    None,
                    (t("feedback"),),
                    item.answer.by if item.answer else "",
                )
                procedure = site.procedure(item.related_procedure)
                self.page(
                    item.url,
                    "feedback.html",
                    meta,
                    item.src,
                    item.published_at,
                    line=item.line,
                    item=item,
                    procedure=procedure,
                )
        if site.indices:
            meta = PageMeta(
                "indices",
                t("indices_long"),
                t("indices_intro"),
                INDICES,
                (self.home, Crumb(t("indices"), None)),
            )
            self.page(INDICES, "indices.html", meta, "content/indices.yaml", None)

    def plan_search(self) -> None:
        if not (self.site.config.search and self.site.searchable):
            return
        meta = PageMeta(
            "search",
            self.t("search_title"),
            self.t("search_intro"),
            SEARCH,
            (self.home, Crumb(self.t("search_title"), None)),
            indexable=False,
        )
        self.page(SEARCH, "search.html", meta, "site.yaml", None, sitemap=False)

    def plan_site_files(self) -> None:
        crumbs = (self.home, Crumb(self.t("sitemap"), None))
        meta = PageMeta("sitemap", self.t("sitemap"), self.t("sitemap_intro"), SITEMAP_HTML, crumbs)
        self.page(SITEMAP_HTML, "sitemap.html", meta, "site.yaml", None)
        meta = PageMeta(
            "not_found",
            self.t("not_found_title"),
            self.t("not_found_text"),
            "/404.html",
            indexable=False,
        )
        self.page("/404.html", "404.html", meta, "site.yaml", None, sitemap=False)
        self.targets.append(Target("sitemap.xml", "/sitemap.xml", Kind.SITEMAP, "site.yaml"))
        self.targets.append(Target("robots.txt", "/robots.txt", Kind.ROBOTS, "site.yaml"))
        for static in self.site.static:
            self.targets.append(
                Target(
                    static.output,
                    "/" + static.output,
                    Kind.STATIC,
                    static.src,
                    data={"src": static.src},
                )
            )

    def plan(self) -> list[Target]:
        self.plan_home()
        self.plan_posts()
        self.plan_tags()
        self.plan_pages()
        self.plan_plans()
        self.plan_procedures()
        self.plan_civic()
        self.plan_search()
        self.plan_site_files()
        return self.targets


def level_counts(procedures: Sequence[Procedure]) -> tuple[tuple[str, int], ...]:
    """(level, number of procedures carried out at that level), top level first."""
    counts = {level: sum(1 for p in procedures if level in p.levels) for level in LEVELS}
    return tuple((level, count) for level, count in counts.items() if count)


def related_posts(posts: Sequence[Post], limit: int) -> dict[str, tuple[Post, ...]]:
    """ "Tin khác" for each post: posts sharing the most tags, nearest in time, then the newest.

    Candidates come from a window around the post in each of its tags' date-ordered
    lists, so the cost grows with posts × tags × limit, not posts².
    """
    by_tag: dict[str, list[Post]] = {}
    for post in posts:
        for tag in post.tags:
            by_tag.setdefault(tag.slug, []).append(post)
    position = {slug: {p.src: i for i, p in enumerate(group)} for slug, group in by_tag.items()}
    newest = posts[: limit + 1]
    result: dict[str, tuple[Post, ...]] = {}
    for post in posts:
        scores: dict[str, int] = {}
        pool: dict[str, Post] = {}
        for tag in post.tags:
            group = by_tag[tag.slug]
            index = position[tag.slug][post.src]
            for other in group[max(0, index - limit) : index + limit + 1]:
                if other.src != post.src:
                    scores[other.src] = scores.get(other.src, 0) + 1
                    pool[other.src] = other
        ranked = sorted(
            pool.values(),
            key=lambda o: (-scores[o.src], abs((o.date - post.date).total_seconds()), o.src),
        )
        chosen = ranked[:limit]
        for other in newest:
            if len(chosen) >= limit:
                break
            if other.src != post.src and other not in chosen:
                chosen.append(other)
        result[post.src] = tuple(chosen)
    return result


def plan(
    site: Site,
    locale: Locale,
    extra: Iterable[Target] = (),
    earlier: Sequence[Diagnostic] = (),
) -> list[Target]:
    """All targets of the site; raise :class:`ContentError` if two claim one address.

    ``earlier`` are the loader's errors: they are raised together with ours, so
    an editor sees every problem of the build at once.
    """
    diags = Collector()
    diags.extend(earlier)
    try:
        targets = _Planner(site, locale).plan()
    except UnsafePath as exc:  # slugs and aliases are validated earlier; this is a backstop
        diags.error("content", None, None, str(exc))
        raise ContentError(diags.items) from None
    targets.extend(extra)
    targets.extend(server_files(targets))
    check_unique(targets, diags, {d.path for d in earlier if d.is_error})
    if not earlier:  # a menu link to a page that failed to load is not a menu problem
        check_menu(site, targets, diags)
    diags.raise_if_errors(ContentError)
    return targets


FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.(css|js)$")


def server_files(targets: Sequence[Target]) -> list[Target]:
    """``_headers``, ``_redirects`` and ``_nginx.conf`` for this site's files."""
    aliases = tuple((t.url, t.data["target_url"]) for t in targets if t.kind is Kind.ALIAS)
    fingerprinted = tuple(
        t.url for t in targets if t.kind is Kind.ASSET and FINGERPRINTED.search(t.url)
    )
    return [
        Target(name, f"/{name}", Kind.SERVER, "site.yaml",
               data={"format": fmt, "aliases": aliases, "fingerprinted": fingerprinted})
        for name, fmt in (("_headers", "headers"), ("_redirects", "redirects"),
                          ("_nginx.conf", "nginx"))
    ]  # fmt: skip


def check_unique(targets: Sequence[Target], diags: Collector, blamed: Collection[str] = ()) -> None:
    """Two targets may not share an output file; blame aliases first, then the later file.

    A file that already has an error (``blamed``: a plan numbered like another) is not
    blamed again for the addresses that error makes collide."""
    groups: dict[str, list[Target]] = {}
    for target in targets:
        # compare without case: Windows disks and some hosts do not tell a/ from A/
        groups.setdefault(target.output.lower(), []).append(target)
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda t: (t.kind is Kind.ALIAS, t.origin, t.line or 0))
        owner = group[0]
        for other in group[1:]:
            if other.origin in blamed:
                continue
            if other.kind is Kind.ALIAS:
                message = _("the old address (alias) {url} is already used by {path} ({owner})")
            else:
                message = _("the address {url} is already used by {path} ({owner})")
            diags.error(
                other.origin,
                other.line,
                None,
                message.format(url=other.url, path=owner.origin, owner=owner.url),
                _("give one of them another slug, or remove the duplicate"),
            )


def check_menu(site: Site, targets: Sequence[Target], diags: Collector) -> None:
    if not site.config.menu:
        return
    known = {t.url for t in targets} | {t.url.removesuffix("index.html") for t in targets}
    for item in site.config.menu:
        if item.url.startswith("/") and item.url.split("#")[0] not in known:
            diags.error(
                "site.yaml",
                item.line,
                None,
                _(
                    "the menu item '{title}' points at {url}, which is not a page of this site"
                ).format(title=item.title, url=item.url),
                _("fix the address or remove the item"),
            )

"""News posts (tin bài) from ``content/posts/**/*.md``, and the topics (tags) they carry.

Publishes the news list by page and by year, each post's page, a topic page per tag,
and the news and topic feeds.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import sample, schema
from ..content import Post, Tag, TagGroup
from ..files import file_inside
from ..markup import Source, plain_text, shorten
from ..messages import _
from ..outputs import (
    Crumb,
    FeedData,
    FeedEntry,
    LayoutContext,
    Listing,
    PageMeta,
    Paginator,
    SearchItem,
    SearchRecord,
)
from ..routes import paged, route
from ..schema import Field
from ..urls import UnsafePath, fold, safe_relative, slugify
from . import fields
from .base import Body, ItemSearched, Loading, MenuEntry, Planning, SourceFile, View

if TYPE_CHECKING:
    from ..config import Agency, NewsCategory
    from ..content import Site
    from ..i18n import Locale


FIELDS = (
    Field("title", schema.one_line, required=True),
    Field("date", schema.when, required=True),
    Field("summary", schema.one_line, default=""),
    Field("tags", fields.TAGS, default=()),
    Field("category", schema.one_line, default=""),
    Field("author", schema.one_line, default=""),
    Field("source", schema.one_line, default=""),
    Field("image", schema.one_line),
    Field("image_alt", schema.one_line, default=""),
    Field("draft", schema.boolean, default=False),
    Field("expiry_date", schema.when),
    Field("updated", schema.when),
    Field("slug", fields.slug),
    Field("aliases", fields.ALIASES, default=()),
    sample.FIELD,
)
"""The front matter of a post."""


# ---------------------------------------------------------------- layout contexts


@dataclass(frozen=True, slots=True, kw_only=True)
class PostView(LayoutContext):
    post: Post
    related: tuple[Post, ...]
    """"Tin khác": posts sharing its tags, nearest in time."""


@dataclass(frozen=True, slots=True)
class CategoryGroup:
    """A news category of the site with its posts, newest first."""

    name: str
    slug: str
    posts: tuple[Post, ...]

    @property
    def url(self) -> str:
        return route("news_category", slug=self.slug)

    @property
    def feed_url(self) -> str:
        return route("news_category_feed", slug=self.slug)


@dataclass(frozen=True, slots=True)
class CategoryLink:
    """A news category as its bar and its pages name it: its name and addresses only, so
    that editing a post changes neither the bar nor the category's pages that do not
    list the post (their posts are the paginator's)."""

    name: str
    slug: str

    @property
    def url(self) -> str:
        return route("news_category", slug=self.slug)

    @property
    def feed_url(self) -> str:
        return route("news_category_feed", slug=self.slug)


@dataclass(frozen=True, slots=True, kw_only=True)
class CategoryListing(LayoutContext):
    paginator: Paginator
    category: CategoryLink


@dataclass(frozen=True, slots=True, kw_only=True)
class YearListing(LayoutContext):
    paginator: Paginator
    year: int


@dataclass(frozen=True, slots=True, kw_only=True)
class TagListing(LayoutContext):
    paginator: Paginator
    tag: Tag
    feed_url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TagIndex(LayoutContext):
    groups: tuple[TagGroup, ...]


# ---------------------------------------------------------------- reading


def _check_image(loading: Loading, values: dict[str, Any], file: SourceFile) -> str | None:
    image = values["image"]
    if not image:
        return None
    line, column = schema.key_position(file.front, "image", file.front_source)
    if image.startswith(("http://", "https://", "//")):
        loading.diags.error(
            file.rel,
            line,
            column,
            _("images must be stored with the site, not loaded from another server"),
            _("save the image in content/static/images/ and write image: images/<name>"),
        )
        return None
    rel_image = image.lstrip("/")
    try:
        rel_image = safe_relative(rel_image)
    except UnsafePath as exc:
        loading.diags.error(
            file.rel,
            line,
            column,
            _("'{field}' {message}").format(field="image", message=exc),
            _("write a path inside content/static/, e.g. images/a.jpg"),
        )
        return None
    static = loading.root / "content" / "static"
    if not file_inside(static / rel_image, static):
        loading.diags.error(
            file.rel,
            line,
            column,
            _("'image' file content/static/{path} does not exist").format(path=rel_image),
            _("put the image in content/static/ or fix the path"),
        )
        return None
    if not values["image_alt"]:
        loading.diags.error(
            file.rel,
            line,
            column,
            _("'image_alt' is required with 'image'"),
            _("describe the picture for people who cannot see it: image_alt: ..."),
        )
    return "/" + rel_image


def key_line(file: SourceFile, key: str) -> int:
    """Line of ``key`` in the front matter, else 1."""
    line, _column = schema.key_position(file.front, key, file.front_source)
    return line if line is not None and file.front is not None else 1


def read_post(loading: Loading, path: Path, rel: str) -> Post | None:
    file = loading.parse(path, rel)
    if file is None:
        return None
    diags = loading.diags
    errors_before = len(diags.items)
    values = schema.read_mapping(
        file.front, FIELDS, loading.context(file.front_source), _("the front matter")
    )
    slug = values["slug"] or loading.default_slug(path, rel, file.front, file.front_source)
    image = _check_image(loading, values, file)
    date, expiry, updated = values["date"], values["expiry_date"], values["updated"]
    if date and expiry and expiry.value <= date.value:
        line, column = schema.key_position(file.front, "expiry_date", file.front_source)
        diags.error(
            rel,
            line,
            column,
            _("'expiry_date' must be after 'date'"),
            _("write the day the post stops being shown, after it appears, or remove the line"),
        )
    if date and updated and updated.value < date.value:
        line, column = schema.key_position(file.front, "updated", file.front_source)
        diags.warning(rel, line, column, _("'updated' is before 'date'"))
    if any(d.is_error for d in diags.items[errors_before:]):
        return None
    rendered = loading.markdown.convert(file.body, Source(rel, file.body_line), diags)
    tags = tuple(Tag(slugify(name), name) for name in dict.fromkeys(values["tags"]))
    return Post(
        src=rel,
        line=key_line(file, "slug"),
        slug=slug,
        url=route("post", slug=slug),
        title=values["title"],
        date=date.value,
        has_time=date.has_time,
        summary=values["summary"] or shorten(rendered.first_paragraph),
        lead=values["summary"],
        body_html=rendered.html,
        tags=tags,
        category=values["category"],
        author=values["author"],
        source=values["source"],
        image=image,
        image_alt=values["image_alt"],
        draft=values["draft"],
        expiry_date=expiry.value if expiry else None,
        updated=updated.value if updated else None,
        aliases=values["aliases"],
        aliases_line=key_line(file, "aliases"),
        tags_line=key_line(file, "tags"),
        category_line=key_line(file, "category"),
    )


def _published(loading: Loading, post: Post) -> bool:
    now = loading.now
    if post.draft and not loading.drafts:
        return False
    if post.date > now and not loading.future:
        loading.due(post.date)
        loading.note(
            _(
                "{file}: dated {date}, published by the first build "
                "on or after that time (--future shows it now)"
            ).format(file=post.src, date=f"{post.date:%d/%m/%Y %H:%M}")
        )
        return False
    if post.expiry_date is not None and post.expiry_date > now:
        loading.due(post.expiry_date)
    return not (post.expiry_date is not None and post.expiry_date <= now)


def group_tags(loading: Loading, posts: list[Post]) -> tuple[list[Post], tuple[TagGroup, ...]]:
    """One spelling per tag slug (the most used); posts rewritten to use it."""
    spellings: dict[str, Counter[str]] = {}
    first: dict[Tag, Post] = {}
    for post in posts:
        for tag in post.tags:
            spellings.setdefault(tag.slug, Counter())[tag.name] += 1
            first.setdefault(tag, post)
    canonical: dict[str, Tag] = {}
    for slug, names in sorted(spellings.items()):
        name = sorted(names.items(), key=lambda item: (-item[1], item[0]))[0][0]
        canonical[slug] = Tag(slug, name)
        for other in sorted(n for n in names if n != name):
            post = first[Tag(slug, other)]
            loading.diags.warning(
                post.src,
                post.tags_line,
                None,
                _("the tag '{tag}' is written '{name}' elsewhere; its page shows '{name}'").format(
                    tag=other, name=name
                ),
                _("use one spelling so readers see one name"),
            )
    posts = [
        _with_tags(loading, post, tuple(dict.fromkeys(canonical[t.slug] for t in post.tags)))
        for post in posts
    ]
    members: dict[str, list[Post]] = {}
    for post in posts:
        for tag in post.tags:
            members.setdefault(tag.slug, []).append(post)
    groups = tuple(TagGroup(canonical[slug], tuple(members[slug])) for slug in sorted(members))
    return posts, groups


def resolve_categories(
    loading: Loading, posts: list[Post], categories: Sequence[NewsCategory]
) -> list[Post]:
    """Each post's category as the site names it, with its slug; a category that is not
    the site's is a warning, and the post is published without a category page.

    A category matches by its address, so ``Tin hoat dong`` is ``Tin hoạt động``. A site
    with no categories (``news_categories: []``) shows the text as written, unchecked."""
    if not categories:
        return posts
    known = {slugify(c.name): c for c in categories} | {c.slug: c for c in categories}
    resolved = []
    for post in posts:
        found = known.get(slugify(post.category)) if post.category else None
        if found is not None:
            post = loading.replace(post, category=found.name, category_slug=found.slug)
        elif post.category:
            _unknown_category(loading, post, categories)
        resolved.append(post)
    return resolved


def _unknown_category(loading: Loading, post: Post, categories: Sequence[NewsCategory]) -> None:
    names = {fold(c.name): c.name for c in categories}
    close = difflib.get_close_matches(fold(post.category), list(names), n=1, cutoff=0.6)
    listed = ", ".join(c.name for c in categories)
    loading.diags.warning(
        post.src,
        post.category_line,
        None,
        _(
            "the category '{category}' is not one of the site's news categories; "
            "the post is published without a category page"
        ).format(category=post.category),
        _("did you mean '{suggestion}'?").format(suggestion=names[close[0]])
        if close
        else _("write one of: {names} (news_categories in site.yaml)").format(names=listed),
    )


def _with_tags(loading: Loading, post: Post, tags: tuple[Tag, ...]) -> Post:
    """The post with these tags; the same object when they are the ones it has."""
    return post if tags == post.tags else loading.replace(post, tags=tags)


def _search_record(post: Post, section: str, date: str) -> SearchRecord:
    words = (post.category, *(tag.name for tag in post.tags), plain_text(post.body_html))
    text = " ".join(w for w in words if w)
    return SearchRecord(post.url, section, post.title, date, post.summary, text)


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
    return {
        post.src: _related(post, by_tag, lambda slug, src: position[slug][src], newest, limit)
        for post in posts
    }


def related_of(
    posts: Sequence[Post], tags: Sequence[TagGroup], post: Post, limit: int
) -> tuple[Post, ...]:
    """ "Tin khác" of one post of ``posts`` (whose tag groups are ``tags``), as
    :func:`related_posts` chooses them."""
    slugs = {tag.slug for tag in post.tags}
    by_tag = {group.tag.slug: group.posts for group in tags if group.tag.slug in slugs}

    def index_of(slug: str, src: str) -> int:  # by address: ``tuple.index`` would compare
        return next(i for i, p in enumerate(by_tag[slug]) if p.src == src)  # every field

    return _related(post, by_tag, index_of, posts[: limit + 1], limit)


def _related(
    post: Post,
    by_tag: Mapping[str, Sequence[Post]],
    index_of: Callable[[str, str], int],
    newest: Sequence[Post],
    limit: int,
) -> tuple[Post, ...]:
    scores: dict[str, int] = {}
    pool: dict[str, Post] = {}
    for tag in post.tags:
        group = by_tag[tag.slug]
        index = index_of(tag.slug, post.src)
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
    return tuple(chosen)


def feed_entry(post: Post) -> FeedEntry:
    return FeedEntry(
        post.title, post.url, post.date, post.summary, tuple(t.name for t in post.tags)
    )


def category_crumb(post: Post) -> tuple[Crumb, ...]:
    """The post's category in its breadcrumbs, when the category has a page."""
    url = post.category_url
    return (Crumb(post.category, url),) if url else ()


# ---------------------------------------------------------------- the type


def _years(site: Site) -> tuple[int, ...]:
    return tuple(sorted({p.year for p in site.posts}, reverse=True))


def _posts_of_year(site: Site, year: int) -> tuple[Post, ...]:
    return tuple(p for p in site.posts if p.year == year)


def _categories(site: Site) -> tuple[CategoryGroup, ...]:
    """The site's categories that have posts, in the order site.yaml lists them."""
    groups = (
        CategoryGroup(c.name, c.slug, tuple(p for p in site.posts if p.category_slug == c.slug))
        for c in site.config.news_categories
    )
    return tuple(group for group in groups if group.posts)


def _category_links(site: Site) -> tuple[CategoryLink, ...]:
    return tuple(CategoryLink(group.name, group.slug) for group in site.news_categories)


EDITABLE = ("title", "summary", "lead", "body_html", "author", "source", "image_alt")
"""What a saved post may change for ``serve`` to show it without a full rebuild: its text,
not its address, date, tags or category (which decide the lists it is on)."""


class PostType(ItemSearched):
    name = "post"
    title = "Posts"
    where = "content/posts/**/*.md"
    intro = "The front matter of a news post; the Markdown body follows it."
    fields = FIELDS
    order = 10
    provides = {"posts": (), "tags": ()}
    routes = {
        "news": "/tin-tuc/",
        "news_feed": "/tin-tuc/rss.xml",
        "news_year": "/tin-tuc/{year}/",
        "post": "/tin-tuc/{slug}/",
        "topics": "/chu-de/",
        "topic": "/chu-de/{slug}/",
        "topic_feed": "/chu-de/{slug}/rss.xml",
        "news_category": "/chuyen-muc/{slug}/",
        "news_category_feed": "/chuyen-muc/{slug}/rss.xml",
    }
    views = {
        "years": View(_years, ("posts",)),
        "news_categories": View(_categories, ("posts",)),
        "news_category_links": View(_category_links, ("posts",)),
        "posts_of_year": View(_posts_of_year, ("posts",), method=True),
    }
    searched = ("posts",)
    search_section = "search_section_news"
    sitemap_parts = ((10, "partials/sitemap/news.html"), (70, "partials/sitemap/topics.html"))
    home_parts = (
        ("main", 10, "partials/home/news.html"),
        ("aside", 30, "partials/home/topics.html"),
        ("aside", 40, "partials/home/years.html"),
    )

    def cache_env(self, loading: Loading) -> Any:
        return loading.listing("static", None)  # a post's image must exist

    def load(self, loading: Loading, loaded: Mapping[str, Any]) -> Mapping[str, Any]:
        files = loading.files("posts", ".md")
        posts = [
            post
            for post in loading.load_many("post", files, lambda p, r: read_post(loading, p, r))
            if post is not None and _published(loading, post)
        ]
        loading.ignored_files("posts", ".md")
        posts.sort(key=lambda p: p.slug)
        posts.sort(key=lambda p: p.date, reverse=True)
        # the tag groups hold the posts as published (category resolved)
        posts = resolve_categories(loading, posts, loading.config.news_categories)
        posts, tags = group_tags(loading, posts)
        return {"posts": tuple(posts), "tags": tags}

    def new_file(
        self, title: str, slug: str, now: dt.datetime, agency: Agency | None
    ) -> tuple[str, dict[str, object], str]:
        front: dict[str, object] = {
            "title": title,
            "date": now.strftime("%d/%m/%Y %H:%M"),
            "summary": "",
            "tags": [],
            "category": "Tin hoạt động",
            "author": "",
            "source": "",
            "draft": True,
        }
        body = (
            "Viết nội dung bài ở đây, bằng Markdown.\n\n"
            "Khi bài đã sẵn sàng, đổi `draft: true` thành `draft: false` để đăng.\n"
        )
        return f"content/posts/{now.year}/{slug}.md", front, body

    def site_feeds(self, locale: Locale) -> Iterable[tuple[str, str]]:
        return ((locale.t("feed_news"), route("news_feed")),)

    def feed_links(self, site: Site, locale: Locale) -> Iterable[tuple[str, str]]:
        yield from self.site_feeds(locale)
        for group in site.news_categories:
            yield locale.t("feed_category", name=group.name), group.feed_url

    def menu(self, site: Site, locale: Locale) -> Iterable[tuple[int, MenuEntry]]:
        yield 10, MenuEntry(locale.t("news"), route("news"), False)
        if site.tags:
            yield 40, MenuEntry(locale.t("topics"), route("topics"), False)

    def feed_entries(self, site: Site) -> Iterable[FeedEntry]:
        return (feed_entry(p) for p in site.posts)

    def bodies(self, site: Site) -> Iterable[Body]:
        return (Body(post.src, post.url, post.body_html) for post in site.posts)

    def search_items(self, site: Site, locale: Locale) -> Iterable[SearchItem]:
        section, day = locale.t(self.search_section), locale.date_short
        for post in site.posts:
            date = day(post.date)
            record = functools.partial(_search_record, post, section, date)
            yield SearchItem(date, (self.name, post), record)

    # -- editing in memory (cchcgen serve)

    def edit_items(self, site: Site) -> Iterable[Any]:
        posts: tuple[Post, ...] = site.posts
        return posts

    def reread(self, loading: Loading, path: Path, rel: str, before: Any, item: Any) -> Any:
        post = read_post(loading, path, rel)
        if post is None or not isinstance(before, Post):
            return None
        for field in dataclass_fields(Post):
            name = field.name
            if name not in EDITABLE and getattr(post, name) != getattr(before, name):
                return None
        return replace(item, **{name: getattr(post, name) for name in EDITABLE})

    def plan_item(self, planning: Planning, item: Any) -> None:
        site = planning.site
        related = related_of(site.posts, site.tags, item, site.config.related_posts)
        self.plan_post(planning, item, related, Crumb(planning.t("news"), route("news")))

    def derived(self, item: Any) -> tuple[Any, ...]:
        return (feed_entry(item),)

    def plan(self, planning: Planning) -> None:
        self.plan_posts(planning)
        self.plan_categories(planning)
        self.plan_tags(planning)

    def plan_posts(self, planning: Planning) -> None:
        site, t, home = planning.site, planning.t, planning.home
        news = route("news")
        news_crumb = Crumb(t("news"), news)
        related = related_posts(site.posts, site.config.related_posts)
        for post in site.posts:
            self.plan_post(planning, post, related[post.src], news_crumb)

        def news_meta(number: int, total: int) -> PageMeta:
            return PageMeta(
                kind="posts",
                title=planning.titled(t("news_long"), number, total),
                description=t("news_long"),
                url=paged(news, number),
                breadcrumbs=(home, Crumb(t("news"), None)),
                feeds=planning.all_feeds,
            )

        planning.paginate(news, site.posts, "posts.html", news_meta, "content/posts")
        for year in site.years:
            base = route("news_year", year=year)

            def year_meta(number: int, total: int, year: int = year, base: str = base) -> PageMeta:
                title = t("news_of_year", year=year)
                return PageMeta(
                    kind="year",
                    title=planning.titled(title, number, total),
                    description=title,
                    url=paged(base, number),
                    breadcrumbs=(home, news_crumb, Crumb(str(year), None)),
                    feeds=planning.all_feeds,
                )

            planning.paginate(
                base,
                site.posts_of_year(year),
                "year.html",
                year_meta,
                "content/posts",
                lambda paginator, year=year: YearListing(paginator=paginator, year=year),  # type: ignore[misc]
            )
        limit = site.config.feed_items
        entries = tuple(feed_entry(p) for p in site.posts[:limit])
        title = f"{t('news_long')} – {site.config.title}"
        planning.feed(
            route("news_feed"), FeedData(title, t("news_long"), news, entries), "content/posts"
        )

    def plan_post(
        self, planning: Planning, post: Post, related: tuple[Post, ...], news_crumb: Crumb
    ) -> None:
        """A post's page, its QR code files and its old addresses."""
        site, home = planning.site, planning.home
        meta = PageMeta(
            kind="post",
            title=post.title,
            description=post.summary,
            url=post.url,
            breadcrumbs=(home, news_crumb, *category_crumb(post), Crumb(post.title, None)),
            og_type="article",
            published=post.date,
            modified=post.updated,
            subjects=tuple(tag.name for tag in post.tags),
            creator=post.author or site.config.agency.name,
            feeds=planning.all_feeds,
            image=post.image,
            image_alt=post.image_alt,
        )
        context = PostView(post=post, related=related)
        planning.page(
            post.url, "post.html", meta, post.src, context, lastmod=post.lastmod, line=post.line
        )
        # qr.svg only: the page's code is on the page, and the page's script draws a PNG
        # of it for download; a cold build of a large column makes no PNG per post
        planning.qr_files(post.url, post.title, post.src, post.line, png=False)
        planning.aliases(post)

    def plan_categories(self, planning: Planning) -> None:
        """A paginated list and a feed per category that has posts."""
        site, t, home = planning.site, planning.t, planning.home
        news_crumb = Crumb(t("news"), route("news"))
        for group in site.news_categories:
            feeds = ((t("feed_category", name=group.name), group.feed_url), *planning.all_feeds)

            def category_meta(
                number: int, total: int, group: CategoryGroup = group, feeds: Any = feeds
            ) -> PageMeta:
                return PageMeta(
                    kind="category",
                    title=planning.titled(group.name, number, total),
                    description=t("category_description", name=group.name),
                    url=paged(group.url, number),
                    breadcrumbs=(home, news_crumb, Crumb(group.name, None)),
                    feeds=feeds,
                )

            planning.paginate(
                group.url,
                group.posts,
                "category.html",
                category_meta,
                "content/posts",
                lambda paginator, group=group: CategoryListing(  # type: ignore[misc]
                    paginator=paginator, category=CategoryLink(group.name, group.slug)
                ),
            )
            planning.feed(
                group.feed_url,
                FeedData(
                    f"{group.name} – {site.config.title}",
                    t("category_description", name=group.name),
                    group.url,
                    tuple(feed_entry(p) for p in group.posts[: site.config.feed_items]),
                ),
                "content/posts",
            )

    def plan_tags(self, planning: Planning) -> None:
        site, t, home = planning.site, planning.t, planning.home
        if not site.tags:
            return
        topics = route("topics")
        crumbs = (home, Crumb(t("topics"), None))
        meta = PageMeta(
            kind="tags",
            title=t("all_topics"),
            description=t("all_topics"),
            url=topics,
            breadcrumbs=crumbs,
        )
        planning.page(topics, "tags.html", meta, "content/posts", TagIndex(groups=site.tags))
        for group in site.tags:
            tag = group.tag
            feed_url = route("topic_feed", slug=tag.slug)
            feeds = ((t("feed_topic", name=tag.name), feed_url), *planning.all_feeds)

            def tag_meta(number: int, total: int, tag: Tag = tag, feeds: Any = feeds) -> PageMeta:
                title = t("topic_title", name=tag.name)
                return PageMeta(
                    kind="tag",
                    title=planning.titled(title, number, total),
                    description=title,
                    url=paged(tag.url, number),
                    breadcrumbs=(home, Crumb(t("topics"), topics), Crumb(tag.name, None)),
                    subjects=(tag.name,),
                    feeds=feeds,
                )

            planning.paginate(
                tag.url,
                group.posts,
                "tag.html",
                tag_meta,
                "content/posts",
                lambda paginator, tag=tag, feed_url=feed_url: TagListing(  # type: ignore[misc]
                    paginator=paginator, tag=tag, feed_url=feed_url
                ),
            )
            planning.feed(
                feed_url,
                FeedData(
                    f"{tag.name} – {site.config.title}",
                    t("topic_title", name=tag.name),
                    tag.url,
                    tuple(feed_entry(p) for p in group.posts[: site.config.feed_items]),
                ),
                "content/posts",
            )


TYPE = PostType()

__all__ = ["TYPE", "Listing"]

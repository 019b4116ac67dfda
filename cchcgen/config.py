"""``site.yaml`` → a frozen :class:`SiteConfig`; unknown keys are errors with a "did you mean"."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import i18n, schema
from .errors import Collector, ConfigError
from .messages import N_, _
from .schema import Field, Invalid
from .textfile import read_text
from .urls import BaseUrl, UnsafePath, is_slug, slugify
from .yamlutil import Node, ScalarNode, SequenceNode, YamlSource, compose

CONFIG_FILE = "site.yaml"
DEFAULT_TZ = "Asia/Ho_Chi_Minh"
_LARGE_HINT = N_("site.yaml holds the settings only; put long texts in content/pages/")
DOCUMENT_SECTIONS = ("van-ban-chi-dao", "ke-hoach", "bao-cao")
"""The sections official documents are published in, by their address (``/bao-cao/``);
which document types each holds is decided in :mod:`cchcgen.kinds.plan`."""
DEFAULT_PORTAL_URL = (
    "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc={code}"
)


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    position: str


@dataclass(frozen=True, slots=True)
class Agency:
    """The agency that owns the column (shown in the header and footer, Dublin Core publisher)."""

    name: str
    parent: str
    address: str
    phone: str
    email: str
    responsible_person: Person | None


@dataclass(frozen=True, slots=True)
class MenuItem:
    title: str
    url: str
    """A site URL (``/tin-tuc/``) or an absolute http(s) URL."""
    line: int | None


@dataclass(frozen=True, slots=True)
class NewsCategory:
    """A news category (chuyên mục): its page is ``/chuyen-muc/<slug>/``."""

    name: str
    slug: str


DEFAULT_NEWS_CATEGORIES = tuple(
    NewsCategory(name, slugify(name))
    for name in (
        "Tin hoạt động",
        "Chỉ đạo điều hành",
        "Thông tin tuyên truyền",
        "Mô hình – sáng kiến",
    )
)


@dataclass(frozen=True, slots=True)
class SiteConfig:
    title: str
    description: str
    base: BaseUrl
    language: str
    timezone: ZoneInfo
    agency: Agency
    copyright: str
    paginate: int
    feed_items: int
    home_posts: int
    related_posts: int
    menu: tuple[MenuItem, ...] | None
    """None when site.yaml has no menu: the theme builds one from the sections that exist."""
    fingerprint: str
    """The normalised text of site.yaml, for cache keys."""
    procedure_portal_url: str = DEFAULT_PORTAL_URL
    """The national portal's page of a procedure, ``{code}`` standing for its code."""
    stale_after_days: int = 90
    """A procedure checked against its source longer ago than this gets a warning."""
    search: bool = True
    """Build the search index and ``/tim-kiem/``."""
    raw_html: bool = False
    """Keep HTML written in Markdown as it is, instead of the safe subset."""
    news_categories: tuple[NewsCategory, ...] = DEFAULT_NEWS_CATEGORIES
    """The categories a post's ``category`` may name; empty: the site has none."""
    document_sections: tuple[str, ...] = DOCUMENT_SECTIONS
    """The document sections the site shows, in the order of its menu."""
    admin: bool = False
    """Publish the browser admin (``/quan-tri/``, from the site's ``admin/`` folder)."""

    @property
    def base_url(self) -> str:
        return self.base.url


def _absolute_url(node: Node, ctx: schema.Context) -> str:
    value = schema.one_line(node, ctx)
    try:
        BaseUrl.parse(value)
    except UnsafePath as exc:
        raise Invalid(str(exc), exc.hint, node) from None
    return value


def _portal_template(node: Node, ctx: schema.Context) -> str:
    value = schema.one_line(node, ctx)
    parts = urlsplit(value.replace("{code}", "1.001193"))
    if parts.scheme not in ("http", "https") or not parts.netloc or "{code}" not in value:
        raise Invalid(
            _(
                "must be an absolute http(s) URL with {{code}} where the code goes, got '{value}'"
            ).format(value=value),
            _("for example: {example}").format(example=DEFAULT_PORTAL_URL),
            node,
        )
    return value


def _document_sections(node: Node, ctx: schema.Context) -> tuple[str, ...]:
    values = schema.list_of(schema.choice(*DOCUMENT_SECTIONS), allow_scalar=True)(node, ctx)
    if isinstance(node, SequenceNode) and not node.value:
        raise Invalid(
            _("must name at least one section"),
            _("for example: {example}").format(example="[" + ", ".join(DOCUMENT_SECTIONS) + "]"),
            node,
        )
    return tuple(dict.fromkeys(values))


_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]{0,30}(?:/[A-Za-z0-9_+\-]{1,30}){0,2}")
"""The shape of a tz database name (Asia/Ho_Chi_Minh, Etc/GMT-7): checked before the name
is looked up as a file of the tz database."""


def _zone(node: Node, ctx: schema.Context) -> ZoneInfo:
    value = schema.one_line(node, ctx)
    try:
        if not _ZONE_NAME.fullmatch(value):
            raise ValueError(value)
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise Invalid(
            _("must be a known time zone, got '{value}'").format(value=value),
            _("Vietnam is {zone}").format(zone=DEFAULT_TZ),
            node,
        ) from None


def _menu_url(node: Node, ctx: schema.Context) -> str:
    value = schema.one_line(node, ctx)
    if value.startswith("/") and not value.startswith("//"):
        return value
    if re.match(r"https?://", value):
        return value
    raise Invalid(
        _("must start with '/' (a page of this site) or http(s)://, got '{value}'").format(
            value=value
        ),
        _("for example: {example}").format(example="/tin-tuc/"),
        node,
    )


def _menu_item(node: Node, ctx: schema.Context) -> MenuItem:
    line, _column = ctx.source.position(node)
    values = schema.read_mapping(node, _MENU_FIELDS, ctx, N_("a menu item"))
    return MenuItem(values["title"] or "", values["url"] or "/", line)


_MENU_FIELDS = (
    Field("title", schema.one_line, required=True),
    Field("url", _menu_url, required=True),
)


def _category_slug(node: Node, ctx: schema.Context) -> str:
    value = schema.exact_line(node, ctx)
    if not is_slug(value):
        raise Invalid(
            _("must be lowercase letters a-z, digits and '-', got '{value}'").format(value=value),
            _("write slug: {slug}").format(slug=slugify(value) or "tin-hoat-dong"),
            node,
        )
    return value


_NEWS_CATEGORY_FIELDS = (
    Field("name", schema.one_line, required=True),
    Field("slug", _category_slug),
)


def _news_category(node: Node, ctx: schema.Context) -> NewsCategory:
    """A category: its name alone, or a block with its name and slug."""
    if isinstance(node, ScalarNode):
        name = schema.one_line(node, ctx)
        if not name:
            raise Invalid(_("list item is empty"), node=node)
        slug = None
    else:
        values = schema.read_mapping(node, _NEWS_CATEGORY_FIELDS, ctx, N_("a news category"))
        name, slug = values["name"] or "", values["slug"]
    slug = slug or slugify(name)
    if name and not slug:
        raise Invalid(
            _("the category '{name}' gives no address").format(name=name),
            _("add a slug of letters a-z, e.g. slug: tin-hoat-dong"),
            node,
        )
    return NewsCategory(name, slug)


def _news_categories(node: Node, ctx: schema.Context) -> tuple[NewsCategory, ...]:
    """The list of categories; two with one address are an error at the second."""
    if not isinstance(node, SequenceNode):
        return schema.list_of(_news_category)(node, ctx)  # reports what it is instead
    found: list[NewsCategory] = []
    keys: dict[str, NewsCategory] = {}
    """Each category's slug and its name's slug: a post's category is matched by either."""
    for child in node.value:
        try:
            item = _news_category(child, ctx)
        except Invalid as exc:
            schema.report(ctx, exc, child)
            continue
        if not item.name:
            continue  # a block without its name, reported by read_mapping
        same = keys.get(item.slug) or keys.get(slugify(item.name))
        if same is not None:
            line, column = ctx.source.position(child)
            ctx.diags.error(
                ctx.source.path,
                line,
                column,
                _("the category '{second}' has the same name or address as '{first}'").format(
                    first=same.name, second=item.name
                ),
                _("give each category its own name and slug"),
            )
            continue
        keys.update({item.slug: item, slugify(item.name): item})
        found.append(item)
    return tuple(found)


_PERSON = (
    Field("name", schema.one_line, required=True),
    Field("position", schema.one_line, default=""),
)

_AGENCY = (
    Field("name", schema.one_line, required=True),
    Field("parent", schema.one_line, default=""),
    Field("address", schema.one_line, default=""),
    Field("phone", schema.one_line, default=""),
    Field("email", schema.one_line, default=""),
    Field("responsible_person", schema.mapping(_PERSON)),
)

FIELDS = (
    Field("title", schema.one_line, required=True),
    Field("description", schema.one_line, default=""),
    Field("base_url", _absolute_url, required=True),
    Field("language", schema.choice(*i18n.AVAILABLE), default="vi"),
    Field("timezone", _zone),
    Field("agency", schema.mapping(_AGENCY), required=True),
    Field("copyright", schema.one_line, default=""),
    Field("paginate", schema.integer(1, 100), default=10),
    Field("feed_items", schema.integer(1, 1000), default=20),
    Field("home_posts", schema.integer(0, 50), default=6),
    Field("related_posts", schema.integer(0, 20), default=5),
    Field("menu", schema.list_of(_menu_item)),
    Field("procedure_portal_url", _portal_template, default=None),
    Field("stale_after_days", schema.integer(1, 3650), default=90),
    Field("search", schema.boolean, default=True),
    Field("raw_html", schema.boolean, default=False),
    Field("news_categories", _news_categories),
    Field("document_sections", _document_sections, default=DOCUMENT_SECTIONS),
    Field("admin", schema.boolean, default=False),
)


def _or_default(value: Any, default: Any) -> Any:
    """``value`` when site.yaml gives it (an empty list included), else ``default``."""
    return default if value is None else value


def load_config(root: Path, base_url: str | None = None) -> SiteConfig:
    """Read and validate ``root/site.yaml``; raise :class:`ConfigError` listing every problem."""
    diags = Collector()
    path = root / CONFIG_FILE
    source = YamlSource(CONFIG_FILE)
    if not path.exists():
        diags.error(
            CONFIG_FILE,
            None,
            None,
            _("no site.yaml in {folder}").format(folder=root),
            _("run cchcgen in the site's folder, or give it with --source DIR"),
        )
        raise ConfigError(diags.items)
    text = read_text(path, CONFIG_FILE, diags, _LARGE_HINT)
    if text is None:
        raise ConfigError(diags.items)
    ctx = schema.Context(source, diags, ZoneInfo(DEFAULT_TZ))
    node = compose(text, source, diags)
    if node is None and not diags.has_errors:
        diags.error(
            CONFIG_FILE,
            1,
            None,
            _("site.yaml is empty"),
            _("it needs at least title, base_url and agency"),
        )
    values = schema.read_mapping(node, FIELDS, ctx, CONFIG_FILE) if node is not None else {}
    diags.raise_if_errors(ConfigError)
    agency_values = values["agency"]
    person = agency_values["responsible_person"]
    agency = Agency(
        name=agency_values["name"],
        parent=agency_values["parent"],
        address=agency_values["address"],
        phone=agency_values["phone"],
        email=agency_values["email"],
        responsible_person=Person(person["name"], person["position"]) if person else None,
    )
    url = base_url or values["base_url"]
    try:
        base = BaseUrl.parse(url)
    except UnsafePath as exc:  # only --base-url: base_url was checked at its line
        diags.error("--base-url", None, None, str(exc), exc.hint)
        raise ConfigError(diags.items) from None
    made: dict[str, Any] = {
        "base": base,
        "agency": agency,
        "timezone": values["timezone"] or ZoneInfo(DEFAULT_TZ),
        "procedure_portal_url": values["procedure_portal_url"] or DEFAULT_PORTAL_URL,
        "news_categories": _or_default(values["news_categories"], DEFAULT_NEWS_CATEGORIES),
        "fingerprint": text + "\0" + url,
    }
    # every other key of site.yaml is kept as read, under its own name
    kept = {f.name: values[f.name] for f in dataclasses.fields(SiteConfig) if f.name not in made}
    return SiteConfig(**kept, **made)

"""The content types, as frozen dataclasses. No I/O here.

Objects are fully valid once built: :mod:`cchcgen.loader` rejects anything
invalid before constructing them. Field docstrings double as the template API.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .config import SiteConfig


@dataclass(frozen=True, slots=True)
class Tag:
    slug: str
    """ASCII slug used in ``/chu-de/<slug>/``."""
    name: str
    """Display name as editors wrote it: ``Thủ tục hành chính``."""

    @property
    def url(self) -> str:
        return f"/chu-de/{self.slug}/"


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

    @property
    def year(self) -> int:
        return self.date.year

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


@dataclass(frozen=True, slots=True)
class Site:
    """Everything a build publishes, validated."""

    config: SiteConfig
    posts: tuple[Post, ...]
    """Published posts, newest first (ties by slug)."""
    pages: tuple[Page, ...]
    """Published pages by weight, then title."""
    tags: tuple[TagGroup, ...]
    """Tags in use, by slug."""
    static: tuple[StaticFile, ...]
    now: dt.datetime
    """The build's "now": SOURCE_DATE_EPOCH if set, else the clock."""

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({p.year for p in self.posts}, reverse=True))

    def posts_of_year(self, year: int) -> tuple[Post, ...]:
        return tuple(p for p in self.posts if p.year == year)

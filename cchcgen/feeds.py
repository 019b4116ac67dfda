"""RSS 2.0 feeds; the only module that imports feedgen.

feedgen stamps ``lastBuildDate`` with the current time and prepends entries by
default; both would make two builds of the same input differ. We set the date
to the newest item's and append entries in the order given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from feedgen.feed import FeedGenerator

from . import __version__


@dataclass(frozen=True, slots=True)
class FeedItem:
    title: str
    link: str
    """Absolute URL, also used as the permanent guid."""
    date: dt.datetime
    summary: str
    categories: tuple[str, ...] = ()


def rss(
    title: str,
    description: str,
    link: str,
    self_link: str,
    language: str,
    items: Sequence[FeedItem],
    fallback_date: dt.datetime,
) -> bytes:
    """An RSS 2.0 document with items in the given order."""
    feed = FeedGenerator()
    feed.title(title)
    feed.description(description or title)
    feed.link(href=self_link, rel="self")
    feed.link(href=link, rel="alternate")  # RSS <link> takes the last one given
    feed.language(language)
    feed.generator("cchcgen", version=__version__)
    feed.lastBuildDate(max((item.date for item in items), default=fallback_date))
    for item in items:
        entry = feed.add_entry(order="append")
        entry.title(item.title)
        entry.link(href=item.link)
        entry.guid(item.link, permalink=True)
        entry.pubDate(item.date)
        entry.description(item.summary or item.title)
        for category in item.categories:
            entry.category(term=category)
    return feed.rss_str(pretty=True)

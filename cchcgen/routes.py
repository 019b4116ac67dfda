"""Every address the site can have, by name: the one table of the published URL scheme.

A route is a name and a pattern (``post`` → ``/tin-tuc/{slug}/``). The site's own
addresses (home, search, sitemap, …) are declared here; each content type declares its
own in its module (:mod:`cchcgen.kinds`), and they are added to this table when the
registry is loaded. Python asks :func:`route` for an address, layouts call
``route(name, …)`` (base path applied) or ``url_for(obj)``; no address is written
anywhere else. Addresses are printed on paper as QR codes: once published, a pattern
must not change.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_FIELD = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True, slots=True)
class Route:
    name: str
    pattern: str
    """``/tin-tuc/{slug}/``: ``{field}`` parts are filled in by :meth:`build`."""
    owner: str
    """Who declared it: ``site`` or a content type's name."""

    @property
    def fields(self) -> tuple[str, ...]:
        return _fields(self.pattern)

    @property
    def root(self) -> str | None:
        """The first path segment when it is fixed (``tin-tuc``), else None."""
        first = self.pattern.strip("/").split("/", 1)[0]
        return None if not first or "{" in first else first

    def build(self, values: Mapping[str, Any]) -> str:
        fields = self.fields
        if len(values) != len(fields) or any(name not in values for name in fields):
            raise TypeError(
                f"route {self.name!r} ({self.pattern}) takes {fields}, got {sorted(values)}"
            )
        if not fields:
            return self.pattern
        return self.pattern.format_map({k: str(v) for k, v in values.items()})


@functools.cache
def _fields(pattern: str) -> tuple[str, ...]:
    return tuple(_FIELD.findall(pattern))


SITE_ROUTES: Mapping[str, str] = {
    "home": "/",
    "feed": "/rss.xml",
    "search": "/tim-kiem/",
    "search_bundle": "/pagefind/",
    "sitemap_page": "/so-do-trang/",
    "sitemap": "/sitemap.xml",
    "robots": "/robots.txt",
    "not_found": "/404.html",
    "assets": "/assets/",
    "admin": "/quan-tri/",
}
"""Addresses of the site as a whole; a content type adds its own."""


class RouteTable:
    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}
        self.add("site", SITE_ROUTES)

    def add(self, owner: str, routes: Mapping[str, str]) -> None:
        """Declare ``routes``; a name or a pattern may be declared once only."""
        patterns = {r.pattern: r for r in self._routes.values()}
        for name, pattern in routes.items():
            if not pattern.startswith("/"):
                raise ValueError(f"route {name!r} must start with '/': {pattern!r}")
            known = self._routes.get(name) or patterns.get(pattern)
            if known is not None and (known.name, known.pattern) != (name, pattern):
                raise ValueError(
                    f"route {name!r} ({pattern}) of {owner} clashes with "
                    f"{known.name!r} ({known.pattern}) of {known.owner}"
                )
            self._routes[name] = patterns[pattern] = Route(name, pattern, owner)

    def __getitem__(self, name: str) -> Route:
        return self._routes[name]

    def __iter__(self) -> Any:
        return iter(self._routes.values())

    def url(self, name: str, **values: Any) -> str:
        """The site address of route ``name`` filled with ``values``."""
        try:
            found = self._routes[name]
        except KeyError:
            raise KeyError(f"no route named {name!r}") from None
        return found.build(values)

    def reserved_roots(self) -> frozenset[str]:
        """First path segments that sections own: a standalone page may not take one."""
        return frozenset(
            root for r in self._routes.values() if (root := r.root) and "." not in root
        )


TABLE = RouteTable()


@functools.cache  # asked for every address a page shows
def _registered() -> RouteTable:
    from . import kinds  # the content types add their routes when the registry loads

    kinds.registry()
    return TABLE


def route(name: str, **values: Any) -> str:
    """``route("post", slug="a")`` → ``/tin-tuc/a/``."""
    return _registered().url(name, **values)


def url_for(item: Any) -> str:
    """The site address of a content object (a post, a plan, a procedure, a tag, …)."""
    url = getattr(item, "url", None)
    if not isinstance(url, str):
        raise TypeError(f"{type(item).__name__} has no address")
    return url


def reserved_roots() -> frozenset[str]:
    return _registered().reserved_roots()


def paged(base: str, number: int) -> str:
    """Page ``number`` of a paginated list at ``base``: page 1 is the list itself."""
    return base if number == 1 else f"{base}trang/{number}/"


def beside(page_url: str, name: str) -> str:
    """A file published beside a page: ``qr.svg``, an attachment, the poster folder."""
    return page_url + name

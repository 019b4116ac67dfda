"""The registry of content types: every module of this package with a ``TYPE``.

Adding a type is adding a module here (and its layouts and strings); nothing else in
the pipeline names a type. :func:`registry` imports the modules once, in ``order``, and
adds their routes to the route table.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import ContentType, View

_NOT_TYPES = frozenset({"base", "fields"})


@functools.cache
def registry() -> tuple[ContentType, ...]:
    """Every content type, in loading order."""
    from ..routes import TABLE
    from .base import ContentType

    found: list[ContentType] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name in _NOT_TYPES or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        kind = getattr(module, "TYPE", None)
        if not isinstance(kind, ContentType):
            raise TypeError(f"{module.__name__} has no TYPE (a ContentType)")
        found.append(kind)
    found.sort(key=lambda k: (k.order, k.name))
    entries: dict[str, str] = {}
    for kind in found:
        TABLE.add(kind.name, kind.routes)
        for entry in kind.provides:
            if entry in entries:
                raise TypeError(f"site.{entry} is provided by {entries[entry]} and {kind.name}")
            entries[entry] = kind.name
    return tuple(found)


@functools.cache
def views() -> dict[str, View]:
    """Every ``site.<name>`` view the types declare."""
    found: dict[str, View] = {}
    for kind in registry():
        found.update(kind.views)
    return found


@functools.cache
def defaults() -> dict[str, object]:
    """Every site entry with its value when nothing is loaded."""
    return {entry: empty for kind in registry() for entry, empty in kind.provides.items()}

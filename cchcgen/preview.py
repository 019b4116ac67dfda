"""Edits shown from memory: how ``cchcgen serve`` answers a save in milliseconds.

After each full build, serve keeps what the build made (:class:`cchcgen.build.Built`)
in a :class:`Preview`: the site, its targets, the renderer, and which targets hold each
item that can be read again alone (a post) or a value made from it (its feed entry).
When one such file is saved and its content type reads it again
(:meth:`~cchcgen.kinds.base.ContentType.reread`) with only its text changed (not its
address, date, tags or anything else that decides which pages exist and in what order):

1. the site gets the new item, and so does every target that holds the old one (the
   lists, feeds and "related" boxes that show it); the targets made from the item alone
   (its page, QR codes, old addresses) are planned again by its type;
2. those targets, and the pages whose layouts read a site value that changed, are
   rendered, the item's own first; the files whose bytes changed are replaced.

Anything else returns None, and serve builds as ``cchcgen build`` does: a file created,
deleted or renamed, site.yaml, a layout, a changed date or tag, a file whose warnings
change, the clock reaching a post's publication time. The search index is not redone
in memory (serve's own rebuilds keep it too), and the files written here are marked in
the cache so that the next build renders them again. tests/test_preview.py checks that
what an edit in memory writes is what a clean build writes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import kinds
from .build import Built
from .content import Site
from .kinds.base import Body, ContentType
from .links import BodyLinks
from .loader import Loader, LoadOptions
from .options import BuildOptions, BuildResult
from .output import WriteResult, patch
from .outputs import Kind, Target
from .targets import Planner

_ATOMS = (str, int, float, bool, bytes, type(None), dt.datetime, dt.date, Path)
_ATOM_TYPES = frozenset(_ATOMS)


class Preview:
    """What serve keeps between saves; :meth:`edit` shows one saved file."""

    def __init__(self, built: Built, options: BuildOptions) -> None:
        self.options = options
        self.site = built.site
        self.targets = list(built.targets)
        self.renderer = built.renderer
        self.result = built.result
        self.next_change = built.next_change
        self.sitemap = self.renderer.sitemap_entries(self.targets)
        self.items: dict[str, tuple[ContentType, Any]] = {}
        self.classes: set[type] = set()
        for kind in kinds.registry():
            for item in kind.edit_items(self.site):
                self.items[item.src] = (kind, item)
                self.classes.update(type(v) for v in (item, *kind.derived(item)))
        self.sourced = frozenset(
            c for c in self.classes if dataclasses.is_dataclass(c) and "src" in _field_names(c)
        )
        # which targets (by index) and which site entries hold each item or derived value
        self.held: dict[Any, set[int]] = {}
        for index, target in enumerate(self.targets):
            for value in self._found(target.context):
                self.held.setdefault(value, set()).add(index)
        self.entries: dict[Any, set[str]] = {}
        for name, value in self.site.entries.items():
            for found in self._found(value):
                self.entries.setdefault(found, set()).add(name)
        self.reads: dict[str, frozenset[str]] = {}
        self.origins: dict[str, list[int]] = {}
        for index, target in enumerate(self.targets):
            self.origins.setdefault(target.origin, []).append(index)
        self.by_layout: dict[str | None, list[int]] = {}
        for index, target in enumerate(self.targets):
            if target.kind in (Kind.PAGE, Kind.ALIAS):
                self.by_layout.setdefault(target.layout, []).append(index)
        self.by_reads: list[tuple[int, frozenset[str]]] = [
            (i, frozenset(t.context.reads))
            for i, t in enumerate(self.targets)
            if t.kind not in (Kind.PAGE, Kind.ALIAS) and getattr(t.context, "reads", None)
        ]
        config = self.site.config
        load = LoadOptions(self.site.now, options.drafts, options.future, None, 1, None)
        self.loader = Loader(options.source, config, load)
        self.links = BodyLinks(self.targets, options.source, config.base)
        self._warm()
        # the site stays in memory until the next build: the collector need not look at
        # its millions of objects again after each edit (see :func:`release`)
        gc.freeze()

    def _warm(self) -> None:
        """Compile every layout a page uses and learn what each reads, now rather than
        at the first save (the build's workers compiled them in their own processes)."""
        env = self.renderer.templates.env
        for layout in self.by_layout:
            if layout is None:
                continue
            for name, _source, _reads in self._closure(layout) or ():
                with contextlib.suppress(Exception):  # reported when a page is rendered
                    env.get_template(name)

    @staticmethod
    def release() -> None:
        """Before a build replaces the site kept: let the collector free it again."""
        gc.unfreeze()

    # -- an edit

    def edit(
        self,
        paths: Collection[Path],
        now: dt.datetime,
        written: Callable[[Collection[str]], None] = lambda _outputs: None,
    ) -> BuildResult | None:
        """Show the save of ``paths`` (every file the watcher saw change) from memory and
        return what was written; None when a build is needed instead. ``written`` is told
        of the item's own pages (paths under the output folder) once they are written,
        before the lists and feeds that show it: the preview reloads them at once."""
        started = time.perf_counter()
        edited = self._reread(paths, now)
        if edited is None:
            return None
        rel, kind, old, new = edited
        derived = dict(zip(kind.derived(old), kind.derived(new), strict=True))
        swaps = _Swaps({id(old): new}, derived, self.sourced)
        olds = (old, *swaps.derived)
        names = set().union(*(self.entries.get(o, ()) for o in olds))  # entries holding them
        site = self._new_site(swaps, names)
        if not self.renderer.show(site):
            return None
        own = self._replanned(kind, new, rel, site)
        # the item's own page first: the editor is looking at it
        first = self._write(t for _i, t in sorted(own.items())) if own is not None else None
        if own is None or first is None:
            self.renderer.show(self.site)
            return None
        written([target.output for target in own.values()])
        changed = self._changed_names(names, site)
        # the lists, feeds and boxes that show the item: their contexts get the new item
        # as each is written, so that the first list is not kept waiting for the others
        holding = set().union(*(self.held.get(o, ()) for o in olds)).difference(own)
        reading: set[int] = set()  # pages that read a site value that changed
        for layout, indices in self.by_layout.items():
            if self._reads_changed(layout, changed):
                reading.update(i for i in indices if i not in own and i not in holding)
        for index, reads in self.by_reads:  # open data made from site entries
            if index not in own and index not in holding and not changed.isdisjoint(reads):
                reading.add(index)
        # the lists and feeds, then the pages made from other files (another post's
        # "related" box), then the pages that only read a changed site value
        order = sorted(holding, key=lambda i: (_from_a_file(self.targets[i]), i))
        made: dict[int, Target] = {}

        def shown(index: int) -> Target:
            target = self.targets[index]
            if index in holding:
                target = replace(target, context=_swap(target.context, swaps, self.classes))
            made[index] = target
            return target

        rest = self._write(shown(i) for i in (*order, *sorted(reading)))
        if rest is None:
            self.renderer.show(self.site)
            return None
        # what is shown now
        self.site = site
        for index, target in (*own.items(), *made.items()):
            self.targets[index] = target
        self.items[rel] = (kind, new)
        for before, after in ((old, new), *swaps.derived.items()):
            _move(self.held, before, after)
            _move(self.entries, before, after)
        return replace(
            self.result,
            files=first.files + rest.files,
            bytes=first.bytes + rest.bytes,
            seconds=time.perf_counter() - started,
        )

    def _write(self, targets: Iterable[Target]) -> WriteResult | None:
        """Render and write ``targets`` in this order, each file as soon as it is made;
        None when one cannot be rendered (the build that follows reports the layout's
        error where it is)."""
        cache = self.options.cache
        assert cache is not None
        out = self.options.output.resolve()
        files = size = 0
        for target in targets:
            try:
                data = self.renderer.render(target, self.sitemap).data
            except Exception:  # noqa: BLE001 - reported by the build that follows
                return None
            if data is None:
                return None
            done = patch(out, {target.output: data}, cache.manifest.outputs)
            files, size = files + done.files, size + done.bytes
        return WriteResult(files, size)

    def _reread(
        self, paths: Collection[Path], now: dt.datetime
    ) -> tuple[str, ContentType, Any, Any] | None:
        """(file, type, item shown, item as the file now reads) of a one-file text edit."""
        cache = self.options.cache
        if len(paths) != 1 or cache is None:
            return None
        if self.next_change is not None and now >= self.next_change:
            return None  # a post falls due: the lists change
        zone = self.site.config.timezone
        if now.astimezone(zone).date() != self.site.now.astimezone(zone).date():
            return None
        out = str(self.options.output.resolve())
        if cache.manifest.output_dir != out:
            return None
        path = next(iter(paths))
        root = self.options.source.absolute()
        if not path.is_relative_to(root):
            return None
        rel = path.relative_to(root).as_posix()
        known = self.items.get(rel)
        entry = cache.content.files.get(rel)
        if known is None or entry is None:
            return None
        kind, old = known
        loader = self.loader
        loader.diags.items.clear()
        new = kind.reread(loader, path, rel, entry.value, old)
        if new is None or tuple(loader.diags.items) != tuple(entry.diagnostics):
            return None
        if self._body_links(old) != self._body_links(new):
            return None
        return rel, kind, old, new

    def _body_links(self, item: Any) -> list[Any]:
        html = getattr(item, "body_html", None)
        if not isinstance(html, str):
            return []
        return self.links.check(Body(item.src, item.url, html))

    def _new_site(self, swaps: _Swaps, names: set[str]) -> Site:
        """The site with the edited item in the entries ``names``."""
        entries = dict(self.site.entries)
        for name in names:
            entries[name] = _swap(entries[name], swaps, self.classes)
        return dataclasses.replace(self.site, entries=entries)

    def _replanned(
        self, kind: ContentType, item: Any, rel: str, site: Site
    ) -> dict[int, Target] | None:
        """The targets made from ``item`` alone, planned again, by index; None when they
        are not the same files as before."""
        planner = Planner(site, self.renderer.locale)
        kind.plan_item(planner, item)
        where = {self.targets[i].output: i for i in self.origins.get(rel, ())}
        if set(where) != {t.output for t in planner.targets}:
            return None
        return {where[t.output]: t for t in planner.targets}

    def _changed_names(self, entries: set[str], site: Site) -> set[str]:
        """The ``site.<name>`` values that are not the same on the new site, whose
        ``entries`` changed."""
        changed = set(entries)
        for name, view in kinds.views().items():
            if entries.intersection(view.reads) and (
                view.method or getattr(self.site, name) != getattr(site, name)
            ):
                changed.add(name)
        return changed

    def _reads_changed(self, layout: str | None, changed: set[str]) -> bool:
        """Whether the pages of ``layout`` read a site value in ``changed``."""
        if layout is None:
            return False
        if layout not in self.reads:
            self._closure(layout)
        names = self.reads[layout]
        return "*" in names or not changed.isdisjoint(names)

    def _closure(self, layout: str) -> tuple[tuple[str, str, tuple[str, ...]], ...] | None:
        """The layouts ``layout`` is made of (see ``Templates.closure``); learns the site
        values they read (``*``: any) into :attr:`reads`."""
        closure = self.renderer.templates.closure(layout)
        found = {"*"} if closure is None else {r for _n, _s, rs in closure for r in rs}
        self.reads[layout] = frozenset(found)
        return closure

    def _found(self, value: Any) -> Iterator[Any]:
        """The items and derived values inside ``value`` (not inside other records)."""
        classes = self.classes
        stack = [value]
        while stack:
            current = stack.pop()
            kind = type(current)
            if kind in classes:
                yield current
            elif kind is tuple or kind is list:
                stack.extend(current)
            elif kind is dict:
                stack.extend(current.values())
            elif isinstance(current, _ATOMS):
                continue
            elif dataclasses.is_dataclass(current) and not hasattr(current, "src"):
                stack.extend(getattr(current, name) for name in _field_names(kind))


def _from_a_file(target: Target) -> bool:
    """Made from one content file (a page of its own), not from a folder or the site."""
    origin = target.origin
    return origin.startswith("content/") and "." in origin.rsplit("/", 1)[-1]


def _move(index: dict[Any, set[Any]], before: Any, after: Any) -> None:
    moved = index.pop(before, None)
    if moved is not None:
        index.setdefault(after, set()).update(moved)


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


_FIELDS: dict[type, tuple[str, ...]] = {}


@dataclasses.dataclass(frozen=True, slots=True)
class _Swaps:
    items: dict[int, Any]
    """The item read again, by the identity of the one it replaces."""
    derived: dict[Any, Any]
    """Values made from it, by value: the targets hold equal copies."""
    sourced: frozenset[type]
    """The classes of items read from a file (with a ``src`` field): replaced by identity
    only, never by value."""


def _swap(value: Any, swaps: _Swaps, classes: set[type]) -> Any:
    """``value`` with the objects of ``swaps`` (of one of ``classes``) replaced,
    rebuilding only the tuples, lists, dicts and dataclasses that hold one."""
    kind = type(value)
    if kind in classes:
        hit = swaps.items.get(id(value))
        if hit is not None:
            return hit
        return value if kind in swaps.sourced else swaps.derived.get(value, value)
    if kind is tuple or kind is list:
        items = swaps.items
        if value and all(map(swaps.sourced.__contains__, map(type, value))):
            # a list of posts (of procedures ...): looked through at C speed, 5,000 in 0.3 ms
            if not any(map(items.__contains__, map(id, value))):
                return value
            return kind(items.get(id(item), item) for item in value)
        copy: list[Any] | None = None
        for index, item in enumerate(value):
            if type(item) in _ATOM_TYPES:
                continue
            after = _swap(item, swaps, classes)
            if after is not item:
                if copy is None:
                    copy = list(value)
                copy[index] = after
        return value if copy is None else kind(copy)
    if kind is dict:
        pairs = {key: _swap(item, swaps, classes) for key, item in value.items()}
        return value if all(pairs[k] is value[k] for k in value) else pairs
    if isinstance(value, _ATOMS) or not dataclasses.is_dataclass(value) or hasattr(value, "src"):
        return value
    changes = {}
    for name in _field_names(kind):
        before = getattr(value, name)
        after = _swap(before, swaps, classes)
        if after is not before:
            changes[name] = after
    return replace(value, **changes) if changes else value  # type: ignore[type-var]

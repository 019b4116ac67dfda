"""The pipeline: load → check → plan → render → write. Read this file first.

``build_site`` returns a :class:`BuildResult` or raises a
:class:`~cchcgen.errors.CchcError` carrying every problem found in the stage
that failed. It never prints.

Given a :class:`~cchcgen.cache.BuildCache`, a build is incremental: files whose bytes
did not change are not parsed again, targets whose fingerprint (:mod:`cchcgen.deps`)
did not change are not rendered, and only files whose bytes change are written. When
not one input file changed since the last build, it is the same day and no post falls
due, the quick check answers without loading anything.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import i18n, lock, pagelinks, parallel, qrcodes, quick, search
from .cache import BuildCache, OutputEntry
from .config import SiteConfig, load_config
from .content import Site
from .deps import Fingerprints
from .errors import CchcError, Collector, ContentError, Diagnostic, TemplateError
from .links import check_links
from .loader import LoadOptions, load_site, published_assets
from .messages import _
from .options import BuildOptions, BuildResult, Progress, QrWork, SearchWork, StrictError
from .output import SiteWriter, check_output_dir
from .outputs import Kind, Target, ThemeFile
from .outstore import OutputStore
from .render import Renderer
from .routes import route
from .targets import plan
from .urls import safe_relative

__all__ = ["BuildOptions", "BuildResult", "Built", "Progress", "StrictError", "build_site"]


@dataclass(frozen=True, slots=True)
class Built:
    """What a build that wrote the output made: ``serve`` keeps it to show an edit of
    one file without building again (:mod:`cchcgen.preview`)."""

    site: Site
    targets: tuple[Target, ...]
    renderer: Renderer
    result: BuildResult
    next_change: dt.datetime | None
    """When the site next changes by itself (a post falls due)."""


def build_site(options: BuildOptions) -> BuildResult:
    """Build (or with ``write=False`` check) the site; one build of an output at a time."""
    with _few_collections():
        if not options.write:
            return _build(options)
        check_output_dir(options.output, options.source)
        with lock.hold(options.output, options.wait, options.on_wait):
            return _build(options)


GC_THRESHOLD = 100_000
"""Objects made between two collections of the youngest generation during a build
(Python's default is 700): a build makes millions of objects that live until its end
(the Markdown trees, the site, the pages), and collecting them every 700 costs ~10 %
of a cold build's CPU."""


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """Collect garbage less often while the build runs; as before afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], GC_THRESHOLD), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _build(options: BuildOptions) -> BuildResult:
    started = time.perf_counter()
    root = options.source
    config = load_config(root, options.base_url)
    locale = i18n.load(config.language)
    now = (options.now or dt.datetime.now(dt.UTC)).astimezone(config.timezone)
    cache = options.cache
    checking = cache is not None and options.write and options.quick_check
    # the inputs as the build starts: checked again before the output changes
    signature = (options.signature or quick.signature(options)) if options.write else None
    if checking and cache is not None and signature is not None:
        answer = quick.answer(cache, signature, options, now)
        if answer is not None:
            return replace(answer, files=0, bytes=0, seconds=time.perf_counter() - started)

    def unchanged() -> bool:
        """Are the inputs still those the build started from?"""
        return signature is None or quick.signature(options)[0] == signature[0]

    try:
        result, next_change = _pipeline(options, config, locale, now, unchanged, started)
    except CchcError:
        # an error in a file that was being saved is that save's, not the editor's
        if not unchanged():
            raise _changed_meanwhile() from None
        raise
    if cache is not None:
        quick.record(cache, signature if checking else None, result, now, next_change)
    return result


def _pipeline(
    options: BuildOptions,
    config: SiteConfig,
    locale: i18n.Locale,
    now: dt.datetime,
    unchanged: Callable[[], bool],
    started: float,
) -> tuple[BuildResult, dt.datetime | None]:
    """The five stages; returns the result and when the site next changes by itself."""
    root, cache = options.source, options.cache
    # 1. load: every content file, validated
    load = LoadOptions(now, options.drafts, options.future, cache, options.jobs, options.progress)
    loaded = load_site(root, config, load)
    site = loaded.site

    # 2-3. check and plan: every output file, unique addresses, valid menu and content links
    theme = published_assets(root)
    folder = route("assets")
    assets = [
        Target(
            safe_relative(folder.lstrip("/") + published),
            folder + published,
            Kind.ASSET,
            "layouts/assets",
            context=ThemeFile(path),
        )
        for published, path in theme.values()
    ]
    if config.admin:
        from .adminconfig import published

        assets += published(root)
    targets = plan(site, locale, assets, loaded.errors)
    warnings = loaded.warnings + tuple(check_links(site, targets, root, config.base))
    fingerprinted = {n: folder + p for n, (p, _f) in theme.items()}
    renderer = Renderer(
        site, locale, root, fingerprinted, _qr_memo(cache if options.write else None)
    )
    renderer.check_layouts()
    if options.strict and warnings:
        raise StrictError(warnings)

    # 4-5. render what changed, index the pages for search, write
    searching = bool(config.search and site.searchable)
    if options.write:
        shown_everywhere = (renderer.menu, renderer.footer)  # on every page
        prints = Fingerprints(
            site,
            locale,
            renderer.templates,
            shown_everywhere,
            renderer.assets,
            root,
            loaded.digests,
        )

        files, size, found, search_work = _render_and_write(
            options, prints, renderer, targets, searching, cache, unchanged
        )
    else:
        sitemap = renderer.sitemap_entries(targets)
        everything = list(range(len(targets)))

        def links(index: int, output: Any) -> tuple[str, ...] | None:
            return _links_of(targets[index], output, config)

        pages = _render(renderer, targets, sitemap, everything, options, links)
        if searching:
            _search_bundle(site, locale)
        rendered = [(t, p) for t, p in zip(targets, pages, strict=True) if p is not None]
        found = _check_pages(options, renderer, targets, searching, rendered)
        files = size = 0
        search_work = None
    result = BuildResult(
        pages=sum(1 for t in targets if t.kind is Kind.PAGE),
        files=files,
        bytes=size,
        warnings=warnings + found,
        notes=loaded.notes,
        seconds=time.perf_counter() - started,
        search=search_work,
        qr=_qr_work(renderer.qr) if options.write else None,
    )
    if options.write and options.keep is not None:
        options.keep(Built(site, tuple(targets), renderer, result, loaded.next_change))
    return result, loaded.next_change


def _qr_work(memo: qrcodes.Memo) -> QrWork | None:
    """What the build's QR codes cost, counted as the pages came back from rendering."""
    return QrWork(memo.drawn, memo.encoded, memo.seconds) if memo.drawn else None


def _qr_memo(cache: BuildCache | None) -> qrcodes.Memo:
    """The QR codes of the last build (none without a cache, or drawn by another segno)."""
    if cache is None:
        return qrcodes.Memo()
    content = cache.content
    if content.qr_env != qrcodes.ENV:
        content.qr_env, content.qr = qrcodes.ENV, {}
    return qrcodes.Memo(content.qr)


def _render_and_write(
    options: BuildOptions,
    prints: Fingerprints,
    renderer: Renderer,
    targets: list[Target],
    searching: bool,
    cache: BuildCache | None,
    unchanged: Callable[[], bool],
) -> tuple[int, int, tuple[Diagnostic, ...], SearchWork | None]:
    """Render and write what changed; return the files and bytes written, the warnings
    about the pages' links and what the search index cost. ``unchanged()`` tells, just
    before the output changes, whether the inputs are still those the build read; if a
    file was saved meanwhile, the output would mix two states of the site, so nothing is
    written."""
    site = renderer.site
    out = str(options.output.resolve())
    manifest = cache.manifest if cache is not None else None
    previous = manifest.outputs if manifest is not None and manifest.output_dir == out else None
    store = OutputStore(options.source) if manifest is not None else None
    stored = manifest.outputs if manifest is not None else None
    writer = SiteWriter(options.output, options.source, previous, options.in_place, store, stored)
    try:
        # Pagefind works in its own processes: started first, it indexes while the pages'
        # fingerprints are taken and the pages rendered
        search_started = time.perf_counter()
        pending = _start_search(options, writer, renderer, prints) if searching else None
        searched = time.perf_counter() - search_started
        try:
            sitemap = renderer.sitemap_entries(targets)
            fingerprints = [prints.of(t, sitemap) for t in targets]
            if pending is not None:
                pending.poll()
            todo = [i for i, t in enumerate(targets) if not writer.fresh(t.output, fingerprints[i])]

            def stage(index: int, output: Any) -> Any:
                target = targets[index]
                staged = writer.stage(
                    target.output, fingerprints[index], output.data, output.copy_from
                )
                return staged, _links_of(target, output, site.config), renderer.qr.take()

            renderer.qr.merge(renderer.qr.take())  # the codes drawn before the rendering
            tick = pending.poll if pending is not None else None
            staged = _render(renderer, targets, sitemap, todo, options, stage, tick)
        except BaseException:
            if pending is not None:
                pending.cancel()
            raise
        links: dict[str, tuple[str, ...]] = {}
        for done, (result, found, codes) in zip(todo, staged, strict=True):
            writer.record(targets[done].output, *result)
            if found is not None:
                links[targets[done].output] = found
            renderer.qr.merge(codes)
        work = None
        if pending is not None:
            parts, waited = len(pending.rebuilt), time.perf_counter()
            try:
                pending.result(writer.move_in)
            except search.SearchIndexError as exc:
                raise _search_failed(exc) from None
            if parts:
                work = SearchWork(parts, searched + time.perf_counter() - waited)
        kept = [t.output for t in targets if pagelinks.is_page(t) and t.output not in links]
        content = cache.content if cache is not None else None
        base = site.config.base
        links.update(pagelinks.remembered(content, writer.out, writer.entries, kept, base))
        pages = [(t, links[t.output]) for t in targets if pagelinks.is_page(t)]
        found = _check_pages(options, renderer, targets, searching, pages)
        if not unchanged():
            raise _changed_meanwhile()
        written = writer.commit()
    except BaseException:
        writer.abort()
        raise
    if cache is not None:
        renderer.qr.keep({site.config.base.absolute(t.url) for t in targets})
        cache.manifest.output_dir, cache.manifest.outputs = out, writer.entries
        if store is not None:
            store.keep(writer.out, writer.entries)
        pagelinks.remember(cache.content, links, writer.entries)
    return written.files, written.bytes, found, work


def _links_of(target: Target, output: Any, config: SiteConfig) -> tuple[str, ...] | None:
    """The site-internal links of a rendered page (None for other files); in the workers."""
    return pagelinks.extract(output.data, config.base) if pagelinks.is_page(target) else None


def _check_pages(
    options: BuildOptions,
    renderer: Renderer,
    targets: list[Target],
    searching: bool,
    pages: list[tuple[Target, tuple[str, ...]]],
) -> tuple[Diagnostic, ...]:
    """The warnings about links in the rendered pages; with ``--strict``, a failure."""
    found = pagelinks.check(pages, targets, renderer.site, renderer.templates, searching)
    if options.strict and found:
        raise StrictError(found)
    return tuple(found)


def _render(
    renderer: Renderer,
    targets: list[Target],
    sitemap: list[tuple[str, Any]],
    todo: list[int],
    options: BuildOptions,
    sink: Callable[[int, Any], Any],
    tick: Callable[[], None] | None = None,
) -> list[Any]:
    """Render ``targets[i]`` for each i in ``todo`` (in several processes when there are
    many) and hand each file to ``sink``; raise every layout error at once. ``sitemap``
    is :meth:`Renderer.sitemap_entries` of ``targets``, made once by the caller;
    ``tick()`` is called in this process as pages come back."""

    def work(index: int) -> tuple[Any, tuple[Diagnostic, ...]]:
        try:
            return sink(index, renderer.render(targets[index], sitemap)), ()
        except CchcError as exc:
            return None, tuple(exc.diagnostics)

    progress = options.progress

    def report(done: int, total: int) -> None:
        if tick is not None:
            tick()
        if progress is not None:
            progress("render", done, total)

    results = parallel.map_indices(work, todo, options.jobs, report)
    diags = Collector()
    seen: set[tuple[str, int | None]] = set()
    for _value, problems in results:
        for item in problems:  # one report per layout line, not one per page
            if (item.path, item.line) not in seen:
                seen.add((item.path, item.line))
                diags.add(item)
    diags.raise_if_errors(TemplateError)
    return [value for value, _problems in results]


def _changed_meanwhile() -> ContentError:
    return ContentError([Diagnostic(
        "content", None, None,
        _("files changed while the site was being built; nothing was written"),
        _("build again when the files are saved (cchcgen serve rebuilds by itself)"),
    )])  # fmt: skip


def _start_search(
    options: BuildOptions, writer: SiteWriter, renderer: Renderer, prints: Fingerprints
) -> search.PendingIndex | None:
    """Keep the search index's shards whose records did not change and start indexing
    the others. Nothing more is computed when no record changed (the manifest's
    fingerprint) or while previewing (``refresh_search`` off)."""
    records = prints.records()

    def index_of(entries: Mapping[str, OutputEntry]) -> dict[str, bytes]:
        return {
            o: e.fingerprint for o, e in entries.items() if o.startswith(search.INDEX_DIR + "/")
        }

    index = index_of(writer.previous)
    if writer.full or not index:  # none in the output folder: the cache's store may have it
        index = index_of(writer.stored)
        if not writer.restore_all(index):
            index = {}
    if index and (not options.refresh_search or writer.fresh(search.MANIFEST, records, keep=False)):
        for output, fingerprint in index.items():
            writer.fresh(output, fingerprint)
        return None
    site, locale = renderer.site, renderer.locale
    shards = search.site_shards(site, locale)
    writer.put(search.MANIFEST, records, search.manifest(shards))
    work = writer.work_folder("search")
    common = search.common(site, locale, prints.digests)
    language = site.config.language
    pending = search.start_index(
        shards, language, index, options.jobs, work, prints.digests, common
    )
    for output in pending.kept:
        writer.fresh(output, index[output])
    kept = set(pending.kept)
    writer.drop([o for o in index if o not in kept and o != search.MANIFEST])  # made again
    return pending


def _search_bundle(site: Any, locale: i18n.Locale) -> dict[str, bytes]:
    """The search index, made to be checked (``cchcgen check`` writes no output)."""
    try:
        with tempfile.TemporaryDirectory(prefix="cchcgen-search-") as folder:
            shards = search.site_shards(site, locale)
            return search.index_files(shards, site.config.language, Path(folder) / "work")
    except search.SearchIndexError as exc:
        raise _search_failed(exc) from None


def _search_failed(exc: search.SearchIndexError) -> ContentError:
    return ContentError(
        [Diagnostic("site.yaml", None, None,
                    _("the search index failed: {reason}").format(reason=exc),
                    _("set 'search: false' in site.yaml to build without search"))]
    )  # fmt: skip

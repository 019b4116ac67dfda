"""The site's search index, built with Pagefind (the ``pagefind[bin]`` package from PyPI).

Citizens type on phones without diacritics ("dang ky dat dai" for "đăng ký đất đai").
Pagefind folds accents but not ``đ`` to ``d``, so we do not let it read our pages: we
give it one record per page whose text is already folded (lowercase, no diacritics,
``đ`` as ``d``), and the search page folds the query the same way. What a reader sees in
the results (title, section, date, summary) comes from the record's metadata, in the
original Vietnamese. Navigation, footer and the hotline strip are never indexed because
they are never in a record.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import __version__
from .content import Site
from .fingerprint import Digests
from .i18n import Locale
from .outputs import SearchItem, SearchRecord
from .urls import fold

INDEX_DIR = "pagefind"
"""Where the index is published: ``/pagefind/`` under the base path."""

try:
    _PAGEFIND = metadata.version("pagefind_bin")
except metadata.PackageNotFoundError:  # pragma: no cover - a source install of Pagefind
    _PAGEFIND = ""

_UNUSED = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")
"""Pagefind's ready-made interfaces: the search page has its own, in Vietnamese."""


def searchable(record: SearchRecord) -> tuple[str, str]:
    """The record's heading and text as the index stores them: folded, with every code
    also written as one word without its punctuation (``13/KH-UBND`` and ``13khubnd``).
    The heading carries the title and codes, which Pagefind weighs above the text."""
    codes = " ".join(f"{code} {re.sub(r'[^0-9A-Za-z]', '', code)}" for code in record.codes)
    return fold(f"{record.title} {codes}"), fold(f"{record.summary} {record.text}")


SHARD_LIMIT = 600
"""The most records one shard takes before it is split: Pagefind holds about 0.3 MiB per
news-sized record while indexing, so a shard stays under about 200 MiB and a second."""

MANIFEST = f"{INDEX_DIR}/shards.json"
"""The shards' folders, in order, for the search page: the first is loaded, the others
merged into it (Pagefind's ``mergeIndex``)."""

_RUNTIME = ("pagefind.js", "pagefind-worker.js", "wasm.")
"""The files only the first shard's folder needs (the others reuse its WebAssembly)."""


@dataclass(frozen=True)
class Shard:
    """One Pagefind bundle, published under ``/pagefind/<name>/``."""

    name: str
    items: tuple[SearchItem, ...]

    def digest(self, language: str, first: bool, digests: Digests, common: bytes) -> bytes:
        """What the bundle is made from: what its records are made from (``common``: the
        locale and the site's settings, which every record may show), the language,
        Pagefind and whether it is the first shard (which alone carries the runtime).
        ``digests`` knows the digests of the posts and other content read from the cache:
        no record is made to know whether its shard changed."""
        sources = tuple(item.source for item in self.items)
        return digests.of((common, language, _PAGEFIND, first, self.name, sources))

    def records(self) -> list[SearchRecord]:
        return [item.make() for item in self.items]

    @property
    def folder(self) -> str:
        return _folder(self.name)


def _folder(shard: str) -> str:
    """Where a shard's bundle is published, under the output folder."""
    return f"{INDEX_DIR}/{shard}/"


def _folder_of(path: str) -> str:
    """The shard folder (:func:`_folder`) a published file of the index is in."""
    return path[: path.find("/", len(INDEX_DIR) + 1) + 1]


def shards(groups: Sequence[tuple[str, Sequence[SearchItem]]]) -> list[Shard]:
    """The site's records in shards of at most about :data:`SHARD_LIMIT`, so that an edit
    re-indexes one small shard. ``groups`` are (content type, its records to be). A small site
    is one shard; otherwise each type is one, split by year, then half-year, then month
    (by the record's date) while a part is larger than the limit."""
    everything = tuple(item for _name, items in groups for item in items)
    if len(everything) <= SHARD_LIMIT:
        return [Shard("all", everything)] if everything else []
    found: list[Shard] = []
    for name, items in groups:
        found.extend(_split(re.sub(r"[^a-z0-9]+", "-", name.lower()), tuple(items), 0))
    return found


_LEVELS: tuple[Callable[[int, int], str], ...] = (
    lambda year, _month: f"{year}" if year else "",
    lambda year, month: f"h{1 + (month > 6)}" if year else "",
    lambda year, month: f"{month:02d}" if year and month else "",
)
"""How a shard too large is split: by year, half-year, month (``post-2024-h1-03``)."""


def _split(name: str, items: tuple[SearchItem, ...], level: int) -> list[Shard]:
    if not items:
        return []
    if len(items) <= SHARD_LIMIT or level == len(_LEVELS):
        return [Shard(name, items)]
    parts: dict[str, list[SearchItem]] = {}
    for item in items:
        parts.setdefault(_LEVELS[level](*_year_month(item.date)), []).append(item)
    if len(parts) == 1:  # undated, or all in one part: nothing to split on at this level
        return _split(name, items, level + 1)
    return [
        shard
        for part in sorted(parts)
        for shard in _split(f"{name}-{part}" if part else name, tuple(parts[part]), level + 1)
    ]


def _year_month(date: str) -> tuple[int, int]:
    """The year and month of a date as shown (``01/03/2022``, ``tháng 10/2022``)."""
    found = re.search(r"(?:(\d{1,2})/)?(\d{4})\b", date)
    if found is None:
        return 0, 0
    return int(found[2]), int(found[1] or 0)


def manifest(built: Sequence[Shard]) -> bytes:
    """``/pagefind/shards.json``: the shards' folder names, the first holding the runtime."""
    return json.dumps({"shards": [shard.name for shard in built]}).encode("utf-8")


def index_files(built: Sequence[Shard], language: str, work: Path) -> dict[str, bytes]:
    """Every shard's bundle: {path under the output folder: bytes}."""
    files: dict[str, bytes] = {}
    start_index(built, language, {}, 1, work, Digests(), b"").result(
        lambda path, _digest, source: files.__setitem__(path, source.read_bytes())
    )
    return files


class PendingIndex:
    """Pagefind indexing the shards that changed, in their own processes (at most
    ``jobs`` at once) while the build renders pages.

    Each record becomes a small HTML file whose body is the folded text and whose title,
    date, summary and section are Pagefind metadata; the Pagefind binary (from PyPI, no
    download at run time) indexes them in one native pass per shard. Pagefind's Python
    service answers one request per 100 ms, too slow for thousands of pages. The section
    is not a Pagefind filter: Pagefind 1.5 writes filter values in a different order on
    every run, which would break reproducible builds, so the search page filters on the
    metadata. A shard whose files the last build made from the same records is kept
    (:attr:`kept`); it is not indexed again.
    """

    def __init__(
        self,
        built: Sequence[Shard],
        language: str,
        previous: Mapping[str, bytes],
        jobs: int,
        work: Path,
        digests: Digests,
        common: bytes,
    ) -> None:
        """``work``: a folder to make and remove, for Pagefind's pages and bundles;
        ``digests`` and ``common``: see :meth:`Shard.digest`."""
        self.language, self._jobs = language, max(1, min(jobs, MAX_PROCESSES))
        self._command = _pagefind()
        self.kept: list[str] = []
        self._todo: list[tuple[str, bytes]] = []
        self._started: list[_Indexing] = []
        """Shards started (some may have ended), in order, not yet handed over."""
        self._first = built[0].name if built else ""
        self._folder = work
        shutil.rmtree(work, ignore_errors=True)  # left by an earlier build of this process
        work.mkdir()
        by_folder: dict[str, list[str]] = {}
        for path in previous:
            by_folder.setdefault(_folder_of(path), []).append(path)
        try:
            for shard in built:
                digest = shard.digest(language, shard.name == self._first, digests, common)
                mine = by_folder.get(shard.folder, [])
                if mine and all(previous[path] == digest for path in mine):
                    self.kept.extend(mine)
                else:
                    # Pagefind's pages are written now, so that the records (the text of
                    # every page) are not held while the site renders; the first shards
                    # are indexed while the next ones' pages are written
                    self._write_pages(shard)
                    self._todo.append((shard.name, digest))
                    self.poll()
        except BaseException:
            self.cancel()
            raise

    @property
    def rebuilt(self) -> list[str]:
        """The names of the shards being indexed again."""
        return [run.name for run in self._started] + [name for name, _digest in self._todo]

    def _pages(self, shard: str) -> tuple[Path, Path, Path]:
        """Where Pagefind reads a shard's pages, where it writes its bundle, and the file
        that takes what it prints."""
        folder = self._folder / shard
        return folder / "pages", folder / "bundle", folder / "pagefind.log"

    def _write_pages(self, shard: Shard) -> None:
        pages = self._pages(shard.name)[0]
        pages.mkdir(parents=True)
        for number, record in enumerate(shard.records()):  # the address is in the metadata
            page = _page(record, self.language)
            (pages / f"{number:06d}.html").write_text(page, encoding="utf-8")

    def poll(self) -> None:
        """Start the next shards where Pagefind has finished one; returns at once. The
        build calls it as it goes, so that Pagefind never waits for :meth:`result`."""
        running = sum(1 for run in self._started if run.process.poll() is None)
        while self._todo and running < self._jobs:
            name, digest = self._todo.pop(0)
            pages, bundle, said = self._pages(name)
            # what Pagefind prints goes to a file: a pipe nobody reads could fill and stop it
            with open(said, "wb") as log:
                process = subprocess.Popen(
                    [*self._command, "--site", str(pages),
                     "--output-path", str(bundle), "--force-language", self.language,
                     "--silent"],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip
            with contextlib.suppress(OSError):  # the build's own work first (see NICENESS)
                os.setpriority(os.PRIO_PROCESS, process.pid, NICENESS)
            self._started.append(_Indexing(name, digest, bundle, said, process))
            running += 1

    def result(self, put: Callable[[str, bytes, Path], None]) -> None:
        """Wait for the shards indexed again and hand each of their files to ``put``
        (path under the output folder, the shard's digest, the file made, which ``put``
        may move away), one shard at a time: the index of a large site is never all in
        memory."""
        try:
            while self._started or self._todo:
                self.poll()
                run = self._started[0]
                run.process.wait()
                self._started.pop(0)  # (after the wait: an interrupted wait is cancelled)
                self.poll()  # the next shard is indexed while this one is handed over
                if run.process.returncode != 0:
                    said = run.log.read_text(encoding="utf-8", errors="replace")
                    raise SearchIndexError(said.strip())
                first, folder = run.name == self._first, _folder(run.name)
                for path in sorted(run.bundle.rglob("*")):
                    inside = path.relative_to(run.bundle).as_posix()
                    if _published(inside, first) and path.is_file():
                        put(folder + inside, run.digest, path)
                shutil.rmtree(run.bundle.parent)
        finally:
            self.cancel()

    def cancel(self) -> None:
        self._todo.clear()
        for run in self._started:
            if run.process.poll() is None:
                run.process.kill()
            run.process.wait()
        self._started.clear()
        shutil.rmtree(self._folder, ignore_errors=True)


@dataclass(frozen=True)
class _Indexing:
    """One shard given to Pagefind."""

    name: str
    digest: bytes
    bundle: Path
    """Where Pagefind writes the shard's files."""
    log: Path
    """What Pagefind printed."""
    process: subprocess.Popen[bytes]


def _pagefind() -> list[str]:
    """How Pagefind is started: its binary, found as its Python package finds it
    (``PAGEFIND_BINARY_PATH``, else the binary from PyPI), rather than through ``python
    -m pagefind``, whose interpreter costs ~0.1 s of CPU for every shard. Where no
    binary is found, ``python -m pagefind`` says so in its own words."""
    from pagefind.service import get_executable  # imports asyncio: only when indexing

    found = get_executable()
    return [str(found)] if found is not None else [sys.executable, "-m", "pagefind"]


MAX_PROCESSES = 2
"""Pagefind processes at once: each uses several threads and up to about 200 MiB."""

NICENESS = 10
"""How much Pagefind gives way to the build: it indexes while the build renders, and
on a machine with few cores it would otherwise slow down what the editor waits for (its
Python wrapper is started with this priority, and the indexer it starts inherits it)."""


def _published(name: str, first: bool) -> bool:
    """Is this file of a shard's bundle published? Not Pagefind's ready-made interfaces
    (the search page has its own, in Vietnamese), and the runtime only in the first."""
    if name.startswith(_UNUSED):
        return False
    return first or not name.startswith(_RUNTIME)


start_index = PendingIndex
"""Start indexing the shards that changed (what a build calls; a test may replace it)."""


class SearchIndexError(RuntimeError):
    """Pagefind failed; the message is what it printed."""


def _page(record: SearchRecord, language: str) -> str:
    esc = html.escape
    heading, text = searchable(record)
    kind = f'<p data-pagefind-weight="10">{esc(fold(record.kind))}</p>' if record.kind else ""
    meta = "".join(
        f'<span data-pagefind-meta="{key}">{esc(value)}</span>'
        for key, value in (
            ("url", record.url),
            ("title", record.title),
            ("date", record.date),
            ("summary", record.summary),
            ("kind", record.kind),
        )
        if value
    )
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{esc(record.title)}</title></head><body><div data-pagefind-body>"
        f"<div data-pagefind-ignore>{meta}"
        f'<span data-pagefind-meta="section">{esc(record.section)}</span></div>'
        f"{kind}<h1>{esc(heading)}</h1><p>{esc(text)}</p></div></body></html>"
    )


def site_records(site: Site, locale: Locale) -> list[SearchRecord]:
    """One record per page worth finding, from every content type in registry order."""
    return [item.make() for _name, items in _typed_items(site, locale) for item in items]


def _typed_items(site: Site, locale: Locale) -> list[tuple[str, list[SearchItem]]]:
    """Each content type's name and records to be, in registry order."""
    from . import kinds

    return [(kind.name, list(kind.search_items(site, locale))) for kind in kinds.registry()]


def site_shards(site: Site, locale: Locale) -> list[Shard]:
    return shards(_typed_items(site, locale))


def common(site: Site, locale: Locale, digests: Digests) -> bytes:
    """What every record may show besides its source: the locale (sections' names, dates)
    and the site's settings (see :meth:`Shard.digest`)."""
    return digests.of((__version__, site.config, locale.code, locale.strings))

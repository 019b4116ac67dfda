"""The quick check: answer a build in which nothing can have changed without loading it.

A build records a signature of all its inputs (options, cchcgen's own files, and each
input file's size, times and inode) with its result. The next build with the same signature,
on the same day, before any post falls due, with every output file still as written,
returns that result and writes nothing. Imports only light modules, so that the command
line answers in a fraction of a second.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import os
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import __version__, messages, parallel
from .cache import BuildCache, QuickCheck, code_stamp, load_quick
from .errors import Collector
from .files import RACY_SECONDS, walk_entries
from .fingerprint import SIZE, Digests
from .options import BuildOptions, BuildResult
from .output import MARKER, recover


def signature(options: BuildOptions) -> tuple[bytes, int]:
    """Digest of every input of a build (options, cchcgen, and each file's size, times
    and inode), and the newest file time. The site's settings are site.yaml's stamp
    (and ``options.base_url``): the quick check reads no YAML."""
    root = options.source
    unreadable = Collector()
    stamps = _Stamps()
    for rel, path, entry in _inputs(root, unreadable):
        try:  # the listing's entry keeps what it learns: no Path, and one system call
            info = os.lstat(path) if entry is None else entry.stat(follow_symlinks=False)
        except OSError:
            continue  # gone while we looked
        link = ""
        if stat.S_ISLNK(info.st_mode):  # a link: where it points, and its target's stamp
            link = os.readlink(path)
            with contextlib.suppress(OSError):  # a dangling link counts as it is
                info = os.stat(path)
        # the ctime and inode catch an edit whose old mtime was put back (git, sync tools)
        times = (info.st_mtime_ns, info.st_ctime_ns)
        stamps.add((rel, info.st_size, *times, info.st_ino, info.st_mode, link))
    # a folder that cannot be read is part of the signature: it is not the empty folder
    # of a good build
    for problem in unreadable.items:
        stamps.add((problem.path, -1, -1, -1, -1, -1, problem.message))
    return Digests().of(
        (
            __version__,
            code_stamp(),
            messages.current(),  # the warnings it repeats are in that language
            str(options.output.resolve()),
            options.base_url,
            options.drafts,
            options.future,
            options.strict,
            stamps.digest(),
        )
    ), stamps.newest


def _inputs(
    root: Path, unreadable: Collector
) -> Iterator[tuple[str, str, os.DirEntry[str] | None]]:
    """Each input file as (path from the root, path, the folder listing's entry)."""
    yield "site.yaml", str(root / "site.yaml"), None
    for folder in ("content", "layouts", "admin"):
        for entry, rel in walk_entries(root / folder, root, None, unreadable):
            yield rel, entry.path, entry


class _Stamps:
    """The digest of the input files' stamps, taken as they are listed (a province's
    12,000 files' stamps and listing entries held at once were ~8 MB, at the moment the
    build's memory peaks), and the newest time among them."""

    CHUNK = 1000
    """Stamps digested at a time, as text: fed value by value, 7,000 took ~80 ms."""

    def __init__(self) -> None:
        self._digest = hashlib.blake2b(digest_size=SIZE)
        self._chunk: list[tuple[str, int, int, int, int, int, str]] = []
        self.newest = 0

    def add(self, stamp: tuple[str, int, int, int, int, int, str]) -> None:
        self.newest = max(self.newest, stamp[2], stamp[3])
        self._chunk.append(stamp)
        if len(self._chunk) >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        self._digest.update(repr(self._chunk).encode("utf-8", "surrogatepass"))
        self._chunk.clear()

    def digest(self) -> bytes:
        self._flush()
        return self._digest.digest()


def answer(
    cache: BuildCache, signed: tuple[bytes, int], options: BuildOptions, now: dt.datetime
) -> BuildResult | None:
    """The last build's result when nothing can have changed since, else None."""
    manifest = cache.manifest
    quick = manifest.quick
    if quick is None or not _current(quick, signed, now):
        return None
    outputs = manifest.outputs
    stamps = [(entry.size, entry.mtime_ns) for entry in outputs.values()]
    intact = _intact(options.output.resolve(), manifest.output_dir, list(outputs), stamps)
    return quick.result if intact else None  # type: ignore[no-any-return]


BESIDE = True
"""Whether the saved quick check is read and the output files compared in another
process while this one takes the inputs' signature: each takes ~0.1-0.2 s for the bench
site's 30,000 output files and 7,000 inputs, a fork a few milliseconds."""


class SavedCheck:
    """:func:`answer`, from the quick check the last build saved (``quick.json``), read
    before the cache is, and compared with the output files as soon as this is made (see
    :data:`BESIDE`). Used as a context manager, so that the other process is stopped when
    no answer is asked for."""

    def __init__(self, options: BuildOptions) -> None:
        self._options = options
        out = options.output.resolve()
        saved = functools.partial(_saved_as_written, options.source, out)
        self._saved: Callable[[bool], Any] | None = parallel.beside(saved, fork=BESIDE)

    def answer(self, signed: tuple[bytes, int], now: dt.datetime) -> BuildResult | None:
        """The last build's result when nothing can have changed since, else None."""
        wait, self._saved = self._saved, None
        found = wait(True) if wait is not None else None  # (made for this output folder)
        if found is None or not _current(found, signed, now):
            return None
        return found.result  # type: ignore[no-any-return]

    def __enter__(self) -> SavedCheck:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._saved is not None:
            self._saved(False)
            self._saved = None


def _saved_as_written(root: Path, out: Path) -> QuickCheck | None:
    """The saved quick check, if it was made for ``out`` and every output file is as
    the build wrote it."""
    saved = load_quick(root)
    if saved is None:
        return None
    stamps = list(zip(saved.stamps[0::2], saved.stamps[1::2], strict=True))
    return saved.quick if _intact(out, saved.output_dir, saved.paths, stamps) else None


def _current(quick: QuickCheck, signed: tuple[bytes, int], now: dt.datetime) -> bool:
    """Same inputs, and the clock has not changed the site."""
    return quick.signature == signed[0] and now.timestamp() < quick.valid_until


def _intact(out: Path, output_dir: str, paths: list[str], stamps: list[tuple[int, int]]) -> bool:
    """Is ``out`` the output folder the quick check was made for, finished by a build of
    this cchcgen, with every file as that build wrote it (its size and time are
    ``stamps``)?"""
    return output_dir == str(out) and _ready(out) and _as_written(out, paths, stamps)


def _ready(out: Path) -> bool:
    """Is the output folder one a build of this cchcgen finished (after tidying up what a
    killed build left)?"""
    recover(out)
    return (out / MARKER).is_file()  # an older cchcgen's output: the build marks it


def _as_written(out: Path, paths: list[str], stamps: list[tuple[int, int]]) -> bool:
    """Is every output file as the build wrote it (its size and time are ``stamps``)?"""
    folder = f"{out}{os.sep}"  # strings, not Paths: 30,000 Paths take longer than the stats
    try:
        found = [
            (info.st_size, info.st_mtime_ns) for info in map(os.stat, map(folder.__add__, paths))
        ]
    except OSError:
        return False
    return found == stamps


def record(
    cache: BuildCache,
    signed: tuple[bytes, int] | None,
    result: BuildResult,
    now: dt.datetime,
    next_change: dt.datetime | None,
) -> None:
    """Remember a finished build for the next quick check: valid until tomorrow or the
    next post falling due, whichever comes first. A build whose inputs were saved in the
    last seconds is not remembered: a file may change again within the clock's resolution
    without its time changing."""
    if signed is None or signed[1] > time.time_ns() - RACY_SECONDS * 10**9:
        cache.manifest.quick = None
        return
    tomorrow = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), now.tzinfo)
    until = min(filter(None, (next_change, tomorrow)))
    # (an answer makes no search index and draws no QR code)
    cache.manifest.quick = QuickCheck(
        signed[0], until.timestamp(), replace(result, search=None, qr=None)
    )

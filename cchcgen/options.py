"""What a build is asked to do (:class:`BuildOptions`) and what it reports
(:class:`BuildResult`); light to import, for the command line's quick path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import BuildCache
from .errors import CchcError, Diagnostic

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: how far a long build has come."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    source: Path
    output: Path
    base_url: str | None = None
    drafts: bool = False
    future: bool = False
    strict: bool = False
    now: dt.datetime | None = None
    """The build's "now" (SOURCE_DATE_EPOCH); None means the clock."""
    write: bool = True
    """False for ``cchcgen check``: validate and render, write nothing."""
    cache: BuildCache | None = None
    """The last build's cache, used and updated in place; None builds from scratch."""
    jobs: int = 1
    """Processes for parsing and rendering."""
    in_place: bool = False
    """Replace changed files one by one instead of swapping in a new tree (``serve``:
    faster; a killed build is finished by the next one)."""
    quick_check: bool = True
    """False skips the quick check (``serve`` knows that something changed)."""
    refresh_search: bool = True
    """False keeps the last search index when there is one (``serve`` after its first
    build: indexing every page again would hold up the preview for seconds)."""
    progress: Progress | None = None
    wait: bool = True
    """When another build of the output is running: wait for it (False: fail at once)."""
    on_wait: Callable[[int | None], None] | None = None
    """Called with the other build's process id before waiting for it."""
    signature: tuple[bytes, int] | None = None
    """The inputs' signature (:func:`cchcgen.quick.signature`) the caller's own quick
    check took just before: the build starts from it rather than take it again."""
    keep: Callable[[Any], None] | None = None
    """Called, after a build that wrote the output, with what it made (a
    :class:`cchcgen.build.Built`): ``serve`` keeps it to show the next edits from memory."""


@dataclass(frozen=True, slots=True)
class SearchWork:
    """What the search index cost a build that made some of its parts again."""

    parts: int
    """The index's parts (shards) indexed again by Pagefind."""
    seconds: float
    """The time the build spent on the index besides rendering: making the records and
    Pagefind's pages, then waiting for Pagefind once the pages were rendered and moving
    its files in (Pagefind's work during the rendering is not in it)."""


@dataclass(frozen=True, slots=True)
class QrWork:
    """What the QR codes cost a build that drew some."""

    drawn: int
    """Codes drawn: the code shown in a page or on a poster, qr.svg and qr.png."""
    encoded: int
    """Addresses encoded for them: those not in the build cache (a cold build encodes
    every address once; a build with the cache only new addresses)."""
    seconds: float
    """The CPU time spent drawing them (encoding included), summed over the processes
    that drew them."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    pages: int
    files: int
    bytes: int
    warnings: tuple[Diagnostic, ...]
    notes: tuple[str, ...]
    seconds: float
    search: SearchWork | None = None
    """None when no part of the search index was made again."""
    qr: QrWork | None = None
    """None when no QR code was drawn (or nothing was written)."""


class StrictError(CchcError):
    """Warnings turned into a failure by --strict."""

"""What one build remembers for the next, kept in ``.cchcgen-cache/`` beside site.yaml.

Never inside the output folder, never needed: a missing, old or unreadable cache
only makes the build slower. ``cchcgen build --full`` ignores it. It holds

* each content file's parsed object and diagnostics, keyed by the file's bytes;
* Markdown converted to HTML, keyed by a hash of the text;
* the output manifest: for every file of the last build, the fingerprint of what it
  was made from and the size and time it was written with, so an unchanged target
  whose file is still there is neither rendered nor written again;
* the search index's input digest and the quick check (see :mod:`cchcgen.build`).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .errors import Diagnostic

DIRNAME = ".cchcgen-cache"
_FILE = "build.pickle"
_FORMAT = 1


@dataclass(slots=True)
class FileEntry:
    stamp: tuple[int, int]
    """(size, mtime in ns) when it was read: equal stamps skip reading the file."""
    content: bytes
    """Digest of the file's bytes: equal digests skip parsing it."""
    env: bytes
    """Digest of everything else the result depends on (configuration, version, ...)."""
    value: Any
    diagnostics: tuple[Diagnostic, ...]
    markdown: tuple[bytes, ...] = ()
    """The Markdown texts it converted (kept in the cache while the file uses them)."""


@dataclass(frozen=True, slots=True)
class OutputEntry:
    fingerprint: bytes
    """Digest of what the file was made from (see :mod:`cchcgen.deps`)."""
    size: int
    mtime_ns: int
    content: bytes
    """Digest of the file's bytes."""


@dataclass(frozen=True, slots=True)
class QuickCheck:
    """A build that nothing can have changed: same inputs, same day, no post due."""

    signature: bytes
    valid_until: float
    """POSIX time after which the clock alone may change the site."""
    result: Any


@dataclass
class BuildCache:
    files: dict[str, FileEntry] = field(default_factory=dict)
    markdown_env: bytes = b""
    markdown: dict[bytes, Any] = field(default_factory=dict)
    output_dir: str = ""
    outputs: dict[str, OutputEntry] = field(default_factory=dict)
    quick: QuickCheck | None = None

    def prune(self, files: set[str], markdown: set[bytes]) -> None:
        """Forget what this build did not use, so the cache does not grow forever."""
        self.files = {rel: entry for rel, entry in self.files.items() if rel in files}
        for entry in self.files.values():
            markdown.update(entry.markdown)
        self.markdown = {key: html for key, html in self.markdown.items() if key in markdown}


def cache_dir(root: Path) -> Path:
    return root / DIRNAME


def load(root: Path) -> BuildCache:
    """The cache of the last build, or an empty one when there is none or it is unusable."""
    path = cache_dir(root) / _FILE
    try:
        with path.open("rb") as stream:
            version, data = pickle.load(stream)
    except Exception:  # noqa: BLE001 - a damaged or foreign cache is just a cold build
        return BuildCache()
    if version != (_FORMAT, __version__) or not isinstance(data, BuildCache):
        return BuildCache()
    return data


def save(root: Path, cache: BuildCache) -> None:
    """Write the cache atomically; a cache that cannot be written is not an error."""
    folder = cache_dir(root)
    try:
        folder.mkdir(exist_ok=True)
        (folder / ".gitignore").write_text("*\n", encoding="utf-8")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".build-", suffix=".tmp")
        with os.fdopen(fd, "wb") as stream:
            pickle.dump(((_FORMAT, __version__), cache), stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / _FILE)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp)

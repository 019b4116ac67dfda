"""What one build remembers for the next, kept in ``.cchcgen-cache/`` beside site.yaml.

Never inside the output folder, never needed: a missing, old or unreadable cache
only makes the build slower. ``cchcgen build --full`` ignores it. It holds

* each content file's parsed object and diagnostics, keyed by the file's bytes;
* Markdown converted to HTML, keyed by a hash of the text;
* the output manifest: for every file of the last build, the fingerprint of what it
  was made from and the size and time it was written with, so an unchanged target
  whose file is still there is neither rendered nor written again;
* the search index's input digest and the quick check (see :mod:`cchcgen.build`), the
  latter also in ``quick.json`` with the size and time of every output file, so that a
  build in which nothing changed reads neither the manifest nor the content part;
* each page's site-internal links, for the check of the pages' links;
* the QR codes drawn, by address, so that a page's code is drawn once;
* in ``outputs/``, the output files by their bytes' digest (:mod:`cchcgen.outstore`), so
  that a build into an empty folder (a CI runner that restored the cache) takes the
  files nothing changed from there instead of rendering them.

The content part is kept in several files, so that an edit rewrites a few megabytes, not
the whole part (about 80 MB at a province's size): ``content.json`` (the pages' links and
the Markdown no content file holds), ``qr.json`` (the QR codes) and ``files-NN.json`` (the
content files' entries, spread over :data:`SEGMENTS` files by their path, each with the
Markdown its files converted: a post's HTML is then written once, in the file that holds
the post too, where the text's codec refers to it a second time by number). Only the
files whose part changed are written again; each entry is checked on its own (stamps,
digests), so files of different builds mixed by a killed save only make the next build
slower.

Each file is a JSON header line (program, format, version, code stamp), then the body
in :mod:`cchcgen.cachecodec`'s JSON, which cannot run code when it is read. The
manifest's table of output files follows on a line of its own as plain JSON rows: every
build reads it (tens of thousands of files at a province's size), and a row decodes in
a fraction of what a tagged value does. A file of another cchcgen is ignored; a damaged
or foreign one too, with a warning.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from . import __version__, cachecodec, parallel
from .errors import Diagnostic, Severity
from .messages import _

DIRNAME = ".cchcgen-cache"
_MANIFEST = "manifest.json"
_CONTENT = "content.json"
_QR = "qr.json"
_QUICK = "quick.json"
_FORMAT = 9
_PROGRAM = "cchcgen build cache"
_HEADER_LIMIT = 4096
_T = TypeVar("_T")


@dataclass(slots=True)
class FileEntry:
    stamp: tuple[int, int, int, int]
    """(size, mtime, ctime in ns, inode) when it was read: equal stamps skip reading the
    file. The ctime and inode catch an edit whose old mtime was put back (sync tools,
    ``git checkout``): restoring an mtime changes the ctime."""
    content: bytes
    """Digest of the file's bytes: equal digests skip parsing it."""
    env: bytes
    """Digest of everything else the result depends on (configuration, version, ...)."""
    value: Any
    diagnostics: tuple[Diagnostic, ...]
    markdown: tuple[bytes, ...] = ()
    """The Markdown texts it converted (kept in the cache while the file uses them)."""
    digest: bytes = b""
    """:meth:`~cchcgen.fingerprint.Digests.object` of ``value`` (b"" for None)."""


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


@dataclass(frozen=True, slots=True)
class PageLinks:
    """The site-internal links of the last build's pages (see :mod:`cchcgen.pagelinks`)."""

    names: tuple[str, ...] = ()
    """Each address once."""
    pages: dict[str, tuple[bytes, tuple[int, ...]]] = field(default_factory=dict)
    """Output path → (digest of the page's bytes, the numbers of its addresses in ``names``)."""


@dataclass
class Content:
    """The large part of the cache, read only when the quick check does not answer."""

    files: dict[str, FileEntry] = field(default_factory=dict)
    markdown_env: bytes = b""
    markdown: dict[bytes, Any] = field(default_factory=dict)
    page_links: PageLinks = field(default_factory=PageLinks)
    qr_env: str = ""
    qr: dict[str, bytes] = field(default_factory=dict)
    """QR codes by address, as their SVG's lines (see :class:`cchcgen.qrcodes.Memo`)."""

    def prune(self, files: set[str], markdown: set[bytes]) -> None:
        """Forget what this build did not use, so the cache does not grow forever."""
        self.files = {rel: entry for rel, entry in self.files.items() if rel in files}
        for entry in self.files.values():
            markdown.update(entry.markdown)
        self.markdown = {key: html for key, html in self.markdown.items() if key in markdown}


@dataclass
class Manifest:
    """What the output folder holds, and the quick check; small, read by every build."""

    output_dir: str = ""
    outputs: dict[str, OutputEntry] = field(default_factory=dict)
    quick: QuickCheck | None = None


SEGMENTS = 32
"""How many ``files-NN.json`` files the content files' entries are spread over."""


@dataclass(slots=True)
class Segment:
    """What one ``files-NN.json`` holds: some files' entries and the Markdown they
    converted (with the environment it was converted in, which must be the memo's)."""

    files: dict[str, FileEntry] = field(default_factory=dict)
    markdown_env: bytes = b""
    markdown: dict[bytes, Any] = field(default_factory=dict)


def _segment(rel: str) -> int:
    return zlib.crc32(rel.encode()) % SEGMENTS


def _segment_name(number: int) -> str:
    return f"files-{number:02d}.json"


def _parts(content: Content) -> dict[str, tuple[Any, Callable[[], Any]]]:
    """The files the content part is kept in: name → (what tells whether it changed,
    what is written). See :meth:`BuildCache.changed_parts`."""
    segments: list[dict[str, FileEntry]] = [{} for _ in range(SEGMENTS)]
    for rel, entry in content.files.items():
        segments[_segment(rel)][rel] = entry
    memo, env = content.markdown, content.markdown_env
    held = {key for entry in content.files.values() for key in entry.markdown}
    rest = {key: value for key, value in memo.items() if key not in held}
    parts: dict[str, tuple[Any, Callable[[], Any]]] = {
        _CONTENT: (
            (env, frozenset(rest), content.page_links),
            lambda: replace(content, files={}, markdown=rest, qr_env="", qr={}),
        ),
        _QR: ((content.qr_env, frozenset(content.qr)), lambda: (content.qr_env, content.qr)),
    }
    for number, entries in enumerate(segments):
        # a memo entry's value is fixed by its key and the environment, and the keys a
        # segment holds by its entries: these tell whether it changed
        shape = (env, {rel: (_Same(entry), entry.stamp) for rel, entry in entries.items()})
        parts[_segment_name(number)] = (
            shape,
            functools.partial(_segment_value, entries, env, memo),
        )
    return parts


def _segment_value(entries: dict[str, FileEntry], env: bytes, memo: dict[bytes, Any]) -> Segment:
    converted = {key: memo[key] for e in entries.values() for key in e.markdown if key in memo}
    return Segment(dict(entries), env, converted)


class BuildCache:
    """Both parts; the content part is read from disk on first use."""

    def __init__(
        self,
        root: Path | None = None,
        manifest: Manifest | None = None,
        warnings: list[Diagnostic] | None = None,
    ) -> None:
        self._root = root
        self._content: Content | None = None if root is not None else Content()
        self._read_as: dict[str, Any] = {}
        """Each file of the content part: what it held when read (see :func:`_parts`)."""
        self.manifest = manifest or Manifest()
        self.warnings: list[Diagnostic] = warnings or []
        """Cache files found damaged and ignored, for the command line to show."""

    @property
    def content(self) -> Content:
        if self._content is None:
            assert self._root is not None
            self._content, read = _read_content(self._root, self.warnings)
            self._read_as = {
                name: shape for name, (shape, _v) in _parts(self._content).items() if name in read
            }
        return self._content

    def changed_parts(self) -> dict[str, Callable[[], Any]]:
        """The files of the content part whose content is not what was read from disk,
        with what to write into each: a build in which no file was read again nor
        anything drawn or converted writes none (a CI build whose sources did not change
        saves seconds of encoding), an edit of one post writes its segment and the
        Markdown memo, not every other file's entry.

        What tells a file from the one read: the file entries by identity (a file read
        again gets a new one) with their stamps (updated in place), the Markdown and QR
        memos' keys (each key's value is fixed by the key and the environment), and the
        pages' links by value (made anew by every build)."""
        if self._content is None:
            return {}
        return {
            name: value
            for name, (shape, value) in _parts(self._content).items()
            if name not in self._read_as or self._read_as[name] != shape
        }


def _read_content(root: Path, warnings: list[Diagnostic]) -> tuple[Content, set[str]]:
    """The content part from its files, and the names of the files read. A file missing
    or unusable is left out (what it held is made again, and it is written again), with a
    warning if it is damaged."""
    read: set[str] = set()
    content = _read(root, _CONTENT, Content, warnings)
    if content is None:
        content = Content()
    else:
        read.add(_CONTENT)
    content.qr_env, content.qr = "", {}
    codes = _read(root, _QR, tuple, warnings)
    if codes is not None and len(codes) == 2 and isinstance(codes[1], dict):
        content.qr_env, content.qr = codes
        read.add(_QR)
    elif codes is not None:
        warnings.append(_damaged(_QR))
    for number in range(SEGMENTS):
        name = _segment_name(number)
        segment = _read(root, name, Segment, warnings)  # its fields checked by the codec
        if segment is None:
            continue
        content.files.update(segment.files)
        if segment.markdown_env == content.markdown_env:
            content.markdown.update(segment.markdown)
            read.add(name)
        # else: Markdown of another environment, not used; the segment is written again
    return content, read


class _Same:
    """Equal to a wrapper of the very same object only."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.value is self.value

    __hash__ = None  # type: ignore[assignment]


def cache_dir(root: Path) -> Path:
    return root / DIRNAME


@functools.cache
def code_stamp() -> str:
    """Digest of cchcgen's own files, so that a cache is never used by another cchcgen,
    even one with the same version number (a developer's checkout). By content, not time:
    a CI job that installs the same release again keeps its cache (~2 ms)."""
    return folder_stamp(Path(__file__).parent)


def folder_stamp(package: Path) -> str:
    """Digest of the files in ``package`` and its folders, their names included, but not
    of the bytecode Python writes into ``__pycache__`` (it appears when a module is first
    imported: a stamp that counted it would throw the cache away after a first ``serve``)."""
    h = hashlib.blake2b(digest_size=16)
    for folder, dirs, files in os.walk(package):  # top-down: pruning ``dirs`` works
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            with contextlib.suppress(OSError), open(os.path.join(folder, name), "rb") as stream:
                h.update(f"{os.path.relpath(folder, package)}/{name};".encode())
                h.update(hashlib.blake2b(stream.read(), digest_size=16).digest())
    return h.hexdigest()


def _header() -> dict[str, object]:
    """What a cache file starts with: a file with another header is not used."""
    return {"program": _PROGRAM, "format": _FORMAT, "version": __version__, "code": code_stamp()}


def _damaged(name: str) -> Diagnostic:
    return Diagnostic(
        f"{DIRNAME}/{name}", None, None,
        _("the build cache is damaged or was made by another program; it was ignored and the "
          "site was built from scratch"),
        _("nothing to do; delete {folder}/ to silence this").format(folder=DIRNAME),
        Severity.WARNING,
    )  # fmt: skip


def _read(root: Path, name: str, kind: type[_T], warnings: list[Diagnostic]) -> _T | None:
    """The ``kind`` object a cache file holds; None when there is none, when another
    cchcgen wrote it, or when it is damaged or foreign (then with a warning)."""
    try:
        with (cache_dir(root) / name).open("rb") as stream:
            header = json.loads(stream.readline(_HEADER_LIMIT))
            if not isinstance(header, dict) or header.get("program") != _PROGRAM:
                raise cachecodec.Unusable("not a cchcgen cache file")
            if header != _header():
                return None  # another version's: a cold build, nothing to report
            if kind is Manifest:
                data = cachecodec.decode(stream.readline())
                if isinstance(data, Manifest):
                    data.outputs = _read_outputs(stream.read())
            else:
                data = cachecodec.decode(stream.read())
        if not isinstance(data, kind):
            raise cachecodec.Unusable(f"not a {kind.__name__}")
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged or foreign cache is just a cold build
        warnings.append(_damaged(name))
        return None
    return data


def load(root: Path) -> BuildCache:
    """The cache of the last build, or an empty one when there is none or it is unusable
    (then with a warning in :attr:`BuildCache.warnings`)."""
    warnings: list[Diagnostic] = []
    manifest = _read(root, _MANIFEST, Manifest, warnings)
    if manifest is None:
        return BuildCache(warnings=warnings)
    return BuildCache(root, manifest)


def stamp(root: Path) -> tuple[int, int, int] | None:
    """When and how the saved cache was last written: another build saved it if this changed."""
    try:
        info = os.stat(cache_dir(root) / _MANIFEST)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def _read_outputs(data: bytes) -> dict[str, OutputEntry]:
    """The manifest's table of output files (see :func:`_write_outputs`)."""
    rows = json.loads(data)
    if type(rows) is not list:
        raise cachecodec.Unusable("the table of output files is not a list")
    outputs: dict[str, OutputEntry] = {}
    new, setattr_, hex_ = object.__new__, object.__setattr__, bytes.fromhex
    for row in rows:
        if type(row) is not list or len(row) != 5:
            raise cachecodec.Unusable("a row of the table of output files is malformed")
        output, fingerprint, size, mtime_ns, content = row
        if type(output) is not str or type(size) is not int or type(mtime_ns) is not int:
            raise cachecodec.Unusable("a row of the table of output files is malformed")
        entry = new(OutputEntry)  # frozen: no __init__ for each of 30,000 rows
        setattr_(entry, "fingerprint", hex_(fingerprint))
        setattr_(entry, "size", size)
        setattr_(entry, "mtime_ns", mtime_ns)
        setattr_(entry, "content", hex_(content))
        outputs[output] = entry
    return outputs


def _write_outputs(outputs: dict[str, OutputEntry], stream: BinaryIO, chunk: int = 2000) -> None:
    """One row per output file: its path, fingerprint, size, time and bytes' digest;
    written ``chunk`` rows at a time (the rows of a province's 60,000 files take ~25 MB
    as Python lists)."""
    items = list(outputs.items())
    stream.write(b"[")
    for start in range(0, len(items), chunk):
        rows = [
            [k, e.fingerprint.hex(), e.size, e.mtime_ns, e.content.hex()]
            for k, e in items[start : start + chunk]
        ]
        text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        stream.write((b"," if start else b"") + text[1:-1].encode())
    stream.write(b"]")


def _write_stamps(outputs: dict[str, OutputEntry], stream: BinaryIO) -> None:
    """The output files' paths (one JSON string, a line between two) and their sizes
    and times (one list of numbers): read in a few milliseconds at a province's size."""
    stream.write(json.dumps("\n".join(outputs), ensure_ascii=False).encode() + b"\n")
    stream.write(b"[" + ",".join(f"{e.size},{e.mtime_ns}" for e in outputs.values()).encode())
    stream.write(b"]")


@dataclass(frozen=True, slots=True)
class SavedQuickCheck:
    """``quick.json``: the last build's quick check, without the rest of the cache."""

    output_dir: str
    quick: QuickCheck
    paths: list[str]
    stamps: list[int]
    """Each output file's size and time, in turn."""


def load_quick(root: Path) -> SavedQuickCheck | None:
    """The quick check the last build saved, if it saved one; a file that is missing,
    another cchcgen's or damaged is no quick check (the build reads the whole cache,
    and says there if it is damaged)."""
    try:
        with (cache_dir(root) / _QUICK).open("rb") as stream:
            if json.loads(stream.readline(_HEADER_LIMIT)) != _header():
                return None
            output_dir, quick = cachecodec.decode(stream.readline())
            text = json.loads(stream.readline())
            stamps = json.loads(stream.read())
    except Exception:  # noqa: BLE001 - no quick check: the build reads the cache
        return None
    paths = text.split("\n") if text else []
    if not (
        isinstance(output_dir, str)
        and isinstance(quick, QuickCheck)
        and type(stamps) is list
        and len(stamps) == 2 * len(paths)
    ):
        return None
    return SavedQuickCheck(output_dir, quick, paths, stamps)


def _write(
    folder: Path, name: str, data: Any, rest: Callable[[BinaryIO], None] | None = None
) -> None:
    """Write one cache file atomically (``rest`` writes what follows the body on a line
    of its own); one holding a value the cache cannot encode (a bug) is removed rather
    than left stale."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".cache-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as stream:
            stream.write(json.dumps(_header()).encode() + b"\n")
            cachecodec.write(data, stream)  # piece by piece: never the whole text in memory
            if rest is not None:
                stream.write(b"\n")
                rest(stream)
        os.replace(tmp, folder / name)
    except (TypeError, ValueError):
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        (folder / name).unlink(missing_ok=True)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write_parts(folder: Path, parts: list[tuple[str, Callable[[], Any]]]) -> None:
    for name, value in parts:
        _write(folder, name, value())


def save(root: Path, cache: BuildCache, fork: bool = False) -> None:
    """Write the cache atomically; a cache that cannot be written is not an error.

    The content part is written first and only when this build read it; the manifest,
    which says what the output folder holds, last. With ``fork`` (only in a process with
    no other threads), every other file of the content part is written by a forked
    process meanwhile: a cold build of a large site writes dozens of megabytes, ~1 s of
    encoding that nothing else overlaps."""
    folder = cache_dir(root)
    with contextlib.suppress(OSError):
        folder.mkdir(exist_ok=True)
        # first: a save that stops half way leaves no quick check about a cache it changed
        (folder / _QUICK).unlink(missing_ok=True)
        (folder / ".gitignore").write_text("*\n", encoding="utf-8")
        for old in folder.glob("*.pickle"):  # earlier versions' pickles: never read
            old.unlink(missing_ok=True)
        parts = list(cache.changed_parts().items())
        there = parts[1::2] if fork and len(parts) > 1 else []
        other = parallel.beside(lambda: _write_parts(folder, there)) if there else None
        try:
            _write_parts(folder, parts[::2] if there else parts)
        finally:  # waited for even when this half failed: no process is left behind
            if other is not None:
                other(True)  # (where the other process failed, its files are written here)
        manifest = cache.manifest
        _write(
            folder,
            _MANIFEST,
            replace(manifest, outputs={}),
            lambda stream: _write_outputs(manifest.outputs, stream),
        )
        if manifest.quick is not None:
            _write(
                folder,
                _QUICK,
                (manifest.output_dir, manifest.quick),
                lambda stream: _write_stamps(manifest.outputs, stream),
            )

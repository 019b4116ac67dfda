"""The output files of the last build, kept in the build cache by their bytes' digest.

A CI job that restores ``.cchcgen-cache/`` but starts with no ``public/`` (as the GitHub
workflow of ``cchcgen init`` does) would otherwise render every page again, although
the cache knows that nothing they are made of changed. With this store, a file whose
fingerprint (:mod:`cchcgen.deps`) is the one the manifest remembers is linked from
``.cchcgen-cache/outputs/`` instead of rendered, once its bytes are checked against
their digest (or its size and time against the manifest's: a cache step that keeps
file times, as ``actions/cache``'s POSIX tar archives do, skips reading them).

The files are hard links to those of the output folder where the file system allows it
(no second copy on disk); a cache step that archives the folder stores them once more.
Nothing here is needed: a missing, damaged or foreign store only means rendering again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from .cache import OutputEntry, cache_dir

FOLDER = "outputs"


class OutputStore:
    def __init__(self, root: Path) -> None:
        self.folder = cache_dir(root) / FOLDER
        self._prefix = f"{self.folder}{os.sep}"
        self._folders: set[str] = set()
        """Folders made (or found) this build."""

    def path(self, digest: bytes) -> Path:
        return Path(self._where(digest.hex()))

    def _where(self, name: str) -> str:
        """The stored file of the bytes whose digest is ``name`` (in hex); a string, as
        :meth:`take` asks for 20,000 of them."""
        return f"{self._prefix}{name[:2]}{os.sep}{name}"

    def take(self, entry: OutputEntry, target: str) -> os.stat_result | None:
        """Put the stored file with ``entry``'s bytes at ``target`` (a link, else a
        copy) and return the stored file's stat; None when the store does not have them.
        Its bytes are checked against their digest unless it still has the size and time
        the manifest recorded (it is then the file the last build wrote, as for the files
        of the output folder)."""
        source = self._where(entry.content.hex())
        try:
            info = os.stat(source)
            if info.st_size != entry.size or (
                info.st_mtime_ns != entry.mtime_ns and file_digest(source) != entry.content
            ):
                return None
            make_parent(target, self._folders)
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
                info = os.stat(target)
        except OSError:
            return None
        return info

    def keep(self, out: Path, entries: Mapping[str, OutputEntry]) -> None:
        """Store the output folder's files (``entries``) and forget the others."""
        wanted = {entry.content.hex(): output for output, entry in entries.items()}
        present = set(self._names())
        for name in present - wanted.keys():
            with contextlib.suppress(OSError):
                os.unlink(self._where(name))
        for name in wanted.keys() - present:
            target = self._where(name)
            try:
                make_parent(target, self._folders)
                os.link(in_folder(out, wanted[name]), target)
            except FileExistsError:
                continue
            except OSError:  # another file system: a copy would double the disk used
                return

    def _names(self) -> list[str]:
        try:
            shards = list(os.scandir(self.folder))
        except OSError:
            return []
        names: list[str] = []
        for shard in shards:
            with contextlib.suppress(OSError):
                names.extend(entry.name for entry in os.scandir(shard.path))
        return names


def in_folder(folder: str | Path, rel: str) -> str:
    """The path of ``rel`` (a path with "/") inside ``folder``, as a string: made for each
    of tens of thousands of output files, where a Path would cost more."""
    return f"{folder}{os.sep}{rel if os.sep == '/' else rel.replace('/', os.sep)}"


def make_parent(path: str, made: set[str]) -> None:
    """Make the folder of ``path`` unless it is in ``made`` (the folders made or found
    before), and add it: one ``mkdir`` a folder, not one a file, where tens of
    thousands of files are written (``makedirs`` only when its parent is missing too)."""
    parent = os.path.dirname(path)
    if parent not in made:
        try:
            os.mkdir(parent)
        except FileExistsError:
            if not os.path.isdir(parent):
                raise
        except FileNotFoundError:
            os.makedirs(parent, exist_ok=True)
        made.add(parent)


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


def write_file(path: str, data: bytes) -> os.stat_result:
    """Write ``data`` as the file ``path`` and return the file's status (its size and
    time go into the manifest): a file descriptor, not a file object, and the status of
    that descriptor, not a second look-up of the path: ~⅓ less time for each of tens of
    thousands of files."""
    fd = os.open(path, _NEW_FILE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        return os.fstat(fd)
    finally:
        os.close(fd)


def file_digest(path: str | Path) -> bytes:
    """The digest the manifest keeps of a file's bytes (:class:`OutputEntry.content`)."""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            h.update(chunk)
    return h.digest()

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
        """Folders :meth:`take` made (or found) this build."""

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
            parent = os.path.dirname(target)
            if parent not in self._folders:
                os.makedirs(parent, exist_ok=True)
                self._folders.add(parent)
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
        folders = {os.path.dirname(self._where(name)) for name in present}
        for name in wanted.keys() - present:
            output = wanted[name]
            source = f"{out}{os.sep}{output if os.sep == '/' else output.replace('/', os.sep)}"
            target = self._where(name)
            try:
                folder = os.path.dirname(target)
                if folder not in folders:  # one makedirs per folder, not per file
                    os.makedirs(folder, exist_ok=True)
                    folders.add(folder)
                os.link(source, target)
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


def file_digest(path: str | Path) -> bytes:
    """The digest the manifest keeps of a file's bytes (:class:`OutputEntry.content`)."""
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            h.update(chunk)
    return h.digest()

"""Write the rendered site into the output folder, never outside it, losing nothing.

Files are first written into a hidden staging folder beside the output folder; the
output changes only when every file of the build was written (see :class:`SiteWriter`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .cache import OutputEntry
from .errors import Collector, OutputError
from .urls import UnsafePath, safe_relative

# A folder we may replace must be empty or look like an earlier build.
_BUILD_MARKERS = ("sitemap.xml", "index.html")


@dataclass(frozen=True, slots=True)
class WriteResult:
    files: int
    bytes: int


def _fail(message: str, hint: str | None = None, path: str = "--output") -> OutputError:
    diags = Collector()
    diags.error(path, None, None, message, hint)
    return OutputError(diags.items)


def check_output_dir(output: Path, source: Path) -> None:
    """Refuse output folders whose replacement would destroy something of the editor's."""
    out = output.resolve()
    src = source.resolve()
    if out == src or src.is_relative_to(out):
        raise _fail(
            f"the output folder {output} contains the site itself",
            "use a separate folder such as public/",
        )
    for protected in ("content", "layouts"):
        if out.is_relative_to(src / protected):
            raise _fail(
                f"the output folder {output} is inside {protected}/",
                "use a separate folder such as public/",
            )
    if out.exists() and not out.is_dir():
        raise _fail(f"{output} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not any((out / m).exists() for m in _BUILD_MARKERS):
        raise _fail(
            f"{output} is not empty and does not look like an earlier build",
            "cchcgen replaces the whole output folder; choose an empty or new folder",
        )


COMMIT = ".cchcgen-commit"
"""Written into an incremental staging folder once every changed file is in it."""


def _leftovers(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.*-tmp"))


def recover(out: Path) -> None:
    """Finish or undo what a killed build left beside the output folder.

    An incremental staging folder with its commit list is replayed, so the output
    ends up as that build made it; anything else is removed."""
    for leftover in _leftovers(out):
        journal = leftover / COMMIT
        if leftover.name.endswith(".inc-tmp") and journal.is_file() and out.is_dir():
            try:
                plan = json.loads(journal.read_text(encoding="utf-8"))
                _apply(leftover, out, plan["moves"], plan["deletes"])
            except (OSError, ValueError, KeyError):
                pass
        shutil.rmtree(leftover, ignore_errors=True)


def _inside(folder: Path, rel: str) -> Path:
    try:
        rel = safe_relative(rel)
    except UnsafePath as exc:
        raise _fail(f"refusing to write {rel!r}: {exc}") from None
    path = folder.joinpath(*rel.split("/"))
    if not path.resolve().is_relative_to(folder.resolve()):
        raise _fail(f"refusing to write {rel!r}: it leaves the output folder")
    return path


def _apply(staging: Path, out: Path, moves: Sequence[str], deletes: Sequence[str]) -> None:
    for rel in moves:
        source = staging.joinpath(*rel.split("/"))
        if source.exists():
            target = _inside(out, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    for rel in deletes:
        target = _inside(out, rel)
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        parent = target.parent
        while parent != out and parent.is_relative_to(out):
            try:
                parent.rmdir()  # only when empty
            except OSError:
                break
            parent = parent.parent


class SiteWriter:
    """Write a build into the output folder: everything at once, or only what changed.

    With no usable manifest of the last build (first build, ``--full``, another output
    folder) the whole tree is written into a staging folder and swapped in with two
    renames. Otherwise only files whose bytes change are staged; on commit they replace
    the old ones and files that no longer belong to the site are deleted. Until
    :meth:`commit`, the output folder is not touched, so a failed build loses nothing.
    """

    def __init__(
        self, output: Path, source: Path, previous: Mapping[str, OutputEntry] | None
    ) -> None:
        check_output_dir(output, source)
        self.out = output.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        recover(self.out)
        self.full = previous is None or not self.out.is_dir()
        self.previous: Mapping[str, OutputEntry] = {} if previous is None else previous
        kind = "new" if self.full else "inc"
        self.staging = self.out.parent / f".{self.out.name}.{os.getpid()}.{kind}-tmp"
        self.entries: dict[str, OutputEntry] = {}
        self.staged: list[str] = []
        self.bytes = 0
        try:
            self.staging.mkdir()
        except OSError as exc:
            raise _fail(f"cannot write the output: {exc}") from None

    def fresh(self, output: str, fingerprint: bytes, keep: bool = True) -> bool:
        """True when the last build made the file from the same inputs and it is still
        there as that build wrote it; the file is then kept unless ``keep`` is False."""
        old = self.previous.get(output)
        if self.full or old is None or old.fingerprint != fingerprint:
            return False
        if not self._intact(output, old):
            return False
        if keep:
            self.entries[output] = old
        return True

    def _intact(self, output: str, old: OutputEntry) -> bool:
        try:
            info = os.stat(self.out.joinpath(*output.split("/")))
        except OSError:
            return False
        return (info.st_size, info.st_mtime_ns) == (old.size, old.mtime_ns)

    def stage(
        self, output: str, fingerprint: bytes, data: bytes | None, copy_from: Path | None = None
    ) -> tuple[OutputEntry, bool]:
        """Put one file in the staging folder unless the output already has these bytes.

        Pure apart from the file it writes, so worker processes may call it; the parent
        hands the result to :meth:`record`."""
        content = (
            hashlib.blake2b(data, digest_size=16).digest()
            if data is not None
            else _file_digest(copy_from)
        )
        old = self.previous.get(output)
        if (
            not self.full
            and old is not None
            and old.content == content
            and self._intact(output, old)
        ):
            return OutputEntry(fingerprint, old.size, old.mtime_ns, content), False
        target = _inside(self.staging, output)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if data is not None:
                target.write_bytes(data)
            else:
                assert copy_from is not None
                shutil.copyfile(copy_from, target)
            info = target.stat()
        except OSError as exc:
            raise _fail(f"cannot write the output: {exc}") from None
        return OutputEntry(fingerprint, info.st_size, info.st_mtime_ns, content), True

    def record(self, output: str, entry: OutputEntry, staged: bool) -> None:
        self.entries[output] = entry
        if staged:
            self.staged.append(output)
            self.bytes += entry.size

    def put(
        self, output: str, fingerprint: bytes, data: bytes | None, copy_from: Path | None = None
    ) -> None:
        self.record(output, *self.stage(output, fingerprint, data, copy_from))

    def commit(self) -> WriteResult:
        """Make the staged files the output; return how many files and bytes were written."""
        try:
            if self.full:
                self._swap()
            else:
                deletes = sorted(set(self.previous) - set(self.entries))
                if self.staged or deletes:
                    journal = {"moves": self.staged, "deletes": deletes}
                    (self.staging / COMMIT).write_text(json.dumps(journal), encoding="utf-8")
                    _apply(self.staging, self.out, self.staged, deletes)
        except OSError as exc:
            raise _fail(f"cannot write the output: {exc}") from None
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)
        return WriteResult(len(self.staged), self.bytes)

    def _swap(self) -> None:
        retired = self.out.parent / f".{self.out.name}.{os.getpid()}.old-tmp"
        try:
            if self.out.exists():
                os.rename(self.out, retired)
            os.rename(self.staging, self.out)
        except OSError:
            if retired.exists() and not self.out.exists():
                os.rename(retired, self.out)
            raise
        shutil.rmtree(retired, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _file_digest(path: Path | None) -> bytes:
    assert path is not None
    h = hashlib.blake2b(digest_size=16)
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            h.update(chunk)
    return h.digest()

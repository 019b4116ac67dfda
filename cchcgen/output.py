"""Write the rendered site into the output folder, never outside it, losing nothing.

Files are first written into a hidden staging folder beside the output folder; the
output changes only when every file of the build was written (see :class:`SiteWriter`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .cache import OutputEntry
from .errors import Collector, OutputError
from .messages import _
from .outstore import OutputStore, file_digest, in_folder, make_parent, write_file
from .urls import UnsafePath, safe_relative

MARKER = ".cchcgen-output"
"""Kept in every output folder cchcgen writes, naming the site it belongs to: only such
a folder (or an empty one) is ever replaced."""
_LEGACY = ("_nginx.conf", b"# cchcgen: ")
"""How the output of a cchcgen from before the marker begins its server configuration."""


@dataclass(frozen=True, slots=True)
class WriteResult:
    files: int
    bytes: int


def _fail(message: str, hint: str | None = None, path: str = "--output") -> OutputError:
    diags = Collector()
    diags.error(path, None, None, message, hint)
    return OutputError(diags.items)


def site_identity(source: Path) -> str:
    """A digest of the site folder's absolute path: the marker names the site without
    publishing where it lives."""
    path = str(source.resolve()).encode("utf-8", "surrogateescape")
    return hashlib.blake2b(path, digest_size=12).hexdigest()


def marker(source: Path) -> bytes:
    """The bytes of :data:`MARKER` for this site; the same for every build of it."""
    return (json.dumps({"generator": "cchcgen", "site": site_identity(source)}) + "\n").encode()


def _owner(out: Path) -> str | None:
    """The site a folder's marker names; "" for cchcgen output older than the marker;
    None when cchcgen did not write the folder."""
    try:
        found = json.loads((out / MARKER).read_bytes())
        if isinstance(found, dict) and found.get("generator") == "cchcgen":
            return str(found.get("site", ""))
    except (OSError, ValueError):
        pass
    name, start = _LEGACY
    try:
        with (out / name).open("rb") as stream:
            return "" if stream.read(len(start)) == start else None
    except OSError:
        return None


def check_output_dir(output: Path, source: Path) -> None:
    """Refuse output folders whose replacement would destroy something of the editor's.

    The output may be new, empty, or a folder cchcgen wrote for this same site."""
    try:
        out = output.resolve()
    except (OSError, RuntimeError) as exc:
        raise _fail(
            _("cannot use {output} as the output folder: {reason}").format(
                output=output, reason=exc
            )
        ) from None
    src = source.resolve()
    if out == src or src.is_relative_to(out):
        raise _fail(
            _("the output folder {output} contains the site itself").format(output=output),
            _("use a separate folder such as public/"),
        )
    for protected in ("content", "layouts"):
        if out.is_relative_to(src / protected):
            raise _fail(
                _("the output folder {output} is inside {folder}/").format(
                    output=output, folder=protected
                ),
                _("use a separate folder such as public/"),
            )
    for parent in out.parents:
        if parent.exists() and not parent.is_dir():
            raise _fail(
                _(
                    "cannot make the output folder {output}: {parent} is a file, not a folder"
                ).format(output=output, parent=parent),
                _("choose a folder such as public/"),
            )
    if out.exists() and not out.is_dir():
        raise _fail(
            _("{output} exists and is not a folder").format(output=output),
            _("give --output a folder, e.g. public/"),
        )
    if not out.is_dir() or not any(out.iterdir()):
        return
    owner = _owner(out)
    if owner is None:
        raise _fail(
            _("{output} holds files that cchcgen did not write").format(output=output),
            _(
                "cchcgen replaces the whole output folder: choose an empty or new folder, "
                "or move those files elsewhere"
            ),
        )
    if owner and owner != site_identity(source):
        raise _fail(
            _("{output} holds the output of another site").format(output=output),
            _(
                "choose another output folder; if this is the same site moved to another "
                "folder, delete the output folder and build again"
            ),
        )


COMMIT = ".cchcgen-commit"
"""Written into an incremental staging folder once every changed file is in it."""


def _leftovers(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.*-tmp"))


def recover(out: Path) -> None:
    """Finish or undo what a killed build left beside the output folder. Called only
    while holding the output's build lock (:mod:`cchcgen.lock`), so that whatever is
    found was left by a build that has ended.

    If the output folder is missing (the build was killed between its two renames), a
    complete new tree is put in its place, or else the old one goes back. An in-place
    staging folder (``serve``) with its commit list is replayed. Anything else is removed.
    """
    if not out.exists():
        for ending in (".ready-tmp", ".old-tmp"):
            found = [p for p in _leftovers(out) if p.name.endswith(ending)]
            if found:
                os.rename(found[-1], out)
                break
    for leftover in _leftovers(out):
        journal = leftover / COMMIT
        if leftover.name.endswith(".inc-tmp") and journal.is_file() and out.is_dir():
            try:
                plan = json.loads(journal.read_text(encoding="utf-8"))
                _apply(leftover, out, plan["moves"], plan["deletes"])
            except (OSError, ValueError, KeyError):
                pass
        shutil.rmtree(leftover, ignore_errors=True)


def _checked(rel: str) -> str:
    """``rel`` normalised, or the error that refuses to write it."""
    try:
        return safe_relative(rel)
    except UnsafePath as exc:
        raise _fail(
            _("refusing to write {path}: {reason}").format(path=repr(rel), reason=exc)
        ) from None


def _inside(folder: Path, rel: str) -> Path:
    rel = _checked(rel)
    path = folder.joinpath(*rel.split("/"))
    if not path.resolve().is_relative_to(folder.resolve()):
        raise _fail(
            _("refusing to write {path}: it leaves the output folder").format(path=repr(rel))
        )
    return path


def _staged(staging: Path, rel: str) -> Path:
    """Where ``rel`` goes in a staging folder. The folder is this build's own, new and
    holding only regular files it wrote, so no link can lead out of it: a path checked
    by :func:`safe_relative` stays inside without asking the file system (as
    :func:`_inside` does, for the output folder)."""
    return Path(_staged_name(staging, rel))


def _staged_name(staging: Path, rel: str) -> str:
    """:func:`_staged` as a string (the store links 20,000 files: no Path for each)."""
    return f"{staging}{os.sep}{_checked(rel)}"


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
    folder) the whole tree is written into a staging folder. Otherwise only files whose
    bytes change are written there (see :meth:`commit`). Until :meth:`commit`, the output
    folder is not touched, so a failed build loses nothing.
    """

    def __init__(
        self,
        output: Path,
        source: Path,
        previous: Mapping[str, OutputEntry] | None,
        in_place: bool = False,
        store: OutputStore | None = None,
        stored: Mapping[str, OutputEntry] | None = None,
    ) -> None:
        """``previous``: the manifest of the output folder's last build; ``store`` and
        ``stored``: the files of the last build in the cache, and their manifest (of
        whatever folder it was written to), to take files from instead of rendering."""
        check_output_dir(output, source)
        self.out = output.resolve()
        self.marker = marker(source)
        self.out.parent.mkdir(parents=True, exist_ok=True)
        recover(self.out)
        self.full = previous is None or not self.out.is_dir()
        self.in_place = in_place
        self.previous: Mapping[str, OutputEntry] = {} if previous is None else previous
        self.store = store
        self.stored: Mapping[str, OutputEntry] = stored or {}
        self.staging = self.work_folder("new" if self.full else "inc")
        self.entries: dict[str, OutputEntry] = {}
        self.staged: list[str] = []
        self._staged_set: set[str] = set()
        self._folders: set[str] = set()
        """Folders made in the staging folder (by this process)."""
        self.bytes = 0
        try:
            self.staging.mkdir()
        except OSError as exc:
            raise _fail(_("cannot write the output: {reason}").format(reason=exc)) from None

    def work_folder(self, kind: str) -> Path:
        """A hidden folder of this build beside the output (not made here): whatever a
        killed build leaves in it, the next build removes (:func:`recover`)."""
        return self.out.parent / f".{self.out.name}.{os.getpid()}.{kind}-tmp"

    def fresh(self, output: str, fingerprint: bytes, keep: bool = True) -> bool:
        """True when the last build made the file from the same inputs and it is still
        there as that build wrote it, or (unless ``keep`` is False) the cache's store has
        it; the file is then kept unless ``keep`` is False."""
        done = self.entries.get(output)
        if done is not None and done.fingerprint == fingerprint:
            return True  # already taken from the store
        old = self.previous.get(output)
        if (
            not self.full
            and old is not None
            and old.fingerprint == fingerprint
            and self._intact(output, old)
        ):
            if keep:
                self.entries[output] = old
            return True
        return keep and self._restore(output, fingerprint)

    def _restore(self, output: str, fingerprint: bytes) -> bool:
        """Stage the file the store keeps for ``output``, if made from the same inputs."""
        entry = self.stored.get(output)
        if self.store is None or entry is None or entry.fingerprint != fingerprint:
            return False
        target = _staged_name(self.staging, output)
        if output in self._staged_set:  # staged earlier in this build
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
        info = self.store.take(entry, target)
        if info is None:
            return False
        self.record(
            output, OutputEntry(fingerprint, info.st_size, info.st_mtime_ns, entry.content), True
        )
        return True

    def restore_all(self, files: Mapping[str, bytes]) -> bool:
        """Stage every one of ``files`` (output → fingerprint) from the store, or none."""
        taken: list[str] = []
        for output, fingerprint in files.items():
            if not self.fresh(output, fingerprint):
                self.drop(taken)
                return False
            taken.append(output)
        return True

    def drop(self, outputs: Sequence[str]) -> None:
        """Forget files staged or kept: they are not part of this build after all."""
        for output in outputs:
            entry = self.entries.pop(output, None)
            if output in self._staged_set:
                self._staged_set.discard(output)
                self.staged.remove(output)
                self.bytes -= entry.size if entry is not None else 0
                with contextlib.suppress(OSError):
                    _staged(self.staging, output).unlink()

    def _make_folder(self, target: str) -> None:
        """Make the folder of a staged file, once per folder (a page's folder holds its QR
        files too)."""
        make_parent(target, self._folders)

    def _in_output(self, output: str) -> str:
        """The path of ``output`` (a path under the output folder, with "/") in it; a
        string, not a Path: this is done for each of tens of thousands of files."""
        return in_folder(self.out, output)

    def _intact(self, output: str, old: OutputEntry) -> bool:
        try:
            info = os.stat(self._in_output(output))
        except OSError:
            return False
        return (info.st_size, info.st_mtime_ns) == (old.size, old.mtime_ns)

    def stage(
        self,
        output: str,
        fingerprint: bytes,
        data: bytes | None,
        copy_from: Path | None = None,
        move: bool = False,
    ) -> tuple[OutputEntry, bool]:
        """Put one file in the staging folder unless the output already has these bytes;
        with ``move``, the file ``copy_from`` is moved there rather than copied (it is a
        working file, beside the output, that nothing needs afterwards).

        Pure apart from the file it writes, so worker processes may call it; the parent
        hands the result to :meth:`record`."""
        if data is not None:
            content = hashlib.blake2b(data, digest_size=16).digest()
        else:
            assert copy_from is not None
            content = file_digest(copy_from)
        old = self.previous.get(output)
        if (
            not self.full
            and old is not None
            and old.content == content
            and self._intact(output, old)
        ):
            return OutputEntry(fingerprint, old.size, old.mtime_ns, content), False
        target = _staged_name(self.staging, output)
        try:
            self._make_folder(target)
            if output in self.stored:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(target)  # staged before from the store: a link, never written into
            if data is not None:
                info = write_file(target, data)
            else:
                assert copy_from is not None
                _copy(copy_from, target, move)
                info = os.stat(target)
        except OSError as exc:
            raise _fail(_("cannot write the output: {reason}").format(reason=exc)) from None
        return OutputEntry(fingerprint, info.st_size, info.st_mtime_ns, content), True

    def record(self, output: str, entry: OutputEntry, staged: bool) -> None:
        before = self.entries.get(output)
        self.entries[output] = entry
        if staged:
            if output in self._staged_set:  # staged again: counted once
                self.bytes -= before.size if before is not None else 0
            else:
                self._staged_set.add(output)
                self.staged.append(output)
            self.bytes += entry.size

    def put(
        self, output: str, fingerprint: bytes, data: bytes | None, copy_from: Path | None = None
    ) -> None:
        self.record(output, *self.stage(output, fingerprint, data, copy_from))

    def move_in(self, output: str, fingerprint: bytes, made: Path) -> None:
        """:meth:`put` a working file that nothing needs afterwards: moved, not copied."""
        self.record(output, *self.stage(output, fingerprint, None, made, move=True))

    def commit(self) -> WriteResult:
        """Make the staged files the output; return how many files and bytes were written.

        The output folder is replaced by a complete new tree with two renames: the unchanged
        files are hard links into the old tree (copies where links are not possible), so
        they are not written again. A killed build leaves the old tree or the new one, and
        :func:`recover` tidies up. With ``in_place`` (``serve``) the changed files replace
        the old ones one by one instead, after a commit list that :func:`recover` replays.
        """
        try:
            deletes = [] if self.full else sorted(set(self.previous) - set(self.entries))
            if self.full:
                self._stage_marker()
                self._swap()
            elif (self.staged or deletes) and self.in_place:
                journal = {"moves": self.staged, "deletes": deletes}
                (self.staging / COMMIT).write_text(json.dumps(journal), encoding="utf-8")
                _apply(self.staging, self.out, self.staged, deletes)
            elif self.staged or deletes:
                self._link_unchanged()
                self._stage_marker()
                self._swap()
            elif not self._marked():  # the output of a cchcgen from before the marker
                self._stage_marker()
                os.replace(self.staging / MARKER, self.out / MARKER)
        except OSError as exc:
            raise _fail(_("cannot write the output: {reason}").format(reason=exc)) from None
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)
        return WriteResult(len(self.staged), self.bytes)

    def _marked(self) -> bool:
        """Does the output folder carry this site's marker?"""
        try:
            return (self.out / MARKER).read_bytes() == self.marker
        except OSError:
            return False

    def _stage_marker(self) -> None:
        """Put the marker in the staging folder: a link to the output's when it is the
        same (an unchanged file keeps its time), else written, and counted, anew."""
        staged = self.staging / MARKER
        if not self.full and self._marked():
            with contextlib.suppress(OSError):
                os.link(self.out / MARKER, staged)
                return
        staged.write_bytes(self.marker)
        self.staged.append(MARKER)
        self.bytes += len(self.marker)

    def _link_unchanged(self) -> None:
        staged = self._staged_set
        for output in self.entries:
            if output in staged:
                continue
            source = self._in_output(output)
            target = _staged_name(self.staging, output)
            self._make_folder(target)
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)  # keeps the time the manifest checks

    def _swap(self) -> None:
        ready = self.out.parent / f".{self.out.name}.{os.getpid()}.ready-tmp"
        retired = self.out.parent / f".{self.out.name}.{os.getpid()}.old-tmp"
        os.rename(self.staging, ready)  # complete: from here on, recover() rolls forward
        if self.out.exists() and _exchange(ready, self.out):
            shutil.rmtree(ready, ignore_errors=True)  # now the old tree
            return
        try:
            if self.out.exists():
                os.rename(self.out, retired)
            os.rename(ready, self.out)
        except OSError:
            if retired.exists() and not self.out.exists():
                os.rename(retired, self.out)
            shutil.rmtree(ready, ignore_errors=True)
            raise
        shutil.rmtree(retired, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def _copy(source: Path, target: str, move: bool) -> None:
    """Copy ``source`` to ``target``, or with ``move`` rename it there (a copy where the
    two are on different file systems)."""
    if move:
        try:
            os.replace(source, target)
            return
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
    shutil.copyfile(source, target)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``), so that
    the output folder is never missing; False where the system or file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_cwd, exchange = -100, 2
    done = renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), exchange)
    return bool(done == 0)


def patch(out: Path, files: Mapping[str, bytes], known: dict[str, OutputEntry]) -> WriteResult:
    """Replace files of a built output one by one, each atomically (``serve``'s edits in
    memory), skipping those whose bytes are already there. ``known`` (the manifest of the
    output) records each with an empty fingerprint, so that the next build renders it
    again rather than trust what it was made from."""
    written = size = 0
    for output, data in files.items():
        digest = hashlib.blake2b(data, digest_size=16).digest()
        path = _inside(out, output)
        old = known.get(output)
        if old is not None and old.content == digest:
            with contextlib.suppress(OSError):
                info = path.stat()
                if (info.st_size, info.st_mtime_ns) == (old.size, old.mtime_ns):
                    continue
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(data)
            os.replace(temporary, path)
            info = path.stat()
        except OSError as exc:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise _fail(_("cannot write the output: {reason}").format(reason=exc)) from None
        known[output] = OutputEntry(b"", info.st_size, info.st_mtime_ns, digest)
        written, size = written + 1, size + len(data)
    return WriteResult(written, size)

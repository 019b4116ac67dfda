"""One build of an output folder at a time.

A build that writes holds an exclusive lock on ``.<output>.lock`` beside the output folder
(where its staging folders go too), from reading the last build's cache to saving the
next one. The system releases the lock when the process ends, however it ends, so a
killed build never blocks the next. The file holds the owner's process id, to say who
is building. ``serve`` holds the lock only while it rebuilds.

Holding is re-entrant within a process: the command line takes the lock around the
whole build and :func:`cchcgen.build.build_site` takes it again for API callers.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import Collector, OutputError
from .messages import _

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

_PID_OFFSET = 16
"""Where the owner's process id is written; on Windows the locked byte is byte 0, which
others cannot read while it is locked."""

_held: dict[str, int] = {}
"""Locks this process holds, by path, with how many times each was taken."""


class Busy(Exception):
    """Another process holds the lock."""


def lock_path(output: Path) -> Path:
    out = output.resolve()
    return out.parent / f".{out.name}.lock"


def owner(path: Path) -> int | None:
    """The process id written by the holder of the lock file, if it can be read."""
    try:
        with path.open("rb") as stream:
            stream.seek(_PID_OFFSET)
            return int(stream.read(20).split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _lock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    os.lseek(fd, 0, os.SEEK_SET)
    while True:  # LK_LOCK gives up after ten seconds
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
            return


def _write_pid(fd: int) -> None:
    os.ftruncate(fd, _PID_OFFSET)
    os.lseek(fd, _PID_OFFSET, os.SEEK_SET)
    os.write(fd, f"{os.getpid()}\n".encode())


def _error(message: str, hint: str) -> OutputError:
    diags = Collector()
    diags.error("--output", None, None, message, hint)
    return OutputError(diags.items)


def _busy(pid: int | None) -> OutputError:
    if pid:
        message = _("another build of this site is running (pid {pid})").format(pid=pid)
    else:
        message = _("another build of this site is running")
    return _error(message, _("wait until it has finished, or run without --no-wait to wait for it"))


@contextlib.contextmanager
def hold(
    output: Path, wait: bool = True, on_wait: Callable[[int | None], None] | None = None
) -> Iterator[None]:
    """Hold the output folder's build lock for the ``with`` block.

    When another process holds it: call ``on_wait(pid)`` and wait, or with ``wait=False``
    raise :class:`~cchcgen.errors.OutputError` naming that process."""
    path = lock_path(output)
    key = str(path)
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    fd = _acquire(path, wait, on_wait)
    _held[key] = 1
    try:
        yield
    finally:
        del _held[key]
        with contextlib.suppress(OSError):  # the holder removes it: no file is left behind
            os.unlink(path)
        os.close(fd)  # releases the lock


def _acquire(path: Path, wait: bool, on_wait: Callable[[int | None], None] | None) -> int:
    """Open and lock the lock file; return its descriptor. A holder removes the file as
    it finishes, so a lock taken on a file that is no longer at ``path`` is tried again."""
    told = False
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise _error(
                _("cannot make the build lock {path}: {reason}").format(
                    path=path, reason=exc.strerror
                ),
                _("check that the folder holding the output can be written"),
            ) from None
        try:
            if not _try_lock(fd):
                pid = owner(path)
                if not wait:
                    raise _busy(pid)
                if on_wait is not None and not told:
                    on_wait(pid)
                    told = True
                _lock(fd)
            if _same_file(fd, path):
                _write_pid(fd)
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        here, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)

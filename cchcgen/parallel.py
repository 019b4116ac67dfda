"""Run a function over many items in several processes, or one function beside this
process; the only module that forks.

Workers are forked, so they start with the parent's memory (the loaded site, the
compiled layouts) and only the results travel back. Where fork is not available, or
the work is small, everything runs in this process and the results are the same.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import os
import pickle
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

MIN_ITEMS = 64
"""Below this many items a pool costs more than it saves."""

_task: Callable[[int], Any] | None = None


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # another C library
        return None


def release_free_memory() -> None:
    """Give the memory this process freed back to the system, where the C library keeps
    it for itself (glibc does, for the many strings of the search records, say): the
    process would count it as its own until it ends, and so would every worker forked
    after. Does nothing where that cannot be asked."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _run(chunk: Sequence[int]) -> list[Any]:
    assert _task is not None
    return [_task(index) for index in chunk]


def map_indices(
    task: Callable[[int], Any],
    indices: Sequence[int],
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[Any]:
    """``[task(i) for i in indices]``, computed by up to ``jobs`` processes.

    ``progress(done, total)`` is called in this process as the work advances."""
    global _task
    total = len(indices)
    import multiprocessing  # here: a build answered by the quick check never forks

    forkable = "fork" in multiprocessing.get_all_start_methods()
    if jobs <= 1 or total < MIN_ITEMS or not forkable:
        results = []
        for done, index in enumerate(indices, 1):
            results.append(task(index))
            if progress is not None and (done % 100 == 0 or done == total):
                progress(done, total)
        return results
    # contiguous chunks, several per worker so that one slow chunk does not hold up the rest
    size = max(1, min(200, -(-total // (jobs * 4))))
    chunks = [indices[i : i + size] for i in range(0, total, size)]
    _task = task
    out: list[Any] = []
    # the objects made so far are the workers' too: frozen, no collection in a worker
    # touches them, so their memory pages stay shared with this process (not copied)
    gc.freeze()
    release_free_memory()
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for chunk in pool.imap(_run, chunks, chunksize=1):
                out.extend(chunk)
                if progress is not None:
                    progress(len(out), total)
    finally:
        _task = None
        gc.unfreeze()
    return out


def beside(task: Callable[[], Any], fork: bool = True) -> Callable[[bool], Any]:
    """Start ``task()`` in a forked process while this one goes on; return what waits for
    its result (``wanted=False``: stop it instead and return None). Without ``fork``,
    where fork is not available, or when the other process fails, ``task`` runs in this
    process when its result is wanted. Only for a process with no other threads (the
    quick check's)."""
    if not fork or not hasattr(os, "fork"):
        return lambda wanted: task() if wanted else None
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the other process: its result goes down the pipe; it runs nothing else
        code = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as stream:
                stream.write(pickle.dumps(task()))
            code = 0
        finally:
            os._exit(code)
    os.close(write)

    def result(wanted: bool) -> Any:
        data, status = b"", 1
        try:
            if wanted:
                with os.fdopen(read, "rb", closefd=False) as stream:
                    data = stream.read()
            else:
                os.kill(pid, signal.SIGKILL)
        finally:
            os.close(read)
            status = os.waitpid(pid, 0)[1]
        if not wanted:
            return None
        return pickle.loads(data) if os.waitstatus_to_exitcode(status) == 0 else task()

    return result

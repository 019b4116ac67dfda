"""Run a function over many items in several processes; the only module that forks.

Workers are forked, so they start with the parent's memory (the loaded site, the
compiled layouts) and only the results travel back. Where fork is not available, or
the work is small, everything runs in this process and the results are the same.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
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

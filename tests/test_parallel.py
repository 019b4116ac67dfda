"""parallel.map_indices: the results in order, whoever computed them."""

from __future__ import annotations

import os

from cchcgen import parallel


def test_results_come_back_in_order_and_this_process_takes_a_share() -> None:
    indices = list(range(300))
    seen: list[tuple[int, int]] = []

    def task(index: int) -> tuple[int, int]:
        return index * index, os.getpid()

    results = parallel.map_indices(task, indices, 2, lambda done, total: seen.append((done, total)))
    assert [square for square, _pid in results] == [i * i for i in indices]
    workers = {pid for _square, pid in results}
    assert os.getpid() in workers  # one fork less: this process works too
    assert len(workers) == 2
    assert seen[-1] == (300, 300)
    assert [done for done, _total in seen] == sorted(done for done, _total in seen)


def test_a_small_or_single_job_runs_here() -> None:
    results = parallel.map_indices(lambda i: (i, os.getpid()), list(range(10)), 2)
    assert results == [(i, os.getpid()) for i in range(10)]

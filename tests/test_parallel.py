"""parallel.beside: one function run in a forked process while this one goes on (the
quick check compares the output files there while it takes the inputs' signature)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from cchcgen import parallel

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is not available")


def test_the_result_comes_from_another_process() -> None:
    here = os.getpid()
    wait = parallel.beside(lambda: ("done", os.getpid()))
    said, there = wait(True)
    assert said == "done"
    assert there != here


def test_without_fork_the_function_runs_here_when_its_result_is_wanted() -> None:
    calls: list[int] = []
    wait = parallel.beside(lambda: calls.append(os.getpid()) or len(calls), fork=False)
    assert calls == []
    assert wait(True) == 1
    assert calls == [os.getpid()]
    unwanted = parallel.beside(lambda: calls.append(0), fork=False)
    assert unwanted(False) is None
    assert calls == [os.getpid()]


def test_a_result_not_wanted_stops_the_other_process(tmp_path: Path) -> None:
    started = tmp_path / "pid"

    def slow() -> str:
        started.write_text(str(os.getpid()))
        time.sleep(60)
        return "too late"

    wait = parallel.beside(slow)
    for _ in range(2000):  # until the other process has begun (at most ~20 s)
        if started.is_file() and started.read_text():
            break
        time.sleep(0.01)
    pid = int(started.read_text())
    assert wait(False) is None
    with pytest.raises(ProcessLookupError):  # stopped, and no zombie left behind
        os.kill(pid, 0)


def test_when_the_other_process_fails_the_function_runs_here() -> None:
    here = os.getpid()

    def only_here() -> int:
        if os.getpid() != here:
            os._exit(3)  # the other process dies without a result
        return here

    assert parallel.beside(only_here)(True) == here

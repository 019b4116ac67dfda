"""A build killed at any moment (SIGKILL) leaves the old tree or the new one, never a mix,
and the next build succeeds and gives the new tree."""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXED_EPOCH, SITES, run_cli

from cchcgen import cache


def _tree(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _edit(site: Path) -> None:
    """A change that touches many files: a new post and a new title for an old one."""
    post = site / "content/posts/2023/mot-cua.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(re.sub(r"^title: .*$", 'title: "Một cửa đổi tên"', text, count=1, flags=re.M),
                    encoding="utf-8")  # fmt: skip
    (site / "content/posts/2023/moi.md").write_text(
        '---\ntitle: "Bài mới sau khi sửa"\ndate: 01/12/2023\ntags: ["Một cửa"]\n---\nNội dung.\n',
        encoding="utf-8",
    )


@pytest.mark.parametrize("full", [False, True], ids=["incremental", "full"])
def test_a_killed_build_leaves_the_old_or_the_new_tree(tmp_path: Path, full: bool) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITES / "minimal", site, ignore=shutil.ignore_patterns("expected", "public"))
    out = site / "public"
    assert run_cli("build", "--source", str(site)).returncode == 0
    old = _tree(out)
    saved_out, saved_cache = tmp_path / "old-public", tmp_path / "old-cache"
    shutil.copytree(out, saved_out)  # copies keep their times, so the manifest still holds
    shutil.copytree(site / cache.DIRNAME, saved_cache)
    _edit(site)
    new_dir = tmp_path / "new"
    assert run_cli("build", "--source", str(site), "--output", str(new_dir)).returncode == 0
    new = _tree(new_dir)
    assert new != old

    env = dict(os.environ, SOURCE_DATE_EPOCH=FIXED_EPOCH)
    command = [sys.executable, "-m", "cchcgen", "build", "--source", str(site)]
    command += ["--full"] if full else []

    def restore() -> None:
        """The output and the cache of the build before the edit."""
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(saved_out, out)
        shutil.rmtree(site / cache.DIRNAME)
        shutil.copytree(saved_cache, site / cache.DIRNAME)

    restore()  # how long the build to be killed takes, run to its end once
    started = time.monotonic()
    assert subprocess.run(command, env=env, capture_output=True).returncode == 0
    length = time.monotonic() - started
    # Twelve kill times spread evenly from 0.3 to 1.4 times that length, in a random order:
    # the swap comes at the very end of a build, and a busy machine makes a build slower
    # than the one measured: with times drawn at random up to 1.1, all twelve kills of one
    # CI run landed before it.
    fractions = [0.3 + 0.1 * step for step in range(12)]
    random.Random(20261123).shuffle(fractions)
    seen = {"old": 0, "new": 0}
    for trial, fraction in enumerate(fractions):
        restore()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(fraction * length)
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = _tree(out)
        assert after in (old, new), f"trial {trial}: a mixed tree after a kill"
        seen["old" if after == old else "new"] += 1
        again = run_cli("build", "--source", str(site))
        assert again.returncode == 0, again.stderr
        assert _tree(out) == new, f"trial {trial}: the next build did not give the new tree"
        assert not list(site.glob(".public.*")), "a staging folder was left behind"
    assert seen["old"] and seen["new"], seen  # the kills landed before and after the swap


def _pagefind_running(folder: Path) -> bool:
    """Is Pagefind running on files under ``folder`` (its command line, in Linux's /proc)?"""
    for command in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            text = command.read_bytes()
            if b"pagefind" in text and str(folder).encode() in text:
                return True
    return False


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads Linux's /proc")
def test_a_build_killed_while_indexing_leaves_nothing_outside_the_output(tmp_path: Path) -> None:
    """Pagefind's working files lie beside the output, where the next build removes them,
    not in the system's temporary folder, which nothing would ever tidy."""
    site = tmp_path / "site"
    shutil.copytree(SITES / "minimal", site, ignore=shutil.ignore_patterns("expected", "public"))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = dict(os.environ, SOURCE_DATE_EPOCH=FIXED_EPOCH, TMPDIR=str(temporary))
    command = [sys.executable, "-m", "cchcgen", "build", "--source", str(site)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if _pagefind_running(tmp_path):
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the build ended before Pagefind was seen"
    while _pagefind_running(tmp_path):  # Pagefind, orphaned, finishes its shard
        time.sleep(0.05)
    assert not list(temporary.iterdir())
    assert list(site.glob(".public.*.search-tmp"))  # left by the killed build
    again = run_cli("build", "--source", str(site))
    assert again.returncode == 0, again.stderr
    assert not list(site.glob(".public.*")), "the next build left the killed one's folders"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "tmp"]

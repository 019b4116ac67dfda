"""Two builds of one site at once, and a build while ``serve`` runs.

Before the build lock, the second build's clean-up deleted the first build's staging
folder: the first then swapped in a tree missing hundreds of pages and exited 0. Here a
sampler lists the output folder while two builds overlap at several offsets; every tree
it sees must be complete."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import FIXED_EPOCH, SITES, run_cli
from test_serve import fetch, start_serving, stop_serving, wait_for

ENV = dict(os.environ, SOURCE_DATE_EPOCH=FIXED_EPOCH, PYTHONUNBUFFERED="1")


def _big_site(tmp_path: Path, posts: int = 100) -> Path:
    site = tmp_path / "site"
    shutil.copytree(SITES / "minimal", site, ignore=shutil.ignore_patterns("expected", "public"))
    for n in range(posts):  # enough pages for a build to take a while
        (site / "content/posts/2023" / f"so-{n}.md").write_text(
            f'---\ntitle: "Tin số {n}"\ndate: {1 + n % 28:02d}/{1 + n % 12:02d}/2023\n'
            f'tags: ["Chủ đề {n % 5}"]\n---\nNội dung số {n}.\n',
            encoding="utf-8",
        )
    return site


def _files(folder: Path) -> frozenset[str]:
    found = set()
    for dirpath, _dirs, names in os.walk(folder):
        found.update(os.path.relpath(os.path.join(dirpath, n), folder) for n in names)
    return frozenset(found)


STABLE_INDEX = {
    "pagefind/shards.json",
    "pagefind/all/pagefind.js",
    "pagefind/all/pagefind-entry.json",
}
"""The search index's files whose names do not change with the text indexed."""


def _pages(folder: Path) -> frozenset[str]:
    """The output's files but the search index's, whose names are hashes of their content."""
    return frozenset(
        f for f in _files(folder) if not f.startswith("pagefind/") or f in STABLE_INDEX
    )


class Sampler(threading.Thread):
    """Lists the output folder over and over; remembers every incomplete tree it saw."""

    def __init__(self, folder: Path, expected: frozenset[str]) -> None:
        super().__init__(daemon=True)
        self.folder, self.expected = folder, expected
        self.stop = threading.Event()
        self.samples = 0
        self.incomplete: list[int] = []

    def run(self) -> None:
        while not self.stop.is_set():
            seen = _pages(self.folder)
            # a walk that crossed the swap may see a folder of either tree: the sets are equal
            if seen != self.expected:
                self.incomplete.append(len(seen & self.expected))
            self.samples += 1


def _start(site: Path, *flags: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cchcgen", "build", "--source", str(site), *flags],
        env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("first", "second"),
    [(("--full",), ("--full",)), ((), ("--full",)), (("--full",), ())],
    ids=["full+full", "incremental+full", "full+incremental"],
)
def test_two_builds_at_once_never_show_an_incomplete_site(
    tmp_path: Path, first: tuple[str, ...], second: tuple[str, ...]
) -> None:
    site = _big_site(tmp_path)
    started = time.monotonic()
    assert run_cli("build", "--full", "--source", str(site)).returncode == 0
    length = time.monotonic() - started
    out = site / "public"
    expected = _pages(out)
    assert expected >= STABLE_INDEX
    post = site / "content/posts/2023/so-7.md"
    waited = 0
    for trial, offset in enumerate((0.0, 0.5)):
        # an edit gives an incremental build something to do
        post.write_text(post.read_text(encoding="utf-8").replace("Nội dung", "Nội dung mới"),
                        encoding="utf-8")  # fmt: skip
        sampler = Sampler(out, expected)
        sampler.start()
        one = _start(site, *first)
        time.sleep(offset * length)
        two = _start(site, *second)
        results = [process.communicate(timeout=180) for process in (one, two)]
        sampler.stop.set()
        sampler.join()
        for process, (_out, err) in zip((one, two), results, strict=True):
            assert process.returncode == 0, f"trial {trial}: {err}"
            assert "Traceback" not in err
        # they overlapped when either waited for the other (the second may take the lock
        # first: the first is quick when it only has an edit to build)
        waited += any("Another build of this site is running (pid " in err for _o, err in results)
        assert sampler.samples > 10
        assert not sampler.incomplete, (
            f"trial {trial}: the sampler saw incomplete trees of {sampler.incomplete[:5]} "
            f"of {len(expected)} files"
        )
        assert _pages(out) == expected
        assert not [p for p in site.iterdir() if p.name.startswith(".public.")]
        page = (out / "tin-tuc/so-7/index.html").read_text(encoding="utf-8")
        assert "Nội dung mới" in page
    assert waited, "the builds never overlapped: the test did not test anything"


def test_no_wait_fails_at_once_naming_the_running_build(tmp_path: Path) -> None:
    site = _big_site(tmp_path)
    one = _start(site, "--full")
    deadline = time.monotonic() + 60
    while not (site / ".public.lock").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    two = run_cli("build", "--no-wait", "--source", str(site))
    one.communicate(timeout=180)
    assert one.returncode == 0
    assert two.returncode == 1
    assert re.fullmatch(
        r"--output:1:1: error: another build of this site is running \(pid \d+\)\n"
        r"  hint: wait until it has finished, or run without --no-wait to wait for it\n"
        r"Build failed: 1 error\(s\), 0 warning\(s\)\.\n",
        two.stderr,
    ), two.stderr
    assert not (site / ".public.lock").exists()  # the holder removes it when it ends


def test_a_build_while_serve_runs_keeps_serves_search_index(tmp_path: Path) -> None:
    """serve's next rebuild used to delete public/pagefind/ after a `cchcgen build`."""
    site = tmp_path / "site"
    shutil.copytree(SITES / "minimal", site, ignore=shutil.ignore_patterns("expected", "public"))
    process, url, _lines = start_serving(
        "-m", "cchcgen", "serve", "--source", str(site), "--port", "0"
    )
    try:
        assert (site / "public/pagefind/all/pagefind.js").is_file()

        post = site / "content/posts/2022/papi.md"
        text = post.read_text(encoding="utf-8")
        post.write_text(text.replace("tuyên truyền", "tuyên truyền rộng rãi", 1), encoding="utf-8")
        built = run_cli("build", "--source", str(site))
        assert built.returncode == 0, built.stderr
        index = {f for f in _files(site / "public") if f.startswith("pagefind/")}
        assert "pagefind/all/pagefind.js" in index
        post.write_text(text.replace("tuyên truyền", "tuyên truyền sâu rộng", 1), encoding="utf-8")
        assert wait_for(lambda: "sâu rộng" in fetch(url + "tin-tuc/papi/")[1], timeout=30)

        # serve kept the index the build made (it indexes again on its next start)
        now = _files(site / "public")
        assert {f for f in now if f.startswith("pagefind/")} == index
        assert fetch(url + "pagefind/all/pagefind.js")[0] == 200
        clean = tmp_path / "clean"
        assert run_cli("build", "--source", str(site), "--output", str(clean)).returncode == 0
        pages = {f for f in _files(clean) if not f.startswith("pagefind/")}
        assert {f for f in now if not f.startswith("pagefind/")} == pages
    finally:
        stop_serving(process)

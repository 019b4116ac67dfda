"""The benchmark's figures (bench/bench.py): one row per tool from its rounds, and what it
reads from the builds' summary lines."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cchcgen_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def row(wall: str, cpu: str, peak: str) -> dict[str, str]:
    return {
        "tool": "cchcgen", "N": "5000", "runs": "1", "wall_med_s": wall, "cpu_med_s": cpu,
        "peak_med_MiB": peak, "pages_per_s": "-", "wall_min_s": wall, "wall_max_s": wall,
    }  # fmt: skip


def test_a_tools_figures_are_the_medians_of_its_rounds() -> None:
    bench = load_bench()
    rounds = [row("20.0", "31.0", "300"), row("26.5", "35.5", "310"), row("19.0", "30.0", "290")]
    combined = bench.combined_row("cchcgen, search off", rounds)
    assert combined["tool"] == "cchcgen, search off"
    assert combined["runs"] == "3"
    assert (combined["wall_med_s"], combined["cpu_med_s"]) == ("20.000", "31.000")
    assert combined["peak_med_MiB"] == "300"
    assert (combined["wall_min_s"], combined["wall_max_s"]) == ("19.000", "26.500")
    assert combined["pages_per_s"] == "250"


def test_a_round_without_a_figure_is_left_out_of_its_median() -> None:
    bench = load_bench()
    rounds = [row("10.0", "12.0", "100"), row("12.0", "", "100"), row("14.0", "16.0", "100")]
    assert bench.combined_row("hugo", rounds)["cpu_med_s"] == "14.000"


def test_an_edit_builds_search_work_is_read_from_its_summary_line() -> None:
    """Step g's figure: what the build says the search index cost it."""
    bench = load_bench()

    def run(stdout: str) -> object:
        return bench.Run(["cchcgen"], 9.5, 9.0, 200.0, 0, stdout, "")

    said = "Built 9588 pages, 3 files in 9.41 s → public; search index: 1 part(s) made again, "
    assert run(said + "1.23 s (2 warning(s))\n").search_seconds == 1.23
    assert run(said + "0.87 s\n").search_seconds == 0.87
    assert run("Built 9588 pages, 3 files in 9.41 s → public\n").search_seconds is None


def test_the_least_wall_time_is_the_cpu_spent_over_the_cores() -> None:
    """Beside target 2's wall ratio, the bound the same run's CPU figures set on it."""
    bench = load_bench()
    rows = {
        "refpipe-j1": row("18.0", "18.0", "150"),
        "pelican": row("32.0", "31.0", "200"),
        bench.SEARCH_ON: row("19.0", "34.0", "300"),
        bench.SEARCH_OFF: row("12.0", "22.0", "250"),
    }
    report = bench.Report(args=None)
    bench.wall_floor(rows, report, 2)
    said = {figure.step: figure.value for figure in report.figures}
    own = said["j. least wall time on 2 core(s) with none idle, cchcgen, search on"]
    assert own.startswith("17.00 s = 0.53× Pelican's wall (its CPU 34.00 s")
    plain = said[
        "j. least wall time on 2 core(s) with none idle, refpipe -j1 plus the search index"
    ]
    assert plain.startswith("15.00 s = 0.47× Pelican's wall")
    assert "refpipe -j1's CPU 18.00 s + the index's 12.00 s" in plain
    del rows["pelican"]
    report = bench.Report(args=None)
    bench.wall_floor(rows, report, 2)
    assert report.figures == []


def test_the_qr_work_of_a_build_that_renders_every_page_is_read_from_its_summary(
    tmp_path: Path,
) -> None:
    """Target 5's row: step m changes the site's title, takes the QR figures the build
    prints and puts site.yaml back; a figure above 1 s, or an address encoded again
    (the cache not used), is a miss."""
    bench = load_bench()
    config = tmp_path / "site.yaml"
    config.write_text('title: "Chuyên mục"\nbase_url: "https://x.gov.vn/"\n', encoding="utf-8")
    args = argparse.Namespace(posts=5000, plans=200, procedures=2000, memory_posts=10000)

    def step(qr: str) -> tuple[object, list[str]]:
        titles: list[str] = []

        class Site(bench.Site):  # type: ignore[name-defined,misc]
            def build(self, label: str) -> object:
                titles.append(config.read_text(encoding="utf-8").splitlines()[0])
                said = "Built 12048 pages, 12070 files in 20.15 s → public"
                said += qr if label == "site title changed" else ""
                return bench.Run(["cchcgen"], 20.2, 30.0, 300.0, 0, said + "\n", "")

        report = bench.Report(args=args, targets=bench.summary_targets(args))
        bench.qr_step(Site(tmp_path), (20668, 7200, 4.5), report)
        return report.targets["qr"], titles

    row, titles = step("; QR codes: 11268 drawn, 0 encoded, 0.84 s")
    assert titles == ['title: "Chuyên mục (bench)"', 'title: "Chuyên mục"']
    assert config.read_text(encoding="utf-8").startswith('title: "Chuyên mục"\n')
    assert row.verdict == "PASS"
    assert (
        row.ours == "0.84 s (11268 drawn, 0 encoded; cold build: 20668 drawn, 7200 encoded, 4.50 s)"
    )
    assert step("; QR codes: 11268 drawn, 0 encoded, 1.62 s")[0].verdict == "MISS"
    assert step("; QR codes: 11268 drawn, 7200 encoded, 0.95 s")[0].verdict == "MISS"
    assert step("")[0].verdict == "not measured (the build drew no QR code)"

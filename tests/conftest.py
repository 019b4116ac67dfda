"""Shared fixtures: fixture sites, a fixed "now", builds through the API and the CLI."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from cchcgen.build import BuildOptions, BuildResult, build_site

# No time limit per example: a slow example on a busy machine is not a failure (speed is
# measured by `make bench`, never by the tests).
settings.register_profile("cchcgen", deadline=None)
settings.load_profile("cchcgen")

TESTS = Path(__file__).parent
SITES = TESTS / "sites"
REPO = TESTS.parent
FIXED_NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
FIXED_EPOCH = str(int(FIXED_NOW.timestamp()))


def pytest_configure(config: pytest.Config) -> None:
    """The tests read cchcgen's messages in English unless they ask for Vietnamese
    (``--lang vi``); every process they start inherits this."""
    os.environ["CCHCGEN_LANG"] = "en"
    from cchcgen import messages

    messages.use("en")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/sites/*/expected from the current output",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def build(source: Path, output: Path | None = None, **options: object) -> BuildResult:
    """Build through the API with the fixed "now" unless the test gives one."""
    options.setdefault("now", FIXED_NOW)
    return build_site(BuildOptions(source=source, output=output or source / "public", **options))  # type: ignore[arg-type]


def run_cli(
    *args: str,
    cwd: Path | None = None,
    epoch: str | None = FIXED_EPOCH,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m cchcgen`` as an editor would."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    return subprocess.run(
        [sys.executable, "-m", "cchcgen", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def copy_site(tmp_path: Path) -> Callable[[str], Path]:
    """Copy ``tests/sites/<name>`` into a temporary folder (without its expected output)."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(SITES / name, target, ignore=shutil.ignore_patterns("expected", "public"))
        return target

    return copy


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Write a site from a {path: text} mapping; site.yaml gets a default unless given."""

    def make(files: dict[str, str]) -> Path:
        root = tmp_path / "site"
        files = {"site.yaml": DEFAULT_SITE_YAML, **files}
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root

    return make


DEFAULT_SITE_YAML = """\
title: "Chuyên mục thử"
base_url: "https://example.gov.vn/"
agency:
  name: "Ủy ban nhân dân xã Thử"
"""


def make_real(site: Path) -> None:
    """Delete the ``sample: true`` lines of a ``cchcgen init`` site, as an editor does once
    the sample files hold the agency's own content."""
    for path in sorted((site / "content").rglob("*")):
        if path.suffix not in (".md", ".yaml") or not path.is_file():
            continue
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in lines if not line.startswith("sample:")]
        if kept != lines:
            path.write_text("".join(kept), encoding="utf-8")


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by '/'-separated relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def compare_trees(actual: Path, expected: Path) -> list[str]:
    """Differences between two trees, as readable lines (empty when equal)."""
    got, want = tree(actual), tree(expected)
    problems = [f"missing: {p}" for p in sorted(want.keys() - got.keys())]
    problems += [f"unexpected: {p}" for p in sorted(got.keys() - want.keys())]
    for path in sorted(got.keys() & want.keys()):
        if got[path] != want[path]:
            diff = difflib.unified_diff(
                want[path].decode("utf-8", "replace").splitlines(),
                got[path].decode("utf-8", "replace").splitlines(),
                f"expected/{path}",
                f"actual/{path}",
                lineterm="",
                n=2,
            )
            problems.append("\n".join(list(diff)[:40]))
    return problems

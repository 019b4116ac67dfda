"""Broken fixture sites: each must fail with exactly the diagnostics in its expected.txt.

Every case starts from ``sites/invalid/_base`` (a good site, built once so that a
previous output exists), lays its own files over it, and runs ``cchcgen build``
as an editor would. Regenerate expected.txt with ``--update-golden`` and review.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SITES, run_cli

INVALID = SITES / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir() and not p.name.startswith("_"))


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.mark.parametrize("case", CASES)
def test_broken_site_reports_file_line_and_message(
    case: str, tmp_path: Path, update_golden: bool
) -> None:
    site = tmp_path / "site"
    shutil.copytree(INVALID / "_base", site)
    good = run_cli("build", "--source", str(site))
    assert good.returncode == 0, good.stderr
    before = snapshot(site / "public")

    shutil.copytree(
        INVALID / case,
        site,
        dirs_exist_ok=True,
        symlinks=True,  # a case may hold a link that leads out of the site
        ignore=shutil.ignore_patterns("expected.txt"),
    )
    result = run_cli("build", "--source", str(site))

    expected_file = INVALID / case / "expected.txt"
    if update_golden:
        expected_file.write_text(result.stderr, encoding="utf-8")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr == expected_file.read_text(encoding="utf-8")
    assert snapshot(site / "public") == before  # the previous site is still there, unchanged

    check = run_cli("check", "--source", str(site))
    assert check.returncode == 1
    assert check.stderr == result.stderr


def test_a_file_of_several_megabytes_is_refused_with_its_size(tmp_path: Path) -> None:
    """Made here rather than kept in git: a 3 MB post pasted from a scanned document."""
    site = tmp_path / "site"
    shutil.copytree(INVALID / "_base", site)
    assert run_cli("build", "--source", str(site)).returncode == 0
    before = snapshot(site / "public")
    body = ("Đoạn văn dài về cải cách hành chính. " * 60 + "\n\n") * 1100
    (site / "content/posts/rat-dai.md").write_text(
        f'---\ntitle: "Bài rất dài"\ndate: 30/01/2023\n---\n{body}', encoding="utf-8"
    )
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr == (
        "content/posts/rat-dai.md:1:1: error: the file is 3 MB; the limit is 2 MB\n"
        "  hint: put large documents in content/static/ and link to them\n"
        "Build failed: 1 error(s), 0 warning(s).\n"
    )
    assert snapshot(site / "public") == before


def test_a_site_yaml_of_several_megabytes_is_refused_like_a_content_file(tmp_path: Path) -> None:
    """A description pasted from a whole document made every page carry it (1.1 GB of output)."""
    site = tmp_path / "site"
    shutil.copytree(INVALID / "_base", site)
    assert run_cli("build", "--source", str(site)).returncode == 0
    before = snapshot(site / "public")
    with (site / "site.yaml").open("a", encoding="utf-8") as stream:
        stream.write('description: "' + "Cải cách hành chính. " * 120_000 + '"\n')
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr == (
        "site.yaml:1:1: error: the file is 3 MB; the limit is 2 MB\n"
        "  hint: site.yaml holds the settings only; put long texts in content/pages/\n"
        "Build failed: 1 error(s), 0 warning(s).\n"
    )
    assert snapshot(site / "public") == before

"""Broken fixture sites: each must fail with exactly the diagnostics in its expected.txt
(Vietnamese, what an editor reads) and expected.en.txt (the same in English).

Every case starts from ``sites/invalid/_base`` (a good site, built once so that a
previous output exists), lays its own files over it, and runs ``cchcgen build``
as an editor would. Regenerate expected.txt with ``--update-golden`` and review.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import markdown
import pytest
from conftest import FIXED_EPOCH, SITES, build, run_cli

from cchcgen import markup
from cchcgen.errors import ContentError

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
        ignore=shutil.ignore_patterns("expected*.txt"),
    )
    result = run_cli("build", "--source", str(site))
    check = run_cli("--lang", "vi", "check", "--source", str(site))

    english, vietnamese = INVALID / case / "expected.en.txt", INVALID / case / "expected.txt"
    if update_golden:
        english.write_text(result.stderr, encoding="utf-8")
        vietnamese.write_text(check.stderr, encoding="utf-8")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr == english.read_text(encoding="utf-8")
    assert snapshot(site / "public") == before  # the previous site is still there, unchanged
    # `check` says the same as `build`, here in the editors' language
    assert check.returncode == 1
    assert check.stderr == vietnamese.read_text(encoding="utf-8")


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


def _cli(*args: str) -> int:
    """``cchcgen`` run in this process (so that a test can stand in for the system)."""
    from cchcgen.cli import main

    return main(list(args))


def _denied(monkeypatch: pytest.MonkeyPatch, *folders: Path) -> None:
    """Listing these folders fails as it does for a folder without read permission.
    (The tests run as root, whom ``chmod 000`` does not stop.)"""
    scandir = os.scandir
    refused = {str(folder) for folder in folders}

    def fake(path: Any = ".") -> Any:
        if os.fspath(path) in refused:
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", fake)


def test_an_unreadable_folder_is_an_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its posts and files are not dropped with success: the editor learns which folder."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    site = tmp_path / "site"
    shutil.copytree(INVALID / "_base", site)
    assert _cli("build", "--source", str(site)) == 0
    before = snapshot(site / "public")
    shutil.copytree(site / "content/posts", site / "content/posts/rieng")
    (site / "content/static/anh").mkdir(parents=True)
    (site / "content/static/anh/a.jpg").write_bytes(b"\xff\xd8")
    _denied(monkeypatch, site / "content/posts/rieng", site / "content/static/anh")
    capsys.readouterr()

    assert _cli("build", "--source", str(site)) == 1
    hint = "  hint: let the account that builds the site read it (chmod a+rX), or remove it\n"
    assert capsys.readouterr().err == (
        "content/posts/rieng:1:1: error: cannot read this folder: permission denied\n"
        + hint
        + "content/static/anh:1:1: error: cannot read this folder: permission denied\n"
        + hint
        + "Build failed: 2 error(s), 0 warning(s).\n"
    )
    assert snapshot(site / "public") == before


def test_the_quick_check_does_not_answer_for_a_folder_that_became_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unreadable folder is not the empty folder the last good build saw."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    site = tmp_path / "site"
    shutil.copytree(INVALID / "_base", site)
    (site / "content/posts/rieng").mkdir()
    old = time.time() - 60  # saved a while ago: the build may be remembered
    for path in [site, *site.rglob("*")]:
        os.utime(path, (old, old))
    assert _cli("build", "--source", str(site)) == 0
    pages = re.search(r"Built (\d+) pages", capsys.readouterr().out)
    assert pages
    assert _cli("build", "--source", str(site)) == 0
    assert f"Built {pages[1]} pages, 0 files" in capsys.readouterr().out  # the quick check
    _denied(monkeypatch, site / "content/posts/rieng")

    assert _cli("build", "--source", str(site)) == 1
    assert capsys.readouterr().err.startswith(
        "content/posts/rieng:1:1: error: cannot read this folder: permission denied\n"
    )


def _nest(folder: Path, depth: int) -> Path:
    """Folders inside each other whose path is longer than the system allows, made one
    at a time relative to the last (which the system permits); returns the deepest."""
    fd = os.open(folder, os.O_RDONLY)
    path = folder
    try:
        for level in range(depth):
            name = f"{level:02d}-" + "thu-muc-luu-tru-" * 15
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd, path = inner, path / name
        post = os.open("bai.md", os.O_WRONLY | os.O_CREAT, dir_fd=fd)
        os.write(post, b"---\ntitle: Bai\ndate: 30/01/2023\n---\nNoi dung.\n")
        os.close(post)
    finally:
        os.close(fd)
    return path


def test_a_path_longer_than_the_system_allows_is_an_error(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(INVALID / "_base", site)
    assert run_cli("build", "--source", str(site)).returncode == 0
    before = snapshot(site / "public")
    deepest = _nest(site / "content/posts", 20)
    assert len(os.fsencode(deepest)) > 4096

    result = run_cli("build", "--source", str(site))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    first, hint, summary = result.stderr.splitlines()
    where, message = first.split(":1:1: error: ")
    assert where.startswith("content/posts/00-thu-muc-luu-tru-thu-muc-luu-tru-")
    assert len(os.fsencode(site / where)) >= 4096 > len(os.fsencode((site / where).parent))
    assert message.startswith("this path is too long for the system (")
    assert hint == "  hint: use shorter folder and file names, or fewer folders inside each other"
    assert summary == "Build failed: 1 error(s), 0 warning(s)."
    assert snapshot(site / "public") == before


def test_a_link_to_a_folder_is_not_followed_and_says_so(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(INVALID / "_base", site)
    (site / "content/posts/chung").symlink_to(site / "content/pages")
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 0, result.stderr
    assert (
        "content/posts/chung:1:1: warning: this is a link to a folder; links to folders are "
        "not followed, so the files in it are not published\n"
        "  hint: move or copy the folder here instead of linking to it\n"
    ) in result.stderr


def test_markdown_the_checks_let_through_is_still_an_error_at_its_file(
    make_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python-Markdown's own RecursionError (or any fault) becomes a located error."""
    monkeypatch.setattr(markup, "MAX_EMPHASIS", 10**6)  # as if the check had missed it
    # the table of contents' marker makes Python-Markdown walk the nested marks recursively
    body = "Mở đầu.\n\n[TOC]\n\n" + "*" * 2000 + "Lưu ý" + "*" * 2000 + "\n"
    site = make_site({"content/posts/a.md": f"---\ntitle: Bài\ndate: 2023-01-30\n---\n{body}"})
    with pytest.raises(ContentError) as raised:
        build(site, tmp_path / "out")
    assert str(raised.value) == (
        "content/posts/a.md:5:1: error: Markdown cannot read this text: it is nested too "
        "deeply\n  hint: look for lists, quotations ('>') or * and _ marks put inside one "
        "another many times, and flatten them"
    )

    def broken(self: object, text: str) -> str:
        raise ValueError("unexpected")

    monkeypatch.setattr(markdown.Markdown, "convert", broken)
    (site / "content/posts/a.md").write_text("---\ntitle: Bài\ndate: 2023-01-30\n---\nA.\n")
    with pytest.raises(ContentError) as raised:
        build(site, tmp_path / "out")
    assert str(raised.value).startswith(
        "content/posts/a.md:5:1: error: Markdown cannot read this text (ValueError: unexpected)"
    )


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

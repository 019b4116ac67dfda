"""Only a folder cchcgen wrote for this site is ever replaced.

Every build leaves ``.cchcgen-output`` in the output folder, naming the site by a digest
of its folder. A folder without it, or with another site's, is refused before anything
is written, and keeps every file it holds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import run_cli

from cchcgen.output import MARKER, site_identity


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_folder_with_an_index_page_and_other_files_is_not_replaced(
    copy_site, tmp_path: Path
) -> None:
    """The reproduction: -o at a folder holding an index.html; doc.docx beside it was deleted."""
    site = copy_site("minimal")
    folder = tmp_path / "www"
    folder.mkdir()
    (folder / "index.html").write_text("<h1>Trang chủ của cơ quan</h1>", encoding="utf-8")
    (folder / "sitemap.xml").write_text("<urlset/>", encoding="utf-8")
    (folder / "doc.docx").write_bytes(b"PK\x03\x04 signed plan")
    before = _files(folder)

    result = run_cli("build", "--source", str(site), "--output", str(folder))

    assert result.returncode == 1
    assert result.stderr == (
        f"--output:1:1: error: {folder} holds files that cchcgen did not write\n"
        "  hint: cchcgen replaces the whole output folder: choose an empty or new folder, "
        "or move those files elsewhere\n"
        "Build failed: 1 error(s), 0 warning(s).\n"
    )
    assert _files(folder) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["minimal", "www"]  # nothing beside it


def test_a_build_marks_its_folder_with_the_site_and_replaces_it_next_time(
    copy_site, tmp_path: Path
) -> None:
    site = copy_site("minimal")
    out = tmp_path / "out"
    assert run_cli("build", "--source", str(site), "--output", str(out)).returncode == 0
    mark = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert mark == {"generator": "cchcgen", "site": site_identity(site)}
    assert str(site) not in (out / MARKER).read_text(encoding="utf-8")  # no path published
    (out / "stray.html").write_text("left from an old build", encoding="utf-8")
    again = run_cli("build", "--full", "--source", str(site), "--output", str(out))
    assert again.returncode == 0, again.stderr
    assert not (out / "stray.html").exists()


def test_another_sites_output_is_refused(copy_site, tmp_path: Path) -> None:
    first = copy_site("minimal")
    second = tmp_path / "other-site"
    shutil.copytree(first, second)
    out = tmp_path / "out"
    assert run_cli("build", "--source", str(first), "--output", str(out)).returncode == 0
    before = _files(out)

    result = run_cli("build", "--source", str(second), "--output", str(out))

    assert result.returncode == 1
    assert f"--output:1:1: error: {out} holds the output of another site\n" in result.stderr
    assert "delete the output folder and build again" in result.stderr
    assert _files(out) == before


def test_output_of_a_cchcgen_from_before_the_marker_is_still_used(
    copy_site, tmp_path: Path
) -> None:
    site = copy_site("minimal")
    out = tmp_path / "out"
    assert run_cli("build", "--source", str(site), "--output", str(out)).returncode == 0
    (out / MARKER).unlink()  # as an earlier release left it: its _nginx.conf names cchcgen
    assert (out / "_nginx.conf").read_bytes().startswith(b"# cchcgen: ")
    again = run_cli("build", "--source", str(site), "--output", str(out))
    assert again.returncode == 0, again.stderr
    assert json.loads((out / MARKER).read_bytes())["site"] == site_identity(site)


def test_an_output_below_a_file_is_an_error_not_a_traceback(copy_site) -> None:
    site = copy_site("minimal")
    result = run_cli("build", "--source", str(site), "--output", str(site / "site.yaml/out"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f": {site / 'site.yaml'} is a file, not a folder" in result.stderr

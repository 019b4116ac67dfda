"""The command line as editors and CI use it: exit codes, messages, scaffolding."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import FIXED_EPOCH, run_cli, tree


def test_build_prints_a_summary_and_exits_0(copy_site) -> None:
    site = copy_site("minimal")
    result = run_cli("build", "--source", str(site))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built ")
    assert (site / "public/index.html").is_file()


def test_python_dash_m_and_custom_output(copy_site, tmp_path: Path) -> None:
    site = copy_site("minimal")
    result = run_cli("build", "-s", str(site), "-o", str(tmp_path / "web"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "web/tin-tuc/papi/index.html").is_file()


def test_check_validates_without_writing(copy_site) -> None:
    site = copy_site("minimal")
    before = tree(site)
    result = run_cli("check", "--source", str(site))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Checked ")
    assert tree(site) == before
    assert not (site / "public").exists()


def test_usage_errors_exit_2(copy_site) -> None:
    assert run_cli("publish").returncode == 2
    assert run_cli("build", "--base-url", "example.gov.vn").returncode == 2
    assert run_cli("build", "--no-such-flag").returncode == 2


def test_a_base_url_the_web_server_files_cannot_hold_is_a_usage_error(copy_site) -> None:
    site = copy_site("minimal")
    for url, message in (
        ("https://example.gov.vn/cchc$uri/", "contains '$'"),
        ("https://example.gov.vn/cc%0Ahc/", "(U+000A)"),
        ("https://example.gov.vn/cchc/?a=1", "contains '?'"),
        ("https://exa mple.gov.vn/", "invalid host name"),
    ):
        result = run_cli("build", "--source", str(site), "--base-url", url)
        assert result.returncode == 2, url
        assert "argument --base-url" in result.stderr and message in result.stderr, url
    assert not (site / "public").exists()


def test_missing_site_yaml_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("build", "--source", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.startswith("site.yaml:1:1: error: no site.yaml in ")
    assert "hint: run cchcgen in the site's folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_base_url_flag_overrides_site_yaml(copy_site) -> None:
    site = copy_site("minimal")
    result = run_cli("build", "--source", str(site), "--base-url", "https://cchc.example.vn/x/")
    assert result.returncode == 0, result.stderr
    html = (site / "public/index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://cchc.example.vn/x/">' in html
    assert 'href="/x/tin-tuc/"' in html


def test_source_date_epoch_pins_now(copy_site) -> None:
    site = copy_site("minimal")
    # 2030-01-01 07:00 in Vietnam is when tuong-lai.md goes live
    before = run_cli("build", "--source", str(site), epoch=str(1893456000 - 60))
    assert not (site / "public/tin-tuc/tuong-lai").exists()
    assert "tuong-lai.md: dated 01/01/2030 07:00" in before.stderr
    run_cli("build", "--source", str(site), epoch="1893456000")
    assert (site / "public/tin-tuc/tuong-lai/index.html").exists()


def test_strict_turns_warnings_into_failure(make_site) -> None:
    site = make_site(
        {
            "content/posts/a.md": "---\ntitle: A\ndate: 2023-02-01\nupdated: 2023-01-01\n---\nx\n",
        }
    )
    relaxed = run_cli("build", "--source", str(site))
    assert relaxed.returncode == 0
    assert "content/posts/a.md:4:10: warning: 'updated' is before 'date'" in relaxed.stderr
    strict = run_cli("build", "--source", str(site), "--strict")
    assert strict.returncode == 1
    assert "which --strict treats as errors" in strict.stderr


def test_new_post_creates_a_file_the_build_accepts(copy_site) -> None:
    site = copy_site("minimal")
    result = run_cli("new", "post", "Tiêu đề bài viết", "--source", str(site))
    assert result.returncode == 0, result.stderr
    path = site / "content/posts/2026/tieu-de-bai-viet.md"
    assert result.stdout.strip() == "Created content/posts/2026/tieu-de-bai-viet.md"
    text = path.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == "Tiêu đề bài viết"
    assert front["date"] == "01/01/2026 07:00"
    assert front["draft"] is True
    assert run_cli("build", "--source", str(site)).returncode == 0
    assert not (site / "public/tin-tuc/tieu-de-bai-viet").exists()
    assert run_cli("build", "--source", str(site), "--drafts").returncode == 0
    page = (site / "public/tin-tuc/tieu-de-bai-viet/index.html").read_text(encoding="utf-8")
    assert "Tiêu đề bài viết" in page
    again = run_cli("new", "post", "Tiêu đề bài viết", "--source", str(site))
    assert again.returncode == 1
    assert "this file already exists" in again.stderr


def test_new_page(copy_site) -> None:
    site = copy_site("minimal")
    result = run_cli("new", "page", "Liên hệ", "--source", str(site))
    assert result.returncode == 0, result.stderr
    assert (site / "content/pages/lien-he.md").is_file()
    assert run_cli("build", "--source", str(site)).returncode == 0
    assert (site / "public/lien-he/index.html").is_file()


def test_new_plan_scaffolds_a_document_to_fill_in(copy_site) -> None:
    site = copy_site("minimal")
    result = run_cli(
        "new", "plan", "Kế hoạch kiểm tra cải cách hành chính năm 2026", "--source", str(site)
    )
    assert result.returncode == 0, result.stderr
    rel = "content/plans/2026/ke-hoach-kiem-tra-cai-cach-hanh-chinh-nam-2026.md"
    front = yaml.safe_load((site / rel).read_text(encoding="utf-8").split("---\n")[1])
    assert (
        front["doc_type"] == "KH" and front["number"] == "" and front["issued_date"] == "01/01/2026"
    )
    assert front["slug"] == "ke-hoach-kiem-tra-cai-cach-hanh-chinh-nam-2026"
    assert front["issuer"]["name"] == config_agency_name(site).upper()
    # the placeholders build (with warnings about the missing number), at a stable address
    build = run_cli("build", "--source", str(site))
    assert build.returncode == 0, build.stderr
    assert "published without a number" in build.stderr
    assert (
        site / "public/ke-hoach/2026/ke-hoach-kiem-tra-cai-cach-hanh-chinh-nam-2026/index.html"
    ).is_file()


def config_agency_name(site: Path) -> str:
    return yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8"))["agency"]["name"]


def test_a_long_build_shows_progress_on_a_terminal_only(copy_site, tmp_path: Path) -> None:
    """On a terminal the build redraws one progress line; in CI (a pipe) it stays quiet."""
    import pty

    site = copy_site("minimal")
    quiet = run_cli("build", "--source", str(site), "--output", str(tmp_path / "a"))
    assert quiet.returncode == 0 and "Rendering" not in quiet.stderr
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    done = subprocess.run(
        [sys.executable, "-m", "cchcgen", "build", "--source", str(site), "--full",
         "--output", str(tmp_path / "b")],
        stderr=follower, stdout=subprocess.PIPE, env=env, timeout=120,
    )  # fmt: skip
    os.close(follower)
    shown = b""
    with contextlib.suppress(OSError):
        while chunk := os.read(leader, 65536):
            shown += chunk
    os.close(leader)
    assert done.returncode == 0
    text = shown.decode("utf-8", "replace")
    assert "Rendering: " in text and " files" in text
    assert "\x1b[K" in text  # the progress line is cleared when it is done

"""The command line as editors and CI use it: exit codes, messages, scaffolding."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import FIXED_EPOCH, build, make_real, run_cli, tree

import cchcgen
from cchcgen.errors import ContentError


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


# --- the operating system says no: located errors, never a traceback ------------------------

BASE_SITE = Path(__file__).parent / "sites" / "invalid" / "_base"
CSV_LIST = Path(__file__).parent / "fixtures" / "import" / "danh-muc-cap-xa.csv"


@functools.cache
def _unprivileged() -> tuple[str, ...] | None:
    """A command prefix under which file permissions apply. Tests run as root, whom chmod 000
    does not stop: setpriv drops the two capabilities that bypass permissions (running as
    'nobody' is not possible: the venv's Python lives under /root). None if that fails."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = (setpriv, "--bounding-set=-dac_override,-dac_read_search", "--")
    with tempfile.TemporaryDirectory() as folder:
        secret = Path(folder, "secret")
        secret.write_text("x")
        secret.chmod(0)
        probe = subprocess.run([*prefix, "cat", str(secret)], capture_output=True)
    return prefix if probe.returncode != 0 else None


def _run(prefix: tuple[str, ...], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH}
    command = [*prefix, sys.executable, "-m", "cchcgen", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def _locked(path: Path) -> Path:
    path.chmod(0o555 if path.is_dir() else 0)
    return path


def _broken_sheet(path: Path) -> Path:
    """An .xlsx whose sheet XML is malformed: cut off in the middle."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Mã TTHC", "Tên TTHC"])
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet][: len(parts[sheet]) // 2]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _folder_for_site_yaml(site: Path) -> None:
    (site / "site.yaml").unlink()
    (site / "site.yaml").mkdir()


DENIED = "cannot read this file: permission denied"
WRITE = "cannot read or write this file or folder"
INIT_ANSWERS = ["--agency", "UBND xã Thử", "--locality", "xã Thử",
                "--base-url", "https://thu.example.vn/", "--phone", "0208 3000 001"]  # fmt: skip
OS_CASES = {
    # id: (needs permissions, setup returning the arguments, first line of stderr)
    "build, site.yaml unreadable": (
        True,
        lambda s, t: (_locked(s / "site.yaml"), ["build", "-s", str(s)])[1],
        f"site.yaml:1:1: error: {DENIED}",
    ),
    "check, site.yaml a folder": (
        False,
        lambda s, t: (_folder_for_site_yaml(s), ["check", "-s", str(s)])[1],
        "site.yaml:1:1: error: cannot read this file: is a directory",
    ),
    "build, static file unreadable": (
        True,
        lambda s, t: (_locked(s / "content/static/mau.pdf"), ["build", "-s", str(s)])[1],
        f"content/static/mau.pdf:1:1: error: {DENIED}",
    ),
    "check, static file unreadable": (
        True,
        lambda s, t: (_locked(s / "content/static/mau.pdf"), ["check", "-s", str(s)])[1],
        f"content/static/mau.pdf:1:1: error: {DENIED}",
    ),
    "build, post unreadable": (
        True,
        lambda s, t: (_locked(s / "content/posts/tot.md"), ["build", "-s", str(s)])[1],
        f"content/posts/tot.md:1:1: error: {DENIED}",
    ),
    "build, layout unreadable": (
        True,
        lambda s, t: (_locked(s / "layouts/base.html"), ["build", "-s", str(s)])[1],
        f"layouts/base.html:1:1: error: {DENIED}",
    ),
    "build, -o under a file": (
        False,
        lambda s, t: ["build", "-s", str(s), "-o", str(s / "site.yaml/out")],
        "--output:1:1: error: cannot make the output folder {site}/site.yaml/out: "
        "{site}/site.yaml is a file, not a folder",
    ),
    "import, sheet XML cut off": (
        False,
        lambda s, t: ["import", "procedures", str(_broken_sheet(t / "ds.xlsx")), "-s", str(s)],
        "{tmp}/ds.xlsx:1:1: error: not a readable .xlsx file (",
    ),
    "import, csv unreadable": (
        True,
        lambda s, t: ["import", "procedures", str(_locked(t / "ds.csv")), "-s", str(s)],
        f"{{tmp}}/ds.csv:1:1: error: {DENIED}",
    ),
    "new, posts folder read-only": (
        True,
        lambda s, t: (_locked(s / "content/posts"), ["new", "post", "Tin mới", "-s", str(s)])[1],
        f"content/posts/2026:1:1: error: {WRITE}: permission denied",
    ),
    "init, under a file": (
        False,
        lambda s, t: ["init", str(s / "site.yaml/moi"), *INIT_ANSWERS],
        f"{{site}}/site.yaml/moi:1:1: error: {WRITE}: not a directory",
    ),
}


@pytest.mark.parametrize("case", OS_CASES)
def test_operating_system_errors_are_located_not_tracebacks(case: str, tmp_path: Path) -> None:
    needs_permissions, setup, first_line = OS_CASES[case]
    prefix = _unprivileged() if needs_permissions else ()
    if prefix is None:
        pytest.skip("cannot make a file unreadable for this user (root without setpriv)")
    site = tmp_path / "site"
    shutil.copytree(BASE_SITE, site)
    (site / "content/static").mkdir()
    (site / "content/static/mau.pdf").write_bytes(b"%PDF-1.4\n")
    (site / "layouts").mkdir()  # the site's own copy of the theme's base layout
    shutil.copy(Path(cchcgen.__file__).parent / "layouts/base.html", site / "layouts")
    shutil.copy(CSV_LIST, tmp_path / "ds.csv")
    web = tmp_path / "web"
    built = case.startswith("build")
    if built:  # a previous output, which must stay as it is
        assert _run((), "build", "-s", str(site), "-o", str(web)).returncode == 0
        before = tree(web)
    args = setup(site, tmp_path)
    if built:  # --full: a mode change alone leaves the quick check's stamps as they were
        args += ["--full"] + (["-o", str(web)] if "-o" not in args else [])

    result = _run(prefix, *args)

    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    expected = first_line.format(site=site, tmp=tmp_path)
    assert result.stderr.splitlines()[0].startswith(expected), result.stderr
    assert "  hint: " in result.stderr
    if built:
        assert tree(web) == before


# --- starter content is marked, and every build says which files still are --------------------

SAMPLES = {
    "content/posts/chao-mung.md": 2,
    "content/pages/gioi-thieu.md": 2,
    "content/plans/ke-hoach-cai-cach-hanh-chinh.md": 2,
    "content/procedures/1.001193.yaml": 3,
    "content/hotline.yaml": 3,
    "content/feedback/pakn-mau-0001.yaml": 3,
}
SAMPLE_WARNING = (
    "{path}:{line}:1: warning: this is sample content from cchcgen init; replace it or delete "
    "the file\n  hint: when the content is real, delete the line 'sample: true'\n"
)


def test_a_new_site_warns_about_each_sample_file_until_it_is_real(tmp_path: Path) -> None:
    site = tmp_path / "xa-thu"
    assert run_cli("init", str(site), *INIT_ANSWERS).returncode == 0
    page = (site / "content/plans/ke-hoach-cai-cach-hanh-chinh.md").read_text(encoding="utf-8")
    assert "Họ và tên người ký" in page  # what must not be published unnoticed

    for _ in range(2):  # the second build is answered by the quick check: warned again
        built = run_cli("build", "-s", str(site))
        assert built.returncode == 0, built.stderr
        for path, line in SAMPLES.items():
            assert SAMPLE_WARNING.format(path=path, line=line) in built.stderr, built.stderr
        assert built.stderr.count("warning:") == len(SAMPLES)
        assert built.stdout.rstrip().endswith(f"({len(SAMPLES)} warning(s))")

    strict = run_cli("build", "--strict", "-s", str(site))
    assert strict.returncode == 1
    assert strict.stderr.endswith(
        f"Build failed: {len(SAMPLES)} warning(s), which --strict treats as errors.\n"
    )

    make_real(site)  # the editor made each file real and deleted the marker
    real = run_cli("build", "--strict", "-s", str(site))
    assert real.returncode == 0, real.stderr
    assert "warning" not in real.stderr


def test_the_marker_is_read_on_lists_and_must_be_true_or_false(make_site) -> None:
    site = make_site({
        "content/indices.yaml": '- index: PAPI\n  year: 2023\n  score: "43,1"\n'
                                "  max_score: 80\n  sample: yes\n",
        "content/posts/a.md": "---\ntitle: Tin\ndate: 01/06/2025\nsample: false\n---\nTin.\n",
    })  # fmt: skip
    result = build(site)
    assert [str(w) for w in result.warnings] == [
        "content/indices.yaml:5:3: warning: this is sample content from cchcgen init; replace "
        "it or delete the file\n  hint: when the content is real, delete the line 'sample: true'"
    ]
    (site / "content/posts/a.md").write_text(
        "---\ntitle: Tin\ndate: 01/06/2025\nsample: perhaps\n---\nTin.\n", encoding="utf-8"
    )
    with pytest.raises(ContentError) as failed:
        build(site)
    assert str(failed.value).startswith(
        "content/posts/a.md:4:9: error: 'sample' must be true or false, got 'perhaps'"
    )


def test_the_command_line_imports_the_content_types_only_for_new() -> None:
    """A build answered by the quick check takes a fraction of a second; importing every
    content type to list ``new``'s choices took a third of it. ``new`` still checks them."""
    code = (
        "import sys\n"
        "from cchcgen import cli\n"
        "cli._parser().parse_args(['build'])\n"
        "print(any(m.startswith('cchcgen.kinds.') for m in sys.modules))\n"
        "cli._parser().parse_args(['new', 'plan', 'Kế hoạch'])\n"
        "print(any(m.startswith('cchcgen.kinds.') for m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["False", "True"], done.stderr
    wrong = run_cli("new", "thong-bao", "Thông báo")
    assert wrong.returncode == 2
    assert "'thong-bao'" in wrong.stderr and "'post', 'page', 'plan', 'faq'" in wrong.stderr

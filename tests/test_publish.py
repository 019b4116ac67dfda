"""The ways a site made by ``cchcgen init`` is installed and published, run for real.

A wheel of this checkout is built once and found by pip in a local folder (as it would be on
the package index); the shell steps of the generated GitHub workflow and GitLab job run as
written in a clean venv, and ``deploy/xuat-ban.sh`` publishes to a local folder from a local
upstream. Each result is compared with what ``cchcgen build`` makes.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import FIXED_EPOCH, REPO, make_real, run_cli

from cchcgen import __version__

INIT = [
    "--agency", "Ủy ban nhân dân xã Thanh Định",
    "--locality", "xã Thanh Định, huyện Định Hóa, tỉnh Thái Nguyên",
    "--base-url", "https://thanhdinh.example.gov.vn/cai-cach-hanh-chinh/",
    "--phone", "0208 3000 001",
]  # fmt: skip
GITHUB_PAGES = "https://ubnd-thanhdinh.github.io/cchc"  # what configure-pages gives
GITLAB_PAGES = "https://ubnd-thanhdinh.gitlab.io/cchc"  # GitLab's CI_PAGES_URL
pytestmark = pytest.mark.slow


def _run(
    command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel of this checkout, built from a copy (the checkout stays untouched)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "cchcgen", source / "cchcgen",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    dist = tmp_path_factory.mktemp("dist")
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(dist), "."], source)
    assert built.returncode == 0, built.stdout + built.stderr
    (found,) = dist.glob("cchcgen-*.whl")
    assert found.name == f"cchcgen-{__version__}-py3-none-any.whl"
    return found


@pytest.fixture(scope="module")
def clean_env(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A runner's environment: a clean venv first on PATH (what setup-python or the
    python image gives) and pip finding the wheel in a local folder, as on the index."""
    venv = tmp_path_factory.mktemp("runner") / "venv"
    made = _run([sys.executable, "-m", "venv", str(venv)], venv.parent)
    assert made.returncode == 0, made.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    env["PIP_FIND_LINKS"] = f"{wheel.parent} {env.get('PIP_FIND_LINKS', '')}".strip()
    env["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    return env


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("init") / "xa-thanh-dinh"
    created = run_cli("init", str(folder), *INIT)
    assert created.returncode == 0, created.stderr
    return folder


def _copy(site: Path, target: Path) -> Path:
    """The site as an office has it once its sample files hold real content (the strict
    pull-request checks refuse sample content)."""
    shutil.copytree(site, target, ignore=shutil.ignore_patterns(".git", "public"))
    make_real(target)
    return target


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


def _reference(site: Path, output: Path, *options: str) -> dict[str, bytes]:
    """What ``cchcgen build`` makes of the site (this checkout's code)."""
    built = run_cli("build", "--source", str(site), "--output", str(output), *options)
    assert built.returncode == 0, built.stderr
    return _tree(output)


def _same_site(public: Path, reference: dict[str, bytes]) -> None:
    made = _tree(public)
    assert sorted(made) == sorted(reference)
    assert [name for name in made if made[name] != reference[name]] == []


def _steps(lines: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run shell lines one after the other as a runner does; stop at the first failure."""
    done = subprocess.CompletedProcess[str]([], 0, "", "")
    for line in lines:
        assert "${{" not in line, f"an expression the test does not know: {line}"
        done = _run(["bash", "-e", "-o", "pipefail", "-c", line], cwd, env)
        if done.returncode != 0:
            return done
    return done


def _github_job(workflow: dict, job: str, base_env: dict[str, str]) -> list[tuple[str, dict]]:
    """The job's ``run:`` steps with their environment; ``uses:`` steps are the hosted
    actions (checkout, setup-python, configure-pages, …) this test stands in for."""
    outputs = {"${{ steps.pages.outputs.base_url }}": GITHUB_PAGES}
    env = base_env | {k: str(v) for k, v in workflow.get("env", {}).items()}
    steps = []
    for step in workflow["jobs"][job]["steps"]:
        if "run" not in step:
            assert "uses" in step, step
            continue
        own = {k: outputs.get(str(v), str(v)) for k, v in step.get("env", {}).items()}
        steps.append((step["run"], env | own))
    return steps


def _run_github_job(workflow: dict, job: str, cwd: Path, env: dict[str, str]):
    done = subprocess.CompletedProcess[str]([], 0, "", "")
    for line, step_env in _github_job(workflow, job, env):
        done = _steps([line], cwd, step_env)
        if done.returncode != 0:
            break
    return done


def test_the_github_workflow_installs_the_version_that_made_the_site_and_builds_for_pages(
    site: Path, clean_env: dict[str, str], tmp_path: Path
) -> None:
    work = _copy(site, tmp_path / "github")
    workflow = yaml.safe_load((work / ".github/workflows/cchcgen.yml").read_text("utf-8"))
    assert workflow["env"]["CCHCGEN_SPEC"] == f"cchcgen=={__version__}"
    uses = [s.get("uses", "") for s in workflow["jobs"]["build"]["steps"]]
    assert "actions/configure-pages@v5" in uses

    checked = _run_github_job(workflow, "check", work, clean_env)  # pull requests
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = _run_github_job(workflow, "build", work, clean_env)
    assert built.returncode == 0, built.stdout + built.stderr
    version = _run(["cchcgen", "--version"], work, clean_env)
    assert version.stdout.strip() == f"cchcgen {__version__}"
    assert shutil.which("cchcgen", path=clean_env["PATH"]).startswith(  # type: ignore[union-attr]
        clean_env["PATH"].split(os.pathsep)[0]
    )

    expected = _reference(work, tmp_path / "ref", "--base-url", GITHUB_PAGES + "/")
    _same_site(work / "public", expected)
    home = (work / "public/index.html").read_text("utf-8")
    assert f'href="{GITHUB_PAGES}/"' in home and "thanhdinh.example.gov.vn/cai-cach" not in home

    # a site on its own domain opts out: base_url from site.yaml
    text = (work / ".github/workflows/cchcgen.yml").read_text("utf-8")
    own = yaml.safe_load(
        text.replace('CCHCGEN_PAGES_ADDRESS: "yes"', 'CCHCGEN_PAGES_ADDRESS: "no"')
    )
    built = _run_github_job(own, "build", work, clean_env)
    assert built.returncode == 0, built.stdout + built.stderr
    _same_site(work / "public", _reference(work, tmp_path / "ref-own"))


def test_the_gitlab_job_installs_the_version_that_made_the_site_and_builds_for_pages(
    site: Path, clean_env: dict[str, str], tmp_path: Path
) -> None:
    work = _copy(site, tmp_path / "gitlab")
    job = yaml.safe_load((work / ".gitlab-ci.yml").read_text("utf-8"))
    env = clean_env | {k: str(v) for k, v in job["variables"].items()}
    env["CI_PAGES_URL"] = GITLAB_PAGES
    assert env["CCHCGEN_SPEC"] == f"cchcgen=={__version__}"
    for name in ("check", "pages"):
        done = _steps(job["before_script"] + job[name]["script"], work, env)
        assert done.returncode == 0, (name, done.stdout + done.stderr)
    expected = _reference(work, tmp_path / "ref", "--base-url", GITLAB_PAGES + "/")
    _same_site(work / job["pages"]["artifacts"]["paths"][0], expected)


def test_pull_request_checks_stop_a_broken_link(
    site: Path, clean_env: dict[str, str], tmp_path: Path
) -> None:
    """A broken link is a warning, which `cchcgen build` publishes: the checks must fail."""
    work = _copy(site, tmp_path / "pr")
    post = work / "content/posts/chao-mung.md"
    post.write_text(post.read_text("utf-8") + "\n[Kế hoạch](/ke-hoach/khong-co/)\n", "utf-8")
    workflow = yaml.safe_load((work / ".github/workflows/cchcgen.yml").read_text("utf-8"))
    github = _run_github_job(workflow, "check", work, clean_env)
    assert github.returncode == 1
    assert "content/posts/chao-mung.md" in github.stderr and "warning:" in github.stderr
    assert "--strict treats as errors" in github.stderr
    job = yaml.safe_load((work / ".gitlab-ci.yml").read_text("utf-8"))
    env = clean_env | {k: str(v) for k, v in job["variables"].items()}
    gitlab = _steps(job["before_script"] + job["check"]["script"], work, env)
    assert gitlab.returncode == 1 and "--strict treats as errors" in gitlab.stderr


def test_init_starts_a_repository_on_main_with_a_first_commit(site: Path) -> None:
    branch = _run(["git", "branch", "--show-current"], site)
    assert branch.stdout.strip() == "main"
    log = _run(["git", "log", "--format=%s"], site)
    assert log.stdout.splitlines() == ["Khởi tạo chuyên mục Cải cách hành chính (cchcgen init)"]
    tracked = _run(["git", "ls-files"], site).stdout.splitlines()
    assert {".github/workflows/cchcgen.yml", "deploy/xuat-ban.sh", "site.yaml"} <= set(tracked)
    assert _run(["git", "status", "--porcelain"], site).stdout == ""
    workflow = yaml.safe_load((site / ".github/workflows/cchcgen.yml").read_text("utf-8"))
    assert workflow[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads "on" as true


def test_init_commits_as_the_agency_when_git_does_not_know_the_editor(tmp_path: Path) -> None:
    env = dict(os.environ, HOME=str(tmp_path), GIT_CONFIG_GLOBAL=os.devnull,
               GIT_CONFIG_NOSYSTEM="1", SOURCE_DATE_EPOCH=FIXED_EPOCH)  # fmt: skip
    for name in ("EMAIL", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                 "GIT_COMMITTER_EMAIL"):  # fmt: skip
        env.pop(name, None)
    done = _run([sys.executable, "-m", "cchcgen", "init", "moi", *INIT], tmp_path, env)
    assert done.returncode == 0, done.stderr
    assert "Started a git repository on branch main" in done.stdout
    author = _run(["git", "log", "--format=%an <%ae>"], tmp_path / "moi", env).stdout.strip()
    assert author == "Ủy ban nhân dân xã Thanh Định <vanphong@thanhdinh.example.gov.vn>"


def test_init_install_from_rejects_what_pip_cannot_install(tmp_path: Path) -> None:
    done = run_cli("init", str(tmp_path / "moi"), *INIT, "--install-from", "cchcgen-src/")
    assert done.returncode == 1
    assert done.stderr.startswith(
        "--install-from:1:1: error: 'cchcgen-src/' is neither a cchcgen wheel, an address nor a "
        "requirement\n  hint: give a cchcgen-*.whl file"
    )
    assert not (tmp_path / "moi").exists()
    url = "git+https://git.example.vn/cchc/cchcgen@v0.1.0"
    done = run_cli("init", str(tmp_path / "git"), *INIT, "--install-from", url)
    assert done.returncode == 0, done.stderr
    job = yaml.safe_load((tmp_path / "git/.gitlab-ci.yml").read_text("utf-8"))
    assert job["variables"]["CCHCGEN_SPEC"] == f"cchcgen @ {url}"
    readme = (tmp_path / "git/README.md").read_text("utf-8")
    assert f'pip install "cchcgen @ {url}"' in readme


# -- deploy/xuat-ban.sh --------------------------------------------------------------------


def _upstream_site(wheel: Path, folder: Path) -> Path:
    """A site made with --install-from the wheel, pushed to a local bare upstream."""
    site = folder / "site"
    created = run_cli("init", str(site), *INIT, "--install-from", str(wheel))
    assert created.returncode == 0, created.stderr
    assert (site / "vendor" / wheel.name).read_bytes() == wheel.read_bytes()
    for command in (
        ["git", "init", "--quiet", "--bare", str(folder / "upstream.git")],
        ["git", "remote", "add", "origin", str(folder / "upstream.git")],
        ["git", "push", "--quiet", "-u", "origin", "main"],
    ):
        done = _run(command, site)
        assert done.returncode == 0, done.stderr
    return site


def _deploy(site: Path, env: dict[str, str], target: Path):
    return _run([str(site / "deploy/xuat-ban.sh")], site, env | {"DEPLOY_TARGET": str(target)})


@pytest.fixture(scope="module")
def deployed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("deploy")
    site = _upstream_site(wheel, folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    done = _deploy(site, env, folder / "www")
    assert done.returncode == 0, done.stdout + done.stderr
    return site, folder / "www"


def test_xuat_ban_installs_the_vendored_wheel_and_publishes_the_built_site(
    deployed: tuple[Path, Path], tmp_path: Path
) -> None:
    site, www = deployed
    script = (site / "deploy/xuat-ban.sh").read_text("utf-8")
    assert f'CCHCGEN_SPEC="${{CCHCGEN_SPEC:-./vendor/cchcgen-{__version__}-py3-none-any.whl}}"' in (
        script
    )
    version = _run([str(site / ".venv-cchcgen/bin/cchcgen"), "--version"], site)
    assert version.stdout.strip() == f"cchcgen {__version__}"
    assert (www / "current").is_symlink()
    assert os.readlink(www / "current").startswith("releases/")
    _same_site(www / "current", _reference(site, tmp_path / "ref"))


def _marker(text: str) -> int:
    found = re.search(r"Thanh Định \(bản (\d+)\)", text)
    return int(found.group(1)) if found else 0


def test_xuat_ban_switches_releases_atomically_and_keeps_three(
    deployed: tuple[Path, Path], tmp_path: Path
) -> None:
    """Readers fetch page pairs through the live link during deploys: never a missing page,
    never a page of the new site read between two pages of the old one."""
    site, www = deployed
    editor = tmp_path / "editor"  # another computer: changes reach the server by git pull
    upstream = _run(["git", "remote", "get-url", "origin"], site).stdout.strip()
    cloned = _run(["git", "clone", "--quiet", "--branch", "main", upstream, str(editor)], tmp_path)
    assert cloned.returncode == 0, cloned.stderr
    live = www / "current"
    pages = sorted(p.relative_to(live) for p in live.rglob("*.html"))
    assert len(pages) > 10
    problems: list[str] = []
    seen: set[int] = set()
    stop = threading.Event()

    def read() -> None:
        reads = 0
        while not stop.is_set():
            other = pages[reads % len(pages)]
            reads += 1
            try:
                first = _marker((live / "index.html").read_text("utf-8"))
                middle = _marker((live / other).read_text("utf-8"))
                last = _marker((live / "index.html").read_text("utf-8"))
            except OSError as exc:
                problems.append(f"{other}: {exc}")
                continue
            seen.update((first, middle, last))
            if first == last and middle != first:
                problems.append(f"{other}: release {middle} between two pages of {first}")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    readers = [threading.Thread(target=read) for _ in range(2)]
    for thread in readers:
        thread.start()
    try:
        for round_ in (1, 2, 3):
            config = editor / "site.yaml"
            text = re.sub(r'name: "Ủy ban nhân dân xã Thanh Định[^"]*"',
                          f'name: "Ủy ban nhân dân xã Thanh Định (bản {round_})"',
                          config.read_text("utf-8"), count=1)  # fmt: skip
            config.write_text(text, "utf-8")
            for command in (["git", "commit", "--quiet", "-am", f"bản {round_}"],
                            ["git", "push", "--quiet"]):  # fmt: skip
                assert _run(command, editor).returncode == 0
            done = _deploy(site, env, www)
            assert done.returncode == 0, done.stdout + done.stderr
            assert f"releases/{os.readlink(live).split('/')[-1]}" in done.stdout
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    assert problems == []
    assert seen == {0, 1, 2, 3}
    assert _marker((live / "index.html").read_text("utf-8")) == 3
    releases = sorted(p.name for p in (www / "releases").iterdir())
    assert len(releases) == 3 and os.readlink(live) == f"releases/{releases[-1]}"


@pytest.fixture
def bare_path(tmp_path: Path) -> Iterator[Path]:
    """A PATH of this machine's commands without rsync, and a python3 without venv
    (as on Debian without the python3-venv package)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        if not Path(folder).is_dir() or ".venv" in folder:
            continue
        for tool in Path(folder).iterdir():
            if tool.name not in {"rsync", "python3"} and not (bin_dir / tool.name).exists():
                (bin_dir / tool.name).symlink_to(tool)
    python = bin_dir / "python3"
    python.write_text(
        "#!/bin/sh\n"
        'case "$*" in *ensurepip*) echo "No module named ensurepip" >&2; exit 1;; esac\n'
        f'exec {sys.executable} "$@"\n',
        encoding="utf-8",
    )
    python.chmod(0o755)
    yield bin_dir


def test_xuat_ban_says_what_is_missing_before_it_starts(tmp_path: Path, bare_path: Path) -> None:
    site = tmp_path / "site"
    created = run_cli("init", str(site), *INIT)
    assert created.returncode == 0, created.stderr
    env = {"PATH": str(bare_path), "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    done = _run([str(site / "deploy/xuat-ban.sh")], site, env)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        "Chưa xuất bản được, vì:\n"
        "  - Chưa đặt DEPLOY_TARGET (nơi xuất bản), ví dụ: "
        "DEPLOY_TARGET=user@may-chu:/var/www/cchc\n"
        "  - Kho nội dung chưa gắn với kho trên mạng nên không lấy được bài mới. Gắn một lần "
        "bằng lệnh: git push -u origin main\n"
        "  - Máy này thiếu gói python3-venv để cài cchcgen. Cài bằng lệnh: "
        "sudo apt install python3-venv\n"
        "  - Máy này chưa cài rsync để chép trang lên máy chủ. Cài bằng lệnh: "
        "sudo apt install rsync\n"
        "Trang web đang chạy không thay đổi.\n"
    )
    assert not (site / "public").exists() and not (site / ".venv-cchcgen").exists()


# -- cchcgen serve --host ------------------------------------------------------------------


def test_serve_listens_on_the_address_given_and_prints_it(site: Path, tmp_path: Path) -> None:
    """An editor previews on a phone: the server listens on the address given (a loopback
    address other than 127.0.0.1 here) and prints the address to open."""
    work = _copy(site, tmp_path / "serve")
    env = dict(os.environ, SOURCE_DATE_EPOCH=FIXED_EPOCH, PYTHONUNBUFFERED="1")
    command = [sys.executable, "-m", "cchcgen", "serve", "--source", str(work)]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.2", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    try:
        lines = []
        for line in process.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if "Serving on" in line:
                break
        found = re.search(r"Serving on (http://127\.0\.0\.2:(\d+)/cai-cach-hanh-chinh/) ", line)
        assert found, lines
        with urllib.request.urlopen(found.group(1), timeout=30) as answer:
            assert "Thanh Định" in answer.read().decode("utf-8")
        with pytest.raises(OSError):  # not on 127.0.0.1
            socket.create_connection(("127.0.0.1", int(found.group(2))), timeout=5).close()
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
    taken = run_cli("serve", "--source", str(work), "--host", "192.0.2.1", "--port", "8000")
    assert taken.returncode == 1
    assert (
        "cchcgen serve: error: cannot listen on 192.0.2.1 port 8000: Cannot assign requested "
        "address\n  hint: give --host an address of this computer" in taken.stderr
    )


def test_serve_on_every_address_prints_the_network_address(monkeypatch) -> None:
    from cchcgen import serve

    monkeypatch.setattr(serve, "lan_address", lambda: "192.168.1.20")
    assert serve.address_to_open("0.0.0.0", 8000, "/cchc/") == "http://192.168.1.20:8000/cchc/"
    monkeypatch.setattr(serve, "lan_address", lambda: None)
    assert serve.address_to_open("0.0.0.0", 8000, "/cchc/") is None
    assert serve.address_to_open("127.0.0.2", 8000, "/") == "http://127.0.0.2:8000/"
    assert serve.address_to_open("::1", 8000, "/") == "http://[::1]:8000/"

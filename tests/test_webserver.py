"""From nothing to a served site: ``cchcgen init``, a build, and real nginx with the
generated ``_nginx.conf`` under a sub-path, checked over HTTP and in headless Chromium.

nginx is Debian's package (``make test-deps`` installs it); set CCHCGEN_SKIP_E2E=1 to skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from browser import launch_chromium, visit
from conftest import run_cli
from playwright.sync_api import sync_playwright

from cchcgen import webserver

NGINX = Path("/usr/sbin/nginx")
BASE = "/cai-cach-hanh-chinh/"
INIT = [
    "--agency", "Ủy ban nhân dân xã Thanh Định",
    "--locality", "xã Thanh Định, huyện Định Hóa, tỉnh Thái Nguyên",
    "--base-url", f"https://thanhdinh.example.gov.vn{BASE}",
    "--phone", "0208 3000 001",
    "--parent", "Ủy ban nhân dân huyện Định Hóa",
]  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("init") / "xa-thanh-dinh"
    created = run_cli("init", str(folder), *INIT)
    assert created.returncode == 0, created.stderr
    post = folder / "content/posts/chao-mung.md"  # an old address, to test redirects
    post.write_text(
        post.read_text(encoding="utf-8").replace("---\n", "---\naliases: [/tin-tuc/bai-cu/]\n", 1),
        encoding="utf-8",
    )
    built = run_cli("build", "--source", str(folder))
    assert built.returncode == 0, built.stderr
    warnings = [line for line in built.stderr.splitlines() if "warning:" in line]
    assert "error" not in built.stderr, built.stderr
    assert all("this is sample content from cchcgen init" in w for w in warnings), built.stderr
    return folder


def test_init_writes_a_complete_site_and_refuses_to_overwrite(site: Path) -> None:
    for rel in (
        "site.yaml", "README.md", ".gitignore", "content/hotline.yaml",
        "content/posts/chao-mung.md", "content/pages/gioi-thieu.md",
        "content/plans/ke-hoach-cai-cach-hanh-chinh.md", "content/procedures/1.001193.yaml",
        "content/feedback/pakn-mau-0001.yaml", ".github/workflows/cchcgen.yml",
        ".gitlab-ci.yml", "deploy/xuat-ban.sh",
    ):  # fmt: skip
        assert (site / rel).is_file(), rel
    config = yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8"))
    assert config["agency"]["name"] == "Ủy ban nhân dân xã Thanh Định"
    assert config["base_url"] == f"https://thanhdinh.example.gov.vn{BASE}"
    hotline = yaml.safe_load((site / "content/hotline.yaml").read_text(encoding="utf-8"))
    assert hotline["hotlines"][0]["e164"] == "+842083000001"
    readme = (site / "README.md").read_text(encoding="utf-8")
    assert "cchcgen serve" in readme and "Đọc thông báo lỗi" in readme
    assert (
        "/public/" in (site / ".gitignore").read_text()
        and ".cchcgen-cache" in (site / ".gitignore").read_text()
    )
    again = run_cli("init", str(site), *INIT)
    assert again.returncode == 1 and "not empty" in again.stderr


def test_init_without_answers_asks_for_them(tmp_path: Path) -> None:
    done = run_cli("init", str(tmp_path / "moi"))  # no terminal: it cannot ask
    assert done.returncode == 2
    assert "--agency" in done.stderr and "--base-url" in done.stderr
    assert not (tmp_path / "moi").exists()


def test_workflows_parse_and_run_the_right_commands(site: Path) -> None:
    github = yaml.safe_load((site / ".github/workflows/cchcgen.yml").read_text(encoding="utf-8"))
    triggers = github[True]  # YAML 1.1 reads the key "on" as true
    assert {"push", "pull_request", "schedule"} <= set(triggers)
    assert triggers["schedule"][0]["cron"]
    version = github["env"]["CCHCGEN_VERSION"]
    assert version and version[0].isdigit()
    steps = {name: [s.get("run", s.get("uses", "")) for s in job["steps"]]
             for name, job in github["jobs"].items()}  # fmt: skip
    assert 'pip install "cchcgen==${CCHCGEN_VERSION}"' in steps["check"]
    assert "cchcgen check" in steps["check"] and "cchcgen build" in steps["build"]
    assert any(s.startswith("actions/deploy-pages") for s in steps["deploy"])
    gitlab = yaml.safe_load((site / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["variables"]["CCHCGEN_VERSION"] == version
    assert gitlab["pages"]["script"] == ["cchcgen build"]
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]
    assert gitlab["check"]["script"] == ["cchcgen check"]
    script = (site / "deploy/xuat-ban.sh").read_text(encoding="utf-8")
    assert "set -eu" in script and "cchcgen build" in script and "rsync" in script
    assert os.access(site / "deploy/xuat-ban.sh", os.X_OK)


# -- nginx ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def nginx(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not NGINX.is_file():
        if os.environ.get("CCHCGEN_SKIP_E2E") == "1":
            pytest.skip("nginx is missing and CCHCGEN_SKIP_E2E=1")
        pytest.fail("this test needs nginx: run `make test-deps`", pytrace=False)
    work = tmp_path_factory.mktemp("nginx")
    public = site / "public"
    snippet = (public / "_nginx.conf").read_text(encoding="utf-8")
    assert "alias /var/www/cchcgen/public/;" in snippet
    (work / "site.conf").write_text(snippet.replace("/var/www/cchcgen/public/", f"{public}/"))
    port = _free_port()
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "".join(f"{kind}_temp_path {work}/{kind};" for kind in kinds)
    user = "user root;" if os.geteuid() == 0 else ""
    (work / "nginx.conf").write_text(
        f"{user} worker_processes 1; pid {work}/nginx.pid; error_log {work}/error.log;\n"
        "events { worker_connections 64; }\n"
        "http { include /etc/nginx/mime.types; default_type application/octet-stream;\n"
        f"  access_log off; {temp}\n"
        f"  server {{ listen 127.0.0.1:{port}; server_name localhost;\n"
        f"    include {work}/site.conf; }} }}\n"
    )
    process = subprocess.Popen(
        [str(NGINX), "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
        text=True,
    )
    origin = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"nginx did not start: {process.stderr.read()}")  # type: ignore[union-attr]
            time.sleep(0.05)
    try:
        yield origin
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_nginx_serves_pages_feeds_qr_codes_and_the_404_page(site: Path, nginx: str) -> None:
    root = nginx + BASE
    status, headers, body = _get(root)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert headers["Content-Security-Policy"] == webserver.CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == webserver.SHORT
    assert "Ra mắt chuyên mục Cải cách hành chính" in body.decode("utf-8")

    status, headers, body = _get(root + "rss.xml")
    assert status == 200 and headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert headers["Content-Security-Policy"] == webserver.CSP  # repeated in every location
    assert b"<rss" in body
    status, headers, _ = _get(root + "thu-tuc-hanh-chinh/rss.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    status, headers, _ = _get(root + "sitemap.xml")
    assert status == 200 and headers["Content-Type"].startswith("application/xml")

    plan = next((site / "public/ke-hoach").rglob("qr.png")).parent.relative_to(site / "public")
    status, headers, body = _get(f"{root}{plan.as_posix()}/qr.png")
    assert status == 200 and headers["Content-Type"] == "image/png" and body[:4] == b"\x89PNG"
    status, headers, body = _get(f"{root}{plan.as_posix()}/qr.svg")
    assert status == 200 and headers["Content-Type"] == "image/svg+xml" and b"<svg" in body
    status, headers, _ = _get(root + "thu-tuc-hanh-chinh/du-lieu.json")
    assert status == 200 and headers["Content-Type"].startswith("application/json")

    (css,) = (site / "public/assets").glob("cchcgen.*.css")
    status, headers, _ = _get(f"{root}assets/{css.name}")
    assert status == 200 and headers["Content-Type"] == "text/css"
    assert headers["Cache-Control"] == webserver.LONG

    status, headers, body = _get(root + "khong-co-trang-nay/")
    assert status == 404 and headers["Content-Type"].startswith("text/html")
    assert (site / "public/404.html").read_bytes() == body
    for private in ("_nginx.conf", "_headers", "_redirects"):
        assert _get(root + private)[0] == 404, private


def test_nginx_redirects_old_addresses(nginx: str) -> None:
    for old in ("tin-tuc/bai-cu/", "tin-tuc/bai-cu"):
        status, headers, _ = _get(nginx + BASE + old)
        assert status == 301, old
        assert headers["Location"].endswith(BASE + "tin-tuc/chao-mung/")


def test_the_content_security_policy_blocks_nothing_the_site_uses(site: Path, nginx: str) -> None:
    public = site / "public"
    plan = next(public.glob("ke-hoach/20*/*/index.html")).parent.relative_to(public).as_posix()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context()
            context.add_init_script(
                "window.__csp = []; document.addEventListener('securitypolicyviolation',"
                " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
            )
            pages = ["", "ke-hoach/", f"{plan}/", "thu-tuc-hanh-chinh/",
                     "thu-tuc-hanh-chinh/1.001193/", "duong-day-nong/",
                     "tim-kiem/?q=" + quote("khai sinh")]  # fmt: skip
            for rel in pages:  # each in its own tab: no load is cut short by the next
                page = context.new_page()
                loaded = visit(page, nginx + BASE + rel, nginx)
                assert loaded.status == 200, rel
                if rel.startswith("tim-kiem"):  # the search runs its WebAssembly index
                    page.wait_for_function(
                        "() => document.querySelectorAll('.search-result').length > 0"
                    )
                page.wait_for_load_state("networkidle")
                assert page.evaluate("window.__csp") == [], rel
                assert not [p for p in loaded.problems() if "Content Security" in p], rel
                assert not loaded.problems(), loaded.problems()
                page.close()
        finally:
            browser.close()

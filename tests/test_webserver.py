"""From nothing to a served site: ``cchcgen init``, a build, and real nginx with the
generated ``_nginx.conf`` under a sub-path, checked over HTTP and in headless Chromium.

nginx is Debian's package (``make test-deps`` installs it); set CCHCGEN_SKIP_E2E=1 to skip.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
import yaml
from browser import launch_chromium, visit
from conftest import SITES, run_cli
from playwright.sync_api import sync_playwright

from cchcgen import __version__, webserver

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
    spec = github["env"]["CCHCGEN_SPEC"]
    assert spec == f"cchcgen=={__version__}"
    steps = {name: [s.get("run", s.get("uses", "")) for s in job["steps"]]
             for name, job in github["jobs"].items()}  # fmt: skip
    assert 'pip install "${CCHCGEN_SPEC}"' in steps["check"]
    assert "cchcgen check --strict" in steps["check"]
    assert any("cchcgen build --base-url" in s for s in steps["build"])
    assert any(s.startswith("actions/deploy-pages") for s in steps["deploy"])
    gitlab = yaml.safe_load((site / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["variables"]["CCHCGEN_SPEC"] == spec
    assert "cchcgen build" in gitlab["pages"]["script"][0]
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]
    assert gitlab["check"]["script"] == ["cchcgen check --strict"]
    script = (site / "deploy/xuat-ban.sh").read_text(encoding="utf-8")
    assert "set -eu" in script and "cchcgen build" in script and "rsync" in script
    assert f'CCHCGEN_SPEC="${{CCHCGEN_SPEC:-{spec}}}"' in script
    assert os.access(site / "deploy/xuat-ban.sh", os.X_OK)


# -- nginx ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _require_nginx() -> None:
    if not NGINX.is_file():
        if os.environ.get("CCHCGEN_SKIP_E2E") == "1":
            pytest.skip("nginx is missing and CCHCGEN_SKIP_E2E=1")
        pytest.fail("this test needs nginx: run `make test-deps`", pytrace=False)


def _nginx_config(public: Path, work: Path, port: int) -> Path:
    """A whole nginx configuration around the generated snippet, as the README says to
    include it, serving ``public`` on loopback ``port``; returns its path."""
    work.mkdir(parents=True, exist_ok=True)
    snippet = (public / "_nginx.conf").read_text(encoding="utf-8")
    assert "alias /var/www/cchcgen/public/;" in snippet
    (work / "site.conf").write_text(
        snippet.replace("/var/www/cchcgen/public/", f"{public}/"), encoding="utf-8"
    )
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
    return work / "nginx.conf"


def _nginx_test(public: Path, work: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on the snippet of ``public``."""
    conf = _nginx_config(public, work, _free_port())
    command = [str(NGINX), "-t", "-p", str(work), "-c", str(conf)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


@contextlib.contextmanager
def _serving(public: Path, work: Path) -> Iterator[str]:
    """nginx serving ``public`` with its snippet; yields the origin."""
    _require_nginx()
    port = _free_port()
    conf = _nginx_config(public, work, port)
    process = subprocess.Popen(
        [str(NGINX), "-p", str(work), "-c", str(conf), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
        text=True,
    )
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
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="module")
def nginx(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with _serving(site / "public", tmp_path_factory.mktemp("nginx")) as origin:
        yield origin


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
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Permissions-Policy"] == webserver.PERMISSIONS
    assert "camera=()" in headers["Permissions-Policy"]
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
    assert (site / "public/.cchcgen-output").is_file()
    for private in ("_nginx.conf", "_headers", "_redirects", ".cchcgen-output"):
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


# -- hostile old addresses and file names -----------------------------------------------

ISSUE_PAYLOAD = "/x { alias /etc/passwd; } location = /cchc/y.html"
HOSTILE = (  # (what the editor writes, the old address it stands for)
    (ISSUE_PAYLOAD, ISSUE_PAYLOAD),
    ("/a;b}c{d/", "/a;b}c{d/"),
    ("/it's-'quoted'/", "/it's-'quoted'/"),
    ("/gia-$host-${uri}/", "/gia-$host-${uri}/"),
    ("/cũ mới/", "/cũ mới/"),
    ("/tin-tuc/%7Bx%7D%3B%20y/", "/tin-tuc/{x}; y/"),
    ("/a%25b", "/a%b/"),
    ("/tin-cu/Cải cách hành chính.html", "/tin-cu/Cải cách hành chính.html"),
    ("/ngoặc (1) & [2] + @!=~/", "/ngoặc (1) & [2] + @!=~/"),
    ("/z/ return 200 'pwned'; /", "/z/ return 200 'pwned'; /"),
    (unicodedata.normalize("NFD", "/tin-tuc/đổi-mới/"), "/tin-tuc/đổi-mới/"),
    ("/c%E1%BA%A3i%20c%C3%A1ch/", "/cải cách/"),
)
HOSTILE_ASSETS = ("a b;{x}$'.css", "ký tự #1 (mới).js")
"""Theme files a site adds in layouts/assets/: their names reach _headers."""
DIRECTIVES = {"location", "alias", "index", "error_page", "charset", "add_header", "types",
              "default_type", "return"}  # fmt: skip


def _front_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


@pytest.fixture(
    scope="module",
    params=["https://example.gov.vn/cchc/", "https://example.gov.vn/cải cách hành chính/"],
    ids=["cchc", "unicode-base"],
)
def hostile(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site with posts whose old addresses and theme file names try to break
    out of the web-server configuration; built at a base URL with spaces and diacritics too."""
    folder = tmp_path_factory.mktemp("hostile") / "site"
    half = len(HOSTILE) // 2
    posts = {
        "bai-mot": [raw for raw, _ in HOSTILE[:half]],
        "bai-hai": [raw for raw, _ in HOSTILE[half:]],
    }
    _build_site(folder, request.param, posts, HOSTILE_ASSETS)
    return folder


def _build_site(
    folder: Path, base_url: str, posts: dict[str, list[str]], assets: Sequence[str] = ()
) -> None:
    """The fixture site plus a post per slug in ``posts`` with those old addresses, and
    theme files named ``assets``; built at ``base_url``."""
    shutil.copytree(SITES / "invalid" / "_base", folder)
    for slug, aliases in posts.items():
        (folder / f"content/posts/{slug}.md").write_text(
            f'---\ntitle: "Bài {slug}"\ndate: 30/01/2023\nslug: {slug}\n'
            f"aliases: {_front_list(aliases)}\n---\nNội dung.\n",
            encoding="utf-8",
        )
    (folder / "layouts/assets").mkdir(parents=True)
    for name in assets:
        (folder / "layouts/assets" / name).write_text("/* x */\n", encoding="utf-8")
    built = run_cli("build", "--source", str(folder), "--base-url", base_url)
    assert built.returncode == 0, built.stderr
    assert "error" not in built.stderr, built.stderr


def _base_path(site: Path) -> str:
    """The decoded base path the site was built with (``/cải cách hành chính/``)."""
    canonical = (site / "public/index.html").read_text(encoding="utf-8")
    found = re.search(r'<link rel="canonical" href="https?://[^/"]+(/[^"]*)"', canonical)
    assert found
    return unquote(found.group(1))


def _expected_redirects(base: str) -> dict[str, str]:
    """Each decoded path nginx must redirect (both forms of an old address) → its page."""
    half = len(HOSTILE) // 2
    expected = {}
    for index, (_raw, old) in enumerate(HOSTILE):
        page = f"{base}tin-tuc/{'bai-mot' if index < half else 'bai-hai'}/"
        expected[base + old[1:]] = page
        if old.endswith("/"):
            expected[base + old[1:-1]] = page
    return expected


def _nginx_tokens(text: str) -> list[tuple[str, str]]:
    """nginx's own tokenizer, in short: (kind, text) with kind word or one of ``{ } ;``.

    Quotes delimit a word only at its start; a backslash keeps the next character;
    ``#`` at the start of a word runs to the end of the line."""
    tokens, i = [], 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
        elif char == "#":
            i = text.find("\n", i) if "\n" in text[i:] else len(text)
        elif char in "{};":
            tokens.append((char, char))
            i += 1
        else:
            quote_char = char if char in "\"'" else None
            i += 1 if quote_char else 0
            word = []
            while i < len(text):
                char = text[i]
                if char == "\\" and i + 1 < len(text):
                    word.append(text[i + 1] if text[i + 1] in "\"'\\" else text[i : i + 2])
                    i += 2
                    continue
                if quote_char and char == quote_char:
                    i += 1
                    break
                if not quote_char and (char.isspace() or char in "{};"):
                    break
                word.append(char)
                i += 1
            else:
                assert not quote_char, "unclosed quote"
            tokens.append(("word", "".join(word)))
    return tokens


def _nginx_directives(text: str) -> list[tuple[str, list[str], list]]:  # type: ignore[type-arg]
    """The snippet as nested (name, arguments, block) statements."""
    tokens = iter(_nginx_tokens(text))

    def block(closing: bool) -> list:  # type: ignore[type-arg]
        statements: list = []  # type: ignore[type-arg]
        words: list[str] = []
        for kind, value in tokens:
            if kind == "word":
                words.append(value)
            elif kind == ";":
                statements.append((words[0], words[1:], []))
                words = []
            elif kind == "{":
                statements.append((words[0], words[1:], block(True)))
                words = []
            else:
                assert closing and not words, "unbalanced }"
                return statements
        assert not closing and not words, "unclosed block"
        return statements

    return block(False)


def _walk(statements: list) -> Iterator[tuple[str, list[str], list]]:  # type: ignore[type-arg]
    for statement in statements:
        yield statement
        yield from _walk(statement[2])


def test_hostile_old_addresses_never_become_nginx_directives(hostile: Path) -> None:
    _require_nginx()
    base = _base_path(hostile)
    snippet = (hostile / "public/_nginx.conf").read_text(encoding="utf-8")
    top = _nginx_directives(snippet)
    assert [(name, args) for name, args, _ in top] == [("location", [base])]
    statements = list(_walk(top))
    assert {name for name, _, _ in statements} <= DIRECTIVES
    exact = [(args, body) for name, args, body in statements if args[:1] == ["="]]
    assert all(name == "location" for name, args, _ in statements if args[:1] == ["="])
    expected = _expected_redirects(base)
    assert sorted(args[1] for args, _ in exact) == sorted(expected)  # one per form, no more
    for args, body in exact:
        target = quote(expected[args[1]])
        assert body == [("return", ["301", target], [])], args
    assert [len(args) for name, args, _ in statements if name == "alias"] == [1]


def test_nginx_accepts_the_hostile_snippet(hostile: Path, tmp_path: Path) -> None:
    _require_nginx()
    checked = _nginx_test(hostile / "public", tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


def test_nginx_redirects_each_hostile_address_and_never_serves_etc_passwd(
    hostile: Path, tmp_path: Path
) -> None:
    base = _base_path(hostile)
    with _serving(hostile / "public", tmp_path) as origin:
        for old, page in _expected_redirects(base).items():
            status, headers, _ = _get(origin + quote(old))
            assert status == 301, old
            assert headers["Location"] == origin + quote(page), old
        for probe in (base + "x", base + "x/", "/cchc/y.html", base + "x { alias /etc/passwd"):
            status, _, body = _get(origin + quote(probe))
            assert b"root:" not in body, probe
            assert status == 404, probe
        status, headers, body = _get(origin + quote(base))
        assert status == 200 and "Một bài đúng" in body.decode("utf-8")
        assert headers["X-Frame-Options"] == "SAMEORIGIN"
        assert headers["Permissions-Policy"] == webserver.PERMISSIONS
        assert _get(origin + quote(base + "khong-co/"))[0] == 404
        for name in (hostile / "public/assets").iterdir():
            if name.name.startswith(("a b", "ký tự")):
                status, headers, _ = _get(origin + quote(f"{base}assets/{name.name}"))
                assert status == 200 and headers["Cache-Control"] == webserver.LONG, name


def test_redirects_and_headers_files_have_one_field_per_value(hostile: Path) -> None:
    base = _base_path(hostile)
    public = hostile / "public"
    lines = (public / "_redirects").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(HOSTILE)
    pages = _expected_redirects(base)
    for line in lines:
        old, new, status = line.split(" ")  # exactly three fields
        assert status == "301" and old.isascii() and "*" not in old and ":" not in old
        assert pages[unquote(old)] == unquote(new)
    assert {unquote(line.split(" ")[0]) for line in lines} == {base + old[1:] for _, old in HOSTILE}
    headers = (public / "_headers").read_text(encoding="utf-8").split("\n\n")
    paths = []
    for block in headers:
        path, *rules = block.strip("\n").split("\n")
        assert len(path.split()) == 1 and path.isascii() and path.startswith(quote(base)), path
        assert all(re.fullmatch(r"  [A-Za-z-]+: [^\n]+", rule) for rule in rules), rules
        paths.append(unquote(path))
    for name in HOSTILE_ASSETS:  # each hostile theme file, cached for a year
        stem, _, suffix = name.rpartition(".")
        assert any(re.fullmatch(re.escape(f"{base}assets/{stem}.") + r"[0-9a-f]{8}\." + suffix, p)
                   for p in paths), name  # fmt: skip


def test_the_issues_payload_alone_does_not_serve_etc_passwd(tmp_path: Path) -> None:
    """As reported: this one old address made nginx serve /etc/passwd at /cchc/x."""
    _require_nginx()
    _build_site(tmp_path / "site", "https://example.gov.vn/cchc/", {"bai": [ISSUE_PAYLOAD]})
    with _serving(tmp_path / "site/public", tmp_path / "nginx") as origin:
        status, _, body = _get(origin + "/cchc/x")
        assert b"root:" not in body
        assert status == 404
        status, headers, _ = _get(origin + quote("/cchc" + ISSUE_PAYLOAD))
        assert status == 301 and headers["Location"] == origin + "/cchc/tin-tuc/bai/"

"""No script injection: payloads in every text field of every content type stay text.

The site is made by ``cchcgen init`` with payloads in its answers; then every free-text
value of every YAML file and front matter gets a payload appended, and every Markdown
body gets raw HTML and ``javascript:`` links. The built pages are checked by parsing
(no script but our own files and JSON-LD, no event handler, no ``javascript:`` address,
no Jinja evaluation) and by loading them in headless Chromium with a dialog listener.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from browser import launch_chromium, visit
from conftest import run_cli
from lxml import etree, html
from playwright.sync_api import sync_playwright

PAYLOAD = (
    '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    "</script><svg onload=alert(3)>{{ 7*7 }}{% raw %}"
)
BODY = (
    "\n\nĐoạn có mã độc: <script>alert(4)</script> <img src=x onerror=alert(5)>\n\n"
    '<a href="javascript:alert(6)">bấm</a> [liên kết](javascript:alert(7)) '
    "[dữ liệu](data:text/html,<script>alert(8)</script>)\n\n"
    '<iframe src="https://evil.example/"></iframe><form action="/x"><input></form>\n\n'
    '<div onclick="alert(9)" style="background:url(javascript:alert(10))">khối</div>\n\n'
    '## Mục {: onmouseover="alert(11)" }\n'
)
BASE = "/cchc/"


def _inject(value: object) -> object:
    """Append the payload to every free-text string (one with a space or a non-ASCII
    letter), leaving codes, dates, numbers, addresses and choices as they are."""
    if isinstance(value, dict):
        return {key: _inject(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_inject(item) for item in value]
    if isinstance(value, str) and (" " in value.strip() or not value.isascii()):
        if re.fullmatch(r"[\d/:. -]+", value) or value.startswith("http"):
            return value
        return f"{value} {PAYLOAD}"
    return value


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("xss") / "site"
    made = run_cli(
        "init", str(folder),
        "--agency", f"Ủy ban nhân dân xã Thử {PAYLOAD}",
        "--locality", f"xã Thử, huyện Mẫu {PAYLOAD}",
        "--base-url", f"https://thu.example.gov.vn{BASE}",
        "--phone", "0208 3000 001",
        "--address", f"Thôn Một {PAYLOAD}",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    for path in sorted((folder / "content").rglob("*")):
        if path.suffix == ".yaml":
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            path.write_text(yaml.safe_dump(_inject(data), allow_unicode=True), encoding="utf-8")
        elif path.suffix == ".md":
            _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
            data = _inject(yaml.safe_load(front))
            text = f"---\n{yaml.safe_dump(data, allow_unicode=True)}---\n{body}{BODY}"
            path.write_text(text, encoding="utf-8")
    config = yaml.safe_load((folder / "site.yaml").read_text(encoding="utf-8"))
    config["title"] += f" {PAYLOAD}"
    config["description"] += f" {PAYLOAD}"
    config["menu"] = [{"title": f"Trang chủ {PAYLOAD}", "url": "/"}]
    (folder / "site.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    built = run_cli("build", "--source", str(folder))
    assert built.returncode == 0, built.stderr
    return folder


def _pages(site: Path) -> list[Path]:
    return sorted((site / "public").rglob("*.html"))


def test_the_payloads_reached_the_pages_as_text(site: Path) -> None:
    """The test means something only if the payloads are on the pages, escaped."""
    shown = [p for p in _pages(site) if "alert(1)" in html.parse(str(p)).getroot().text_content()]
    assert len(shown) > 10
    for rel in (
        "tin-tuc/chao-mung/index.html",
        "duong-day-nong/index.html",
        "thu-tuc-hanh-chinh/1.001193/index.html",
        "phan-anh-kien-nghi/index.html",
    ):
        assert (site / "public" / rel).is_file(), rel


def test_no_page_carries_a_script_a_handler_or_a_script_address(site: Path) -> None:
    problems = []
    for page in _pages(site):
        rel = page.relative_to(site / "public").as_posix()
        text = page.read_text(encoding="utf-8")
        doc = html.fromstring(text)
        for script in doc.iter("script"):
            src, kind = script.get("src"), script.get("type")
            if kind == "application/ld+json":
                json.loads(script.text or "")  # data only, and intact
                if "</script" in (script.text or "").lower():
                    problems.append(f"{rel}: '</script' inside JSON-LD")
            elif not (src and src.startswith(f"{BASE}assets/") and not script.text):
                problems.append(
                    f"{rel}: a script that is not ours: {etree.tostring(script)[:80]!r}"
                )
        for element in doc.iter():
            if not isinstance(element.tag, str):
                continue
            if element.tag in ("iframe", "object", "embed", "frame"):
                problems.append(f"{rel}: <{element.tag}>")
            ours = (element.get("action") or "").startswith(BASE) or "proc-filter" in (
                element.get("class") or ""  # the catalogue's filter, run by its script
            )
            if element.tag == "form" and not ours:
                problems.append(f"{rel}: a form that is not ours: {element.get('action')!r}")
            for name, value in element.attrib.items():
                if name.lower().startswith("on"):
                    problems.append(f"{rel}: {element.tag} {name}={value!r}")
                if name in ("href", "src", "action") and re.match(
                    r"\s*(javascript|data|vbscript):", value, re.I
                ):
                    problems.append(f"{rel}: {element.tag} {name}={value!r}")
                if name == "style":
                    problems.append(f"{rel}: {element.tag} style={value!r}")
        if ">49<" in text or " 49 " in text:
            problems.append(f"{rel}: a template expression was evaluated")
    assert not problems, "\n".join(problems[:20])


def test_feeds_and_open_data_keep_the_payloads_as_text(site: Path) -> None:
    for feed in (site / "public").rglob("rss.xml"):
        tree = etree.parse(str(feed))  # well-formed XML: the payload did not break it
        for node in tree.iter():
            assert not (isinstance(node.tag, str) and node.tag.lower() in ("script", "img")), feed
    data = json.loads((site / "public/thu-tuc-hanh-chinh/du-lieu.json").read_text("utf-8"))
    assert "<script>alert(1)</script>" in json.dumps(data, ensure_ascii=False)


def test_no_payload_runs_in_a_browser(site: Path) -> None:
    import http.server
    import threading
    from functools import partial

    root = site / "public"

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            return super().translate_path("/" + path.split("?")[0].removeprefix(BASE))

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(Handler, directory=str(root))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    dialogs: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                page = browser.new_page()
                page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
                for path in _pages(site):
                    rel = path.relative_to(root).as_posix().removesuffix("index.html")
                    visit(page, f"{origin}{BASE}{rel}", origin)
                    page.mouse.move(5, 5)
                    page.wait_for_timeout(20)
            finally:
                browser.close()
    finally:
        server.shutdown()
    assert dialogs == []

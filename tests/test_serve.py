"""``cchcgen serve``: serves under the base path, rebuilds after a save, survives a bad save."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from conftest import FIXED_EPOCH


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=40) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def wait_for(predicate, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_serve_previews_and_rebuilds_on_save(copy_site) -> None:
    site = copy_site("minimal")
    env = dict(os.environ, SOURCE_DATE_EPOCH=FIXED_EPOCH, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "cchcgen", "serve", "--source", str(site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        url = None
        deadline = time.monotonic() + 30
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            match = re.search(r"Serving on (http://127\.0\.0\.1:\d+/cchc/)", line)
            url = match.group(1) if match else None
        assert url, "the server did not start"
        status, home = fetch(url)
        assert status == 200 and "Bộ phận Một cửa niêm yết" in home
        assert re.search(
            r'<script src="/__cchcgen/live.js" data-build="\d+" defer></script></body>', home
        )
        origin = url.removesuffix("cchc/")
        first = json.loads(fetch(origin + "__cchcgen/wait?since=-1")[1])
        assert first["errors"] == []
        script = fetch(origin + "__cchcgen/live.js")[1]
        assert "window.location.reload()" in script
        assert "Xã Thanh Định tuyên truyền" in fetch(url + "tin-tuc/papi/")[1]
        status, missing = fetch(url + "khong-co/")
        assert status == 404 and "Không tìm thấy trang" in missing

        post = site / "content/posts/2022/papi.md"
        post.write_text(
            post.read_text(encoding="utf-8").replace(
                "Xã Thanh Định tuyên truyền", "Xã Thanh Định đẩy mạnh tuyên truyền"
            ),
            encoding="utf-8",
        )
        assert wait_for(lambda: "đẩy mạnh tuyên truyền" in fetch(url + "tin-tuc/papi/")[1])
        # a page waiting for the next build learns about the rebuild (and reloads)
        after_edit = json.loads(fetch(origin + f"__cchcgen/wait?since={first['generation']}")[1])
        assert after_edit["generation"] > first["generation"]
        assert after_edit["errors"] == []

        good = post.read_text(encoding="utf-8")
        post.write_text(
            good.replace("date: 20/10/2022 08:15", "date: 32/10/2022"), encoding="utf-8"
        )
        broken = json.loads(fetch(origin + f"__cchcgen/wait?since={after_edit['generation']}")[1])
        assert broken["errors"] and broken["errors"][0].startswith(
            "content/posts/2022/papi.md:3:7: error: 'date' must be a date"
        )  # what the page shows over the last good build
        assert fetch(url + "tin-tuc/papi/")[0] == 200  # the last good build is still served
        post.write_text(good.replace("đẩy mạnh", "tiếp tục"), encoding="utf-8")
        assert wait_for(lambda: "tiếp tục tuyên truyền" in fetch(url + "tin-tuc/papi/")[1])
        fixed = json.loads(fetch(origin + f"__cchcgen/wait?since={broken['generation']}")[1])
        assert fixed["errors"] == []
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert process.returncode == 130 or process.returncode == 0
    assert "content/posts/2022/papi.md:3:7: error: 'date' must be a date" in output
    assert "Traceback" not in output


def test_the_open_page_reloads_itself_and_shows_build_errors(copy_site) -> None:
    """In Chromium: a save reloads the open page; a bad save shows file:line over it."""
    from browser import launch_chromium
    from playwright.sync_api import sync_playwright

    site = copy_site("minimal")
    env = dict(os.environ, SOURCE_DATE_EPOCH=FIXED_EPOCH, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "cchcgen", "serve", "--source", str(site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        url = None
        deadline = time.monotonic() + 30
        while url is None and time.monotonic() < deadline:
            match = re.search(
                r"Serving on (http://127\.0\.0\.1:\d+/cchc/)", process.stdout.readline()
            )
            url = match.group(1) if match else None
        assert url, "the server did not start"
        post = site / "content/posts/2022/papi.md"
        good = post.read_text(encoding="utf-8")
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            page.goto(url + "tin-tuc/papi/")
            post.write_text(good.replace("Xã Thanh Định tuyên truyền", "Xã Thanh Định tự động"),
                            encoding="utf-8")  # fmt: skip
            page.wait_for_function(
                "() => document.body.textContent.includes('Xã Thanh Định tự động')",
                timeout=20_000,
            )  # no page.reload(): the page reloaded itself
            post.write_text(good.replace("date: 20/10/2022 08:15", "date: 32/10/2022"),
                            encoding="utf-8")  # fmt: skip
            panel = page.locator("#cchcgen-build-errors")
            panel.wait_for(timeout=20_000)
            assert "content/posts/2022/papi.md:3:7: error: 'date' must be a date" in (
                panel.inner_text()
            )
            post.write_text(good, encoding="utf-8")
            page.wait_for_function(
                "() => !document.getElementById('cchcgen-build-errors')"
                " && document.body.textContent.includes('Xã Thanh Định tuyên truyền')",
                timeout=20_000,
            )
            browser.close()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def test_serve_survives_markdown_that_python_markdown_cannot_take(copy_site) -> None:
    """A 300-level list (a RecursionError before) is reported; the server keeps answering."""
    site = copy_site("minimal")
    env = dict(os.environ, SOURCE_DATE_EPOCH=FIXED_EPOCH, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "cchcgen", "serve", "--source", str(site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        url = None
        deadline = time.monotonic() + 30
        while url is None and time.monotonic() < deadline:
            match = re.search(
                r"Serving on (http://127\.0\.0\.1:\d+/cchc/)", process.stdout.readline()
            )
            url = match.group(1) if match else None
        assert url, "the server did not start"
        origin = url.removesuffix("cchc/")
        first = json.loads(fetch(origin + "__cchcgen/wait?since=-1")[1])
        post = site / "content/posts/2022/papi.md"
        good = post.read_text(encoding="utf-8")
        head, body = good.split("\n---\n", 1)
        body_line = head.count("\n") + 3
        deep = "\n".join("    " * i + "- mục" for i in range(300))
        post.write_text(f"{head}\n---\n{deep}\n", encoding="utf-8")
        broken = json.loads(fetch(origin + f"__cchcgen/wait?since={first['generation']}")[1])
        assert broken["errors"] == [
            f"content/posts/2022/papi.md:{body_line + 30}:121: error: this list is nested 300 "
            "levels deep; the limit is 30\n  hint: indent a sub-list by 4 spaces under its "
            "item, at most 30 levels; a deeper outline reads better as headings"
        ]
        assert process.poll() is None  # still serving
        status, page = fetch(url + "tin-tuc/papi/")
        assert status == 200 and "Xã Thanh Định tuyên truyền" in page  # the last good build
        post.write_text(
            good.replace("Xã Thanh Định tuyên truyền", "Xã Thanh Định sửa xong"), encoding="utf-8"
        )
        assert wait_for(lambda: "Thanh Định sửa xong" in fetch(url + "tin-tuc/papi/")[1])
        fixed = json.loads(fetch(origin + f"__cchcgen/wait?since={broken['generation']}")[1])
        assert fixed["errors"] == []
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert "Traceback" not in output

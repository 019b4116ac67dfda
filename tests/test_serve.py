"""``cchcgen serve``: serves under the base path, rebuilds after a save, survives a bad save."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from conftest import FIXED_EPOCH

from cchcgen.files import RACY_SECONDS


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
    process, url, lines = start_serving(
        "-m", "cchcgen", "serve", "--source", str(site), "--port", "0"
    )
    try:
        assert url.endswith("/cchc/")
        status, home = fetch(url)
        assert status == 200 and "Bộ phận Một cửa niêm yết" in home
        tag = re.search(
            r'<script src="/__cchcgen/(live.js\?v=[0-9a-f]{12})" data-build="\d+" '
            r'data-page="index.html" defer></script></body>',
            home,
        )
        assert tag
        origin = url.removesuffix("cchc/")
        first = json.loads(fetch(origin + "__cchcgen/wait?since=-1")[1])
        assert first["errors"] == []
        with urllib.request.urlopen(origin + "__cchcgen/" + tag[1], timeout=40) as response:
            script = response.read().decode("utf-8")  # its version in the address: kept
            assert response.headers["Cache-Control"] == "max-age=31536000, immutable"
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
        # the list shows it too (written just after the post's page)
        assert wait_for(lambda: "đẩy mạnh tuyên truyền" in fetch(url + "chu-de/papi/")[1])
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
        stop_serving(process)
    output = "".join(lines)
    assert process.returncode == 130 or process.returncode == 0
    assert "content/posts/2022/papi.md:3:7: error: 'date' must be a date" in output
    assert "Shown from memory: " in output  # the title edit did not build the site again
    # a first build that rendered the site leaves serve ready for edits as soon as it listens
    assert output.count("Ready: a saved post is shown in a moment.") == 1
    assert output.index("Serving on") < output.index("Ready:") < output.index("Shown from memory")
    assert "Traceback" not in output


def test_the_watcher_tells_a_saved_file_from_a_reshaped_site(tmp_path) -> None:
    """A file written in place, or beside and moved onto its name, is one saved file (shown
    from memory when it can be); a file made, removed or renamed is not."""
    from watchdog.events import (
        DirModifiedEvent,
        FileClosedEvent,
        FileCreatedEvent,
        FileDeletedEvent,
        FileModifiedEvent,
        FileMovedEvent,
    )
    from watchdog.observers.polling import PollingObserver

    from cchcgen.serve import _Changes

    site = tmp_path / "site"
    posts = site / "content" / "posts"
    posts.mkdir(parents=True)
    post, other = posts / "a.md", posts / "b.md"
    seen: list[tuple[object, bool]] = []  # (file saved, whether the save is whole)
    changes = _Changes(site, site / "public", PollingObserver(), lambda *c: seen.append(c), print)
    for event in (
        FileModifiedEvent(str(post)),
        FileClosedEvent(str(post)),
        DirModifiedEvent(str(posts)),
        FileMovedEvent(str(posts / ".a.md.swp"), str(post)),
        FileCreatedEvent(str(other)),
        FileDeletedEvent(str(other)),
        FileMovedEvent(str(other), str(post)),
        FileModifiedEvent(str(site / "public" / "index.html")),
    ):
        changes.follow(event)
    assert seen == [
        (post, False),  # written, maybe not all yet: the full quiet time
        (post, True),  # closed after writing
        (post, True),  # moved onto its name
        (None, False),
        (None, False),
        (None, False),
    ]


def test_a_burst_of_saves_ends_sooner_once_the_file_is_whole() -> None:
    """Written in place, a file may not be complete yet: the watcher waits the full quiet
    time; once it is closed (or moved into place) a shorter one, and a change within it
    still joins the burst."""
    from cchcgen import serve

    complete = threading.Event()

    class Burst(threading.Event):
        """Changes arriving while the watcher waits: each completes a save or not."""

        def __init__(self, arriving: list[bool]) -> None:
            super().__init__()
            self.arriving, self.waits = arriving, list[float]()

        def wait(self, timeout: float | None = None) -> bool:
            self.waits.append(timeout or 0.0)
            if not self.arriving:
                return False
            (complete.set if self.arriving.pop(0) else complete.clear)()
            return True

    written = Burst([True])  # modified (the first change), then closed
    serve._debounce(written, complete)
    assert written.waits == [serve.DEBOUNCE_SECONDS, serve.SAVED_SECONDS]
    assert serve.SAVED_SECONDS < serve.DEBOUNCE_SECONDS
    complete.clear()
    many = Burst([True, False, True])  # git writing files: one burst
    serve._debounce(many, complete)
    assert many.waits == [serve.DEBOUNCE_SECONDS, serve.SAVED_SECONDS, serve.DEBOUNCE_SECONDS,
                          serve.SAVED_SECONDS]  # fmt: skip


def test_the_open_page_reloads_itself_and_shows_build_errors(copy_site) -> None:
    """In Chromium: a save reloads the open page; a bad save shows file:line over it."""
    from browser import launch_chromium
    from playwright.sync_api import sync_playwright

    site = copy_site("minimal")
    process, url, _lines = start_serving(
        "-m", "cchcgen", "serve", "--source", str(site), "--port", "0"
    )
    try:
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
        stop_serving(process)


def test_a_page_written_by_a_rebuild_reloads_before_it_ends_and_not_again() -> None:
    """A save shown from memory writes the post's page, then the lists: the page open on
    the post is woken as soon as its file is written, the rebuild waits for it to be
    shown, and the end of that rebuild does not reload it a second time."""
    from cchcgen.serve import BuildStatus

    status = BuildStatus()
    status.publish([])  # build 1 is served
    post, listing = "tin-tuc/a/index.html", "tin-tuc/index.html"
    woken: list[dict] = []
    reloaded = threading.Event()

    def page_open_on_the_post() -> None:
        woken.append(status.wait(1, 20, post, 1))
        if woken[-1]["page"] > 1:  # the script reloads; the page served is from build 2
            served = status.served(post)
            reloaded.set()
            woken.append(status.wait(-1, 0, post, served))

    browser = threading.Thread(target=page_open_on_the_post)
    browser.start()
    assert wait_for(lambda: status._open.get(post, 0) == 1)  # the page waits
    started = time.monotonic()
    status.shown([post], give_way=20)  # returns once the page is shown again
    assert reloaded.is_set() and time.monotonic() - started < 10
    browser.join(timeout=10)
    # woken while build 2 was under way, and shown as coming from it
    assert woken[0]["generation"] == 1 and woken[0]["page"] == 2
    assert status.served(post) == 2 and status.served(listing) == 1
    # a page open on the list is not woken by the post's page
    assert status.wait(1, 0, listing, 1)["page"] == 0
    status.publish([])  # build 2 ends: its lists are written
    after = status.wait(1, 0, post, 2)
    assert after["generation"] == 2 and after["page"] == 0  # the post's page stays
    assert status.wait(1, 0, listing, 1)["generation"] == 2  # the list reloads
    # with no page open, a rebuild does not wait
    started = time.monotonic()
    status.shown(["tin-tuc/b/index.html"], give_way=20)
    assert time.monotonic() - started < 10


def test_the_open_page_reloads_once_for_a_save_shown_from_memory(copy_site) -> None:
    """In Chromium: the post's page reloads when its file is written and stays as it is
    when the rebuild ends (the lists written after it)."""
    from browser import launch_chromium
    from playwright.sync_api import sync_playwright

    site = copy_site("minimal")
    process, url, lines = start_serving(
        "-m", "cchcgen", "serve", "--source", str(site), "--port", "0"
    )
    origin = url.removesuffix("cchc/")
    try:
        post = site / "content/posts/2022/papi.md"
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            loads: list[str] = []
            waits: list[str] = []
            page.on("domcontentloaded", lambda p: loads.append(p.url))
            page.on("request", lambda r: waits.append(r.url) if "/wait?" in r.url else None)

            def heard(predicate) -> bool:
                """Wait for ``predicate``, letting Playwright deliver the page's events."""
                return wait_for(lambda: page.wait_for_timeout(50) or predicate())

            page.goto(url + "tin-tuc/papi/")
            assert heard(lambda: any("since=-1&" not in w for w in waits))  # it waits
            post.write_text(
                post.read_text(encoding="utf-8").replace(
                    "Xã Thanh Định tuyên truyền", "Xã Thanh Định tự động"
                ),
                encoding="utf-8",
            )
            page.wait_for_function(
                "() => document.body.textContent.includes('Xã Thanh Định tự động')",
                timeout=20_000,
            )
            assert wait_for(lambda: "Shown from memory" in "".join(lines))  # it ended
            ended = json.loads(fetch(origin + "__cchcgen/wait?since=-1")[1])["generation"]
            # the page heard that the rebuild ended (it waits for the next one) ...
            assert heard(lambda: any(f"since={ended}&" in w for w in waits))
            # ... and was loaded twice in all: opened, then reloaded once
            assert len(loads) == 2
            assert "Xã Thanh Định tự động" in page.content()
            browser.close()
    finally:
        stop_serving(process)


def start_serving(
    *command: str, clock: bool = False
) -> tuple[subprocess.Popen[str], str, list[str]]:
    """Start a server; return it, its address and the lines it printed so far (read on
    by a thread, so that a test can look at what it reports). Its "now" is the fixed
    one of the tests, or with ``clock`` the computer's."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    if not clock:
        env["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    process = subprocess.Popen(
        [sys.executable, *command], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=env,
    )  # fmt: skip
    lines: list[str] = []
    started = threading.Event()

    def read() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if "Serving on" in line:
                started.set()

    threading.Thread(target=read, daemon=True).start()
    if not started.wait(timeout=30):
        stop_serving(process)
        raise AssertionError("the server did not start:\n" + "".join(lines))
    url = re.search(r"Serving on (http://127\.0\.0\.1:\d+/\S*)", "".join(lines))
    assert url
    return process, url.group(1), lines


def stop_serving(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_a_serve_started_on_a_built_site_shows_the_first_save_from_memory(copy_site) -> None:
    """The first build is answered from the cache (nothing changed); serve then builds
    once more by itself, so that the first save is shown from memory too."""
    site = copy_site("minimal")
    time.sleep(RACY_SECONDS + 0.5)  # files saved just now are not trusted by the quick check
    # the computer's clock: the quick check answers until tomorrow of the build's "now"
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    built = subprocess.run(
        [sys.executable, "-m", "cchcgen", "build", "--source", str(site)],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    process, url, lines = start_serving(
        "-m", "cchcgen", "serve", "--source", str(site), "--port", "0", clock=True
    )
    try:
        assert ", 0 files in" in "".join(lines)  # answered from the cache
        # ready for edits once the build made just after it listens is done, not before
        assert wait_for(lambda: "Ready:" in "".join(lines))
        said = "".join(lines)
        assert said.index("Serving on") < said.index("Rebuilt") < said.index("Ready:")
        post = site / "content/posts/2022/papi.md"
        with post.open("a", encoding="utf-8") as stream:
            stream.write("\nMột câu viết thêm.\n")
        assert wait_for(lambda: "Một câu viết thêm." in fetch(url + "tin-tuc/papi/")[1])
        assert wait_for(lambda: "Shown from memory: 1 files" in "".join(lines))
    finally:
        stop_serving(process)


def test_serve_follows_a_layouts_folder_created_after_it_started(copy_site) -> None:
    """An agency's first customisation: no layouts/ at start, then layouts/post.html."""
    site = copy_site("minimal")
    assert not (site / "layouts").exists()
    process, url, lines = start_serving(
        "-m", "cchcgen", "serve", "--source", str(site), "--port", "0"
    )
    try:
        assert "Xã Thanh Định tuyên truyền" in fetch(url + "tin-tuc/papi/")[1]
        origin = url.removesuffix("cchc/")
        start = json.loads(fetch(origin + "__cchcgen/wait?since=-1")[1])["generation"]
        (site / "layouts").mkdir()
        # the editor makes the folder, and the layout in it later
        assert json.loads(fetch(origin + f"__cchcgen/wait?since={start}")[1])["errors"] == []
        time.sleep(1)
        (site / "layouts/post.html").write_text(
            '{% extends "cchcgen:post.html" %}{% block content %}'
            "<p>Mẫu riêng của xã</p>{{ super() }}{% endblock %}",
            encoding="utf-8",
        )
        assert wait_for(lambda: "Mẫu riêng của xã" in fetch(url + "tin-tuc/papi/")[1])
    finally:
        stop_serving(process)
    assert "Traceback" not in "".join(lines)


def test_serve_answers_bad_addresses_with_400_and_goes_on(copy_site) -> None:
    site = copy_site("minimal")
    process, url, lines = start_serving(
        "-m", "cchcgen", "serve", "--source", str(site), "--port", "0"
    )
    port = int(url.split(":")[2].split("/")[0])
    bad = ("/cchc/a%00b/", "/cchc/%zz/", "/cchc/%ff%fe/", "/__cchcgen/wait?since=abc",
           "/__cchcgen/wait?since=3&served=1.5")  # fmt: skip
    try:
        for address in bad:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", address)
            response = connection.getresponse()
            assert response.status == 400, address
            assert response.read().startswith(b"bad request: ")
            connection.close()
        assert fetch(url)[0] == 200  # still serving
    finally:
        stop_serving(process)
    output = "".join(lines)
    assert "Traceback" not in output
    assert "serve: GET /cchc/a%00b/: the address has a null character (%00); answered 400\n" in (
        output
    )
    assert (
        "serve: GET /__cchcgen/wait?since=abc: 'since' is not a build number: abc;"
        " answered 400\n" in output
    )
    assert (
        "serve: GET /__cchcgen/wait?since=3&served=1.5: 'served' is not a build number: 1.5;"
        " answered 400\n" in output
    )
    assert sum(line.startswith("serve: GET ") for line in lines) == len(bad)


def test_serve_survives_a_rebuild_that_fails_unexpectedly(tmp_path) -> None:
    """A bug in a rebuild is reported in one line and shown in the page; the next save
    rebuilds."""
    site = tmp_path / "site"
    (site / "public").mkdir(parents=True)
    (site / "site.yaml").write_text("title: x\n", encoding="utf-8")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from cchcgen.serve import serve\n"
        "calls = []\n"
        "def rebuild(paths, written):\n"
        "    calls.append(1)\n"
        "    if len(calls) == 1:\n"
        "        raise RuntimeError('a bug')\n"
        "    return []\n"
        "site = Path(sys.argv[1])\n"
        "serve(site, site / 'public', '/', 0, rebuild,\n"
        "      on_ready=lambda url: print('Serving on', url),\n"
        "      report=lambda line: print('serve:', line))\n"
    )
    process, url, lines = start_serving("-c", script, str(site))
    try:
        (site / "site.yaml").write_text("title: y\n", encoding="utf-8")
        failed = json.loads(fetch(url + "__cchcgen/wait?since=1")[1])
        assert failed["errors"] == [
            "the rebuild failed unexpectedly (RuntimeError: a bug); the server keeps showing "
            "the last good build and rebuilds at the next save"
        ]
        (site / "site.yaml").write_text("title: z\n", encoding="utf-8")
        fixed = json.loads(fetch(url + f"__cchcgen/wait?since={failed['generation']}")[1])
        assert fixed["errors"] == []
    finally:
        stop_serving(process)
    assert "serve: the rebuild failed unexpectedly (RuntimeError: a bug);" in "".join(lines)


def test_serve_reports_a_loop_of_links_and_keeps_watching(copy_site) -> None:
    """A link to itself was a traceback that stopped the watcher: stale pages ever after."""
    site = copy_site("minimal")
    process, url, lines = start_serving(
        "-m", "cchcgen", "serve", "--source", str(site), "--port", "0"
    )
    origin = url.removesuffix("cchc/")
    try:
        start = json.loads(fetch(origin + "__cchcgen/wait?since=-1")[1])["generation"]
        (site / "content/posts/vong.md").symlink_to("vong.md")
        broken = json.loads(fetch(origin + f"__cchcgen/wait?since={start}")[1])
        assert broken["errors"] == [
            "content/posts/vong.md:1:1: error: this link leads back to itself (a loop of "
            "links), so it cannot be read\n  hint: delete the link, or make it point to the "
            "real file"
        ]
        (site / "content/posts/vong.md").unlink()
        post = site / "content/posts/2022/papi.md"
        post.write_text(
            post.read_text(encoding="utf-8").replace("Xã Thanh Định tuyên truyền", "Xã lặp lại"),
            encoding="utf-8",
        )
        assert wait_for(lambda: "Xã lặp lại" in fetch(url + "tin-tuc/papi/")[1])
    finally:
        stop_serving(process)
    assert "Traceback" not in "".join(lines)


def test_serve_survives_markdown_that_python_markdown_cannot_take(copy_site) -> None:
    """A 300-level list (a RecursionError before) is reported; the server keeps answering."""
    site = copy_site("minimal")
    process, url, lines = start_serving(
        "-m", "cchcgen", "serve", "--source", str(site), "--port", "0"
    )
    try:
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
        stop_serving(process)
    assert "Traceback" not in "".join(lines)

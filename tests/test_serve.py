"""``cchcgen serve``: serves under the base path, rebuilds after a save, survives a bad save."""

from __future__ import annotations

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
        with urllib.request.urlopen(url, timeout=5) as response:
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

        good = post.read_text(encoding="utf-8")
        post.write_text(
            good.replace("date: 20/10/2022 08:15", "date: 32/10/2022"), encoding="utf-8"
        )
        time.sleep(2)
        assert fetch(url + "tin-tuc/papi/")[0] == 200  # the last good build is still served
        post.write_text(good.replace("đẩy mạnh", "tiếp tục"), encoding="utf-8")
        assert wait_for(lambda: "tiếp tục tuyên truyền" in fetch(url + "tin-tuc/papi/")[1])
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

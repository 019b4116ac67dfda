"""Preview server: serves the output folder under the base URL's path on 127.0.0.1,
and rebuilds when site.yaml, content/ or layouts/ change (watchdog, debounced).

Pages it serves carry a small script (``/__cchcgen/live.js``, never part of a build) that
waits on ``/__cchcgen/wait`` for the next rebuild: the page reloads by itself after a good
one and shows the errors (file, line, message) over the last good page after a bad one.

This is the only module that imports watchdog. It reports through a callback
so that only the CLI prints.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import threading
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

WATCHED = ("site.yaml", "content", "layouts")
DEBOUNCE_SECONDS = 0.02
"""A burst of saves (an editor writing a temporary file, then renaming it) ends when
nothing changed for this long."""
LIVE = "/__cchcgen/"
"""The server's own addresses, outside any base path."""
WAIT_SECONDS = 25.0
_READS = frozenset({"opened", "closed_no_write"})
"""Events that change nothing: reacting to them would rebuild forever."""


class BuildStatus:
    """The number of the latest build and its errors; pages wait on it to reload."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.generation = 0
        self.errors: list[str] = []

    def publish(self, errors: list[str]) -> None:
        with self._changed:
            self.generation += 1
            self.errors = errors
            self._changed.notify_all()

    def wait(self, since: int, timeout: float = WAIT_SECONDS) -> dict[str, Any]:
        """Block until a build newer than ``since`` (or the timeout), then describe it."""
        with self._changed:
            self._changed.wait_for(lambda: self.generation > since, timeout=timeout)
            return {"generation": self.generation, "errors": list(self.errors)}


def _live_script() -> bytes:
    return resources.files("cchcgen").joinpath("serve_assets", "live.js").read_bytes()


class _Handler(http.server.SimpleHTTPRequestHandler):
    base_path = "/"
    public: Path
    status: BuildStatus

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if clean.startswith(self.base_path):
            clean = "/" + clean[len(self.base_path) :]
        else:
            clean = "/__outside_base__"
        return super().translate_path(clean)

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        if self.path.startswith(LIVE):
            return self._live()
        if self.path in ("/", "") and self.base_path != "/":
            self.send_response(302)
            self.send_header("Location", self.base_path)
            self.end_headers()
            return
        super().do_GET()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self.public / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def _live(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == LIVE + "live.js":
            return self._send(200, "text/javascript; charset=utf-8", _live_script())
        if parts.path == LIVE + "wait":
            since = int((parse_qs(parts.query).get("since") or ["-1"])[0] or -1)
            state = self.status.wait(since, timeout=0 if since < 0 else WAIT_SECONDS)
            body = json.dumps(state, ensure_ascii=False).encode("utf-8")
            return self._send(200, "application/json; charset=utf-8", body)
        return self._send(404, "text/plain; charset=utf-8", b"not found")

    def _send(self, code: int, kind: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def send_head(self) -> Any:
        """HTML pages get the live-reload script; everything else is sent as built."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the redirect to the folder's address
            path = path / "index.html"
        if path.suffix != ".html" or not path.is_file():
            return super().send_head()
        html = path.read_bytes()
        # the build this page comes from: a rebuild finished before the script runs still
        # reloads the page
        generation = self.status.generation
        tag = f'<script src="{LIVE}live.js" data-build="{generation}" defer></script>'.encode()
        html = html.replace(b"</body>", tag + b"</body>", 1) if b"</body>" in html else html + tag
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(html)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return io.BytesIO(html)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class _Changes(FileSystemEventHandler):
    def __init__(self, root: Path, output: Path, on_change: Callable[[], None]) -> None:
        self.roots = [root / name for name in WATCHED]
        self.output = output.resolve()
        self.on_change = on_change

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in _READS:  # the build itself reads these files
            return
        # a file moved into place (how many editors save) counts where it lands
        for name in (event.src_path, getattr(event, "dest_path", "")):
            path = Path(str(name))
            if not name or path.resolve().is_relative_to(self.output):
                continue
            if any(path == r or path.is_relative_to(r) for r in self.roots):
                self.on_change()
                return


def serve(
    root: Path,
    output: Path,
    base_path: str,
    port: int,
    rebuild: Callable[[], list[str]],
    poll: bool = False,
    on_ready: Callable[[str], None] | None = None,
    first_errors: list[str] | None = None,
) -> None:
    """Serve until interrupted; call ``rebuild`` after each burst of changes.

    ``rebuild`` returns the build's errors as text lines (none when it succeeded);
    ``first_errors`` are those of the build made before serving.
    """
    handler = functools.partial(_Handler, directory=str(output))
    status = BuildStatus()
    status.publish(first_errors or [])
    _Handler.base_path = base_path
    _Handler.public = output
    _Handler.status = status
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    changed = threading.Event()
    observer = PollingObserver() if poll else Observer()
    watcher = _Changes(root, output, changed.set)
    # watch what a build reads, not the output: site.yaml in the root, content/ and layouts/
    observer.schedule(watcher, str(root), recursive=False)
    for name in WATCHED[1:]:
        if (root / name).is_dir():
            observer.schedule(watcher, str(root / name), recursive=True)
    observer.start()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    if on_ready:
        host, real_port = server.server_address[:2]
        on_ready(f"http://{host}:{real_port}{base_path}")
    try:
        while True:
            if changed.wait(timeout=0.5):
                while True:  # debounce: wait until the burst of saves is over
                    changed.clear()
                    time.sleep(DEBOUNCE_SECONDS)
                    if not changed.is_set():
                        break
                status.publish(rebuild())
    finally:
        observer.stop()
        server.shutdown()
        server.server_close()
        observer.join(timeout=5)

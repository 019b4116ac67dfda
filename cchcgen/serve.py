"""Preview server: serves the output folder under the base URL's path on 127.0.0.1,
and rebuilds when site.yaml, content/ or layouts/ change (watchdog, debounced).

This is the only module that imports watchdog. It reports through a callback
so that only the CLI prints.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

WATCHED = ("site.yaml", "content", "layouts")
DEBOUNCE_SECONDS = 0.3


class _Handler(http.server.SimpleHTTPRequestHandler):
    base_path = "/"
    public: Path

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if clean.startswith(self.base_path):
            clean = "/" + clean[len(self.base_path) :]
        else:
            clean = "/__outside_base__"
        return super().translate_path(clean)

    def do_GET(self) -> None:  # noqa: N802 - http.server API
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

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class _Changes(FileSystemEventHandler):
    def __init__(self, root: Path, output: Path, on_change: Callable[[], None]) -> None:
        self.roots = [root / name for name in WATCHED]
        self.output = output.resolve()
        self.on_change = on_change

    def on_any_event(self, event: FileSystemEvent) -> None:
        path = Path(str(event.src_path))
        if path.resolve().is_relative_to(self.output):
            return
        if any(path == r or path.is_relative_to(r) for r in self.roots):
            self.on_change()


def serve(
    root: Path,
    output: Path,
    base_path: str,
    port: int,
    rebuild: Callable[[], None],
    poll: bool = False,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until interrupted; call ``rebuild`` after each burst of changes."""
    handler = functools.partial(_Handler, directory=str(output))
    _Handler.base_path = base_path
    _Handler.public = output
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    changed = threading.Event()
    observer = PollingObserver() if poll else Observer()
    watcher = _Changes(root, output, changed.set)
    observer.schedule(watcher, str(root), recursive=True)
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
                rebuild()
    finally:
        observer.stop()
        server.shutdown()
        server.server_close()
        observer.join(timeout=5)

"""Preview server: serves the output folder under the base URL's path on 127.0.0.1 (or
the address given, e.g. 0.0.0.0 for the phones of the office network),
and rebuilds when site.yaml, content/ or layouts/ change (watchdog, debounced), including
a content/ or layouts/ folder created after it started.

Pages it serves carry a small script (``/__cchcgen/live.js``, never part of a build) that
waits on ``/__cchcgen/wait`` for the next rebuild: the page reloads by itself after a good
one and shows the errors (file, line, message) over the last good page after a bad one.
A page that a save shown from memory writes again reloads as soon as it is written, before
the lists and feeds that also show the edit (:data:`Shown`), and not again when that
rebuild ends.

It keeps serving whatever happens: a request it cannot answer gets 400 (or 500), a
rebuild or a change it cannot follow is reported in one line, and the next save rebuilds.

This is the only module that imports watchdog. It reports through callbacks
so that only the CLI prints.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import io
import json
import os
import re
import socket
import sys
import threading
from collections.abc import Callable, Collection
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote_to_bytes, urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from .adminbackend import MAX_BODY, Hook
from .messages import _

WATCHED = ("site.yaml", "content", "layouts", "admin")
DEBOUNCE_SECONDS = 0.02
"""A burst of saves (an editor writing a temporary file, then renaming it) ends when
nothing changed for this long."""
SAVED_SECONDS = 0.005
"""The same, after an event that completes a save (the file closed after writing, or
moved onto its name): the file is whole, and what follows at once (git writing many
files) still joins the burst. A body edit is shown ~15 ms sooner."""
LIVE = "/__cchcgen/"
"""The server's own addresses, outside any base path."""
WAIT_SECONDS = 25.0
GIVE_WAY_SECONDS = 0.2
"""The longest a rebuild waits for a page open on what it has written to be shown again
(:meth:`BuildStatus.shown`)."""
_READS = frozenset({"opened", "closed_no_write"})
"""Events that change nothing: reacting to them would rebuild forever."""
_RESHAPES = frozenset({"created", "deleted", "moved"})
_SAVES = frozenset({"modified", "closed"})
"""Events of a file written in place."""
"""Events after which content/ or layouts/ is watched anew (or no longer)."""
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_GENERATION = re.compile(r"-?[0-9]{1,18}")
_PAGE_LIMIT = 1024
"""The longest output path a waiting page may name."""

Shown = Callable[[Collection[str]], None]
"""Told, while a rebuild runs, of output files (paths under the output folder) that are
written and final for it: the pages open on them reload at once."""

Rebuild = Callable[[frozenset[Path] | None, Shown], list[str]]
"""Builds again, given the files saved (None: the site's files changed in other ways) and
whom to tell of pages written before the rebuild ends; returns the errors as the browser
shows them."""

Report = Callable[[str], None]
"""Receives one line about something the server did not expect (a bad request, a failed
rebuild); the server goes on."""


class BuildStatus:
    """The number of the latest build and its errors; pages wait on it to reload.

    While a rebuild runs, the pages it has already written are known by the number it
    will have (:meth:`shown`): a page open on one of them reloads at once and is served
    as coming from that build, so that its end does not reload it again. The rebuild
    gives way to that reload (until the page is shown, at most :data:`GIVE_WAY_SECONDS`):
    on a computer with few cores the browser would otherwise wait for the lists and
    feeds, which no one is looking at yet."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.generation = 0
        self.errors: list[str] = []
        self._written: dict[str, int] = {}  # output path → the build that wrote it early
        self._open: dict[str, int] = {}  # output path → the pages open on it, waiting
        self._loaded: dict[str, int] = {}  # output path → the newest build shown of it

    def publish(self, errors: list[str]) -> None:
        with self._changed:
            self.generation += 1
            self.errors = errors
            self._changed.notify_all()

    def shown(self, outputs: Collection[str], give_way: float = GIVE_WAY_SECONDS) -> None:
        """The rebuild under way has written ``outputs`` (paths under the output folder):
        wake the pages open on them, and return when they are shown again."""
        with self._changed:
            build = self.generation + 1
            for output in outputs:
                self._written[output] = build
            watched = [output for output in outputs if self._open.get(output)]
            self._changed.notify_all()
            self._changed.wait_for(
                lambda: all(self._loaded.get(output, 0) >= build for output in watched),
                timeout=give_way,
            )

    def served(self, output: str) -> int:
        """The build a page is served from: the latest, or the one under way when it
        has written the page already."""
        with self._changed:
            return max(self.generation, self._written.get(output, 0))

    def wait(
        self, since: int, timeout: float = WAIT_SECONDS, page: str = "", served: int = 0
    ) -> dict[str, Any]:
        """Block until a build newer than ``since`` ends, or until the rebuild under way
        writes ``page`` again when the browser shows it as built by ``served`` (or the
        timeout), then describe the last build ended and, as ``page``, the build under
        way when it has written ``page`` (0 otherwise)."""
        with self._changed:
            if page in self._written and served > self._loaded.get(page, 0):  # shown again
                self._loaded[page] = served
                self._changed.notify_all()
            self._open[page] = self._open.get(page, 0) + 1
            try:
                self._changed.wait_for(
                    lambda: self.generation > since or self._written.get(page, 0) > max(served, 0),
                    timeout=timeout,
                )
            finally:
                self._open[page] -= 1
                if not self._open[page]:
                    del self._open[page]
            heading = _("Build failed (the page shows the last good build):")
            early = self._written.get(page, 0)
            return {
                "generation": self.generation,
                "page": early if early > self.generation else 0,
                "errors": list(self.errors),
                "title": heading,
            }


@functools.cache
def _live_script() -> bytes:
    return resources.files("cchcgen").joinpath("serve_assets", "live.js").read_bytes()


_LIVE_VERSION = hashlib.sha256(_live_script()).hexdigest()[:12]


def _printable(text: str, limit: int = 200) -> str:
    """``text`` safe to show on one terminal line."""
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text[:limit])
    return shown + ("…" if len(text) > limit else "")


class _Server(http.server.ThreadingHTTPServer):
    """The HTTP server, reporting what goes wrong in one line instead of a traceback."""

    def __init__(self, address: tuple[str, int], handler: Any, report: Report) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)
        self.report = report

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        message = _("a request from {client} failed ({kind}: {reason}); the server goes on")
        self.report(message.format(client=client_address[0], kind=type(exc).__name__, reason=exc))


def _bad_address(path: str) -> str | None:
    """Why a request's address cannot be answered, or None when it can."""
    if _BAD_ESCAPE.search(path):
        return _("the address has a '%' not followed by two hexadecimal digits")
    raw = unquote_to_bytes(path.split("?", 1)[0].split("#", 1)[0])
    if b"\0" in raw:
        return _("the address has a null character (%00)")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return _("the address has an encoded character that is not UTF-8")
    return None


class _Handler(http.server.SimpleHTTPRequestHandler):
    base_path = "/"
    public: Path
    status: BuildStatus
    server: _Server
    admin: Hook

    def handle_one_request(self) -> None:
        """Answer one request; one that fails is answered 500 and reported in one line."""
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the browser went away
        except Exception as exc:  # noqa: BLE001 - the server must go on
            self.close_connection = True
            message = _("{request}: {kind}: {reason}; answered 500")
            self.server.report(
                message.format(request=self._request(), kind=type(exc).__name__, reason=exc)
            )
            with contextlib.suppress(Exception):
                self._send(500, "text/plain; charset=utf-8", b"internal error")

    def _request(self) -> str:
        return f"{getattr(self, 'command', None) or '?'} {_printable(getattr(self, 'path', ''))}"

    def bad_request(self, reason: str) -> None:
        message = _("{request}: {reason}; answered 400")
        self.server.report(message.format(request=self._request(), reason=reason))
        body = _("bad request: {reason}").format(reason=reason) + "\n"
        self._send(400, "text/plain; charset=utf-8", body.encode())

    def do_HEAD(self) -> None:  # noqa: N802 - http.server API
        reason = _bad_address(self.path)
        if reason:
            return self.bad_request(reason)
        super().do_HEAD()

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if clean.startswith(self.base_path):
            clean = "/" + clean[len(self.base_path) :]
        else:
            clean = "/__outside_base__"
        return super().translate_path(clean)

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        reason = _bad_address(self.path)
        if reason:
            return self.bad_request(reason)
        if self.path.startswith(LIVE):
            return self._live()
        admin = self.admin.get(self.path, self.headers.get("Host", ""))
        if admin is not None:  # the browser admin, pointed at this server's backend
            code, kind, body = admin
            return self._redirect(kind) if code == 301 else self._send(code, kind, body)
        if self.path in ("/", "") and self.base_path != "/":
            self.send_response(302)
            self.send_header("Location", self.base_path)
            self.end_headers()
            return
        super().do_GET()

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        """The browser admin's local backend (cchcgen.adminbackend)."""
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            return self.bad_request(_("the request is too large"))
        body = self.rfile.read(length)
        answer = self.admin.post(self.path, self.headers, body)
        if answer is None:
            return self._send(404, "text/plain; charset=utf-8", b"not found")
        self._send(answer[0], "application/json; charset=utf-8", answer[1])

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

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
            # the address names the script's version (see send_head): kept by the
            # browser, so that a reloaded page does not wait for it again
            cached = parts.query == "v=" + _LIVE_VERSION
            return self._send(200, "text/javascript; charset=utf-8", _live_script(), cached)
        if parts.path == LIVE + "wait":
            query = parse_qs(parts.query)
            given = {name: (query.get(name) or ["-1"])[0] or "-1" for name in ("since", "served")}
            for name, number in given.items():
                if not _GENERATION.fullmatch(number):
                    reason = _("'{name}' is not a build number: {value}")
                    return self.bad_request(reason.format(name=name, value=number[:40]))
            since, served = int(given["since"]), int(given["served"])
            page = (query.get("page") or [""])[0][:_PAGE_LIMIT]
            timeout = 0 if since < 0 else WAIT_SECONDS
            state = self.status.wait(since, timeout, page, served)
            body = json.dumps(state, ensure_ascii=False).encode("utf-8")
            return self._send(200, "application/json; charset=utf-8", body)
        return self._send(404, "text/plain; charset=utf-8", b"not found")

    def _send(self, code: int, kind: str, body: bytes, cached: bool = False) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=31536000, immutable" if cached else "no-store")
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
        output = (
            path.relative_to(self.public).as_posix() if path.is_relative_to(self.public) else ""
        )
        generation = self.status.served(output)
        tag = (
            f'<script src="{LIVE}live.js?v={_LIVE_VERSION}" data-build="{generation}" '
            f'data-page="{escape(output)}" defer></script>'
        ).encode()
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
    """Calls ``on_change`` for each change to what a build reads: site.yaml, and the
    files of content/ and layouts/, which are watched as soon as they appear; with the
    file saved, or None when files or folders were made, removed or renamed, and whether
    the save is complete. Dot files (editors' swap files, the cache), backups and the
    output folder are not watched."""

    def __init__(
        self,
        root: Path,
        output: Path,
        observer: BaseObserver,
        on_change: Callable[[Path | None, bool], None],
        report: Report,
    ) -> None:
        self.root = root
        self.config = root / WATCHED[0]
        self.folders = tuple(root / name for name in WATCHED[1:])
        self.output = output
        self.observer = observer
        self.on_change = on_change
        self.report = report
        self.watches: dict[Path, ObservedWatch] = {}

    def start(self) -> None:
        self.observer.schedule(self, str(self.root), recursive=False)
        for folder in self.folders:
            self.watch(folder)

    def watch(self, folder: Path) -> None:
        """Watch a folder and everything in it, again if it was removed and made anew."""
        old = self.watches.pop(folder, None)
        if old is not None:
            with contextlib.suppress(KeyError):  # already gone with its folder
                self.observer.unschedule(old)
        if folder.is_dir():
            self.watches[folder] = self.observer.schedule(self, str(folder), recursive=True)

    def on_any_event(self, event: FileSystemEvent) -> None:
        try:
            self.follow(event)
        except Exception as exc:  # noqa: BLE001 - the watcher must survive everything
            message = _(
                "could not follow a change ({kind}: {reason}); rebuilding, and still watching"
            )
            self.report(message.format(kind=type(exc).__name__, reason=exc))
            self.on_change(None, False)

    def follow(self, event: FileSystemEvent) -> None:
        if event.event_type in _READS:  # the build itself reads these files
            return
        # a file moved into place (how many editors save) counts where it lands
        names = (event.src_path, getattr(event, "dest_path", ""))
        paths = [Path(os.fsdecode(name)) for name in names if name]
        relevant: list[Path] = []
        for path in paths:
            if path.is_relative_to(self.output) or not self.watched(path):
                continue
            if path in self.folders and event.event_type in _RESHAPES:
                self.watch(path)  # before the rebuild reads it
            relevant.append(path)
        if not relevant:
            return
        # a file saved in place, or written beside and moved onto its name (how many
        # editors save): that file changed; anything else reshapes the site
        saved = event.event_type in _SAVES or (
            event.event_type == "moved" and relevant == paths[1:]
        )
        if event.is_directory and event.event_type in _SAVES:
            return  # a folder's times: the change inside is reported by itself
        # closed after writing, or moved into place: the save is whole
        self.on_change(relevant[-1] if saved else None, saved and event.event_type != "modified")

    def watched(self, path: Path) -> bool:
        if path == self.config:
            return True
        for folder in self.folders:
            if path == folder:
                return True
            if path.is_relative_to(folder):
                name = path.relative_to(folder).parts
                return not any(p.startswith(".") for p in name) and not name[-1].endswith("~")
        return False


class CannotListen(Exception):
    """The server could not listen on the address and port it was given."""

    def __init__(self, host: str, port: int, reason: str) -> None:
        message = _("cannot listen on {host} port {port}: {reason}")
        super().__init__(message.format(host=host, port=port, reason=reason))
        self.host, self.port, self.reason = host, port, reason


ANY_ADDRESS = frozenset({"0.0.0.0", "::", ""})


def lan_address() -> str | None:
    """This machine's address on its network (the one other devices reach), if it has one.

    Connecting a UDP socket sends nothing; it only picks the interface a packet would use."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never answered, never sent
            found = str(probe.getsockname()[0])
    except OSError:
        return None
    return None if found.startswith("127.") or found == "0.0.0.0" else found


def address_to_open(host: str, port: int, base_path: str) -> str | None:
    """The address to open in a browser, or None when the machine's address is unknown."""
    if host in ANY_ADDRESS:
        found = lan_address()
        if found is None:
            return None
        host = found
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{base_path}"


def serve(
    root: Path,
    output: Path,
    base_path: str,
    port: int,
    rebuild: Rebuild,
    poll: bool = False,
    on_ready: Callable[[str | None], None] | None = None,
    first_errors: list[str] | None = None,
    report: Report = lambda _line: None,
    host: str = "127.0.0.1",
    rebuild_at_start: bool = False,
) -> None:
    """Serve on ``host`` until interrupted; call ``rebuild`` after each burst of changes
    (and once as soon as it listens with ``rebuild_at_start``: a first build answered
    from the cache leaves nothing to show the next saves from memory).

    ``rebuild`` is given the files saved since the last rebuild (None when files or
    folders were also made, removed or renamed) and returns the build's errors as text
    lines (none when it succeeded);
    ``first_errors`` are those of the build made before serving. ``report`` receives a
    line for each bad request, failed rebuild or change that could not be followed.
    ``on_ready`` receives the address to open, or None when the server listens on every
    address of a machine whose network address could not be found.
    Raises CannotListen when ``host`` and ``port`` cannot be used.
    """
    root = root.absolute()  # the watcher compares the paths it is given with these
    handler = functools.partial(_Handler, directory=str(output))
    status = BuildStatus()
    status.publish(first_errors or [])
    _Handler.base_path = base_path
    _Handler.public = output
    _Handler.status = status
    _Handler.admin = Hook(root, base_path)
    try:
        server = _Server((host, port), handler, report)
    except (OSError, OverflowError) as exc:
        raise CannotListen(host, port, getattr(exc, "strerror", None) or str(exc)) from None
    changed = threading.Event()
    complete = threading.Event()  # the last change completed a save
    saved: set[Path | None] = set()  # the files saved since the last rebuild
    guard = threading.Lock()

    def on_change(path: Path | None, done: bool = False) -> None:
        with guard:
            saved.add(path)
            if done:
                complete.set()
            else:
                complete.clear()
        changed.set()

    observer = PollingObserver() if poll else Observer()
    _Changes(root, output, observer, on_change, report).start()
    observer.start()
    if rebuild_at_start:
        on_change(None)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    if on_ready:
        on_ready(address_to_open(host, server.server_address[1], base_path))
    try:
        while True:
            if changed.wait(timeout=0.5):
                _debounce(changed, complete)
                with guard:
                    paths = frozenset(p for p in saved if p is not None)
                    reshaped = None in saved
                    saved.clear()
                status.publish(_rebuild(rebuild, None if reshaped else paths, status, report))
    finally:
        observer.stop()
        server.shutdown()
        server.server_close()
        observer.join(timeout=5)


def _debounce(changed: threading.Event, complete: threading.Event) -> None:
    """Return when the burst of saves is over: nothing changed for the quiet time, the
    shorter one when the last change completed a save."""
    while True:
        changed.clear()
        if not changed.wait(SAVED_SECONDS if complete.is_set() else DEBOUNCE_SECONDS):
            return


def _rebuild(
    rebuild: Rebuild, paths: frozenset[Path] | None, status: BuildStatus, report: Report
) -> list[str]:
    """The rebuild's errors; one that fails unexpectedly is reported and shown in the
    browser, and the server keeps showing the last good build."""
    try:
        return rebuild(paths, status.shown)
    except Exception as exc:  # noqa: BLE001 - the server must go on
        line = _(
            "the rebuild failed unexpectedly ({kind}: {reason}); the server keeps "
            "showing the last good build and rebuilds at the next save"
        ).format(kind=type(exc).__name__, reason=exc)
        report(line)
        return [line]

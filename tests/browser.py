"""Helpers for the end-to-end tests: a static host under a sub-path, Chromium, axe-core.

The host behaves like the production web server the column is published on: the built
folder answers under the base URL's path only, a folder without its trailing slash is
redirected, and every unknown address gets status 404 with the body of ``404.html``.
"""

from __future__ import annotations

import mimetypes
import os
import posixpath
import sys
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request, Response

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 15_000
"""Bound on every browser action, so a hang fails the test instead of stalling it."""


# -- the static host ------------------------------------------------------------------------


class _SiteHandler(BaseHTTPRequestHandler):
    server: SiteServer
    timeout = 10  # seconds a client may keep a connection idle
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep pytest's output clean

    def _answer(self, *, with_body: bool) -> None:
        raw_path = urlsplit(self.path).path
        path = unquote(raw_path)
        prefix = self.server.prefix
        if path + "/" == prefix:
            return self._send(HTTPStatus.MOVED_PERMANENTLY, b"", location=prefix)
        if not path.startswith(prefix):
            return self._not_found(with_body)
        relative = posixpath.normpath(path[len(prefix) :] or ".")
        if relative.startswith("..") or posixpath.isabs(relative):
            return self._not_found(with_body)
        file = self.server.root / relative
        if file.is_dir():
            if not path.endswith("/"):
                return self._send(HTTPStatus.MOVED_PERMANENTLY, b"", location=raw_path + "/")
            file = file / "index.html"
        if not file.is_file():
            return self._not_found(with_body)
        body = file.read_bytes()
        self._send(HTTPStatus.OK, body if with_body else b"", _content_type(file), len(body))

    def _not_found(self, with_body: bool) -> None:
        body = (self.server.root / "404.html").read_bytes()
        self._send(
            HTTPStatus.NOT_FOUND, body if with_body else b"", "text/html; charset=utf-8", len(body)
        )

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str = "text/plain; charset=utf-8",
        length: int | None = None,
        location: str | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.send_header("Cache-Control", "no-store")
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if body:
            self.wfile.write(body)


def _content_type(file: Path) -> str:
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/xml", "image/svg+xml"):
        kind += "; charset=utf-8"
    return kind


class SiteServer(ThreadingHTTPServer):
    """Serves ``root`` at ``http://127.0.0.1:<free port><prefix>`` in a background thread."""

    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, root: Path, prefix: str) -> None:
        assert prefix.startswith("/") and prefix.endswith("/"), prefix
        self.root = root.resolve()
        self.prefix = prefix
        super().__init__(("127.0.0.1", 0), _SiteHandler)
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # the browser hung up: fine
            super().handle_error(request, client_address)

    @property
    def origin(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """The local address of the home page (under the sub-path)."""
        return self.origin + self.prefix

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)


# -- Chromium -------------------------------------------------------------------------------


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, never a downloaded one; fail (or skip if asked) when it is missing."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        if os.environ.get("CCHCGEN_SKIP_E2E") == "1":
            pytest.skip(f"{CHROMIUM} is missing and CCHCGEN_SKIP_E2E=1")
        pytest.fail(
            f"the end-to-end tests need Chromium at {CHROMIUM}, which is missing: "
            "run `make test-deps` (it installs Debian's chromium package; no browser is "
            "downloaded), or set CCHCGEN_SKIP_E2E=1 to skip these tests",
            pytrace=False,
        )
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, timeout=30_000
    )


@dataclass
class Visit:
    """What happened while a page loaded: its response and everything that went wrong."""

    page: Page
    response: Response | None
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    @property
    def status(self) -> int | None:
        return self.response.status if self.response else None

    def problems(self) -> list[str]:
        return self.console_errors + self.failed_requests


def visit(page: Page, url: str, local_origin: str) -> Visit:
    """Open ``url`` and record console errors, page errors and failed sub-requests.

    The main document's own status is returned, not reported (the 404 page must be a 404);
    any other request answered with status >= 400, refused, or going off 127.0.0.1 is a
    failure. Requests to other hosts are aborted so the test never touches the network.
    """
    record = Visit(page, None)

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "")
        if where == url and message.text.startswith("Failed to load resource: the server"):
            return  # Chromium's note about the document's own 404, checked by status instead
        record.console_errors.append(f"console error: {message.text} ({where})")

    def on_request_failed(request: Request) -> None:
        record.failed_requests.append(f"request failed: {request.url} ({request.failure})")

    def on_response(response: Response) -> None:
        if response.status >= 400 and response.url != url:
            record.failed_requests.append(f"HTTP {response.status}: {response.url}")

    def stay_local(route, request: Request) -> None:
        if request.url.startswith(local_origin + "/"):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    page.route("**/*", stay_local)
    page.on("console", on_console)
    page.on("pageerror", lambda error: record.console_errors.append(f"page error: {error}"))
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)
    record.response = page.goto(url, wait_until="load")
    return record


# -- axe-core -------------------------------------------------------------------------------

_AXE = Axe()


def axe_violations(page: Page) -> list[dict]:
    """Violations of WCAG 2.0/2.1 A and AA found by axe-core (the copy bundled with
    axe-playwright-python)."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return _AXE.run(page, options=options).response["violations"]


def describe_violations(violations: list[dict], limit: int = 5) -> str:
    """Each violation with its rule id, impact, help text and link, and the elements hit."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f" <{violation.get('helpUrl', '')}>"
        )
        for node in violation["nodes"][:limit]:
            target = " ".join(str(t) for t in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
            lines.append(f"    at {target}: {summary}")
            lines.append(f"      {node.get('html', '')[:200]}")
        if len(violation["nodes"]) > limit:
            lines.append(f"    ... and {len(violation['nodes']) - limit} more")
    return "\n".join(lines)


def assert_fits_and_passes_axe(loaded: Visit, url: str) -> None:
    """The page fits its viewport's width, logged no error, failed no request, and
    passes axe-core's WCAG 2.0/2.1 A and AA rules."""
    page = loaded.page
    width = page.evaluate(OVERFLOW_JS)
    assert width["scrollWidth"] <= width["innerWidth"], (
        f"{url}: the page is {width['scrollWidth']}px wide in a {width['innerWidth']}px "
        f"viewport; too wide: {width['wide']}"
    )
    problems = loaded.problems()
    assert not problems, f"{url}: console errors or failed requests:\n" + "\n".join(problems)
    violations = axe_violations(page)
    assert not violations, (
        f"{url}: {len(violations)} axe-core violation(s) of WCAG 2.0/2.1 A/AA:\n"
        + describe_violations(violations)
    )


OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 0.5) {
      const id = el.id ? '#' + el.id : '';
      const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
      wide.push(`${el.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(box.right)}px)`);
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: width,
    wide: wide.slice(0, 10),
  };
}"""
"""Page width against the viewport, and the elements sticking out (for the message)."""

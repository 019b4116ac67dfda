"""The preview's last step, timed in a browser: from the edited page written to the page
open in Chromium showing it (bench/bench.py, step h).

``cchcgen serve`` adds a script to the pages it serves that waits for the next rebuild and
reloads the page. Here the page is open in headless Chromium (Debian's
``/usr/bin/chromium``, driven by Playwright from the test extras; nothing is downloaded).
Each edit is saved, the browser is left to reload by itself, and four moments are read on
the computer's clock: the save, the open page's file written (its modification time), the
reloaded page's navigation start (``performance.timeOrigin``) and the end of its
``DOMContentLoaded`` event (the new text is in the document). The browser's
moments come from its own clock, so polling from here adds nothing to them.

Playwright is imported only here, so that the rest of the benchmark needs the standard
library only; without it or without Chromium the step is reported as not measured.
Chromium is started as the end-to-end tests start it (``tests/browser.py``), with the
flags this machine needs.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

TESTS = Path(__file__).resolve().parent.parent / "tests"

_TIMES = """() => {
  const entry = performance.getEntriesByType("navigation")[0];
  return [performance.timeOrigin, entry.domContentLoadedEventEnd, entry.type];
}"""


@dataclass(frozen=True)
class Reload:
    """One edit as the browser saw it; moments in seconds since the epoch."""

    saved: float
    """The edited file closed."""
    written: float
    """The open page's file written (its modification time)."""
    navigated: float
    """The reloaded page's navigation start."""
    shown: float
    """The end of the reloaded page's DOMContentLoaded event."""

    @property
    def after_write(self) -> float:
        """Seconds from the page's file written to the page showing the edit."""
        return self.shown - self.written

    @property
    def to_navigation(self) -> float:
        """Seconds from the page's file written to the browser starting the reload."""
        return self.navigated - self.written

    @property
    def after_save(self) -> float:
        """Seconds from the save to the page showing the edit."""
        return self.shown - self.saved


def _tests_browser() -> ModuleType:
    """The end-to-end tests' helpers (``tests/browser.py``: Playwright, pytest, axe)."""
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    import browser

    return browser


def unavailable() -> str | None:
    """Why the browser cannot be used here, or None."""
    try:
        chromium = _tests_browser().CHROMIUM
    except ImportError:
        return "the test extras (Playwright) are not installed (`make test` installs them)"
    if not (chromium.is_file() and os.access(chromium, os.X_OK)):
        return f"{chromium} is missing (`make test-deps` installs Debian's chromium)"
    return None


class Browser:
    """One Chromium tab on the preview."""

    def __init__(self, page: Any, timeout: float) -> None:
        self.page = page
        self.timeout_ms = timeout * 1000

    def open(self, url: str) -> None:
        """Load ``url`` and wait until its reload script waits for the next build."""
        with self.page.expect_request(lambda r: "/__cchcgen/wait?since=" in r.url
                                      and "since=-1" not in r.url):  # fmt: skip
            self.page.goto(url, wait_until="domcontentloaded", timeout=self.timeout_ms)

    def shown(self, save: Callable[[], object], marker: str, page: Path) -> Reload:
        """``save()`` an edit; wait until the open page, reloaded by itself, holds
        ``marker``; the moments, ``page`` being the page's file."""
        with self.page.expect_event("domcontentloaded", timeout=self.timeout_ms):
            save()
            saved = time.time()
        while marker not in self.page.content():  # an earlier build's reload
            self.page.wait_for_event("domcontentloaded", timeout=self.timeout_ms)
        origin_ms, loaded_ms, kind = self.page.evaluate(_TIMES)
        if kind != "reload":
            raise RuntimeError(
                f"the page showed the edit after a {kind!r} navigation, not a reload"
            )
        written = page.stat().st_mtime_ns / 1e9
        return Reload(saved, written, origin_ms / 1000, (origin_ms + loaded_ms) / 1000)

    def plain_reload(self) -> float:
        """Reload the open page with nothing changed: seconds from the navigation start
        to the end of DOMContentLoaded (what the browser itself takes)."""
        self.page.reload(wait_until="domcontentloaded", timeout=self.timeout_ms)
        _origin_ms, loaded_ms, _kind = self.page.evaluate(_TIMES)
        return float(loaded_ms) / 1000


@contextmanager
def browser(timeout: float) -> Iterator[Browser]:
    """A headless Chromium tab, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = _tests_browser().launch_chromium(playwright)
        try:
            yield Browser(chromium.new_page(), timeout)
        finally:
            chromium.close()

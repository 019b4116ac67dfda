"""The site's search index, built with Pagefind (the ``pagefind[bin]`` package from PyPI).

Citizens type on phones without diacritics ("dang ky dat dai" for "đăng ký đất đai").
Pagefind folds accents but not ``đ`` to ``d``, so we do not let it read our pages: we
give it one record per page whose text is already folded (lowercase, no diacritics,
``đ`` as ``d``), and the search page folds the query the same way. What a reader sees in
the results (title, section, date, summary) comes from the record's metadata, in the
original Vietnamese. Navigation, footer and the hotline strip are never indexed because
they are never in a record.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .content import Site
from .i18n import Locale
from .outputs import SearchRecord
from .urls import fold

INDEX_DIR = "pagefind"
"""Where the index is published: ``/pagefind/`` under the base path."""

_UNUSED = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")
"""Pagefind's ready-made interfaces: the search page has its own, in Vietnamese."""


def searchable(record: SearchRecord) -> tuple[str, str]:
    """The record's heading and text as the index stores them: folded, with every code
    also written as one word without its punctuation (``13/KH-UBND`` and ``13khubnd``).
    The heading carries the title and codes, which Pagefind weighs above the text."""
    codes = " ".join(f"{code} {re.sub(r'[^0-9A-Za-z]', '', code)}" for code in record.codes)
    return fold(f"{record.title} {codes}"), fold(f"{record.summary} {record.text}")


def index_files(records: Sequence[SearchRecord], language: str) -> dict[str, bytes]:
    """The Pagefind bundle for ``records``: {path under the output folder: bytes}."""
    return start_index(records, language).result()


class PendingIndex:
    """Pagefind indexing ``records`` in its own process while the build renders pages.

    Each record becomes a small HTML file whose body is the folded text and whose title,
    date, summary and section are Pagefind metadata; the Pagefind binary (from PyPI, no
    download at run time) indexes them in one native pass. Pagefind's Python service
    answers one request per 100 ms, too slow for thousands of pages. The section is not a
    Pagefind filter: Pagefind 1.5 writes filter values in a different order on every run,
    which would break reproducible builds, so the search page filters on the metadata.
    """

    def __init__(self, records: Sequence[SearchRecord], language: str) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="cchcgen-search-")
        folder = Path(self._folder.name)
        pages, self._bundle = folder / "pages", folder / "bundle"
        pages.mkdir()
        for number, record in enumerate(records):  # flat: the address is in the metadata
            (pages / f"{number:06d}.html").write_text(_page(record, language), encoding="utf-8")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "pagefind", "--site", str(pages),
             "--output-path", str(self._bundle), "--force-language", language, "--silent"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip

    def result(self) -> dict[str, bytes]:
        try:
            out, err = self._process.communicate()
            if self._process.returncode != 0:
                raise SearchIndexError(err.strip() or out.strip())
            return {
                f"{INDEX_DIR}/{path.relative_to(self._bundle).as_posix()}": path.read_bytes()
                for path in sorted(self._bundle.rglob("*"))
                if path.is_file() and not path.name.startswith(_UNUSED)
            }
        finally:
            self._folder.cleanup()

    def cancel(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._folder.cleanup()


def start_index(records: Sequence[SearchRecord], language: str) -> PendingIndex:
    return PendingIndex(records, language)


class SearchIndexError(RuntimeError):
    """Pagefind failed; the message is what it printed."""


def _page(record: SearchRecord, language: str) -> str:
    esc = html.escape
    heading, text = searchable(record)
    kind = f'<p data-pagefind-weight="10">{esc(fold(record.kind))}</p>' if record.kind else ""
    meta = "".join(
        f'<span data-pagefind-meta="{key}">{esc(value)}</span>'
        for key, value in (
            ("url", record.url),
            ("title", record.title),
            ("date", record.date),
            ("summary", record.summary),
            ("kind", record.kind),
        )
        if value
    )
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{esc(record.title)}</title></head><body><div data-pagefind-body>"
        f"<div data-pagefind-ignore>{meta}"
        f'<span data-pagefind-meta="section">{esc(record.section)}</span></div>'
        f"{kind}<h1>{esc(heading)}</h1><p>{esc(text)}</p></div></body></html>"
    )


def site_records(site: Site, locale: Locale) -> list[SearchRecord]:
    """One record per page worth finding, from every content type in registry order."""
    from . import kinds

    return [record for kind in kinds.registry() for record in kind.search_records(site, locale)]

"""An editor's text file (content, data or site.yaml) as one normalised string."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from .errors import Collector, unreadable
from .messages import N_, _

MAX_FILE_BYTES = 2_000_000
"""Larger content files and site.yaml are refused: a file pasted from a scanned document
would otherwise be read, parsed and published many times over."""

_LIMIT_MB = MAX_FILE_BYTES // 1_000_000

LARGE_DOCUMENT_HINT = N_("put large documents in content/static/ and link to them")


def read_text(
    path: Path, rel: str, diags: Collector, large_hint: str = LARGE_DOCUMENT_HINT
) -> str | None:
    """UTF-8 text, without its byte-order mark, with '\\n' line ends and in NFC form.

    NFC composes the decomposed letters that macOS file names and some Word or PDF
    copies hold ('ệ' as 'e' and two marks), so the same word is one string everywhere.
    It only composes within a line, so line numbers stay those of the file. None
    (reported) for a file that is too large, unreadable or not UTF-8."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            diags.error(
                rel,
                None,
                None,
                _("the file is {size} MB; the limit is {limit} MB").format(
                    size=size // 1_000_000, limit=_LIMIT_MB
                ),
                _(large_hint),
            )
            return None
        raw = path.read_bytes()
    except OSError as exc:
        diags.add(unreadable(rel, exc))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        diags.error(
            rel,
            line,
            None,
            _("the file is not UTF-8 text"),
            _("save it as UTF-8 (in Notepad: Save As → Encoding: UTF-8)"),
        )
        return None
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))

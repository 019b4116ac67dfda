"""QR codes that bring a phone to a page; the only module that imports segno.

segno is pure Python and writes byte-identical SVG and PNG for the same input,
which keeps builds reproducible. Error correction M survives a worn or
partly covered printout at the one-stop desk.
"""

from __future__ import annotations

import functools
import io
import re
from html import escape

import segno

INLINE_PIXELS_PER_MODULE = 4


@functools.lru_cache(maxsize=256)
def _code(url: str) -> segno.QRCode:
    """Encoding takes ~3 ms; a page's inline code, qr.svg, qr.png and poster share one."""
    return segno.make(url, error="m", micro=False)


def svg_file(url: str, title: str) -> bytes:
    """A standalone SVG file (``qr.svg``) for download and print."""
    buffer = io.BytesIO()
    _code(url).save(
        buffer,
        kind="svg",
        scale=10,
        border=4,
        light="#fff",
        title=title,
        desc=url,
        xmldecl=True,
        svgns=True,
        nl=True,
    )
    return buffer.getvalue()


def png_file(url: str) -> bytes:
    """A PNG (``qr.png``) large enough to print at 4 cm and more."""
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="png", scale=10, border=4)
    return buffer.getvalue()


def svg_inline(url: str, label: str, css_class: str = "qr-code") -> str:
    """SVG markup to put inside a page: an image with an accessible name."""
    code = _code(url)
    svg = code.svg_inline(
        scale=1, border=4, light="#fff", svgclass=css_class, omitsize=True, title=label
    )
    # A viewBox lets CSS set the shown and printed size; width and height give the
    # intrinsic size that readers without our stylesheet (and QR scanners) need.
    side = code.symbol_size(scale=INLINE_PIXELS_PER_MODULE, border=4)[0]
    size = f'width="{side}" height="{side}"'
    return re.sub(r"^<svg ", f'<svg role="img" aria-label="{escape(label)}" {size} ', svg, count=1)

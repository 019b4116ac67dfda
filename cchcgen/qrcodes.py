"""QR codes that bring a phone to a page; the only module that imports segno.

segno is pure Python and writes byte-identical SVG and PNG for the same input,
which keeps builds reproducible. Error correction M survives a worn or
partly covered printout at the one-stop desk.

Encoding an address takes ~3.5 ms and segno's PNG writer ~6 ms, so a :class:`Memo`
keeps every code drawn, by address, in the build cache (a site of 2,000 procedures
would otherwise spend ~20 s per build on them), and PNGs are written here from
segno's matrix with zlib, in the same bytes as segno's writer.
"""

from __future__ import annotations

import functools
import io
import re
import struct
import zlib
from collections.abc import Callable, Iterable
from html import escape
from typing import Any

import segno

INLINE_PIXELS_PER_MODULE = 4
PNG_SCALE = 10
BORDER = 4

ENV = f"segno {segno.__version__}; png {PNG_SCALE}/{BORDER}; 1"
"""What every remembered code depends on besides its address and label: a cache made
with another segno or other settings is not used."""


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
        border=BORDER,
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
    return png_from_matrix(_code(url).matrix, PNG_SCALE, BORDER)


def png_from_matrix(matrix: Iterable[Iterable[int]], scale: int, border: int) -> bytes:
    """A black-on-white PNG of a QR matrix (rows of 1 for dark, 0 for light): 1 bit per
    pixel, each module ``scale`` pixels, ``border`` light modules around. The bytes are
    those of segno's own writer (``save(kind="png")``), made ~50 times faster: a row is
    drawn once and repeated with PNG's "Up" filter, as segno does."""
    rows = [bytes(row) for row in matrix]
    width = (len(rows[0]) + 2 * border) * scale
    row_bytes = (width + 7) // 8
    padding = "0" * (row_bytes * 8 - width)
    margin = "1" * (border * scale)
    pixels = {0: "1" * scale, 1: "0" * scale}  # greyscale: black is 0

    def scanline(bits: str) -> bytes:
        return b"\0" + int(bits + padding, 2).to_bytes(row_bytes, "big")

    light = scanline("1" * width) * (border * scale)
    repeat = (b"\2" + bytes(row_bytes)) * (scale - 1)
    image = bytearray(light)
    for row in rows:
        image += scanline(margin + row.decode("latin-1").translate(pixels) + margin)
        image += repeat
    image += light

    def chunk(name: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + name + data + struct.pack(">I", zlib.crc32(name + data))
        )

    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", struct.pack(">2I5B", width, width, 1, 0, 0, 0, 0)),
            chunk(b"IDAT", zlib.compress(bytes(image), 9)),
            chunk(b"IEND", b""),
        )
    )


def svg_inline(url: str, label: str, css_class: str = "qr-code") -> str:
    """SVG markup to put inside a page: an image with an accessible name."""
    code = _code(url)
    svg = code.svg_inline(
        scale=1, border=BORDER, light="#fff", svgclass=css_class, omitsize=True, title=label
    )
    # A viewBox lets CSS set the shown and printed size; width and height give the
    # intrinsic size that readers without our stylesheet (and QR scanners) need.
    side = code.symbol_size(scale=INLINE_PIXELS_PER_MODULE, border=BORDER)[0]
    size = f'width="{side}" height="{side}"'
    return re.sub(r"^<svg ", f'<svg role="img" aria-label="{escape(label)}" {size} ', svg, count=1)


class Memo:
    """The codes of earlier builds, by address: each of :func:`svg_file`, :func:`png_file`
    and :func:`svg_inline` is drawn once per address and label, then remembered.

    ``known`` is the build cache's store (key → file or markup); codes drawn in this
    process are added to it and also listed until :meth:`take`, so that worker
    processes can hand theirs to the parent, which :meth:`merge` s them."""

    def __init__(self, known: dict[str, str | bytes] | None = None) -> None:
        self.known: dict[str, str | bytes] = known if known is not None else {}
        self.made: dict[str, str | bytes] = {}
        self._labelled = {key.rsplit("\0", 1)[0]: key for key in self.known}
        """Address and kind → the key of its code (with the label it was drawn with)."""
        self.drawn = 0
        """How many codes this process drew (not found in ``known``)."""

    @staticmethod
    def key(kind: str, url: str, label: str = "") -> str:
        return f"{url}\0{kind}\0{label}"

    def _get(self, kind: str, url: str, label: str, draw: Callable[[], str | bytes]) -> Any:
        key = self.key(kind, url, label)
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = self.made[key] = draw()
            self.drawn += 1
        return found

    def svg_file(self, url: str, title: str) -> bytes:
        data = self._get("svg", url, title, lambda: svg_file(url, title))
        assert isinstance(data, bytes)
        return data

    def png_file(self, url: str) -> bytes:
        data = self._get("png", url, "", lambda: png_file(url))
        assert isinstance(data, bytes)
        return data

    def svg_inline(self, url: str, label: str) -> str:
        markup = self._get("inline", url, label, lambda: svg_inline(url, label))
        assert isinstance(markup, str)
        return markup

    def take(self) -> dict[str, str | bytes]:
        """The codes drawn since the last call (in a worker: to send to the parent)."""
        made, self.made = self.made, {}
        return made

    def merge(self, made: dict[str, str | bytes]) -> None:
        """Add codes a worker drew; an address's code with an older label is dropped."""
        for key, code in made.items():
            labelled = key.rsplit("\0", 1)[0]
            old = self._labelled.get(labelled)
            if old is not None and old != key:
                self.known.pop(old, None)
            self._labelled[labelled] = key
            self.known[key] = code

    def keep(self, addresses: set[str]) -> None:
        """Forget the codes of addresses the site no longer has."""
        for key in [k for k in self.known if k.split("\0", 1)[0] not in addresses]:
            del self.known[key]
            self._labelled.pop(key.rsplit("\0", 1)[0], None)

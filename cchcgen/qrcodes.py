"""QR codes that bring a phone to a page: the SVG and PNG files and the code shown inside
a page, drawn from a code's matrix.

:mod:`cchcgen.qrencode` encodes an address (error correction M survives a worn or partly
covered printout at the one-stop desk) as segno would; the SVG and PNG are drawn here,
the same text and image as segno's own writers (tests/test_qrcodes.py compares them) in a
fraction of their time, so builds stay reproducible. Encoding takes ~0.3 ms an address
and drawing the SVG's lines ~0.05 ms; a :class:`Memo` keeps every code's lines, by
address and compressed, in the build cache, so that a code whose page's title changed
is neither encoded nor drawn again: its lines are read back in a fraction of that.
"""

from __future__ import annotations

import functools
import struct
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from typing import TypeVar
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from cchcgen import qrencode

INLINE_PIXELS_PER_MODULE = 4
PNG_SCALE = 10
BORDER = 4

Matrix = qrencode.Matrix


INLINE_CLASS = "qr-code"
"""The class of a code shown inside a page (the stylesheet sizes it)."""

PNG_COMPRESSION = 3
"""zlib's level. A code's image is a few kilobytes of distinct lines between runs of zeros
(the repeated lines); at level 3 it takes ~0.1 ms a code, a fifth of level 6's time and a
twentieth of segno's level 9, for a file ~30 % larger than segno's (~1.3 KB instead of
~1 KB): nothing for one download, a second of CPU for the 5,000 posts of a cold build."""

ENV = f"segno {qrencode.SEGNO}; lines; border {BORDER}"
"""What every remembered code depends on besides its address: a cache made
with another segno or other settings is not used."""


_ROW_END = b"\2"
_BETWEEN_ROWS = b"\0" + _ROW_END
"""Put between the rows of a matrix (whose modules are bytes 0 and 1) to read it as one:
a light module, so that a dark module at the end of a row is followed by a light one as
inside a row, then the row's end."""

_RUN_END = b"\1\0"
"""A run of dark modules ends: its last dark module, then a light one."""


class _Moves(dict[bytes, str]):
    """The move and line that draw a run of dark modules, for a code ``width`` modules
    wide, by what :func:`_runs` gives for it. The move starts where the last run ended:
    right across the light modules of the same row, or ``rows`` rows down and left or
    right to where the run starts (the last row's light end and this row's light start,
    less a row's width). Made once each: a code has ~400 runs and far fewer different
    ones."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.width = width

    def __missing__(self, between: bytes) -> str:
        run = b"\0" + between + b"\1"  # the modules read since the last run, and the run
        dark = _dark_at_end(run)
        rows = run.count(_ROW_END)
        light = len(run) - dark - rows * len(_BETWEEN_ROWS)
        self[between] = move = f"m{light - rows * self.width} {rows}h{dark}"
        return move


def _runs(modules: Matrix) -> list[bytes]:
    """The matrix read row after row (:data:`_BETWEEN_ROWS` between rows), cut at each
    end of a run of dark modules (:data:`_RUN_END`, which the cut takes away): the first
    part is what comes before the first run's last module; each next part, what lies
    between two runs' ends but the light module that opens it and the dark module that
    closes it (light modules and row ends, then dark ones); what follows the last run is
    left out. One split: a regular expression that finds the runs takes half as long
    again."""
    parts = (_BETWEEN_ROWS.join(modules) + b"\0").split(_RUN_END)
    parts.pop()  # the light modules after the last run (maybe none)
    return parts


def _dark_at_end(run: bytes) -> int:
    """How many dark modules ``run`` ends with."""
    return len(run) - len(run.rstrip(b"\1"))


@functools.cache
def _moves(width: int) -> _Moves:
    return _Moves(width)


Lines = tuple[int, str]
"""A code's width in modules and the ``d`` of the path that draws its dark modules: all
that its SVGs need of it (see :func:`lines`)."""


def lines(modules: Matrix) -> Lines:
    """The lines that draw ``modules``: :func:`_dark_path`'s, with the code's width."""
    return len(modules), _dark_path(modules)


def _dark_path(modules: Matrix) -> str:
    """The ``d`` of the path that draws the dark modules, as segno's SVG writer gives it:
    one horizontal line per run, each moved to from the end of the one before (the first
    from the corner, to the middle of its row); a page's code, its poster and qr.svg
    share it."""
    runs = _runs(modules)
    if not runs:
        return ""
    first = runs[0] + b"\1"
    dark = _dark_at_end(first)
    row = first.count(_ROW_END)
    light = len(first) - dark - row * (len(modules) + len(_BETWEEN_ROWS))
    start = f"M{BORDER + light} {BORDER + row + 0.5}h{dark}"
    return start + "".join(map(_moves(len(modules)).__getitem__, runs[1:]))


@functools.lru_cache(maxsize=256)
def matrix(url: str) -> Matrix:
    """The code of ``url`` (error correction M); a page's inline code, qr.svg, qr.png
    and poster drawn in one process share one (the build cache keeps its lines)."""
    return qrencode.encode(url)


def svg_file(url: str, title: str, drawn: Lines | None = None) -> bytes:
    """A standalone SVG file (``qr.svg``) for download and print."""
    return _svg(
        drawn or lines(matrix(url)), scale=10, title=title, desc=url, css_class="segno", file=True
    ).encode()


def png_file(url: str, modules: Matrix | None = None) -> bytes:
    """A PNG (``qr.png``) large enough to print at 4 cm and more."""
    return png_from_matrix(modules or matrix(url), PNG_SCALE, BORDER)


def svg_inline(
    url: str, label: str, css_class: str = INLINE_CLASS, drawn: Lines | None = None
) -> str:
    """SVG markup to put inside a page: an image with an accessible name. A viewBox lets
    CSS set the shown and printed size; width and height give the intrinsic size that
    readers without our stylesheet (and QR scanners) need."""
    drawn = drawn or lines(matrix(url))
    side = (drawn[0] + 2 * BORDER) * INLINE_PIXELS_PER_MODULE
    svg = _svg(drawn, scale=1, title=label, desc=None, css_class=css_class, file=False)
    size = f'width="{side}" height="{side}"'
    return f'<svg role="img" aria-label="{escape(label)}" {size} {svg.removeprefix("<svg ")}'


def _svg(drawn: Lines, scale: int, title: str, desc: str | None, css_class: str, file: bool) -> str:
    """The SVG segno writes for a code (``save(kind="svg", border=4, light="#fff",
    ...)``): a file (XML declaration, namespace, width and height, final newline) or
    markup for a page (a viewBox instead), drawn with one path of horizontal lines; the
    same text, made from the code's lines in a fraction of the time (tests/test_qrcodes.py
    compares them)."""
    side = drawn[0] + 2 * BORDER
    dark = f'<path class="qrline" stroke="#000" d="{drawn[1]}"/>'
    light = f'<path fill="#fff" d="M0 0h{side}v{side}h-{side}z"/>'
    paths = "".join(sorted((dark, light), key=len))
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"'
        if file
        else "<svg"
    )
    size = side * scale
    shape = f' width="{size}" height="{size}"' if file else f' viewBox="0 0 {size} {size}"'
    text = f"{head}{shape} class={quoteattr(css_class)}><title>{xml_escape(title)}</title>"
    if desc is not None:
        text += f"<desc>{xml_escape(desc)}</desc>"
    body = f'<g transform="scale({scale})">{paths}</g>' if scale != 1 else paths
    return text + body + "</svg>" + ("\n" if file else "")


@functools.lru_cache(maxsize=4)
def _spread(scale: int) -> tuple[bytes, ...]:
    """For each byte of eight modules (a bit each, 1 dark), their pixels: ``scale`` bits
    a module, 1 for light (greyscale: black is 0), ``scale`` bytes in all."""
    return tuple(
        int("".join(("0" if value >> (7 - k) & 1 else "1") * scale for k in range(8)), 2).to_bytes(
            scale, "big"
        )
        for value in range(256)
    )


def png_from_matrix(matrix: Iterable[Iterable[int]], scale: int, border: int) -> bytes:
    """A black-on-white PNG of a QR matrix (rows of 1 for dark, 0 for light): 1 bit per
    pixel, each module ``scale`` pixels, ``border`` light modules around. The image is
    that of segno's own writer (``save(kind="png")``), made ~50 times faster: a row is
    drawn once and repeated with PNG's "Up" filter, as segno does; it is compressed at
    :data:`PNG_COMPRESSION`."""
    rows = [bytes(row) for row in matrix]
    size = len(rows[0]) + 2 * border  # modules a line
    width = size * scale
    row_bytes = (width + 7) // 8
    # each line's modules as bits, 8 modules to a byte, then each byte as its 8 × scale
    # pixels; the modules added to fill the last byte are dark, so that the bits after the
    # image's width are 0, as segno writes them
    edge, fill = bytes(border), b"\1" * (-size % 8)
    bits = b"".join(edge + row + edge + fill for row in rows).translate(qrencode.TO_DIGITS)
    packed = int(bits, 2).to_bytes(len(bits) // 8, "big")
    pixels = b"".join(map(_spread(scale).__getitem__, packed))
    stride = (size + len(fill)) * scale // 8
    light = (
        b"\0" + int("1" * width + "0" * (row_bytes * 8 - width), 2).to_bytes(row_bytes, "big")
    ) * (border * scale)
    repeat = (b"\2" + bytes(row_bytes)) * (scale - 1)  # PNG's "Up" filter: the line above
    image = b"".join(
        [
            light,
            *(
                b"\0" + pixels[start : start + row_bytes] + repeat
                for start in range(0, len(pixels), stride)
            ),
            light,
        ]
    )

    def chunk(name: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + name + data + struct.pack(">I", zlib.crc32(name + data))
        )

    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", struct.pack(">2I5B", width, width, 1, 0, 0, 0, 0)),
            chunk(b"IDAT", zlib.compress(image, PNG_COMPRESSION)),
            chunk(b"IEND", b""),
        )
    )


_Drawing = TypeVar("_Drawing", str, bytes)


@dataclass(slots=True)
class Drawn:
    """The codes drawn in one process (a page's own code, a poster's, qr.svg, qr.png)
    since :meth:`Memo.take`: how many, the CPU time spent drawing them (the process's
    own, not the time other processes took meanwhile), the addresses encoded for them,
    and the lines drawn for addresses not found in the build cache (see :func:`pack`)."""

    count: int = 0
    seconds: float = 0.0
    encoded: list[str] = field(default_factory=list)
    kept: dict[str, bytes] = field(default_factory=dict)


RECENT = 256
"""How many of the codes it drew a :class:`Memo` keeps for itself (~2 KB each)."""


class Memo:
    """The codes of earlier builds, by address, as their SVG's lines compressed (~0.5 KB;
    see :func:`pack`): a page, SVG file or poster made again neither encodes its address
    nor draws its lines again, and reading them back takes a fraction of drawing them. A
    PNG, which is only made again for a new address, is drawn from the matrix.

    ``known`` is the build cache's store. What is drawn is counted until :meth:`take`, so
    that worker processes can hand their codes and counts to the parent, which
    :meth:`merge` s them into ``known``, :attr:`drawn`, :attr:`encoded` and
    :attr:`seconds` (the build reports them). A process keeps only the last
    :data:`RECENT` codes it drew for itself (a page's code, its qr.svg and the posters
    that show it are often rendered by the same worker): were each worker to keep all it
    drew, every worker of a cold build would hold most of the site's codes."""

    def __init__(self, known: dict[str, bytes] | None = None) -> None:
        self.known: dict[str, bytes] = known if known is not None else {}
        self._since = Drawn()
        self._recent: dict[str, Lines] = {}
        self._encoded: set[str] = set()
        self.drawn = 0
        self.seconds = 0.0

    def matrix(self, url: str) -> Matrix:
        self._since.encoded.append(url)
        return matrix(url)

    def lines(self, url: str) -> Lines:
        kept = self.known.get(url)
        if kept is not None:
            try:
                return unpack(kept)
            except ValueError:  # a damaged cache: draw it again
                pass
        drawn = self._recent.get(url)
        if drawn is None:
            drawn = self._recent[url] = lines(self.matrix(url))
            self._since.kept[url] = pack(drawn)
            if len(self._recent) > RECENT:
                del self._recent[next(iter(self._recent))]
        return drawn

    def svg_file(self, url: str, title: str) -> bytes:
        started = time.thread_time()
        return self._counted(started, svg_file(url, title, self.lines(url)))

    def png_file(self, url: str) -> bytes:
        started = time.thread_time()
        return self._counted(started, png_file(url, self.matrix(url)))

    def svg_inline(self, url: str, label: str) -> str:
        started = time.thread_time()
        return self._counted(started, svg_inline(url, label, INLINE_CLASS, self.lines(url)))

    def _counted(self, started: float, drawn: _Drawing) -> _Drawing:
        self._since.count += 1
        self._since.seconds += time.thread_time() - started
        return drawn

    def take(self) -> Drawn | None:
        """What was drawn since the last call (in a worker: to send to the parent); None
        when nothing was (the parent holds one answer per file until all are rendered)."""
        since = self._since
        if not since.count and not since.encoded:
            return None
        self._since = Drawn()
        return since

    def merge(self, drawn: Drawn | None) -> None:
        """Count what :meth:`take` gave (here or in a worker) and keep its codes."""
        if drawn is None:
            return
        self.known.update(drawn.kept)
        self._encoded.update(drawn.encoded)  # (two workers may encode the same address)
        self.drawn += drawn.count
        self.seconds += drawn.seconds

    @property
    def encoded(self) -> int:
        """How many addresses :meth:`merge` saw encoded."""
        return len(self._encoded)

    def keep(self, addresses: set[str]) -> None:
        """Forget the codes of addresses the site no longer has."""
        for url in [u for u in self.known if u not in addresses]:
            del self.known[url]


PACK_COMPRESSION = 1
"""zlib's level for the lines the cache keeps: ~0.02 ms a code, once per address, for
~0.5 KB (~0.4 KB at level 6, at three times the time); reading them back takes ~0.01 ms."""

_PATH_CHARACTERS = b"0123456789 .-Mmh"


def pack(drawn: Lines) -> bytes:
    """A code's lines as its width, then the path, compressed (zlib's checksum included,
    so that a damaged cache is noticed)."""
    return bytes([drawn[0]]) + zlib.compress(drawn[1].encode("ascii"), PACK_COMPRESSION)


def unpack(packed: bytes) -> Lines:
    """:func:`pack`'s lines; ValueError when ``packed`` is not what it makes."""
    side = packed[0] if packed else 0
    try:
        path = zlib.decompress(packed[1:])
    except zlib.error:
        path = b"?"
    if not 21 <= side <= 177 or (side - 21) % 4 or path.translate(None, _PATH_CHARACTERS):
        raise ValueError("not the lines of a QR code")
    return side, path.decode("ascii")

"""QR codes that bring a phone to a page; the only module that imports segno.

segno encodes an address (error correction M survives a worn or partly covered
printout at the one-stop desk); the SVG and PNG are drawn here from its matrix, the same
text and image as segno's own writers (tests/test_qrcodes.py compares them) in a
fraction of their time, so builds stay reproducible.

segno chooses each code's data mask module by module in Python (~7 ms a code); the same
choice is made here on whole rows (~2 ms, see "choosing the mask" below). Encoding an
address still takes ~2.5 ms, so a :class:`Memo` keeps every code's matrix, by address,
in the build cache (a site of 2,000 procedures would otherwise spend seconds per build
on them): a code whose page's title changed is drawn again from its matrix.
"""

from __future__ import annotations

import functools
import re
import struct
import zlib
from collections.abc import Iterable
from html import escape
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import segno

INLINE_PIXELS_PER_MODULE = 4
PNG_SCALE = 10
BORDER = 4

Matrix = tuple[bytes, ...]
"""A code's modules, one row per ``bytes`` (1 dark, 0 light), without the quiet zone."""


INLINE_CLASS = "qr-code"
"""The class of a code shown inside a page (the stylesheet sizes it)."""

PNG_COMPRESSION = 6
"""zlib's level: the image of a code compresses to ~5 % more than at segno's level 9, in a
sixth of the time (~0.2 ms instead of ~1.2 ms a code)."""

ENV = f"segno {segno.__version__}; matrices; 4"
"""What every remembered code depends on besides its address: a cache made
with another segno or other settings is not used."""


# ---------------------------------------------------------------- choosing the mask
#
# segno tries the eight data masks of ISO/IEC 18004 §7.8 on every code and keeps the one
# with the lowest penalty, module by module in Python: ~7 of the ~8 ms a code takes, and
# the largest part of a cold build's CPU once every post, plan and procedure has a code.
# The same choice is made here on whole rows at once (bytes, ints, regular expressions),
# with segno's own rules to the letter, so that every code is the one segno draws;
# tests/test_qrcodes.py compares the two on many addresses. segno is pinned to 1.6.x,
# whose encoder calls this function by its module name.


@functools.lru_cache(maxsize=64)
def _mask_rows(width: int) -> tuple[tuple[int, ...], ...]:
    """For each of the eight masks, each row's modules it flips, as an int whose bytes
    are the row's modules (1 where the mask applies inside the encoding region)."""
    from segno import encoder

    function = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(function, width, width)
    encoder.add_alignment_patterns(function, width, width)
    function[-8][8] = 0x1
    masks = encoder.get_data_mask_functions(False)
    return tuple(
        tuple(
            int.from_bytes(
                bytes(1 if function[i][j] > 0x1 and pattern(i, j) else 0 for j in range(width)),
                "big",
            )
            for i in range(width)
        )
        for pattern in masks
    )


_SAME_RUN = re.compile(rb"\x00{4,}")
"""Four modules each equal to the one before: five or more of one colour in a row."""
_PAIR = bytes.maketrans(bytes(range(9)), b"axxxbxxxc")
"""A 2×2 block: two rows as one (3 × upper + lower, per module); the same colour in
both rows is ``a``, ``b`` or ``c`` (values 0, 1 and segno's placeholder 2)."""
_OTHER_PAIR = bytes.maketrans(b"abcx", b"\x00\x00\x00\x01")


def _equal_to_previous(data: bytes, first: bytes) -> bytes:
    """A 0 byte where a byte equals the one before it (``first`` before the first one)."""
    shifted = first + data[:-1]
    size = len(data)
    return (int.from_bytes(data, "big") ^ int.from_bytes(shifted, "big")).to_bytes(size, "big")


_N3 = bytes((1, 0, 1, 1, 1, 0, 1))


def _n3(joined: bytes, size: int) -> int:
    """segno's N3 rule (a finder-like 1:1:3:1:1 run with 4 light modules on a side), on
    lines of ``size`` modules joined by one separator byte."""
    count, stride = 0, size + 1
    index = joined.find(_N3)
    while index != -1:
        start, column = index - index % stride, index % stride
        before = joined[start + max(column - 4, 0) : start + column]
        after = joined[start + column + 7 : start + min(column + 11, size)]
        if column in (0, size - 7) or not any(before) or not any(after):
            count += 40
            index = joined.find(_N3, index + 7)
        else:
            index = joined.find(_N3, index + 4)
    return count


def _penalty(rows: list[bytes], size: int) -> int:
    """segno's ``evaluate_mask``: N1 + N2 + N3 + N4 of a masked matrix."""
    columns = [bytes(column) for column in zip(*rows, strict=True)]
    # rows and columns joined by a byte that is no module: no run crosses two lines
    joined = b"\xff".join((*rows, *columns))
    # N1: a run of n ≥ 5 modules of one colour (n - 1 bytes equal to the one before)
    # scores n - 2
    same = _equal_to_previous(joined, b"\xfe")
    rest, runs = _SAME_RUN.subn(b"", same)
    score = len(same) - len(rest) - runs
    score += _n3(joined, size)
    # N2: 3 for each module that completes a 2×2 block of one colour: its pair (upper,
    # lower) is one colour and equals the pair before it
    pairs = b"x".join(
        (int.from_bytes(upper, "big") * 3 + int.from_bytes(lower, "big"))
        .to_bytes(size, "big")
        .translate(_PAIR)
        for upper, lower in zip(rows, rows[1:], strict=False)
    )
    repeated = int.from_bytes(_equal_to_previous(pairs, b"\x00"), "big")
    mixed = int.from_bytes(pairs.translate(_OTHER_PAIR), "big")
    score += 3 * (repeated | mixed).to_bytes(len(pairs), "big").count(0)
    dark = sum(map(sum, rows))  # N4, counting placeholders as segno does
    return score + 10 * int(abs(dark / (size * size) * 100 - 50) / 5)


_SEGNO_BEST_MASK = None


def _best_mask(matrix: Any, width: int, height: int, proposed_mask: Any = None) -> Any:
    """``segno.encoder.find_and_apply_best_mask`` for QR codes (not Micro QR)."""
    if width != height or width < 21 or proposed_mask is not None:
        assert _SEGNO_BEST_MASK is not None
        return _SEGNO_BEST_MASK(matrix, width, height, proposed_mask)
    plain = [int.from_bytes(row, "big") for row in matrix]
    best: tuple[int, int, list[bytes]] | None = None
    for number, flips in enumerate(_mask_rows(width)):
        rows = [(row ^ flip).to_bytes(width, "big") for row, flip in zip(plain, flips, strict=True)]
        score = _penalty(rows, width)
        if best is None or score < best[0]:
            best = (score, number, rows)
    assert best is not None
    return best[1], tuple(bytearray(row) for row in best[2])


_RUNS = re.compile(rb"(\x00*)(\x01+)")
"""The light modules before a run of dark ones, and the run."""


@functools.lru_cache(maxsize=64)
def _dark_path(modules: Matrix) -> str:
    """The ``d`` of the path that draws the dark modules, as segno's SVG writer gives it:
    one horizontal line per run, each moved to from the end of the one before (the first
    from the corner); a page's code, its poster and qr.svg share it."""
    moves: list[str] = []
    x, y = 0, 0.0  # where the last line ended, and its row's centre
    for number, row in enumerate(modules):
        runs = _RUNS.findall(row)
        if not runs:
            continue
        centre = BORDER + number + 0.5
        light, dark = runs[0]
        start = BORDER + len(light)
        dy = centre - y
        moves.append(
            f"{'m' if moves else 'M'}{start - x} {int(dy) if int(dy) == dy else dy}h{len(dark)}"
        )
        x = start + len(dark)
        for light, dark in runs[1:]:
            moves.append(f"m{len(light)} 0h{len(dark)}")
            x += len(light) + len(dark)
        y = centre
    return "".join(moves)


def _use_fast_paths() -> None:
    """Install :func:`_best_mask` in segno's encoder (once)."""
    global _SEGNO_BEST_MASK
    from segno import encoder

    if _SEGNO_BEST_MASK is None:
        _SEGNO_BEST_MASK = encoder.find_and_apply_best_mask
        encoder.find_and_apply_best_mask = _best_mask


_use_fast_paths()


@functools.lru_cache(maxsize=256)
def matrix(url: str) -> Matrix:
    """The code of ``url`` (error correction M); encoding takes ~2.5 ms, so a page's
    inline code, qr.svg, qr.png and poster share one, and the build cache keeps it."""
    return tuple(bytes(row) for row in segno.make(url, error="m", micro=False).matrix)


def svg_file(url: str, title: str, modules: Matrix | None = None) -> bytes:
    """A standalone SVG file (``qr.svg``) for download and print."""
    return _svg(
        modules or matrix(url), scale=10, title=title, desc=url, css_class="segno", file=True
    ).encode()


def png_file(url: str, modules: Matrix | None = None) -> bytes:
    """A PNG (``qr.png``) large enough to print at 4 cm and more."""
    return png_from_matrix(modules or matrix(url), PNG_SCALE, BORDER)


def svg_inline(
    url: str, label: str, css_class: str = INLINE_CLASS, modules: Matrix | None = None
) -> str:
    """SVG markup to put inside a page: an image with an accessible name. A viewBox lets
    CSS set the shown and printed size; width and height give the intrinsic size that
    readers without our stylesheet (and QR scanners) need."""
    modules = modules or matrix(url)
    side = (len(modules) + 2 * BORDER) * INLINE_PIXELS_PER_MODULE
    svg = _svg(modules, scale=1, title=label, desc=None, css_class=css_class, file=False)
    size = f'width="{side}" height="{side}"'
    return f'<svg role="img" aria-label="{escape(label)}" {size} {svg.removeprefix("<svg ")}'


def _svg(
    modules: Matrix, scale: int, title: str, desc: str | None, css_class: str, file: bool
) -> str:
    """The SVG segno writes for ``modules`` (``save(kind="svg", border=4, light="#fff",
    ...)``): a file (XML declaration, namespace, width and height, final newline) or
    markup for a page (a viewBox instead), drawn with one path of horizontal lines; the
    same text, made from the matrix in a fraction of the time (tests/test_qrcodes.py
    compares them)."""
    side = len(modules) + 2 * BORDER
    dark = f'<path class="qrline" stroke="#000" d="{_dark_path(modules)}"/>'
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


def png_from_matrix(matrix: Iterable[Iterable[int]], scale: int, border: int) -> bytes:
    """A black-on-white PNG of a QR matrix (rows of 1 for dark, 0 for light): 1 bit per
    pixel, each module ``scale`` pixels, ``border`` light modules around. The image is
    that of segno's own writer (``save(kind="png")``), made ~50 times faster: a row is
    drawn once and repeated with PNG's "Up" filter, as segno does; it is compressed at
    :data:`PNG_COMPRESSION`."""
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
            chunk(b"IDAT", zlib.compress(bytes(image), PNG_COMPRESSION)),
            chunk(b"IEND", b""),
        )
    )


class Memo:
    """The codes of earlier builds, by address, as packed matrices (~150 bytes; see
    :func:`pack`): a page, QR file or poster made again does not encode its address
    again, and drawing the SVG or PNG from the matrix takes a fraction of a millisecond.

    ``known`` is the build cache's store; codes encoded in this process are added to it
    and also listed until :meth:`take`, so that worker processes can hand theirs to the
    parent, which :meth:`merge` s them."""

    def __init__(self, known: dict[str, bytes] | None = None) -> None:
        self.known: dict[str, bytes] = known if known is not None else {}
        self.made: dict[str, bytes] = {}

    def matrix(self, url: str) -> Matrix:
        packed = self.known.get(url)
        if packed is not None:
            try:
                return unpack(packed)
            except ValueError:  # a damaged cache: encode it again
                pass
        modules = matrix(url)
        self.known[url] = self.made[url] = pack(modules)
        return modules

    def svg_file(self, url: str, title: str) -> bytes:
        return svg_file(url, title, self.matrix(url))

    def png_file(self, url: str) -> bytes:
        return png_file(url, self.matrix(url))

    def svg_inline(self, url: str, label: str) -> str:
        return svg_inline(url, label, INLINE_CLASS, self.matrix(url))

    def take(self) -> dict[str, bytes]:
        """The codes encoded since the last call (in a worker: to send to the parent)."""
        made, self.made = self.made, {}
        return made

    def merge(self, made: dict[str, bytes]) -> None:
        """Add codes a worker encoded."""
        self.known.update(made)

    def keep(self, addresses: set[str]) -> None:
        """Forget the codes of addresses the site no longer has."""
        for url in [u for u in self.known if u not in addresses]:
            del self.known[url]


_TO_BITS = bytes.maketrans(b"\0\1", b"01")
_FROM_BITS = bytes.maketrans(b"01", b"\0\1")


def pack(modules: Matrix) -> bytes:
    """A matrix as its side, then each row's modules as bits (8 to a byte)."""
    side = len(modules)
    bits = b"".join(row.translate(_TO_BITS) for row in modules)
    bits += b"0" * (-len(bits) % 8)
    return bytes([side]) + int(bits, 2).to_bytes(len(bits) // 8, "big")


@functools.lru_cache(maxsize=64)
def unpack(packed: bytes) -> Matrix:
    """:func:`pack`'s matrix; ValueError when ``packed`` is not one."""
    side = packed[0] if packed else 0
    if not 21 <= side <= 177 or (side - 21) % 4 or len(packed) != 1 + -(-(side**2) // 8):
        raise ValueError("not a packed QR matrix")
    bits = format(int.from_bytes(packed[1:], "big"), f"0{(len(packed) - 1) * 8}b").encode()
    return tuple(bits[i * side : (i + 1) * side].translate(_FROM_BITS) for i in range(side))

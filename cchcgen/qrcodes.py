"""QR codes that bring a phone to a page; the only module that imports segno.

segno is pure Python and writes byte-identical SVG and PNG for the same input,
which keeps builds reproducible. Error correction M survives a worn or
partly covered printout at the one-stop desk.

segno chooses each code's data mask module by module in Python (~7 ms a code); the
same choice is made here on whole rows (~2 ms), and so is the SVG path (see "choosing
the mask" below). Encoding an address still takes ~2.5 ms and segno's PNG writer ~6 ms,
so a :class:`Memo`
keeps every code drawn, by address, in the build cache (a site of 2,000 procedures
would otherwise spend ~20 s per build on them), and PNGs are written here from
segno's matrix with zlib, the same image as segno's writer.
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

PNG_COMPRESSION = 6
"""zlib's level: the image of a code compresses to ~5 % more than at segno's level 9, in a
sixth of the time (~0.2 ms instead of ~1.2 ms a code)."""

ENV = f"segno {segno.__version__}; png {PNG_SCALE}/{BORDER}/{PNG_COMPRESSION}; 3"
"""What every remembered code depends on besides its address and label: a cache made
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


_DARK_RUN = re.compile(rb"\x01+")


def _dark_lines(matrix: Any, x: Any, y: Any, incby: int = 1) -> Any:
    """``segno.utils.matrix_to_lines`` (the runs of dark modules the SVG path draws),
    with a regular expression per row instead of a Python loop per module."""
    for row in matrix:
        for run in _DARK_RUN.finditer(bytes(row)):
            yield (x + run.start(), y), (x + run.end(), y)
        y += incby


_SEGNO_LINES = None


def _use_fast_paths() -> None:
    """Install :func:`_best_mask` and :func:`_dark_lines` in segno (once)."""
    global _SEGNO_BEST_MASK, _SEGNO_LINES
    from segno import encoder, writers

    if _SEGNO_BEST_MASK is None:
        _SEGNO_BEST_MASK = encoder.find_and_apply_best_mask
        encoder.find_and_apply_best_mask = _best_mask
        _SEGNO_LINES = getattr(writers, "matrix_to_lines")  # noqa: B009 - no stubs
        setattr(writers, "matrix_to_lines", _dark_lines)  # noqa: B010


_use_fast_paths()


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
    """The codes shown inside pages in earlier builds (:func:`svg_inline`), by address
    and label: a page rendered again does not draw its code again. The code files are
    not kept here (see :meth:`svg_file`).

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
        """Not remembered: the file is drawn only when its address or title changed (its
        fingerprint, :mod:`cchcgen.deps`), and the cache keeps the file itself
        (:mod:`cchcgen.outstore`)."""
        return svg_file(url, title)

    def png_file(self, url: str) -> bytes:
        """Not remembered, as :meth:`svg_file`."""
        return png_file(url)

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

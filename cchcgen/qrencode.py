"""Encoding an address as a QR code: the code segno makes, module for module, ~15 times
faster.

segno (``segno.make(text, error="m", micro=False)``) encodes bit by bit and tries its
eight data masks module by module, ~3–8 ms a code: a quarter of a cold build's CPU once
every post, plan and procedure has one. Here the same steps (ISO/IEC 18004 as segno reads
it, quirks included) work on whole messages and whole matrices as Python integers:

* the message is built as one integer, and each Reed-Solomon block is divided with a
  table of the generator's multiples (one shift and one XOR a codeword);
* the modules are placed with one gather of the message's bits into the matrix;
* the matrix is kept twice, row by row and column by column, one bit a module and four
  light guard bits after each line, so that each of the penalty rules (N1 runs, N2
  blocks, N3 finder-like patterns, N4 proportion of dark modules) is a few shifts,
  ANDs and bit counts for all lines at once.

The tables (block structure, capacities, generator polynomials, format and version
information, alignment positions) are segno's; text that is not written in byte mode
(digits only, upper-case letters only, text beyond Latin-1) has its segments written by
segno's own segment writer. tests/test_qrencode.py compares the codes, and each mask's
penalty, with segno's on any text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, cast

import segno
from segno import consts, encoder

SEGNO = segno.__version__
"""The segno whose codes are made (and whose tables are read)."""

Matrix = tuple[bytes, ...]
"""A code's modules, one row per ``bytes`` (1 dark, 0 light), without the quiet zone."""

LEVEL = consts.ERROR_LEVEL_M
"""The error correction asked for; segno raises it when the next levels fit the same
version ("boost_error"), and so does :func:`encode`."""

_GUARD = 4
"""Light cells after each line: a line's runs and patterns end there, and N3's "four light
modules beside the pattern" may lie outside the symbol, as in segno."""

_FROM_BITS = str.maketrans("01", "\0\1")

_CAPACITY: dict[int, dict[int, int]] = cast(Any, consts.SYMBOL_CAPACITY)
"""Data bits of each version at each error level."""
_COUNT_BITS: dict[int, int] = cast(Any, consts.CHAR_COUNT_INDICATOR_LENGTH)[consts.MODE_BYTE]
"""The length of byte mode's character count, by range of versions."""


@dataclass(frozen=True)
class _Layout:
    """What every code of one version shares."""

    width: int
    stride: int  # cells a line: the modules, then the guard
    cells: int  # width × stride
    rows_of: Callable[[str], tuple[str, ...]]  # message bits (and a final "0") → row-major cells
    columns_of: Callable[[str], tuple[str, ...]]  # the same, column-major
    function_rows: int  # the dark modules of the finder, timing and alignment patterns
    function_columns: int
    masks: tuple[tuple[int, int], ...]  # each mask's flipped cells: rows, columns
    modules: int  # every module's cell (not the guard)
    after_first: int  # the modules of every line but its first
    below_first: int  # the modules of every line but the first line


def _placement(width: int, free: list[bytearray]) -> list[tuple[int, int]]:
    """The modules the message's bits go to, in order (segno's ``add_codewords``: two
    columns at a time from the right, up and down, skipping the timing column)."""
    order = []
    for right in range(width - 1, 0, -2):
        if right <= 6:
            right -= 1
        for vertical in range(width):
            for z in (0, 1):
                j = right - z
                upwards = ((right & 2) == 0) ^ (j < 6)
                i = (width - 1 - vertical) if upwards else vertical
                if free[i][j] == 0x2:
                    order.append((i, j))
    return order


def _cells(stride: int, modules: set[tuple[int, int]], transposed: bool = False) -> int:
    """An integer with the bits of ``modules`` set, the first cell as its highest bit."""
    total = 0
    size = stride - _GUARD
    top = size * stride - 1
    for i, j in modules:
        if transposed:
            i, j = j, i
        total |= 1 << (top - (i * stride + j))
    return total


@functools.lru_cache(maxsize=8)
def _layout(version: int) -> _Layout:
    width = encoder.calc_matrix_size(version)
    stride = width + _GUARD
    cells = width * stride
    function = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(function, width, width)
    encoder.add_alignment_patterns(function, width, width)
    order = _placement(width, list(function))
    position = {cell: index for index, cell in enumerate(order)}
    zero = len(order)  # the message's bits are followed by one "0"

    def gather(transposed: bool) -> Callable[[str], tuple[str, ...]]:
        indices = []
        for q in range(cells):
            line, k = divmod(q, stride)
            cell = (k, line) if transposed else (line, k)
            indices.append(position.get(cell, zero) if k < width else zero)
        return itemgetter(*indices)

    everything = {(i, j) for i in range(width) for j in range(width)}
    dark = {(i, j) for i, j in everything if function[i][j] == 0x1}
    patterns = encoder.get_data_mask_functions(False)
    masks = tuple(
        (_cells(stride, flipped), _cells(stride, flipped, transposed=True))
        for flipped in ({cell for cell in order if pattern(*cell)} for pattern in patterns)
    )
    return _Layout(
        width=width,
        stride=stride,
        cells=cells,
        rows_of=gather(False),
        columns_of=gather(True),
        function_rows=_cells(stride, dark),
        function_columns=_cells(stride, dark, transposed=True),
        masks=masks,
        modules=_cells(stride, everything),
        after_first=_cells(stride, {(i, j) for i, j in everything if j}),
        below_first=_cells(stride, {(i, j) for i, j in everything if i}),
    )


@functools.lru_cache(maxsize=32)
def _information(version: int, error: int, mask: int) -> int:
    """The format information, the dark module and the version information of a code,
    as row-major cells (their modules are light until they are added)."""
    width = encoder.calc_matrix_size(version)
    matrix = tuple(bytearray(width) for _ in range(width))
    encoder.add_format_info(matrix, version, error, mask)
    encoder.add_version_info(matrix, version)
    dark = {(i, j) for i in range(width) for j in range(width) if matrix[i][j]}
    return _cells(width + _GUARD, dark)


@functools.lru_cache(maxsize=16)
def _multiples(degree: int) -> tuple[int, ...]:
    """For each byte c, c × the generator polynomial of ``degree`` error codewords
    (without its leading term), as an integer of ``degree`` bytes."""
    log, exp = consts.GALIOS_LOG, consts.GALIOS_EXP
    generator = consts.GEN_POLY[degree]
    return (0,) + tuple(
        int.from_bytes(bytes(exp[log[c] + g] for g in generator), "big") for c in range(1, 256)
    )


def _error_codewords(block: bytes, degree: int) -> bytes:
    """The Reed-Solomon remainder of ``block`` (segno's ``make_blocks``)."""
    multiples = _multiples(degree)
    shift = 8 * (degree - 1)
    keep = (1 << shift) - 1
    remainder = 0
    for byte in block:
        remainder = ((remainder & keep) << 8) ^ multiples[(remainder >> shift) ^ byte]
    return remainder.to_bytes(degree, "big")


def _segments(text: str) -> tuple[int, int, int, int]:
    """The data bits of ``text`` (value and length), its version and its error level."""
    try:
        data = text.encode(consts.DEFAULT_BYTE_ENCODING)
    except UnicodeError:
        data = b""
    if data and encoder.find_mode(data) == consts.MODE_BYTE:
        for version in range(1, 41):
            count_bits = _COUNT_BITS[encoder.version_range(version)]
            length = 4 + count_bits + 8 * len(data)
            if _CAPACITY[version][LEVEL] >= length:
                break
        else:
            raise encoder.DataOverflowError("Data too large. No QR Code can handle the data")
        bits = ((consts.MODE_BYTE << count_bits | len(data)) << 8 * len(data)) | int.from_bytes(
            data, "big"
        )
        return bits, length, version, _boosted(version, length)
    segments = encoder.prepare_data(text, None, None)
    version = encoder.find_version(segments, LEVEL, eci=False, micro=False)
    error = encoder.boost_error_level(version, LEVEL, segments, False)
    buffer = encoder.Buffer()
    for segment in segments:
        encoder.write_segment(buffer, segment, None, encoder.version_range(version), False)
    written = buffer.getbits()
    return int(bytes(written).translate(TO_DIGITS), 2), len(written), version, error


TO_DIGITS = bytes.maketrans(b"\0\1", b"01")
"""Modules (bytes 0 and 1) as the digits of a binary number."""


def _boosted(version: int, length: int) -> int:
    """segno's ``boost_error_level``: the highest level after M that still holds the data
    in the same version (levels are tried in order, the first that fails stops)."""
    error = LEVEL
    for level in (consts.ERROR_LEVEL_Q, consts.ERROR_LEVEL_H):
        if _CAPACITY[version][level] < length:
            break
        error = level
    return error


def _codewords(text: str) -> tuple[str, int, int]:
    """The final message of ``text`` as a string of bits (data and error codewords,
    interleaved, then the remainder bits), its version and its error level."""
    bits, length, version, error = _segments(text)
    capacity = _CAPACITY[version][error]
    # the terminator (up to four 0 bits), then 0 bits to the next codeword: segno always
    # adds one to eight of them, a whole 0 codeword when the data ends on a boundary
    terminator = min(capacity - length, 4)
    padding = 8 - (length + terminator) % 8
    length += terminator + padding
    data = (bits << (terminator + padding)).to_bytes(length // 8, "big")
    wanted = capacity // 8
    data = (data + _PAD * (wanted // 2 + 1))[:wanted]
    blocks, data_order, error_order = _blocks(version, error)
    errors = b"".join(
        _error_codewords(data[start : start + size], degree) for start, size, degree in blocks
    )
    message = bytes(data_order(data)) + bytes(error_order(errors))
    remainder = _REMAINDER.get(version, 0)
    return (
        format(int.from_bytes(message, "big"), f"0{8 * len(message)}b") + "0" * remainder,
        version,
        error,
    )


@functools.lru_cache(maxsize=32)
def _blocks(
    version: int, error: int
) -> tuple[tuple[tuple[int, int, int], ...], Callable[[bytes], Any], Callable[[bytes], Any]]:
    """The Reed-Solomon blocks of a code (where each starts in the data, its data
    codewords, its error codewords), and the order in which the message takes the data
    codewords (the first of each block, then the second ...) and the error codewords
    (all blocks' error codewords one after the other, equally many each) as getters."""
    blocks = []
    start = 0
    for info in cast(Any, consts.ECC)[version][error]:
        for _ in range(info.num_blocks):
            blocks.append((start, info.num_data, info.num_total - info.num_data))
            start += info.num_data
    longest, degree = max(size for _, size, _ in blocks), blocks[0][2]
    data = [s + column for column in range(longest) for s, size, _ in blocks if column < size]
    errors = [b * degree + column for column in range(degree) for b in range(len(blocks))]
    return tuple(blocks), itemgetter(*data), itemgetter(*errors)


_PAD = bytes((0xEC, 0x11))
"""The pad codewords, alternately, after the data."""

_REMAINDER = {
    **dict.fromkeys((2, 3, 4, 5, 6), 7),
    **dict.fromkeys((14, 15, 16, 17, 18, 19, 20, 28, 29, 30, 31, 32, 33, 34), 3),
    **dict.fromkeys((21, 22, 23, 24, 25, 26, 27), 4),
}
"""Light bits after the message where the symbol has modules to spare."""


def _runs(line_bits: int, after_first: int) -> int:
    """N1 of every line at once: 3 for a run of five modules of one colour, 1 more for each
    further module. ``same`` marks each module equal to the one before it: a run of n
    modules is a run of n - 1 marks, and scores n - 2 = (marks that start four in a row)
    + 2."""
    same = (line_bits ^ (line_bits >> 1) ^ after_first) & after_first
    four = same & (same << 1) & (same << 2) & (same << 3)
    return four.bit_count() + 2 * (four & ~(four >> 1)).bit_count()


def _finder_like(dark: int, modules: int) -> int:
    """N3 of every line at once: 40 for each dark-light-dark-dark-dark-light-dark run with
    four light modules (or the symbol's edge) before or after it, found as segno finds
    them (after a counted pattern the search goes on behind it, so that a pattern that
    overlaps it is not counted; after an uncounted one, from its fourth module)."""
    light = dark ^ modules
    found = (
        dark & (light << 1) & (dark << 2) & (dark << 3) & (dark << 4) & (light << 5) & (dark << 6)
    )
    if not found:
        return 0
    dark_before = (dark >> 1) | (dark >> 2) | (dark >> 3) | (dark >> 4)
    dark_after = (dark << 7) | (dark << 8) | (dark << 9) | (dark << 10)
    counted = found & ~(dark_before & dark_after)
    # two patterns overlap only when four or six cells apart: one that starts inside no
    # earlier pattern, and inside which no later one starts, counts as it is found
    inside = found & ((found >> 4) | (found >> 6))
    if not inside:
        return 40 * counted.bit_count()
    chained = inside | (found & ((inside << 4) | (inside << 6)))
    score = 40 * (counted & ~chained).bit_count()
    skip_to = -1  # a bit above which patterns are not looked at (cells go down)
    while chained:
        top = chained.bit_length() - 1
        chained ^= 1 << top
        if skip_to != -1 and top > skip_to:
            continue
        if counted >> top & 1:
            score += 40
            skip_to = top - 7
        else:
            skip_to = top - 4
    return score


def _scores(rows: int, columns: int, layout: _Layout) -> tuple[int, int, int, int]:
    """segno's ``mask_scores`` (N1, N2, N3, N4) of one masked matrix."""
    modules, after_first, stride = layout.modules, layout.after_first, layout.stride
    same_across = (rows ^ (rows >> 1) ^ after_first) & after_first
    same_down = (rows ^ (rows >> stride) ^ layout.below_first) & layout.below_first
    percent = float(rows.bit_count()) / (layout.width**2)
    return (
        _runs(rows, after_first) + _runs(columns, after_first),
        3 * (same_across & (same_across >> stride) & same_down).bit_count(),
        _finder_like(rows, modules) + _finder_like(columns, modules),
        10 * int(abs(percent * 100 - 50) / 5),
    )


def penalties(text: str) -> list[int]:
    """The penalty of each of the eight masks on ``text``'s code (for the tests)."""
    rows, columns, layout, _, _ = _unmasked(text)
    return [sum(_scores(rows ^ r, columns ^ c, layout)) for r, c in layout.masks]


def matrix_scores(modules: Matrix) -> tuple[int, int, int, int]:
    """N1 to N4 of any square matrix of a QR code's size (for the tests)."""
    width = len(modules)
    layout = _layout((width - 17) // 4)
    dark = {(i, j) for i, row in enumerate(modules) for j, module in enumerate(row) if module}
    stride = layout.stride
    return _scores(_cells(stride, dark), _cells(stride, dark, transposed=True), layout)


def _unmasked(text: str) -> tuple[int, int, _Layout, int, int]:
    message, version, error = _codewords(text)
    layout = _layout(version)
    message += "0"
    rows = int("".join(layout.rows_of(message)), 2) | layout.function_rows
    columns = int("".join(layout.columns_of(message)), 2) | layout.function_columns
    return rows, columns, layout, version, error


def encode(text: str) -> Matrix:
    """The QR code of ``text`` at error correction M (or higher when it costs no larger
    symbol): version, level, mask and modules as ``segno.make(text, error="m",
    micro=False)`` gives them."""
    rows, columns, layout, version, error = _unmasked(text)
    best, chosen = -1, 0
    for number, (flip_rows, flip_columns) in enumerate(layout.masks):
        score = sum(_scores(rows ^ flip_rows, columns ^ flip_columns, layout))
        if best == -1 or score < best:
            best, chosen = score, number
    final = rows ^ layout.masks[chosen][0] | _information(version, error, chosen)
    text_bits = format(final, f"0{layout.cells}b")
    stride, width = layout.stride, layout.width
    return tuple(
        text_bits[start : start + width].translate(_FROM_BITS).encode("latin-1")
        for start in range(0, layout.cells, stride)
    )

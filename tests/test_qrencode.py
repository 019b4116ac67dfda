"""The QR encoder makes segno's codes: the same version, level, mask and modules."""

from __future__ import annotations

import random

import segno
from hypothesis import given, settings
from hypothesis import strategies as st
from segno import encoder

from cchcgen import qrencode

URL_CHARACTERS = st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-./:?=&%_~")
ADDRESSES = st.builds(
    lambda path: "https://xa.example.gov.vn/cchc/" + path, st.text(URL_CHARACTERS, max_size=300)
)
TEXTS = st.one_of(
    ADDRESSES,
    st.text(min_size=1, max_size=500),  # any text: UTF-8 beyond Latin-1, Kanji, …
    st.text(st.sampled_from("0123456789"), min_size=1, max_size=200),  # numeric mode
    st.text(st.sampled_from("ABCXYZ0189 $%*+-./:"), min_size=1, max_size=200),  # alphanumeric
    st.text(st.characters(max_codepoint=255), min_size=1, max_size=100),  # Latin-1 bytes
)


@settings(max_examples=300)
@given(TEXTS)
def test_the_code_is_segnos(text: str) -> None:
    theirs = segno.make(text, error="m", micro=False)
    assert qrencode.encode(text) == tuple(bytes(row) for row in theirs.matrix)


def test_every_length_up_to_version_seven() -> None:
    """Each length where the version changes, where Q or H still fit the version (segno
    raises the level then) and where the data ends on a codeword boundary."""
    levels = set()
    for length in range(1, 160):
        text = "x" * length
        theirs = segno.make(text, error="m", micro=False)
        levels.add(theirs.error)
        assert qrencode.encode(text) == tuple(bytes(row) for row in theirs.matrix), length
    assert levels == {"M", "Q", "H"}


def _segno_penalties(text: str) -> list[int]:
    """segno's penalty of each mask on the unmasked matrix of ``text``'s code."""
    code = encoder.encode(text, error="m", micro=False)
    version, error = code.version, code.error
    width = encoder.calc_matrix_size(version)
    buffer = encoder.Buffer()
    for segment in code.segments:
        encoder.write_segment(buffer, segment, None, encoder.version_range(version), False)
    capacity = encoder.consts.SYMBOL_CAPACITY[version][error]
    encoder.write_terminator(buffer, capacity, None, len(buffer))
    encoder.write_padding_bits(buffer, version, len(buffer))
    encoder.write_pad_codewords(buffer, version, capacity, len(buffer))
    message = encoder.make_final_message(version, error, buffer)
    matrix = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(matrix, width, width)
    encoder.add_alignment_patterns(matrix, width, width)
    encoder.add_codewords(matrix, message, version)
    function = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(function, width, width)
    encoder.add_alignment_patterns(function, width, width)
    function[-8][8] = 0x1
    scores = []
    for pattern in encoder.get_data_mask_functions(False):
        masked = [row[:] for row in matrix]
        encoder.apply_mask(masked, pattern, width, width, lambda i, j: function[i][j] > 0x1)
        scores.append(encoder.evaluate_mask(masked, width, width))
    return scores


@settings(max_examples=60)
@given(TEXTS)
def test_every_mask_has_segnos_penalty(text: str) -> None:
    """Not only the mask chosen: each of the eight scores is segno's."""
    assert qrencode.penalties(text) == _segno_penalties(text)


FINDER_LIKE = [0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0]
PARTS = [(1, 0, 1, 1, 1, 0, 1), (0, 0, 0, 0), (1, 1, 1, 1, 1), (1, 0, 1, 1), (0,), (1,)]


def _line(chance: random.Random) -> bytearray:
    """21 modules made of the pieces the rules look for, at random."""
    line: list[int] = []
    while len(line) < 21:
        line.extend(chance.choice(PARTS))
    return bytearray(line[:21])


@settings(max_examples=200)
@given(st.randoms(use_true_random=False))
def test_the_penalty_rules_of_any_matrix_are_segnos(chance: random.Random) -> None:
    """N1–N4 on matrices dense in the patterns the rules look for, overlapping ones
    (1011101011101, 10111011101) included: segno counts a pattern that overlaps a counted
    one only once."""
    rows = [_line(chance) for _ in range(21)]
    rows[3][:15] = bytes(FINDER_LIKE)
    rows[5][:13] = bytes((1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1))
    rows[7][:11] = bytes((1, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1))
    expected = encoder.mask_scores(rows, 21, 21)
    assert qrencode.matrix_scores(tuple(bytes(row) for row in rows)) == expected

"""The shortcuts a cold build takes in Markdown give what the long way gives."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cchcgen import markup
from cchcgen.errors import Collector
from cchcgen.urls import BaseUrl

PIECES = [
    "*", "**", "_", "[", "]", "(", ")", "<", "<a", ">", "> ", " ", "    ", "\t", "\n",
    "\n\n", "- ", "1. ", "\\", "```", "| a | b |\n|---|---|\n", "# ", "## Mục", "chữ",
    "[x](/a)", "[^1]", "[^1]: ghi chú", "{#id}", "^", "&amp;",
]  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)


def found(problems: list[markup.Problem]) -> list[tuple[int, int, str]]:
    return [(p.line, p.column, p.message) for p in problems]


@given(texts, st.integers(0, 40), st.integers(0, 140), st.integers(0, 120))
def test_the_quick_look_finds_every_problem_the_full_check_finds(
    text: str, quotes: int, indent: int, stars: int
) -> None:
    text = ">" * quotes + " " * indent + "- x\n" + "*" * stars + text
    full = markup.limits.__globals__["_within_limits"]
    try:
        markup._within_limits = lambda _text: False  # type: ignore[assignment]
        expected = found(markup.limits(text))
    finally:
        markup._within_limits = full  # type: ignore[assignment]
    assert found(markup.limits(text)) == expected


@given(texts)
def test_a_text_without_footnotes_converts_as_with_the_footnotes_extension(text: str) -> None:
    md = markup.Markdown(BaseUrl.parse("https://example.gov.vn/cchc/"))
    converted = md.convert(text, markup.Source("a.md", 1), Collector())
    md._md.reset()
    md._site.ids.prefix = markup.CONTENT_ID_PREFIX
    with_footnotes = md._md.convert(text)
    assert converted.html == markup.sanitize.clean(with_footnotes)

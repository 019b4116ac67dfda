"""The shortcuts a cold build takes in Markdown give what the long way gives."""

from __future__ import annotations

import functools
from unittest.mock import patch

from hypothesis import example, given, settings
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


INLINE = [
    *PIECES, "[TOC]", "\n{: .lead }\n", " {#dau}", "`mã`", "``a`b``", "<https://a.vn/x>",
    "<thu@a.vn>", "<b>đậm</b>", "<!-- c -->",
    "&#38;", "&", "&copy;", "![ảnh](/a.png)", "![ảnh][r]", "[a][r]", "[r]", "\n\n[r]: /c\n",
    "*nghiêng*", "_gạch_", "**đậm**", "__đậm__", "  \n", "\r\n", "\\*", "\\`", "\t\n", "!",
    "  ", "\r", "\t", "\x02", "\x03", "]:", "[r]:", "\n[r]: /c \"tên\"\n", "\\[", "\\#",
    "\n---\n", "\n- - -\n", "\n***\n", "\n___\n", "\n===\n", "\n--\n", "Tiêu đề\n====\n",
    "> trích\n", ">", "\n    > x\n", "#", "\n### Ba ###\n", "|", "\n| a |\n|---|\n| 1 |\n",
    "a | b\n--|--\n", "\\|", "\n1. x\n", "* y\n",
]  # fmt: skip


class _LongWay:
    """Converters that take none of the shortcuts: every inline pattern, every block
    processor's own look, every tree pass."""

    def __init__(self) -> None:
        with patch.dict(markup._TRIGGERS, clear=True), patch.dict(markup._BLOCK_NEEDS, clear=True):
            self.md = markup.Markdown(BaseUrl.parse("https://example.gov.vn/cchc/"), raw_html=True)
        for shortcuts in (self.md._md_shortcuts, self.md._plain_shortcuts):
            shortcuts.choose = functools.partial(self._nothing_left_out, shortcuts)
            del shortcuts.toc.build_toc_div  # the table of contents made for every document
        for converter in (self.md._md, self.md._plain):
            del converter.is_block_level  # the library's own look-up, not the remembered one

    @staticmethod
    def _nothing_left_out(shortcuts: markup._Shortcuts, _document: str) -> None:
        shortcuts.inline.inlinePatterns = shortcuts.every
        shortcuts.braces = shortcuts.backslash = True
        shortcuts.toc.marker = shortcuts.marker


@settings(max_examples=300)
@given(st.lists(st.sampled_from(INLINE), max_size=15).map("".join))
@example("a _gạch_ b __đậm__")
@example("# Mục {#muc-mot}\n\n[TOC]\n\n## Hai\n\nĐoạn.\n{: .lead }")
@example("`mã` \\* ![ảnh](/a.png) [liên kết](/b) <b>thẻ</b> &copy; <https://a.vn>")
@example("Dòng một\t\nDòng hai  \r\nba [a][r] [r]\n\n[r]: /c")
@example("Tiêu đề\n---\n\n> trích\n\n- - -\n\n| a | b |\n|---|---|\n| 1 | 2 |")
def test_what_the_shortcuts_leave_out_changes_nothing(text: str) -> None:
    """A document converts as if every inline pattern were tried on it, every block
    processor looked at every block and every tree pass ran."""
    every = _LongWay().md
    chosen = markup.Markdown(BaseUrl.parse("https://example.gov.vn/cchc/"), raw_html=True)
    source = markup.Source("a.md", 1)
    assert chosen.convert(text, source, Collector()) == every.convert(text, source, Collector())


def test_patterns_are_left_out_when_their_characters_are_missing() -> None:
    """The shortcut is taken: a plain paragraph is tried with no pattern, and each kind
    of mark brings its own back."""
    md = markup.Markdown(BaseUrl.parse("https://example.gov.vn/cchc/"))
    patterns = md._plain_shortcuts
    patterns.choose("Chữ thường, không dấu hiệu nào.")
    assert patterns.inline.inlinePatterns == []
    patterns.choose("Có [liên kết](/a), ![ảnh](/b.png), *nhấn*, `mã` & <b>thẻ</b> \\*.")
    kinds = {type(p).__name__ for p in patterns.inline.inlinePatterns}
    assert "LinkInlineProcessor" in kinds  # references need a definition ("[a]: /a")
    assert not {"ReferenceInlineProcessor", "ShortReferenceInlineProcessor"} & kinds
    every_mark = "[a][b], ![ảnh](/b.png), *nhấn*, dòng  \n`mã` & <b>thẻ</b> \\*.\n\n[b]: /a"
    patterns.choose(every_mark)
    assert len(patterns.inline.inlinePatterns) == len(patterns.every)


LINKED = [
    *INLINE, "[a](/cchc/tin-tuc/)", "[b](https://dichvucong.gov.vn/p/home/)", "[c](#muc)",
    "[d](javascript:alert(1))", "[e](https://Example.gov.vn/)", "[f](data:text/html,x)",
    "[g](http://a.vn/x y)", "![h](/anh.png \"tiêu đề\")", "[i](https://a.vn/?q=1&x=2)",
    "[j](https://xn--a.vn/)", "[k](//a.vn/)", "[m](https://999.1.1.1/)", "[n](http://a..b.vn/)",
    "[o](https://-a-.vn/)", "[p](https://1.2.3/)", "[q](https://a.b.vn/%zz)",
    "[l](mailto:a@b.vn)", "\"ngoặc\" 'đơn'", "[r](/a?b=1&c=2&amp;d=3)", "[s](/a?b&copy;=1)",
    "Sở A & B", "&copy", "&#x41;", "&#", "&;", "&a1;", "![t](/a.png \"a & b\")",
    "| a | b |\n|:--|--:|\n| 1 | 2 |\n", "1. x\n2. y\n", "> trích\n", "```\nmã\n```\n", "\u00a0",
]  # fmt: skip


@settings(max_examples=400)
@given(st.lists(st.sampled_from(LINKED), max_size=12).map("".join))
@example("[x](javascript:alert(1)) chữ")
@example('![ảnh](/a.png "a > b")')
@example("| a | b |\n|---|---|\n[TOC]")
@example("*[TOC]*")
def test_html_left_uncleaned_is_what_the_sanitiser_gives(text: str) -> None:
    """A text whose HTML skips the sanitiser gives the HTML the sanitiser would give."""
    md = markup.Markdown(BaseUrl.parse("https://example.gov.vn/cchc/"), raw_html=True)
    html = md.convert(text, markup.Source("a.md", 1), Collector()).html
    if markup._clean_already(text, html):
        assert markup.sanitize.clean(html) == html


def test_most_plain_posts_skip_the_sanitiser_and_unsafe_links_do_not() -> None:
    md = markup.Markdown(BaseUrl.parse("https://example.gov.vn/cchc/"))
    source = markup.Source("a.md", 1)
    plain = (
        "## Mục\n\nChữ *nghiêng*, [liên kết](/cchc/tin-tuc/), [văn bản]"
        "(https://vbpl.example.vn/?pageid=27160&docid=213857).\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    html = md.convert(plain, source, Collector()).html
    assert markup._clean_already(plain, html)
    unsafe = "Bấm [vào đây](javascript:alert(1))."
    assert 'href="javascript' not in md.convert(unsafe, source, Collector()).html
    assert not markup._clean_already(unsafe, '<a href="javascript:alert(1)">')

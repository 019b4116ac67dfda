"""Text is published in NFC whatever form the editor's files hold it in.

macOS file names and some Word or PDF copies hold Vietnamese letters decomposed
('ộ' as 'o' and two combining marks). They look the same as the composed ones but
are other bytes, so they must be composed when read.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

from conftest import build

TAG = "Hộ tịch"
NFD = unicodedata.normalize("NFD", TAG)


def test_a_tag_typed_decomposed_and_composed_is_one_tag_published_composed(
    make_site: Callable[[dict[str, str]], Path], tmp_path: Path
) -> None:
    assert NFD != TAG
    title = unicodedata.normalize("NFD", "Đăng ký khai sinh trực tuyến")
    site = make_site(
        {
            "content/posts/a.md": f'---\ntitle: "{title}"\ndate: 30/01/2023\ntags: [{NFD}]\n---\n'
            f"{NFD} ở xã.\n",
            "content/posts/b.md": f'---\ntitle: "Bài hai"\ndate: 31/01/2023\ntags: [{TAG}]\n---\n'
            "Nội dung.\n",
        }
    )
    result = build(site, tmp_path / "out")
    assert not result.warnings, [str(w) for w in result.warnings]
    out = tmp_path / "out"
    assert sorted(p.name for p in (out / "chu-de").iterdir() if p.is_dir()) == ["ho-tich"]
    page = (out / "tin-tuc/a/index.html").read_bytes()
    composed = unicodedata.normalize("NFC", title).encode()
    assert composed in page and title.encode() not in page
    assert TAG.encode() in page and NFD.encode() not in page
    topic = (out / "chu-de/ho-tich/index.html").read_text(encoding="utf-8")
    assert TAG in topic and "Bài hai" in topic and unicodedata.normalize("NFC", title) in topic


def test_a_file_with_a_decomposed_name_is_published_and_linked_composed(
    make_site: Callable[[dict[str, str]], Path], tmp_path: Path
) -> None:
    name = "tài-liệu.pdf"
    site = make_site(
        {
            "content/posts/a.md": '---\ntitle: "Bài"\ndate: 30/01/2023\n---\n'
            f"Xem [tài liệu](/{name}).\n",
        }
    )
    static = site / "content/static"
    static.mkdir(parents=True)
    (static / unicodedata.normalize("NFD", name)).write_bytes(b"%PDF-1.4\n")
    result = build(site, tmp_path / "out")
    assert not result.warnings, [str(w) for w in result.warnings]
    published = [p.name for p in (tmp_path / "out").iterdir() if p.suffix == ".pdf"]
    assert published == [name]


def test_a_tag_spelt_with_other_capitals_is_reported_in_the_post_that_does(
    make_site: Callable[[dict[str, str]], Path], tmp_path: Path
) -> None:
    post = '---\ntitle: "Bài {0}"\ndate: 30/01/2023\ntags: [{1}]\n---\nNội dung.\n'
    site = make_site(
        {
            "content/posts/a.md": post.format("a", TAG),
            "content/posts/b.md": post.format("b", TAG),
            "content/posts/c.md": post.format("c", TAG.lower()),
        }
    )
    result = build(site, tmp_path / "out")
    assert [str(w) for w in result.warnings] == [
        "content/posts/c.md:4:1: warning: the tag 'hộ tịch' is written 'Hộ tịch' elsewhere; "
        "its page shows 'Hộ tịch'\n  hint: use one spelling so readers see one name"
    ]

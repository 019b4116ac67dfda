"""Links editors write in content: one that leads nowhere is reported where it was written."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from conftest import build, run_cli

from cchcgen.errors import CchcError
from cchcgen.urls import NearestPage

SUB_PATH_SITE = """\
title: "Chuyên mục thử"
base_url: "https://example.gov.vn/cchc/"
agency:
  name: "Ủy ban nhân dân xã Thử"
"""

GOOD_POST = """\
---
title: Bài có liên kết đúng
date: 02/03/2023
---
Xem [bài kia](/tin-tuc/bai-kia/), [mục](/tin-tuc/bai-kia/#muc), [không gạch](/tin-tuc/bai-kia),
[ảnh](/images/so-do.png), [tương đối](../bai-kia/), [chủ đề](/chu-de/tap-huan/),
[tin tức](/tin-tuc/), [RSS](/rss.xml), [thư](mailto:a@example.gov.vn), [gọi](tel:+842273000000),
[ngoài](https://dichvucong.gov.vn/p/home/dvc-tthc-trang-chu.html) và [đầu trang](#top).
"""

OTHER_POST = """\
---
title: Bài kia
date: 01/03/2023
tags: [Tập huấn]
---
Nội dung.
"""


def site_files(post: str, site_yaml: str = SUB_PATH_SITE) -> dict[str, str]:
    return {
        "site.yaml": site_yaml,
        "content/posts/2023/bai-nay.md": post,
        "content/posts/2023/bai-kia.md": OTHER_POST,
        "content/static/images/so-do.png": "png",
    }


def test_links_that_resolve_give_no_warning(make_site, tmp_path: Path) -> None:
    result = build(make_site(site_files(GOOD_POST)), tmp_path / "out")
    assert [str(w) for w in result.warnings] == []


def test_a_link_to_nowhere_is_reported_at_its_line_with_the_closest_page(
    make_site, tmp_path: Path
) -> None:
    post = GOOD_POST.replace("Xem [bài kia]", "Đọc [bài khác](/tin-tuc/bai-kai/).\n\nXem [bài kia]")
    result = build(make_site(site_files(post)), tmp_path / "out")
    assert [str(w) for w in result.warnings] == [
        "content/posts/2023/bai-nay.md:5:16: warning: the link /tin-tuc/bai-kai/ leads to no "
        "page or file of the site\n  hint: did you mean /tin-tuc/bai-kia/?"
    ]


def test_a_link_copied_with_the_base_path_is_explained(make_site, tmp_path: Path) -> None:
    post = GOOD_POST + "\nBản gốc: [đây](/cchc/tin-tuc/bai-kia/).\n"
    result = build(make_site(site_files(post)), tmp_path / "out")
    assert [str(w) for w in result.warnings] == [
        "content/posts/2023/bai-nay.md:10:16: warning: the link /cchc/tin-tuc/bai-kia/ leads to "
        "no page or file of the site\n  hint: the link already has the base path /cchc/; "
        "write it from the site root: /tin-tuc/bai-kia/"
    ]


def test_links_in_pages_and_plan_appendices_are_checked(make_site, tmp_path: Path) -> None:
    files = site_files(GOOD_POST)
    files["content/pages/gioi-thieu.md"] = (
        "---\ntitle: Giới thiệu\n---\n![Sơ đồ](/images/so-do.jpg)\n"
    )
    result = build(make_site(files), tmp_path / "out")
    assert [str(w) for w in result.warnings] == [
        "content/pages/gioi-thieu.md:4:10: warning: the image /images/so-do.jpg is not among the "
        "files of the site\n  hint: did you mean /images/so-do.png (the file "
        "content/static/images/so-do.png)?"
    ]


BROKEN_POST = """\
---
title: Bài có liên kết hỏng
date: 02/03/2023
---
Mở đầu bài viết.

Xem [bài kia](../bai-kia/) trước.

Rồi đọc [bài khác](../bai-khac/) và [hướng dẫn][hd].

Ảnh minh họa:

![Sơ đồ tổ chức](/images/so-do.png)
![Sơ đồ quy trình](/images/quy-trinh.jpg)

[hd]: ../huong-dan/ "Hướng dẫn"
"""


def test_relative_and_reference_links_and_images_are_reported_where_written(
    make_site, tmp_path: Path
) -> None:
    """A relative link at its line and column, a reference link at its definition (where
    its address is written), a missing image with where to save it."""
    result = build(make_site(site_files(BROKEN_POST)), tmp_path / "out")
    assert [str(w) for w in result.warnings] == [
        "content/posts/2023/bai-nay.md:9:20: warning: the link /tin-tuc/bai-khac/ leads to no "
        "page or file of the site\n  hint: did you mean /tin-tuc/bai-kia/?",
        "content/posts/2023/bai-nay.md:14:20: warning: the image /images/quy-trinh.jpg is not "
        "among the files of the site\n  hint: save the image in content/static/images/ as "
        "quy-trinh.jpg, or fix the address",
        "content/posts/2023/bai-nay.md:16:7: warning: the link /tin-tuc/huong-dan/ leads to no "
        "page or file of the site\n  hint: did you mean /tin-tuc/bai-nay/?",
    ]


def test_a_link_in_html_and_a_missing_document_are_reported_where_written(
    make_site, tmp_path: Path
) -> None:
    post = GOOD_POST + (
        '\nTệp: [quyết định](/files/qd-12.pdf)\nvà <a href="../khong-co/">đường dẫn HTML</a>.\n'
    )
    result = build(make_site(site_files(post)), tmp_path / "out")
    assert [str(w) for w in result.warnings] == [
        "content/posts/2023/bai-nay.md:10:19: warning: the link /files/qd-12.pdf leads to no page "
        "or file of the site\n  hint: save the file in content/static/files/ as qd-12.pdf, "
        "or fix the address",
        "content/posts/2023/bai-nay.md:11:13: warning: the link /tin-tuc/khong-co/ leads to no "
        "page or file of the site\n  hint: did you mean /tin-tuc/?",
    ]


@pytest.mark.parametrize("strict", [False, True])
def test_strict_turns_a_broken_link_into_a_failed_build(
    make_site, tmp_path: Path, strict: bool
) -> None:
    post = GOOD_POST.replace("/tin-tuc/bai-kia/)", "/tin-tuc/khong-co/)", 1)
    site = make_site(site_files(post))
    args = ["build", "--source", str(site), "--output", str(tmp_path / "out")]
    done = run_cli(*args, *(["--strict"] if strict else []))
    assert "bai-nay.md:5:15: warning: the link /tin-tuc/khong-co/ leads to no page" in done.stderr
    assert done.returncode == (1 if strict else 0), done.stderr
    assert (tmp_path / "out").exists() is not strict


def test_a_strict_api_build_raises_with_the_link_warning(make_site, tmp_path: Path) -> None:
    post = GOOD_POST.replace("/rss.xml", "/rss.html")
    with pytest.raises(CchcError) as failure:
        build(make_site(site_files(post)), tmp_path / "out", strict=True)
    assert "the link /rss.html leads to no page" in str(failure.value.diagnostics[0])


def test_the_closest_page_is_found_among_thousands_without_comparing_them_all() -> None:
    """The "did you mean" of a large site: the slips an editor makes find their page
    (late in the address, in the first segment, the right page in the wrong folder), and
    only a few dozen addresses are compared, not the 12,000 pages."""
    posts = [f"/tin-tuc/bai-{n}-ve-cai-cach-hanh-chinh/" for n in range(12_000)]
    nearest = NearestPage([*posts, "/", "/tin-tuc/", "/chu-de/", "/ke-hoach/2023/13-kh-ubnd/"])
    compared: list[int] = []
    real = difflib.get_close_matches

    def counting(word: str, candidates: list[str], n: int, cutoff: float) -> list[str]:
        compared.append(len(candidates))
        return real(word, candidates, n=n, cutoff=cutoff)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(difflib, "get_close_matches", counting)
        assert nearest("/tin-tuc/bai-7051-ve-cai-cach-hanh-chin/") == posts[7051]
        assert nearest("/tin-tuc/bai-7051-ve-cai-cach-hanh-chinh/qr.png") == posts[7051]
        assert nearest("/tin-tuv/") == "/tin-tuc/"
        assert nearest("/ke-hoach/13-kh-ubnd/") == "/ke-hoach/2023/13-kh-ubnd/"
        assert nearest("/tin-tuc/2023/bai-42-ve-cai-cach-hanh-chinh/") == posts[42]
        assert nearest("/lich-tiep-cong-dan/") is None
    assert len(compared) == 6 and max(compared) < 100

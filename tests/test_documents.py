"""Documents by type: each section (văn bản chỉ đạo, kế hoạch, báo cáo) with its list, years,
feed, QR codes and filters; site.yaml's choice of sections; old /ke-hoach/ addresses; the
NĐ 30/2020 layout of a Quyết định, a Công văn and a Báo cáo; a wide appendix on landscape
pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from browser import TIMEOUT_MS, SiteServer, assert_fits_and_passes_axe, launch_chromium, visit
from conftest import build
from playwright.sync_api import Browser, sync_playwright
from test_plans import decode_png, decode_svg, main_html, text_of

from cchcgen.errors import ConfigError, ContentError

BASE = "https://example.gov.vn/"
SITE_YAML = (
    'title: "Chuyên mục thử"\nbase_url: "{base}"\nagency:\n  name: "Ủy ban nhân dân xã Thử"\n'
)
QUYNH_PHU = '  parent: "ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH"\n  name: "ỦY BAN NHÂN DÂN HUYỆN QUỲNH PHỤ"'


def doc_md(
    doc_type: str,
    number: str,
    symbol: str,
    title: str,
    *,
    issued: str = "15/02/2023",
    issuer: str = QUYNH_PHU,
    extra: str = "",
    body: str = "Nội dung văn bản./.\n",
) -> str:
    front = (
        f'doc_type: {doc_type}\nnumber: "{number}"\nsymbol: {symbol}\nissuer:\n{issuer}\n'
        f"place: Quỳnh Phụ\nissued_date: {issued}\ntitle: {title}\n"
        "signer:\n  authority: none\n  title: CHỦ TỊCH\n  name: Nguyễn Văn An\n"
        "recipients: [Như trên]\narchive: VT, NV\n"
    )
    return f"---\n{front}{extra}---\n{body}"


TWO_ARTICLES = (
    "**Điều 1.** Thành lập Đoàn kiểm tra cải cách hành chính năm 2023.\n\n"
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký./.\n\n"
    "**Điều 3. Tổ chức thực hiện**\n\nVăn phòng theo dõi việc thi hành.\n"
)

ALL_TYPES = {
    "content/plans/qd.md": doc_md(
        "QĐ", "05", "QĐ-UBND", "Thành lập Đoàn kiểm tra", body=TWO_ARTICLES
    ),
    "content/plans/cv.md": doc_md(
        "CV",
        "112",
        "UBND-NV",
        "Rà soát, niêm yết thủ tục hành chính",
        issued="06/03/2023",
        body="Kính gửi: Ủy ban nhân dân các xã, thị trấn.\n\nĐề nghị các xã rà soát./.\n",
    ),
    "content/plans/tb.md": doc_md(
        "TB",
        "07",
        "TB-VP",
        "Lịch tiếp công dân quý II",
        issued="20/03/2022",
        issuer='  name: "VĂN PHÒNG HĐND VÀ UBND HUYỆN"',
    ),
    "content/plans/kh.md": doc_md("KH", "13", "KH-UBND", "Tuyên truyền cải cách hành chính"),
    "content/plans/ctr.md": doc_md("CTr", "02", "CTr-UBND", "Chương trình công tác năm 2023"),
    "content/plans/bc.md": doc_md(
        "BC", "68", "BC-UBND", "Kết quả cải cách hành chính quý I", issued="10/04/2023"
    ),
    "content/plans/ttr.md": doc_md(
        "TTr", "09", "TTr-UBND", "Đề nghị phê duyệt danh mục", issued="11/04/2023"
    ),
}


def listed(out: Path, rel: str) -> list[str]:
    """The document titles a list page shows, in order."""
    html = main_html(out, rel)
    return [text_of(t) for t in re.findall(r'class="plan-item-title">(.*?)</h3>', html)]


@pytest.fixture
def everything(make_site, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    build(make_site(ALL_TYPES), out)
    return out


# ---------------------------------------------------------------- sections


def test_each_section_lists_the_documents_of_its_types(everything: Path) -> None:
    assert listed(everything, "van-ban-chi-dao/index.html") == [
        "Công văn 112/UBND-NV: Rà soát, niêm yết thủ tục hành chính",
        "Quyết định 05/QĐ-UBND: Thành lập Đoàn kiểm tra",
        "Thông báo 07/TB-VP: Lịch tiếp công dân quý II",
    ]
    assert listed(everything, "ke-hoach/index.html") == [
        "Chương trình 02/CTr-UBND: Chương trình công tác năm 2023",
        "Kế hoạch 13/KH-UBND: Tuyên truyền cải cách hành chính",
    ]
    assert listed(everything, "bao-cao/index.html") == [
        "Tờ trình 09/TTr-UBND: Đề nghị phê duyệt danh mục",
        "Báo cáo 68/BC-UBND: Kết quả cải cách hành chính quý I",
    ]
    directives = main_html(everything, "van-ban-chi-dao/index.html")
    assert '<h1 class="page-title">Văn bản chỉ đạo, điều hành về cải cách hành chính</h1>' in (
        directives
    )
    assert listed(everything, "van-ban-chi-dao/2022/index.html") == [
        "Thông báo 07/TB-VP: Lịch tiếp công dân quý II"
    ]
    assert (everything / "van-ban-chi-dao/2023/05-qd-ubnd/index.html").is_file()
    assert (everything / "bao-cao/2023/68-bc-ubnd/ma-qr/index.html").is_file()
    assert not (everything / "ke-hoach/2023/05-qd-ubnd/qr.png").exists()
    home = (everything / "index.html").read_text(encoding="utf-8")
    for section in ("van-ban-chi-dao", "ke-hoach", "bao-cao"):
        assert f'<a href="/{section}/">' in home  # the menu and "Xem tất cả"
    sitemap = text_of(main_html(everything, "so-do-trang/index.html"))
    assert "Báo cáo năm 2023 Tờ trình 09/TTr-UBND" in sitemap


def test_each_section_has_its_own_feed(everything: Path) -> None:
    def links(rel: str) -> list[str]:
        feed = feedparser.parse((everything / rel).read_bytes())
        assert not feed.bozo, feed.bozo_exception
        return sorted(e.link for e in feed.entries)

    assert links("van-ban-chi-dao/rss.xml") == [
        BASE + "van-ban-chi-dao/2022/07-tb-vp/",
        BASE + "van-ban-chi-dao/2023/05-qd-ubnd/",
        BASE + "van-ban-chi-dao/2023/112-ubnd-nv/",
    ]
    assert links("bao-cao/rss.xml") == [
        BASE + "bao-cao/2023/09-ttr-ubnd/",
        BASE + "bao-cao/2023/68-bc-ubnd/",
    ]
    assert len(links("rss.xml")) == len(ALL_TYPES)
    page = (everything / "bao-cao/index.html").read_text(encoding="utf-8")
    assert 'title="Báo cáo (RSS)" href="/bao-cao/rss.xml"' in page


def test_qr_codes_lead_to_the_documents_new_address(everything: Path) -> None:
    folder = everything / "van-ban-chi-dao/2023/05-qd-ubnd"
    address = BASE + "van-ban-chi-dao/2023/05-qd-ubnd/"
    assert decode_png((folder / "qr.png").read_bytes()) == address
    assert decode_svg((folder / "qr.svg").read_bytes()) == address
    poster = (folder / "ma-qr/index.html").read_text(encoding="utf-8")
    inline = re.search(r"<svg role=\"img\".*?</svg>", poster, re.S)
    assert inline and decode_svg(inline.group(0).encode()) == address
    page = main_html(everything, "van-ban-chi-dao/2023/05-qd-ubnd/index.html")
    assert 'href="/van-ban-chi-dao/2023/05-qd-ubnd/ma-qr/"' in page


def test_the_old_ke_hoach_address_redirects_to_the_new_one(everything: Path) -> None:
    old = (everything / "ke-hoach/2023/05-qd-ubnd/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=/van-ban-chi-dao/2023/05-qd-ubnd/">' in old
    assert f'<link rel="canonical" href="{BASE}van-ban-chi-dao/2023/05-qd-ubnd/">' in old
    redirects = (everything / "_redirects").read_text(encoding="utf-8").splitlines()
    assert "/ke-hoach/2023/05-qd-ubnd/ /van-ban-chi-dao/2023/05-qd-ubnd/ 301" in redirects
    assert "/ke-hoach/2023/68-bc-ubnd/ /bao-cao/2023/68-bc-ubnd/ 301" in redirects
    nginx = (everything / "_nginx.conf").read_text(encoding="utf-8")
    assert "/ke-hoach/2023/05-qd-ubnd/" in nginx and "/van-ban-chi-dao/2023/05-qd-ubnd/" in nginx


def test_an_old_address_another_document_has_is_left_to_it(make_site, tmp_path: Path) -> None:
    site = make_site(
        {
            "content/plans/kh.md": doc_md("KH", "13", "KH-UBND", "Kế hoạch", extra="slug: chung\n"),
            "content/plans/qd.md": doc_md(
                "QĐ", "05", "QĐ-UBND", "Quyết định", extra="slug: chung\n"
            ),
        }
    )
    out = tmp_path / "out"
    build(site, out)
    assert "KẾ HOẠCH" in text_of(main_html(out, "ke-hoach/2023/chung/index.html"))
    assert "QUYẾT ĐỊNH" in text_of(main_html(out, "van-ban-chi-dao/2023/chung/index.html"))
    assert "/ke-hoach/2023/chung/" not in (out / "_redirects").read_text(encoding="utf-8")


def test_a_replacement_named_by_its_old_address_is_found(make_site, tmp_path: Path) -> None:
    site = make_site(
        {
            "content/plans/old.md": doc_md(
                "QĐ",
                "02",
                "QĐ-UBND",
                "Quyết định cũ",
                extra="status: superseded\nsuperseded_by: /ke-hoach/2023/05-qd-ubnd/\n",
            ),
            "content/plans/new.md": doc_md("QĐ", "05", "QĐ-UBND", "Quyết định mới"),
        }
    )
    build(site, tmp_path / "out")
    old = main_html(tmp_path / "out", "van-ban-chi-dao/2023/02-qd-ubnd/index.html")
    assert 'href="/van-ban-chi-dao/2023/05-qd-ubnd/">Quyết định 05/QĐ-UBND' in old


# ---------------------------------------------------------------- site.yaml


def test_a_site_showing_only_ke_hoach_lists_every_document_there(make_site, tmp_path: Path) -> None:
    site_yaml = SITE_YAML.format(base=BASE) + "document_sections: [ke-hoach]\n"
    out = tmp_path / "out"
    build(make_site({"site.yaml": site_yaml, **ALL_TYPES}), out)
    assert len(listed(out, "ke-hoach/index.html")) == len(ALL_TYPES)
    assert '<h1 class="page-title">Kế hoạch, văn bản cải cách hành chính</h1>' in main_html(
        out, "ke-hoach/index.html"
    )
    assert (out / "ke-hoach/2023/05-qd-ubnd/qr.png").is_file()  # where it always was
    assert not (out / "van-ban-chi-dao").exists() and not (out / "bao-cao").exists()
    assert "/ke-hoach/" not in (out / "_redirects").read_text(encoding="utf-8")


def test_a_document_of_a_section_not_shown_is_an_error_at_its_type(
    make_site, tmp_path: Path
) -> None:
    site_yaml = SITE_YAML.format(base=BASE) + "document_sections: [van-ban-chi-dao, bao-cao]\n"
    site = make_site(
        {"site.yaml": site_yaml, "content/plans/kh.md": ALL_TYPES["content/plans/kh.md"]}
    )
    with pytest.raises(ContentError) as info:
        build(site, tmp_path / "out")
    assert str(info.value).splitlines()[:2] == [
        "content/plans/kh.md:2:11: error: a kế hoạch is published under /ke-hoach/, which this "
        "site does not show (document_sections in site.yaml)",
        "  hint: add ke-hoach to document_sections in site.yaml; when shown, ke-hoach also "
        "lists the documents of the sections a site does not show",
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "[van-ban-chi-dao, bao-coa]",
            "site.yaml:5:38: error: must be one of van-ban-chi-dao, ke-hoach, bao-cao; "
            "got 'bao-coa'\n  hint: did you mean 'bao-cao'?",
        ),
        ("[]", "site.yaml:5:20: error: 'document_sections' must name at least one section"),
    ],
)
def test_document_sections_are_checked(make_site, tmp_path: Path, value: str, message: str) -> None:
    site = make_site({"site.yaml": SITE_YAML.format(base=BASE) + f"document_sections: {value}\n"})
    with pytest.raises(ConfigError) as info:
        build(site, tmp_path / "out")
    assert message in str(info.value)


# ---------------------------------------------------------------- filters


def test_list_pages_offer_years_as_links_and_a_type_and_issuer_filter(everything: Path) -> None:
    html = main_html(everything, "van-ban-chi-dao/index.html")
    years = re.search(r'<nav class="doc-years".*?</nav>', html, re.S)
    assert years and 'href="/van-ban-chi-dao/2023/"' in years.group(0)
    assert 'href="/van-ban-chi-dao/2022/"' in years.group(0)
    form = re.search(r'<form class="doc-filter" hidden.*?</form>', html, re.S)
    assert form, "no filter form (hidden until its script runs)"
    form_html = form.group(0)
    assert '<label for="loai-van-ban">Loại văn bản</label>' in form_html
    assert '<label for="co-quan-ban-hanh">Cơ quan ban hành</label>' in form_html
    options = re.findall(r'<option value="([^"]*)">([^<]*)</option>', form_html)
    assert options[:4] == [
        ("", "Tất cả"),
        ("QĐ", "Quyết định (1)"),
        ("TB", "Thông báo (1)"),
        ("CV", "Công văn (1)"),
    ]
    assert ("VĂN PHÒNG HĐND VÀ UBND HUYỆN", "VĂN PHÒNG HĐND VÀ UBND HUYỆN (1)") in options
    assert 'role="status" aria-live="polite"' in form_html
    assert 'data-type="QĐ" data-issuer="ỦY BAN NHÂN DÂN HUYỆN QUỲNH PHỤ"' in html
    assert re.search(r'<script src="/assets/loc-van-ban\.[0-9a-f]+\.js" defer></script>', html)
    assert "<script>" not in html  # the site's CSP allows no inline script
    year_page = main_html(everything, "van-ban-chi-dao/2023/index.html")
    assert 'href="/van-ban-chi-dao/2023/" aria-current="page"' in year_page
    assert "Thông báo (1)" not in year_page  # the 2023 page offers the types of 2023


# ---------------------------------------------------------------- NĐ 30/2020 layout


def test_a_quyet_dinh_renders_its_articles_with_a_bold_lead(everything: Path) -> None:
    html = main_html(everything, "van-ban-chi-dao/2023/05-qd-ubnd/index.html")
    assert '<span class="doc-type">QUYẾT ĐỊNH</span>' in html
    assert '<p class="doc-article"><strong class="doc-article-lead">Điều 1.</strong>' in html
    assert '<p class="doc-article"><strong class="doc-article-lead">Điều 2.</strong>' in html
    assert '<p class="doc-article"><strong>Điều 3. Tổ chức thực hiện</strong></p>' in html
    text = text_of(html)
    assert "Điều 2. Quyết định này có hiệu lực kể từ ngày ký./." in text


def test_a_cong_van_shows_v_v_under_its_number_and_no_type_line(everything: Path) -> None:
    html = main_html(everything, "van-ban-chi-dao/2023/112-ubnd-nv/index.html")
    issuer = re.search(r'<div class="doc-issuer">.*?</div>', html, re.S)
    assert issuer
    assert text_of(issuer.group(0)).endswith(
        "Số: 112/UBND-NV V/v Rà soát, niêm yết thủ tục hành chính"
    )
    assert '<h1 class="doc-about">V/v Rà soát, niêm yết thủ tục hành chính</h1>' in html
    assert "doc-title" not in html and "doc-type" not in html
    assert '<p class="doc-to">Kính gửi: Ủy ban nhân dân các xã, thị trấn.</p>' in html


def test_a_bao_cao_renders_like_a_plan_with_its_type_name(everything: Path) -> None:
    html = main_html(everything, "bao-cao/2023/68-bc-ubnd/index.html")
    assert (
        '<h1 class="doc-title"><span class="doc-type">BÁO CÁO</span> '
        '<span class="doc-summary">Kết quả cải cách hành chính quý I</span></h1>'
    ) in html
    text = text_of(html)
    assert "Số: 68/BC-UBND" in text and "Nơi nhận: - Như trên; - Lưu: VT, NV." in text


WIDE_APPENDIX = (
    "Nội dung kế hoạch./.\n\n## Phụ lục\n\n"
    "| STT | Nhiệm vụ | Sản phẩm | Chủ trì | Phối hợp | Thời gian |\n"
    "|---|---|---|---|---|---|\n"
    + "".join(
        f"| {i} | Tuyên truyền cải cách hành chính trong nội bộ từng phòng, đơn vị | "
        "Bài viết, tin, ảnh | Văn phòng | Các phòng, đơn vị trực thuộc | Thường xuyên |\n"
        for i in range(1, 7)
    )
)


def test_a_wide_appendix_is_marked_for_landscape_print(make_site, tmp_path: Path) -> None:
    site = make_site(
        {
            "content/plans/wide.md": doc_md("KH", "74", "KH-UBND", "Rộng", body=WIDE_APPENDIX),
            "content/plans/narrow.md": doc_md(
                "KH",
                "75",
                "KH-UBND",
                "Hẹp",
                body="Nội dung./.\n\n## Phụ lục\n\n| STT | Đơn vị |\n|---|---|\n| 1 | VP |\n",
            ),
        }
    )
    out = tmp_path / "out"
    build(site, out)
    wide = main_html(out, "ke-hoach/2023/74-kh-ubnd/index.html")
    assert '<div class="prose doc-body doc-appendix doc-appendix-wide">' in wide
    assert "Phụ lục có bảng rộng được in trên trang A4 khổ ngang." in text_of(wide)
    narrow = main_html(out, "ke-hoach/2023/75-kh-ubnd/index.html")
    assert '<div class="prose doc-body doc-appendix">' in narrow
    assert "khổ ngang" not in text_of(narrow)


# ---------------------------------------------------------------- in Chromium


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


def _served_site(make_site, tmp_path: Path, files: dict[str, str]) -> Path:
    out = tmp_path / "out"
    build(make_site({"site.yaml": SITE_YAML.format(base=BASE + "cchc/"), **files}), out)
    return out


def _orientations(pdf: bytes) -> list[str]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return ["landscape" if float(w) > float(h) else "portrait" for w, h in boxes]


@pytest.mark.e2e
def test_the_wide_appendix_prints_on_landscape_pages_and_the_body_on_portrait(
    make_site, tmp_path: Path, chromium: Browser
) -> None:
    out = _served_site(
        make_site,
        tmp_path,
        {"content/plans/wide.md": doc_md("KH", "74", "KH-UBND", "Rộng", body=WIDE_APPENDIX)},
    )
    with SiteServer(out, "/cchc/") as server:
        page = chromium.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        try:
            visit(page, server.url + "ke-hoach/2023/74-kh-ubnd/", server.origin)
            pages = _orientations(page.pdf(prefer_css_page_size=True))
        finally:
            page.close()
    assert pages[0] == "portrait" and pages[-1] == "landscape", pages
    assert pages == sorted(pages, key=lambda o: o == "landscape"), pages  # body, then appendix


@pytest.mark.e2e
def test_the_filter_narrows_the_list_and_says_how_many(
    make_site, tmp_path: Path, chromium: Browser
) -> None:
    out = _served_site(make_site, tmp_path, ALL_TYPES)
    with SiteServer(out, "/cchc/") as server:
        context = chromium.new_context(viewport={"width": 390, "height": 844})
        context.set_default_timeout(TIMEOUT_MS)
        try:
            url = server.url + "van-ban-chi-dao/"
            loaded = visit(context.new_page(), url, server.origin)
            page = loaded.page

            def shown() -> list[str]:
                return page.locator(".plan-item:visible .plan-item-title").all_inner_texts()

            assert len(shown()) == 3
            page.get_by_label("Loại văn bản").select_option("QĐ")
            assert shown() == ["Quyết định 05/QĐ-UBND: Thành lập Đoàn kiểm tra"]
            assert page.locator(".doc-filter .filter-status").inner_text() == (
                "Có 1 văn bản phù hợp."
            )
            assert not page.locator("#nam-2022").is_visible()  # a year with none is hidden
            page.get_by_label("Cơ quan ban hành").select_option("VĂN PHÒNG HĐND VÀ UBND HUYỆN")
            assert shown() == []
            assert "Không có văn bản nào phù hợp" in page.locator(".filter-status").inner_text()
            page.get_by_label("Loại văn bản").select_option("")
            assert shown() == ["Thông báo 07/TB-VP: Lịch tiếp công dân quý II"]
            assert_fits_and_passes_axe(loaded, url)
        finally:
            context.close()


UNDATED = """\
---
doc_type: KH
number: ""
symbol: KH-SKHCN
issuer: {{name: "SỞ KHOA HỌC VÀ CÔNG NGHỆ"{extra}}}
place: Hải Dương
issued_date: 10/2022
title: Tuyên truyền cải cách hành chính
slug: kh-skhcn-2022
---
Nội dung.
"""


def test_an_undated_document_and_its_issuer_read_as_written(make_site) -> None:
    site = make_site(
        {
            "content/plans/a.md": UNDATED.format(
                extra=', name_in_text: "Sở Khoa học và Công nghệ tỉnh Hải Dương"'
            ),
            "content/plans/b.md": UNDATED.format(extra="")
            .replace("KH-SKHCN", "KH-UBND")
            .replace("SỞ KHOA HỌC VÀ CÔNG NGHỆ", "ỦY BAN NHÂN DÂN XÃ THỬ")
            .replace("kh-skhcn-2022", "kh-ubnd-2022"),
        }
    )
    build(site)
    out = site / "public"
    listing = (out / "ke-hoach/index.html").read_text(encoding="utf-8")
    assert listing.count("tháng 10/2022 (chưa ghi ngày)") == 2
    for slug, creator in (
        ("kh-skhcn-2022", "Sở Khoa học và Công nghệ tỉnh Hải Dương"),
        ("kh-ubnd-2022", "Ủy ban nhân dân xã Thử"),  # the site's agency, as site.yaml writes it
    ):
        page = (out / f"ke-hoach/2022/{slug}/index.html").read_text(encoding="utf-8")
        assert f'<meta name="DC.creator" content="{creator}">' in page
        assert "tháng 10/2022 (chưa ghi ngày)" in page


def test_a_decision_prints_who_decides_between_its_title_and_its_basis(make_site) -> None:
    site = make_site(
        {
            "content/plans/qd.md": """\
---
doc_type: QĐ
number: "25"
symbol: QĐ-UBND
issuer: {name: "ỦY BAN NHÂN DÂN XÃ THỬ"}
place: Thử
issued_date: 15/09/2025
title: Thành lập Tổ kiểm tra cải cách hành chính
issuing_authority: CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ THỬ
basis: ["Căn cứ Luật Tổ chức chính quyền địa phương"]
---
**QUYẾT ĐỊNH:**

**Điều 1.** Thành lập Tổ kiểm tra.
"""
        }
    )
    build(site)
    page = (site / "public/van-ban-chi-dao/2025/25-qd-ubnd/index.html").read_text("utf-8")
    title = page.index("Thành lập Tổ kiểm tra cải cách hành chính</span>")
    authority = page.index('<p class="doc-authority">CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ THỬ</p>')
    basis = page.index("Căn cứ Luật Tổ chức chính quyền địa phương")
    assert title < authority < basis < page.index("Điều 1.")

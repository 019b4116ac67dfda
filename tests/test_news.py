"""News categories (chuyên mục) with their pages and feeds; a post's QR code and its print."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import feedparser
import pytest
import zxingcpp
from browser import SiteServer, launch_chromium, visit
from conftest import build
from lxml import html as lxml_html
from PIL import Image
from playwright.sync_api import Browser, Route, sync_playwright
from test_plans import decode_png, decode_svg

from cchcgen import qrcodes, webserver
from cchcgen.errors import ConfigError

SITE_YAML = """\
title: "Chuyên mục thử"
base_url: "https://example.gov.vn/cchc/"
agency:
  name: "Ủy ban nhân dân xã Thử"
paginate: 2
"""


def post(title: str, date: str, category: str | None) -> str:
    line = f'category: "{category}"\n' if category is not None else ""
    return f'---\ntitle: "{title}"\ndate: {date}\n{line}---\nNội dung bài {title}.\n'


POSTS = {
    "content/posts/hop-1.md": post("Giao ban tháng 1", "10/01/2024", "Tin hoạt động"),
    "content/posts/hop-2.md": post("Giao ban tháng 2", "10/02/2024", "Tin hoạt động"),
    # written without diacritics: still the category "Tin hoạt động"
    "content/posts/hop-3.md": post("Giao ban tháng 3", "10/03/2024", "tin hoat dong"),
    "content/posts/chi-dao.md": post("Chỉ đạo về một cửa", "05/03/2024", "Chỉ đạo điều hành"),
    "content/posts/khong-ro.md": post("Tin chưa phân loại", "01/03/2024", ""),
}


@pytest.fixture
def news_site(make_site: Callable[[dict[str, str]], Path]) -> Path:
    return make_site({"site.yaml": SITE_YAML, **POSTS})


def _page(root: Path, rel: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((root / "public" / rel).read_text(encoding="utf-8"))


def _titles(page: lxml_html.HtmlElement) -> list[str]:
    return [h.text_content() for h in page.xpath("//ul[@class='post-list']//h2")]


# ---------------------------------------------------------------- category pages and feeds


def test_category_page_lists_its_posts_newest_first_and_paginates(news_site: Path) -> None:
    build(news_site)
    first = _page(news_site, "chuyen-muc/tin-hoat-dong/index.html")
    assert first.xpath("string(//h1)") == "Tin hoạt động"
    assert _titles(first) == ["Giao ban tháng 3", "Giao ban tháng 2"]
    crumbs = [a.text_content() for a in first.xpath("//nav[@class='breadcrumbs wrap']//li")]
    assert crumbs == ["Trang chủ", "Tin tức", "Tin hoạt động"]
    second = _page(news_site, "chuyen-muc/tin-hoat-dong/trang/2/index.html")
    assert second.xpath("string(//h1)") == "Tin hoạt động – Trang 2/2"
    assert _titles(second) == ["Giao ban tháng 1"]
    other = _page(news_site, "chuyen-muc/chi-dao-dieu-hanh/index.html")
    assert _titles(other) == ["Chỉ đạo về một cửa"]
    # a default category without posts has no page
    assert not (news_site / "public/chuyen-muc/mo-hinh-sang-kien").exists()
    alternate = first.xpath("//link[@rel='alternate']")
    assert ("Tin chuyên mục Tin hoạt động (RSS)", "/cchc/chuyen-muc/tin-hoat-dong/rss.xml") in [
        (link.get("title"), link.get("href")) for link in alternate
    ]


def test_category_feed_has_the_category_posts(news_site: Path) -> None:
    build(news_site)
    feed = feedparser.parse((news_site / "public/chuyen-muc/tin-hoat-dong/rss.xml").read_bytes())
    assert feed.feed.title == "Tin hoạt động – Chuyên mục thử"
    assert feed.feed.link == "https://example.gov.vn/cchc/chuyen-muc/tin-hoat-dong/"
    assert [e.title for e in feed.entries] == [
        "Giao ban tháng 3",
        "Giao ban tháng 2",
        "Giao ban tháng 1",
    ]
    assert feed.entries[0].link == "https://example.gov.vn/cchc/tin-tuc/hop-3/"


def test_news_list_post_page_and_sitemap_link_the_categories(news_site: Path) -> None:
    build(news_site)
    news = _page(news_site, "tin-tuc/index.html")
    nav = news.xpath("//nav[@class='category-nav']//a")
    assert [(a.text_content(), a.get("href")) for a in nav] == [
        ("Tất cả tin", "/cchc/tin-tuc/"),
        ("Tin hoạt động", "/cchc/chuyen-muc/tin-hoat-dong/"),
        ("Chỉ đạo điều hành", "/cchc/chuyen-muc/chi-dao-dieu-hanh/"),
    ]
    assert nav[0].get("aria-current") == "page"
    page = _page(news_site, "tin-tuc/hop-3/index.html")
    (meta,) = page.xpath("//p[@class='post-meta']")
    assert "Chuyên mục: Tin hoạt động" in " ".join(meta.text_content().split())
    assert meta.xpath(".//a/@href") == ["/cchc/chuyen-muc/tin-hoat-dong/"]
    crumbs = page.xpath("//nav[@class='breadcrumbs wrap']//a/@href")
    assert crumbs == ["/cchc/", "/cchc/tin-tuc/", "/cchc/chuyen-muc/tin-hoat-dong/"]
    # a post without a category links none
    bare = _page(news_site, "tin-tuc/khong-ro/index.html")
    assert bare.xpath("//p[@class='post-meta']//a") == []
    sitemap = _page(news_site, "so-do-trang/index.html")
    links = sitemap.xpath("//main//a/@href")
    assert "/cchc/chuyen-muc/chi-dao-dieu-hanh/" in links
    assert "/cchc/chuyen-muc/chi-dao-dieu-hanh/rss.xml" in links


def test_unknown_category_is_a_warning_at_its_line_and_the_post_is_published(
    make_site: Callable[[dict[str, str]], Path],
) -> None:
    site = make_site({"content/posts/a.md": post("A", "01/03/2024", "Tin hoat dongg")})
    result = build(site)
    (warning,) = [w for w in result.warnings if "category" in w.message]
    assert (warning.path, warning.line) == ("content/posts/a.md", 4)
    assert warning.message == (
        "the category 'Tin hoat dongg' is not one of the site's news categories; "
        "the post is published without a category page"
    )
    assert warning.hint == "did you mean 'Tin hoạt động'?"
    page = _page(site, "tin-tuc/a/index.html")
    assert "Tin hoat dongg" in page.xpath("string(//p[@class='post-meta'])")
    assert page.xpath("//p[@class='post-meta']//a") == []
    assert not (site / "public/chuyen-muc").exists()


def test_site_gives_its_own_categories(make_site: Callable[[dict[str, str]], Path]) -> None:
    categories = (
        'news_categories:\n  - "Tin hoạt động"\n'
        '  - {name: "Cải cách thủ tục hành chính", slug: cai-cach-tthc}\n'
    )
    site = make_site(
        {
            "site.yaml": SITE_YAML + categories,
            "content/posts/a.md": post("A", "01/03/2024", "Cải cách thủ tục hành chính"),
            "content/posts/b.md": post("B", "02/03/2024", "Chỉ đạo điều hành"),
        }
    )
    result = build(site)
    assert _titles(_page(site, "chuyen-muc/cai-cach-tthc/index.html")) == ["A"]
    (warning,) = [w for w in result.warnings if "category" in w.message]
    assert (warning.path, warning.line) == ("content/posts/b.md", 4)
    assert warning.hint == (
        "write one of: Tin hoạt động, Cải cách thủ tục hành chính (news_categories in site.yaml)"
    )


def test_two_categories_with_one_address_are_an_error(
    make_site: Callable[[dict[str, str]], Path],
) -> None:
    categories = (
        'news_categories:\n  - "Tin hoạt động"\n  - {name: "Hoạt động", slug: tin-hoat-dong}\n'
    )
    site = make_site({"site.yaml": SITE_YAML + categories})
    with pytest.raises(ConfigError) as raised:
        build(site)
    (problem,) = raised.value.diagnostics
    assert (problem.path, problem.line, problem.column) == ("site.yaml", 8, 5)
    assert problem.message == (
        "the category 'Hoạt động' has the same name or address as 'Tin hoạt động'"
    )


# ---------------------------------------------------------------- QR code and print


def test_post_qr_files_and_inline_code_decode_to_its_address(news_site: Path) -> None:
    build(news_site)
    folder = news_site / "public/tin-tuc/hop-1"
    address = "https://example.gov.vn/cchc/tin-tuc/hop-1/"
    assert decode_svg((folder / "qr.svg").read_bytes()) == address
    # no qr.png beside a post: the page's script draws it (see the browser test below)
    assert sorted(p.name for p in folder.iterdir()) == ["index.html", "qr.svg"]
    page = _page(news_site, "tin-tuc/hop-1/index.html")
    (figure,) = page.xpath("//article//figure[@class='post-qr']")
    svg = lxml_html.tostring(figure.xpath(".//svg")[0])
    assert decode_svg(svg) == address
    links = page.xpath("//article//ul[@class='qr-links']//a")
    assert [(a.get("href"), a.text) for a in links] == [
        ("/cchc/tin-tuc/hop-1/qr.svg", "Tải mã QR (SVG)"),
        (None, "Tải mã QR (PNG)"),  # without scripts: no address, and its item is hidden
    ]
    assert links[1].getparent().get("hidden") is not None
    assert page.xpath("string(//button[@data-print])") == "In trang này"


@pytest.mark.e2e
@pytest.mark.skipif(bool(os.environ.get("CCHCGEN_SKIP_E2E")), reason="CCHCGEN_SKIP_E2E is set")
def test_post_png_download_is_drawn_in_the_browser(served: SiteServer, tmp_path: Path) -> None:
    """The PNG link of a post, under the Content-Security-Policy the site is published
    with: shown once drawn, and the file it downloads scans as the post's address."""
    address = "https://example.gov.vn/cchc/tin-tuc/hop-1/"

    def with_site_policy(route: Route) -> None:
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": webserver.CSP}
        route.fulfill(response=response, headers=headers)

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844}, accept_downloads=True)
            page.route(served.url + "**", with_site_policy)
            loaded = visit(page, served.url + "tin-tuc/hop-1/", served.origin)
            assert not loaded.problems(), "\n".join(loaded.problems())
            link = page.get_by_role("link", name="Tải mã QR (PNG)")
            link.wait_for(state="visible")
            with page.expect_download() as download:
                link.click()
            saved = tmp_path / download.value.suggested_filename
            download.value.save_as(saved)
            assert saved.name == "qr.png"
            png = saved.read_bytes()
            side = (len(qrcodes.matrix(address)) + 2 * qrcodes.BORDER) * qrcodes.PNG_SCALE
            assert Image.open(io.BytesIO(png)).size == (side, side)  # as documents' qr.png
            assert decode_png(png) == address
            assert not loaded.problems(), "\n".join(loaded.problems())  # none from the policy
        finally:
            browser.close()


@pytest.fixture
def served(news_site: Path) -> Iterator[SiteServer]:
    build(news_site)
    with SiteServer(news_site / "public", "/cchc/") as running:
        yield running


def _codes(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png)).convert("L")
    return [code.text for code in zxingcpp.read_barcodes(image)]


def _scan_pdf(browser: Browser, url: str) -> list[str]:
    """Open a PDF in Chromium's viewer, page fitted to the width, and read its QR codes
    (the viewer draws the page after the load: a few tries)."""
    viewer = browser.new_page(viewport={"width": 1000, "height": 1414}, device_scale_factor=3)
    viewer.goto(url + "#toolbar=0&view=FitH")
    for _attempt in range(40):
        viewer.wait_for_timeout(250)
        found = _codes(viewer.screenshot())
        if found:
            return found
    return []


@pytest.mark.e2e
@pytest.mark.skipif(bool(os.environ.get("CCHCGEN_SKIP_E2E")), reason="CCHCGEN_SKIP_E2E is set")
def test_printed_post_keeps_the_article_and_its_qr(served: SiteServer, news_site: Path) -> None:
    address = "https://example.gov.vn/cchc/tin-tuc/hop-1/"
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            loaded = visit(page, served.url + "tin-tuc/hop-1/", served.origin)
            assert not loaded.problems(), "\n".join(loaded.problems())
            assert page.locator("button[data-print]").is_visible(), "no print button"
            page.emulate_media(media="print")
            hidden = (".site-header", ".site-nav", ".breadcrumbs", ".site-footer", ".qr-links")
            for selector in (*hidden, "button[data-print]"):
                for element in page.locator(selector).all():
                    assert not element.is_visible(), f"{selector} shows on the printout"
            assert "Nội dung bài Giao ban tháng 1." in page.inner_text("article")
            pdf = page.pdf(format="A4")
            # one page: the QR sits beside the title and takes no page of its own
            assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
            (news_site / "public/ban-in.pdf").write_bytes(pdf)
            assert _scan_pdf(browser, served.url + "ban-in.pdf") == [address]
        finally:
            browser.close()

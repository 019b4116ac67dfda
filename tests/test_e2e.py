"""End to end: the sample site, built and served under its sub-path, in headless Chromium.

At phone width (390×844) the home page, the first post and the first tag linked from it, and a
missing address (the 404 page) must each: answer with the right status, declare
``<html lang="vi">``, carry the canonical production URL, fit the screen without horizontal
scrolling, log no console error, fail no request, and pass axe-core's WCAG 2.0/2.1 A and AA
rules. The skip link must appear when tabbed to and move focus to ``main``.

Plans are checked the way a citizen and a clerk use them: the document page at phone
width (only the appendix table may scroll, inside its own box), the QR code on the screen, on
the printed A4 page and on the desk poster decodes to the plan's production address, and the
print view drops the navigation.

Chromium is Debian's /usr/bin/chromium (``make test-deps``); set CCHCGEN_SKIP_E2E=1 to skip
these tests on a machine without it.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import zxingcpp
from browser import (
    TIMEOUT_MS,
    SiteServer,
    assert_fits_and_passes_axe,
    launch_chromium,
    visit,
)
from conftest import FIXED_NOW, REPO
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Locator, Page, sync_playwright

from cchcgen import search
from cchcgen.build import BuildOptions, build_site
from cchcgen.config import load_config

pytestmark = pytest.mark.e2e

SOURCE = REPO
"""The sample site: the repository root."""
BASE_URL = load_config(SOURCE).base_url
BASE_PATH = urlsplit(BASE_URL).path
PHONE = {"width": 390, "height": 844}
MISSING = "khong-co-trang-nay/o-day/"
PAGES = ["home", "post", "tag", "missing"]
BODY_CLASS = {
    "home": "kind-home",
    "post": "kind-post",
    "tag": "kind-tag",
    "missing": "kind-not_found",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site built with SOURCE_DATE_EPOCH's fixed "now" (2026-01-01)."""
    output = tmp_path_factory.mktemp("e2e") / "public"
    build_site(BuildOptions(source=SOURCE, output=output, now=FIXED_NOW))
    assert (output / "404.html").is_file(), "the build wrote no 404.html"
    return output


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[SiteServer]:
    assert BASE_PATH != "/", f"the sample site's base_url {BASE_URL} should have a sub-path"
    with SiteServer(site, BASE_PATH) as running:
        yield running


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def phone(chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context(
        viewport=PHONE,
        device_scale_factor=1,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        service_workers="block",
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="module")
def addresses(chromium: Browser, server: SiteServer) -> dict[str, str]:
    """Each page under test by its address relative to the base path, found on the home page
    (a page whose link is missing is left out, and its test fails saying so)."""
    context = chromium.new_context(viewport=PHONE, device_scale_factor=1)
    try:
        home = visit(context.new_page(), server.url, server.origin).page
        hrefs = home.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)")
    finally:
        context.close()
    local = [urlsplit(h).path for h in hrefs if h.startswith(server.url)]
    relative = [path[len(BASE_PATH) :] for path in local]
    post = next((p for p in relative if re.fullmatch(r"tin-tuc/(?!\d{4}/)[^/]+/", p)), None)
    tag = next((p for p in relative if re.fullmatch(r"chu-de/[^/]+/", p)), None)
    found = {"home": "", "post": post, "tag": tag, "missing": MISSING}
    return {name: path for name, path in found.items() if path is not None}


@pytest.mark.parametrize("name", PAGES)
def test_page_at_phone_width(
    name: str, addresses: dict[str, str], server: SiteServer, phone: BrowserContext
) -> None:
    if name not in addresses:
        pattern = {"post": "tin-tuc/<slug>/", "tag": "chu-de/<slug>/"}[name]
        pytest.fail(f"the home page's main has no link to a {name} page ({BASE_PATH}{pattern})")
    relative = addresses[name]
    url = server.url + relative
    loaded = visit(phone.new_page(), url, server.origin)
    page = loaded.page

    expected_status = 404 if name == "missing" else 200
    assert loaded.status == expected_status, f"{url}: status {loaded.status}"
    body_class = page.get_attribute("body", "class") or ""
    assert BODY_CLASS[name] in body_class.split(), f"{url}: body class is {body_class!r}"
    assert page.evaluate("document.documentElement.lang") == "vi", f"{url}: <html lang>"

    canonical = page.eval_on_selector_all(
        "link[rel=canonical]", "links => links.map(l => l.getAttribute('href'))"
    )
    expected = BASE_URL + ("404.html" if name == "missing" else relative)
    assert canonical == [expected], f"{url}: canonical links {canonical}, expected [{expected}]"

    assert_fits_and_passes_axe(loaded, url)


def test_404_page_links_back_home(server: SiteServer, phone: BrowserContext) -> None:
    loaded = visit(phone.new_page(), server.url + MISSING, server.origin)
    assert loaded.status == 404
    home_links = loaded.page.locator(f'main a[href="{BASE_PATH}"]')
    assert home_links.count() >= 1, f"the 404 page has no link to {BASE_PATH} in its main"
    with loaded.page.expect_navigation() as navigation:
        home_links.first.click()
    response = navigation.value
    assert response is not None and response.status == 200, "the home link does not load"
    assert loaded.page.url == server.url
    assert "kind-home" in (loaded.page.get_attribute("body", "class") or "").split()
    problems = loaded.problems()
    assert not problems, "console errors or failed requests:\n" + "\n".join(problems)


def test_skip_link_shows_on_focus_and_moves_to_main(
    server: SiteServer, phone: BrowserContext
) -> None:
    loaded = visit(phone.new_page(), server.url, server.origin)
    page = loaded.page
    skip = page.locator("a.skip-link")
    assert skip.count() == 1, "the home page has no a.skip-link"
    target = skip.get_attribute("href") or ""
    assert target.startswith("#") and len(target) > 1, f"skip link href is {target!r}"

    before = skip.bounding_box()
    assert before is not None
    assert before["y"] + before["height"] <= 0, f"the skip link shows before focus: {before}"

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused.split(), f"the first Tab focuses {focused!r}, not the skip link"
    after = skip.bounding_box()
    assert after is not None
    inside = (
        after["x"] >= 0
        and after["y"] >= 0
        and after["x"] + after["width"] <= PHONE["width"]
        and after["y"] + after["height"] <= PHONE["height"]
    )
    assert inside, f"the focused skip link is not inside the screen: {after}"
    assert skip.is_visible()

    page.keyboard.press("Enter")
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.id === id", arg=target[1:]
    )
    active = page.evaluate("document.activeElement.tagName.toLowerCase()")
    assert active == "main", f"the skip link moves focus to <{active}>, not <main>"
    assert page.url.endswith(target)
    problems = loaded.problems()
    assert not problems, "console errors or failed requests:\n" + "\n".join(problems)


# -- plans ----------------------------------------------------------------------------------

PLAN_WITH_APPENDIX = "ke-hoach/2022/74-kh-skhcn/"
"""Kế hoạch 74/KH-SKHCN: its Phụ lục is a table wider than a phone."""
PLAN_PAGES = [
    "ke-hoach/2023/13-kh-ubnd/",
    PLAN_WITH_APPENDIX,
    "ke-hoach/2022/kh-sxd-tuyen-truyen-cchc/",
]
DESKTOP = {"width": 1280, "height": 900}
NARROWEST = {"width": 320, "height": 640}
"""WCAG 2.1 SC 1.4.10 (reflow): content must fit 320 CSS pixels without scrolling sideways."""


@pytest.fixture
def narrow(chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context(viewport=NARROWEST, device_scale_factor=2, locale="vi-VN")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


def scanned(target: Page | Locator) -> list[str]:
    """What a phone camera reads: every QR code in a screenshot, decoded by zxing-cpp."""
    image = Image.open(io.BytesIO(target.screenshot())).convert("L")
    return [code.text for code in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("relative", PLAN_PAGES)
def test_plan_page_reflows_at_320_pixels(
    relative: str, server: SiteServer, narrow: BrowserContext
) -> None:
    url = server.url + relative
    loaded = visit(narrow.new_page(), url, server.origin)
    page = loaded.page
    assert loaded.status == 200, f"{url}: status {loaded.status}"
    canonical = page.get_attribute("link[rel=canonical]", "href")
    assert canonical == BASE_URL + relative

    assert page.locator("h1.doc-title").is_visible()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page.inner_text(".doc-motto")

    qr = page.locator(".doc-qr svg")
    assert qr.count() == 1, f"{url}: no inline QR code"
    assert (qr.get_attribute("role"), bool(qr.get_attribute("aria-label"))) == ("img", True)
    qr.scroll_into_view_if_needed()
    assert scanned(qr) == [canonical], f"{url}: the QR on the screen does not scan to the page"
    assert_fits_and_passes_axe(loaded, url)


def test_appendix_table_scrolls_inside_its_own_box(
    server: SiteServer, phone: BrowserContext
) -> None:
    page = visit(phone.new_page(), server.url + PLAN_WITH_APPENDIX, server.origin).page
    wrap = page.locator(".doc-body .table-wrap").first
    assert wrap.count() == 1, "the appendix table is not wrapped"
    box = page.evaluate(
        """() => { const w = document.querySelector('.doc-body .table-wrap');
                   return {client: w.clientWidth, scroll: w.scrollWidth,
                           right: w.getBoundingClientRect().right,
                           tabindex: w.getAttribute('tabindex'), role: w.getAttribute('role'),
                           label: w.getAttribute('aria-label')}; }"""
    )
    assert box["right"] <= PHONE["width"], f"the table box sticks out of the screen: {box}"
    assert box["scroll"] > box["client"], f"the appendix fits without scrolling?: {box}"
    assert box["tabindex"] == "0" and box["role"] == "region" and box["label"], (
        f"a keyboard user cannot reach the scrolling table: {box}"
    )
    wrap.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.doc-body .table-wrap').scrollLeft > 0")


def test_plan_prints_as_the_document_with_its_qr_and_no_navigation(
    chromium: Browser, server: SiteServer
) -> None:
    context = chromium.new_context(viewport=DESKTOP, device_scale_factor=2)
    try:
        page = visit(context.new_page(), server.url + PLAN_WITH_APPENDIX, server.origin).page
        page.emulate_media(media="print")
        for hidden in (".site-header", ".site-nav", ".breadcrumbs", ".site-footer", ".doc-aside"):
            for element in page.locator(hidden).all():
                assert not element.is_visible(), f"{hidden} shows on the printout"
        shown = (".doc-header", ".doc-title", ".doc-body", ".doc-signer", ".doc-recipients")
        for part in (*shown, ".doc-appendix"):
            assert page.locator(part).first.is_visible(), f"{part} is missing from the printout"
        starts_page = page.eval_on_selector(
            ".doc-appendix", "el => getComputedStyle(el).breakBefore"
        )
        assert starts_page == "page", "the appendix does not start a new printed page"
        qr = page.locator(".doc-qr")
        assert qr.is_visible(), "the QR code is missing from the printout"
        document = page.locator(".document").bounding_box()
        corner = qr.bounding_box()
        assert document and corner
        assert corner["x"] + corner["width"] >= document["x"] + document["width"] - 2, (
            f"the printed QR is not at the right edge: {corner} in {document}"
        )
        assert corner["width"] < document["width"] / 4, f"the printed QR is too big: {corner}"
        assert scanned(page.locator(".doc-qr svg")) == [BASE_URL + PLAN_WITH_APPENDIX]
        pdf = page.pdf(format="A4", print_background=False)
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2
    finally:
        context.close()


def test_qr_poster_page_for_the_desk(chromium: Browser, server: SiteServer) -> None:
    relative = "ke-hoach/2023/13-kh-ubnd/"
    context = chromium.new_context(viewport=DESKTOP, device_scale_factor=1)
    try:
        loaded = visit(context.new_page(), server.url + relative + "ma-qr/", server.origin)
        page = loaded.page
        assert loaded.status == 200
        text = page.inner_text("main")
        assert "13/KH-UBND" in text
        short = BASE_URL.split("://", 1)[1] + relative.rstrip("/")
        assert short in text, f"the poster does not print the short address {short!r}"
        qr = page.locator(".qr-poster-code svg")
        assert qr.bounding_box()["width"] >= 300, "the poster's QR code is not large"
        assert scanned(qr) == [BASE_URL + relative]
        page.emulate_media(media="print")
        assert not page.locator(".site-nav").is_visible()
        assert scanned(page) == [BASE_URL + relative], "the printed poster does not scan"
        assert not loaded.problems(), "\n".join(loaded.problems())
    finally:
        context.close()


# -- the procedure catalogue ------------------------------------------------------------------

CATALOGUE = "thu-tuc-hanh-chinh/"


def visible_rows(page: Page) -> list[tuple[str, str]]:
    """(name, code) of each catalogue row a reader can see."""
    return page.eval_on_selector_all(
        "tr[data-filter]",
        """rows => rows.filter(r => r.offsetParent !== null)
                       .map(r => [r.querySelector('th a').textContent.trim(),
                                  r.querySelector('.proc-code').textContent.trim()])""",
    )


def test_catalogue_filter_matches_without_diacritics_and_by_code(
    server: SiteServer, phone: BrowserContext
) -> None:
    url = server.url + CATALOGUE
    loaded = visit(phone.new_page(), url, server.origin)
    page = loaded.page
    everything = visible_rows(page)
    assert len(everything) >= 20, f"the catalogue shows only {len(everything)} procedures"
    box = page.get_by_label("Lọc thủ tục theo tên hoặc mã")
    assert box.is_visible()

    box.fill("dang ky khai sinh")
    rows = visible_rows(page)
    assert rows and all("khai sinh" in name.lower() for name, _ in rows), rows
    assert "1.001193" in [code for _, code in rows], rows
    status = page.locator(".filter-status").inner_text()
    assert status == f"Tìm thấy {len(rows)} thủ tục.", status

    box.fill("DANG KY KET HON")  # capitals, no diacritics
    assert any("kết hôn" in name.lower() for name, _ in visible_rows(page))

    box.fill("2.000815")
    assert [code for _, code in visible_rows(page)] == ["2.000815"]
    hidden_sections = page.eval_on_selector_all(
        ".proc-sector", "sections => sections.filter(s => s.hidden).length"
    )
    assert hidden_sections >= 1, "sectors without a match stay on screen"

    box.fill("khong co thu tuc nay")
    assert visible_rows(page) == []
    assert "Không có thủ tục nào khớp" in page.locator(".filter-status").inner_text()

    box.fill("")
    assert visible_rows(page) == everything
    assert_fits_and_passes_axe(loaded, url)


def test_catalogue_without_javascript_lists_everything(
    chromium: Browser, server: SiteServer
) -> None:
    context = chromium.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = visit(context.new_page(), server.url + CATALOGUE, server.origin).page
        assert not page.locator("form.proc-filter").is_visible()
        rows = page.locator("tr[data-filter]")
        assert rows.count() >= 20
        assert all(rows.nth(i).is_visible() for i in range(rows.count()))
    finally:
        context.close()


@pytest.mark.parametrize("code", ["1.001193", "2.000815"])
def test_procedure_page_on_a_phone_and_on_paper(
    code: str, chromium: Browser, server: SiteServer, narrow: BrowserContext
) -> None:
    relative = f"{CATALOGUE}{code}/"
    url = server.url + relative
    loaded = visit(narrow.new_page(), url, server.origin)
    page = loaded.page
    assert loaded.status == 200
    assert scanned(page.locator(".proc-qr svg")) == [BASE_URL + relative]
    assert_fits_and_passes_axe(loaded, url)

    context = chromium.new_context(viewport=DESKTOP, device_scale_factor=2)
    try:
        printed = visit(context.new_page(), url, server.origin).page
        printed.emulate_media(media="print")
        for hidden in (".site-header", ".site-nav", ".site-footer", ".proc-toc"):
            assert not printed.locator(hidden).first.is_visible(), f"{hidden} is printed"
        assert printed.locator(".proc-qr").is_visible()
        assert scanned(printed.locator(".proc-qr svg")) == [BASE_URL + relative]
        pdf = printed.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
    finally:
        context.close()


# -- hotline, feedback, indices ---------------------------------------------------------------


def test_hotline_is_visible_on_the_home_page_as_a_tel_link(
    server: SiteServer, phone: BrowserContext
) -> None:
    page = visit(phone.new_page(), server.url, server.origin).page
    strip = page.locator(".hotline-strip a[href^='tel:']")
    assert strip.count() == 1, "no tel: link in the hotline strip"
    assert strip.is_visible()
    box = strip.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], (
        f"the hotline is below the first screen: {box}"
    )
    href = strip.get_attribute("href") or ""
    assert re.fullmatch(r"tel:\+84\d{8,10}", href), href


@pytest.mark.parametrize(
    "relative", ["duong-day-nong/", "phan-anh-kien-nghi/", "chi-so-cchc/", "__first_feedback__"]
)
def test_civic_pages_at_phone_width(
    relative: str, server: SiteServer, phone: BrowserContext, site: Path
) -> None:
    if relative == "__first_feedback__":
        first = sorted((site / "phan-anh-kien-nghi").glob("*/index.html"))[0]
        relative = first.parent.relative_to(site).as_posix() + "/"
    url = server.url + relative
    loaded = visit(phone.new_page(), url, server.origin)
    assert loaded.status == 200, f"{url}: {loaded.status}"
    assert_fits_and_passes_axe(loaded, url)


# -- search -----------------------------------------------------------------------------------

SEARCHES = [
    # (query as typed, site address expected first)
    ("dang ky khai sinh", "thu-tuc-hanh-chinh/1.001193/"),
    ("đăng ký khai sinh", "thu-tuc-hanh-chinh/1.001193/"),
    ("DANG KY KET HON", "thu-tuc-hanh-chinh/1.000894/"),
    ("chung thuc ban sao", "thu-tuc-hanh-chinh/2.000815/"),
    ("dat dai hoa giai", "thu-tuc-hanh-chinh/1.012812/"),  # đ typed as d
    ("1.001193", "thu-tuc-hanh-chinh/1.001193/"),
    ("13/KH-UBND", "ke-hoach/2023/13-kh-ubnd/"),
    ("74/KH-SKHCN", "ke-hoach/2022/74-kh-skhcn/"),
    ("PAKN-2025-0047", "phan-anh-kien-nghi/pakn-2025-0047/"),
    ("nam buoc giai quyet ho so", "tin-tuc/quy-trinh-giai-quyet-ho-so-tai-bo-phan-mot-cua/"),
]


def search_for(page: Page, server: SiteServer, query: str, section: str = "") -> list[str]:
    """Open /tim-kiem/?q=… and return the results' addresses, relative to the base path."""
    url = server.url + "tim-kiem/?q=" + quote(query) + (f"&muc={quote(section)}" if section else "")
    page.goto(url)
    page.wait_for_function(
        "() => { const s = document.querySelector('.search-status').textContent;"
        " return s && !s.startsWith('Đang'); }"
    )
    hrefs = page.eval_on_selector_all(
        ".search-result h2 a", "links => links.map(a => a.getAttribute('href'))"
    )
    return [h.removeprefix(BASE_PATH) for h in hrefs]


def test_search_understands_vietnamese_typed_any_way(
    server: SiteServer, phone: BrowserContext
) -> None:
    page = phone.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    failures = []
    for query, expected in SEARCHES:
        found = search_for(page, server, query)
        if not found or found[0] != expected:
            failures.append(f"{query!r}: expected {expected} first, got {found[:3]}")
    assert not failures, "\n".join(failures)
    # with and without diacritics, the same pages in the same order
    assert search_for(page, server, "đăng ký kết hôn") == search_for(
        page, server, "dang ky ket hon"
    )


PAGE_SEARCHES = [
    # (query, the address expected first): every kind of page can be found, not only content
    ("duong day nong", "duong-day-nong/"),
    ("chi so cai cach hanh chinh", "chi-so-cchc/"),
    ("danh muc thu tuc hanh chinh", "thu-tuc-hanh-chinh/"),
    ("dich vu cong truc tuyen", "dich-vu-cong-truc-tuyen/"),
    ("lich tiep cong dan", "lich-tiep-cong-dan/"),
    ("dang ky khai sinh qua mang", "hoi-dap/lam-giay-khai-sinh-truc-tuyen/"),
    # "công chứng" is not done at the commune: the FAQ says who does what
    ("cong chung", "hoi-dap/cong-chung-va-chung-thuc/"),
]


def test_search_finds_every_kind_of_page(server: SiteServer, phone: BrowserContext) -> None:
    page = phone.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    failures = []
    for query, expected in PAGE_SEARCHES:
        found = search_for(page, server, query)
        if not found or found[0] != expected:
            failures.append(f"{query!r}: expected {expected} first, got {found[:3]}")
    assert not failures, "\n".join(failures)


def test_a_query_naming_a_document_type_lists_those_documents_first(
    server: SiteServer, phone: BrowserContext
) -> None:
    page = phone.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    found = search_for(page, server, "ke hoach tuyen truyen")
    plans = [url for url in found if url.startswith("ke-hoach/")]
    news = [url for url in found if url.startswith("tin-tuc/")]
    assert plans and news, found  # both kinds hold the words
    assert found[: len(plans)] == plans, found


def test_search_filters_by_section_and_passes_axe(
    server: SiteServer, phone: BrowserContext
) -> None:
    url = server.url + "tim-kiem/?q=" + quote("khai sinh")
    loaded = visit(phone.new_page(), url, server.origin)
    page = loaded.page
    page.wait_for_function("() => document.querySelectorAll('.search-result').length > 0")
    sections = page.eval_on_selector_all(
        ".search-result-section", "els => els.map(e => e.textContent)"
    )
    assert {s.split(" · ")[0] for s in sections} >= {"Thủ tục hành chính", "Phản ánh, kiến nghị"}
    page.get_by_label("Tin tức", exact=True).check()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.search-result-section')]"
        ".every(e => e.textContent.startsWith('Tin tức'))"
    )
    assert "muc=" in page.url
    page.get_by_label("Tất cả", exact=True).check()
    page.wait_for_function("() => document.querySelectorAll('.search-result').length > 3")
    assert_fits_and_passes_axe(loaded, url)


def test_header_search_box_leads_to_the_search_page(
    server: SiteServer, phone: BrowserContext
) -> None:
    page = visit(phone.new_page(), server.url + "gioi-thieu/", server.origin).page
    page.get_by_label("Tìm trong chuyên mục").fill("chung thuc")
    with page.expect_navigation():
        page.get_by_label("Tìm trong chuyên mục").press("Enter")
    assert urlsplit(page.url).path == BASE_PATH + "tim-kiem/"
    page.wait_for_function("() => document.querySelectorAll('.search-result').length > 0")


def test_search_page_without_javascript_explains_itself(
    chromium: Browser, server: SiteServer
) -> None:
    context = chromium.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = visit(context.new_page(), server.url + "tim-kiem/", server.origin).page
        text = page.inner_text("main")
        assert "cần JavaScript" in text
        links = page.eval_on_selector_all(
            "main a", "links => links.map(a => a.getAttribute('href'))"
        )
        assert BASE_PATH + "thu-tuc-hanh-chinh/" in links and BASE_PATH + "so-do-trang/" in links
    finally:
        context.close()


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    """The sample site with its search index in many shards, as a large site has it."""
    output = tmp_path_factory.mktemp("e2e-shards") / "public"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SHARD_LIMIT", 8)
        build_site(BuildOptions(source=SOURCE, output=output, now=FIXED_NOW))
    with SiteServer(output, BASE_PATH) as running:
        yield running


def test_search_merges_the_shards_of_a_large_index(
    sharded: SiteServer, phone: BrowserContext
) -> None:
    shards = json.loads((sharded.root / "pagefind/shards.json").read_bytes())["shards"]
    assert len(shards) > 5, shards
    page = phone.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    failures = []
    for query, expected in SEARCHES + PAGE_SEARCHES:
        found = search_for(page, sharded, query)
        if not found or found[0] != expected:
            failures.append(f"{query!r}: expected {expected} first, got {found[:3]}")
    assert not failures, "\n".join(failures)
    # results come from several shards: procedures, feedback and news about "khai sinh"
    found = search_for(page, sharded, "khai sinh")
    assert {url.split("/")[0] for url in found} >= {"thu-tuc-hanh-chinh", "tin-tuc"}, found

"""QR posters for the one-stop desk: one A4 sheet per procedure in force, and a sheet of
cards per sector; every code scans to the procedure's page; they print on A4 as promised
(checked in the PDF Chromium prints, see :mod:`printed`).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import zxingcpp
from browser import SiteServer, assert_fits_and_passes_axe, launch_chromium, visit
from conftest import build
from lxml import html as lxml_html
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright
from printed import print_pdf, printed_pages, squeezed
from test_plans import decode_svg
from test_procedures import REPLACED, full, listed, text_of

from cchcgen.kinds.procedure import CARDS_PER_SHEET

BASE = "https://example.gov.vn/cchc/"
LONG_NAME = (
    "Thủ tục chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan tổ chức có thẩm "
    "quyền của Việt Nam cấp hoặc chứng nhận; chứng thực bản sao từ bản chính giấy tờ, văn "
    "bản do cơ quan, tổ chức có thẩm quyền của nước ngoài cấp"
)
HO_TICH = [
    ("1.000001", "Thủ tục đăng ký khai sinh", "Làm giấy khai sinh cho con"),
    ("1.000002", "Thủ tục đăng ký khai tử", "Làm giấy khai tử"),
    ("1.000003", "Thủ tục đăng ký kết hôn", ""),
    ("1.000004", "Thủ tục đăng ký lại khai sinh", ""),
    ("1.000005", "Thủ tục đăng ký giám hộ", ""),
    ("1.000006", "Thủ tục đăng ký nhận cha, mẹ, con", ""),
    ("1.000007", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", "Xin giấy xác nhận độc thân"),
    ("1.000008", "Thủ tục cấp bản sao Trích lục hộ tịch", "Xin bản sao giấy khai sinh"),
    ("1.000009", "Thủ tục thay đổi, cải chính, bổ sung thông tin hộ tịch", ""),
    ("1.000010", LONG_NAME.replace("chứng thực", "đăng ký"), ""),
    ("1.000011", "Thủ tục đăng ký khai sinh lưu động", ""),
]
"""Eleven procedures in force in one sector: two A4 sheets of cards."""


def record(code: str, name: str, short: str) -> str:
    return full(code, name, short_name=f'short_name: "{short}"' if short else "")


def write_site(root: Path, base: str = BASE) -> Path:
    files = {
        "site.yaml": f'title: "Chuyên mục thử"\nbase_url: "{base}"\n'
        'agency:\n  name: "Ủy ban nhân dân xã Thử"\n',
        **{f"content/procedures/{c}.yaml": record(c, n, s) for c, n, s in HO_TICH},
        # in force, list only, no short name, no executing agency: a sector of one
        "content/procedures/2.000815.yaml": listed("2.000815", LONG_NAME),
        # not in force: no poster, not on the sector's poster
        "content/procedures/1.000099.yaml": REPLACED.replace("1.000001", "1.000099").replace(
            "'1.001193'", "'1.000001'"
        ),
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("posters")
    build(write_site(root / "site"), root / "public")
    return root / "public"


def page(out: Path, rel: str):
    return lxml_html.fromstring((out / rel / "index.html").read_bytes())


def canonical(out: Path, rel: str) -> str:
    return page(out, rel).xpath("//link[@rel='canonical']/@href")[0]


def inline_codes(tree) -> list[str]:
    """Every inline QR code of a page, decoded by zxing."""
    return [
        decode_svg(lxml_html.tostring(svg))
        for svg in tree.xpath("//main//*[local-name()='svg'][@role='img']")
    ]


# ---------------------------------------------------------------- the pages


def test_each_procedure_in_force_has_a_poster_with_name_code_and_agency(out: Path) -> None:
    poster = page(out, "thu-tuc-hanh-chinh/1.000001/ma-qr")
    main = text_of(poster.xpath("//main")[0])
    assert poster.xpath("string(//h1)").strip() == "Làm giấy khai sinh cho con"
    assert "Tên đầy đủ: Thủ tục đăng ký khai sinh" in main
    assert "Mã thủ tục: 1.000001" in main
    assert "Cơ quan thực hiện: Ủy ban nhân dân cấp xã" in main
    assert "Quét mã QR bằng camera điện thoại hoặc Zalo để xem trên điện thoại" in main
    assert "nộp được hồ sơ trực tuyến" in main  # online_service: toan_trinh
    assert "Không quét được mã? Gõ địa chỉ: example.gov.vn/cchc/thu-tuc-hanh-chinh/1.000001" in main
    # no short name: the full name; list-only record without agency or online service
    other = page(out, "thu-tuc-hanh-chinh/2.000815/ma-qr")
    assert other.xpath("string(//h1)").strip() == LONG_NAME
    assert "Tên đầy đủ" not in text_of(other.xpath("//main")[0])
    assert "Cơ quan thực hiện" not in text_of(other.xpath("//main")[0])
    assert "nộp được hồ sơ trực tuyến" not in text_of(other.xpath("//main")[0])
    # a procedure no longer in force gets no poster
    assert (out / "thu-tuc-hanh-chinh/1.000099/index.html").is_file()
    assert not (out / "thu-tuc-hanh-chinh/1.000099/ma-qr").exists()


def test_each_sector_has_a_poster_of_its_procedures_in_force_in_sheets(out: Path) -> None:
    poster = page(out, "thu-tuc-hanh-chinh/linh-vuc/ho-tich/ma-qr")
    assert poster.xpath("string(//h1)").strip() == "Thủ tục hành chính lĩnh vực Hộ tịch"
    sheets = poster.xpath("//section[@class='poster-sheet']")
    cards = [
        [
            (text_of(card.xpath(".//h2")[0]), text_of(card.xpath(".//p")[0]))
            for card in sheet.xpath(".//li[@class='poster-card']")
        ]
        for sheet in sheets
    ]
    assert [len(sheet) for sheet in cards] == [9, 2]
    flat = [card for sheet in cards for card in sheet]
    shown = {code: short or name for code, name, short in HO_TICH}
    # in force only (the replaced 1.000099 is left out), by the name shown, short first
    assert sorted(code.removeprefix("Mã thủ tục: ") for _, code in flat) == sorted(shown)
    assert flat[0] == ("Làm giấy khai sinh cho con", "Mã thủ tục: 1.000001")
    assert flat[-1] == ("Xin giấy xác nhận độc thân", "Mã thủ tục: 1.000007")
    assert [text_of(s.xpath(".//*[@class='poster-sheet-number']")[0]) for s in sheets] == [
        "Tờ 1/2",
        "Tờ 2/2",
    ]
    hint = text_of(poster.xpath("//p[contains(@class, 'poster-print-hint')]")[0])
    assert "11 thủ tục in trên 2 trang A4, mỗi trang tối đa 9 thủ tục" in hint
    assert "mỗi mã QR rộng 5 cm" in hint
    one = page(out, "thu-tuc-hanh-chinh/linh-vuc/chung-thuc/ma-qr")
    assert [text_of(h) for h in one.xpath("//h2[contains(@class, 'poster-card-name')]")] == [
        LONG_NAME
    ]
    assert "Tờ 1/" not in text_of(one.xpath("//main")[0])


@pytest.mark.parametrize("base", ["https://example.gov.vn/", "https://xa.example.gov.vn/cchc/"])
def test_every_code_on_the_posters_decodes_to_the_procedure_page(tmp_path: Path, base: str) -> None:
    build(write_site(tmp_path / "site", base), tmp_path / "public")
    out = tmp_path / "public"
    for code, _name, _short in HO_TICH[:2]:
        target = canonical(out, f"thu-tuc-hanh-chinh/{code}")
        assert target == f"{base}thu-tuc-hanh-chinh/{code}/"
        assert inline_codes(page(out, f"thu-tuc-hanh-chinh/{code}/ma-qr")) == [target]
    poster = page(out, "thu-tuc-hanh-chinh/linh-vuc/ho-tich/ma-qr")
    codes = [c.removeprefix("Mã thủ tục: ") for c in poster.xpath("//li/p/text()")]
    assert inline_codes(poster) == [canonical(out, f"thu-tuc-hanh-chinh/{c}") for c in codes]


def test_posters_are_not_indexed_and_point_search_engines_to_the_pages(out: Path) -> None:
    for rel, target in (
        ("thu-tuc-hanh-chinh/1.000001/ma-qr", "thu-tuc-hanh-chinh/1.000001/"),
        ("thu-tuc-hanh-chinh/linh-vuc/ho-tich/ma-qr", "thu-tuc-hanh-chinh/linh-vuc/ho-tich/"),
    ):
        tree = page(out, rel)
        assert tree.xpath("//meta[@name='robots']/@content") == ["noindex"]
        assert canonical(out, rel) == BASE + target
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "thu-tuc-hanh-chinh/1.000001/" in sitemap
    assert "ma-qr" not in sitemap
    assert "ma-qr" not in (out / "so-do-trang/index.html").read_text(encoding="utf-8")


def test_procedure_and_sector_pages_link_clerks_to_the_posters(out: Path) -> None:
    proc = page(out, "thu-tuc-hanh-chinh/1.000001")
    aside = proc.xpath("//aside[@class='proc-print']")[0]
    assert "Dành cho cán bộ Bộ phận Một cửa" in text_of(aside)
    links = {text_of(a): a.get("href") for a in aside.xpath(".//a")}
    assert links == {
        "Tờ mã QR của thủ tục này": "/cchc/thu-tuc-hanh-chinh/1.000001/ma-qr/",
        "Tờ mã QR các thủ tục lĩnh vực Hộ tịch": "/cchc/thu-tuc-hanh-chinh/linh-vuc/ho-tich/ma-qr/",
    }
    sector = page(out, "thu-tuc-hanh-chinh/linh-vuc/ho-tich")
    aside = sector.xpath("//aside[@class='proc-print']")[0]
    assert text_of(aside.xpath(".//h2")[0]) == "Dành cho cán bộ Bộ phận Một cửa"
    assert aside.xpath(".//a/@href") == ["/cchc/thu-tuc-hanh-chinh/linh-vuc/ho-tich/ma-qr/"]
    retired = (out / "thu-tuc-hanh-chinh/1.000099/index.html").read_text(encoding="utf-8")
    assert "ma-qr" not in retired
    catalogue = (out / "thu-tuc-hanh-chinh/index.html").read_text(encoding="utf-8")
    assert "ma-qr" not in catalogue


# ---------------------------------------------------------------- printed


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def server(out: Path) -> Iterator[SiteServer]:
    with SiteServer(out, urlsplit(BASE).path) as running:
        yield running


def scanned(page: Page) -> list[str]:
    """What a phone camera reads on the whole page: every QR code, decoded by zxing-cpp."""
    image = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("L")
    return [code.text for code in zxingcpp.read_barcodes(image)]


@pytest.mark.e2e
@pytest.mark.parametrize("code", ["1.000001", "2.000815"], ids=["short-name", "long-name"])
def test_a_procedure_poster_prints_on_exactly_one_a4_page(
    browser: Browser, server: SiteServer, code: str
) -> None:
    pages = printed_pages(print_pdf(browser, f"{server.url}thu-tuc-hanh-chinh/{code}/ma-qr/"))
    assert len(pages) == 1, f"the poster printed on {len(pages)} pages: {pages}"
    name = {c: s or n for c, n, s in HO_TICH}.get(code, LONG_NAME)
    assert squeezed(name) in pages[0]
    assert squeezed(f"Mã thủ tục: {code}") in pages[0]
    assert squeezed("Quét mã QR bằng camera điện thoại") in pages[0]
    assert "Trangnàyđểin" not in pages[0], "the screen-only hint was printed"
    assert "Trangchủ" not in pages[0], "the site's menu was printed"


@pytest.mark.e2e
def test_a_sector_poster_prints_whole_cards_on_the_promised_pages(
    browser: Browser, server: SiteServer, out: Path
) -> None:
    pages = printed_pages(
        print_pdf(browser, f"{server.url}thu-tuc-hanh-chinh/linh-vuc/ho-tich/ma-qr/")
    )
    expected = math.ceil(len(HO_TICH) / CARDS_PER_SHEET)
    assert len(pages) == expected == 2
    poster = page(out, "thu-tuc-hanh-chinh/linh-vuc/ho-tich/ma-qr")
    assert f"in trên {len(pages)} trang A4" in text_of(poster.xpath("//main")[0])
    for number, sheet in enumerate(poster.xpath("//section[@class='poster-sheet']")):
        for card in sheet.xpath(".//li"):
            top = squeezed(text_of(card.xpath(".//h2")[0]))
            bottom = squeezed(text_of(card.xpath(".//p")[0]))
            on = [i for i, text in enumerate(pages) if top in text and bottom in text]
            # the name above the code and the code number below it: a card cut by a page
            # break would leave them on two pages
            assert on == [number], f"card {top!r} is not whole on printed page {number + 1}"


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("rel", "centimetres"),
    [
        ("thu-tuc-hanh-chinh/1.000001/ma-qr/", 7),
        ("thu-tuc-hanh-chinh/2.000815/ma-qr/", 7),  # a long name, no short name
        ("thu-tuc-hanh-chinh/linh-vuc/ho-tich/ma-qr/", 5),
    ],
)
def test_posters_scan_from_the_printed_layout_and_pass_axe(
    browser: Browser, server: SiteServer, rel: str, centimetres: int
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    try:
        loaded = visit(context.new_page(), server.url + rel, server.origin)
        assert loaded.status == 200
        assert_fits_and_passes_axe(loaded, rel)
        page = loaded.page
        page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
        page.emulate_media(media="print")
        codes = page.locator("main svg[role=img]")
        urls = [
            BASE + f"thu-tuc-hanh-chinh/{label.split('(')[-1].rstrip(')')}/"
            for label in codes.evaluate_all("all => all.map(s => s.getAttribute('aria-label'))")
        ]
        widths = codes.evaluate_all("all => all.map(s => s.getBoundingClientRect().width)")
        smallest = centimetres * 10 * 96 / 25.4 - 1  # CSS pixels: 96 to the inch
        assert min(widths) >= smallest, f"a printed code is under {centimetres} cm: {widths}"
        assert sorted(scanned(page)) == sorted(urls), "a printed code does not scan"
    finally:
        context.close()

"""Online public services and the citizens' reception schedule."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import FIXED_NOW, build
from lxml import html as lxml_html

from cchcgen import cache, i18n
from cchcgen.build import BuildOptions, build_site
from cchcgen.config import load_config
from cchcgen.errors import ContentError
from cchcgen.files import RACY_SECONDS
from cchcgen.loader import LoadOptions, load_site
from cchcgen.search import site_records

SITE_YAML = """\
title: "Chuyên mục thử"
base_url: "https://example.gov.vn/cchc/"
timezone: Asia/Ho_Chi_Minh
agency:
  name: "Ủy ban nhân dân xã Thử"
"""
PROCEDURE = """\
code: "{code}"
name: "{name}"
sector: {{code: {sector}, name: "{sector_name}"}}
levels: [xa]
detail_level: list_only
{online}
announcement: {{date: 15/03/2024, change_type: new, number: "123/QĐ-UBND"}}
source: {{name: "CSDLQG", url: "https://csdl.dichvucong.gov.vn/", retrieved: 01/12/2025}}
"""
HOTLINE = """\
agency:
  name: "Ủy ban nhân dân xã Thử"
  address: "Thôn Đông, xã Thử"
  phone: "0227 3000 000"
  email: "vanphong@thu.example.gov.vn"
hotlines:
  - label: "Đường dây nóng"
    purpose: pakn
    number: "0227 3000 111"
    e164: "+842273000111"
one_stop:
  name: "Bộ phận Một cửa xã Thử"
  address: "Thôn Đông"
  working_hours:
    - days: [mon, tue, wed, thu, fri]
      morning: {start: "07:00", end: "11:30"}
external_links:
  national_portal: "https://dichvucong.gov.vn/"
  dossier_lookup: "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html"
  postal_service: "https://www.vnpost.vn/"
verified_at: 10/12/2025
"""
RECEPTION = """\
place: "Trụ sở UBND xã Thử"
regular:
  - who: "Chủ tịch UBND xã"
    name: "Lê Văn Một"
    weekdays: [thu]
    start: "07:30"
    end: "11:30"
days:
  - date: 20/12/2025
    start: "07:30"
    end: "11:30"
    who: "Chủ tịch UBND xã"
    note: "Buổi đã qua"
  - date: 15/01/2026
    start: "07:30"
    end: "11:30"
    who: "Chủ tịch UBND xã"
    note: "Buổi tháng Một"
  - date: 05/02/2026
    start: "14:00"
    end: "16:30"
    who: "Phó Chủ tịch UBND xã"
    place: "Nhà văn hóa thôn Đông"
  - date: 10/12/2025
    who: "Phó Chủ tịch UBND xã"
"""
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _procedure(code: str, name: str, online: str, sector: str = "ho-tich") -> str:
    names = {"ho-tich": "Hộ tịch", "dat-dai": "Đất đai"}
    return PROCEDURE.format(
        code=code, name=name, online=online, sector=sector, sector_name=names[sector]
    )


PROCEDURES = {
    "content/procedures/1.001193.yaml": _procedure(
        "1.001193", "Thủ tục đăng ký khai sinh", "online_service: {level: toan_trinh}"
    ),
    "content/procedures/1.000894.yaml": _procedure(
        "1.000894",
        "Thủ tục đăng ký kết hôn",
        'online_service: {level: mot_phan, partial_reason: "Hai bên phải có mặt để ký"}',
    ),
    "content/procedures/1.012783.yaml": _procedure(
        "1.012783",
        "Cấp lại Giấy chứng nhận",
        'online_service: {level: mot_phan, partial_reason: "Phải nộp bản gốc"}',
        sector="dat-dai",
    ),
    "content/procedures/1.001022.yaml": _procedure(
        "1.001022", "Thủ tục đăng ký nhận cha, mẹ, con", "online_service: {level: khong}"
    ),
}


def _page(out: Path, rel: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((out / rel).read_bytes())


def _text(node: lxml_html.HtmlElement) -> str:
    return " ".join(node.text_content().split())


@pytest.fixture
def services_site(make_site: Callable[[dict[str, str]], Path]) -> Path:
    return make_site(
        {
            "site.yaml": SITE_YAML,
            "content/hotline.yaml": HOTLINE,
            "content/reception.yaml": RECEPTION,
            **PROCEDURES,
        }
    )


# ---------------------------------------------------------------- online services


def test_online_page_lists_procedures_by_level_and_sector_with_portal_links(
    services_site: Path,
) -> None:
    build(services_site)
    doc = _page(services_site / "public", "dich-vu-cong-truc-tuyen/index.html")
    levels = [_text(h) for h in doc.xpath("//main//h2[starts-with(@id, 'muc-')]")]
    assert levels == [
        "Dịch vụ công trực tuyến toàn trình (1)",
        "Dịch vụ công trực tuyến một phần (2)",
    ]
    partial = doc.xpath("//section[h2[@id='muc-mot-phan']]")[0]
    assert [_text(h) for h in partial.xpath(".//h3")] == ["Đất đai (1)", "Hộ tịch (1)"]
    items = {
        _text(li.xpath("a[@class='online-name']")[0]): (
            li.xpath("a[@class='online-name']/@href")[0],
            li.xpath("a[@class='online-portal']/@href")[0],
            _text(li),
        )
        for li in doc.xpath("//li[@class='online-item']")
    }
    assert set(items) == {
        "Thủ tục đăng ký khai sinh",
        "Thủ tục đăng ký kết hôn",
        "Cấp lại Giấy chứng nhận",
    }  # not the procedure offered offline
    page, portal, text = items["Thủ tục đăng ký kết hôn"]
    assert page == "/cchc/thu-tuc-hanh-chinh/1.000894/"
    assert (
        portal
        == "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.000894"
    )
    assert "Lý do chỉ cung cấp một phần: Hai bên phải có mặt để ký" in text
    summary = _text(doc.xpath("//main/p[2]")[0])
    assert summary == (
        "1 thủ tục trực tuyến toàn trình, 2 thủ tục trực tuyến một phần. "
        "Tổng số thủ tục đang có hiệu lực: 4."
    )
    links = [(_text(a), a.get("href")) for a in doc.xpath("//ul[@class='service-list']//a")]
    assert links == [
        ("Tra cứu hồ sơ", "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html"),
        ("Dịch vụ bưu chính công ích", "https://www.vnpost.vn/"),
        ("Cổng Dịch vụ công quốc gia", "https://dichvucong.gov.vn/"),
    ]  # only the links the site gives: no survey, no appointment booking
    menu = [a.get("href") for a in doc.xpath("//nav[@class='site-nav']//a")]
    assert (
        menu.index("/cchc/dich-vu-cong-truc-tuyen/") == menu.index("/cchc/thu-tuc-hanh-chinh/") + 1
    )
    sitemap = _page(services_site / "public", "so-do-trang/index.html")
    assert "/cchc/dich-vu-cong-truc-tuyen/" in sitemap.xpath("//main//a/@href")


def test_without_service_links_the_page_has_no_links_section(
    make_site: Callable[[dict[str, str]], Path],
) -> None:
    site = make_site({"site.yaml": SITE_YAML, **PROCEDURES})
    build(site)
    doc = _page(site / "public", "dich-vu-cong-truc-tuyen/index.html")
    assert not doc.xpath("//ul[@class='service-list']")
    assert len(doc.xpath("//li[@class='online-item']")) == 3


def test_no_page_when_no_procedure_is_offered_online(
    make_site: Callable[[dict[str, str]], Path],
) -> None:
    offline = {k: v for k, v in PROCEDURES.items() if "1.001022" in k}
    site = make_site({"site.yaml": SITE_YAML, **offline})
    build(site)
    assert not (site / "public" / "dich-vu-cong-truc-tuyen").exists()
    assert "dich-vu-cong-truc-tuyen" not in (site / "public" / "index.html").read_text("utf-8")


# ---------------------------------------------------------------- reception schedule


def _days(doc: lxml_html.HtmlElement, section: str) -> list[str]:
    return [
        _text(li.xpath("p[@class='reception-date']")[0])
        for li in doc.xpath(f"//section[h2[@id='{section}']]//li[@class='reception-day']")
    ]


def test_reception_page_splits_upcoming_and_past_days_at_the_builds_now(
    services_site: Path,
) -> None:
    build(services_site)  # 01/01/2026
    out = services_site / "public"
    doc = _page(out, "lich-tiep-cong-dan/index.html")
    cells = doc.xpath("//table[@class='reception-table']//tbody/tr/*")
    regular = [" ".join(" ".join(cell.itertext()).split()) for cell in cells]
    assert regular == [
        "Chủ tịch UBND xã Lê Văn Một",
        "Hằng tuần, Thứ Năm: 07:30–11:30",
        "Trụ sở UBND xã Thử",
    ]
    assert _days(doc, "lich-sap-toi") == [
        "Thứ Năm, 15/01/2026 · từ 07:30 đến 11:30",
        "Thứ Năm, 05/02/2026 · từ 14:00 đến 16:30",
    ]
    assert _days(doc, "lich-da-qua") == ["Thứ Bảy, 20/12/2025 · từ 07:30 đến 11:30",
                                         "Thứ Tư, 10/12/2025"]  # fmt: skip
    places = [_text(p) for p in doc.xpath("//p[@class='reception-place']")]
    assert places[1] == "Địa điểm: Nhà văn hóa thôn Đông"
    assert places[0] == "Địa điểm: Trụ sở UBND xã Thử"  # the file's place
    home = _page(out, "index.html")
    box = _text(home.xpath("//section[@class='reception-box']")[0])
    assert box.startswith("Lịch tiếp công dân Thứ Năm, 15/01/2026, 07:30 Chủ tịch UBND xã")
    assert "20/12/2025" not in box
    sitemap = _page(out, "so-do-trang/index.html")
    assert "/cchc/lich-tiep-cong-dan/" in sitemap.xpath("//main//a/@href")


def test_a_reception_day_that_ends_moves_to_the_past_on_the_next_build(
    services_site: Path, tmp_path: Path
) -> None:
    """The quick check must not answer with the old page once a day is over."""
    out = tmp_path / "out"
    time.sleep(RACY_SECONDS + 0.2)  # files saved a while ago: the quick check remembers
    memory = cache.load(services_site)

    def build_at(hour: int, minute: int = 0) -> int:
        now = dt.datetime(2026, 1, 15, hour, minute, tzinfo=TZ)
        result = build_site(BuildOptions(services_site, out, now=now, cache=memory))
        return result.files

    build_at(8)
    doc = _page(out, "lich-tiep-cong-dan/index.html")
    assert _days(doc, "lich-sap-toi")[0].startswith("Thứ Năm, 15/01/2026")
    assert build_at(10) == 0  # nothing changed yet: answered by the quick check
    assert build_at(11, 45) > 0  # the day ended at 11:30
    doc = _page(out, "lich-tiep-cong-dan/index.html")
    assert _days(doc, "lich-sap-toi") == ["Thứ Năm, 05/02/2026 · từ 14:00 đến 16:30"]
    assert _days(doc, "lich-da-qua")[0] == "Thứ Năm, 15/01/2026 · từ 07:30 đến 11:30"
    home = _text(_page(out, "index.html").xpath("//section[@class='reception-box']")[0])
    assert "05/02/2026" in home and "15/01/2026" not in home


def test_search_has_a_record_for_each_new_page(services_site: Path) -> None:
    config = load_config(services_site)
    loaded = load_site(services_site, config, LoadOptions(FIXED_NOW))
    records = {r.url: r for r in site_records(loaded.site, i18n.load("vi"))}
    online = records["/dich-vu-cong-truc-tuyen/"]
    assert online.section == "Dịch vụ công trực tuyến"
    assert "Thủ tục đăng ký kết hôn" in online.text
    assert "Thủ tục đăng ký nhận cha, mẹ, con" not in online.text
    reception = records["/lich-tiep-cong-dan/"]
    assert reception.summary == (
        "Buổi tiếp công dân sắp tới: Thứ Năm, 15/01/2026, Chủ tịch UBND xã"
    )
    assert "Nhà văn hóa thôn Đông" in reception.text


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        (
            'place: "Trụ sở"\nregular:\n  - who: "Chủ tịch"\n    start: "07:30"\n',
            3,
            5,
            "the days of this reception are missing",
        ),
        (
            'place: "Trụ sở"\nregular:\n  - who: "Chủ tịch"\n    weekdays: [thu]\n'
            "    days_of_month: [10]\n",
            3,
            5,
            "give either 'weekdays' or 'days_of_month', not both",
        ),
        (
            'days:\n  - date: 15/01/2026\n    who: "Chủ tịch"\n',
            2,
            5,
            "no place is given for this reception",
        ),
        (
            'place: "Trụ sở"\ndays:\n  - date: 15/01/2026\n    who: "Chủ tịch"\n'
            '    start: "11:30"\n    end: "07:30"\n',
            6,
            10,
            "the reception ends at 07:30, not after it starts at 11:30",
        ),
        (
            'place: "Trụ sở"\ndays:\n  - date: 15/13/2026\n    who: "Chủ tịch"\n',
            3,
            11,
            None,
        ),
        (
            'place: "Trụ sở"\ndays:\n  - {date: 15/01/2026, who: "A"}\n'
            '  - {date: 15/01/2026, who: "A"}\n',
            4,
            None,
            "this reception day is already given at line 3",
        ),
        (
            'place: "Trụ sở"\n',
            1,
            1,
            "the file gives neither a regular schedule nor a reception day",
        ),
    ],
)
def test_reception_errors_are_reported_at_their_line(
    make_site: Callable[[dict[str, str]], Path],
    text: str,
    line: int,
    column: int | None,
    message: str | None,
) -> None:
    site = make_site({"site.yaml": SITE_YAML, "content/reception.yaml": text})
    with pytest.raises(ContentError) as raised:
        build(site)
    (problem,) = raised.value.diagnostics
    assert (problem.path, problem.line, problem.column) == (
        "content/reception.yaml",
        line,
        column,
    )
    if message is not None:
        assert problem.message == message

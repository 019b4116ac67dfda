"""The procedure catalogue: records, pages, lifecycle, the changes feed and open data."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import feedparser
import pytest
from browser import SiteServer, launch_chromium
from conftest import build, run_cli
from lxml import html as lxml_html
from playwright.sync_api import sync_playwright
from printed import print_pdf, printed_pages, squeezed
from test_plans import decode_svg

from cchcgen.errors import CchcError

BASE = "https://example.gov.vn/cchc/"
SITE_YAML = f"""\
title: "Chuyên mục thử"
base_url: "{BASE}"
agency:
  name: "Ủy ban nhân dân xã Thử"
"""


def full(code: str = "1.001193", name: str = "Thủ tục đăng ký khai sinh", **extra: str) -> str:
    """A complete record; keyword arguments add or replace top-level blocks."""
    blocks = {
        "code": f'code: "{code}"',
        "name": f'name: "{name}"',
        "sector": "sector:\n  code: ho-tich\n  name: Hộ tịch",
        "levels": "levels: [xa]",
        "subjects": 'subjects: ["Công dân Việt Nam"]',
        "agencies": 'agencies:\n  executing: ["Ủy ban nhân dân cấp xã"]\n'
        '  competent: ["Ủy ban nhân dân cấp xã"]',
        "receiving_addresses": 'receiving_addresses: ["Bộ phận Một cửa xã Thử"]',
        "steps": "steps:\n  - title: Bước 1\n    body: |-\n      Nộp tờ khai tại Bộ phận Một cửa.\n"
        "      Xuất trình giấy tờ tùy thân.\n  - title: Bước 2\n    body: Nhận kết quả.",
        "methods": "methods:\n  - channel: direct\n    processing_time:\n"
        "      text: Ngay trong ngày làm việc\n    fees:\n      - text: Miễn lệ phí\n"
        "  - channel: online\n    processing_time:\n      text: 01 ngày làm việc\n"
        "    fees:\n      - text: Miễn lệ phí",
        "cases": "cases:\n  - name: Trường hợp chung\n    dossier_sets: 1\n    documents:\n"
        "      - name: Tờ khai đăng ký khai sinh\n        originals: 1\n        copies: 0\n"
        "        form:\n          name: Mẫu tờ khai\n          url: https://example.org/mau.docx\n"
        "      - name: Giấy chứng sinh\n        originals: 0\n        copies: 1",
        "requirements": "requirements: []",
        "results": 'results: ["Giấy khai sinh (bản chính)"]',
        "legal_basis": "legal_basis:\n  - number: 60/2014/QH13\n    title: Luật Hộ tịch\n"
        "    issued: 20/11/2014\n    issuer: Quốc hội",
        "online_service": "online_service:\n  level: toan_trinh",
        "announcement": "announcement:\n  number: 2215/QĐ-UBND\n  date: 15/03/2024\n"
        "  change_type: new",
        "source": "source:\n  name: CSDLQG\n  url: https://dichvucong.gov.vn/\n"
        "  retrieved: 10/12/2025",
    }
    blocks.update(extra)
    return "\n".join(v for v in blocks.values() if v) + "\n"


def listed(code: str, name: str, sector: str = "chung-thuc: Chứng thực", **extra: str) -> str:
    sector_code, sector_name = sector.split(": ")
    blocks = {
        "code": f'code: "{code}"',
        "name": f'name: "{name}"',
        "sector": f"sector:\n  code: {sector_code}\n  name: {sector_name}",
        "levels": "levels: [tinh, xa]",
        "detail_level": "detail_level: list_only",
        "methods": "methods:\n  - channel: direct\n    processing_time:\n"
        "      text: 02 ngày làm việc",
        "online_service": "online_service:\n  level: khong",
        "announcement": "announcement:\n  number: 1001/QĐ-UBND\n  date: 01/02/2025",
        "source": "source:\n  name: CSDLQG\n  retrieved: 10/12/2025",
    }
    blocks.update(extra)
    return "\n".join(v for v in blocks.values() if v) + "\n"


REPLACED = listed(
    "1.000001",
    "Thủ tục đăng ký khai sinh (cũ)",
    "ho-tich: Hộ tịch",
    status="status: replaced\nreplaced_by: '1.001193'",
    announcement="announcement:\n  number: 3000/QĐ-UBND\n  date: 20/06/2025\n"
    "  change_type: replaced",
    history="history:\n  - date: 01/01/2020\n    change_type: new\n    decision: 10/QĐ-UBND",
)
ABOLISHED = listed(
    "2.000002",
    "Thủ tục cấp giấy xác nhận tình trạng nhà ở",
    "xay-dung: Xây dựng",
    status="status: abolished",
    announcement="announcement:\n  number: 3100/QĐ-UBND\n  date: 01/09/2025\n"
    "  change_type: abolished",
)


def site_with(make_site, records: dict[str, str], site_yaml: str = SITE_YAML) -> Path:
    files = {"site.yaml": site_yaml}
    files.update({f"content/procedures/{code}.yaml": text for code, text in records.items()})
    return make_site(files)


def standard_site(make_site) -> Path:
    return site_with(
        make_site,
        {
            "1.001193": full(
                history="history:\n  - date: 01/01/2020\n    change_type: new\n"
                "    decision: 10/QĐ-UBND\n  - date: 15/03/2024\n    change_type: amended\n"
                "    decision: 2215/QĐ-UBND",
                announcement="announcement:\n  number: 2215/QĐ-UBND\n  date: 15/03/2024\n"
                "  change_type: amended",
            ),
            "2.000815": listed("2.000815", "Chứng thực bản sao từ bản chính"),
            "1.000001": REPLACED,
            "2.000002": ABOLISHED,
        },
    )


def page(out: Path, rel: str):
    return lxml_html.fromstring((out / rel).read_bytes())


BLOCKS = {"p", "li", "dt", "dd", "h1", "h2", "h3", "td", "th", "tr", "div", "section"}


def text_of(node) -> str:
    """Visible text as a reader would copy it: blocks and cells separated by a space."""
    for element in node.iter():
        if element.tag in BLOCKS:
            element.tail = " " + (element.tail or "")
            if element.text is None or not element.text.startswith(" "):
                element.text = " " + (element.text or "")
    return " ".join(node.text_content().split())


# ---------------------------------------------------------------- the procedure page


def test_procedure_page_shows_every_component_in_portal_order(make_site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(standard_site(make_site), out)
    doc = page(out, "thu-tuc-hanh-chinh/1.001193/index.html")
    headings = [text_of(h) for h in doc.xpath("//main//h2")]
    order = [
        "Trình tự thực hiện",
        "Cách thức thực hiện",
        "Thành phần hồ sơ",
        "Yêu cầu, điều kiện thực hiện",
        "Kết quả thực hiện",
        "Căn cứ pháp lý",
        "Lịch sử công bố",
    ]
    assert [h for h in headings if h in order] == order
    main = text_of(doc.xpath("//main")[0])
    assert "Mã thủ tục: 1.001193" in main
    assert "Bước 1 Nộp tờ khai tại Bộ phận Một cửa. Xuất trình giấy tờ tùy thân." in main
    methods = [text_of(r) for r in doc.xpath("//section[h2[@id='cach-thuc']]//tbody/tr")]
    assert methods == [
        "Trực tiếp Ngay trong ngày làm việc Miễn lệ phí",
        "Trực tuyến 01 ngày làm việc Miễn lệ phí",
    ]
    dossier = [
        [text_of(c) for c in row.xpath("th|td")]
        for row in doc.xpath("//section[h2[@id='ho-so']]//tbody/tr")
    ]
    assert dossier == [
        ["Tờ khai đăng ký khai sinh", "1", "0", "Mẫu tờ khai"],
        ["Giấy chứng sinh", "0", "1", ""],
    ]
    assert doc.xpath("//a[text()='Mẫu tờ khai']/@href") == ["https://example.org/mau.docx"]
    assert "Số lượng hồ sơ: 1 bộ." in main
    assert "60/2014/QH13 Luật Hộ tịch 20/11/2014 Quốc hội" in main
    assert "Nguồn: CSDLQG. Đối chiếu với nguồn ngày 10/12/2025." in main
    portal = doc.xpath("//p[@class='proc-online']/a/@href")
    assert portal == [
        "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html"
        "?ma_thu_tuc=1.001193"
    ]
    canonical = doc.xpath("//link[@rel='canonical']/@href")[0]
    assert canonical == BASE + "thu-tuc-hanh-chinh/1.001193/"
    svg = lxml_html.tostring(doc.xpath("//figure[@class='proc-qr']/svg")[0])
    assert decode_svg(svg) == canonical
    assert decode_svg((out / "thu-tuc-hanh-chinh/1.001193/qr.svg").read_bytes()) == canonical


def test_portal_url_template_comes_from_site_yaml(make_site, tmp_path: Path) -> None:
    template = "https://dichvucong.thaibinh.gov.vn/thu-tuc?ma={code}"
    site = site_with(
        make_site,
        {"1.001193": full()},
        SITE_YAML + f'procedure_portal_url: "{template}"\n',
    )
    build(site, tmp_path / "out")
    doc = page(tmp_path / "out", "thu-tuc-hanh-chinh/1.001193/index.html")
    assert doc.xpath("//p[@class='proc-online']/a/@href") == [template.format(code="1.001193")]


def test_portal_url_template_without_code_is_an_error(make_site, tmp_path: Path) -> None:
    site = site_with(
        make_site, {"1.001193": full()}, SITE_YAML + 'procedure_portal_url: "https://a.vn/x"\n'
    )
    with pytest.raises(CchcError) as failure:
        build(site, tmp_path / "out")
    assert str(failure.value.diagnostics[0]).startswith(
        "site.yaml:5:23: error: 'procedure_portal_url' must be an absolute http(s) URL with "
        "{code} where the code goes"
    )


# ---------------------------------------------------------------- the catalogue


def test_catalogue_groups_procedures_in_force_by_sector_with_counts(
    make_site, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(standard_site(make_site), out)
    doc = page(out, "thu-tuc-hanh-chinh/index.html")
    sections = {
        text_of(s.xpath("h2")[0]): [
            [text_of(c) for c in row.xpath("th|td")] for row in s.xpath(".//tbody/tr")
        ]
        for s in doc.xpath("//section[@class='proc-sector']")
    }
    assert sections == {
        "Chứng thực (1)": [
            [
                "Chứng thực bản sao từ bản chính",
                "2.000815",
                "Cấp tỉnh, Cấp xã",
                "Chưa cung cấp",
                "02 ngày làm việc",
            ]
        ],
        "Hộ tịch (1)": [
            [
                "Thủ tục đăng ký khai sinh",
                "1.001193",
                "Cấp xã",
                "Toàn trình",
                "Ngay trong ngày làm việc",
            ]
        ],
    }
    by_level = [text_of(li) for li in doc.xpath("//nav[h2[@id='theo-cap']]//li")]
    assert by_level == ["Cấp tỉnh (1)", "Cấp xã (2)"]
    assert "Đang có hiệu lực: 2 thủ tục." in text_of(doc)
    rows = doc.xpath("//tr[@data-filter]/@data-filter")
    assert "chung thuc ban sao tu ban chinh" in rows[0] and "1.000001" not in " ".join(rows)
    sector = page(out, "thu-tuc-hanh-chinh/linh-vuc/ho-tich/index.html")
    assert [text_of(a) for a in sector.xpath("//tbody//th/a")] == ["Thủ tục đăng ký khai sinh"]
    level = page(out, "thu-tuc-hanh-chinh/cap-tinh/index.html")
    assert [text_of(a) for a in level.xpath("//tbody//th/a")] == ["Chứng thực bản sao từ bản chính"]


def test_filter_box_is_hidden_without_javascript_and_list_is_complete(
    make_site, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(standard_site(make_site), out)
    doc = page(out, "thu-tuc-hanh-chinh/index.html")
    form = doc.xpath("//form[contains(@class, 'proc-filter')]")[0]
    assert form.get("hidden") is not None  # the script reveals it
    (script,) = doc.xpath("//script/@src")
    assert re.fullmatch(r"/cchc/assets/loc-thu-tuc\.[0-9a-f]{8}\.js", script)
    assert (out / script.removeprefix("/cchc/")).is_file()
    assert not doc.xpath("//tr[@hidden]")


# ---------------------------------------------------------------- lifecycle


def test_retired_procedures_keep_their_pages_with_a_banner(make_site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(standard_site(make_site), out)
    old = page(out, "thu-tuc-hanh-chinh/1.000001/index.html")
    banner = text_of(old.xpath("//div[@role='note']")[0])
    assert banner == (
        "Đã bị thay thế. Thủ tục này đã được thay thế, không còn áp dụng. Theo Quyết định số "
        "3000/QĐ-UBND ngày 20/06/2025. Thủ tục thay thế: Thủ tục đăng ký khai sinh (1.001193)."
    )
    assert old.xpath("//div[@role='note']//a/@href") == ["/cchc/thu-tuc-hanh-chinh/1.001193/"]
    gone = page(out, "thu-tuc-hanh-chinh/2.000002/index.html")
    assert text_of(gone.xpath("//div[@role='note']")[0]).startswith(
        "Đã bãi bỏ. Thủ tục này đã bị bãi bỏ, không còn áp dụng. Theo Quyết định số 3100/QĐ-UBND"
    )
    new = page(out, "thu-tuc-hanh-chinh/1.001193/index.html")
    assert "Thủ tục này thay thế Thủ tục đăng ký khai sinh (cũ) (1.000001)" in text_of(new)
    for listing in ("index.html", "linh-vuc/ho-tich/index.html", "cap-xa/index.html"):
        text = (out / "thu-tuc-hanh-chinh" / listing).read_text(encoding="utf-8")
        assert "1.000001" not in text and "2.000002" not in text, listing
    assert "linh-vuc/xay-dung" not in (out / "thu-tuc-hanh-chinh/index.html").read_text()


def test_changes_page_lists_every_change_newest_first(make_site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(standard_site(make_site), out)
    doc = page(out, "thu-tuc-hanh-chinh/moi-cap-nhat/index.html")
    rows = [[text_of(c) for c in row.xpath("th|td")] for row in doc.xpath("//table//tbody/tr")]
    dates = [row[0] for row in rows]
    as_iso = ["-".join(reversed(d.split("/"))) for d in dates]
    assert as_iso == sorted(as_iso, reverse=True), dates
    assert rows[0] == [
        "01/09/2025",
        "Bãi bỏ",
        "Thủ tục cấp giấy xác nhận tình trạng nhà ở (2.000002)",
        "3100/QĐ-UBND",
        "Đã bãi bỏ",
    ]
    assert len(rows) == 6
    retired = [text_of(li) for li in doc.xpath("//ul[@class='retired-list']/li")]
    assert retired == [
        "Thủ tục đăng ký khai sinh (cũ) (1.000001): đã bị thay thế; thủ tục thay thế: "
        "Thủ tục đăng ký khai sinh.",
        "Thủ tục cấp giấy xác nhận tình trạng nhà ở (2.000002): đã bãi bỏ.",
    ]
    # every change links to its entry in the procedure's history
    for href in doc.xpath("//table//tbody//a/@href"):
        path, fragment = href.removeprefix("/cchc/").split("#")
        target = page(out, path + "index.html")
        assert target.xpath(f"//li[@id='{fragment}']"), href


def test_changes_feed_carries_the_same_changes(make_site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(standard_site(make_site), out)
    feed = feedparser.parse((out / "thu-tuc-hanh-chinh/rss.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.link == BASE + "thu-tuc-hanh-chinh/moi-cap-nhat/"
    first = feed.entries[0]
    assert first.title == "Bãi bỏ: Thủ tục cấp giấy xác nhận tình trạng nhà ở (2.000002)"
    assert first.link == BASE + "thu-tuc-hanh-chinh/2.000002/#thay-doi-20250901-abolished"
    assert first.id == first.link
    assert first.summary == (
        "Công bố theo Quyết định số 3100/QĐ-UBND ngày 01/09/2025; lĩnh vực Xây dựng."
    )
    assert first.published_parsed[:3] == (
        2025,
        8,
        31,
    )  # 00:00 in Hà Nội is 17:00 UTC the day before
    assert len(feed.entries) == 6
    assert len({entry.id for entry in feed.entries}) == 6


# ---------------------------------------------------------------- open data


def test_json_export_shape(make_site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(standard_site(make_site), out)
    data = json.loads((out / "thu-tuc-hanh-chinh/du-lieu.json").read_text(encoding="utf-8"))
    assert (data["count"], data["in_force"], data["updated"]) == (4, 2, "2025-12-10")
    codes = [p["code"] for p in data["procedures"]]
    assert codes == ["1.000001", "1.001193", "2.000002", "2.000815"]
    birth = data["procedures"][1]
    assert set(birth) == {
        "code", "local_code", "name", "url", "sector", "levels", "procedure_type", "status",
        "detail_level", "subjects", "executing_agencies", "methods", "online_service",
        "announcement", "effective_from", "effective_to", "replaced_by", "history",
        "legal_basis", "source",
    }  # fmt: skip
    assert birth["url"] == BASE + "thu-tuc-hanh-chinh/1.001193/"
    assert birth["methods"][0] == {
        "channel": "direct",
        "processing_time": "Ngay trong ngày làm việc",
        "fees": ["Miễn lệ phí"],
    }
    assert birth["announcement"] == {
        "number": "2215/QĐ-UBND",
        "date": "2024-03-15",
        "change_type": "amended",
    }
    assert [h["decision"] for h in birth["history"]] == ["10/QĐ-UBND", "2215/QĐ-UBND"]
    assert data["procedures"][0]["replaced_by"] == "1.001193"


def test_csv_export_opens_in_a_spreadsheet_safely(make_site, tmp_path: Path) -> None:
    site = standard_site(make_site)
    record = site / "content/procedures/2.000815.yaml"
    record.write_text(
        record.read_text(encoding="utf-8").replace(
            'name: "Chứng thực bản sao từ bản chính"', 'name: "=HYPERLINK(\\"http://x\\")"'
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    build(site, out)
    raw = (out / "thu-tuc-hanh-chinh/du-lieu.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())  # Excel reads UTF-8 only with the mark
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["code"] for r in rows] == ["1.000001", "1.001193", "2.000002", "2.000815"]
    assert rows[1]["name"] == "Thủ tục đăng ký khai sinh"
    assert rows[1]["processing_time"] == "Ngay trong ngày làm việc | 01 ngày làm việc"
    assert rows[3]["name"] == '\'=HYPERLINK("http://x")'


# ---------------------------------------------------------------- untrusted text, freshness


PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def test_html_in_a_record_comes_out_escaped(make_site, tmp_path: Path) -> None:
    record = full(
        name=PAYLOAD.replace('"', "'"),
        steps=f"steps:\n  - title: 'Bước 1 {PAYLOAD}'\n    body: '{PAYLOAD}'",
    )
    out = tmp_path / "out"
    build(site_with(make_site, {"1.001193": record}), out)
    for path in out.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text, path
    doc = page(out, "thu-tuc-hanh-chinh/1.001193/index.html")
    assert doc.xpath("//h1")[0].text_content() == PAYLOAD.replace('"', "'")
    assert not doc.xpath("//main//script | //main//img")
    feed = (out / "thu-tuc-hanh-chinh/rss.xml").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in feed


def test_a_record_not_checked_for_90_days_warns_at_its_line(make_site, tmp_path: Path) -> None:
    old = full(source="source:\n  name: CSDLQG\n  retrieved: 01/09/2025")
    older_list = listed("2.000815", "Chứng thực bản sao", source="source:\n  name: CSDLQG\n"
                        "  retrieved: 01/09/2025")  # fmt: skip
    site = site_with(make_site, {"1.001193": old, "2.000815": older_list})
    result = build(site, tmp_path / "out")
    warnings = [str(w) for w in result.warnings]
    line = old.splitlines().index("  retrieved: 01/09/2025") + 1
    assert len(warnings) == 1, warnings  # a list-only record may wait a year
    assert warnings[0].startswith(f"content/procedures/1.001193.yaml:{line}:")
    assert "01/09/2025, 122 days ago (more than 90)" in warnings[0]
    strict = run_cli("build", "--strict", "--source", str(site), "--output", str(tmp_path / "s"))
    assert strict.returncode == 1 and "122 days ago" in strict.stderr


def test_related_code_without_a_file_is_listed_without_a_link(make_site, tmp_path: Path) -> None:
    record = full(related='related: ["2.000815", "1.999999"]')
    site = site_with(make_site, {"1.001193": record, "2.000815": listed("2.000815", "Chứng thực")})
    result = build(site, tmp_path / "out")
    assert [w.message for w in result.warnings] == [
        "'related' names 1.999999, which has no file here; it is listed without a link"
    ]
    doc = page(tmp_path / "out", "thu-tuc-hanh-chinh/1.001193/index.html")
    items = [text_of(li) for li in doc.xpath("//section[h2[@id='lien-quan']]//li")]
    assert items == ["Chứng thực (2.000815)", "1.999999"]


def test_sitemaps_and_menu_list_the_catalogue(make_site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(standard_site(make_site), out)
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    for path in (
        "thu-tuc-hanh-chinh/",
        "thu-tuc-hanh-chinh/1.001193/",
        "thu-tuc-hanh-chinh/1.000001/",
    ):
        assert f"<loc>{BASE}{path}</loc>" in sitemap, path
    html_map = page(out, "so-do-trang/index.html")
    assert html_map.xpath("//a[@href='/cchc/thu-tuc-hanh-chinh/1.001193/']")
    home = page(out, "index.html")
    assert [text_of(a) for a in home.xpath("//nav[contains(@class,'site-nav')]//a")].count(
        "Thủ tục hành chính"
    ) == 1
    assert re.search(r"ma_thu_tuc=1\.001193", (out / "thu-tuc-hanh-chinh/du-lieu.json").read_text())


# ---------------------------------------------------------------- printed


def requirements(count: int) -> str:
    """A record whose 'requirements' grow by one printed line per item."""
    items = "".join(f"\n  - Điều kiện thứ {n} đối với người nộp hồ sơ." for n in range(count))
    return f"requirements:{items}" if count else "requirements: []"


@pytest.mark.e2e
def test_a_printed_procedure_has_no_empty_page_and_keeps_the_procedure(
    tmp_path: Path,
) -> None:
    """Procedures of growing length, a few printed lines apart, across A4 page ends: no
    printed page may hold nothing of the procedure (a lone hint for the screen counts as
    nothing)."""
    lengths = range(0, 48, 4)
    records = {
        f"1.{100000 + n}": full(f"1.{100000 + n}", requirements=requirements(n)) for n in lengths
    }
    out = tmp_path / "out"
    build(site_with(lambda files: _write(tmp_path / "site", files), records), out)
    hint = text_of(
        page(out, "thu-tuc-hanh-chinh/1.100000/index.html").xpath("//p[@class='print-hint']")[0]
    )
    assert "bản in giữ toàn bộ thông tin thủ tục và mã QR" in hint
    assert "có thể in ra nhiều trang A4" in hint  # how many is not known in advance
    assert "tờ mã QR" in hint  # the one-page poster exists
    counts = set()
    with sync_playwright() as playwright, SiteServer(out, "/cchc/") as server:
        chromium = launch_chromium(playwright)
        try:
            for code in records:
                pages = printed_pages(
                    print_pdf(chromium, f"{server.url}thu-tuc-hanh-chinh/{code}/")
                )
                counts.add(len(pages))
                assert squeezed("Thủ tục đăng ký khai sinh") in pages[0], code
                assert squeezed("Mã thủ tục: " + code) in pages[0], code
                assert squeezed("Trang chủ") not in "".join(pages), "the menu was printed"
                assert squeezed(hint) not in "".join(pages), "the screen's hint was printed"
                printed = "".join(pages)
                for kept in ("Bước 1", "Giấy chứng sinh", "Luật Hộ tịch", "Nguồn: CSDLQG"):
                    assert squeezed(kept) in printed, f"{code}: {kept!r} was not printed"
                empty = [
                    n + 1 for n, text in enumerate(pages) if not text.replace(squeezed(hint), "")
                ]
                assert not empty, f"{code}: printed page(s) {empty} of {len(pages)} are empty"
        finally:
            chromium.close()
    assert len(counts) > 1, f"the records never reach a second page: {counts}"


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root

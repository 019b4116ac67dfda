"""Hotline, published feedback, reform indices and the front page that brings them together."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import build
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from cchcgen.errors import ContentError
from cchcgen.kinds.feedback import find_personal_data

BASE = "https://example.gov.vn/cchc/"
SITE_YAML = f"""\
title: "Chuyên mục thử"
base_url: "{BASE}"
agency:
  name: "Ủy ban nhân dân xã Thử"
"""
HOTLINE = """\
agency:
  name: "Ủy ban nhân dân xã Thử"
  parent: "Ủy ban nhân dân huyện Mẫu"
  address: "Thôn Đông, xã Thử"
  phone: "0227 3000 000"
  email: "vanphong@thu.example.gov.vn"
hotlines:
  - label: "Tổng đài hỗ trợ dịch vụ công"
    purpose: dvc_support
    number: "1022"
    e164: "1022"
  - label: "Đường dây nóng phản ánh, kiến nghị"
    purpose: pakn
    number: "0227 3000 111"
    e164: "+842273000111"
    hours: "Giờ hành chính"
    owner: "Văn phòng UBND xã"
contact_points:
  - name: "Nguyễn Văn Mẫu"
    position: "Công chức Văn phòng"
    phone: "0227 3000 112"
    email: "mau@thu.example.gov.vn"
one_stop:
  name: "Bộ phận Một cửa xã Thử"
  address: "Trụ sở UBND xã Thử"
  working_hours:
    - days: [mon, tue, wed, thu, fri]
      morning: {start: "07:00", end: "11:30"}
      afternoon: {start: "13:30", end: "17:00"}
    - days: [sat]
      morning: {start: "7:30", end: "11:30"}
pakn_channels:
  - type: national_portal
    value: "https://dichvucong.gov.vn/p/home/dvc-gui-phan-anh-kien-nghi.html"
  - type: email
    value: "pakn@thu.example.gov.vn"
external_links:
  national_portal: "https://dichvucong.gov.vn/"
verified_at: 10/12/2025
"""
FEEDBACK = """\
id: "PAKN-2025-0007"
received_date: 04/05/2025
channel: national_portal
title: "Hỏi về thời gian cấp bản sao trích lục khai sinh"
question: |
  Tôi nộp hồ sơ xin cấp bản sao trích lục khai sinh cho con.
  Xin hỏi bao lâu thì có kết quả?
submitter:
  display_name: "Bà T.T.H"
  locality: "Thôn Đông"
related_procedure: "2.000635"
status: answered
answer:
  date: 15/05/2025
  by: "Ủy ban nhân dân xã Thử"
  document_number: "45/UBND-VP"
  body: |
    Thủ tục được giải quyết ngay trong ngày làm việc.
    Bà nhận kết quả tại Bộ phận Một cửa.
public: {public}
"""
INDICES = """\
- index: PAR_INDEX
  year: 2022
  unit: "Tỉnh Mẫu"
  score: "84,12"
  rank: 30
  of: 63
- index: PAR_INDEX
  year: 2023
  unit: "Tỉnh Mẫu"
  score: "86,45"
  rank: 25
  of: 63
  classification: "Khá"
- index: PAPI
  year: 2023
  unit: "Tỉnh Mẫu"
  score: "43,1"
  max_score: 80
"""


def civic_site(make_site, **extra: str) -> Path:
    files = {
        "site.yaml": SITE_YAML,
        "content/hotline.yaml": HOTLINE,
        "content/feedback/pakn-2025-0007.yaml": FEEDBACK.format(public="true"),
        "content/feedback/pakn-2025-0008.yaml": FEEDBACK.replace("0007", "0008").format(
            public="false"
        ),
        "content/indices.yaml": INDICES,
        "content/posts/2025/a.md": "---\ntitle: Tin thử\ndate: 01/06/2025\n---\nNội dung.\n",
    }
    files.update(extra)
    return make_site(files)


def page(out: Path, rel: str):
    return lxml_html.fromstring((out / rel).read_bytes())


def text_of(node) -> str:
    return " ".join(" ".join(node.itertext()).split())


def test_hotline_is_a_tel_link_on_every_page(make_site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(civic_site(make_site), out)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 5
    for path in pages:
        doc = lxml_html.fromstring(path.read_bytes())
        links = doc.xpath("//div[@class='hotline-strip']//a[starts-with(@href, 'tel:')]")
        assert [(a.get("href"), a.text) for a in links] == [
            ("tel:+842273000111", "0227 3000 111")
        ], path


def test_hotline_page_lists_lines_hours_channels_and_contacts(make_site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(civic_site(make_site), out)
    doc = page(out, "duong-day-nong/index.html")
    main = text_of(doc.xpath("//main")[0])
    assert "Thứ Hai – Thứ Sáu: 07:00–11:30, 13:30–17:00" in main
    assert "Thứ Bảy: 07:30–11:30" in main
    cards = [text_of(li) for li in doc.xpath("//ul[@class='hotline-list']/li")]
    assert cards[1] == (
        "Đường dây nóng phản ánh, kiến nghị 0227 3000 111 Gọi số này để phản ánh, kiến nghị về "
        "quy định, thủ tục hành chính Thời gian tiếp nhận Giờ hành chính Đơn vị trực "
        "Văn phòng UBND xã"
    )
    assert doc.xpath("//a[@href='tel:1022']/text()") == ["1022"]
    assert doc.xpath("//a[@href='tel:+842273000112']/text()") == ["0227 3000 112"]
    assert "Gửi trên Cổng Dịch vụ công quốc gia: dichvucong.gov.vn" in main
    assert "Thông tin được kiểm tra ngày 10/12/2025." in main


def test_json_ld_describes_the_agency_and_its_contact_points(make_site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(civic_site(make_site), out)
    for rel in ("duong-day-nong/index.html", "index.html"):
        scripts = page(out, rel).xpath("//script[@type='application/ld+json']/text()")
        assert len(scripts) == 1, rel
        data = json.loads(scripts[0])
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == "GovernmentOrganization"
        assert data["name"] == "Ủy ban nhân dân xã Thử"
        assert data["telephone"] == "+842273000000"
        assert data["parentOrganization"]["name"] == "Ủy ban nhân dân huyện Mẫu"
        assert [(p["@type"], p["telephone"]) for p in data["contactPoint"]] == [
            ("ContactPoint", "1022"),
            ("ContactPoint", "+842273000111"),
        ]
        assert data["contactPoint"][1]["contactType"] == "Phản ánh, kiến nghị về thủ tục hành chính"


def test_only_public_feedback_is_published_with_its_answer(make_site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(civic_site(make_site), out)
    assert not (out / "phan-anh-kien-nghi/pakn-2025-0008").exists()
    listing = page(out, "phan-anh-kien-nghi/index.html")
    assert [text_of(a) for a in listing.xpath("//h2[@class='feedback-title']/a")] == [
        "Hỏi về thời gian cấp bản sao trích lục khai sinh"
    ]
    assert "Đã trả lời · Ngày tiếp nhận: 04/05/2025 · Ngày trả lời: 15/05/2025" in text_of(listing)
    doc = page(out, "phan-anh-kien-nghi/pakn-2025-0007/index.html")
    main = text_of(doc.xpath("//main")[0])
    assert "Nội dung phản ánh, kiến nghị Tôi nộp hồ sơ xin cấp bản sao trích lục khai sinh" in main
    assert (
        "Cơ quan trả lời: Ủy ban nhân dân xã Thử · Ngày trả lời: 15/05/2025 · "
        "Văn bản trả lời số 45/UBND-VP"
    ) in main
    assert "Bà T.T.H, Thôn Đông" in main
    # the channel reads as a phrase, with the portal's name as it is written
    assert "Ngày tiếp nhận 04/05/2025 (gửi trên Cổng Dịch vụ công quốc gia)" in main
    assert "Thủ tục liên quan 2.000635" in main  # no such procedure file: shown without a link


def test_index_chart_is_an_accessible_svg_whose_points_match_the_data(
    make_site, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(civic_site(make_site), out)
    doc = page(out, "chi-so-cchc/index.html")
    svgs = doc.xpath("//figure[@class='chart-figure']/svg")
    assert len(svgs) == 2
    svg = etree.fromstring(lxml_html.tostring(svgs[0]))
    assert svg.get("role") == "img"
    ids = svg.get("aria-labelledby").split()
    titles = {el.get("id"): text_of(el) for el in svg.iter() if el.get("id") in ids}
    assert titles[ids[0]] == (
        "Chỉ số cải cách hành chính (PAR INDEX) của Tỉnh Mẫu: kết quả qua các năm (%)"
    )
    labels = [el.text for el in svg.iter() if el.tag.endswith("text")]
    assert "84,12" in labels and "86,45" in labels and "2022" in labels and "2023" in labels
    circles = [el for el in svg.iter() if el.tag.endswith("circle")]
    assert len(circles) == 2
    low, high = (float(c.get("cy")) for c in circles)
    assert high < low  # 86,45 is drawn above 84,12
    rows = [
        [text_of(c) for c in row.xpath("th|td")]
        for row in doc.xpath("//section[h2[@id='cs-par_index']]//tbody/tr")
    ]
    assert rows == [
        ["2023", "86,45%", "25/63", "Khá", ""],
        ["2022", "84,12%", "30/63", "", ""],
    ]
    papi = [text_of(c) for c in doc.xpath("//section[h2[@id='cs-papi']]//tbody/tr")[0]]
    assert papi[:2] == ["2023", "43,1/80"]


OWN_RESULTS = """\
- index: PAR_INDEX
  scope: unit
  year: 2023
  unit: "Xã Thử"
  scored_by: "UBND tỉnh Mẫu"
  measure: points
  score: "88,5"
  rank: 3
  of: 120
  decision: {number: "468/QĐ-UBND", date: 04/03/2024}
- index: PAR_INDEX
  scope: unit
  year: 2022
  unit: "Xã Thử"
  scored_by: "UBND tỉnh Mẫu"
  measure: points
  score: "81"
  rank: 9
  of: 120
"""


def test_the_units_own_results_stand_beside_the_provinces_with_their_units(
    make_site, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(civic_site(make_site, **{"content/indices.yaml": INDICES + OWN_RESULTS}), out)
    doc = page(out, "chi-so-cchc/index.html")
    block = doc.xpath("//section[h2[@id='cs-par_index']]")[0]
    headings = [text_of(h) for h in block.xpath(".//h3")]
    assert headings == [
        "Kết quả của Xã Thử do UBND tỉnh Mẫu đánh giá, xếp hạng",
        "Kết quả của Tỉnh Mẫu trong cả nước",
    ]
    own = block.xpath(".//section[h3[@id='cs-par_index-don-vi']]")[0]
    assert text_of(own.xpath(".//p[@class='index-unit']")[0]) == "Đơn vị tính: điểm/100."
    header = [text_of(th) for th in own.xpath(".//thead//th")]
    assert header[1] == "Kết quả (điểm/100)"
    rows = [[text_of(c) for c in row.xpath("th|td")] for row in own.xpath(".//tbody/tr")]
    assert rows == [
        ["2023", "88,5/100", "3/120", "", "468/QĐ-UBND, 04/03/2024"],
        ["2022", "81/100", "9/120", "", ""],
    ]
    province = block.xpath(".//section[h3[@id='cs-par_index-tinh']]")[0]
    assert [text_of(th) for th in province.xpath(".//thead//th")][1] == "Kết quả (%)"
    charts = {}
    for svg in block.xpath(".//svg"):
        tree = etree.fromstring(lxml_html.tostring(svg))
        texts = {el.get("class"): el.text for el in tree.iter() if el.tag.endswith("text")}
        titles = [el.text for el in tree.iter() if el.tag.endswith("title")]
        charts[svg.get("aria-labelledby").split()[0]] = (texts["chart-axis-label"], titles[0])
    assert charts == {
        "bieu-do-par-index-don-vi-title": (
            "Kết quả (điểm/100)",
            "Chỉ số cải cách hành chính (PAR INDEX) của Xã Thử: kết quả qua các năm (điểm/100)",
        ),
        "bieu-do-par-index-title": (
            "Kết quả (%)",
            "Chỉ số cải cách hành chính (PAR INDEX) của Tỉnh Mẫu: kết quả qua các năm (%)",
        ),
    }
    home = page(out, "index.html")
    scores = text_of(home.xpath("//dl[@class='score-list']")[0])
    assert scores.startswith(
        "PAR INDEX 2023 (Xã Thử) 88,5/100 , xếp hạng 3/120 PAR INDEX 2023 (Tỉnh Mẫu) 86,45%"
    )


def test_an_own_result_names_who_scored_it_and_percent_is_out_of_100(make_site) -> None:
    broken = OWN_RESULTS.replace('  scored_by: "UBND tỉnh Mẫu"\n', "", 1) + (
        "- index: SIPAS\n  year: 2023\n  score: 70\n  max_score: 80\n"
    )
    site = civic_site(make_site, **{"content/indices.yaml": INDICES + broken})
    with pytest.raises(ContentError) as raised:
        build(site)
    found = [(d.line, d.column, d.message) for d in raised.value.diagnostics]
    assert found == [
        (20, 10, "the unit's own result does not say who scored it"),
        (40, 14, "a result in percent is out of 100, not 80"),
    ]


def test_front_page_brings_the_column_together(make_site, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(civic_site(make_site), out)
    doc = page(out, "index.html")
    box = text_of(doc.xpath("//section[@class='hotline-box']")[0])
    assert box.startswith("Đường dây nóng Đường dây nóng phản ánh, kiến nghị 0227 3000 111")
    assert "Thứ Hai – Thứ Sáu: 07:00–11:30, 13:30–17:00" in box
    scores = text_of(doc.xpath("//dl[@class='score-list']")[0])
    assert scores == "PAR INDEX 2023 86,45% , xếp hạng 25/63 (Khá) PAPI 2023 43,1/80"
    quick = [text_of(a) for a in doc.xpath("//ul[@class='quick-list']//a")]
    assert quick == ["Cổng Dịch vụ công quốc gia", "Phản ánh, kiến nghị", "Gửi phản ánh, kiến nghị"]
    assert not doc.xpath("//script[@src]")  # the front page needs no JavaScript
    assert not [
        src
        for src in doc.xpath("//@src | //link[@rel='stylesheet' or @rel='icon']/@href")
        if src.startswith(("http:", "https:"))
        and not src.startswith(BASE)
    ]  # fmt: skip


def test_a_site_without_hotline_feedback_or_indices_builds_as_before(
    make_site, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    build(make_site({"site.yaml": SITE_YAML}), out)
    assert not (out / "duong-day-nong").exists()
    assert "hotline-strip" not in (out / "index.html").read_text(encoding="utf-8")


@given(
    st.sampled_from(["0", "+84", "(0", "+84 "]),
    st.lists(st.integers(0, 9), min_size=9, max_size=10),
    st.sampled_from(["", " ", ".", "-"]),
    st.text(alphabet="abcđêôơư ,", max_size=20),
)
def test_any_written_phone_number_is_found(
    prefix: str, digits: list[int], separator: str, around: str
) -> None:
    body = "".join(str(d) for d in digits)
    if prefix.startswith("+84"):
        body = body[:9]
    groups = [body[i : i + 3] for i in range(0, len(body), 3)]
    number = prefix + (")" if prefix == "(0" else "") + separator.join(groups)
    found = find_personal_data(f"{around} gọi {number} {around}")
    assert found is not None and found[0] == "a phone number", number


def test_ids_emails_and_what_is_not_personal_data() -> None:
    assert find_personal_data("CCCD số 034190001234 của tôi")[0] == "a 9- or 12-digit ID number"
    assert find_personal_data("CMND 151234567")[0] == "a 9- or 12-digit ID number"
    assert find_personal_data("gửi thư tới a.b@thu.example.gov.vn")[0] == "an email address"
    for clean in (
        "Quyết định số 2215/QĐ-UBND ngày 15/03/2024",
        "Lệ phí 8.000 đồng; thời hạn 05 ngày làm việc",
        "mã thủ tục 1.001193, năm 2023 và 2024",
        "hồ sơ số 000.00.53.H48-220921-0099",
    ):
        assert find_personal_data(clean) is None, clean

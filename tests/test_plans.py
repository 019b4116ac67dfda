"""Plans as official documents: the rendered blocks, QR codes, attachments, listings."""

from __future__ import annotations

import io
import re
from pathlib import Path

import cairosvg
import feedparser
import pytest
import zxingcpp
from conftest import build, run_cli
from PIL import Image

from cchcgen.errors import ContentError

BASE = "https://example.gov.vn/"


def plan_md(**overrides: str) -> str:
    """A plan file; each keyword replaces (or, with value "", removes) a front matter block."""
    blocks = {
        "doc_type": "doc_type: KH",
        "number": 'number: "13"',
        "symbol": "symbol: KH-UBND",
        "issuer": 'issuer:\n  parent: "ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH"\n'
        '  name: "ỦY BAN NHÂN DÂN HUYỆN QUỲNH PHỤ"',
        "place": "place: Quỳnh Phụ",
        "issued_date": "issued_date: 30/01/2023",
        "title": "title: Tuyên truyền cải cách hành chính năm 2023",
        "basis": "basis:\n  - Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ\n"
        "  - Thực hiện Chỉ thị số 23/CT-TTg ngày 02/9/2021",
        "signer": "signer:\n  authority: none\n  title: CHỦ TỊCH\n  name: Nguyễn Tiến Quyền",
        "recipients": "recipients:\n  - Sở Nội vụ\n  - UBND các xã, thị trấn",
        "archive": "archive: VT, NV, KTT",
        "status": "status: active",
    }
    blocks.update(overrides)
    front = "\n".join(v for v in blocks.values() if v)
    body = "UBND huyện ban hành kế hoạch như sau:\n\n## I. MỤC ĐÍCH\n\na) Tuyên truyền./.\n"
    return f"---\n{front}\n---\n{body}"


def main_html(out: Path, rel: str) -> str:
    html = (out / rel).read_text(encoding="utf-8")
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " ").split())


# ---------------------------------------------------------------- document blocks


def test_numbered_plan_renders_the_document_blocks(make_site, tmp_path: Path) -> None:
    site = make_site({"content/plans/2023/a.md": plan_md()})
    build(site, tmp_path / "out")
    html = main_html(tmp_path / "out", "ke-hoach/2023/13-kh-ubnd/index.html")
    text = text_of(html)
    assert "ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH ỦY BAN NHÂN DÂN HUYỆN QUỲNH PHỤ Số: 13/KH-UBND" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc" in text
    assert "Quỳnh Phụ, ngày 30 tháng 01 năm 2023" in text
    assert '<h1 class="doc-title"><span class="doc-type">KẾ HOẠCH</span>' in html
    assert "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ;" in text
    assert "Thực hiện Chỉ thị số 23/CT-TTg ngày 02/9/2021." in text  # no "Căn cứ" doubled
    assert "Nơi nhận: - Sở Nội vụ; - UBND các xã, thị trấn; - Lưu: VT, NV, KTT." in text
    assert "CHỦ TỊCH Nguyễn Tiến Quyền" in text
    assert "I. MỤC ĐÍCH" in text and "a) Tuyên truyền./." in text


def test_appendix_follows_the_signature_as_on_paper(make_site, tmp_path: Path) -> None:
    body = (
        "Nội dung kế hoạch./.\n\n## Phụ lục I\n\n**DANH MỤC NHIỆM VỤ**\n\n"
        "| STT | Nhiệm vụ |\n|---|---|\n| 1 | Tuyên truyền |\n\n"
        "## PHỤ LỤC II\n\n| STT | Đơn vị |\n|---|---|\n| 1 | Văn phòng |\n"
    )
    source = plan_md().split("---\n", 2)
    site = make_site({"content/plans/a.md": f"---\n{source[1]}---\n{body}"})
    build(site, tmp_path / "out")
    text = text_of(main_html(tmp_path / "out", "ke-hoach/2023/13-kh-ubnd/index.html"))
    order = [
        text.index(part)
        for part in ("Nội dung kế hoạch./.", "Nơi nhận:", "Nguyễn Tiến Quyền", "Phụ lục I ")
    ]
    assert order == sorted(order), text
    assert text.index("Phụ lục I ") < text.index("PHỤ LỤC II") < text.index("Văn phòng")


@pytest.mark.parametrize(
    ("signer", "lines"),
    [
        ("authority: none\n  title: GIÁM ĐỐC", ["GIÁM ĐỐC"]),
        (
            "authority: TM\n  on_behalf_of: ỦY BAN NHÂN DÂN\n  title: CHỦ TỊCH",
            ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
        ),
        (
            "authority: TM\n  on_behalf_of: ỦY BAN NHÂN DÂN\n  head_title: CHỦ TỊCH\n"
            "  title: PHÓ CHỦ TỊCH",
            ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
        ),
        (
            "authority: KT\n  head_title: GIÁM ĐỐC\n  title: PHÓ GIÁM ĐỐC",
            ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"],
        ),
        ("authority: Q\n  head_title: GIÁM ĐỐC\n  title: PHÓ GIÁM ĐỐC", ["Q. GIÁM ĐỐC"]),
        (
            "authority: TL\n  head_title: CHỦ TỊCH\n  title: CHÁNH VĂN PHÒNG",
            ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"],
        ),
        (
            "authority: TUQ\n  head_title: CHỦ TỊCH\n  title: TRƯỞNG PHÒNG NỘI VỤ",
            ["TUQ. CHỦ TỊCH", "TRƯỞNG PHÒNG NỘI VỤ"],
        ),
    ],
)
def test_signer_block_for_each_authority(
    make_site, tmp_path: Path, signer: str, lines: list[str]
) -> None:
    site = make_site(
        {"content/plans/a.md": plan_md(signer=f"signer:\n  {signer}\n  name: Đào Duy Thái")}
    )
    build(site, tmp_path / "out")
    html = main_html(tmp_path / "out", "ke-hoach/2023/13-kh-ubnd/index.html")
    block = html.split('<div class="doc-signer">')[1].split("</div>")[0]
    assert re.findall(r'<p class="doc-signer-title">([^<]+)</p>', block) == lines
    assert '<p class="doc-signer-name">Đào Duy Thái</p>' in block


def test_unnumbered_undated_plan_keeps_the_blanks_and_warns(make_site, tmp_path: Path) -> None:
    site = make_site(
        {
            "content/plans/2022/sxd.md": plan_md(
                number='number: ""',
                symbol="symbol: KH-SXD",
                issued_date='issued_date: "02/2022"',
                place="place: Thái Bình",
                title="title: Tuyên truyền cải cách hành chính năm 2022",
            )
        }
    )
    result = build(site, tmp_path / "out")
    url = "ke-hoach/2022/kh-sxd-tuyen-truyen-cai-cach-hanh-chinh-nam-2022/index.html"
    text = text_of(main_html(tmp_path / "out", url))
    assert "Số: /KH-SXD" in text
    assert "Thái Bình, ngày tháng 02 năm 2022" in text
    messages = [str(w) for w in result.warnings]
    assert any(
        "content/plans/2022/sxd.md:3:9: warning: the document is published without a "
        "number (Số: /KH-SXD)" in m
        for m in messages
    ), messages
    assert any(
        "sxd.md:9:14: warning: the document is published without its day" in m for m in messages
    ), messages


def test_renaming_the_file_keeps_the_address(make_site, tmp_path: Path) -> None:
    site = make_site({"content/plans/2023/ke-hoach.md": plan_md()})
    build(site, tmp_path / "a")
    (site / "content/plans/2023/ke-hoach.md").rename(site / "content/plans/kh-13-cu.md")
    build(site, tmp_path / "b")
    for out in ("a", "b"):
        assert (tmp_path / out / "ke-hoach/2023/13-kh-ubnd/index.html").is_file()


# ---------------------------------------------------------------- QR codes


def decode_png(data: bytes) -> str:
    image = Image.open(io.BytesIO(data)).convert("L")
    found = zxingcpp.read_barcodes(image)
    assert found, "no QR code found"
    return found[0].text


def decode_svg(svg: bytes) -> str:
    """Decode an SVG drawn at the size it declares (an SVG without one cannot be drawn
    outside a page, so tools that extract it would fail), scaled up for a crisp raster."""
    if b"xmlns=" not in svg[:300]:
        svg = svg.replace(b"<svg", b'<svg xmlns="http://www.w3.org/2000/svg"', 1)
    intrinsic = Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg)))
    assert min(intrinsic.size) >= 100, f"the SVG declares a tiny size {intrinsic.size}"
    png = cairosvg.svg2png(bytestring=svg, scale=4, background_color="white")
    return decode_png(png)


@pytest.mark.parametrize(
    "base", ["https://example.gov.vn/", "https://quynhphu.example.gov.vn/cchc/"]
)
def test_every_qr_decodes_to_the_page_canonical_url(make_site, tmp_path: Path, base: str) -> None:
    site = make_site({"content/plans/a.md": plan_md()})
    out = tmp_path / "out"
    build(site, out, base_url=base)
    folder = out / "ke-hoach/2023/13-kh-ubnd"
    page = (folder / "index.html").read_text(encoding="utf-8")
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', page).group(1)
    assert canonical == base + "ke-hoach/2023/13-kh-ubnd/"
    assert decode_svg((folder / "qr.svg").read_bytes()) == canonical
    assert decode_png((folder / "qr.png").read_bytes()) == canonical
    inline = re.search(r"<svg role=\"img\".*?</svg>", page, re.S).group(0)
    assert 'aria-label="Mã QR dẫn tới trang: Kế hoạch 13/KH-UBND' in inline
    assert decode_svg(inline.encode()) == canonical
    poster = (folder / "ma-qr/index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{canonical}">' in poster
    assert '<meta name="robots" content="noindex">' in poster
    assert (
        decode_svg(re.search(r"<svg role=\"img\".*?</svg>", poster, re.S).group(0).encode())
        == canonical
    )
    short = canonical.removeprefix("https://").rstrip("/")
    assert f'<p class="qr-poster-url">{short}</p>' in poster  # readable under the code


def test_qr_false_writes_no_code(make_site, tmp_path: Path) -> None:
    site = make_site({"content/plans/a.md": plan_md(status="status: active\nqr: false")})
    build(site, tmp_path / "out")
    folder = tmp_path / "out/ke-hoach/2023/13-kh-ubnd"
    assert not (folder / "qr.svg").exists() and not (folder / "ma-qr").exists()
    assert "qr-code" not in (folder / "index.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- attachments, status, lists


def test_attachments_are_copied_and_listed_with_type_and_size(make_site, tmp_path: Path) -> None:
    site = make_site(
        {
            "content/plans/2023/a.md": plan_md(
                status="status: active\nattachments:\n  - title: Bản ký số\n"
                "    file: ban-ky-so.pdf\n  - title: Bản Word\n    file: ban-word.docx"
            )
        }
    )
    (site / "content/plans/2023/ban-ky-so.pdf").write_bytes(b"%PDF-1.4\n" + b"x" * 2449)
    (site / "content/plans/2023/ban-word.docx").write_bytes(b"PK" + b"y" * 100)
    build(site, tmp_path / "out")
    folder = tmp_path / "out/ke-hoach/2023/13-kh-ubnd"
    assert (folder / "ban-ky-so.pdf").read_bytes() == (
        site / "content/plans/2023/ban-ky-so.pdf"
    ).read_bytes()
    text = text_of(main_html(tmp_path / "out", "ke-hoach/2023/13-kh-ubnd/index.html"))
    assert "Bản ký số (PDF, 2,4 KB)" in text
    assert "Bản Word (DOCX, 102 B)" in text


def test_superseded_plan_links_to_its_replacement(make_site, tmp_path: Path) -> None:
    site = make_site(
        {
            "content/plans/old.md": plan_md(
                number='number: "05"',
                issued_date="issued_date: 05/01/2022",
                status="status: superseded\nsuperseded_by: 13/KH-UBND",
            ),
            "content/plans/new.md": plan_md(),
        }
    )
    build(site, tmp_path / "out")
    old = main_html(tmp_path / "out", "ke-hoach/2022/05-kh-ubnd/index.html")
    assert "Đã được thay thế." in text_of(old)
    assert 'href="/ke-hoach/2023/13-kh-ubnd/">Kế hoạch 13/KH-UBND:' in old
    new = main_html(tmp_path / "out", "ke-hoach/2023/13-kh-ubnd/index.html")
    assert "Văn bản này thay thế" in new and 'href="/ke-hoach/2022/05-kh-ubnd/"' in new
    listing = text_of(main_html(tmp_path / "out", "ke-hoach/index.html"))
    assert listing.index("Kế hoạch năm 2023") < listing.index("Kế hoạch năm 2022")
    assert (
        "Kế hoạch 05/KH-UBND: Tuyên truyền cải cách hành chính năm 2023 ỦY BAN NHÂN DÂN "
        "HUYỆN QUỲNH PHỤ · 05/01/2022 · Đã được thay thế" in listing
    )
    assert "Còn hiệu lực" in listing


def test_plans_appear_in_feeds_sitemaps_and_menu(make_site, tmp_path: Path) -> None:
    site = make_site(
        {
            "content/plans/a.md": plan_md(status="status: active\npublished_at: 01/02/2023 08:00"),
            "content/posts/p.md": "---\ntitle: Tin\ndate: 2023-01-15\n---\nx\n",
        }
    )
    out = tmp_path / "out"
    build(site, out)
    plans_feed = feedparser.parse((out / "ke-hoach/rss.xml").read_bytes())
    assert not plans_feed.bozo
    assert [e.title for e in plans_feed.entries] == [
        "Kế hoạch 13/KH-UBND: Tuyên truyền cải cách hành chính năm 2023"
    ]
    assert plans_feed.entries[0].link == BASE + "ke-hoach/2023/13-kh-ubnd/"
    everything = feedparser.parse((out / "rss.xml").read_bytes())
    assert [e.link for e in everything.entries] == [
        BASE + "ke-hoach/2023/13-kh-ubnd/",
        BASE + "tin-tuc/p/",
    ]
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{BASE}ke-hoach/2023/13-kh-ubnd/</loc>" in sitemap
    assert "ma-qr" not in sitemap
    assert 'href="/ke-hoach/2023/13-kh-ubnd/"' in (out / "so-do-trang/index.html").read_text()
    assert 'href="/ke-hoach/2023/13-kh-ubnd/"' in (out / "index.html").read_text()
    assert '<a href="/ke-hoach/">Kế hoạch</a>' in (out / "index.html").read_text()


def test_duplicate_number_in_a_year_is_an_error(make_site, tmp_path: Path) -> None:
    site = make_site(
        {
            "content/plans/a.md": plan_md(),
            "content/plans/b.md": plan_md(title="title: Một kế hoạch khác"),
        }
    )
    with pytest.raises(ContentError) as info:
        build(site, tmp_path / "out")
    message = str(info.value)
    assert (
        "content/plans/b.md:3:1: error: the number 13/KH-UBND of 2023 is already used by "
        "content/plans/a.md" in message
    )


def recipients_block(out: Path) -> str:
    html = main_html(out, "ke-hoach/2023/13-kh-ubnd/index.html")
    return text_of(html.split('<div class="doc-recipients">', 1)[1].split("</div>", 1)[0])


@pytest.mark.parametrize("line", ["Lưu: VT, NV.", '"Lưu: VT, NV."', "Lưu VT, NV", "LƯU: VT, NV"])
def test_a_luu_line_in_the_recipients_becomes_the_archive(
    make_site, tmp_path: Path, line: str
) -> None:
    recipients = f"recipients:\n  - Sở Nội vụ\n  - {line}\n  - UBND các xã"
    site = make_site({"content/plans/a.md": plan_md(recipients=recipients, archive="")})
    build(site, tmp_path / "out")
    block = recipients_block(tmp_path / "out")
    assert block == "Nơi nhận: - Sở Nội vụ; - UBND các xã; - Lưu: VT, NV."
    assert block.count("Lưu") == 1


def test_a_luu_line_in_the_recipients_with_archive_set_is_refused(
    make_site, tmp_path: Path
) -> None:
    recipients = "recipients:\n  - Sở Nội vụ\n  - Lưu: VT"
    site = make_site({"content/plans/a.md": plan_md(recipients=recipients)})
    with pytest.raises(ContentError) as raised:
        build(site, tmp_path / "out")
    assert str(raised.value).startswith(
        "content/plans/a.md:20:5: error: 'Lưu: VT' is in the recipients and 'archive' is set: "
        "the document would say Lưu twice"
    )


def test_two_luu_lines_in_the_recipients_are_refused(make_site, tmp_path: Path) -> None:
    recipients = "recipients:\n  - Lưu: VT\n  - Lưu: VP"
    site = make_site({"content/plans/a.md": plan_md(recipients=recipients, archive="")})
    with pytest.raises(ContentError) as raised:
        build(site, tmp_path / "out")
    assert str(raised.value).startswith(
        "content/plans/a.md:20:5: error: the recipients have two 'Lưu' lines"
    )


def test_a_recipient_named_luu_tru_is_not_the_archive(make_site, tmp_path: Path) -> None:
    recipients = "recipients:\n  - Lưu trữ lịch sử tỉnh"
    site = make_site({"content/plans/a.md": plan_md(recipients=recipients)})
    build(site, tmp_path / "out")
    block = recipients_block(tmp_path / "out")
    assert block == "Nơi nhận: - Lưu trữ lịch sử tỉnh; - Lưu: VT, NV, KTT."


def test_the_starter_plan_says_luu_once(tmp_path: Path) -> None:
    site = tmp_path / "xa"
    created = run_cli(
        "init", str(site), "--agency", "Ủy ban nhân dân xã Thử",
        "--locality", "xã Thử, huyện Thử, tỉnh Thử", "--base-url", "https://thu.example.gov.vn/",
        "--phone", "0208 3000 001", "--parent", "Ủy ban nhân dân huyện Thử",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    build(site, tmp_path / "out")
    pages = [
        path
        for path in (tmp_path / "out/ke-hoach").rglob("index.html")
        if "doc-recipients" in path.read_text(encoding="utf-8")
    ]
    assert len(pages) == 1
    html = pages[0].read_text(encoding="utf-8")
    block = text_of(html.split('<div class="doc-recipients">', 1)[1].split("</div>", 1)[0])
    assert block.count("Lưu") == 1, block

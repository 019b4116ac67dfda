"""Official documents as offices write them, made with python-docx for the tests of
``cchcgen import document`` (tests/test_docx.py) and for its round-trip screenshot.

Each :class:`Doc` is the document's content; :func:`write_docx` lays it out as the
NĐ 30/2020 template does: a borderless two-column header table, the type and title
centred in bold, the body, the table of "Nơi nhận" (left) and the signer (right), and an
appendix in a landscape section. The text is written for these tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

Body = list[tuple[str, str]]
"""(kind, text): kind is p, h1 (I.), h2 (1.), h3 (a)), dash, bullet, number, note (a
paragraph whose text ends with a footnote: "text|footnote"), mixed ("**bold** rest")."""


@dataclass
class Doc:
    parent: str
    issuer: str
    number: str
    symbol: str
    place: str
    day: str
    month: str
    year: str
    doc_type: str  # the printed type, "" for a công văn
    title: str
    basis: list[str]
    body: Body
    signer: list[str]  # the lines above the name
    name: str
    recipients: list[str]
    archive: str
    authority_line: str = ""  # QĐ: "CHỦ TỊCH ỦY BAN NHÂN DÂN ..."
    appendix: list[str] = field(default_factory=list)  # heading lines
    appendix_table: list[list[str]] = field(default_factory=list)
    merge_first_row: bool = False


def _para(cell_or_doc, text: str = "", bold=False, italic=False, center=False, size=13):
    p = cell_or_doc.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        run.font.size = Pt(size)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def _cell(cell, lines: list[tuple[str, dict]]) -> None:
    cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    for text, style in lines:
        _para(cell, text, **style)


def _mixed(p, text: str) -> None:
    """``**bold** rest *italic*`` as runs."""
    import re

    for part in re.split(r"(\*\*[^*]+\*\*|\*[^*]+\*)", text):
        if not part:
            continue
        if part.startswith("**"):
            p.add_run(part[2:-2]).bold = True
        elif part.startswith("*"):
            p.add_run(part[1:-1]).italic = True
        else:
            p.add_run(part)


def _footnotes_part(document) -> Part:
    try:
        return document.part.part_related_by(RT.FOOTNOTES)
    except KeyError:
        xml = (
            f"<w:footnotes {nsdecls('w')}>"
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
            "</w:footnote></w:footnotes>"
        )
        part = Part(
            PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode(), document.part.package
        )
        document.part.relate_to(part, RT.FOOTNOTES)
        return part


def _footnote(document, paragraph, text: str) -> None:
    part = _footnotes_part(document)
    root = parse_xml(part.blob)
    number = len(root.findall(qn("w:footnote")))
    root.append(
        parse_xml(
            f'<w:footnote {nsdecls("w")} w:id="{number}"><w:p><w:r><w:t xml:space="preserve">'
            f"{text}</w:t></w:r></w:p></w:footnote>"
        )
    )
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    run = paragraph.add_run()
    ref = parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="{number}"/>')
    run._r.append(ref)
    run.font.superscript = True


def _no_borders(table) -> None:
    borders = parse_xml(
        f"<w:tblBorders {nsdecls('w')}>"
        + "".join(
            f'<w:{side} w:val="nil"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + "</w:tblBorders>"
    )
    table._tbl.tblPr.append(borders)


def write_docx(doc: Doc, path: Path) -> Path:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    section = document.sections[0]
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    header = document.add_table(rows=2, cols=2)
    _no_borders(header)
    _cell(
        header.cell(0, 0),
        [
            (doc.parent, {"center": True, "size": 12}),
            (doc.issuer, {"bold": True, "center": True, "size": 12}),
            ("-------", {"center": True}),
        ],
    )
    _cell(
        header.cell(0, 1),
        [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {"bold": True, "center": True, "size": 12}),
         ("Độc lập - Tự do - Hạnh phúc", {"bold": True, "center": True}),
         ("---------------", {"center": True})],
    )  # fmt: skip
    number = doc.number if doc.number else "      "
    left = [(f"Số: {number}/{doc.symbol}", {"center": True})]
    if not doc.doc_type:
        left.append((f"V/v {doc.title}", {"center": True, "size": 12}))
    _cell(header.cell(1, 0), left)
    day = doc.day or "     "
    date = f"{doc.place}, ngày {day} tháng {doc.month} năm {doc.year}"
    _cell(header.cell(1, 1), [(date, {"italic": True, "center": True})])
    _para(document)
    if doc.doc_type:
        _para(document, doc.doc_type, bold=True, center=True, size=14)
        _para(document, doc.title, bold=True, center=True, size=14)
        _para(document, "-----------", center=True)
    if doc.authority_line:
        _para(document, doc.authority_line, bold=True, center=True, size=14)
    for line in doc.basis:
        _para(document, line, italic=bool(doc.authority_line))
    for kind, text in doc.body:
        _body(document, kind, text)
    signer = document.add_table(rows=1, cols=2)
    _no_borders(signer)
    _cell(
        signer.cell(0, 0),
        [("Nơi nhận:", {"bold": True, "italic": True, "size": 12})]
        + [(f"- {r};", {"size": 11}) for r in doc.recipients]
        + [(f"- Lưu: {doc.archive}.", {"size": 11})],
    )
    _cell(
        signer.cell(0, 1),
        [(line, {"bold": True, "center": True}) for line in doc.signer]
        + [("", {}), ("", {}), (doc.name, {"bold": True, "center": True})],
    )
    if doc.appendix:
        appendix = document.add_section(WD_SECTION.NEW_PAGE)
        appendix.orientation = WD_ORIENT.LANDSCAPE
        appendix.page_width, appendix.page_height = section.page_height, section.page_width
        _para(document, doc.appendix[0], bold=True, center=True)
        for line in doc.appendix[1:-1]:
            _para(document, line, bold=True, center=True)
        _para(document, doc.appendix[-1], italic=True, center=True)
        rows = doc.appendix_table
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = document.styles["Table Grid"]
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                cell = table.cell(r, c)
                cell.paragraphs[0].add_run(text).bold = r == 0 or None
        if doc.merge_first_row:
            # the last row's first two cells are one: "Tổng cộng"
            last = len(rows) - 1
            merged = table.cell(last, 0).merge(table.cell(last, 1))
            for extra in merged.paragraphs[1:]:
                extra._p.getparent().remove(extra._p)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def _body(document, kind: str, text: str) -> None:
    if kind in ("h1", "h2", "h3"):
        _para(document, text, bold=True)
    elif kind == "bullet":
        document.add_paragraph(text, style="List Bullet")
    elif kind == "number":
        document.add_paragraph(text, style="List Number")
    elif kind == "note":
        body, note = text.split("|")
        p = document.add_paragraph()
        _mixed(p, body)
        _footnote(document, p, note)
    else:
        _mixed(document.add_paragraph(), text)


# --- the documents -------------------------------------------------------------------------

UBND_HUYEN = ("ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH", "ỦY BAN NHÂN DÂN HUYỆN ĐÔNG HƯNG")

KE_HOACH = Doc(
    parent="UBND TỈNH THÁI BÌNH",
    issuer="ỦY BAN NHÂN DÂN HUYỆN ĐÔNG HƯNG",
    number="21",
    symbol="KH-UBND",
    place="Đông Hưng",
    day="14",
    month="02",
    year="2024",
    doc_type="KẾ HOẠCH",
    title="Tuyên truyền cải cách hành chính năm 2024",
    basis=[
        "Thực hiện Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình "
        "tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030;",
        "Thực hiện Kế hoạch số 05/KH-UBND ngày 10/01/2024 của Ủy ban nhân dân tỉnh về cải cách "
        "hành chính năm 2024,",
    ],
    body=[
        (
            "p",
            "Ủy ban nhân dân huyện ban hành Kế hoạch tuyên truyền cải cách hành chính "
            "(CCHC) năm 2024 như sau:",
        ),
        ("h1", "I. MỤC ĐÍCH, YÊU CẦU"),
        ("h2", "1. Mục đích"),
        (
            "dash",
            "- Nâng cao nhận thức của cán bộ, công chức, viên chức và Nhân dân về "
            "mục tiêu, nhiệm vụ CCHC của huyện.",
        ),
        ("dash", "- Tạo sự đồng thuận của người dân, doanh nghiệp trong thực hiện CCHC."),
        ("h2", "2. Yêu cầu"),
        (
            "p",
            "Tuyên truyền **kịp thời, chính xác**, phù hợp với từng đối tượng; gắn với "
            "nhiệm vụ chính trị của từng cơ quan, đơn vị.",
        ),
        ("h1", "II. NỘI DUNG TUYÊN TRUYỀN"),
        ("h3", "a) Chủ trương của Đảng, chính sách của Nhà nước về CCHC"),
        ("bullet", "Chương trình tổng thể CCHC nhà nước giai đoạn 2021 - 2030."),
        ("bullet", "Kế hoạch CCHC của tỉnh và của huyện năm 2024."),
        ("h3", "b) Kết quả thực hiện CCHC"),
        (
            "note",
            "Kết quả Chỉ số cải cách hành chính (Par Index) của huyện năm 2023|Chỉ số do "
            "Ủy ban nhân dân tỉnh công bố tháng 12/2023.",
        ),
        ("h1", "III. TỔ CHỨC THỰC HIỆN"),
        ("number", "Phòng Nội vụ là cơ quan đầu mối, theo dõi và tổng hợp kết quả."),
        ("number", "Phòng Văn hóa và Thông tin cập nhật tin, bài trên Cổng thông tin điện tử."),
        ("number", "Ủy ban nhân dân các xã, thị trấn xây dựng kế hoạch của đơn vị."),
        (
            "p",
            "Trong quá trình thực hiện, có khó khăn, vướng mắc, các cơ quan, đơn vị báo cáo "
            "về Phòng Nội vụ để *tổng hợp*, báo cáo Ủy ban nhân dân huyện./.",
        ),
    ],
    signer=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
    name="Trần Văn Hòa",
    recipients=[
        "Sở Nội vụ",
        "Thường trực Huyện ủy",
        "Các phòng, ban thuộc huyện",
        "UBND các xã, thị trấn",
    ],  # fmt: skip
    archive="VT, NV",
    appendix=[
        "PHỤ LỤC",
        "KẾ HOẠCH TUYÊN TRUYỀN CỤ THỂ",
        "(Kèm theo Kế hoạch số 21/KH-UBND ngày 14/02/2024 của UBND huyện)",
    ],  # fmt: skip
    appendix_table=[
        ["STT", "Nội dung", "Cơ quan thực hiện", "Thời gian"],
        ["1", "Chuyên mục CCHC trên Đài Truyền thanh huyện", "Trung tâm Văn hóa", "Hằng tháng"],
        ["2", "Cuộc thi tìm hiểu về CCHC", "Phòng Nội vụ", "Quý III"],
        ["Tổng cộng", "", "2 nội dung", ""],
    ],
    merge_first_row=True,
)

QUYET_DINH = Doc(
    parent="",
    issuer="ỦY BAN NHÂN DÂN XÃ THANH ĐỊNH",
    number="102",
    symbol="QĐ-UBND",
    place="Thanh Định",
    day="05",
    month="3",
    year="2024",
    doc_type="QUYẾT ĐỊNH",
    title="Về việc kiện toàn Tổ công tác cải cách hành chính xã",
    authority_line="CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ THANH ĐỊNH",
    basis=[
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
        "Căn cứ Kế hoạch số 12/KH-UBND ngày 20/01/2024 của UBND xã về cải cách hành chính "
        "năm 2024;",
        "Xét đề nghị của công chức Văn phòng - Thống kê xã.",
    ],
    body=[
        ("p", "**QUYẾT ĐỊNH:**"),
        (
            "p",
            "**Điều 1.** Kiện toàn Tổ công tác cải cách hành chính xã Thanh Định gồm các "
            "ông (bà) có tên sau:",
        ),
        ("dash", "- Ông Ma Đình Trường, Chủ tịch UBND xã, Tổ trưởng;"),
        ("dash", "- Bà Hoàng Thị Lan, công chức Văn phòng - Thống kê, Tổ phó;"),
        ("dash", "- Ông Nông Văn Khải, công chức Tư pháp - Hộ tịch, thành viên."),
        (
            "p",
            "**Điều 2.** Tổ công tác giúp Chủ tịch UBND xã theo dõi, đôn đốc việc thực "
            "hiện Kế hoạch cải cách hành chính năm 2024; họp định kỳ mỗi quý một lần.",
        ),
        (
            "p",
            "**Điều 3.** Quyết định có hiệu lực kể từ ngày ký. Văn phòng UBND xã, các "
            "công chức chuyên môn và các ông (bà) có tên tại Điều 1 chịu trách nhiệm thi "
            "hành Quyết định này./.",
        ),
    ],
    signer=["CHỦ TỊCH"],
    name="Ma Đình Trường",
    recipients=["Như Điều 3", "UBND huyện Định Hóa (b/c)"],
    archive="VP",
)

CONG_VAN = Doc(
    parent="UBND HUYỆN ĐỊNH HÓA",
    issuer="PHÒNG NỘI VỤ",
    number="45",
    symbol="PNV-CCHC",
    place="Định Hóa",
    day="18",
    month="4",
    year="2024",
    doc_type="",
    title="đôn đốc báo cáo kết quả cải cách hành chính quý I năm 2024",
    basis=[],
    body=[
        ("p", "Kính gửi: Ủy ban nhân dân các xã, thị trấn."),
        (
            "p",
            "Thực hiện Kế hoạch cải cách hành chính năm 2024 của Ủy ban nhân dân huyện, đến "
            "ngày 15/4/2024 còn 06 xã chưa gửi báo cáo kết quả quý I. Phòng Nội vụ đề nghị "
            "Ủy ban nhân dân các xã, thị trấn:",
        ),
        (
            "dash",
            "- Hoàn thành báo cáo theo đề cương tại Phụ lục của Kế hoạch, gửi trước "
            "ngày 25/4/2024;",
        ),
        ("dash", "- Gửi kèm số liệu về hồ sơ thủ tục hành chính trực tuyến."),
        ("p", "Phòng Nội vụ đề nghị các đơn vị quan tâm thực hiện./."),
    ],
    signer=["TRƯỞNG PHÒNG"],
    name="Lương Thị Thu",
    recipients=["Như trên", "Lãnh đạo UBND huyện (b/c)"],
    archive="VT",
)

BAO_CAO = Doc(
    parent="UBND HUYỆN ĐỊNH HÓA",
    issuer="ỦY BAN NHÂN DÂN XÃ PHƯỢNG TIẾN",
    number="38",
    symbol="BC-UBND",
    place="Phượng Tiến",
    day="20",
    month="6",
    year="2024",
    doc_type="BÁO CÁO",
    title="Kết quả cải cách hành chính 6 tháng đầu năm 2024",
    basis=[],
    body=[
        ("h1", "I. KẾT QUẢ ĐẠT ĐƯỢC"),
        ("h2", "1. Cải cách thủ tục hành chính"),
        (
            "p",
            "Bộ phận Một cửa tiếp nhận 412 hồ sơ, giải quyết đúng hạn 409 hồ sơ, đạt 99,3 %; "
            "tỷ lệ hồ sơ trực tuyến toàn trình đạt 46 %.",
        ),
        ("h2", "2. Xây dựng chính quyền số"),
        ("p", "100 % văn bản đi, đến được xử lý trên *phần mềm quản lý văn bản và điều hành*."),
        ("h1", "II. TỒN TẠI, HẠN CHẾ"),
        ("dash", "- Một số hồ sơ còn phải bổ sung nhiều lần."),
        ("dash", "- Người cao tuổi còn gặp khó khăn khi nộp hồ sơ trực tuyến."),
        ("h1", "III. NHIỆM VỤ 6 THÁNG CUỐI NĂM"),
        (
            "p",
            "Tiếp tục hướng dẫn người dân nộp hồ sơ trực tuyến; giữ tỷ lệ giải quyết đúng "
            "hạn trên 98 %./.",
        ),
    ],
    signer=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
    name="Đinh Văn Tuấn",
    recipients=["UBND huyện (b/c)", "Phòng Nội vụ huyện"],
    archive="VP",
)

CHUA_SO = Doc(
    parent="UBND TỈNH THÁI NGUYÊN",
    issuer="SỞ NỘI VỤ",
    number="",
    symbol="TB-SNV",
    place="Thái Nguyên",
    day="",
    month="10",
    year="2024",
    doc_type="THÔNG BÁO",
    title="Lịch kiểm tra cải cách hành chính quý IV năm 2024",
    basis=[],
    body=[
        (
            "p",
            "Sở Nội vụ thông báo lịch kiểm tra công tác cải cách hành chính tại các huyện như sau:",
        ),
        ("dash", "- Huyện Định Hóa: tuần thứ hai của tháng 11;"),
        ("dash", "- Huyện Phú Lương: tuần thứ ba của tháng 11."),
        ("p", "Các đơn vị chuẩn bị báo cáo và hồ sơ minh chứng theo hướng dẫn./."),
    ],
    signer=["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"],
    name="Hà Thị Minh",
    recipients=["UBND các huyện, thành phố"],
    archive="VT, CCHC",
)

DOCS = {
    "ke-hoach": KE_HOACH,
    "quyet-dinh": QUYET_DINH,
    "cong-van": CONG_VAN,
    "bao-cao": BAO_CAO,
    "chua-so": CHUA_SO,
}

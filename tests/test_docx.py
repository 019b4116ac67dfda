"""``cchcgen import document``: a signed Word document published word for word.

The documents are made here with python-docx (tests/docx_fixtures.py) in the layout offices
use; each is imported, built, and its page's text compared with the document's."""

from __future__ import annotations

import difflib
import re
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from conftest import DEFAULT_SITE_YAML, build, run_cli
from docx_fixtures import DOCS, Doc, write_docx
from lxml import html
from PIL import Image

from cchcgen.docxmarkdown import escape_start


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    (root / "site.yaml").write_text(DEFAULT_SITE_YAML, encoding="utf-8")
    return root


def import_doc(site: Path, path: Path, *extra: str):
    return run_cli("import", "document", str(path), "--source", str(site), *extra)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def document_text(path: Path) -> tuple[str, list[str]]:
    """The document's text in order (paragraphs and table cells), and its non-empty pieces.

    The page prints every line where the paper has it: a công văn's "V/v" line under its
    number, a QĐ's "CHỦ TỊCH ỦY BAN NHÂN DÂN ..." line between its title and its basis.
    """
    document = docx.Document(str(path))
    texts: list[str] = []
    for index, item in enumerate(document.iter_inner_content()):
        if not isinstance(item, docx.table.Table):
            texts.append(item.text)
            continue
        # the header table: the agency's block on the left, then the motto's on the right
        groups = item.columns if index == 0 else item.rows
        for group in groups:
            seen = set()
            for cell in group.cells:
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                texts.append("\n".join(p.text for p in cell.paragraphs))
    return "\n".join(texts), [t.strip() for t in texts if t.strip()]


def page_text(output: Path, url: str) -> str:
    tree = html.parse(str(output / url.strip("/") / "index.html"))
    parts = tree.xpath(
        "//div[contains(@class,'doc-header')] | //h1[contains(@class,'doc-title')]"
        " | //div[contains(@class,'doc-basis')] | //div[contains(@class,'doc-body')]"
        " | //div[contains(@class,'doc-footer')]"
    )
    for backref in tree.xpath("//a[contains(@class,'footnote-backref')]"):
        backref.getparent().remove(backref)
    return "\n".join(" ".join(part.itertext()) for part in parts)


def page_address(front: dict) -> str:
    year = front["issued_date"][-4:]
    slug = front.get("slug") or f"{front['number']}-{front['symbol']}".lower()
    slug = slug.replace("đ", "d")
    from cchcgen.kinds.plan import SECTION_OF_TYPE  # the section its type is published under

    return f"{SECTION_OF_TYPE[front['doc_type']].key}/{year}/{slug}/"


def expected_front(doc: Doc) -> dict:
    day = doc.day
    issued = (
        f"{int(day):02d}/{int(doc.month):02d}/{doc.year}"
        if day
        else f"{int(doc.month):02d}/{doc.year}"
    )
    front: dict = {
        "doc_type": {
            "": "CV",
            "KẾ HOẠCH": "KH",
            "QUYẾT ĐỊNH": "QĐ",
            "BÁO CÁO": "BC",
            "THÔNG BÁO": "TB",
        }[doc.doc_type],  # fmt: skip
        "number": doc.number,
        "symbol": doc.symbol,
        "issuer": {"parent": doc.parent, "name": doc.issuer},
        "place": doc.place,
        "issued_date": issued,
        "title": doc.title,
    }
    if doc.authority_line:
        front["issuing_authority"] = doc.authority_line
    if doc.basis:
        front["basis"] = [line.rstrip(";,.") for line in doc.basis]
    lines = doc.signer
    signer: dict = {"authority": "none"}
    for line in lines:
        head, _sep, rest = line.partition(". ")
        if head == "TM":
            signer.update(authority="TM", on_behalf_of=rest)
        elif head in ("KT", "Q", "TL", "TUQ"):
            signer.setdefault("authority", head)
            if signer["authority"] == "none":
                signer["authority"] = head
            signer["head_title"] = rest
        else:
            signer["title"] = line
    signer["name"] = doc.name
    front["signer"] = signer
    front["recipients"] = doc.recipients
    front["archive"] = doc.archive
    return front


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


@pytest.mark.parametrize("name", sorted(DOCS))
def test_a_signed_document_imports_and_its_page_reads_word_for_word(
    name: str, site: Path, tmp_path: Path
) -> None:
    doc = DOCS[name]
    path = write_docx(doc, tmp_path / f"{name}.docx")
    result = import_doc(site, path)
    assert result.returncode == 0, result.stderr
    [written] = (site / "content" / "plans").rglob("*.md")
    front = front_matter(written)
    expected = expected_front(doc)
    if not doc.number:
        expected["slug"] = front["slug"]
    assert front == expected
    assert written.parent.name == doc.year

    build(site, tmp_path / "out")
    shown = page_text(tmp_path / "out", page_address(front))
    source, pieces = document_text(path)
    ratio = difflib.SequenceMatcher(None, words(source), words(shown), autojunk=False).ratio()
    assert ratio >= 0.98, (ratio, source, shown)
    # every heading, list item and table cell of the body is on the page, in order
    flat = " ".join(words(shown))
    position = 0
    body = [text for kind, text in doc.body] + [c for row in doc.appendix_table for c in row]
    for piece in body:
        wanted = " ".join(words(piece.split("|")[0]))  # a footnote is printed at the end
        if not wanted:
            continue
        found = flat.find(wanted, position)
        assert found >= 0, (piece, flat[position:])
        position = found + len(wanted)
    assert pieces  # the document had text


def test_headings_lists_tables_and_footnotes_are_markdown(site: Path, tmp_path: Path) -> None:
    path = write_docx(DOCS["ke-hoach"], tmp_path / "kh.docx")
    result = import_doc(site, path)
    assert result.returncode == 0, result.stderr
    text = (site / "content/plans/2024/21-kh-ubnd.md").read_text(encoding="utf-8")
    assert "\n## I. MỤC ĐÍCH, YÊU CẦU\n" in text
    assert "\n### 1. Mục đích\n" in text
    assert "\n#### a) Chủ trương của Đảng, chính sách của Nhà nước về CCHC\n" in text
    assert "\n- Chương trình tổng thể CCHC nhà nước giai đoạn 2021 - 2030.\n" in text
    assert "\n2\\. Phòng Văn hóa và Thông tin" in text  # Word's numbering, as Word shows it
    assert "**kịp thời, chính xác**" in text and "*tổng hợp*" in text
    assert "năm 2023[^1]" in text and "\n[^1]: Chỉ số do Ủy ban nhân dân tỉnh" in text
    assert "\n## PHỤ LỤC\n" in text
    assert "| STT | Nội dung | Cơ quan thực hiện | Thời gian |\n|---|---|---|---|\n" in text
    # the merged cell is reported with its paragraph and text
    assert re.search(
        r'kh\.docx: warning: paragraph \d+: merged cells[^\n]*"Tổng cộng"', result.stderr
    )
    # and the appendix is printed after the signature on the page
    build(site, tmp_path / "out")
    page = (tmp_path / "out/ke-hoach/2024/21-kh-ubnd/index.html").read_text(encoding="utf-8")
    assert page.index("Trần Văn Hòa") < page.index("KẾ HOẠCH TUYÊN TRUYỀN CỤ THỂ")
    assert "<th>STT</th>" in page


def test_markdown_characters_in_the_text_stay_text() -> None:
    assert escape_start("1. x") == "1\\. x"
    assert escape_start("# x") == "\\# x"
    assert escape_start("+ x") == "\\+ x"


def test_dry_run_shows_the_front_matter_and_writes_nothing(site: Path, tmp_path: Path) -> None:
    path = write_docx(DOCS["cong-van"], tmp_path / "cv.docx")
    result = import_doc(site, path, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "Would create content/plans/2024/45-pnv-cchc.md:" in result.stdout
    assert 'title: "đôn đốc báo cáo kết quả cải cách hành chính quý I năm 2024"' in result.stdout
    assert "Kính gửi: Ủy ban nhân dân các xã, thị trấn." in result.stdout
    assert not (site / "content").exists()


def test_an_existing_page_is_never_overwritten_without_overwrite(
    site: Path, tmp_path: Path
) -> None:
    path = write_docx(DOCS["bao-cao"], tmp_path / "bc.docx")
    assert import_doc(site, path).returncode == 0
    page = site / "content/plans/2024/38-bc-ubnd.md"
    page.write_text("edited", encoding="utf-8")
    again = import_doc(site, path)
    assert again.returncode == 1
    assert "content/plans/2024/38-bc-ubnd.md:1:1: error: already exists" in again.stderr
    assert "--overwrite" in again.stderr
    assert page.read_text(encoding="utf-8") == "edited"
    assert import_doc(site, path, "--overwrite").returncode == 0
    assert page.read_text(encoding="utf-8").startswith('---\ndoc_type: "BC"')


def test_the_signed_pdf_is_published_beside_the_page(site: Path, tmp_path: Path) -> None:
    path = write_docx(DOCS["quyet-dinh"], tmp_path / "qd.docx")
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Annot/Subtype/Ink>>endobj\n%%EOF\n")
    result = import_doc(site, path, "--pdf", str(pdf), "--section", "Văn bản chỉ đạo")
    assert result.returncode == 0, result.stderr
    folder = site / "content/plans/2024"
    assert (folder / "102-qd-ubnd.pdf").read_bytes() == pdf.read_bytes()
    front = front_matter(folder / "102-qd-ubnd.md")
    assert front["attachments"] == [
        {"title": "Quyết định số 102/QĐ-UBND (bản có chữ ký, PDF)", "file": "102-qd-ubnd.pdf"}
    ]
    assert front["tags"] == ["Văn bản chỉ đạo"]
    assert "the PDF has notes added on it (ink or text)" in result.stderr
    # the authority line of a QĐ is kept apart, to be printed where the paper has it
    assert front["issuing_authority"] == "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ THANH ĐỊNH"
    build(site, tmp_path / "out")
    assert (tmp_path / "out/van-ban-chi-dao/2024/102-qd-ubnd/102-qd-ubnd.pdf").exists()


def test_a_pdf_that_is_not_one_is_refused(site: Path, tmp_path: Path) -> None:
    path = write_docx(DOCS["bao-cao"], tmp_path / "bc.docx")
    fake = tmp_path / "scan.pdf"
    fake.write_bytes(b"GIF89a")
    result = import_doc(site, path, "--pdf", str(fake))
    assert result.returncode == 1
    assert "scan.pdf:1:1: error: is not a PDF file" in result.stderr
    assert not (site / "content").exists()


# --- what it could not read ------------------------------------------------------------------


def _with_changes(tmp_path: Path) -> Path:
    path = write_docx(DOCS["bao-cao"], tmp_path / "bc.docx")
    document = docx.Document(str(path))
    target = next(p for p in document.paragraphs if p.text.startswith("Bộ phận Một cửa"))
    inserted = docx.oxml.parse_xml(
        f'<w:ins {docx.oxml.ns.nsdecls("w")} w:id="90" w:author="Văn thư" '
        'w:date="2024-06-20T08:00:00Z"><w:r><w:t xml:space="preserve"> (đã rà soát)</w:t>'
        "</w:r></w:ins>"
    )
    deleted = docx.oxml.parse_xml(
        f'<w:del {docx.oxml.ns.nsdecls("w")} w:id="91" w:author="Văn thư" '
        'w:date="2024-06-20T08:00:00Z"><w:r><w:delText>bản nháp</w:delText></w:r></w:del>'
    )
    target._p.append(inserted)
    target._p.append(deleted)
    document.add_comment(target.runs[0], text="Kiểm tra lại số liệu", author="Văn thư")
    document.save(str(path))
    return path


def test_tracked_changes_and_comments_are_refused_unless_accepted(
    site: Path, tmp_path: Path
) -> None:
    path = _with_changes(tmp_path)
    refused = import_doc(site, path)
    assert refused.returncode == 1
    assert re.search(
        r"bc\.docx:1:1: error: the document has 3 tracked change\(s\) or comment\(s\), the "
        r'first in paragraph \d+: "\(đã rà soát\)"',
        refused.stderr,
    ), refused.stderr
    assert "--accept-changes" in refused.stderr
    assert not (site / "content").exists()

    accepted = import_doc(site, path, "--accept-changes")
    assert accepted.returncode == 0, accepted.stderr
    text = (site / "content/plans/2024/38-bc-ubnd.md").read_text(encoding="utf-8")
    assert "đạt 46 %. (đã rà soát)" in text
    assert "bản nháp" not in text and "Kiểm tra lại" not in text


def test_text_boxes_and_images_are_reported_with_their_paragraph(
    site: Path, tmp_path: Path
) -> None:
    path = write_docx(DOCS["bao-cao"], tmp_path / "bc.docx")
    document = docx.Document(str(path))
    target = next(p for p in document.paragraphs if p.text.startswith("100 %"))
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' \
         'xmlns:v="urn:schemas-microsoft-com:vml"'  # fmt: skip
    box = docx.oxml.parse_xml(
        f"<w:r {ns}><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r>"
        "<w:t>Ghi chú viết tay</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape>"
        "</w:pict></w:r>"
    )
    target._p.append(box)
    picture = tmp_path / "dot.png"
    Image.new("RGB", (4, 4), "black").save(picture)
    document.add_paragraph().add_run().add_picture(str(picture))
    document.save(str(path))
    result = import_doc(site, path)
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"bc\.docx: warning: paragraph \d+: a text box: its text is not imported: "
        r'"Ghi chú viết tay"',
        result.stderr,
    ), result.stderr
    assert re.search(r"bc\.docx: warning: paragraph \d+: an image: not imported", result.stderr)
    text = (site / "content/plans/2024/38-bc-ubnd.md").read_text(encoding="utf-8")
    assert "Ghi chú viết tay" not in text


def test_a_document_without_the_header_table_is_refused(site: Path, tmp_path: Path) -> None:
    path = tmp_path / "thu.docx"
    document = docx.Document()
    document.add_paragraph("Một bức thư không theo thể thức")
    document.save(str(path))
    result = import_doc(site, path)
    assert result.returncode == 1
    assert "thu.docx:1:1: error: paragraph 1: the document does not start with the header " \
           "table of NĐ 30/2020" in result.stderr  # fmt: skip
    assert "hint:" in result.stderr and "Traceback" not in result.stderr


# --- hostile files ---------------------------------------------------------------------------


def _refused(site: Path, path: Path, wording: str) -> None:
    result = import_doc(site, path)
    assert result.returncode == 1, result.stdout
    assert f"{path.name}:1:1: error: {wording}" in result.stderr, result.stderr
    assert "hint:" in result.stderr and "Traceback" not in result.stderr
    assert not (site / "content").exists()


def test_a_zip_bomb_is_refused_unopened(site: Path, tmp_path: Path) -> None:
    path = write_docx(DOCS["bao-cao"], tmp_path / "bomb.docx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/filler.xml", b"\0" * (120 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    _refused(site, path, "would unpack to 1")


def test_a_document_with_macros_is_refused(site: Path, tmp_path: Path) -> None:
    path = write_docx(DOCS["bao-cao"], tmp_path / "macro.docm")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    _refused(site, path, "holds macros or embedded programs")


def test_a_document_refering_to_outside_files_is_refused(site: Path, tmp_path: Path) -> None:
    path = write_docx(DOCS["bao-cao"], tmp_path / "linked.docx")
    document = docx.Document(str(path))
    document.part.relate_to(
        "http://127.0.0.1:9/template.dotm",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate",
        is_external=True,
    )
    document.save(str(path))
    _refused(site, path, "refers to a file outside the document (http://127.0.0.1:9/template.dotm)")


def test_a_20_mb_document_is_refused(site: Path, tmp_path: Path) -> None:
    path = write_docx(DOCS["bao-cao"], tmp_path / "big.docx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/media/scan.png", b"\x89PNG" + bytes(range(256)) * 80 * 1024)
    assert path.stat().st_size > 20 * 1000 * 1000
    _refused(site, path, "the file is 20.")


def test_a_file_that_is_not_a_word_document_is_refused(site: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    _refused(site, path, "is not a Word document (.docx)")

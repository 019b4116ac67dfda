"""``cchcgen import procedures``: spreadsheets as offices receive them → procedure YAML files."""

from __future__ import annotations

import datetime as dt
import io
import struct
import subprocess
import sys
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest
import yaml
from conftest import DEFAULT_SITE_YAML, FIXED_EPOCH, FIXED_NOW, run_cli, tree
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from cchcgen.cli import main
from cchcgen.importer import (
    Col,
    ImportFailed,
    ImportOptions,
    Outcome,
    clean_text,
    import_procedures,
    match_header,
    merge_text,
    read_code,
    read_levels,
    read_online,
)
from cchcgen.spreadsheet import decode, format_decimals, read_rows, sniff_delimiter
from cchcgen.urls import fold

FIXTURES = Path(__file__).parent / "fixtures" / "import"
CSV = FIXTURES / "danh-muc-cap-xa.csv"
TODAY = dt.date(2026, 1, 1)
DECISION = ("--decision", "2215/QĐ-UBND", "--date", "15/03/2024")
XSS = "<script>alert(1)</script>"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    (root / "site.yaml").write_text(DEFAULT_SITE_YAML, encoding="utf-8")
    return root


def procedures(site: Path) -> dict[str, bytes]:
    folder = site / "content" / "procedures"
    return tree(folder) if folder.exists() else {}


def load(site: Path, code: str) -> dict:
    text = (site / "content" / "procedures" / f"{code}.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=yaml.BaseLoader)  # every scalar as text, like cchcgen


def options(site: Path, file: Path, **kwargs: object) -> ImportOptions:
    return ImportOptions(site=site, file=file, today=TODAY, **kwargs)  # type: ignore[arg-type]


def lines(site: Path, file: Path, **kwargs: object) -> list[str]:
    report = import_procedures(options(site, file, **kwargs))
    return [*report.lines(), report.summary()]


# --- the xlsx an office receives -------------------------------------------------------------

HEADER = [
    "Tên thủ tục\nhành chính",
    "STT",
    "Mã số\nTTHC",
    "  Cấp thực  hiện ",
    "Thời hạn\ngiải quyết",
    "Phí, lệ phí",
    "Căn cứ pháp lý",
    "Số quyết định",
    "Ngày\nban hành",
    "Mức độ\nDVCTT",
]
NFD_NAME = unicodedata.normalize("NFD", "Thủ tục đăng ký khai sinh")


def make_xlsx(path: Path) -> Path:
    """A sheet laid out like a real annex: title merged across, a blank row, a header in its
    own order with line breaks, "(1) (2)" numbers, sectors as sub-section rows, no sector
    column, and the mistakes editors make."""
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH MỤC THỦ TỤC HÀNH CHÍNH CẤP XÃ THUỘC PHẠM VI QUẢN LÝ CỦA TỈNH"])
    sheet.merge_cells("A1:J1")
    sheet.append(["(Kèm theo Quyết định số 2215/QĐ-UBND ngày 15/3/2024)"])
    sheet.merge_cells("A2:J2")
    sheet.append([])
    sheet.append(HEADER)
    sheet.append([f"({n})" for n in range(1, 11)])
    sheet.append(["I. LĨNH VỰC HỘ TỊCH"])  # row 6
    sheet.merge_cells("A6:J6")
    sheet.append(
        [
            f"\u200b{NFD_NAME}\t",
            1,
            "1.001193",
            "Cấp xã",
            "Ngay trong ngày làm việc",
            "Miễn lệ phí",
            "Luật Hộ tịch số 60/2014/QH13 ngày 20/11/2014",
            "2215/QĐ-UBND",
            dt.datetime(2024, 3, 15),
            "Toàn trình",
        ]
    )  # row 7; the decision and its date are merged down: blank below
    sheet.append(["Thủ tục đăng ký lại khai sinh", 2, 2.000635, "Cấp xã", "05 ngày làm việc"])
    sheet.append(["Thủ tục đăng ký nhận cha, mẹ, con", 3, 1.0012, "Cấp xã"])  # row 9
    sheet.append(["Thủ tục đăng ký giám hộ", 4, 1.0012, "Cấp xã\nCấp huyện"])  # row 10
    sheet.cell(row=10, column=3).number_format = "0.000000"
    sheet.append(["II. LĨNH VỰC CHỨNG THỰC"])  # row 11
    sheet.merge_cells("A11:J11")
    sheet.append(["Thủ tục có mã sai", 5, "ABC-123", "Cấp xã"])  # row 12
    sheet.append(["Thủ tục đăng ký khai sinh (lần hai)", 6, "1.001193", "Cấp xã"])  # row 13
    sheet.append(["", 7, "2.000815", "Cấp xã"])  # row 14
    sheet.append([XSS, 8, "2.000884", "Cấp tỉnh, cấp xã", "", "", "", "", "", "Mức độ 4"])
    sheet.append(["Thủ tục chứng thực hợp đồng", 9, "2.001035", "Cấp xã", *[""] * 5, "Một phần"])
    sheet.append(["Thủ tục quá dài", 10, "2.001044", "Cấp xã", "", "", "x" * 6000])  # row 17
    book.save(path)
    return path


XLSX_REPORT = [
    "header on row 4",
    "Quyết định công bố 2215/QĐ-UBND of 15/03/2024, from the annex title, row 2; "
    "a decision in the 'Quyết định công bố' column takes precedence",
    "row 7 (1.001193): created content/procedures/1.001193.yaml",
    "row 8 (2.000635): created content/procedures/2.000635.yaml",
    "row 8 (2.000635): the code is stored as a number in the spreadsheet; read as 2.000635: "
    "format the column as text so that no zero is lost",
    "row 9 (1.0012): skipped: code looks like a number (1.0012) and may have lost zeros at the "
    "end; type it as text",
    "row 10 (1.001200): created content/procedures/1.001200.yaml",
    "row 10 (1.001200): the code is stored as a number in the spreadsheet; read as 1.001200: "
    "format the column as text so that no zero is lost",
    "row 12 (ABC-123): skipped: invalid code format (expected a code such as 1.001193)",
    "row 13 (1.001193): skipped: duplicate code (first on row 7)",
    "row 14 (2.000815): skipped: empty name",
    "row 15 (2.000884): created content/procedures/2.000884.yaml",
    "row 16 (2.001035): created content/procedures/2.001035.yaml",
    "row 16 (2.001035): online service 'Một phần' is offered only in part, which needs a reason "
    "(online_service.partial_reason) the list does not give: add online_service by hand",
    "row 17 (2.001044): skipped: the 'Căn cứ pháp lý' cell is 6,000 characters long "
    "(more than 5,000); shorten it",
]


def test_xlsx_report_lists_every_row_with_its_reason(site: Path, tmp_path: Path) -> None:
    xlsx = make_xlsx(tmp_path / "danh-muc.xlsx")
    assert lines(site, xlsx) == [
        *XLSX_REPORT,
        f"{xlsx}: 5 created, 0 updated, 0 unchanged, 5 skipped",
    ]
    assert sorted(procedures(site)) == [
        "1.001193.yaml",
        "1.001200.yaml",
        "2.000635.yaml",
        "2.000884.yaml",
        "2.001035.yaml",
    ]


def test_xlsx_records_follow_the_schema(site: Path, tmp_path: Path) -> None:
    import_procedures(options(site, make_xlsx(tmp_path / "danh-muc.xlsx")))
    assert load(site, "1.001193") == {
        "code": "1.001193",
        "name": "Thủ tục đăng ký khai sinh",  # NFC, without the zero-width space and tab
        "sector": {"code": "ho-tich", "name": "Hộ tịch"},
        "levels": ["xa"],
        "methods": [
            {
                "channel": "direct",
                "processing_time": {"text": "Ngay trong ngày làm việc"},
                "fees": [{"kind": "le_phi", "text": "Miễn lệ phí"}],
            }
        ],
        "legal_basis": [
            {"number": "60/2014/QH13", "title": "Luật Hộ tịch", "issued": "20/11/2014"}
        ],
        "online_service": {"level": "toan_trinh"},
        "announcement": {"number": "2215/QĐ-UBND", "date": "15/03/2024", "change_type": "new"},
        "detail_level": "list_only",
        "source": {"name": "Quyết định công bố 2215/QĐ-UBND", "retrieved": "01/01/2026"},
    }
    # merged cells read as blank below their first row: sector, decision and date carry down
    second = load(site, "2.000635")
    assert second["sector"] == {"code": "ho-tich", "name": "Hộ tịch"}
    assert second["announcement"]["number"] == "2215/QĐ-UBND"
    assert second["announcement"]["date"] == "15/03/2024"
    assert second["methods"][0]["processing_time"] == {
        "text": "05 ngày làm việc",
        "value": "5",
        "unit": "working_day",
    }
    assert load(site, "1.001200")["levels"] == ["huyen", "xa"]
    payload = load(site, "2.000884")
    assert payload["sector"] == {"code": "chung-thuc", "name": "Chứng thực"}
    assert payload["levels"] == ["tinh", "xa"]
    assert payload["online_service"] == {"level": "toan_trinh", "legacy_level": "4"}
    assert "online_service" not in load(site, "2.001035")


def test_html_in_a_cell_stays_plain_text(site: Path, tmp_path: Path) -> None:
    import_procedures(options(site, make_xlsx(tmp_path / "danh-muc.xlsx")))
    text = (site / "content/procedures/2.000884.yaml").read_text(encoding="utf-8")
    assert f'name: "{XSS}"' in text
    assert load(site, "2.000884")["name"] == XSS


def test_the_code_column_keeps_the_zeros_its_number_format_shows(tmp_path: Path) -> None:
    xlsx = make_xlsx(tmp_path / "danh-muc.xlsx")
    rows = {row.number: row for row in read_rows(xlsx)}
    assert rows[8].cells[2] == "2.000635" and 2 in rows[8].numeric
    assert rows[9].cells[2] == "1.0012"
    assert rows[10].cells[2] == "1.001200"
    assert rows[7].cells[8] == "15/03/2024"
    assert rows[7].cells[1] == "1" and rows[1].cells[0].startswith("DANH MỤC")
    assert format_decimals("0.000000") == 6
    assert format_decimals("#,##0") == 0
    assert format_decimals("General") is None
    assert format_decimals("dd/mm/yyyy") is None


# --- the csv a colleague saved from Excel ------------------------------------------------------

CSV_REPORT = [
    "header on row 3",
    "ignored columns: 'Nguoi nhap'",
    "row 4 (1.000893): created content/procedures/1.000893.yaml",
    "row 5 (1.004873): created content/procedures/1.004873.yaml",
    "row 6 (1.00X893): skipped: invalid code format (expected a code such as 1.001193)",
    "row 7 (2.000815): created content/procedures/2.000815.yaml",
    "row 9 (1.000656): created content/procedures/1.000656.yaml",
]


def test_csv_with_bom_semicolons_and_headers_without_diacritics(site: Path) -> None:
    assert CSV.read_bytes().startswith(b"\xef\xbb\xbf")
    report = lines(site, CSV, decision="2215/QĐ-UBND", decision_date=dt.date(2024, 3, 15))
    assert report == [*CSV_REPORT, f"{CSV}: 4 created, 0 updated, 0 unchanged, 1 skipped"]
    married = load(site, "1.000893")
    assert married["legal_basis"] == [
        {"number": "60/2014/QH13", "title": "Luật Hộ tịch", "issued": "20/11/2014"},
        {"number": "123/2015/NĐ-CP", "title": "Nghị định của Chính phủ", "issued": "15/11/2015"},
    ]
    signature = load(site, "1.004873")
    assert signature["levels"] == ["huyen", "xa"]
    assert signature["announcement"]["change_type"] == "amended"
    assert signature["online_service"] == {"level": "khong"}
    death = load(site, "1.000656")
    assert death["name"] == "Thủ tục đăng ký khai tử"
    assert death["announcement"]["change_type"] == "abolished"
    assert death["status"] == "abolished"
    assert "methods" not in load(site, "2.000815")


def test_without_a_decision_every_row_says_what_is_missing(site: Path) -> None:
    report = import_procedures(options(site, CSV))
    skipped = [row for row in report.rows if row.outcome is Outcome.SKIPPED]
    assert len(skipped) == 5
    assert skipped[0].lines() == [
        "row 4 (1.000893): skipped: no Quyết định công bố: add a 'Số quyết định' column "
        "or give --decision"
    ]
    report = import_procedures(options(site, CSV, decision="2215/QĐ-UBND"))
    assert report.rows[0].lines() == [
        "row 4 (1.000893): skipped: no date for Quyết định công bố 2215/QĐ-UBND: "
        "add a 'Ngày công bố' column or give --date"
    ]


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 stores it: base letters precomposed, tone marks combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def test_csv_encodings_and_delimiters(tmp_path: Path) -> None:
    text = "STT,Mã TTHC,Tên TTHC\n1,1.001193,Đăng ký khai sinh\n"
    assert unicodedata.normalize("NFC", decode(cp1258(text))) == text
    assert decode(text.encode("utf-16")) == text
    assert decode(b"\xef\xbb\xbf" + text.encode()) == text
    assert sniff_delimiter(text) == ","
    assert sniff_delimiter(text.replace(",", "\t")) == "\t"
    assert sniff_delimiter('"Phí, lệ phí";Tên\n"a, b";c\n') == ";"
    path = tmp_path / "ansi.csv"
    path.write_bytes(cp1258(text.replace(",", ";")))
    cells = [row.cells for row in read_rows(path)][1]
    assert [clean_text(cell) for cell in cells] == ["1", "1.001193", "Đăng ký khai sinh"]


def test_group_titles_set_change_and_sector_below_them(site: Path, tmp_path: Path) -> None:
    path = tmp_path / "phu-luc.csv"
    path.write_text(
        "Mã TTHC,Tên TTHC,Cấp thực hiện,Quyết định công bố\n"
        "A. THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH,,,\n"
        "I. LĨNH VỰC HỘ TỊCH,,,\n"
        "1.001193,Đăng ký khai sinh,Cấp xã,"
        '"Quyết định số 2215/QĐ-UBND ngày 15/3/2024 của Chủ tịch UBND tỉnh Thái Bình"\n'
        "B. THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ,,,\n"
        "1. Lĩnh vực đất đai,,,\n"
        "1.000045,Thủ tục cũ,Cấp huyện,\n"
        "ABC,,,\n",
        encoding="utf-8",
    )
    assert lines(site, path) == [
        "header on row 1",
        "row 4 (1.001193): created content/procedures/1.001193.yaml",
        "row 7 (1.000045): created content/procedures/1.000045.yaml",
        "row 8 (ABC): skipped: invalid code format (expected a code such as 1.001193)",
        f"{path}: 2 created, 0 updated, 0 unchanged, 1 skipped",
    ]
    birth = load(site, "1.001193")
    assert birth["sector"] == {"code": "ho-tich", "name": "Hộ tịch"}
    assert birth["announcement"] == {
        "number": "2215/QĐ-UBND",
        "date": "15/03/2024",
        "issuer": "Chủ tịch UBND tỉnh Thái Bình",
        "change_type": "new",
    }
    old = load(site, "1.000045")
    assert old["sector"] == {"code": "dat-dai", "name": "Đất đai"}
    assert old["announcement"]["change_type"] == "abolished"
    assert old["announcement"]["number"] == "2215/QĐ-UBND"  # a merged cell, carried down
    assert old["status"] == "abolished"


def test_titles_in_the_stt_column_and_levels_from_the_agency(site: Path, tmp_path: Path) -> None:
    """The usual annex: STT first, titles merged across from STT's cell, no level column."""
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH MỤC THỦ TỤC HÀNH CHÍNH THUỘC THẨM QUYỀN GIẢI QUYẾT CỦA UBND CẤP XÃ"])
    sheet.merge_cells("A1:E1")
    sheet.append(["STT", "Mã số TTHC", "Tên thủ tục hành chính", "Thời hạn giải quyết",
                  "Cơ quan thực hiện"])  # fmt: skip
    sheet.append(["I. LĨNH VỰC XÂY DỰNG"])
    sheet.merge_cells("A3:E3")
    sheet.append([1, "1.013228", "Cấp lại giấy phép xây dựng", "05 ngày làm việc", "UBND cấp xã"])
    sheet.append(["7"])  # a template row numbered in advance
    sheet.append([2, "1.009974", "Cấp giấy phép xây dựng (cũ)", "15 ngày", "UBND cấp huyện"])
    path = tmp_path / "phu-luc.xlsx"
    book.save(path)
    assert lines(site, path, decision="1318/QĐ-UBND", decision_date=dt.date(2025, 6, 24)) == [
        "header on row 2",
        "row 4 (1.013228): created content/procedures/1.013228.yaml",
        "row 4 (1.013228): level taken from Cơ quan thực hiện: xa",
        "row 6 (1.009974): created content/procedures/1.009974.yaml",
        "row 6 (1.009974): level taken from Cơ quan thực hiện: huyen",
        f"{path}: 2 created, 0 updated, 0 unchanged, 0 skipped",
    ]
    record = load(site, "1.013228")
    assert record["sector"] == {"code": "xay-dung", "name": "Xây dựng"}
    assert record["levels"] == ["xa"]


# --- the Quyết định công bố in the annex's title rows ----------------------------------------

TITLE = (
    "(Ban hành kèm theo Quyết định số 1234/QĐ-UBND ngày 15 tháng 3 năm 2026 "
    "của Chủ tịch Ủy ban nhân dân tỉnh Quảng Bình)"
)
ANNEX_HEADER = ["STT", "Mã TTHC", "Tên TTHC", "Lĩnh vực", "Cấp thực hiện"]
ANNEX_CODES = ("1.001193", "1.004873", "1.000656")


def annex_xlsx(path: Path, title: list[list[str]], merge: tuple[str, ...] = ()) -> Path:
    """An annex as a Quyết định công bố prints it: title rows, the header, then three sections
    (new, amended, abolished) and no decision column."""
    book = Workbook()
    sheet = book.active
    for cells in title:
        sheet.append(cells)
    for cells in merge:
        sheet.merge_cells(cells)
    sheet.append(ANNEX_HEADER)
    sheet.append(["I", "THỦ TỤC HÀNH CHÍNH MỚI BAN HÀNH"])
    sheet.append([1, "1.001193", "Đăng ký khai sinh", "Hộ tịch", "Cấp xã"])
    sheet.append(["II", "THỦ TỤC HÀNH CHÍNH ĐƯỢC SỬA ĐỔI, BỔ SUNG"])
    sheet.append([1, "1.004873", "Chứng thực chữ ký", "Chứng thực", "Cấp xã"])
    sheet.append(["III", "THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ"])
    sheet.append([1, "1.000656", "Đăng ký khai tử", "Hộ tịch", "Cấp xã"])
    book.save(path)
    return path


def italic(path: Path, row: int) -> Path:
    """The title's bracketed line is printed in italics (the importer reads only text)."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    book = load_workbook(path)
    book.active.cell(row=row, column=1).font = Font(italic=True)
    book.save(path)
    return path


QUANG_BINH = "Chủ tịch Ủy ban nhân dân tỉnh Quảng Bình"


@pytest.mark.parametrize(
    ("title", "merge", "row", "issuer"),
    [
        pytest.param(
            [["PHỤ LỤC"], ["DANH MỤC THỦ TỤC HÀNH CHÍNH CẤP XÃ"], [TITLE]],
            ("A1:E1", "A2:E2", "A3:E3"),
            3,
            QUANG_BINH,
            id="three-merged-rows",
        ),
        pytest.param(
            [
                ["PHỤ LỤC I"],
                [
                    "(Kèm theo QUYẾT ĐỊNH 1234/QĐ-UBND ngày 15/3/2026 của UBND tỉnh "
                    "về việc công bố danh mục thủ tục hành chính)"
                ],
            ],  # fmt: skip
            (),
            2,
            "UBND tỉnh",
            id="no-so-capitals-short-date-and-subject",
        ),
        pytest.param(
            [
                ["", "", "DANH MỤC"],
                ["", "", "(ban hành kèm theo quyết định số 1234/QĐ-UBND ngày 15/03/2026)"],
            ],  # fmt: skip
            (),
            2,
            None,
            id="centred-in-column-c-zero-padded-date-no-issuer",
        ),
        pytest.param(
            [
                ["PHỤ LỤC"],
                ["(Ban hành kèm theo Quyết định số 1234/QĐ-UBND"],
                [f"ngày 15/3/2026 của {QUANG_BINH})"],
                [],
            ],  # fmt: skip
            ("A2:E2", "A3:E3"),
            2,
            QUANG_BINH,
            id="split-over-two-rows-and-a-blank-row",
        ),
        pytest.param(
            [
                ["Ban hành kèm theo"],
                [f"Quyết định số 1234/QĐ-UBND ngày 15/3/2026 của {QUANG_BINH}"],
            ],
            (),
            1,
            QUANG_BINH,
            id="split-after-kem-theo-without-brackets",
        ),
        pytest.param(
            [["DANH MỤC THỦ TỤC HÀNH CHÍNH"], [TITLE.replace(" ngày", "\nngày")], []],
            ("A1:E1", "A2:E3"),
            2,
            QUANG_BINH,
            id="merged-over-rows-and-columns-with-a-line-break",
        ),
    ],
)
def test_the_decision_is_read_from_the_annex_title(
    site: Path, tmp_path: Path, title: list[list[str]], merge: tuple[str, ...], row: int,
    issuer: str | None,
) -> None:  # fmt: skip
    path = italic(annex_xlsx(tmp_path / "phu-luc.xlsx", title, merge), row)
    report = lines(site, path)
    header = len(title) + 1
    assert report == [
        f"header on row {header}",
        f"Quyết định công bố 1234/QĐ-UBND of 15/03/2026, from the annex title, row {row}",
        f"row {header + 2} (1.001193): created content/procedures/1.001193.yaml",
        f"row {header + 4} (1.004873): created content/procedures/1.004873.yaml",
        f"row {header + 6} (1.000656): created content/procedures/1.000656.yaml",
        f"{path}: 3 created, 0 updated, 0 unchanged, 0 skipped",
    ]
    changes = [load(site, code)["announcement"] for code in ANNEX_CODES]
    assert [change.pop("change_type") for change in changes] == ["new", "amended", "abolished"]
    expected = {"number": "1234/QĐ-UBND", "date": "15/03/2026"}
    if issuer:
        expected["issuer"] = issuer
    assert changes == [expected] * 3  # every section of the annex
    assert load(site, "1.000656")["source"]["name"] == "Quyết định công bố 1234/QĐ-UBND"


def test_the_options_override_the_annex_title(site: Path, tmp_path: Path) -> None:
    path = annex_xlsx(tmp_path / "phu-luc.xlsx", [["PHỤ LỤC"], [TITLE]])
    title_note = (
        f"the annex title on row 2 reads '{TITLE}': "
        "the --decision and --date options take precedence"
    )
    result = run_cli(
        "import", "procedures", str(path), "-s", str(site),
        "--decision", "2215/QĐ-UBND", "--date", "20/03/2026",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:3] == [
        "Quyết định công bố 2215/QĐ-UBND from --decision, dated 20/03/2026 from --date",
        title_note,
    ]
    for code in ANNEX_CODES:
        announcement = load(site, code)["announcement"]
        assert (announcement["number"], announcement["date"]) == ("2215/QĐ-UBND", "20/03/2026")
        assert "issuer" not in announcement  # the title's issuer signed another decision

    # --date alone dates the title's decision
    report = lines(site, path, decision_date=dt.date(2026, 3, 20), overwrite=True)
    assert report[1:3] == [
        "Quyết định công bố 1234/QĐ-UBND from the annex title, row 2, dated 20/03/2026 from --date",
        title_note,
    ]
    assert load(site, "1.001193")["announcement"] == {
        "number": "1234/QĐ-UBND",
        "date": "20/03/2026",
        "issuer": QUANG_BINH,
        "change_type": "new",
    }

    # --decision naming the title's decision without a date takes the title's date
    report = lines(site, path, decision="1234/QĐ-UBND", overwrite=True)
    assert report[1] == (
        "Quyết định công bố 1234/QĐ-UBND from --decision, dated 15/03/2026 from the annex "
        "title, row 2"
    )
    assert load(site, "1.001193")["announcement"]["date"] == "15/03/2026"

    # another decision without a date is not dated by the title
    report = lines(site, path, decision="999/QĐ-UBND")
    assert report[2] == (
        "row 5 (1.001193): skipped: no date for Quyết định công bố 999/QĐ-UBND: "
        "add a 'Ngày công bố' column or give --date"
    )


def test_a_decision_column_wins_over_the_annex_title(site: Path, tmp_path: Path) -> None:
    path = tmp_path / "phu-luc.csv"
    path.write_text(
        f'PHỤ LỤC,,,\n"{TITLE}",,,\n'
        "Mã TTHC,Tên TTHC,Cấp thực hiện,Số quyết định\n"
        "I. LĨNH VỰC HỘ TỊCH,,,\n"
        "1.001193,Đăng ký khai sinh,Cấp xã,\n"
        '1.004873,Chứng thực chữ ký,Cấp xã,"Quyết định số 1234/QĐ-UBND"\n'
        "1.000656,Đăng ký khai tử,Cấp xã,777/QĐ-UBND ngày 01/02/2026\n",
        encoding="utf-8",
    )
    assert lines(site, path)[:2] == [
        "header on row 3",
        "Quyết định công bố 1234/QĐ-UBND of 15/03/2026, from the annex title, row 2; "
        "a decision in the 'Quyết định công bố' column takes precedence",
    ]
    assert load(site, "1.001193")["announcement"]["number"] == "1234/QĐ-UBND"  # the title's
    same = load(site, "1.004873")["announcement"]  # the title's decision, dated by the title
    assert (same["number"], same["date"]) == ("1234/QĐ-UBND", "15/03/2026")
    other = load(site, "1.000656")["announcement"]
    assert (other["number"], other["date"]) == ("777/QĐ-UBND", "01/02/2026")
    assert "issuer" not in other


def test_csv_with_title_rows_without_diacritics(site: Path, tmp_path: Path) -> None:
    path = tmp_path / "phu-luc.csv"
    path.write_bytes(
        "PHU LUC;;;;\n"
        "DANH MUC THU TUC HANH CHINH;;;;\n"
        "(Ban hanh kem theo Quyet dinh so 1234/QD-UBND ngay 15 thang 3 nam 2026;;;;\n"
        "cua Chu tich UBND tinh Quang Binh);;;;\n"
        ";;;;\n"
        "STT;Ma TTHC;Ten TTHC;Linh vuc;Cap thuc hien\n"
        "1;1.001193;Dang ky khai sinh;Ho tich;Cap xa\n".encode("utf-8-sig")
    )
    assert lines(site, path)[:2] == [
        "header on row 6",
        "Quyết định công bố 1234/QD-UBND of 15/03/2026, from the annex title, row 3",
    ]
    assert load(site, "1.001193")["announcement"] == {
        "number": "1234/QD-UBND",
        "date": "15/03/2026",
        "issuer": "Chu tich UBND tinh Quang Binh",
        "change_type": "new",
    }


BLANK_DATE = (
    "(Ban hành kèm theo Quyết định số 1234/QĐ-UBND ngày … tháng 3 năm 2026 "
    "của Chủ tịch Ủy ban nhân dân tỉnh …)"
)


@pytest.mark.parametrize(
    ("title", "message", "hint"),
    [
        (
            BLANK_DATE,
            f"the annex title gives no date that can be read for Quyết định 1234/QĐ-UBND: "
            f"'{BLANK_DATE}'",
            "write the date in the title (ngày 15 tháng 3 năm 2026), or give it with --date",
        ),
        (
            "(Kèm theo Quyết định số 1234/QĐ-UBND ngày 31/02/2026)",
            "the annex title gives no date that can be read for Quyết định 1234/QĐ-UBND: "
            "'(Kèm theo Quyết định số 1234/QĐ-UBND ngày 31/02/2026)'",
            "write the date in the title (ngày 15 tháng 3 năm 2026), or give it with --date",
        ),
        (
            "(Kèm theo Quyết định số       /QĐ-UBND ngày    tháng 3 năm 2026)",
            "the annex title names no number for its Quyết định: "
            "'(Kèm theo Quyết định số /QĐ-UBND ngày tháng 3 năm 2026)'",
            "write the number in the title, or give it with --decision",
        ),
    ],
    ids=["day-left-blank", "impossible-date", "number-left-blank"],
)
def test_a_title_without_a_readable_date_or_number_is_reported_not_guessed(
    site: Path, tmp_path: Path, title: str, message: str, hint: str
) -> None:
    path = annex_xlsx(tmp_path / "phu-luc.xlsx", [["PHỤ LỤC"], ["DANH MỤC"], [title]])
    result = run_cli("import", "procedures", str(path), "-s", str(site))
    assert result.returncode == 1
    assert result.stderr == f"{path}:3:1: error: {message}\n  hint: {hint}\n"
    assert result.stdout == ""
    assert procedures(site) == {}
    fixed = run_cli(
        "import", "procedures", str(path), "-s", str(site),
        "--decision", "1234/QĐ-UBND", "--date", "16/03/2026",
    )  # fmt: skip
    assert fixed.returncode == 0, fixed.stderr
    assert load(site, "1.001193")["announcement"]["date"] == "16/03/2026"


def test_a_blank_title_date_is_noted_when_a_decision_column_exists(
    site: Path, tmp_path: Path
) -> None:
    path = tmp_path / "phu-luc.csv"
    path.write_text(
        f'"{BLANK_DATE}",,,\n'
        "Mã TTHC,Tên TTHC,Cấp thực hiện,Số quyết định\n"
        "I. LĨNH VỰC HỘ TỊCH,,,\n"
        "1.001193,Đăng ký khai sinh,Cấp xã,\n"
        "1.004873,Chứng thực chữ ký,Cấp xã,777/QĐ-UBND ngày 01/02/2026\n",
        encoding="utf-8",
    )
    assert lines(site, path) == [
        "header on row 2",
        "row 1: the annex title gives no date that can be read for Quyết định 1234/QĐ-UBND: "
        f"'{BLANK_DATE}'",
        "row 4 (1.001193): skipped: no date for Quyết định công bố 1234/QĐ-UBND: "
        "add a 'Ngày công bố' column or give --date",
        "row 5 (1.004873): created content/procedures/1.004873.yaml",
        f"{path}: 1 created, 0 updated, 0 unchanged, 1 skipped",
    ]


def test_the_help_states_the_order(site: Path) -> None:
    result = run_cli("import", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "else --decision and --date, else the annex title" in text


# --- running it again ----------------------------------------------------------------------


def test_a_second_run_changes_nothing(site: Path) -> None:
    kwargs = {"decision": "2215/QĐ-UBND", "decision_date": dt.date(2024, 3, 15)}
    import_procedures(options(site, CSV, **kwargs))
    before = procedures(site)
    later = ImportOptions(site=site, file=CSV, today=TODAY + dt.timedelta(days=30), **kwargs)
    report = import_procedures(later)
    assert report.summary() == f"{CSV}: 0 created, 0 updated, 4 unchanged, 1 skipped"
    assert procedures(site) == before


def test_xlsx_second_run_is_byte_identical(site: Path, tmp_path: Path) -> None:
    xlsx = make_xlsx(tmp_path / "danh-muc.xlsx")
    import_procedures(options(site, xlsx))
    before = procedures(site)
    report = import_procedures(options(site, xlsx))
    assert report.summary().endswith(": 0 created, 0 updated, 5 unchanged, 5 skipped")
    assert procedures(site) == before


def test_an_edited_name_is_kept_and_reported_unless_overwrite(site: Path, tmp_path: Path) -> None:
    xlsx = make_xlsx(tmp_path / "danh-muc.xlsx")
    import_procedures(options(site, xlsx))
    path = site / "content/procedures/1.001193.yaml"
    edited = "# Rà soát 02/2026: tên theo CSDLQG\n" + path.read_text(encoding="utf-8").replace(
        'name: "Thủ tục đăng ký khai sinh"', 'name: "Đăng ký khai sinh"  # sửa tay'
    )
    path.write_text(edited, encoding="utf-8")

    report = import_procedures(options(site, xlsx))
    row = report.rows[0]
    assert row.outcome is Outcome.UNCHANGED
    assert row.lines() == [
        "row 7 (1.001193): unchanged",
        "row 7 (1.001193): kept 'name' as edited (spreadsheet: 'Thủ tục đăng ký khai sinh')",
    ]
    assert path.read_text(encoding="utf-8") == edited

    report = import_procedures(options(site, xlsx, overwrite=True))
    assert report.rows[0].lines() == [
        "row 7 (1.001193): updated content/procedures/1.001193.yaml",
        "row 7 (1.001193): replaced 'name' (was: 'Đăng ký khai sinh')",
    ]
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Rà soát 02/2026: tên theo CSDLQG\n")
    assert 'name: "Thủ tục đăng ký khai sinh"  # sửa tay\n' in text
    assert load(site, "1.001193")["name"] == "Thủ tục đăng ký khai sinh"


def test_missing_fields_are_filled_in_place(site: Path) -> None:
    kwargs = {"decision": "2215/QĐ-UBND", "decision_date": dt.date(2024, 3, 15)}
    import_procedures(options(site, CSV, **kwargs))
    path = site / "content/procedures/1.000893.yaml"
    original = path.read_text(encoding="utf-8")
    text = original.replace('  name: "Hộ tịch"\n', "")
    text = text.replace("levels:\n  - xa\n", "levels: []  # chưa rõ\n")
    text = text.replace("legal_basis:\n", "# căn cứ\nlegal_basis:\n")
    text = text[: text.index("online_service:")] + "featured: true\n" + "source:\n  name: Tay\n"
    path.write_text(text, encoding="utf-8")

    report = import_procedures(options(site, CSV, **kwargs))
    assert report.rows[0].lines() == [
        "row 4 (1.000893): updated content/procedures/1.000893.yaml: filled 'sector.name', "
        "'levels', 'online_service.level', 'announcement.number', 'announcement.date', "
        "'source.retrieved'",
        "row 4 (1.000893): kept 'source.name' as edited "
        "(spreadsheet: 'Quyết định công bố 2215/QĐ-UBND')",
    ]
    result = path.read_text(encoding="utf-8")
    assert "levels: [xa]  # chưa rõ\n" in result
    assert "# căn cứ\nlegal_basis:\n" in result
    assert 'sector:\n  code: ho-tich\n  name: "Hộ tịch"\nlevels:' in result
    assert result.index("featured: true") < result.index("online_service:")
    expected = yaml.load(original, Loader=yaml.BaseLoader)
    del expected["announcement"]["change_type"], expected["detail_level"]  # new and full: defaults
    assert load(site, "1.000893") == {
        **expected,
        "featured": "true",
        "source": {"name": "Tay", "retrieved": "01/01/2026"},
    }


EDITED = """\
# 1.000893 — rà soát 02/2026
code: "1.000893"
name: "Đăng ký kết hôn"  # tên rút gọn, sửa tay
sector:
  code: ho-tich
  name: "Hộ tịch"
levels:
  - xa  # chỉ cấp xã
legal_basis:
  - number: "60/2014/QH13"
    title: "Luật Hộ tịch"
    issued: 20/11/2014
  - number: "123/2015/NĐ-CP"
    title: "Nghị định của Chính phủ"
    issued: 15/11/2015

# Công bố và nguồn
announcement:
  number: "2215/QĐ-UBND"
  date: 15/03/2024
  change_type: new
detail_level: list_only
source:
  name: "Quyết định công bố 2215/QĐ-UBND"
  retrieved: 01/01/2026  # ngày nhập lần đầu
"""
FILLED = """\
methods:
  - channel: direct
    processing_time:
      text: "Ngay trong ngày làm việc"
    fees:
      - kind: le_phi
        text: "Miễn lệ phí"
online_service:
  level: toan_trinh
"""


def test_a_reimport_keeps_the_editors_comments_order_and_edits(site: Path) -> None:
    """The editor shortened the name, moved legal_basis up, deleted methods and online_service
    and wrote comments above and beside keys. A re-import fills what is missing and changes
    nothing else; --overwrite then replaces the name, still beside its comment."""
    kwargs = {"decision": "2215/QĐ-UBND", "decision_date": dt.date(2024, 3, 15)}
    import_procedures(options(site, CSV, **kwargs))
    path = site / "content/procedures/1.000893.yaml"
    path.write_text(EDITED, encoding="utf-8")
    later = ImportOptions(site=site, file=CSV, today=dt.date(2026, 1, 31), **kwargs)

    report = import_procedures(later)
    assert report.rows[0].lines() == [
        "row 4 (1.000893): updated content/procedures/1.000893.yaml: "
        "filled 'methods', 'online_service.level'",
        "row 4 (1.000893): kept 'name' as edited (spreadsheet: 'Thủ tục đăng ký kết hôn')",
    ]
    filled = EDITED.replace("01/01/2026  #", "31/01/2026  #") + FILLED
    assert path.read_text(encoding="utf-8") == filled

    report = import_procedures(ImportOptions(**{**vars_of(later), "overwrite": True}))
    assert report.rows[0].lines() == [
        "row 4 (1.000893): updated content/procedures/1.000893.yaml",
        "row 4 (1.000893): replaced 'name' (was: 'Đăng ký kết hôn')",
    ]
    assert path.read_text(encoding="utf-8") == filled.replace(
        '"Đăng ký kết hôn"  #', '"Thủ tục đăng ký kết hôn"  #'
    )
    assert import_procedures(later).rows[0].outcome is Outcome.UNCHANGED


def vars_of(value: ImportOptions) -> dict[str, object]:
    return {name: getattr(value, name) for name in value.__dataclass_fields__}


@pytest.mark.parametrize(
    ("text", "record", "expected"),
    [
        (  # a comment below a mapping stays below the key added to it
            'code: "1.001193"\nsource:\n  name: CSDLQG\n\n# Rà soát\nreviewed:\n  by: A\n',
            {"source": {"name": "CSDLQG", "retrieved": "01/01/2026"}},
            'code: "1.001193"\nsource:\n  name: CSDLQG\n  retrieved: 01/01/2026\n'
            "\n# Rà soát\nreviewed:\n  by: A\n",
        ),
        (  # and below a list replaced, beside which the new list's comment goes
            'levels:  # cấp\n  - tinh  # cũ\n\n# Tên\nname: "A"\n',
            {"levels": ["huyen", "xa"]},
            'levels:  # cấp\n  - huyen\n  - xa\n\n# Tên\nname: "A"\n',
        ),
        (  # the file's own indentation: 4 spaces, dashes at the key's column
            'code: "1"\nsector:\n    code: ho-tich\nlegal_basis:\n- number: "1/2020/QH14"\n',
            {"sector": {"code": "ho-tich", "name": "Hộ tịch"}, "levels": ["xa"]},
            'code: "1"\nsector:\n    code: ho-tich\n    name: "Hộ tịch"\n'
            'legal_basis:\n- number: "1/2020/QH14"\nlevels:\n- xa\n',
        ),
        (  # values a YAML library would read as numbers or dates are written back as typed
            "code: 1.001193\nlocal_code: 0241\neffective_from: 2025-07-01 08:00:00.50 +7\n"
            "fee: +12\nlegacy_level: 1_0\n",
            {"status": "abolished"},
            "code: 1.001193\nlocal_code: 0241\neffective_from: 2025-07-01 08:00:00.50 +7\n"
            "fee: +12\nlegacy_level: 1_0\nstatus: abolished\n",
        ),
        (  # comments above the document's start
            '# Rà soát 02/2026\n---\ncode: "1.001193"\n',
            {"status": "abolished"},
            '# Rà soát 02/2026\n---\ncode: "1.001193"\nstatus: abolished\n',
        ),
    ],
    ids=[
        "comment below a mapping",
        "comment below a list",
        "indentation",
        "plain values",
        "comment above ---",
    ],
)
def test_an_edit_changes_only_the_values_it_sets(
    text: str, record: dict[str, object], expected: str
) -> None:
    merged = merge_text(text, record, overwrite=True)
    assert merged.text == expected


def test_a_flow_mapping_is_filled_in_place() -> None:
    text = (
        "# ghi chú đầu tệp\n"
        'code: "1.001193"\nname: Đăng ký khai sinh\n'
        "sector: {code: ho-tich}  # theo CSDLQG\nlevels: [xa]\n"
    )
    record = {
        "code": "1.001193",
        "name": "Đăng ký khai sinh",
        "sector": {"code": "ho-tich", "name": "Hộ tịch"},
    }
    merged = merge_text(text, record, overwrite=False)
    assert [c.dotted for c in merged.changes] == ["sector.name"] and merged.notes == ()
    assert merged.text == text.replace("{code: ho-tich}", '{code: ho-tich, name: "Hộ tịch"}')


def test_a_file_ruamel_cannot_read_needs_overwrite_to_be_rewritten() -> None:
    """A tab after a value: cchcgen's reader takes it, ruamel.yaml does not, so the file could
    only be filled by rewriting it."""
    text = (
        "# ghi chú đầu tệp\n"
        'code: "1.001193"\nname: Đăng ký khai sinh\t\n'
        "sector:\n  code: ho-tich\nlevels: [xa]\n"
    )
    record = {
        "code": "1.001193",
        "name": "Đăng ký khai sinh",
        "sector": {"code": "ho-tich", "name": "Hộ tịch"},
    }
    kept = merge_text(text, record, overwrite=False)
    assert kept.text == text and not kept.changes
    assert kept.notes == (
        "could not fill 'sector.name' without rewriting the file; "
        "fill it by hand or run the import with --overwrite",
    )
    rewritten = merge_text(text, record, overwrite=True)
    assert rewritten.notes == (
        "rewrote the whole file to fill it: its comments and layout were not kept",
    )
    assert rewritten.text == (
        "# ghi chú đầu tệp\n"
        'code: "1.001193"\nname: "Đăng ký khai sinh"\n'
        'sector:\n  code: ho-tich\n  name: "Hộ tịch"\nlevels:\n  - xa\n'
    )


def test_another_decision_in_the_file_is_kept_as_a_whole() -> None:
    text = (
        'code: "1.001193"\nname: Đăng ký khai sinh\n'
        "announcement:\n  number: 100/QĐ-UBND  # công bố lần đầu\n  date: 2020-01-10\n"
        "source:\n  name: CSDLQG\n  retrieved: 01/12/2025\n"
    )
    record = {
        "code": "1.001193",
        "name": "Đăng ký khai sinh",
        "announcement": {"number": "2215/QĐ-UBND", "date": "15/03/2024", "change_type": "amended"},
        "status": "abolished",
        "source": {"name": "CSDLQG", "retrieved": "01/01/2026"},
    }
    kept = merge_text(text, record, overwrite=False)
    assert [c.dotted for c in kept.changes] == ["status", "source.retrieved"]
    assert kept.notes == (
        "kept 'announcement' as edited (spreadsheet: 'number: 2215/QĐ-UBND, date: 15/03/2024, "
        "change_type: amended')",
    )
    assert kept.text == text.replace("01/12/2025", "01/01/2026") + "status: abolished\n"
    replaced = merge_text(text, record, overwrite=True)
    assert replaced.notes == (
        "replaced 'announcement' (was: 'number: 100/QĐ-UBND, date: 2020-01-10')",
    )
    assert (
        yaml.load(replaced.text, Loader=yaml.BaseLoader)["announcement"] == record["announcement"]
    )
    assert replaced.text.startswith('code: "1.001193"\nname: Đăng ký khai sinh\nannouncement:\n')


def test_a_full_record_is_never_turned_into_a_list_entry(site: Path) -> None:
    folder = site / "content/procedures"
    folder.mkdir(parents=True)
    full = (
        'code: "1.000893"\nname: "Thủ tục đăng ký kết hôn"\n'
        "sector: {code: ho-tich, name: Hộ tịch}\nlevels: [xa]\n"
        "online_service: {level: toan_trinh}\n"
        "announcement: {number: 2215/QĐ-UBND, date: 15/03/2024}\n"
    )
    (folder / "1.000893.yaml").write_text(full, encoding="utf-8")
    import_procedures(
        options(site, CSV, decision="2215/QĐ-UBND", decision_date=dt.date(2024, 3, 15))
    )
    record = load(site, "1.000893")
    assert "detail_level" not in record
    assert record["methods"][0]["channel"] == "direct"


def test_dry_run_writes_nothing(site: Path) -> None:
    report = import_procedures(
        options(
            site, CSV, decision="2215/QĐ-UBND", decision_date=dt.date(2024, 3, 15), dry_run=True
        )
    )
    assert report.summary().endswith(
        "4 created, 0 updated, 0 unchanged, 1 skipped (dry run: no file was written)"
    )
    assert procedures(site) == {}


def test_progress_is_reported_for_every_row(site: Path) -> None:
    calls: list[tuple[int, int]] = []
    import_procedures(
        options(site, CSV, decision="2215/QĐ-UBND", decision_date=dt.date(2024, 3, 15)),
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(n, 6) for n in range(1, 7)]


# --- the command line ----------------------------------------------------------------------


def test_cli_prints_the_report_and_exits_0(site: Path) -> None:
    result = run_cli("import", "procedures", str(CSV), "--source", str(site), *DECISION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        *CSV_REPORT,
        f"{CSV}: 4 created, 0 updated, 0 unchanged, 1 skipped",
    ]
    assert result.stderr == ""  # no progress line: stderr is not a terminal
    retrieved = FIXED_NOW.date().strftime("%d/%m/%Y")
    assert load(site, "1.000893")["source"]["retrieved"] == retrieved
    again = run_cli("import", "procedures", str(CSV), "--source", str(site), *DECISION)
    assert again.stdout.splitlines()[-1] == f"{CSV}: 0 created, 0 updated, 4 unchanged, 1 skipped"


def test_cli_shows_progress_only_on_a_terminal(site: Path, monkeypatch, capsys) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    assert main(["import", "procedures", str(CSV), "-s", str(site), *DECISION]) == 0
    assert "\rImporting: row 6 of 6" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r\033[K")  # the line is cleared before the report
    assert (
        capsys.readouterr()
        .out.splitlines()[-1]
        .endswith("4 created, 0 updated, 0 unchanged, 1 skipped")
    )


def test_cli_dry_run_and_overwrite_flags(site: Path) -> None:
    result = run_cli("import", "procedures", str(CSV), "-s", str(site), *DECISION, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].endswith("(dry run: no file was written)")
    assert procedures(site) == {}
    result = run_cli("import", "procedures", str(CSV), "-s", str(site), *DECISION, "--overwrite")
    assert result.returncode == 0, result.stderr
    assert len(procedures(site)) == 4


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("nope.xlsx", None, "no such file"),
        (
            "bad.xlsx",
            b"this is not a zip file",
            "not a readable .xlsx file (File is not a zip file)\n"
            "  hint: open it in Excel and save it again as .xlsx (or as CSV UTF-8)",
        ),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0",
            "cannot read Excel 97-2003 .xls files; open it in Excel and save it as .xlsx or .csv",
        ),
        ("list.ods", b"", "unknown file type '.ods': give a .xlsx or .csv file"),
        (
            "noheader.csv",
            "Tên;Ngày\nĐăng ký;01/01/2024\n".encode(),
            "no header row with 'Mã TTHC' and 'Tên TTHC' in the first 30 rows",
        ),
        (
            "binary.csv",
            b"\x00\x01\x02" * 10,
            "this is not a text .csv file (it contains binary data)",
        ),
    ],
)
def test_cli_unreadable_file_is_located_and_exit_1(
    site: Path, tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run_cli("import", "procedures", str(path), "--source", str(site))
    assert result.returncode == 1
    assert result.stderr == f"{path}:1:1: error: {message}\n"
    assert result.stdout == ""
    assert procedures(site) == {}


def test_cli_usage_errors_exit_2(site: Path) -> None:
    assert run_cli("import", "procedures").returncode == 2
    assert run_cli("import", "posts", str(CSV), "-s", str(site)).returncode == 2
    bad_date = run_cli("import", "procedures", str(CSV), "-s", str(site), "--date", "31/02/2024")
    assert bad_date.returncode == 2
    assert "is not a real date" in bad_date.stderr
    assert procedures(site) == {}


def test_import_then_check_passes(copy_site) -> None:
    site = copy_site("minimal")
    result = run_cli("import", "procedures", str(CSV), "--source", str(site), *DECISION)
    assert result.returncode == 0, result.stderr
    checked = run_cli("check", "--source", str(site))
    assert checked.returncode == 0, checked.stderr
    assert "content/procedures" not in checked.stderr


# --- pieces --------------------------------------------------------------------------------

LABELS = {
    "STT": Col.STT,
    "Số TT": Col.STT,
    "Mã TTHC": Col.CODE,
    "Mã thủ tục": Col.CODE,
    "Mã số TTHC": Col.CODE,
    "Tên TTHC": Col.NAME,
    "Tên thủ tục hành chính": Col.NAME,
    "Lĩnh vực": Col.SECTOR,
    "Cấp thực hiện": Col.LEVELS,
    "Thời hạn giải quyết": Col.TIME,
    "Phí, lệ phí": Col.FEES,
    "Phí/lệ phí": Col.FEES,
    "Lệ phí": Col.FEE_LE_PHI,
    "Căn cứ pháp lý": Col.LEGAL,
    "Quyết định công bố": Col.DECISION,
    "Số quyết định": Col.DECISION,
    "Ngày công bố": Col.DATE,
    "Ngày ban hành": Col.DATE,
    "Cơ quan thực hiện": Col.AGENCY,
    "Địa điểm thực hiện": Col.PLACE,
    "Mức độ DVCTT": Col.ONLINE,
    "Dịch vụ công trực tuyến": Col.ONLINE,
    "Loại thay đổi": Col.CHANGE,
    "Ghi chú": Col.NOTE,
}


def test_known_headers_and_lookalikes() -> None:
    for label, col in LABELS.items():
        assert match_header(label) is col, label
    assert match_header("Thời hạn giải quyết (ngày làm việc)") is Col.TIME
    assert match_header("Mã số\nTTHC\n(3)") is Col.CODE
    assert match_header("Mã hồ sơ") is None
    assert match_header("Phí thẩm định") is None
    assert match_header("DANH MỤC THỦ TỤC HÀNH CHÍNH") is None


_SPACES = st.lists(
    st.sampled_from([" ", "  ", "\n", "\t", "\u00a0", " \r\n "]), min_size=1, max_size=3
)


@given(
    label=st.sampled_from(sorted(LABELS)),
    data=st.data(),
)
def test_header_recognition_ignores_diacritics_case_and_whitespace(label: str, data) -> None:
    words = label.split(" ")
    variant = []
    for word in words:
        chars = []
        for char in word:
            if data.draw(st.booleans(), "strip"):
                char = fold(char)
            if data.draw(st.booleans(), "upper"):
                char = char.upper()
            chars.append(char)
        variant.append("".join(chars))
    glue = ["".join(data.draw(_SPACES, "space")) for _ in range(len(words) + 1)]
    text = glue[0] + "".join(w + g for w, g in zip(variant, glue[1:], strict=True))
    assert match_header(text) is LABELS[label]


def test_levels_changes_and_online_levels() -> None:
    assert read_levels("Cấp xã") == (("xa",), ())
    assert read_levels("Cấp tỉnh, cấp huyện") == (("tinh", "huyen"), ())
    assert read_levels("Tỉnh và xã\nBộ") == (("bo", "tinh", "xa"), ())
    assert read_levels("Trung ương") == (("bo",), ())
    assert read_levels("Thị xã; phường, thị trấn") == (("huyen", "xa"), ())
    assert read_levels("Cơ quan khác, Ban chỉ đạo") == (("khac",), ("Ban chỉ đạo",))
    assert read_online("Một phần")[0] is None
    assert read_online("3")[0] is None
    assert read_online("Mức độ 2")[0] == {"level": "khong", "legacy_level": 2}
    assert read_online("Không")[0] == {"level": "khong"}


def test_codes() -> None:
    assert read_code("1.001193", numeric=False).code == "1.001193"
    local = read_code("1.004227.000.00.00.H53", numeric=False)
    assert (local.code, local.local_code) == ("1.004227", "1.004227.000.00.00.H53")
    assert read_code("'2.000884", numeric=False).code == "2.000884"
    assert read_code("1,001193", numeric=False).code == "1.001193"
    assert read_code("1.00119", numeric=False).problem.startswith("code looks like a number")
    assert read_code("1001193", numeric=True).problem.startswith("code looks like a number")
    assert read_code("4.001193", numeric=False).problem.startswith("invalid code format")


def test_cell_text_is_cleaned_not_sanitised() -> None:
    assert clean_text("  a\u00a0 b\x07c\u200b\r\n\r\n  d  ") == "a bc\nd"
    assert clean_text(unicodedata.normalize("NFD", "Hộ tịch")) == "Hộ tịch"
    assert clean_text("<b>Phí</b> &amp; lệ phí") == "<b>Phí</b> &amp; lệ phí"
    assert clean_text("dòng 1_x000D_\ndòng 2") == "dòng 1\ndòng 2"


def test_import_failed_carries_the_path(site: Path, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as caught:
        import_procedures(options(site, tmp_path / "missing.csv"))
    assert (caught.value.path, caught.value.message) == (
        str(tmp_path / "missing.csv"),
        "no such file",
    )


# --- limits: no file makes an import run for minutes or fill the memory -----------------------

SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>Mã TTHC</t></is></c>'.encode() + (
    '<c r="B1" t="inlineStr"><is><t>Tên TTHC</t></is></c></row>'.encode()
)


def xlsx_with_sheet(path: Path, chunks: Iterable[bytes]) -> Path:
    """A workbook made by openpyxl whose sheet XML is written here, chunk by chunk, as a
    hostile file would be (no <dimension>, so openpyxl would read the whole sheet at once)."""
    Workbook().save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist() if name != SHEET}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD)
            for chunk in chunks:
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return path


def import_cli(site: Path, file: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("import", "procedures", str(file), "--source", str(site), *DECISION)


def test_a_zip_bomb_is_refused_by_its_declared_size(site: Path, tmp_path: Path) -> None:
    """120 MB of XML in ~120 KB: refused before a byte of it is inflated."""
    block = b'<row><c t="inlineStr"><is><t>' + b"x" * 1_000_000 + b"</t></is></c></row>"
    bomb = xlsx_with_sheet(tmp_path / "bom.xlsx", (block for _ in range(120)))
    assert bomb.stat().st_size < 200_000
    result = import_cli(site, bomb)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"{bomb}:1:1: error: the workbook expands to 120 MB; the limit is 100 MB\n"
        "  hint: keep only the list of procedures in the workbook, or split it into files\n"
    )
    assert procedures(site) == {}


def test_a_part_that_expands_a_thousand_times_is_refused(site: Path, tmp_path: Path) -> None:
    block = b'<row><c t="inlineStr"><is><t>' + b"x" * 1_000_000 + b"</t></is></c></row>"
    bomb = xlsx_with_sheet(tmp_path / "nen.xlsx", (block for _ in range(20)))
    result = import_cli(site, bomb)
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"{bomb}:1:1: error: the part {SHEET} expands 9"  # ~986 times
    )
    assert result.stderr.endswith(
        " times; a real workbook expands at most 100 times\n"
        "  hint: this file is not a normal workbook; ask for the list again\n"
    )


def test_a_sheet_of_400000_rows_is_refused_before_openpyxl_reads_it(
    site: Path, tmp_path: Path
) -> None:
    rows = b"".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>'.encode()
                    for n in range(2, 400_002))  # fmt: skip
    big = xlsx_with_sheet(tmp_path / "lon.xlsx", [HEADER_ROW, rows])
    result = import_cli(site, big)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"{big}:1:1: error: the workbook holds more than 1,000,000 cells, rows and other "
        "XML elements; a list of procedures holds far fewer\n"
        "  hint: keep only the list of procedures in the workbook, or split it into files\n"
    )


def test_a_value_far_down_the_sheet_stops_the_import_at_the_row_limit(
    site: Path, tmp_path: Path
) -> None:
    """Two rows in the file, but the second is row 400,000: the empty rows between count."""
    far = '<row r="400000"><c r="A400000" t="inlineStr"><is><t>1.001193</t></is></c></row>'
    sheet = xlsx_with_sheet(tmp_path / "xa.xlsx", [HEADER_ROW, far.encode()])
    result = import_cli(site, sheet)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"{sheet}:20001:1: error: the sheet has more than 20,000 rows\n"
        "  hint: split the list into several files, or delete the empty rows at its end\n"
    )


def test_a_csv_of_400000_rows_stops_at_the_row_limit(site: Path, tmp_path: Path) -> None:
    path = tmp_path / "lon.csv"
    rows = "".join(f"1.{n:06d};Thủ tục {n}\n" for n in range(400_000))
    path.write_text(f"Mã TTHC;Tên TTHC\n{rows}", encoding="utf-8")
    result = import_cli(site, path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"{path}:20001:1: error: the sheet has more than 20,000 rows\n"
        "  hint: split the list into several files, or delete the empty rows at its end\n"
    )
    assert procedures(site) == {}


def test_a_csv_over_20_mb_is_refused_unread(site: Path, tmp_path: Path) -> None:
    path = tmp_path / "nang.csv"
    with path.open("wb") as stream:
        stream.truncate(21_000_000)  # a sparse file: its size is all that is looked at
    result = import_cli(site, path)
    assert result.returncode == 1
    assert result.stderr == (
        f"{path}:1:1: error: the file is 21 MB; the limit is 20 MB\n"
        "  hint: keep only the list of procedures in the file, or split it into files\n"
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "1.001193;Thủ tục" + ";" * 199 + "x",
            "this row has a value in column 201; the limit is 200",
        ),
        (
            "1.001193;" + "Thủ tục " * 5000,
            "the cell in column 2 holds 40,000 characters; a spreadsheet cell holds at most 32,767",
        ),
    ],
)
def test_rows_beyond_the_column_and_cell_limits_stop_the_import(
    site: Path, tmp_path: Path, row: str, message: str
) -> None:
    path = tmp_path / "rong.csv"
    path.write_text(f"Mã TTHC;Tên TTHC\n1.000893;Thủ tục một\n{row}\n", encoding="utf-8")
    result = import_cli(site, path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(f"{path}:3:1: error: {message}\n  hint: ")
    assert procedures(site) == {}


def test_an_import_that_skips_every_row_exits_1(site: Path, tmp_path: Path) -> None:
    path = tmp_path / "sai.csv"
    path.write_text("Mã TTHC;Tên TTHC\nABC;Thủ tục một\n1.000893;\n", encoding="utf-8")
    result = import_cli(site, path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "header on row 1",
        "row 2 (ABC): skipped: invalid code format (expected a code such as 1.001193)",
        "row 3 (1.000893): skipped: empty name",
        f"{path}: 0 created, 0 updated, 0 unchanged, 2 skipped",
    ]
    assert result.stderr == (
        f"{path}:1:1: error: no procedure was imported: every row was skipped\n"
        "  hint: fix the rows listed above, then import again\n"
    )


def test_a_header_without_rows_exits_1(site: Path, tmp_path: Path) -> None:
    path = tmp_path / "trong.csv"
    path.write_text("Danh mục\nMã TTHC;Tên TTHC\n", encoding="utf-8")
    result = import_cli(site, path)
    assert result.returncode == 1
    assert result.stderr == (
        f"{path}:2:1: error: there is no procedure below the header row\n"
        "  hint: check that this is the list of procedures, with one procedure per row\n"
    )


def _replace_part(path: Path, name: str, data: bytes) -> Path:
    Workbook().save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in {**parts, name: data}.items():
            archive.writestr(part, content)
    return path


def _patch_headers(path: Path, name: str, offset: int, value: int) -> Path:
    """Change a field of ``name``'s local and central headers (method: +8 and +10, flags:
    +6 and +8), as a file from a tool cchcgen does not know may have it."""
    Workbook().save(path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(name).header_offset
    central = data.find(b"PK\x01\x02")  # the first central header
    while data[central + 46 : central + 46 + len(name)] != name.encode():
        central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<H", data, local + offset, value)
    struct.pack_into("<H", data, central + offset + 2, value)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: _replace_part(p, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row>"),
        lambda p: _replace_part(p, "xl/styles.xml", b"<styleSheet"),  # read by lxml
        lambda p: _patch_headers(p, "xl/workbook.xml", 8, 9),  # Deflate64: unsupported
        lambda p: _patch_headers(p, "xl/workbook.xml", 6, 1),  # an encrypted part
    ],
    ids=["sheet XML cut off", "styles XML malformed", "unknown compression", "encrypted"],
)
def test_a_damaged_workbook_is_one_located_error(site: Path, tmp_path: Path, damage) -> None:
    path = damage(tmp_path / "hong.xlsx")
    result = import_cli(site, path)
    assert (result.returncode, result.stdout) == (1, "")
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{path}:1:1: error: not a readable .xlsx file (")
    assert result.stderr.endswith(
        ")\n  hint: open it in Excel and save it again as .xlsx (or as CSV UTF-8)\n"
    )

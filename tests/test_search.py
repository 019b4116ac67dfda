"""The search index: what goes in, folded how, and the switch in site.yaml."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXED_NOW, REPO, build

from cchcgen import i18n
from cchcgen.config import load_config
from cchcgen.loader import LoadOptions, load_site
from cchcgen.search import SearchRecord, searchable, site_records

SITE_YAML = """\
title: "Chuyên mục thử"
base_url: "https://example.gov.vn/cchc/"
agency:
  name: "Ủy ban nhân dân xã Thử"
"""
POST = "---\ntitle: Đăng ký đất đai\ndate: 01/03/2024\n---\nHướng dẫn **đăng ký** đất đai.\n"


def test_records_are_folded_with_codes_written_both_ways() -> None:
    record = SearchRecord(
        "/ke-hoach/2023/13-kh-ubnd/", "Kế hoạch, văn bản", "Kế hoạch 13/KH-UBND: Tuyên truyền",
        "30/01/2023", "Đẩy mạnh", "Đăng ký đất đai", ("13/KH-UBND",),
    )  # fmt: skip
    heading, text = searchable(record)
    assert heading == "ke hoach 13/kh-ubnd: tuyen truyen 13/kh-ubnd 13khubnd"
    assert text == "day manh dang ky dat dai"


def test_the_sample_site_indexes_content_not_navigation() -> None:
    config = load_config(REPO)
    site = load_site(REPO, config, LoadOptions(FIXED_NOW)).site
    records = site_records(site, i18n.load("vi"))
    sections = {r.section for r in records}
    assert sections == {
        "Tin tức", "Trang thông tin", "Kế hoạch, văn bản", "Thủ tục hành chính",
        "Phản ánh, kiến nghị", "Hỏi đáp", "Dịch vụ công trực tuyến", "Lịch tiếp công dân",
    }  # fmt: skip
    assert (
        len(records)
        == len(site.posts)
        + len(site.pages)
        + len(site.plans)
        + len(site.procedures)
        + len(site.feedback)
        + len(site.faq)
        + 2
    )  # one page each: online services, reception
    everything = " ".join(" ".join(searchable(r)) for r in records)
    for chrome in ("bo qua, den noi dung chinh", "duong day nong phan anh, kien nghi:",
                   "cac kenh khac", "theo doi qua rss"):  # fmt: skip
        assert chrome not in everything, chrome


def test_search_is_built_by_default_and_can_be_turned_off(make_site, tmp_path: Path) -> None:
    on = make_site({"site.yaml": SITE_YAML, "content/posts/2024/a.md": POST})
    build(on, tmp_path / "on")
    assert (tmp_path / "on/tim-kiem/index.html").is_file()
    assert (tmp_path / "on/pagefind/pagefind.js").is_file()
    assert 'action="/cchc/tim-kiem/"' in (tmp_path / "on/index.html").read_text(encoding="utf-8")
    (on / "site.yaml").write_text(SITE_YAML + "search: false\n", encoding="utf-8")
    build(on, tmp_path / "off")
    assert not (tmp_path / "off/tim-kiem").exists() and not (tmp_path / "off/pagefind").exists()
    assert "tim-kiem" not in (tmp_path / "off/index.html").read_text(encoding="utf-8")

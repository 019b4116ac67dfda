"""Hỏi đáp: questions and answers by topic, each with its own page, in search and the sitemap."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import build, run_cli
from lxml import html as lxml_html

from cchcgen.errors import ContentError

SITE_YAML = """\
title: "Chuyên mục thử"
base_url: "https://example.gov.vn/cchc/"
agency:
  name: "Ủy ban nhân dân xã Thử"
"""
PROCEDURE = """\
code: "1.001193"
name: "Thủ tục đăng ký khai sinh"
sector: {code: ho-tich, name: "Hộ tịch"}
levels: [xa]
detail_level: list_only
announcement: {date: 15/03/2024, change_type: new, number: "123/QĐ-UBND"}
source: {name: "CSDLQG", url: "https://csdl.dichvucong.gov.vn/", retrieved: 01/12/2025}
"""
BIRTH = """\
---
question: "Đăng ký khai sinh qua mạng được không?"
topic: "Hộ tịch"
related_procedures: ["1.001193"]
updated: 12/03/2025
---
Được: thủ tục được cung cấp **toàn trình** trên Cổng Dịch vụ công quốc gia.

Xem [trang thủ tục](/thu-tuc-hanh-chinh/1.001193/).
"""
TRACKING = """\
---
question: "Làm sao biết hồ sơ đang ở bước nào?"
topic: "Một cửa"
---
Nhập mã hồ sơ trên phiếu hẹn vào mục tra cứu của Cổng Dịch vụ công.
"""


@pytest.fixture
def faq_site(make_site: Callable[[dict[str, str]], Path]) -> Path:
    return make_site(
        {
            "site.yaml": SITE_YAML,
            "content/procedures/1.001193.yaml": PROCEDURE,
            "content/faq/khai-sinh-qua-mang.md": BIRTH,
            "content/faq/tra-cuu-ho-so.md": TRACKING,
        }
    )


def _page(root: Path, rel: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((root / "public" / rel).read_text(encoding="utf-8"))


def test_the_list_shows_every_answer_by_topic_with_faqpage_data(faq_site: Path) -> None:
    build(faq_site)
    page = _page(faq_site, "hoi-dap/index.html")
    topics = [h.text_content() for h in page.xpath("//main//h2[starts-with(@id, 'chu-de-')]")]
    assert topics == ["Hộ tịch", "Một cửa"]
    questions = page.xpath("//article[@class='faq-item']")
    assert [q.get("id") for q in questions] == ["khai-sinh-qua-mang", "tra-cuu-ho-so"]
    assert "toàn trình" in questions[0].text_content()
    link = questions[0].xpath(".//h3/a/@href")[0]
    assert link == "/cchc/hoi-dap/khai-sinh-qua-mang/"
    (script,) = page.xpath("//script[@type='application/ld+json']/text()")
    data = json.loads(script)
    assert data["@type"] == "FAQPage"
    assert [q["name"] for q in data["mainEntity"]] == [
        "Đăng ký khai sinh qua mạng được không?",
        "Làm sao biết hồ sơ đang ở bước nào?",
    ]
    first = data["mainEntity"][0]
    assert first["url"] == "https://example.gov.vn/cchc/hoi-dap/khai-sinh-qua-mang/"
    answer = first["acceptedAnswer"]["text"]
    assert answer.startswith("<p>Được: thủ tục được cung cấp <strong>toàn trình</strong>")
    assert 'href="/cchc/thu-tuc-hanh-chinh/1.001193/"' in answer


def test_each_question_has_its_page_linking_the_procedure(faq_site: Path) -> None:
    build(faq_site)
    page = _page(faq_site, "hoi-dap/khai-sinh-qua-mang/index.html")
    assert page.xpath("string(//h1)") == "Đăng ký khai sinh qua mạng được không?"
    related = page.xpath("//section[h2[@id='thu-tuc-lien-quan']]//a")
    assert [(a.text_content(), a.get("href")) for a in related] == [
        ("Thủ tục đăng ký khai sinh", "/cchc/thu-tuc-hanh-chinh/1.001193/")
    ]
    canonical = page.xpath("//link[@rel='canonical']/@href")
    assert canonical == ["https://example.gov.vn/cchc/hoi-dap/khai-sinh-qua-mang/"]


def test_questions_are_in_the_menu_the_sitemap_and_search(faq_site: Path) -> None:
    build(faq_site)
    home = _page(faq_site, "index.html")
    menu = [(a.text_content(), a.get("href")) for a in home.xpath("//nav[@class='site-nav']//a")]
    assert ("Hỏi đáp", "/cchc/hoi-dap/") in menu
    footer = [a.get("href") for a in home.xpath("//footer//a")]
    assert "/cchc/hoi-dap/" in footer  # the footer's links come from each content type
    sitemap = _page(faq_site, "so-do-trang/index.html")
    assert "/cchc/hoi-dap/tra-cuu-ho-so/" in sitemap.xpath("//main//a/@href")
    xml = (faq_site / "public" / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://example.gov.vn/cchc/hoi-dap/khai-sinh-qua-mang/" in xml
    fragments = list((faq_site / "public" / "pagefind").rglob("*"))
    assert fragments, "the search index was built"


def test_an_empty_answer_is_an_error_at_its_line(
    make_site: Callable[[dict[str, str]], Path],
) -> None:
    site = make_site({"content/faq/trong.md": '---\nquestion: "Hỏi gì?"\ntopic: "Chung"\n---\n\n'})
    with pytest.raises(ContentError) as raised:
        build(site)
    (problem,) = raised.value.diagnostics
    assert (problem.path, problem.line) == ("content/faq/trong.md", 5)
    assert problem.message == "the answer is empty"


def test_an_unknown_procedure_is_a_warning_and_shown_without_a_link(
    make_site: Callable[[dict[str, str]], Path],
) -> None:
    site = make_site({"content/faq/a.md": BIRTH})
    result = build(site)
    about = [w for w in result.warnings if "related_procedures" in w.message]
    assert [(w.path, w.line) for w in about] == [("content/faq/a.md", 2)]
    assert "1.001193" in about[0].message
    page = _page(site, "hoi-dap/a/index.html")
    assert page.xpath("//section[h2[@id='thu-tuc-lien-quan']]//a") == []
    assert "1.001193" in page.xpath("string(//section[h2[@id='thu-tuc-lien-quan']])")


def test_new_faq_writes_a_draft_that_checks_clean(faq_site: Path) -> None:
    done = run_cli("--lang", "en", "new", "faq", "Lệ phí đăng ký khai sinh là bao nhiêu?",
                   cwd=faq_site)  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = faq_site / "content" / "faq" / "le-phi-dang-ky-khai-sinh-la-bao-nhieu.md"
    text = written.read_text(encoding="utf-8")
    assert "question: Lệ phí đăng ký khai sinh là bao nhiêu?" in text
    assert "draft: true" in text
    checked = run_cli("--lang", "en", "check", "--strict", "--drafts", cwd=faq_site)
    assert checked.returncode == 0, checked.stderr

"""Links in the rendered pages: a layout's link that leads nowhere is reported at the layout."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from conftest import REPO, build, run_cli, tree

from cchcgen.pagelinks import extract
from cchcgen.urls import BaseUrl

FOOTER = REPO / "cchcgen/layouts/partials/footer.html"
BROKEN = "url('/gop-y/')"
"""Put in place of the footer's link to the sitemap: no page has this address."""
LAYOUT_WARNING = "leads to no page of this site"


def _site_with_broken_footer(copy_site: Callable[[str], Path]) -> tuple[Path, str]:
    """The minimal site with its own copy of the built-in footer, with one more link, to an
    address no page has; and the warning expected for it."""
    site = copy_site("minimal")
    footer = site / "layouts/partials/footer.html"
    footer.parent.mkdir(parents=True)
    text = FOOTER.read_text(encoding="utf-8").replace(
        "{% for item in footer_links %}",
        '<li><a href="{{ ' + BROKEN + ' }}">Góp ý</a></li>\n        {% for item in footer_links %}',
        1,
    )
    assert BROKEN in text
    footer.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if BROKEN in row)
    column = text.splitlines()[line - 1].index("/gop-y/") + 1
    return site, f"layouts/partials/footer.html:{line}:{column}: warning: the link to /cchc/gop-y/"


def _layout_warnings(warnings: object) -> list[str]:
    return [str(w) for w in warnings if LAYOUT_WARNING in w.message]  # type: ignore[attr-defined]


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _page_count(out: Path) -> int:
    return sum(1 for path in out.rglob("*.html"))


def test_a_broken_link_in_a_sites_own_layout_is_reported_at_the_layout(
    copy_site, tmp_path: Path
) -> None:
    site, where = _site_with_broken_footer(copy_site)
    out = tmp_path / "out"
    result = build(site, out)
    found = _layout_warnings(result.warnings)
    assert len(found) == 1, found  # once for the layout, not once per page
    pages = _page_count(out) - 1  # every page shows the footer; the 404 page has no URL
    assert found[0] == (
        f"{where} leads to no page of this site (found on {pages} pages, e.g. /cchc/)\n"
        "  hint: fix or remove the link in this layout, or add a page at this address"
    )


def test_strict_fails_on_a_broken_layout_link_and_leaves_the_output(
    copy_site, tmp_path: Path
) -> None:
    site, where = _site_with_broken_footer(copy_site)
    out = tmp_path / "out"
    first = run_cli("build", "--source", str(site), "--output", str(out))
    assert first.returncode == 0, first.stderr
    assert where in first.stderr
    before = tree(out)
    _append(site / "content/posts/2023/mot-cua.md", "\nThêm.\n")
    strict = run_cli("build", "--source", str(site), "--output", str(out), "--strict")
    assert strict.returncode == 1, strict.stderr
    assert where in strict.stderr
    assert "which --strict treats as errors" in strict.stderr
    assert "Traceback" not in strict.stderr
    assert tree(out) == before


def test_check_reports_a_broken_layout_link(copy_site) -> None:
    site, where = _site_with_broken_footer(copy_site)
    checked = run_cli("check", "--source", str(site))
    assert checked.returncode == 0, checked.stderr
    assert where in checked.stderr
    assert checked.stderr.count(LAYOUT_WARNING) == 1
    strict = run_cli("check", "--source", str(site), "--strict")
    assert strict.returncode == 1
    assert where in strict.stderr


def test_the_built_in_layouts_links_all_lead_somewhere(
    copy_site, make_site, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    minimal = build(copy_site("minimal"), out)
    assert _layout_warnings(minimal.warnings) == []
    # a site of one post: no plans, procedures, pages or topics for a layout to link to
    post = "---\ntitle: Bài đầu tiên\ndate: 02/03/2023\n---\nNội dung.\n"
    bare = build(make_site({"content/posts/2023/bai-dau.md": post}), tmp_path / "bare")
    assert _layout_warnings(bare.warnings) == []
    # the check did look at the links the built-in layouts write
    home = extract((out / "index.html").read_bytes(), BaseUrl.parse("https://x.vn/cchc/"))
    assert {"/cchc/so-do-trang/", "/cchc/rss.xml", "/cchc/tin-tuc/"} <= set(home)
    sample = build(REPO, tmp_path / "sample", write=False)  # the repository's sample site
    assert _layout_warnings(sample.warnings) == []


def test_an_incremental_build_reports_what_a_full_build_reports(copy_site) -> None:
    site, where = _site_with_broken_footer(copy_site)
    out = site / "public"
    full = run_cli("build", "--source", str(site))
    assert full.returncode == 0, full.stderr
    expected = [line for line in full.stderr.splitlines() if line.startswith(where)]
    assert len(expected) == 1
    for step in range(2):
        if step == 1:  # the links kept in the cache are lost: read from the pages again
            (site / ".cchcgen-cache/content.json").unlink()
        _append(site / "content/posts/2023/mot-cua.md", f"\nSửa lần {step}.\n")
        again = run_cli("build", "--source", str(site))
        assert again.returncode == 0, again.stderr
        assert f", {_page_count(out)} files" not in again.stdout  # not every page again
        assert [line for line in again.stderr.splitlines() if line.startswith(where)] == expected


def test_a_broken_link_in_a_body_is_reported_once_where_it_is_written(
    copy_site, tmp_path: Path
) -> None:
    site, where = _site_with_broken_footer(copy_site)
    _append(site / "content/posts/2023/mot-cua.md", "\nXem [trang cũ](/trang-cu/).\n")
    result = build(site, tmp_path / "out")
    about = [str(w) for w in result.warnings if "/trang-cu/" in w.message]
    assert len(about) == 1, about
    assert about[0].startswith("content/posts/2023/mot-cua.md:")
    assert [w for w in _layout_warnings(result.warnings) if w.startswith(where)]


def test_which_links_are_the_sites_own() -> None:
    base = BaseUrl.parse("https://xa.gov.vn/cchc/")
    page = (
        b'<a href="/cchc/a/?p=2#x">a</a> <a href="https://xa.gov.vn/cchc/b/">b</a>'
        b"<a href='../c/'>c</a> <form action=\"/cchc/tim-kiem/\"></form>"
        b'<img src="/cchc/d.png" srcset="/cchc/d-1x.png 1x, /cchc/d-2x.png 2x">'
        b'<a href="/cchc/e/?a=1&amp;b=2">e</a> <a HREF="/cchc/f/">f</a>'
        b'<a href="#noi-dung">skip</a> <a href="mailto:a@xa.gov.vn">m</a> <a href="tel:+84">t</a>'
        b'<a href="https://dichvucong.gov.vn/">x</a> <a href="/khac/">outside the base path</a>'
        b'<a href="//cdn.example.com/x.js">x</a> <a href="?trang=2">same page</a>'
    )
    assert extract(page, base) == (
        "../c/",
        "/cchc/a/",
        "/cchc/d-1x.png",
        "/cchc/d-2x.png",
        "/cchc/d.png",
        "/cchc/e/",
        "/cchc/f/",
        "/cchc/tim-kiem/",
        "https://xa.gov.vn/cchc/b/",
    )


def test_a_layout_that_extends_the_built_in_one_is_named(copy_site, tmp_path: Path) -> None:
    """A link hard-coded with the base path in a site's own page layout."""
    site = copy_site("minimal")
    layout = site / "layouts/page.html"
    layout.parent.mkdir()
    layout.write_text(
        '{% extends "cchcgen:page.html" %}\n{% block content %}\n{{ super() }}\n'
        '<p><a href="/cchc/lien-he/">Liên hệ</a></p>\n{% endblock %}\n',
        encoding="utf-8",
    )
    shutil.rmtree(site / "content/plans")
    result = build(site, tmp_path / "out")
    found = _layout_warnings(result.warnings)
    assert [line.split(" (found on")[0] for line in found] == [
        "layouts/page.html:4:13: warning: the link to /cchc/lien-he/ leads to no page of this site"
    ]

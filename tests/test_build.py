"""Building fixture sites: what an editor and a citizen would check in the output."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
from conftest import REPO, build, tree
from lxml import etree

from cchcgen.errors import CchcError, ContentError, OutputError

MINIMAL_BASE = "https://thanhdinh.example.gov.vn/cchc/"


@pytest.fixture
def minimal(copy_site, tmp_path: Path) -> Path:
    site = copy_site("minimal")
    build(site, tmp_path / "out")
    return tmp_path / "out"


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


# ---------------------------------------------------------------- pages


def test_post_page_shows_title_vietnamese_date_tags_and_metadata(minimal: Path) -> None:
    html = read(minimal, "tin-tuc/papi/index.html")
    assert '<html lang="vi">' in html
    assert (
        '<h1 class="page-title">Xã Thanh Định tuyên truyền nâng cao Chỉ số PAPI năm 2022</h1>'
        in html
    )
    assert "Thứ Năm, 20/10/2022 08:15" in html
    assert (
        '<link rel="canonical" href="https://thanhdinh.example.gov.vn/cchc/tin-tuc/papi/">' in html
    )
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="DC.publisher" content="Ủy ban nhân dân xã Thanh Định">' in html
    assert '<meta name="DC.subject" content="PAPI; Tuyên truyền">' in html
    assert 'href="/cchc/chu-de/papi/"' in html
    assert "Tác giả: Văn phòng - Thống kê" in html
    # the summary written by the editor is the lead; the table scrolls inside its own box
    assert '<p class="lead">Kế hoạch tuyên truyền giao Văn phòng' in html
    assert 'class="table-wrap" role="region" tabindex="0"' in html


def test_date_only_post_shows_no_time(minimal: Path) -> None:
    html = read(minimal, "tin-tuc/hop-giao-ban/index.html")
    assert "Thứ Năm, 01/12/2022</time>" in html


def test_related_posts_prefer_shared_tags(minimal: Path) -> None:
    html = read(minimal, "tin-tuc/hop-giao-ban/index.html")
    related = html.split('id="tin-khac"')[1]
    titles = re.findall(r'<a href="[^"]+">([^<]+)</a>', related)
    assert titles[0] == "Xã Thanh Định tuyên truyền nâng cao Chỉ số PAPI năm 2022"
    assert "Giao ban cải cách hành chính quý IV" not in titles


def test_root_relative_markdown_links_get_the_base_path(minimal: Path) -> None:
    html = read(minimal, "tin-tuc/mot-cua/index.html")
    assert 'href="/cchc/gioi-thieu/"' in html
    assert 'src="/cchc/files/so-do.svg"' in html


def test_lists_paginate_and_archive_by_year(minimal: Path) -> None:
    first = read(minimal, "tin-tuc/index.html")
    second = read(minimal, "tin-tuc/trang/2/index.html")
    assert first.index("Bộ phận Một cửa niêm yết") < first.index("Giao ban cải cách")
    assert "Xã Thanh Định tuyên truyền" in second
    assert 'rel="next"' in first and 'href="/cchc/tin-tuc/trang/2/"' in first
    assert "Tin tức năm 2022" in read(minimal, "tin-tuc/2022/index.html")
    assert (minimal / "tin-tuc/2023/index.html").exists()


def test_tag_pages_and_index(minimal: Path) -> None:
    html = read(minimal, "chu-de/tuyen-truyen/index.html")
    assert "Chủ đề: Tuyên truyền" in html
    assert "Giao ban cải cách hành chính quý IV" in html
    assert "Bộ phận Một cửa" not in html.split("<main")[1].split("</main>")[0]
    assert "2 tin" in read(minimal, "chu-de/index.html")


def test_standalone_page_and_html_sitemap(minimal: Path) -> None:
    assert "Chuyên mục đăng tin cải cách hành chính của xã." in read(
        minimal, "gioi-thieu/index.html"
    )
    sitemap = read(minimal, "so-do-trang/index.html")
    for title in ("Giới thiệu", "Giao ban cải cách hành chính quý IV", "Chủ đề"):
        assert title in sitemap


def test_static_files_are_copied_as_is(copy_site, tmp_path: Path) -> None:
    site = copy_site("minimal")
    build(site, tmp_path / "out")
    source = (site / "content/static/files/so-do.svg").read_bytes()
    assert (tmp_path / "out/files/so-do.svg").read_bytes() == source


# ---------------------------------------------------------------- publishing controls


def test_drafts_future_and_expired_posts_are_not_published(minimal: Path) -> None:
    listing = read(minimal, "tin-tuc/index.html") + read(minimal, "tin-tuc/trang/2/index.html")
    for slug in ("nhap", "tuong-lai", "het-han"):
        assert not (minimal / f"tin-tuc/{slug}").exists()
        assert slug not in listing
    assert "nhap" not in read(minimal, "rss.xml")


def test_flags_show_drafts_and_future_posts(copy_site, tmp_path: Path) -> None:
    site = copy_site("minimal")
    build(site, tmp_path / "out", drafts=True, future=True)
    assert (tmp_path / "out/tin-tuc/nhap/index.html").exists()
    assert (tmp_path / "out/tin-tuc/tuong-lai/index.html").exists()
    assert not (tmp_path / "out/tin-tuc/het-han").exists()


def test_future_post_appears_with_the_first_build_on_or_after_its_date(
    copy_site, tmp_path: Path
) -> None:
    site = copy_site("minimal")
    due = dt.datetime(2030, 1, 1, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    result = build(site, tmp_path / "before", now=due - dt.timedelta(minutes=1))
    assert not (tmp_path / "before/tin-tuc/tuong-lai").exists()
    assert any("tuong-lai.md" in note for note in result.notes)
    build(site, tmp_path / "after", now=due)
    assert (tmp_path / "after/tin-tuc/tuong-lai/index.html").exists()


def test_expired_post_is_published_until_its_expiry(copy_site, tmp_path: Path) -> None:
    site = copy_site("minimal")
    build(site, tmp_path / "out", now=dt.datetime(2023, 1, 20, tzinfo=dt.UTC))
    assert (tmp_path / "out/tin-tuc/het-han/index.html").exists()


def test_alias_redirects_to_the_new_address(minimal: Path) -> None:
    html = read(minimal, "tin-cu/giao-ban/index.html")
    target = MINIMAL_BASE + "tin-tuc/hop-giao-ban/"
    assert '<meta http-equiv="refresh" content="0; url=/cchc/tin-tuc/hop-giao-ban/">' in html
    assert f'<link rel="canonical" href="{target}">' in html
    assert "tin-cu/giao-ban" not in read(minimal, "sitemap.xml")


# ---------------------------------------------------------------- feeds and sitemaps


def test_feeds_are_valid_rss_with_items_in_fixed_order(minimal: Path) -> None:
    feed = feedparser.parse(read(minimal, "tin-tuc/rss.xml"))
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20"
    titles = [e.title for e in feed.entries]
    assert titles == [
        "Bộ phận Một cửa niêm yết thủ tục mới",
        "Giao ban cải cách hành chính quý IV",
        "Xã Thanh Định tuyên truyền nâng cao Chỉ số PAPI năm 2022",
    ]
    first = feed.entries[0]
    assert first.link == MINIMAL_BASE + "tin-tuc/mot-cua/"
    assert first.id == first.link
    assert first.published == "Tue, 07 Mar 2023 09:00:00 +0700"
    assert feed.feed.updated == first.published  # lastBuildDate is the newest item, not "now"
    papi = feed.entries[2]
    assert papi.summary.startswith("Kế hoạch tuyên truyền giao Văn phòng")
    assert [t.term for t in papi.tags] == ["PAPI", "Tuyên truyền"]


def test_one_feed_per_tag(minimal: Path) -> None:
    for slug in ("papi", "tuyen-truyen", "mot-cua"):
        feed = feedparser.parse(read(minimal, f"chu-de/{slug}/rss.xml"))
        assert not feed.bozo and feed.entries
    feed = feedparser.parse(read(minimal, "chu-de/tuyen-truyen/rss.xml"))
    assert len(feed.entries) == 2
    assert feed.feed.link == MINIMAL_BASE + "chu-de/tuyen-truyen/"


def test_sitemap_lists_pages_but_not_404_or_aliases(minimal: Path) -> None:
    root = etree.fromstring((minimal / "sitemap.xml").read_bytes())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in root.findall("s:url/s:loc", ns)]
    assert locs == sorted(locs)
    assert MINIMAL_BASE + "tin-tuc/papi/" in locs
    assert MINIMAL_BASE + "gioi-thieu/" in locs
    assert not any("404" in u or "tin-cu" in u for u in locs)
    lastmod = root.find(f"s:url[s:loc='{MINIMAL_BASE}tin-tuc/mot-cua/']/s:lastmod", ns)
    assert lastmod is not None and lastmod.text == "2023-03-10T00:00:00+07:00"
    assert read(minimal, "robots.txt").endswith(f"Sitemap: {MINIMAL_BASE}sitemap.xml\n")


# ---------------------------------------------------------------- determinism and safety


def test_two_builds_are_byte_identical(copy_site, tmp_path: Path) -> None:
    site = copy_site("minimal")
    build(site, tmp_path / "a")
    build(site, tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_sample_site_builds_byte_identical_twice(tmp_path: Path) -> None:
    build(REPO, tmp_path / "a")
    build(REPO, tmp_path / "b")
    first = tree(tmp_path / "a")
    assert len(first) > 20
    assert first == tree(tmp_path / "b")


def test_files_left_from_earlier_builds_are_removed(copy_site, tmp_path: Path) -> None:
    site = copy_site("minimal")
    out = tmp_path / "out"
    build(site, out)
    (out / "stray.html").write_text("old", encoding="utf-8")
    (site / "content/posts/2022/hop-giao-ban.md").unlink()
    build(site, out)
    assert not (out / "stray.html").exists()
    assert not (out / "tin-tuc/hop-giao-ban").exists()
    assert not list(tmp_path.glob(".out.*"))  # no staging folders left behind


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


def test_failed_build_leaves_previous_output_untouched(copy_site, tmp_path: Path) -> None:
    site = copy_site("minimal")
    out = tmp_path / "out"
    build(site, out)
    before = snapshot(out)
    (site / "content/posts/2022/papi.md").write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    with pytest.raises(ContentError):
        build(site, out)
    assert snapshot(out) == before
    assert not list(tmp_path.glob(".out.*"))


def test_failed_layout_leaves_previous_output_untouched(copy_site, tmp_path: Path) -> None:
    site = copy_site("minimal")
    out = tmp_path / "out"
    build(site, out)
    before = snapshot(out)
    (site / "layouts").mkdir()
    (site / "layouts/post.html").write_text("{{ post.no_such_field }}", encoding="utf-8")
    with pytest.raises(CchcError):
        build(site, out)
    assert snapshot(out) == before


@pytest.mark.parametrize("where", ["same", "parent", "content"])
def test_output_folder_may_not_contain_or_be_inside_the_site(copy_site, where: str) -> None:
    site = copy_site("minimal")
    out = {"same": site, "parent": site.parent, "content": site / "content" / "out"}[where]
    before = tree(site)
    with pytest.raises(OutputError):
        build(site, out)
    assert tree(site) == before


def test_foreign_non_empty_output_folder_is_refused(copy_site, tmp_path: Path) -> None:
    site = copy_site("minimal")
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "bao-cao.docx").write_bytes(b"important")
    with pytest.raises(OutputError) as info:
        build(site, foreign)
    assert "holds files that cchcgen did not write" in str(info.value)
    assert (foreign / "bao-cao.docx").read_bytes() == b"important"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("aliases", '["/../../etc/x/"]'),
        ("aliases", '["/tin-tuc/../../x/"]'),
        ("aliases", '["C:/Windows/"]'),
        ("aliases", '["https://evil.example/x/"]'),
        ("slug", '"../../x"'),
    ],
)
def test_paths_that_try_to_leave_the_output_are_errors(
    make_site, tmp_path: Path, field: str, value: str
) -> None:
    site = make_site(
        {"content/posts/a.md": f"---\ntitle: A\ndate: 2023-01-01\n{field}: {value}\n---\nx\n"}
    )
    with pytest.raises(ContentError) as info:
        build(site, tmp_path / "out")
    assert "content/posts/a.md:4:" in str(info.value)
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


# ---------------------------------------------------------------- sub-path deploys


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.refs.append(value)


def internal_refs(out: Path, base: str) -> list[tuple[str, str, str]]:
    """(page, reference, resolved absolute URL) for links and assets that stay on the site."""
    found = []
    base_parts = urlsplit(base)
    for page in sorted(out.rglob("*.html")):
        rel = page.relative_to(out).as_posix()
        page_url = urljoin(base, rel.removesuffix("index.html"))
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf-8"))
        for ref in parser.refs:
            absolute = urljoin(page_url, ref)
            parts = urlsplit(absolute)
            if parts.scheme in ("http", "https") and parts.netloc == base_parts.netloc:
                found.append((rel, ref, absolute))
    return found


@pytest.mark.parametrize("base", ["https://example.gov.vn/cchc/", "https://example.gov.vn/a/b/"])
def test_sub_path_build_internal_links_all_resolve(copy_site, tmp_path: Path, base: str) -> None:
    site = copy_site("minimal")
    out = tmp_path / "out"
    build(site, out, base_url=base)
    prefix = urlsplit(base).path
    refs = internal_refs(out, base)
    assert len(refs) > 100
    broken = []
    for page, ref, absolute in refs:
        path = urlsplit(absolute).path
        if not path.startswith(prefix):
            broken.append(f"{page}: {ref} leaves {prefix}")
            continue
        rel = path[len(prefix) :]
        target = out / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)
        if not target.is_file():
            broken.append(f"{page}: {ref} -> missing {target.relative_to(out)}")
    assert not broken, "\n".join(broken[:20])


def test_404_page_links_work_from_any_depth(copy_site, tmp_path: Path) -> None:
    site = copy_site("minimal")
    out = tmp_path / "out"
    build(site, out, base_url="https://example.gov.vn/cchc/")
    html = read(out, "404.html")
    refs = [
        r
        for r in re.findall(r'(?:href|src)="([^"]+)"', html)
        if not r.startswith(("http", "mailto", "#"))
    ]
    assert refs and all(r.startswith("/cchc/") for r in refs), refs


def test_an_optional_key_left_empty_counts_as_not_given(make_site) -> None:
    """``updated:`` with nothing after it (or ``~``) is no value, as YAML means it; a quoted
    empty value is still refused as not a date."""
    site = make_site(
        {
            "content/posts/a.md": "---\ntitle: A\ndate: 01/02/2024\nupdated:\ndraft: ~\n---\nA.\n",
            "content/pages/b.md": "---\ntitle: B\nupdated: null\nweight:\n---\nB.\n",
        }
    )
    result = build(site)
    assert result.warnings == ()
    assert (site / "public/tin-tuc/a/index.html").is_file()
    (site / "content/posts/a.md").write_text(
        '---\ntitle: A\ndate: 01/02/2024\nupdated: ""\n---\nA.\n', encoding="utf-8"
    )
    with pytest.raises(ContentError) as raised:
        build(site)
    (problem,) = raised.value.diagnostics
    assert (problem.path, problem.line) == ("content/posts/a.md", 4)
    assert "'' is not a date" in problem.message

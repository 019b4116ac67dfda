"""Layout overrides and what YAML's implicit typing must not do to values."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from conftest import REPO, build

import cchcgen

POST = "---\ntitle: Bài\ndate: 2023-01-30\n---\nNội dung.\n"


def test_site_layout_overrides_and_extends_the_builtin_one(make_site, tmp_path: Path) -> None:
    site = make_site(
        {
            "content/posts/a.md": POST,
            "layouts/post.html": """\
            {% extends "cchcgen:post.html" %}
            {% block content %}<p class="banner">Bản thử nghiệm</p>{{ super() }}{% endblock %}
            """,
        }
    )
    build(site, tmp_path / "out")
    html = (tmp_path / "out/tin-tuc/a/index.html").read_text(encoding="utf-8")
    assert '<p class="banner">Bản thử nghiệm</p>' in html
    assert '<h1 class="page-title">Bài</h1>' in html  # the built-in body is still there
    home = (tmp_path / "out/index.html").read_text(encoding="utf-8")
    assert "Bản thử nghiệm" not in home


def test_site_partial_replaces_the_builtin_partial_everywhere(make_site, tmp_path: Path) -> None:
    site = make_site(
        {
            "content/posts/a.md": POST,
            "layouts/partials/footer.html": "<footer>Chân trang riêng</footer>\n",
        }
    )
    build(site, tmp_path / "out")
    for page in ("index.html", "tin-tuc/a/index.html", "404.html"):
        assert "Chân trang riêng" in (tmp_path / "out" / page).read_text(encoding="utf-8")


def test_site_css_overrides_the_builtin_asset(make_site, tmp_path: Path) -> None:
    site = make_site({"content/posts/a.md": POST, "layouts/assets/cchcgen.css": "body{color:red}"})
    build(site, tmp_path / "out")
    # published under a name carrying its content hash, and every page links that name
    (css,) = (tmp_path / "out/assets").glob("cchcgen.*.css")
    assert re.fullmatch(r"cchcgen\.[0-9a-f]{8}\.css", css.name)
    assert css.read_text() == "body{color:red}"
    home = (tmp_path / "out/index.html").read_text(encoding="utf-8")
    assert f'href="/assets/{css.name}"' in home or f"/assets/{css.name}" in home
    assert (tmp_path / "out/assets/favicon.svg").is_file()  # not a CSS or JS file: as it is


def test_a_changed_stylesheet_gets_a_new_name(make_site, tmp_path: Path) -> None:
    site = make_site({"content/posts/a.md": POST, "layouts/assets/cchcgen.css": "body{color:red}"})
    build(site, tmp_path / "one")
    (site / "layouts/assets/cchcgen.css").write_text("body{color:blue}")
    build(site, tmp_path / "two")
    (old,) = (tmp_path / "one/assets").glob("cchcgen.*.css")
    (new,) = (tmp_path / "two/assets").glob("cchcgen.*.css")
    assert old.name != new.name
    assert new.name in (tmp_path / "two/index.html").read_text(encoding="utf-8")


def test_yaml_implicit_types_never_change_text(make_site, tmp_path: Path) -> None:
    site = make_site(
        {
            "content/posts/a.md": (
                "---\ntitle: NO\ndate: 2023-01-30\nauthor: 0241\nsource: 1.10\n"
                "category: yes\ntags: [on, 007]\nsummary: 1e3\n---\nx\n"
            ),
        }
    )
    build(site, tmp_path / "out")
    html = (tmp_path / "out/tin-tuc/a/index.html").read_text(encoding="utf-8")
    assert '<h1 class="page-title">NO</h1>' in html
    assert "Tác giả: 0241" in html
    assert "Nguồn tin: 1.10" in html
    assert "<span>yes</span>" in html
    assert '<p class="lead">1e3</p>' in html
    assert 'href="/chu-de/on/">on</a>' in html and 'href="/chu-de/007/">007</a>' in html


def test_crlf_and_byte_order_mark_are_accepted(make_site, tmp_path: Path) -> None:
    site = make_site({})
    post = site / "content/posts/a.md"
    post.parent.mkdir(parents=True)
    post.write_bytes(
        "\ufeff---\r\ntitle: Bài Windows\r\ndate: 30/01/2023\r\n---\r\nDòng một.\r\n".encode(
            "utf-8"
        )
    )
    build(site, tmp_path / "out")
    html = (tmp_path / "out/tin-tuc/a/index.html").read_text(encoding="utf-8")
    assert "Bài Windows" in html and "Dòng một." in html


# ---------------------------------------------------------------- ids


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.append(value)
            if name == "href" and value and value.startswith("#"):
                self.hrefs.append(value[1:])


def page_ids(path: Path) -> _Ids:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def layout_ids() -> set[str]:
    """Every literal id the built-in layouts write."""
    layouts = Path(cchcgen.__file__).parent / "layouts"
    found = set()
    for path in layouts.rglob("*.html"):
        found.update(re.findall(r'\bid="([a-z0-9-]+)"', path.read_text(encoding="utf-8")))
    return found


def test_content_headings_never_take_an_id_the_layouts_use(make_site, tmp_path: Path) -> None:
    ids = sorted(layout_ids())
    assert "noi-dung" in ids and len(ids) > 30
    assert not [i for i in ids if i.startswith(("muc-", "pl-"))]  # the content prefixes
    headings = "\n\n".join(f"## {i.replace('-', ' ').title()}" for i in ids)
    body = (
        "[Xem mục Nội dung](#noi-dung) và chú thích[^1].\n\n## Nội dung {#noi-dung}\n\n"
        f"{headings}\n\n## Nội dung\n\n[^1]: Chú thích.\n"
    )
    site = make_site({"content/posts/a.md": f"---\ntitle: Bài\ndate: 2023-01-30\n---\n{body}"})
    build(site, tmp_path / "out")
    page = page_ids(tmp_path / "out/tin-tuc/a/index.html")
    assert len(page.ids) == len(set(page.ids)), sorted(i for i in page.ids if page.ids.count(i) > 1)
    assert page.ids.count("noi-dung") == 1  # the layout's <main>, target of the skip link
    assert {"muc-noi-dung", "muc-noi-dung_1", "muc-noi-dung_2", "muc-tin-khac"} <= set(page.ids)
    assert "muc-noi-dung" in page.hrefs  # the editor's in-page link follows its heading
    assert set(page.hrefs) <= set(page.ids)  # footnote links and back links included


def test_a_plan_and_its_appendix_have_ids_of_their_own(make_site, tmp_path: Path) -> None:
    plan = (
        '---\ndoc_type: KH\nnumber: "13"\nsymbol: KH-UBND\nissuer:\n  name: UBND XÃ\n'
        "place: Thử\nissued_date: 30/01/2023\ntitle: Tuyên truyền\n---\n"
        "## Điều 1\n\nNội dung[^1].\n\n[^1]: Ghi chú.\n\n"
        "## Phụ lục I\n\n## Điều 1\n\nBảng[^1].\n\n[^1]: Ghi chú phụ lục.\n"
    )
    site = make_site({"content/plans/a.md": plan})
    build(site, tmp_path / "out")
    page = page_ids(tmp_path / "out/ke-hoach/2023/13-kh-ubnd/index.html")
    assert len(page.ids) == len(set(page.ids)), page.ids
    assert {"muc-dieu-1", "pl-dieu-1", "pl-phu-luc-i"} <= set(page.ids)
    assert set(page.hrefs) <= set(page.ids)


def test_the_builtin_stylesheet_closes_every_block() -> None:
    """A rule block left open swallows every rule after it (print rules then apply on
    screen, or not at all); count the braces outside comments and strings."""
    css = (REPO / "cchcgen" / "assets" / "cchcgen.css").read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/|\"[^\"]*\"|'[^']*'", "", css, flags=re.DOTALL)
    depth = 0
    for number, line in enumerate(code.split("\n"), 1):
        if line.startswith(("@media", "@page", "@supports")):
            assert depth == 0, f"line {number} starts a top-level block inside another"
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"line {number} closes a block never opened"
    assert depth == 0


def test_every_page_of_the_sample_has_unique_ids_and_headings_in_order(tmp_path) -> None:
    """What the Nu checker reports on the sample: an id used twice (a broken link target or
    label) and a heading that skips a level (h1 then h3)."""
    from lxml import html as lxml_html

    out = tmp_path / "out"
    build(REPO, out)
    problems = []
    for path in sorted(out.rglob("*.html")):
        doc = lxml_html.fromstring(path.read_bytes())
        rel = path.relative_to(out).as_posix()
        ids = doc.xpath("//@id")
        problems += [f"{rel}: id {i!r} twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
        level = 0
        for heading in doc.xpath("//h1|//h2|//h3|//h4|//h5|//h6"):
            now = int(heading.tag[1])
            if now > level + 1:
                problems.append(f"{rel}: {heading.tag} after h{level}: {heading.text_content()!r}")
            level = now
    assert problems == []

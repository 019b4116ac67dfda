"""Layout overrides and what YAML's implicit typing must not do to values."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import build

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

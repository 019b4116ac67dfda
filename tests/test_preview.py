"""Edits shown from memory (``cchcgen serve``): the files written are a clean build's.

The property test saves random edits as serve sees them: a post's text changed in place
goes through :class:`cchcgen.preview.Preview`, anything else through the build serve
falls back to; after each, the output must equal a clean build of the same sources.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXED_NOW, compare_trees
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_incremental import _append, _build, _edit, _post, _replace_line, _site, _snapshot

from cchcgen import cache
from cchcgen.build import BuildOptions, Built, build_site
from cchcgen.errors import CchcError
from cchcgen.preview import Preview


class Serving:
    """Builds and edits the way ``cchcgen serve`` does, keeping its :class:`Preview`."""

    def __init__(self, site: Path, out: Path) -> None:
        self.site, self.out = site, out
        self.memory = cache.load(site)
        self.preview: Preview | None = None
        self.shown = 0  # edits shown from memory
        self.options = BuildOptions(site, out, now=FIXED_NOW, cache=self.memory)
        self.build(first=True)

    def build(self, first: bool = False) -> None:
        options = replace(self.options, refresh_search=first, quick_check=first, in_place=not first)

        def keep(built: Built) -> None:
            self.preview = Preview(built, options)

        self.preview = None
        build_site(replace(options, keep=keep))

    def saved(self, path: Path | None) -> bool:
        """Show a save; True when it was shown from memory."""
        if path is not None and self.preview is not None:
            result = self.preview.edit({path}, FIXED_NOW)
            if result is not None:
                self.shown += 1
                return True
        self.build()
        return False


# ---------------------------------------------------------------- the property


TEXT_EDITS = ["body", "title", "summary", "author"]
OTHER_EDITS = ["post_date", "post_add", "post_delete", "plan_title", "layout", "site_yaml"]


def _text_edit(site: Path, kind: str, n: int) -> Path:
    posts = sorted((site / "content" / "posts").rglob("*.md"))
    path = posts[n % len(posts)]
    if kind == "body":
        _append(
            path,
            f"\n\nĐoạn thêm số {n}, có **chữ đậm** và [liên kết](https://dichvucong.gov.vn).\n",
        )
    elif kind == "title":
        _replace_line(path, "title", f'"Tiêu đề sửa lần {n}: một cửa & liên thông"')
    elif kind == "summary":
        _replace_line(path, "summary", f'"Tóm tắt mới số {n}"')
    else:
        _replace_line(path, "author", f'"Người viết {n}"')
    return path


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.tuples(st.sampled_from(TEXT_EDITS * 3 + OTHER_EDITS), st.integers(0, 50)),
        min_size=1,
        max_size=5,
    )
)
def test_edits_shown_from_memory_equal_a_clean_build(edits: list[tuple[str, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        site = _site(root)
        out, clean = root / "out", root / "clean"
        serving = Serving(site, out)
        for kind, n in edits:
            if kind in TEXT_EDITS:
                path: Path | None = _text_edit(site, kind, n)
            else:
                _edit(site, kind, n)
                path = None
            shutil.rmtree(clean, ignore_errors=True)
            try:
                _build(site, clean, incremental=False)
            except CchcError:
                with pytest.raises(CchcError):
                    serving.saved(path)
                continue
            preview = serving.preview
            published = path is not None and preview is not None
            if published:
                assert preview is not None and path is not None
                published = path.relative_to(site).as_posix() in preview.items
            shown = serving.saved(path)
            assert shown or not published, f"{kind} {n} was not shown from memory"
            problems = compare_trees(out, clean)
            assert not problems, f"after {kind} {n}:\n" + "\n".join(problems)


# ---------------------------------------------------------------- what is shown from memory


@pytest.fixture
def serving(tmp_path: Path) -> Serving:
    return Serving(_site(tmp_path), tmp_path / "out")


def _changed(
    before: dict[str, tuple[int, int, bytes]], after: dict[str, tuple[int, int, bytes]]
) -> set[str]:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def test_a_body_edit_is_shown_from_memory_and_rewrites_only_the_post_page(
    serving: Serving,
) -> None:
    before = _snapshot(serving.out)
    path = _post(serving.site, "mot-cua.md")
    _append(path, "\n\nMột đoạn mới về bộ phận một cửa.\n")
    assert serving.saved(path)
    changed = _changed(before, _snapshot(serving.out))
    assert len(changed) == 1, changed
    page = next(iter(changed))
    assert page.endswith("index.html")
    assert "Một đoạn mới về bộ phận một cửa." in (serving.out / page).read_text(encoding="utf-8")


def test_a_title_edit_shown_from_memory_reaches_the_lists_feeds_and_qr_label(
    serving: Serving,
) -> None:
    path = _post(serving.site, "mot-cua.md")
    _replace_line(path, "title", '"Bộ phận một cửa có tên mới"')
    assert serving.saved(path)
    out = serving.out
    shown = [
        p.relative_to(out).as_posix()
        for p in sorted(out.rglob("*"))
        if p.is_file()
        and "Bộ phận một cửa có tên mới" in p.read_text(encoding="utf-8", errors="replace")
    ]
    assert "tin-tuc/index.html" in shown
    assert "rss.xml" in shown and "tin-tuc/rss.xml" in shown
    assert any(p.startswith("chu-de/") for p in shown), shown
    assert any(p.endswith("/qr.svg") for p in shown), shown
    # the same files as a clean build
    clean = serving.out.parent / "clean"
    _build(serving.site, clean, incremental=False)
    assert not compare_trees(out, clean)


def test_a_date_edit_is_built_not_shown_from_memory(serving: Serving) -> None:
    path = _post(serving.site, "mot-cua.md")
    _replace_line(path, "date", "02/02/2023")
    assert serving.preview is not None
    assert serving.preview.edit({path}, FIXED_NOW) is None
    assert not serving.saved(path)


def test_a_new_broken_link_is_left_to_the_build_that_reports_it(serving: Serving) -> None:
    path = _post(serving.site, "mot-cua.md")
    _append(path, "\n\nXem [trang cũ](/khong-co-trang-nay/).\n")
    assert serving.preview is not None
    assert serving.preview.edit({path}, FIXED_NOW) is None


def test_a_save_when_a_post_falls_due_is_built(serving: Serving) -> None:
    """The clock reaching a post's time changes the lists: not an edit of one file."""
    path = _post(serving.site, "mot-cua.md")
    _append(path, "\n\nThêm một câu.\n")
    assert serving.preview is not None
    later = FIXED_NOW + dt.timedelta(days=1)
    assert serving.preview.edit({path}, later) is None
    assert serving.preview.edit({path, path.with_name("khac.md")}, FIXED_NOW) is None
    assert serving.preview.edit({path}, FIXED_NOW) is not None


def test_a_title_edit_writes_the_lists_and_feeds_before_other_posts_pages(
    serving: Serving, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The editor looks at the post, then at the news list: other posts' "related" boxes,
    which also show the title, come after the lists and feeds."""
    from cchcgen import preview

    written: list[str] = []
    real = preview.patch

    def recorded(out: Path, files: dict[str, bytes], known: dict) -> object:  # type: ignore[type-arg]
        written.extend(files)
        return real(out, files, known)

    monkeypatch.setattr(preview, "patch", recorded)
    path = _post(serving.site, "mot-cua.md")
    _replace_line(path, "title", '"Bộ phận một cửa có tên mới"')
    assert serving.saved(path)
    assert written[0] == "tin-tuc/mot-cua/index.html"
    post_page = re.compile(r"tin-tuc/(?!mot-cua/|trang/|20\d\d/)[^/]+/index\.html")
    other_posts = [i for i, p in enumerate(written) if post_page.fullmatch(p)]
    feeds = ("tin-tuc/index.html", "rss.xml", "tin-tuc/rss.xml")
    lists = [i for i, p in enumerate(written) if p in feeds]
    assert lists and other_posts and max(lists) < min(other_posts), written


def test_the_posts_own_pages_are_told_written_before_the_lists_are_written(
    serving: Serving,
) -> None:
    """``cchcgen serve`` reloads the page open on the post as soon as the preview says it
    is written: the page shows the new title then, while the news list does not yet."""
    path = _post(serving.site, "mot-cua.md")
    _replace_line(path, "title", '"Bộ phận một cửa có tên mới"')
    told: list[tuple[list[str], str, str]] = []

    def written(outputs: object) -> None:
        listed = sorted(outputs)  # type: ignore[call-overload]
        page = (serving.out / "tin-tuc/mot-cua/index.html").read_text(encoding="utf-8")
        news = (serving.out / "tin-tuc/index.html").read_text(encoding="utf-8")
        told.append((listed, page, news))

    assert serving.preview is not None
    assert serving.preview.edit({path}, FIXED_NOW, written) is not None
    assert len(told) == 1
    outputs, page, news = told[0]
    assert "tin-tuc/mot-cua/index.html" in outputs
    assert not any(o.startswith(("tin-tuc/index", "rss")) for o in outputs), outputs
    assert "Bộ phận một cửa có tên mới" in page
    assert "Bộ phận một cửa có tên mới" not in news  # the list comes after
    news = (serving.out / "tin-tuc/index.html").read_text(encoding="utf-8")
    assert "Bộ phận một cửa có tên mới" in news


def test_a_title_edit_leaves_the_category_pages_that_do_not_list_the_post(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A category's later pages show other posts: a title edit renders its first page
    only, from memory and in a build (a province's column has hundreds of such pages)."""
    from cchcgen import render

    site = _site(tmp_path)
    _replace_line(site / "site.yaml", "paginate", "1")
    mot_cua = _post(site, "mot-cua.md")
    _replace_line(mot_cua, "tags", "[Một cửa]\ncategory: Tin hoạt động")
    serving = Serving(site, tmp_path / "out")
    first = "chuyen-muc/tin-hoat-dong/index.html"
    second = "chuyen-muc/tin-hoat-dong/trang/2/index.html"
    assert "Bộ phận Một cửa niêm yết" in (serving.out / first).read_text(encoding="utf-8")
    assert "PAPI" in (serving.out / second).read_text(encoding="utf-8")
    rendered: list[str] = []
    real = render.Renderer.render

    def recorded(self: render.Renderer, target: Any, entries: Any) -> Any:
        rendered.append(target.output)
        return real(self, target, entries)

    monkeypatch.setattr(render.Renderer, "render", recorded)
    _replace_line(mot_cua, "title", '"Một cửa đổi tên"')
    assert serving.saved(mot_cua)
    assert first in rendered and second not in rendered, rendered
    cli = tmp_path / "cli"  # the same edit in `cchcgen build`
    _build(site, cli)
    rendered.clear()
    _replace_line(mot_cua, "title", '"Một cửa đổi tên lần nữa"')
    _build(site, cli)
    assert first in rendered and second not in rendered, rendered
    assert "Một cửa đổi tên lần nữa" in (cli / first).read_text(encoding="utf-8")

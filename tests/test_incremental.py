"""Incremental builds: the cache may make a build faster, never different.

The property test edits a fixture site at random (posts, plans, procedures, layouts,
site.yaml, static files) and after every edit compares the incremental output with a
clean build of the same sources, byte for byte.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from conftest import FIXED_NOW, SITES, compare_trees, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchcgen import cache
from cchcgen.build import BuildOptions, BuildResult, build_site
from cchcgen.errors import CchcError
from cchcgen.files import RACY_SECONDS


def _site(folder: Path, search: bool = False) -> Path:
    site = folder / "site"
    shutil.copytree(SITES / "minimal", site, ignore=shutil.ignore_patterns("expected", "public"))
    if not search:
        with (site / "site.yaml").open("a", encoding="utf-8") as stream:
            stream.write("search: false\n")
    return site


def _build(site: Path, out: Path, incremental: bool = True, jobs: int = 1) -> BuildResult:
    """Build as ``cchcgen build`` does: the cache is read from and saved to the disk."""
    memory = cache.load(site) if incremental else None
    result = build_site(BuildOptions(site, out, now=FIXED_NOW, cache=memory, jobs=jobs))
    if memory is not None:
        cache.save(site, memory)
    return result


def _snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file's inode, time and bytes: equal snapshots mean nothing was written."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            info = path.stat()
            found[path.relative_to(folder).as_posix()] = (
                info.st_ino,
                info.st_mtime_ns,
                path.read_bytes(),
            )
    return found


Snapshot = dict[str, tuple[int, int, bytes]]


def _changed(before: Snapshot, after: Snapshot) -> set[str]:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


# ---------------------------------------------------------------- random edits


def _files(site: Path, folder: str, suffix: str) -> list[Path]:
    return sorted((site / "content" / folder).rglob(f"*{suffix}"))


def _replace_line(path: Path, key: str, value: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    for index, line in enumerate(lines):
        if line.startswith(f"{key}:"):
            lines[index] = f"{key}: {value}"
            break
    path.write_text("\n".join(lines), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as stream:
        stream.write(text)


def _edit(site: Path, kind: str, n: int) -> None:  # noqa: C901 - one branch per edit
    posts = _files(site, "posts", ".md")
    plans = _files(site, "plans", ".md")
    procedures = _files(site, "procedures", ".yaml")
    layout = site / "layouts" / "post.html"
    if kind == "post_body" and posts:
        _append(posts[n % len(posts)], f"\n\nĐoạn thêm số {n} về một cửa liên thông.\n")
    elif kind == "post_title" and posts:
        _replace_line(posts[n % len(posts)], "title", f'"Tin đã sửa tiêu đề {n}"')
    elif kind == "post_date" and posts:
        _replace_line(posts[n % len(posts)], "date", f"{1 + n % 28:02d}/0{1 + n % 9}/2023")
    elif kind == "post_add":
        (site / "content" / "posts" / "2023" / f"moi-{n}.md").write_text(
            f'---\ntitle: "Bài mới {n}"\ndate: {1 + n % 28:02d}/11/2023\n'
            f'tags: ["Một cửa", "Chủ đề {n % 3}"]\n---\nNội dung bài mới {n}.\n',
            encoding="utf-8",
        )
    elif kind == "post_delete" and len(posts) > 1:
        posts[n % len(posts)].unlink()
    elif kind == "post_rename" and posts:
        path = posts[n % len(posts)]
        path.rename(path.with_name(f"doi-ten-{n}.md"))
    elif kind == "plan_body" and plans:
        _append(plans[n % len(plans)], f"\n\nNhiệm vụ bổ sung số {n}.\n")
    elif kind == "plan_title" and plans:
        _replace_line(plans[n % len(plans)], "title", f"Kế hoạch đã sửa {n}")
    elif kind == "plan_rename" and plans:
        path = plans[n % len(plans)]
        path.rename(path.with_name(f"doi-ten-{n}.md"))
    elif kind == "plan_delete" and plans:
        plans[n % len(plans)].unlink()
    elif kind == "procedure_name" and procedures:
        _replace_line(procedures[n % len(procedures)], "name", f"Thủ tục đã sửa tên {n}")
    elif kind == "procedure_delete" and procedures:
        procedures[n % len(procedures)].unlink()
    elif kind == "layout":
        if layout.exists() and n % 2:
            layout.unlink()
        else:
            layout.parent.mkdir(exist_ok=True)
            layout.write_text(
                '{% extends "cchcgen:post.html" %}{% block content %}{{ super() }}'
                f"<p>Mẫu số {n}</p>{{% endblock %}}\n",
                encoding="utf-8",
            )
    elif kind == "site_yaml":
        _replace_line(site / "site.yaml", "title", f'"CCHC xã Thanh Định {n}"')
    elif kind == "static_add":
        folder = site / "content" / "static" / "files"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"moi-{n}.txt").write_text(f"tệp {n}\n", encoding="utf-8")
    elif kind == "touch" and posts:
        os.utime(posts[n % len(posts)])


EDIT_KINDS = [
    "post_body",
    "post_title",
    "post_date",
    "post_add",
    "post_delete",
    "post_rename",
    "plan_body",
    "plan_title",
    "plan_rename",
    "plan_delete",
    "procedure_name",
    "procedure_delete",
    "layout",
    "site_yaml",
    "static_add",
    "touch",
]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(st.sampled_from(EDIT_KINDS), st.integers(0, 50)), min_size=1, max_size=4))
def test_incremental_output_equals_a_clean_build(edits: list[tuple[str, int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        site = _site(root)
        out, clean = root / "out", root / "clean"
        _build(site, out)
        for kind, n in edits:
            _edit(site, kind, n)
            before = _snapshot(out)
            shutil.rmtree(clean, ignore_errors=True)
            try:
                _build(site, clean, incremental=False)
            except CchcError:
                with pytest.raises(CchcError):
                    _build(site, out)
                assert _snapshot(out) == before, f"a failed build changed the output ({kind})"
                continue
            _build(site, out)
            problems = compare_trees(out, clean)
            assert not problems, f"after {kind} {n}:\n" + "\n".join(problems)


# ---------------------------------------------------------------- what is written


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return _site(tmp_path)


def test_a_second_build_with_no_change_writes_nothing(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_cli("build", "--source", str(site), "--output", str(out))
    assert first.returncode == 0, first.stderr
    before = _snapshot(out)
    second = run_cli("build", "--source", str(site), "--output", str(out))
    assert second.returncode == 0, second.stderr
    assert ", 0 files in" in second.stdout
    assert second.stderr == first.stderr  # the same warnings and notes, from the cache
    assert _snapshot(out) == before
    # a file saved again with the same bytes: the cache compares bytes, nothing is written
    for path in _files(site, "posts", ".md"):
        os.utime(path)
    third = run_cli("build", "--source", str(site), "--output", str(out))
    assert ", 0 files in" in third.stdout, third.stdout
    assert _snapshot(out) == before


def _post(site: Path, name: str) -> Path:
    return next(p for p in _files(site, "posts", ".md") if p.name == name)


def test_a_body_edit_rewrites_only_that_post_page(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(site, out)
    before = _snapshot(out)
    _append(_post(site, "mot-cua.md"), "\n\nMột đoạn mới về bộ phận một cửa.\n")
    result = _build(site, out)
    changed = _changed(before, _snapshot(out))
    page = next(p for p in changed if p.endswith("index.html"))
    assert changed == {page} and result.files == 1, changed
    assert "Một đoạn mới về bộ phận một cửa." in (out / page).read_text(encoding="utf-8")


def test_a_title_edit_rewrites_the_lists_feeds_and_tags_that_show_it(
    site: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _build(site, out)
    before = _snapshot(out)
    _replace_line(_post(site, "mot-cua.md"), "title", '"Bộ phận một cửa có tên mới"')
    _build(site, out)
    changed = _changed(before, _snapshot(out))
    title = "Bộ phận một cửa có tên mới".encode()
    showing = {p for p, (_inode, _time, data) in _snapshot(out).items() if title in data}
    assert "rss.xml" in showing and "tin-tuc/rss.xml" in showing
    assert any(p.startswith("chu-de/") for p in showing)
    assert "index.html" in showing and "tin-tuc/index.html" in showing
    assert showing <= changed
    # pages that do not show the post are not written
    assert not any(p.startswith(("ke-hoach/", "thu-tuc-hanh-chinh/")) for p in changed), changed


def test_a_layout_change_rewrites_the_pages_that_use_it(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(site, out)
    before = _snapshot(out)
    (site / "layouts").mkdir()
    (site / "layouts" / "plan.html").write_text(
        '{% extends "cchcgen:plan.html" %}{% block content %}{{ super() }}'
        "<p>Bản in có dấu</p>{% endblock %}\n",
        encoding="utf-8",
    )
    _build(site, out)
    changed = _changed(before, _snapshot(out))
    assert changed and all(p.startswith("ke-hoach/20") for p in changed), changed
    assert all("Bản in có dấu" in (out / p).read_text(encoding="utf-8") for p in changed)


def test_site_yaml_change_rewrites_every_page(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(site, out)
    old = "CCHC xã Thanh Định"
    showing = [p for p in out.rglob("*.html") if old in p.read_text(encoding="utf-8")]
    _replace_line(site / "site.yaml", "title", '"Cổng CCHC mới"')
    _build(site, out)
    assert len(showing) > 10
    for page in showing:
        text = page.read_text(encoding="utf-8")
        assert "Cổng CCHC mới" in text and old not in text, page


def test_full_ignores_a_damaged_cache(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("build", "--source", str(site), "--output", str(out)).returncode == 0
    for path in (site / cache.DIRNAME).glob("*.json"):
        path.write_bytes(b"not a cache")
    second = run_cli("build", "--source", str(site), "--output", str(out))
    assert second.returncode == 0, second.stderr  # a damaged cache only costs time
    full = run_cli("build", "--full", "--source", str(site), "--output", str(out))
    assert full.returncode == 0
    written = int(full.stdout.split(" pages, ")[1].split(" files")[0])
    assert written == sum(1 for p in out.rglob("*") if p.is_file())


def test_the_cache_stays_outside_the_output(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(site, out)
    assert (site / cache.DIRNAME / ".gitignore").read_text() == "*\n"
    assert not any(cache.DIRNAME in p.parts for p in out.rglob("*"))


def test_parallel_and_sequential_builds_are_identical(tmp_path: Path) -> None:
    site = _site(tmp_path)
    for n in range(90):  # more than parallel.MIN_ITEMS files and pages
        (site / "content" / "posts" / "2023" / f"so-{n}.md").write_text(
            f'---\ntitle: "Tin số {n}"\ndate: {1 + n % 28:02d}/{1 + n % 12:02d}/2023\n'
            f'tags: ["Chủ đề {n % 5}"]\n---\n## Mục {n}\n\nNội dung *số* {n}.\n',
            encoding="utf-8",
        )
    one, two = tmp_path / "one", tmp_path / "two"
    _build(site, one, incremental=False, jobs=1)
    _build(site, two, incremental=False, jobs=2)
    assert not compare_trees(two, one)


def test_a_post_falling_due_is_published_by_the_next_build(site: Path, tmp_path: Path) -> None:
    """The quick check must not keep a future post hidden once its time has come."""
    out = tmp_path / "out"
    future = _post(site, "tuong-lai.md")
    memory = cache.load(site)
    build_site(BuildOptions(site, out, now=FIXED_NOW, cache=memory))
    slug_page = [p for p in out.rglob("index.html") if "tuong-lai" in str(p)]
    assert not slug_page
    text = future.read_text(encoding="utf-8")
    due = next(line for line in text.split("\n") if line.startswith("date:"))
    assert due  # the fixture's future post
    later = FIXED_NOW.replace(year=2100)
    result = build_site(BuildOptions(site, out, now=later, cache=memory))
    assert result.files > 0
    assert not compare_trees(out, _clean(site, tmp_path, later))


def _clean(site: Path, tmp_path: Path, now: object) -> Path:
    clean = tmp_path / "clean"
    build_site(BuildOptions(site, clean, now=now, cache=None))  # type: ignore[arg-type]
    return clean


def test_search_index_is_redone_when_content_changes_and_kept_while_previewing(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path, search=True)
    out = tmp_path / "out"
    memory = cache.BuildCache()

    def build(refresh: bool = True) -> set[str]:
        options = BuildOptions(site, out, now=FIXED_NOW, cache=memory, refresh_search=refresh)
        build_site(options)
        return {p.relative_to(out).as_posix() for p in (out / "pagefind").rglob("*")}

    first = build()
    assert any(name.startswith("pagefind/all/fragment/") for name in first)
    assert build() == first  # nothing changed: the index is kept as it is
    _append(_post(site, "mot-cua.md"), "\n\nTừ khóa hiếm xylophon.\n")
    assert build(refresh=False) == first  # a preview rebuild keeps the last index
    assert build() != first  # the next full build indexes the new text


def test_an_edit_within_the_clock_resolution_of_a_build_is_not_missed(
    site: Path, tmp_path: Path
) -> None:
    """A file saved again right after a build read it, with the same size and the same
    time (file times move in steps of milliseconds), is still seen by a later build."""
    out = tmp_path / "out"
    post = _post(site, "mot-cua.md")
    text = post.read_text(encoding="utf-8")
    os.utime(post)  # saved just now
    _build(site, out)
    stamp = post.stat().st_mtime_ns
    post.write_text(text.replace("Một cửa", "Một cứa", 1), encoding="utf-8")
    os.utime(post, ns=(stamp, stamp))  # same size, same time: only the bytes differ
    assert post.stat().st_size == len(text.encode("utf-8"))
    time.sleep(RACY_SECONDS + 0.2)  # the next build comes when the file is no longer recent
    _build(site, out)
    assert not compare_trees(out, _clean(site, tmp_path, FIXED_NOW))


# ---------------------------------------------------------------- the cache's copy of the output


def _renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The output files rendered from now on (in this process: one job)."""
    from cchcgen.render import Renderer

    rendered: list[str] = []
    real = Renderer.render

    def counted(self: Renderer, target, sitemap):  # type: ignore[no-untyped-def]
        rendered.append(target.output)
        return real(self, target, sitemap)

    monkeypatch.setattr(Renderer, "render", counted)
    return rendered


def test_a_build_with_the_cache_and_no_output_takes_the_files_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on a CI runner that restores .cchcgen-cache/ and starts with no public/."""
    site = _site(tmp_path, search=True)
    out, clean = tmp_path / "out", tmp_path / "clean"
    _build(site, out)
    _build(site, clean, incremental=False)
    shutil.rmtree(out)
    rendered = _renders(monkeypatch)
    indexed: list[object] = []
    monkeypatch.setattr("cchcgen.search.start_index", lambda *a: indexed.append(a))
    _build(site, out)
    assert rendered == [] and indexed == []
    assert not compare_trees(out, clean)


def test_an_edit_renders_what_it_renders_when_the_output_is_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _site(tmp_path)
    out, clean = tmp_path / "out", tmp_path / "clean"
    post = _post(site, "mot-cua.md")
    original = post.read_text(encoding="utf-8")
    edited = original + "\n\nMột đoạn mới về bộ phận một cửa.\n"
    _build(site, out)
    rendered = _renders(monkeypatch)
    post.write_text(edited, encoding="utf-8")
    _build(site, out)  # the output is there
    with_output = sorted(rendered)
    post.write_text(original, encoding="utf-8")
    _build(site, out)
    post.write_text(edited, encoding="utf-8")
    shutil.rmtree(out)
    rendered.clear()
    _build(site, out)  # the same edit, no output: the other files come from the cache
    assert "tin-tuc/mot-cua/index.html" in with_output
    assert sorted(rendered) == with_output
    _build(site, clean, incremental=False)
    assert not compare_trees(out, clean)


def test_a_damaged_copy_in_the_cache_is_rendered_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cchcgen.outstore import OutputStore

    site = _site(tmp_path)
    out, clean = tmp_path / "out", tmp_path / "clean"
    _build(site, out)
    page = "tin-tuc/mot-cua/index.html"
    stored = OutputStore(site).path(cache.load(site).manifest.outputs[page].content)
    shutil.rmtree(out)  # the copy in the cache is the last link to those bytes
    data = stored.read_bytes()
    stored.write_bytes(data.replace(b"</body>", b"<p>sai</p></body>"))
    rendered = _renders(monkeypatch)
    _build(site, out)
    assert rendered == [page]
    _build(site, clean, incremental=False)
    assert not compare_trees(out, clean)

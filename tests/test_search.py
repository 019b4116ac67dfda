"""The search index: what goes in, folded how, and the switch in site.yaml."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import time
from pathlib import Path

import pytest
from conftest import FIXED_EPOCH, FIXED_NOW, REPO, build, compare_trees, run_cli

from cchcgen import i18n, messages, search
from cchcgen.build import BuildOptions, build_site
from cchcgen.cache import BuildCache, load_quick
from cchcgen.cli import main
from cchcgen.config import load_config
from cchcgen.content import Post
from cchcgen.files import RACY_SECONDS
from cchcgen.fingerprint import Digests
from cchcgen.kinds import post as post_kind
from cchcgen.loader import LoadOptions, load_site
from cchcgen.outputs import SearchItem, SearchRecord
from cchcgen.search import Shard, searchable, shards, site_records
from cchcgen.targets import plan

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
    assert sections >= {
        "Tin tức", "Trang thông tin", "Kế hoạch, văn bản", "Thủ tục hành chính",
        "Phản ánh, kiến nghị", "Hỏi đáp",
    }  # fmt: skip
    urls = [r.url for r in records]
    assert len(urls) == len(set(urls))  # one record per page
    pages = {t.url for t in plan(site, i18n.load("vi"))}
    assert set(urls) <= pages
    everything = " ".join(" ".join(searchable(r)) for r in records)
    for chrome in ("bo qua, den noi dung chinh", "duong day nong phan anh, kien nghi:",
                   "cac kenh khac", "theo doi qua rss"):  # fmt: skip
        assert chrome not in everything, chrome


def test_search_is_built_by_default_and_can_be_turned_off(make_site, tmp_path: Path) -> None:
    on = make_site({"site.yaml": SITE_YAML, "content/posts/2024/a.md": POST})
    build(on, tmp_path / "on")
    assert (tmp_path / "on/tim-kiem/index.html").is_file()
    assert json.loads((tmp_path / "on/pagefind/shards.json").read_bytes()) == {"shards": ["all"]}
    assert (tmp_path / "on/pagefind/all/pagefind.js").is_file()
    assert 'action="/cchc/tim-kiem/"' in (tmp_path / "on/index.html").read_text(encoding="utf-8")
    (on / "site.yaml").write_text(SITE_YAML + "search: false\n", encoding="utf-8")
    build(on, tmp_path / "off")
    assert not (tmp_path / "off/tim-kiem").exists() and not (tmp_path / "off/pagefind").exists()
    assert "tim-kiem" not in (tmp_path / "off/index.html").read_text(encoding="utf-8")


def _record(url: str, date: str) -> SearchItem:
    return SearchItem.made(SearchRecord(url, "Tin tức", url, date, "", ""))


def test_a_large_site_is_indexed_in_shards_by_type_year_half_and_month(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(search, "SHARD_LIMIT", 2)
    posts = [_record(f"/a{n}/", f"0{1 + n}/0{1 + n}/2024") for n in range(4)]  # Jan-Apr 2024
    posts += [_record("/b/", "03/05/2023"), _record("/c/", "tháng 10/2022 (chưa ghi ngày)")]
    posts += [_record("/d/", "04/10/2024"), _record("/e/", "")]
    faq = [_record("/hoi-dap/x/", "")]
    found = {shard.name: [r.url for r in shard.records()] for shard in shards(
        [("post", posts), ("faq", faq), ("hotline", [])]
    )}  # fmt: skip
    assert found == {
        "post": ["/e/"],  # undated
        "post-2022": ["/c/"],
        "post-2023": ["/b/"],
        "post-2024-h1-01": ["/a0/"],
        "post-2024-h1-02": ["/a1/"],
        "post-2024-h1-03": ["/a2/"],
        "post-2024-h1-04": ["/a3/"],
        "post-2024-h2": ["/d/"],
        "faq": ["/hoi-dap/x/"],
    }
    # a small site is one shard, as it was one index
    assert shards([("post", posts[:2])]) == [Shard("all", tuple(posts[:2]))]


def _post(year: int, n: int, words: str = "") -> str:
    return (
        f"---\ntitle: Tin {n} năm {year}\ndate: 01/03/{year}\n---\n"
        f"Đăng ký đất đai, bài {n}. {words}\n"
    )


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: unchanged when the file was not written."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _words(shard: Path) -> str:
    """The text of a shard's fragments (gzip-compressed JSON, one per page)."""
    fragments = sorted((shard / "fragment").glob("*.pf_fragment"))
    return " ".join(gzip.decompress(f.read_bytes()).decode("utf-8") for f in fragments)


def test_an_edit_reindexes_only_its_shard_and_a_shard_emptied_is_removed(
    make_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "SHARD_LIMIT", 2)
    files = {"site.yaml": SITE_YAML}
    for year in (2023, 2024):
        for n in range(2):
            files[f"content/posts/{year}/tin-{year}-{n}.md"] = _post(year, n)
    site = make_site(files)
    out, memory = tmp_path / "out", BuildCache()
    indexed: list[str] = []  # the shards Pagefind is run on, by folder name
    popen = subprocess.Popen

    def spy(args: list[str], **kwargs: object) -> subprocess.Popen[str]:
        if "--site" in args:  # Pagefind's command: its binary, with no interpreter between
            assert Path(args[0]).name == "pagefind", args
            indexed.append(Path(args[args.index("--site") + 1]).parent.name)
        return popen(args, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(search.subprocess, "Popen", spy)
    made: list[str] = []  # the posts whose search record was made, by address
    record = post_kind._search_record

    def counted(post: Post, *args: str) -> SearchRecord:
        made.append(post.url)
        return record(post, *args)

    monkeypatch.setattr(post_kind, "_search_record", counted)

    def again() -> None:
        build_site(BuildOptions(site, out, now=FIXED_NOW, cache=memory))
        mine, clean, records = len(indexed), tmp_path / "clean", len(made)
        build_site(BuildOptions(site, clean, now=FIXED_NOW))
        del indexed[mine:], made[records:]  # the clean build indexes every shard
        assert not compare_trees(out, clean)  # an edit build's output is a clean build's

    again()
    index = out / "pagefind"
    listed = json.loads((index / "shards.json").read_bytes())["shards"]
    assert listed == ["post-2023", "post-2024"]
    assert (index / "post-2023/pagefind.js").is_file()  # the first carries the runtime
    assert not (index / "post-2024/pagefind.js").exists()
    before = {name: _files(index / name) for name in listed}
    assert sorted(indexed) == ["post-2023", "post-2024"]
    assert len(made) == 4
    indexed.clear(), made.clear()

    edited = site / "content/posts/2024/tin-2024-1.md"
    edited.write_text(_post(2024, 1, "Từ khóa hiếm xylophon."), encoding="utf-8")
    again()
    assert indexed == ["post-2024"]  # one shard indexed again
    assert sorted(made) == ["/tin-tuc/tin-2024-0/", "/tin-tuc/tin-2024-1/"]  # its records only
    assert _files(index / "post-2023") == before["post-2023"]  # its files not written
    assert _files(index / "post-2024") != before["post-2024"]
    assert "xylophon" in _words(index / "post-2024")

    for n in range(2):  # every post of 2023 deleted: its shard goes
        (site / f"content/posts/2023/tin-2023-{n}.md").unlink()
    again()
    assert not (index / "post-2023").exists()
    assert json.loads((index / "shards.json").read_bytes())["shards"] == ["all"]


def test_pagefind_goes_on_to_the_next_shard_before_the_index_is_asked_for(tmp_path: Path) -> None:
    """The build calls ``poll()`` while it renders pages: a shard is given to Pagefind as
    soon as the one before is done, not when the build at last waits for the index."""
    posts = [_record(f"/tin/{n}/", "01/03/2024") for n in range(2)]
    built = [Shard("a", (posts[0],)), Shard("b", (posts[1],))]
    work = tmp_path / "work"
    pending = search.start_index(built, "vi", {}, 1, work, Digests(), b"")

    def started(name: str) -> bool:
        return (work / name / "pagefind.log").exists()

    assert started("a") and not started("b")  # one process at a time (jobs=1)
    deadline = time.monotonic() + 60
    while not started("b"):
        assert time.monotonic() < deadline, "the second shard was never started"
        pending.poll()
        time.sleep(0.01)
    files: dict[str, bytes] = {}
    pending.result(lambda path, _digest, made: files.__setitem__(path, made.read_bytes()))
    assert "pagefind/a/pagefind.js" in files  # the first shard carries the runtime
    assert any(path.startswith("pagefind/b/fragment/") for path in files)
    assert not work.exists()


def test_the_build_says_how_many_parts_of_the_index_it_made_again_and_in_how_long(
    make_site, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(search, "SHARD_LIMIT", 2)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    files = {"site.yaml": SITE_YAML}
    for year in (2023, 2024):
        for n in range(2):
            files[f"content/posts/{year}/tin-{year}-{n}.md"] = _post(year, n)
    site = make_site(files)

    def built(*before: str) -> str:
        assert main([*before, "build", "--source", str(site)]) == 0
        return capsys.readouterr().out.strip()

    def edit(year: int, words: str) -> None:
        post = site / f"content/posts/{year}/tin-{year}-1.md"
        post.write_text(_post(year, 1, words), encoding="utf-8")

    said = r"; search index: {} part\(s\) made again, \d+\.\d\d s\b"
    assert re.search(said.format(2), built())  # a first build: every part
    edit(2024, "Thêm một câu.")
    time.sleep(RACY_SECONDS + 0.2)  # old enough for the quick check to be kept
    assert re.search(said.format(1), built())  # the edited post's part only
    saved = load_quick(site)  # the quick check is kept, without the index's cost
    assert saved is not None and saved.quick.result.search is None
    unchanged = built()
    assert ", 0 files in" in unchanged  # answered by the quick check: no index made
    assert "search index" not in unchanged
    edit(2023, "Thêm một câu nữa.")
    try:
        said_in_vietnamese = built("--lang", "vi")
    finally:
        messages.use("en")  # the tests' language, for the tests that follow
    assert re.search(r"; chỉ mục tìm kiếm: làm lại 1 phần, \d+\.\d\d giây\b", said_in_vietnamese)


def test_a_pagefind_failure_names_what_it_said_and_keeps_the_last_output(
    make_site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"site.yaml": SITE_YAML, "content/posts/2024/a.md": POST})
    out = tmp_path / "out"
    build(site, out)
    before = _files(out)
    fake = tmp_path / "fake" / "pagefind"  # taken instead of the real binary (as Pagefind's own
    fake.parent.mkdir()  # Python package does, with PAGEFIND_BINARY_PATH)
    fake.write_text(
        "#!/bin/sh\necho 'No space left on device (os error 28)' >&2\nexit 1\n", encoding="utf-8"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    (site / "content/posts/2024/a.md").write_text(POST + "Thêm một câu.\n", encoding="utf-8")
    failed = run_cli("--lang", "vi", "build", "--source", str(site), "--output", str(out))
    assert failed.returncode != 0
    said = failed.stderr
    assert "site.yaml:" in said
    assert "không làm được chỉ mục tìm kiếm: No space left on device (os error 28)" in said
    assert "search: false" in said  # the way to build without it
    assert _files(out) == before  # the last output, whole and untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake", "out", "site"]

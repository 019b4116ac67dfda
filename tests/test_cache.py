"""The build cache is data only: reading it runs no code, a crafted or damaged one is
ignored with a warning, and an edit that keeps a file's size and time is still seen."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import os
import pickle
import shutil
import time
import zlib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import FIXED_EPOCH, FIXED_NOW, REPO, SITES, compare_trees, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from cchcgen import cache, cachecodec
from cchcgen import quick as quick_check
from cchcgen.build import BuildOptions, build_site
from cchcgen.cli import main
from cchcgen.content import Post
from cchcgen.errors import Diagnostic, Severity
from cchcgen.files import RACY_SECONDS
from cchcgen.fingerprint import Digests
from cchcgen.markup import Rendered

WARNING = (
    ".cchcgen-cache/{name}:1:1: warning: the build cache is damaged or was made by another "
    "program; it was ignored and the site was built from scratch\n"
    "  hint: nothing to do; delete .cchcgen-cache/ to silence this\n"
)


def _copy(source: Path, target: Path) -> Path:
    target.mkdir()
    shutil.copy(source / "site.yaml", target / "site.yaml")
    for folder in ("content", "layouts"):
        if (source / folder).is_dir():
            shutil.copytree(source / folder, target / folder)
    return target


def _same(a: Any, b: Any, where: str = "") -> None:
    """Equal values of exactly the same types, time zones included."""
    assert type(a) is type(b), f"{where}: {type(a)} != {type(b)}"
    if dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            _same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, tuple | list):
        assert len(a) == len(b), where
        for n, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{n}]")
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for key in a:
            _same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, dt.datetime):
        assert (a, a.fold, str(a.tzinfo)) == (b, b.fold, str(b.tzinfo)), where
        _same(a.tzinfo, b.tzinfo, f"{where}.tzinfo")
    else:
        assert a == b, where


@pytest.mark.parametrize(
    "source", [REPO, SITES / "minimal", SITES / "invalid" / "_base"], ids=lambda p: p.name
)
def test_the_cache_reads_back_exactly_what_the_build_kept(source: Path, tmp_path: Path) -> None:
    site = _copy(source, tmp_path / "site")
    memory = cache.load(site)
    assert not memory.warnings
    result = build_site(BuildOptions(site, tmp_path / "out", now=FIXED_NOW, cache=memory))
    memory.manifest.quick = cache.QuickCheck(b"signature", 1.5e9, result)
    cache.save(site, memory)
    segments = [f"files-{number:02d}.json" for number in range(cache.SEGMENTS)]
    assert sorted(p.name for p in (site / cache.DIRNAME).iterdir()) == [
        ".gitignore",
        "content.json",  # the pages' links, the Markdown no content file holds
        *segments,  # the content files' entries and the Markdown they converted
        "manifest.json",
        "outputs",  # the output files, by digest (cchcgen.outstore)
        "qr.json",
        "quick.json",  # the quick check, with the output files' sizes and times
    ]
    loaded = cache.load(site)
    _same(loaded.manifest, memory.manifest, "manifest")
    saved = cache.load_quick(site)
    assert saved is not None
    assert (saved.output_dir, saved.quick) == (memory.manifest.output_dir, memory.manifest.quick)
    outputs = memory.manifest.outputs
    assert saved.paths == list(outputs)
    assert saved.stamps == [n for e in outputs.values() for n in (e.size, e.mtime_ns)]
    for content in (loaded.content, memory.content):  # read back segment by segment: the
        content.files = dict(sorted(content.files.items()))  # order is not kept (nor used)
        content.markdown = dict(sorted(content.markdown.items()))
    _same(loaded.content, memory.content, "content")
    assert not loaded.warnings
    assert loaded.content.files and loaded.manifest.outputs


def test_the_cache_written_piece_by_piece_is_the_text_encode_gives(tmp_path: Path) -> None:
    """``cachecodec.write`` streams the same bytes as ``encode``, long strings referred
    to by number included, at every depth it streams to."""
    site = _copy(REPO, tmp_path / "site")
    memory = cache.load(site)
    build_site(BuildOptions(site, tmp_path / "out", now=FIXED_NOW, cache=memory))
    for value in (memory.content, memory.manifest, {"a": (1, "x" * 200, "x" * 200)}, ()):
        expected = cachecodec.encode(value)
        for depth in (0, 1, 2, 4, 8):
            stream = io.BytesIO()
            cachecodec.write(value, stream, depth)
            assert stream.getvalue() == expected, depth
        assert cachecodec.decode(expected) == value


def test_values_of_every_kind_the_cache_may_hold_read_back() -> None:
    value = {
        b"\x00key": (1, -2.5, float("inf"), True, None, "chữ", [b"", ()]),
        "zones": (
            dt.datetime(2024, 3, 1, 8, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
            dt.datetime(2024, 3, 1, 8, 30, tzinfo=dt.UTC),
            dt.datetime(2024, 3, 1, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=7), "ICT")),
            dt.datetime(2024, 3, 1, 8, 30, 0, 5),
            dt.date(2024, 2, 29),
        ),
        "objects": (
            Diagnostic("a.md", 1, None, "m", severity=Severity.WARNING),
            Rendered("<p>x</p>", "x"),
        ),
        frozenset({1, "a"}): {2, 3},
    }
    _same(cachecodec.decode(cachecodec.encode(value)), value)


def _header(path: Path) -> bytes:
    return path.read_bytes().split(b"\n", 1)[0] + b"\n"


CRAFTED = [
    '{"c":["os.system",["touch marker"]]}',
    '{"c":["posix.system",["touch marker"]]}',
    '{"c":["cchcgen.cache.BuildCache",[]]}',
    '{"c":["cchcgen.importer.Header",[]]}',
    '{"c":["cchcgen.cache.Manifest",["x"]]}',
    '{"c":["cchcgen.cache.Manifest",[5,{"d":[]},null]]}',
    '{"c":["cchcgen.cache.Manifest.__init__",[]]}',
    '{"e":["cchcgen.errors.Severity","fatal"]}',
    '{"e":["cchcgen.cache.Manifest","x"]}',
    '{"T":["2024-01-01T00:00:00","../../../../etc/passwd",0]}',
    '{"t":[1],"b":"00"}',
    '{"x":1}',
    '{"b":"zz"}',
    '{"d":[[[1],2]]}',
    "[" * 100_000 + "]" * 100_000,
    "not json",
]


@pytest.mark.parametrize("body", CRAFTED)
def test_a_crafted_body_is_unusable(body: str) -> None:
    with pytest.raises(cachecodec.Unusable):
        cachecodec.decode(body.encode())


_TABLE = '{"c":["cchcgen.cache.Manifest",["",{"d":[]},null]]}\n'
"""A manifest without its table of output files, which follows on the next line."""


class _Touch:
    """A pickle that runs a command when it is loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize(
    ("name", "body", "warned"),
    [
        ("manifest.json", '{"c":["os.system",["touch marker"]]}', True),
        ("manifest.json", '{"c":["cchcgen.cache.Manifest",[1,2,3]]}', True),
        # the table of output files after the manifest: not hex, a wrong type, not rows
        ("manifest.json", _TABLE + '[["index.html","zz",1,2,"00"]]', True),
        ("manifest.json", _TABLE + '[["index.html","00",1,"2","00"]]', True),
        ("manifest.json", _TABLE + '{"c":["os.system",["touch marker"]]}', True),
        ("manifest.json", _TABLE, True),
        ("content.json", '{"c":["subprocess.Popen",[["touch","marker"]]]}', True),
        ("content.json", "", True),
        ("files-00.json", '{"c":["subprocess.Popen",[["touch","marker"]]]}', True),
        ("files-07.json", '{"d":[["content/x.md",1]]}', True),  # not a file's entry
        ("qr.json", '{"t":["segno",1]}', True),
        ("manifest.json", None, True),  # not even a header
        ("manifest.json", "other version", False),
    ],
)
def test_a_crafted_cache_runs_nothing_and_is_ignored_with_a_warning(
    name: str, body: str | None, warned: bool, tmp_path: Path
) -> None:
    site = _copy(SITES / "minimal", tmp_path / "site")
    out, full = tmp_path / "out", tmp_path / "full"
    first = run_cli("build", "--source", str(site), "--output", str(out))
    assert first.returncode == 0, first.stderr
    assert ".cchcgen-cache" not in first.stderr  # a first build: no cache, no warning
    folder = site / cache.DIRNAME
    marker = tmp_path / "marker"
    for old in ("manifest.pickle", "content.pickle"):  # the names of earlier versions
        (folder / old).write_bytes(pickle.dumps(_Touch(marker)))
    target = folder / name
    if body is None:
        target.write_bytes(b"\x80\x04 not a cache")
    elif body == "other version":
        header = json.loads(_header(target))
        target.write_text(json.dumps({**header, "version": "0.0.1"}) + "\n{}", encoding="utf-8")
    else:
        target.write_bytes(_header(target) + body.encode())
    post = site / "content" / "posts" / "2023" / "mot-cua.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nThêm một dòng.\n", encoding="utf-8")

    second = run_cli("build", "--source", str(site), "--output", str(out))

    assert second.returncode == 0, second.stderr
    assert not marker.exists()
    assert (WARNING.format(name=name) in second.stderr) is warned, second.stderr
    assert second.stderr.count(".cchcgen-cache") == (2 if warned else 0)
    assert not list(folder.glob("*.pickle"))  # removed, never read
    assert run_cli("build", "--full", "--source", str(site), "--output", str(full)).returncode == 0
    assert not compare_trees(out, full)
    third = run_cli("build", "--source", str(site), "--output", str(out))
    assert third.returncode == 0 and ".cchcgen-cache" not in third.stderr  # healed


def _same_size_edit(site: Path) -> tuple[Path, Path]:
    """Change a post's body and a static file to other bytes of the same length, and put
    their old times back, as ``git checkout`` or a sync tool may."""
    post = site / "content" / "posts" / "2023" / "mot-cua.md"
    svg = site / "content" / "static" / "files" / "so-do.svg"
    for path, old, new in ((post, "Một cửa", "Một cứa"), (svg, "<svg", "<SVG")):
        info = path.stat()
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
        assert (path.stat().st_size, path.stat().st_mtime_ns) == (info.st_size, info.st_mtime_ns)
    return post, svg


def _settle() -> None:
    """Let the files be old enough for the build to trust their stamps."""
    time.sleep(RACY_SECONDS + 0.2)


def test_an_edit_keeping_size_and_time_is_seen_by_the_command_line(tmp_path: Path) -> None:
    site = _copy(SITES / "minimal", tmp_path / "site")
    out, full = tmp_path / "out", tmp_path / "full"
    _settle()
    assert run_cli("build", "--source", str(site), "--output", str(out)).returncode == 0
    again = run_cli("build", "--source", str(site), "--output", str(out))
    assert " 0 files " in again.stdout  # the quick check answers an unchanged site
    _same_size_edit(site)
    _settle()
    edited = run_cli("build", "--source", str(site), "--output", str(out))
    assert edited.returncode == 0, edited.stderr
    assert " 0 files " not in edited.stdout
    assert run_cli("build", "--full", "--source", str(site), "--output", str(full)).returncode == 0
    assert not compare_trees(out, full)
    pages = [p.read_text(encoding="utf-8") for p in out.rglob("*.html")]
    assert any("Một cứa" in page for page in pages)
    assert "<SVG" in (out / "files" / "so-do.svg").read_text(encoding="utf-8")


def test_an_edit_of_the_file_a_link_points_to_is_seen_by_the_command_line(
    tmp_path: Path,
) -> None:
    """A post that is a link to a file elsewhere in the site: the link itself does not
    change when that file is edited; the quick check takes the stamp of the file it
    leads to."""
    site = _copy(SITES / "minimal", tmp_path / "site")
    out = tmp_path / "out"
    post = site / "content" / "posts" / "2023" / "mot-cua.md"
    kept = site / "drafts" / "mot-cua.md"
    kept.parent.mkdir()
    post.replace(kept)
    post.symlink_to(Path("..", "..", "..", "drafts", "mot-cua.md"))
    _settle()
    assert run_cli("build", "--source", str(site), "--output", str(out)).returncode == 0
    again = run_cli("build", "--source", str(site), "--output", str(out))
    assert " 0 files " in again.stdout  # the quick check answers an unchanged site
    link = post.lstat()
    kept.write_text(kept.read_text(encoding="utf-8").replace("Một cửa", "Một cửa liên thông"))
    assert (post.lstat().st_mtime_ns, post.lstat().st_ino) == (link.st_mtime_ns, link.st_ino)
    _settle()
    edited = run_cli("build", "--source", str(site), "--output", str(out))
    assert edited.returncode == 0, edited.stderr
    assert " 0 files " not in edited.stdout
    pages = [p.read_text(encoding="utf-8") for p in out.rglob("*.html")]
    assert any("Một cửa liên thông" in page for page in pages)


def test_an_edit_keeping_size_and_time_is_seen_by_a_preview_rebuild(tmp_path: Path) -> None:
    """As ``serve`` builds: one cache kept in memory, no quick check."""
    site = _copy(SITES / "minimal", tmp_path / "site")
    out, clean = tmp_path / "out", tmp_path / "clean"
    memory = cache.BuildCache()
    options = BuildOptions(site, out, now=FIXED_NOW, cache=memory, quick_check=False)
    _settle()
    build_site(options)
    _same_size_edit(site)
    _settle()
    build_site(options)
    build_site(BuildOptions(site, clean, now=FIXED_NOW))
    assert not compare_trees(out, clean)
    pages = [p.read_text(encoding="utf-8") for p in out.rglob("*.html")]
    assert any("Một cứa" in page for page in pages)


def test_a_cache_saved_in_two_processes_is_the_one_saved_in_one(tmp_path: Path) -> None:
    """The command line saves every other file of the content part in a forked process:
    the files are those one process writes, byte for byte, and read back the same."""
    site = _copy(REPO, tmp_path / "site")
    memory = cache.load(site)
    result = build_site(BuildOptions(site, tmp_path / "out", now=FIXED_NOW, cache=memory))
    memory.manifest.quick = cache.QuickCheck(b"signature", 1.5e9, result)
    folder = site / cache.DIRNAME

    def saved(fork: bool) -> dict[str, bytes]:
        for part in folder.glob("*.json"):
            part.unlink()
        cache.save(site, memory, fork=fork)
        return {p.name: p.read_bytes() for p in folder.glob("*.json")}

    one, two = saved(False), saved(True)
    assert len(one) == cache.SEGMENTS + 4  # the segments, content, qr, manifest, quick
    assert two == one
    loaded = cache.load(site)
    assert not loaded.warnings
    assert set(loaded.content.files) == set(memory.content.files)


def test_the_content_part_is_written_again_only_when_the_build_changed_it(
    tmp_path: Path,
) -> None:
    """A CI build whose sources did not change (its output folder empty) keeps the
    content part as it was; an edit, a new Markdown text, writes again the Markdown memo
    and the edited file's segment, and no other file of the content part."""
    site = _copy(SITES / "minimal", tmp_path / "site")
    folder = site / cache.DIRNAME
    content = folder / "content.json"
    edited = "content/posts/2023/mot-cua.md"

    def stamps() -> dict[str, tuple[int, int]]:
        return {
            p.name: (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.iterdir()
            if p.name.startswith(("content", "files-", "qr"))
        }

    def build(out: str) -> None:
        memory = cache.load(site)
        build_site(BuildOptions(site, tmp_path / out, now=FIXED_NOW, cache=memory))
        cache.save(site, memory)

    build("out")
    _settle()  # the files' stamps are trusted from now on
    build("out")  # the stamps became trusted: written again
    before = stamps()
    assert len(before) == cache.SEGMENTS + 2
    shutil.rmtree(tmp_path / "out")
    build("out")
    assert stamps() == before
    post = site / edited
    post.write_text(post.read_text(encoding="utf-8") + "\nMột câu mới.\n", encoding="utf-8")
    build("out")
    after = stamps()
    segment = f"files-{zlib.crc32(edited.encode()) % cache.SEGMENTS:02d}.json"
    assert sorted(name for name in before if after[name] != before[name]) == [
        "content.json",
        segment,
    ]
    assert content.stat().st_ino != before["content.json"][0]
    entry = cache.load(site).content.files[edited]
    assert "Một câu mới." in entry.value.body_html


@pytest.mark.parametrize("chunk", [1, 7, 2000])
def test_the_table_of_output_files_reads_back_whatever_its_chunks(chunk: int) -> None:
    """The manifest's rows are written some at a time; the table reads back whole."""
    outputs = {
        f"tin-tuc/so-{n}/index.html": cache.OutputEntry(bytes([n % 256]) * 16, n, n * 7, bytes(16))
        for n in range(4501)
    }
    for table in (outputs, {}):
        stream = io.BytesIO()
        cache._write_outputs(table, stream, chunk)
        assert json.loads(stream.getvalue())[:1] == [
            [k, e.fingerprint.hex(), e.size, e.mtime_ns, e.content.hex()]
            for k, e in list(table.items())[:1]
        ]
        assert cache._read_outputs(stream.getvalue()) == table


def test_the_code_stamp_ignores_bytecode_and_follows_every_other_file(tmp_path: Path) -> None:
    """Python writes ``__pycache__`` the first time a module is imported (``serve`` imports
    modules a build does not): that must not throw the cache away. A changed layout or
    module must."""
    package = tmp_path / "cchcgen"
    shutil.copytree(
        Path(cache.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__")
    )
    before = cache.folder_stamp(package)
    for folder in (package, package / "kinds"):
        (folder / "__pycache__").mkdir()
        (folder / "__pycache__" / "serve.cpython-311.pyc").write_bytes(b"\x00bytecode")
    assert cache.folder_stamp(package) == before
    layout = next(package.glob("layouts/*.html"))
    layout.write_text(layout.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert cache.folder_stamp(package) != before


def test_an_edit_build_digests_again_only_the_post_edited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The digests of the content read from the cache are not computed again to tell
    which pages an edit changes, not even for the posts the loader completes (their
    category resolved, their tags as the site spells them)."""
    site = _copy(SITES / "minimal", tmp_path / "site")
    edited = "content/posts/2023/mot-cua.md"

    def build() -> None:
        memory = cache.load(site)
        build_site(BuildOptions(site, tmp_path / "out", now=FIXED_NOW, cache=memory))
        cache.save(site, memory)

    build()
    _settle()
    build()  # the stamps became trusted
    digested: list[str] = []  # the posts digested, by file
    digest = Digests._object

    def counted(self: Digests, value: Any) -> bytes:
        known = self._memo.get(id(value))
        if isinstance(value, Post) and (known is None or known[0] is not value):
            digested.append(value.src)
        return digest(self, value)

    monkeypatch.setattr(Digests, "_object", counted)
    post = site / edited
    post.write_text(post.read_text(encoding="utf-8") + "\nMột câu mới.\n", encoding="utf-8")
    build()
    assert digested == [edited]
    assert "Một câu mới." in (tmp_path / "out/tin-tuc/mot-cua/index.html").read_text("utf-8")


@pytest.mark.parametrize("beside", [True, False], ids=["outputs-compared-beside", "in-process"])
def test_a_build_in_which_nothing_changed_reads_only_the_saved_quick_check(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    beside: bool,
) -> None:
    """The command line answers an unchanged site from ``quick.json`` (the output files'
    sizes and times), without reading the manifest or the content part; an output file
    changed since is made again; a save that stops half way leaves no quick check. The
    output files are compared in another process where fork is available (``BESIDE``)."""
    monkeypatch.setattr(quick_check, "BESIDE", beside)
    site = _copy(SITES / "minimal", tmp_path / "site")
    out, quick = tmp_path / "out", site / cache.DIRNAME / "quick.json"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    args = ["build", "--source", str(site), "--output", str(out)]
    _settle()
    assert main(args) == 0
    assert quick.is_file()
    page = out / "tin-tuc/mot-cua/index.html"
    written = page.read_bytes()
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}

    def unread(*_args: object) -> None:
        raise AssertionError("the cache was read")

    with monkeypatch.context() as patched:
        patched.setattr(cache, "_read_outputs", unread)
        patched.setattr(cache, "_read_content", unread)
        assert main(args) == 0
    assert cache.DIRNAME not in capsys.readouterr().err  # no warning of a damaged cache
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before

    page.write_bytes(written.replace("Một cửa".encode(), "Một cứa".encode()))
    assert page.read_bytes() != written
    assert main(args) == 0
    assert page.read_bytes() == written

    post = site / "content/posts/2023/mot-cua.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nMột câu mới.\n", encoding="utf-8")

    def stopped(*_args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(cache, "_write_outputs", stopped)
        assert main(args) == 130
    assert not quick.exists()
    assert "Một câu mới." in page.read_text(encoding="utf-8")


def test_a_changed_address_is_never_answered_by_the_quick_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The quick check reads no site.yaml: a new ``--base-url``, or a new ``base_url`` in
    site.yaml, is in its signature and makes a real build."""
    site = _copy(SITES / "minimal", tmp_path / "site")
    out = tmp_path / "out"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    args = ["build", "--source", str(site), "--output", str(out)]
    page = out / "tin-tuc/mot-cua/index.html"
    _settle()
    assert main(args) == 0
    assert "https://thanhdinh.example.gov.vn/cchc/" in page.read_text(encoding="utf-8")
    assert main([*args, "--base-url", "https://cchc.example.vn/x/"]) == 0
    assert "https://cchc.example.vn/x/tin-tuc/mot-cua/" in page.read_text(encoding="utf-8")
    settings = site / "site.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("thanhdinh.example", "thanhdong.example"), encoding="utf-8")
    _settle()
    assert main(args) == 0
    assert "https://thanhdong.example.gov.vn/cchc/" in page.read_text(encoding="utf-8")


def test_a_posts_html_is_kept_once_beside_its_entry(tmp_path: Path) -> None:
    """The Markdown memo is kept with the files that converted it: a post's HTML is in
    its file's segment once (the entry's copy refers to it), not in content.json, and it
    comes back as the memo's value for the post's text."""
    site = _copy(SITES / "minimal", tmp_path / "site")
    sentence = "Câu riêng của bài để tìm trong bộ nhớ đệm, đủ dài để được ghi một lần."
    edited = "content/posts/2023/mot-cua.md"
    post = site / edited
    post.write_text(post.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")
    memory = cache.load(site)
    build_site(BuildOptions(site, tmp_path / "out", now=FIXED_NOW, cache=memory))
    cache.save(site, memory)
    folder = site / cache.DIRNAME
    segment = folder / f"files-{zlib.crc32(edited.encode()) % cache.SEGMENTS:02d}.json"
    needle = sentence.encode()
    assert segment.read_bytes().count(needle) == 1
    assert needle not in (folder / "content.json").read_bytes()
    loaded = cache.load(site).content
    html = loaded.files[edited].value.body_html
    assert sentence in html
    assert [key for key, rendered in loaded.markdown.items() if rendered.html == html] == list(
        loaded.files[edited].markdown
    )


def test_a_segment_of_another_markdown_environment_lends_no_html(tmp_path: Path) -> None:
    """A segment whose Markdown was converted with other settings (a killed save mixed
    two builds) gives its entries but none of its HTML, and is written again."""
    site = _copy(SITES / "minimal", tmp_path / "site")
    edited = "content/posts/2023/mot-cua.md"
    memory = cache.load(site)
    build_site(BuildOptions(site, tmp_path / "out", now=FIXED_NOW, cache=memory))
    cache.save(site, memory)
    folder = site / cache.DIRNAME
    name = f"files-{zlib.crc32(edited.encode()) % cache.SEGMENTS:02d}.json"
    header, body = (folder / name).read_bytes().split(b"\n", 1)
    segment = cachecodec.decode(body)
    assert edited in segment.files and segment.markdown
    segment.markdown_env = b"another"
    (folder / name).write_bytes(header + b"\n" + cachecodec.encode(segment))
    loaded = cache.load(site)
    content = loaded.content
    assert edited in content.files
    assert not set(content.files[edited].markdown) & set(content.markdown)
    assert name in loaded.changed_parts()


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=3), inner, min_size=1, max_size=2)
    ),
    max_leaves=8,
)


@settings(max_examples=400)
@given(_JSON_VALUES)
def test_the_cache_writes_json_values_as_json_does(tree: Any) -> None:
    """The cache writes the values it most often writes alone (a string, a number, a
    one-key object of a string or number) itself; the text is json's, to the byte."""
    expected = json.dumps(tree, ensure_ascii=False, separators=(",", ":")).encode()
    assert cachecodec._json(tree) == expected
    assert cachecodec._json({"r": tree}) == b'{"r":' + expected + b"}"

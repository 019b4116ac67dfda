"""QR codes: drawn once per address and kept in the build cache; PNGs as segno writes them."""

from __future__ import annotations

import html
import io
import re
import shutil
import time
import zlib
from collections import Counter
from pathlib import Path

import pytest
import segno
from conftest import DEFAULT_SITE_YAML, FIXED_EPOCH, FIXED_NOW
from hypothesis import given, settings
from hypothesis import strategies as st
from test_plans import decode_png, decode_svg, plan_md

from cchcgen import cache, messages, qrcodes, qrencode
from cchcgen.build import BuildOptions, build_site
from cchcgen.cli import main
from cchcgen.files import RACY_SECONDS

PLAN = "ke-hoach/2023/13-kh-ubnd/"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.gov.vn/",
        "https://quynhphu.example.gov.vn/cchc/ke-hoach/2023/13-kh-ubnd/",
        "https://bench.example.gov.vn/cchc/thu-tuc-hanh-chinh/1.012345/",
        "https://example.gov.vn/" + "tin-tuc/" * 30,  # a large code
    ],
)
def test_png_is_the_image_segno_writes(url: str) -> None:
    """The same header and pixels as segno's writer; only zlib's level differs."""
    code = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=10, border=4)
    ours, theirs = _chunks(qrcodes.png_file(url)), _chunks(buffer.getvalue())
    assert [name for name, _data in ours] == [name for name, _data in theirs]
    assert ours[0] == theirs[0]  # IHDR: size, 1 bit per pixel, greyscale
    assert zlib.decompress(ours[1][1]) == zlib.decompress(theirs[1][1])
    # compressed less hard than segno's (qrcodes.PNG_COMPRESSION), but well compressed
    assert len(ours[1][1]) < 1.6 * len(theirs[1][1])
    assert decode_png(qrcodes.png_file(url)) == url


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    found, at = [], 8
    while at < len(png):
        size = int.from_bytes(png[at : at + 4], "big")
        found.append((png[at + 4 : at + 8], png[at + 8 : at + 8 + size]))
        at += 12 + size
    return found


@settings(max_examples=80)
@given(st.text(min_size=1, max_size=200), st.text(max_size=60))
def test_the_svgs_are_what_segno_writes(text: str, label: str) -> None:
    """qr.svg and a page's inline code, drawn here from the matrix, are the text segno's
    own writer gives for the same code, title and label; the lines the cache keeps read
    back."""
    code = segno.make(text, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(
        buffer, kind="svg", scale=10, border=4, light="#fff", title=label, desc=text,
        xmldecl=True, svgns=True, nl=True,
    )  # fmt: skip
    assert qrcodes.svg_file(text, label) == buffer.getvalue()
    inline = code.svg_inline(
        scale=1, border=4, light="#fff", svgclass="qr-code", omitsize=True, title=label
    )
    side = code.symbol_size(scale=qrcodes.INLINE_PIXELS_PER_MODULE, border=4)[0]
    named = f'<svg role="img" aria-label="{html.escape(label)}" width="{side}" height="{side}" '
    assert qrcodes.svg_inline(text, label) == named + inline.removeprefix("<svg ")
    modules = qrcodes.matrix(text)
    assert modules == tuple(bytes(row) for row in code.matrix)
    drawn = qrcodes.lines(modules)
    assert qrcodes.unpack(qrcodes.pack(drawn)) == drawn
    memo = qrcodes.Memo({text: qrcodes.pack(drawn)})
    assert memo.svg_inline(text, label) == qrcodes.svg_inline(text, label)


def _kept(text: str) -> bytes:
    return qrcodes.pack(qrcodes.lines(qrcodes.matrix(text)))


_HOME = _kept("https://example.gov.vn/")
_DAMAGED = {
    "empty": b"",
    "width only": b"\x15",
    "not compressed": b"\x15" + bytes(55),
    "no such width": b"\x05" + _HOME[1:],
    "a byte changed": _HOME[:-5] + b"\0" + _HOME[-4:],
    "not a path": b"\x15" + zlib.compress(b'M4 4.5h7"/><script>alert(1)</script>'),
}


@pytest.mark.parametrize("damaged", _DAMAGED.values(), ids=_DAMAGED.keys())
def test_damaged_lines_in_the_cache_are_drawn_again(damaged: bytes) -> None:
    with pytest.raises(ValueError, match="not the lines of a QR code"):
        qrcodes.unpack(damaged)
    memo = qrcodes.Memo({"https://example.gov.vn/": damaged})
    svg = memo.svg_file("https://example.gov.vn/", "t")
    assert decode_svg(svg) == "https://example.gov.vn/"
    assert b"script" not in svg
    memo.merge(memo.take())  # as the build does with what each page drew
    assert memo.known["https://example.gov.vn/"] == _HOME


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each kind of code was made in this process, how many addresses
    were encoded, and how many times an SVG's lines were drawn."""
    counts: Counter[str] = Counter()
    for name in ("svg_file", "png_file", "svg_inline", "_dark_path"):
        real = getattr(qrcodes, name)

        def counted(*args: object, _real=real, _name=name) -> object:
            counts[_name] += 1
            return _real(*args)

        monkeypatch.setattr(qrcodes, name, counted)
    encode = qrencode.encode

    def encoded(text: str) -> qrencode.Matrix:
        counts["encode"] += 1
        return encode(text)

    monkeypatch.setattr(qrencode, "encode", encoded)
    qrcodes.matrix.cache_clear()
    return counts


def build_with_cache(site: Path, out: Path, base_url: str | None = None) -> None:
    """A build as ``cchcgen build`` runs it: the cache read from disk, then saved."""
    memory = cache.load(site)
    build_site(BuildOptions(site, out, base_url=base_url, now=FIXED_NOW, cache=memory))
    cache.save(site, memory)


def test_a_second_build_draws_no_code_for_unchanged_addresses(
    make_site, tmp_path: Path, drawn: Counter[str]
) -> None:
    site = make_site({"content/plans/a.md": plan_md()})
    out = tmp_path / "out"
    build_with_cache(site, out)
    # encoded once; its lines drawn once for the page, its poster and qr.svg
    assert drawn == {"encode": 1, "_dark_path": 1, "svg_file": 1, "png_file": 1, "svg_inline": 2}
    first = {p: (out / PLAN / p).read_bytes() for p in ("qr.png", "qr.svg", "index.html")}
    # without the output folder every page and code file is made again, from the cache
    shutil.rmtree(out)
    drawn.clear()
    qrcodes.matrix.cache_clear()
    build_with_cache(site, out)
    assert drawn == {}
    assert {p: (out / PLAN / p).read_bytes() for p in first} == first
    assert decode_png(first["qr.png"]) == "https://example.gov.vn/" + PLAN


def test_a_new_base_url_draws_every_code_again(
    make_site, tmp_path: Path, drawn: Counter[str]
) -> None:
    site = make_site({"content/plans/a.md": plan_md()})
    out = tmp_path / "out"
    build_with_cache(site, out)
    drawn.clear()
    moved = "https://quynhphu.example.gov.vn/cchc/"
    build_with_cache(site, out, base_url=moved)
    assert drawn == {"encode": 1, "_dark_path": 1, "svg_file": 1, "png_file": 1, "svg_inline": 2}
    folder = out / PLAN
    assert decode_png((folder / "qr.png").read_bytes()) == moved + PLAN
    assert decode_svg((folder / "qr.svg").read_bytes()) == moved + PLAN
    # the old address's codes are not kept
    addresses = {key.split("\0")[0] for key in cache.load(site).content.qr}
    assert addresses == {moved + PLAN}


def test_a_new_title_redraws_the_labelled_codes_only(
    make_site, tmp_path: Path, drawn: Counter[str]
) -> None:
    site = make_site({"content/plans/a.md": plan_md()})
    out = tmp_path / "out"
    build_with_cache(site, out)
    title = "title: Tuyên truyền cải cách hành chính năm 2024"
    (site / "content/plans/a.md").write_text(plan_md(title=title), encoding="utf-8")
    drawn.clear()
    qrcodes.matrix.cache_clear()
    build_with_cache(site, out)
    # qr.png shows no title: kept; the SVG file and the page's code name the plan, made
    # with the lines the cache keeps for the address (neither encoded nor drawn again)
    assert drawn == {"svg_file": 1, "svg_inline": 2}
    assert "năm 2024" in (out / PLAN / "qr.svg").read_text(encoding="utf-8")
    assert list(cache.load(site).content.qr) == ["https://example.gov.vn/" + PLAN]


_RUNS = re.compile(rb"[\x00\x02]*\x01+")
"""Light modules and row ends (maybe none), then a run of dark modules: what the parts of
:func:`cchcgen.qrcodes._runs` stand for, as a regular expression finds them."""


@given(st.lists(st.binary(min_size=1, max_size=9), min_size=1, max_size=9), st.data())
def test_the_runs_of_dark_modules_are_those_a_regular_expression_finds(
    rows: list[bytes], data: st.DataObject
) -> None:
    """The SVG's path is drawn from these runs, cut with one split: they must be what the
    plain reading gives for any matrix (rows of equal width)."""
    width = data.draw(st.integers(1, 9))
    modules = tuple(bytes(b & 1 for b in (row * width)[:width]) for row in rows)
    parts = qrcodes._runs(modules)
    runs = [parts[0] + b"\1", *(b"\0" + part + b"\1" for part in parts[1:])] if parts else []
    assert runs == _RUNS.findall(qrcodes._BETWEEN_ROWS.join(modules))


def test_codes_encoded_by_two_workers_are_counted_once() -> None:
    """Rendering workers each hand the parent what they drew; an address both encoded
    counts once, and every code they drew counts."""
    parent = qrcodes.Memo()
    one, two = qrcodes.Memo(), qrcodes.Memo()
    page = "https://example.gov.vn/ke-hoach/2023/13-kh-ubnd/"
    one.svg_inline(page, "Mã QR")
    one.svg_file(page, "Kế hoạch 13")
    two.png_file(page)
    two.svg_inline("https://example.gov.vn/thu-tuc-hanh-chinh/1.001193/", "Mã QR")
    for worker in (one, two):
        parent.merge(worker.take())
    assert (parent.drawn, parent.encoded) == (4, 2)
    assert parent.seconds > 0
    assert set(parent.known) == {page, "https://example.gov.vn/thu-tuc-hanh-chinh/1.001193/"}
    assert one.take() is None  # taken: nothing drawn since


def test_the_build_says_how_many_codes_it_drew_and_encoded(
    make_site, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The summary line tells what the QR codes cost: a first build encodes the plan's
    address once and draws its four codes (the page's, the poster's, qr.svg, qr.png); a
    new site title renders every page again, whose two codes are drawn from the cache."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_EPOCH)
    site = make_site(
        {"site.yaml": DEFAULT_SITE_YAML + "search: false\n", "content/plans/a.md": plan_md()}
    )

    def built(*before: str) -> str:
        assert main([*before, "build", "--source", str(site)]) == 0
        return capsys.readouterr().out.strip()

    said = r"; QR codes: (\d+) drawn, (\d+) encoded, \d+\.\d\d s\b"
    first = re.search(said, built())
    assert first is not None and first.groups() == ("4", "1")
    config = site / "site.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("Chuyên mục thử", "Chuyên mục CCHC"),
        encoding="utf-8",
    )
    time.sleep(RACY_SECONDS + 0.2)  # old enough for the quick check to be kept
    again = re.search(said, built())
    assert again is not None and again.groups() == ("2", "0")
    assert "Chuyên mục CCHC" in (site / "public" / PLAN / "index.html").read_text("utf-8")
    unchanged = built()  # answered by the quick check, which draws nothing
    assert ", 0 files in" in unchanged and "QR codes" not in unchanged
    (site / "content/plans/a.md").write_text(
        plan_md(title="title: Tuyên truyền cải cách hành chính năm 2024"), encoding="utf-8"
    )
    try:
        in_vietnamese = built("--lang", "vi")
    finally:
        messages.use("en")  # the tests' language, for the tests that follow
    assert re.search(r"; mã QR: vẽ 3 mã, mã hóa 0 địa chỉ, \d+\.\d\d giây\b", in_vietnamese)

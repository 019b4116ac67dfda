"""QR codes: drawn once per address and kept in the build cache; PNGs as segno writes them."""

from __future__ import annotations

import io
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import FIXED_NOW
from test_plans import decode_png, decode_svg, plan_md

from cchcgen import cache, qrcodes
from cchcgen.build import BuildOptions, build_site

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
def test_png_is_byte_for_byte_what_segno_writes(url: str) -> None:
    code = qrcodes.segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=10, border=4)
    assert qrcodes.png_file(url) == buffer.getvalue()
    assert decode_png(qrcodes.png_file(url)) == url


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each kind of code was drawn (encoded or written) in this process."""
    counts: Counter[str] = Counter()
    for name in ("svg_file", "png_file", "svg_inline"):
        real = getattr(qrcodes, name)

        def counted(*args: str, _real=real, _name=name) -> object:
            counts[_name] += 1
            return _real(*args)

        monkeypatch.setattr(qrcodes, name, counted)
    make = qrcodes.segno.make

    def encoded(*args: object, **kwargs: object) -> object:
        counts["encode"] += 1
        return make(*args, **kwargs)

    monkeypatch.setattr(qrcodes.segno, "make", encoded)
    qrcodes._code.cache_clear()
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
    assert drawn == {"encode": 1, "svg_file": 1, "png_file": 1, "svg_inline": 1}
    first = {p: (out / PLAN / p).read_bytes() for p in ("qr.png", "qr.svg", "index.html")}
    # without the output folder every page and code file is made again, from the cache
    shutil.rmtree(out)
    drawn.clear()
    qrcodes._code.cache_clear()
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
    assert drawn == {"encode": 1, "svg_file": 1, "png_file": 1, "svg_inline": 1}
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
    qrcodes._code.cache_clear()
    build_with_cache(site, out)
    # qr.png shows no title: kept; the SVG file and the page's code name the plan
    assert drawn == {"encode": 1, "svg_file": 1, "svg_inline": 1}
    assert "năm 2024" in (out / PLAN / "qr.svg").read_text(encoding="utf-8")
    kept = cache.load(site).content.qr
    assert len(kept) == 3 and all("năm 2023" not in key for key in kept)

"""Fuzzing: random front matter and data files never crash a build.

Hypothesis writes a post, a plan, a procedure, a feedback item and hotline.yaml, each
either random YAML built from the real field names (with wrong types, impossible
dates, paths that try to leave the site, markup) or random text, into a small valid
site, and runs the build. Whatever the input, the build succeeds or fails with
diagnostics that name a file; any other exception is a bug.

Hostile YAML (alias bombs, nesting thousands deep, lines of hundreds of thousands of
characters, decomposed, zero-width and direction characters) goes into a post, a
procedure, hotline.yaml and site.yaml the same way.

The normal suite runs a few dozen examples through the whole build (render included).
``make fuzz`` runs 10,000 through load and check (CCHCGEN_FUZZ_EXAMPLES sets the number).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from conftest import FIXED_NOW, SITES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchcgen import i18n
from cchcgen.build import BuildOptions, build_site
from cchcgen.config import load_config
from cchcgen.errors import CchcError
from cchcgen.links import check_links
from cchcgen.loader import LoadOptions, load_site
from cchcgen.targets import plan

BASE = SITES / "invalid" / "_base"
KEYS = {
    "post": "title date summary tags category author source image image_alt draft expiry_date "
    "updated slug aliases weight titel",
    "plan": "doc_type number symbol issuer place issued_date title basis signer recipients "
    "archive attachments status published_at tags slug aliases qr superseded_by name parent "
    "authority on_behalf_of head_title file",
    "procedure": "code name short_name sector levels subjects agencies steps methods cases "
    "requirements results legal_basis online_service announcement status effective_from "
    "effective_to replaced_by history source retrieved detail_level channel processing_time "
    "fees text level partial_reason documents related",
    "feedback": "id received_date channel category title question submitter display_name "
    "related_procedure status answer date by body document_number public published_at",
    "hotline": "agency name address phone email hotlines label purpose number e164 hours owner "
    "one_stop working_hours days morning afternoon start end pakn_channels type value "
    "verified_at contact_points external_links",
    "site": "title description copyright menu agency timezone language paginate",
}
TRICKY = [
    "30/01/2023", "2023-01-30", "32/10/2024", "2023-02-29", "30/01/23", "ngày 5 tháng 3",
    "1.001193", "1.0O1", "../../x", "/etc/passwd", "NO", "0241", "1.10", "", " ", "\t",
    "<script>alert(1)</script>", "javascript:alert(1)", "[a](javascript:x)", "{{ site }}",
    "KH-UBND", "toan_trinh", "xa", "pakn", "+842273000111", "0227 3000 111", "07:30", "TM",
    "new", "active", "replaced", "mon", "a" * 300, "Đăng ký khai sinh", "\u202e", "\x00",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**13),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(TRICKY),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
)


def documents(kind: str) -> st.SearchStrategy[str]:
    keys = st.sampled_from(KEYS[kind].split())
    values = st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=4),
        max_leaves=10,
    )
    structured = st.dictionaries(keys, values, max_size=10).map(
        lambda data: yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    )
    return st.one_of(structured, structured, st.text(max_size=200))


BODIES = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["# Phụ lục\n| a |\n|---|\n| 1 |", "<b>x</b>", "[x](/khong-co/)"]),
)


def markdown(kind: str) -> st.SearchStrategy[str]:
    """A Markdown file: front matter and a body, or random text."""
    whole = st.builds(lambda front, body: f"---\n{front}---\n{body}\n", documents(kind), BODIES)
    return whole | st.text(max_size=100)


SITE_FILES = st.fixed_dictionaries(
    {
        "content/posts/ngau-nhien.md": markdown("post"),
        "content/plans/ngau-nhien.md": markdown("plan"),
        "content/procedures/1.009999.yaml": documents("procedure"),
        "content/feedback/ngau-nhien.yaml": documents("feedback"),
        "content/hotline.yaml": documents("hotline"),
    }
)


# ---------------------------------------------------------------- hostile YAML

ODD_CHARACTERS = [
    "\u0300", "\u0301", "\u0302", "\u0303", "\u0309", "\u0323", "\u0306", "\u031b",
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u202a", "\u202e",
    "\u2066", "\u2069", "!", "-", " ", "a", "o", "e", "u", "đ", "Ộ", "/", ".", "#",
]  # fmt: skip
"""Combining marks (decomposed Vietnamese), zero-width and direction characters."""

odd_text = st.text(alphabet=st.sampled_from(ODD_CHARACTERS), min_size=0, max_size=12)


def _alias_bomb(key: str, depth: int, width: int, cyclic: bool) -> str:
    lines = ["a0: &a0 [Hộ tịch, x]"]
    for level in range(1, depth):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    lines.append(f"{key}: *a{depth - 1}")
    if cyclic:
        lines.append(f"c: &c [{key}, *c]")
    return "\n".join(lines) + "\n"


def _nesting(key: str, depth: int, style: str) -> str:
    if style == "flow list":
        return f"{key}: " + "[" * depth + "x" + "]" * depth + "\n"
    if style == "flow map":
        return f"{key}: " + "{a: " * depth + "x" + "}" * depth + "\n"
    return f"{key}:\n" + "".join(" " * (i + 1) + "- \n" for i in range(depth)) + "\n"


def _long_line(key: str, length: int, char: str, as_key: bool) -> str:
    if as_key:
        return f"{char * length}: x\n"
    return f"{key}: {char * length}\n"


def hostile(kind: str) -> st.SearchStrategy[str]:
    """YAML made to hang or exhaust a reader: alias bombs, deep nesting, very long lines,
    and text with decomposed letters, zero-width and direction characters."""
    keys = st.sampled_from(KEYS[kind].split())
    bombs = st.builds(_alias_bomb, keys, st.integers(1, 12), st.integers(1, 12), st.booleans())
    nests = st.builds(
        _nesting,
        keys,
        st.integers(1, 3000),
        st.sampled_from(["flow list", "flow map", "block list"]),
    )
    longs = st.builds(
        _long_line, keys, st.integers(1, 400_000), st.sampled_from(["a", "ộ", "\u200b", " a"]),
        st.booleans(),
    )  # fmt: skip
    odd = st.builds(lambda key, value: f'{key}: "{value}"\n', keys, odd_text)
    return st.lists(st.one_of(bombs, nests, longs, odd, odd), min_size=1, max_size=3).map("".join)


def _hostile_post(front: str) -> str:
    return f"---\ntitle: Bài\ndate: 30/01/2023\n{front}---\nNội dung.\n"


SITE_YAML = (BASE / "site.yaml").read_text(encoding="utf-8") + "search: false\n"

HOSTILE_FILES = st.fixed_dictionaries(
    {
        "content/posts/ngau-nhien.md": hostile("post").map(_hostile_post),
        "content/procedures/1.009999.yaml": hostile("procedure"),
        "content/hotline.yaml": hostile("hotline"),
        "site.yaml": st.one_of(
            st.just(SITE_YAML),
            st.just(SITE_YAML),
            hostile("site").map(lambda extra: SITE_YAML + extra),
        ),
    }
)


def _run(files: dict[str, str], render: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        shutil.copytree(BASE, site)
        with (site / "site.yaml").open("a", encoding="utf-8") as stream:
            stream.write("search: false\n")
        for rel, text in files.items():
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / rel).write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            if render:
                build_site(BuildOptions(site, site / "public", now=FIXED_NOW, write=False))
            else:
                config = load_config(site, None)
                now = FIXED_NOW.astimezone(config.timezone)
                loaded = load_site(site, config, LoadOptions(now))
                targets = plan(loaded.site, i18n.load(config.language), (), loaded.errors)
                check_links(loaded.site, targets, site, config.base)
        except CchcError as exc:
            assert exc.diagnostics, "a failure without a diagnostic"
            for item in exc.diagnostics:
                assert item.path and item.message, item
                assert "Traceback" not in str(item)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(SITE_FILES)
def test_random_content_never_crashes_the_build(files: dict[str, str]) -> None:
    _run(files, render=True)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(HOSTILE_FILES)
def test_hostile_yaml_never_crashes_or_hangs_the_build(files: dict[str, str]) -> None:
    _run(files, render=True)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("CCHCGEN_FUZZ_EXAMPLES"), reason="make fuzz runs it")
def test_fuzz_load_and_check_many_examples() -> None:
    examples = int(os.environ.get("CCHCGEN_FUZZ_EXAMPLES", "10000"))

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(st.one_of(SITE_FILES, HOSTILE_FILES))
    def fuzz(files: dict[str, str]) -> None:
        _run(files, render=False)

    fuzz()

"""The content-type registry and the route table: no type half-registered, no address
outside the table.

Every check walks :func:`cchcgen.kinds.registry`, so a type added later is checked too.
The repository's sample site has content of every type.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXED_NOW, REPO

from cchcgen import i18n, kinds, routes
from cchcgen.config import load_config
from cchcgen.content import Site
from cchcgen.deps import Fingerprints
from cchcgen.kinds.base import Body, ContentType, Loading, Planning
from cchcgen.links import check_links
from cchcgen.loader import LoadOptions, load_site
from cchcgen.outputs import Kind, SearchRecord, Target
from cchcgen.render import Renderer
from cchcgen.search import site_records
from cchcgen.targets import plan

TYPES = kinds.registry()
LAYOUTS = REPO / "cchcgen" / "layouts"


@pytest.fixture(scope="module")
def sample() -> tuple[Site, list[Target]]:
    config = load_config(REPO)
    loaded = load_site(REPO, config, LoadOptions(FIXED_NOW))
    assert loaded.errors == ()
    return loaded.site, plan(loaded.site, i18n.load("vi"))


def _pattern(route: routes.Route) -> re.Pattern[str]:
    parts = re.split(r"(\{[a-z_]+\})", route.pattern)
    body = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(rf"{body}(?:trang/\d+/)?")  # later pages of a list


def _route_names(kind: ContentType) -> Iterable[str]:
    return kind.routes.keys()


def test_the_registry_holds_every_content_type() -> None:
    names = [kind.name for kind in TYPES]
    core = ["post", "page", "plan", "procedure", "hotline", "feedback", "indices"]
    assert [name for name in names if name in core] == core
    entries = [entry for kind in TYPES for entry in kind.provides]
    assert len(entries) == len(set(entries))


@pytest.mark.parametrize("kind", TYPES, ids=lambda k: k.name)
def test_each_type_is_loaded_planned_searched_and_fingerprinted(
    kind: ContentType, sample: tuple[Site, list[Target]]
) -> None:
    site, targets = sample
    # loaded: the sample has content of this type
    for entry in kind.provides:
        assert site.entry(entry), f"site.{entry} is empty on the sample site"
    # planned: each of its addresses is published at least once
    urls = [t.url for t in targets]
    for name in _route_names(kind):
        pattern = _pattern(routes.TABLE[name])
        assert any(pattern.fullmatch(url) for url in urls), f"route {name} is never used"
    # searched: its records are in the index, and only those it declares it reads
    records = list(kind.search_records(site, i18n.load("vi")))
    assert all(isinstance(r, SearchRecord) for r in records)
    assert bool(records) == bool(kind.searched)
    assert {r.url for r in records} <= {r.url for r in site_records(site, i18n.load("vi"))}
    # fingerprinted: what its records are made of changes the search index's fingerprint
    if kind.searched:
        emptied = _without(site, kind)
        assert _records_print(site) != _records_print(emptied)


def _without(site: Site, kind: ContentType) -> Site:
    entries = {**site.entries, **dict(kind.provides)}
    return dataclasses.replace(site, entries=entries)


def _records_print(site: Site) -> bytes:
    locale = i18n.load("vi")
    renderer = Renderer(site, locale, REPO)
    prints = Fingerprints(site, locale, renderer.templates, renderer.menu, {}, REPO)
    return prints.records()


@pytest.mark.parametrize("kind", TYPES, ids=lambda k: k.name)
def test_each_type_with_markdown_has_its_links_checked(
    kind: ContentType, sample: tuple[Site, list[Target]], tmp_path: Path
) -> None:
    site, _targets = sample
    bodies = list(kind.bodies(site))
    assert all(isinstance(b, Body) and b.src.endswith(".md") for b in bodies)
    if not bodies:  # YAML records: nothing written in Markdown
        assert not kind.where.endswith(".md"), f"{kind.name} has Markdown but no bodies"
        return
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    chosen = bodies[0].src
    with (root / chosen).open("a", encoding="utf-8") as file:
        file.write("\n\n[xem](/khong-co-trang-nay/)\n")
    config = load_config(root)
    loaded = load_site(root, config, LoadOptions(FIXED_NOW))
    targets = plan(loaded.site, i18n.load("vi"))
    found = check_links(loaded.site, targets, root, config.base)
    assert [d.path for d in found if "/khong-co-trang-nay/" in d.message] == [chosen]


def test_a_type_cannot_leave_out_a_part() -> None:
    class HalfDone(ContentType):
        name = "half"
        order = 99
        provides: Mapping[str, Any] = {"halves": ()}

        def load(self, loading: Loading, loaded: Mapping[str, Any]) -> Mapping[str, Any]:
            return {}

        def plan(self, planning: Planning) -> None:
            return None

    with pytest.raises(TypeError, match="bodies|search_records"):
        HalfDone()  # type: ignore[abstract]


# ---------------------------------------------------------------- the route table


def test_every_published_address_is_a_named_route(sample: tuple[Site, list[Target]]) -> None:
    _site, targets = sample
    patterns = [_pattern(route) for route in routes.TABLE]
    named = (Kind.PAGE, Kind.FEED, Kind.DATA, Kind.SITEMAP, Kind.ROBOTS)
    loose = [
        t.url for t in targets if t.kind in named and not any(p.fullmatch(t.url) for p in patterns)
    ]
    assert loose == []


def test_routes_build_addresses_and_refuse_mistakes() -> None:
    assert routes.route("post", slug="ke-hoach-2023") == "/tin-tuc/ke-hoach-2023/"
    assert routes.route("plan", year=2023, slug="13-kh-ubnd") == "/ke-hoach/2023/13-kh-ubnd/"
    assert routes.route("procedure", code="1.001193") == "/thu-tuc-hanh-chinh/1.001193/"
    with pytest.raises(TypeError, match="slug"):
        routes.route("post")
    with pytest.raises(KeyError, match="no route"):
        routes.route("tin-tuc")
    table = routes.RouteTable()
    table.add("a", {"news": "/tin/"})
    with pytest.raises(ValueError, match="clashes"):
        table.add("b", {"other": "/tin/"})
    with pytest.raises(ValueError, match="clashes"):
        table.add("b", {"news": "/tin-khac/"})


def test_reserved_roots_come_from_the_table() -> None:
    for kind in TYPES:  # each section root a type declares
        for name in kind.routes:
            root = routes.TABLE[name].root
            assert root is None or root in routes.reserved_roots()
    assert routes.reserved_roots() >= {
        "tin-tuc", "chu-de", "ke-hoach", "thu-tuc-hanh-chinh", "duong-day-nong",
        "phan-anh-kien-nghi", "chi-so-cchc", "tim-kiem", "so-do-trang", "assets", "pagefind",
    }  # fmt: skip


_EXPRESSION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_PATH_STRING = re.compile(r"""(['"])/[^'"]*\1""")
_PATH_ATTRIBUTE = re.compile(r"""\b(?:href|src|action|content)\s*=\s*["']/""")


def test_no_builtin_layout_writes_an_address() -> None:
    found = []
    for path in sorted(LAYOUTS.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(LAYOUTS).as_posix()
        for match in _EXPRESSION.finditer(text):
            found += [f"{rel}: {m.group(0)}" for m in _PATH_STRING.finditer(match.group(0))]
        found += [f"{rel}: {m.group(0)}" for m in _PATH_ATTRIBUTE.finditer(text)]
    assert found == []

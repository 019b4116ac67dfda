"""The documentation: it builds with ``mkdocs build --strict``, offline, its generated pages
say what the code declares, and nothing in the repository refers to files outside it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cchcgen import config, kinds, sample
from cchcgen.kinds import hotline
from cchcgen.schema import Field

REPO = Path(__file__).resolve().parents[1]
PAGES = (
    "index.html",
    "quickstart/index.html",
    "editors-guide/index.html",
    "content/index.html",
    "reference/index.html",
    "publishing/index.html",
    "layouts/index.html",
    "development/architecture/index.html",
    "development/tests/index.html",
    "development/benchmark/index.html",
    "development/dependencies/index.html",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(REPO), env.get("PYTHONPATH"))))
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def _page(built: Path, rel: str) -> str:
    return (built / rel).read_text(encoding="utf-8")


def test_every_page_is_built(built: Path) -> None:
    missing = [rel for rel in PAGES if not (built / rel).is_file()]
    assert missing == []


def _declared_field_names() -> set[str]:
    """Every key name a content type declares: literal ``Field("name"`` in the source,
    and the fields of module-level tuples (some are made in a loop)."""
    names = {sample.KEY, *hotline.LINK_KINDS}
    for path in (REPO / "cchcgen").glob("**/*.py"):
        names.update(re.findall(r'Field\(\s*"([a-z0-9_]+)"', path.read_text(encoding="utf-8")))
    modules = [config] + [sys.modules[type(kind).__module__] for kind in kinds.registry()]
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, tuple) and value and all(isinstance(v, Field) for v in value):
                names.update(f.name for f in value)
    return names


def test_reference_lists_every_field(built: Path) -> None:
    page = _page(built, "reference/index.html")
    names = _declared_field_names()
    assert len(names) > 150
    missing = sorted(
        name for name in names if not re.search(rf"<code>([\w\[\].]*\.)?{name}</code>", page)
    )
    assert missing == []
    for title in ("Site settings", "Posts", "Plans and other documents", "Procedures",
                  "Hotline and contacts", "Feedback", "Reform indices"):  # fmt: skip
        assert f">{title}<" in page
    assert "<code>cases[].documents[].form.url</code>" in page
    assert "one of <code>direct</code>, <code>online</code>, <code>postal</code>" in page


def test_editors_guide_is_the_starter_readme_in_vietnamese(built: Path) -> None:
    page = _page(built, "editors-guide/index.html")
    starter = (REPO / "cchcgen" / "starter" / "README.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", starter, re.MULTILINE)
    assert len(headings) >= 4
    for heading in headings:
        assert heading.replace("&", "&amp;") in page
    assert "cchcgen init" in page and "Thêm nội dung" in page
    assert "@@" not in page


def test_pages_load_nothing_from_another_server(built: Path) -> None:
    loaded = re.compile(
        r'<(?:script|img|iframe|source|audio|video)\b[^>]*\ssrc="([^"]*)"'
        r'|<link\b[^>]*\shref="([^"]*)"'
    )
    remote = []
    for html in built.rglob("*.html"):
        for match in loaded.finditer(html.read_text(encoding="utf-8")):
            url = match.group(1) or match.group(2)
            if re.match(r"(?:[a-z]+:)?//", url):
                remote.append(f"{html.relative_to(built)}: {url}")
    assert remote == []


OUTSIDE = re.compile(r"\.\./shared|vn-domain|design card|\bissue \d+", re.IGNORECASE)


def test_nothing_refers_outside_the_repository() -> None:
    files = (
        subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    found = []
    for rel in files:
        if not rel or rel.startswith("tests/sites/") or rel == "tests/test_docs.py":
            continue
        path = REPO / rel
        if path.suffix not in (".py", ".md", ".yml", ".yaml", ".toml", ".sh", ".txt", "") or (
            not path.is_file()
        ):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{rel}:{number}: {line.strip()}")
    assert found == []

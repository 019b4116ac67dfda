"""Architecture guards: only the command line prints, and the light modules that the
command line's quick path imports do not pull in the pipeline."""

from __future__ import annotations

import ast
import subprocess
import sys

from conftest import REPO

PACKAGE = REPO / "cchcgen"


def _writes_to_the_terminal(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (
            isinstance(func, ast.Name)
            and func.id in ("print", "input")
            or (
                isinstance(func, ast.Attribute)
                and func.attr == "write"
                and isinstance(func.value, ast.Attribute)
                and func.value.attr in ("stdout", "stderr")
            )
        ):
            lines.append(node.lineno)
    return lines


def test_only_the_command_line_prints() -> None:
    found = {
        path.name: lines
        for path in sorted(PACKAGE.glob("*.py"))
        if path.name != "cli.py"
        and (lines := _writes_to_the_terminal(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert not found, f"modules that print (report through a callback instead): {found}"


def test_the_quick_path_does_not_import_the_pipeline() -> None:
    """A build in which nothing changed is answered before the pipeline is imported."""
    code = (
        "import sys, cchcgen.cli, cchcgen.quick; "
        "print(sorted(m for m in sys.modules if m.startswith('cchcgen.') or '.' not in m))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    modules = set(ast.literal_eval(loaded.stdout))
    heavy = {"cchcgen.build", "cchcgen.render", "cchcgen.targets", "cchcgen.loader",
             "cchcgen.markup", "cchcgen.search",
             # nor what only a real build uses: forking workers, site.yaml, layouts,
             # Markdown, feeds
             "multiprocessing", "cchcgen.config", "yaml", "jinja2", "markdown", "feedgen",
             "segno"}  # fmt: skip
    assert not modules & heavy, sorted(modules & heavy)

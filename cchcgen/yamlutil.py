"""YAML text to a node tree that keeps line numbers; the only module that imports PyYAML.

We never let PyYAML construct Python values: YAML 1.1 reads ``0241`` as the
octal number 161, ``NO`` as False and ``1.10`` as 1.1, and a bad date such as
``2024-13-01`` raises a bare ValueError without a position. Instead we compose
the document into nodes (each with its start mark) and let :mod:`cchcgen.schema`
decide every value's type from the raw text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from .errors import Collector

Node = yaml.Node
ScalarNode = yaml.ScalarNode
SequenceNode = yaml.SequenceNode
MappingNode = yaml.MappingNode

try:  # libyaml's composer is ~10x faster; fall back to the pure-Python one
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


@dataclass(frozen=True, slots=True)
class YamlSource:
    """Where a YAML text sits: its file and the number of lines above it in that file."""

    path: str
    line_offset: int = 0
    text: str = field(default="", repr=False, compare=False)
    """The file's text, for positions inside a value (a block scalar's lines)."""

    def position(self, node: Node | None) -> tuple[int | None, int | None]:
        """1-based line and column of a node in the file."""
        if node is None:
            return (self.line_offset + 1, None)
        mark = node.start_mark
        return (mark.line + 1 + self.line_offset, mark.column + 1)


_HINTS = (
    ("found character '\\t'", "YAML indents with spaces only: replace the tab with spaces"),
    ("tab character", "YAML indents with spaces only: replace the tab with spaces"),
    (
        "mapping values are not allowed",
        'a value that contains ": " must be quoted, e.g. title: "Kế hoạch: năm 2023"',
    ),
    (
        "found undefined alias",
        "a value starting with * must be quoted",
    ),
    (
        "found character '@' that cannot start any token",
        "a value starting with @ or ` must be quoted",
    ),
    ("expected <block end>, but found", "check the indentation of this line and the one above"),
    ("could not find expected ':'", "every line of a mapping needs 'key: value'"),
    (
        "while scanning a quoted scalar",
        "a quoted value is missing its closing quote",
    ),
)


def _hint_for(problem: str) -> str | None:
    for needle, hint in _HINTS:
        if needle in problem:
            return hint
    return None


def compose(text: str, source: YamlSource, diags: Collector) -> Node | None:
    """Parse one YAML document into nodes; report syntax errors and duplicate keys.

    Returns None (after adding a diagnostic) when the text is not valid YAML, and
    None without a diagnostic when the document is empty.
    """
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or exc.context or "invalid YAML"
        context = exc.context or ""
        mark = exc.problem_mark or exc.context_mark
        if "end of stream" in problem and exc.context_mark is not None:
            mark = exc.context_mark  # point at the opening quote, not the end of the file
        line = (mark.line + 1 + source.line_offset) if mark else source.line_offset + 1
        column = (mark.column + 1) if mark else None
        hint = _hint_for(f"{problem} {context}")
        lines = text.split("\n")
        if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line]:
            hint = _hint_for("tab character")
        diags.error(source.path, line, column, f"YAML syntax error: {problem}", hint)
        return None
    except yaml.YAMLError as exc:  # e.g. "expected a single document"
        diags.error(source.path, source.line_offset + 1, None, f"YAML error: {exc}")
        return None
    if node is not None:
        _check_duplicate_keys(node, source, diags)
    return node


def _check_duplicate_keys(node: Node, source: YamlSource, diags: Collector) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, MappingNode):
            seen: dict[str, Node] = {}
            for key, value in current.value:
                if isinstance(key, ScalarNode):
                    if key.value in seen:
                        first_line, _ = source.position(seen[key.value])
                        line, col = source.position(key)
                        diags.error(
                            source.path,
                            line,
                            col,
                            f"key '{key.value}' appears twice in the same block "
                            f"(first on line {first_line})",
                            "keep one of them; YAML would silently use the last one",
                        )
                    else:
                        seen[key.value] = key
                stack.append(value)
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)


def is_null(node: Node) -> bool:
    """True for an empty value, ``~`` or ``null`` written without quotes."""
    return (
        isinstance(node, ScalarNode)
        and node.style is None
        and node.value in ("", "~", "null", "Null", "NULL")
    )


def is_plain(node: Node) -> bool:
    """True for a scalar written without quotes or block style."""
    return isinstance(node, ScalarNode) and node.style is None


def dump_front_matter(data: dict[str, object]) -> str:
    """Serialise a mapping of simple values as block YAML (for scaffolding)."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def load_trusted(text: str) -> object:
    """Load YAML shipped inside the package (locales); never used for user files."""
    return yaml.load(text, Loader=_Loader)


def child(node: Node | None, *keys: str | int) -> Node | None:
    """The node at ``keys`` inside mappings and lists, or None."""
    for key in keys:
        if isinstance(key, int) and isinstance(node, SequenceNode) and key < len(node.value):
            node = node.value[key]
        elif isinstance(key, str) and isinstance(node, MappingNode):
            node = next(
                (v for k, v in node.value if isinstance(k, ScalarNode) and k.value == key), None
            )
        else:
            return None
    return node

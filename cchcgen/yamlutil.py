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
from .messages import N_, _

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


MAX_DEPTH = 100
"""Levels of values inside values; content needs fewer than ten."""

_TOO_DEEP = N_("the values are nested more than {depth} levels deep")

MIN_ALIAS_BUDGET = 10_000
"""Values that aliases (``*name``) may add to a file, at least; a larger file may add as
many as it has characters. Reading then stays proportional to the file's size, whatever
its anchors, while a block repeated by hand-written aliases stays far below the limit."""

_DEPTH_HINT = N_("a few levels are enough: check the brackets and the indentation")

_TAB_HINT = N_("YAML indents with spaces only: replace the tab with spaces")

_HINTS = (  # (words of PyYAML's problem, our hint: a message marked with N_)
    ("found character '\\t'", _TAB_HINT),
    ("tab character", _TAB_HINT),
    (
        "mapping values are not allowed",
        N_('a value that contains ": " must be quoted, e.g. title: "Kế hoạch: năm 2023"'),
    ),
    (
        "found undefined alias",
        N_("a value starting with * must be quoted"),
    ),
    (
        "found character '@' that cannot start any token",
        N_("a value starting with @ or ` must be quoted"),
    ),
    ("expected <block end>, but found", N_("check the indentation of this line and the one above")),
    ("could not find expected ':'", N_("every line of a mapping needs 'key: value'")),
    (
        "exceeded maximum nesting depth",
        _DEPTH_HINT,
    ),
    (
        "while scanning a quoted scalar",
        N_("a quoted value is missing its closing quote"),
    ),
)


def _hint_for(problem: str) -> str | None:
    for needle, hint in _HINTS:
        if needle in problem:
            return _(hint)
    return None


def compose(text: str, source: YamlSource, diags: Collector) -> Node | None:
    """Parse one YAML document into nodes; report syntax errors and duplicate keys.

    Returns None (after adding a diagnostic) when the text is not valid YAML or nests,
    or lets aliases expand, too far for a reader to walk it (see :func:`_check_tree`);
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
        message = _("YAML syntax error: {problem}").format(problem=problem)
        diags.error(source.path, line, column, message, hint)
        return None
    except yaml.YAMLError as exc:  # e.g. "expected a single document"
        message = _("YAML error: {problem}").format(problem=exc)
        diags.error(source.path, source.line_offset + 1, None, message)
        return None
    except RecursionError:  # only the pure-Python composer recurses per level
        _report_expansion(text, source, diags, None)
        return None
    if node is not None and not _check_tree(node, text, source, diags):
        return None
    return node


def _check_tree(root: Node, text: str, source: YamlSource, diags: Collector) -> bool:
    """Report duplicate keys; refuse (False, reported) a tree nested too deeply or that
    aliases expand too far, before any reader walks it.

    Aliases share one node, so a walk visits a node once per path to it: nine levels of
    ``&a [*x, *x, ...]`` would be visited 9**9 times. The walk counts those repeated
    visits and stops at the budget, then the events are read to find the alias to blame."""
    budget = _alias_budget(text)
    seen: set[int] = set()
    repeats = 0
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            _report_expansion(text, source, diags, node)
            return False
        if id(node) in seen:
            repeats += 1
            if repeats > budget:
                _report_expansion(text, source, diags, node)
                return False
        else:
            seen.add(id(node))
            if isinstance(node, MappingNode):
                _check_duplicate_keys(node, source, diags)
        if isinstance(node, MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(node, SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
    return True


def _check_duplicate_keys(node: MappingNode, source: YamlSource, diags: Collector) -> None:
    seen: dict[str, Node] = {}
    for key, _value in node.value:
        if not isinstance(key, ScalarNode):
            continue
        if key.value in seen:
            first_line, _column = source.position(seen[key.value])
            line, col = source.position(key)
            diags.error(
                source.path,
                line,
                col,
                _(
                    "key '{key}' appears twice in the same block (first on line {first_line})"
                ).format(key=key.value, first_line=first_line),
                _("keep one of them; YAML would silently use the last one"),
            )
        else:
            seen[key.value] = key


@dataclass(slots=True)
class _Open:
    """A list or block being read in :func:`_report_expansion`."""

    anchor: str | None
    size: int = 1
    height: int = 1


def _alias_budget(text: str) -> int:
    return max(MIN_ALIAS_BUDGET, len(text))


def _report_expansion(text: str, source: YamlSource, diags: Collector, node: Node | None) -> None:
    """Report where a document nests too deeply or where its aliases grow too large.

    Reads the events in order, keeping the size and height of each anchored value:
    the first alias that brings the values added by aliases past the budget, or the
    nesting past :data:`MAX_DEPTH`, is the one reported."""
    budget = _alias_budget(text)
    done: dict[str, tuple[int, int]] = {}
    stack: list[_Open] = []
    added = 0

    def error(event: yaml.Event, message: str, hint: str) -> None:
        mark = event.start_mark
        line, column = (mark.line, mark.column) if mark is not None else (0, 0)
        diags.error(source.path, line + 1 + source.line_offset, column + 1, message, hint)

    def close(anchor: str | None, size: int, height: int) -> None:
        if anchor is not None:
            done[anchor] = (size, height)
        if stack:
            stack[-1].size += size
            stack[-1].height = max(stack[-1].height, height + 1)

    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            name = event.anchor or ""
            if name not in done:
                error(
                    event,
                    _("the alias '*{name}' repeats the block it is part of").format(name=name),
                    _(
                        "an alias can only repeat a value that ends before it; write out '*{name}'"
                    ).format(name=name),
                )
                return
            size, height = done[name]
            added += size
            if added > budget:
                error(
                    event,
                    _(
                        "the alias '*{name}' makes the file expand into more than {budget} values"
                    ).format(name=name, budget=f"{budget:,}"),
                    _("write the values out instead of repeating them with '*' aliases"),
                )
                return
            if len(stack) + height > MAX_DEPTH:
                error(
                    event,
                    _("the alias '*{name}' nests values more than {depth} levels deep").format(
                        name=name, depth=MAX_DEPTH
                    ),
                    _("write the values out instead of repeating them with '*' aliases"),
                )
                return
            close(None, size, height)
        elif isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
            if len(stack) + 1 > MAX_DEPTH:
                error(event, _(_TOO_DEEP).format(depth=MAX_DEPTH), _(_DEPTH_HINT))
                return
            if isinstance(event, yaml.ScalarEvent):
                close(event.anchor, 1, 1)
            else:
                stack.append(_Open(event.anchor))
        elif isinstance(event, yaml.CollectionEndEvent):
            item = stack.pop()
            close(item.anchor, item.size, item.height)
    line, column = source.position(node)  # not reached: the events agree with the walk
    diags.error(source.path, line, column, _(_TOO_DEEP).format(depth=MAX_DEPTH), _(_DEPTH_HINT))


def is_null(node: Node) -> bool:
    """True for an empty value, ``~`` or ``null`` written without quotes. A plain scalar's
    style is None from PyYAML's Python composer and "" from its C (libyaml) one."""
    return (
        isinstance(node, ScalarNode)
        and not node.style
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

"""Write and edit YAML files the way an editor keeps them; the only module importing ruamel.yaml.

ruamel.yaml's round trip keeps what an editor wrote around the values an import changes:
comments beside and between keys, key order, quoting, flow ``[a, b]`` or block layout. Two
settings make it faithful for cchcgen's files:

* Every plain scalar is read as text (only ``~``, ``null`` and nothing are null), as
  cchcgen's own reader does: ``0241``, ``1.10``, ``+12`` or ``2024-03-15 08:00`` are written
  back exactly as typed, never as the number or date a YAML library would make of them.
* The indentation is the file's own (2 spaces, list dashes indented by 2, for a new file, as
  in the content folder); lines are never wrapped.

A new value is written as the content files write it: a code, a name or any other text in
double quotes, a slug, a number or a dd/mm/yyyy date plain, text of several lines as a ``|-``
block, lists and mappings in block style (or in flow style where the value replaced was).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

Path = tuple[str, ...]

_SAFE_PLAIN = re.compile(r"[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*|\d{1,2}/\d{1,2}/\d{4}|0|[1-9]\d{0,9}")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
_NULL = ("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"))
_NULL_FIRST = {first: [_NULL] for first in ("~", "n", "N", "")}
_DEFAULT_INDENT = (2, 4, 2)
"""(mapping, sequence, offset): ``key:`` / ``  child: x`` and ``key:`` / ``  - item``."""


class _TextResolver(VersionedResolver):
    """Plain scalars are text, as cchcgen reads them; only the null forms are null."""

    @property
    def versioned_resolver(self) -> Any:
        return _NULL_FIRST


def _yaml(indent: tuple[int, int, int] = _DEFAULT_INDENT) -> YAML:
    yaml = YAML(typ="rt")
    yaml.Resolver = _TextResolver
    yaml.preserve_quotes = True
    yaml.allow_unicode = True
    yaml.width = 1_000_000  # a long name stays on its line
    mapping, sequence, offset = indent
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dumped(yaml: YAML, data: Any) -> str:
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def dump(record: Mapping[str, Any]) -> str:
    """A new file holding ``record``, in the order given, ending with a newline."""
    return _dumped(_yaml(), _node(record))


def edit(text: str, changes: Iterable[tuple[Path, Any]]) -> str | None:
    """``text`` with the value at each path set (added at the end of its mapping if absent).

    Returns None when ruamel.yaml cannot read the text as a mapping (cchcgen's reader accepts a
    little more, a tab after a value for one); the caller checks what it returns.
    """
    head, text = _document_start(text)
    try:
        data = _yaml().load(text)
    except YAMLError:
        return None
    if not isinstance(data, CommentedMap):
        return None
    yaml = _yaml(_guess_indent(data))
    lines = text.split("\n")
    for path, value in changes:
        parent = data
        for key in path[:-1]:
            if not isinstance(parent.get(key), CommentedMap):
                _set(parent, key, {}, lines, nested=parent is not data)
            _keep_gap(parent, key, lines)  # {code: x} grows on its line
            parent = parent[key]
        _set(parent, path[-1], value, lines, nested=parent is not data)
    return head + _dumped(yaml, data)


# --- new values ----------------------------------------------------------------------------


def _node(value: Any, flow: bool = False) -> Any:
    """A plain value as ruamel.yaml should write it (see the module's docstring)."""
    if isinstance(value, Mapping):
        mapping = CommentedMap((key, _node(item)) for key, item in value.items())
        if flow:
            mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list | tuple):
        sequence = CommentedSeq(_node(item) for item in value)
        if flow:
            sequence.fa.set_flow_style()
        return sequence
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if "\n" in text and not text.startswith(" ") and not text.endswith("\n"):
        return LiteralScalarString(text)
    if _SAFE_PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return DoubleQuotedScalarString(text)


def _is_flow(value: Any) -> bool:
    """A ``[...]`` or ``{...}`` value (an empty list or mapping can only be written so)."""
    return isinstance(value, CommentedMap | CommentedSeq) and (
        not value or bool(value.fa.flow_style())
    )


def _is_block(value: Any) -> bool:
    return isinstance(value, CommentedMap | CommentedSeq) and bool(value) and not _is_flow(value)


# --- setting a value, comments kept where they belong --------------------------------------


def _set(mapping: CommentedMap, key: str, value: Any, lines: list[str], nested: bool) -> None:
    """Set ``mapping[key]``; a comment below the value replaced, or below the mapping's last
    value, stays below the new value: it is about what follows, not about that value.

    A key added at the top level goes to the end of the file, after its last comments.
    """
    if key in mapping:
        below = _take_below(mapping, key)
        mapping[key] = _node(value, flow=_is_flow(mapping[key]))
        _keep_gap(mapping, key, lines)
        _give_below(mapping, key, below)
        return
    below = _take_below(mapping, list(mapping)[-1]) if nested and _is_block(mapping) else ""
    mapping[key] = _node(value)
    _give_below(mapping, key, below)


def _slot(container: Any, key: Any) -> tuple[list[Any], int]:
    """Where ruamel.yaml keeps the comment after the value at ``container[key]``: after the
    last entry of a block collection, at any depth."""
    value = container[key]
    while _is_block(value):
        container = value
        key = next(reversed(value)) if isinstance(value, CommentedMap) else len(value) - 1
        value = container[key]
    slots = container.ca.items.setdefault(key, [None, None, None, None])
    return slots, 2 if isinstance(container, CommentedMap) else 0


def _take_below(container: Any, key: Any) -> str:
    """Remove and return the comment lines (and blank lines) below the value at ``key``; the
    comment on the value's own line stays."""
    slots, index = _slot(container, key)
    token = slots[index]
    if token is None or "\n" not in token.value:
        return ""
    own_line, below = token.value.split("\n", 1)
    if not below:
        return ""
    if own_line.strip():
        token.value = own_line + "\n"
    else:
        slots[index] = None
    return below


def _give_below(container: Any, key: Any, below: str) -> None:
    if not below:
        return
    slots, index = _slot(container, key)
    token = slots[index]
    if token is None:
        slots[index] = CommentToken("\n" + below, CommentMark(0))
    else:
        token.value = token.value.rstrip("\n") + "\n" + below


def _keep_gap(mapping: CommentedMap, key: str, lines: list[str]) -> None:
    """Keep the spaces the editor left between a changed value and its comment: ruamel.yaml
    keeps the comment's column, or a single space when the new value reaches it."""
    slots = mapping.ca.items.get(key)
    token = slots[2] if slots else None
    if token is None or not token.value.startswith("#"):
        return
    line = getattr(token.start_mark, "line", None)  # None for a comment made here
    if line is None or line >= len(lines):
        return
    column = token.start_mark.column
    gap = max(1, column - len(lines[line][:column].rstrip()))
    token.start_mark = CommentMark(0)
    token.value = " " * (gap - 1) + token.value


# --- the file's own layout -----------------------------------------------------------------


def _guess_indent(data: CommentedMap) -> tuple[int, int, int]:
    """(mapping, sequence, offset) of the first nested block mapping and block list."""
    mapping = sequence = None
    for parent, key, value in _block_children(data):
        column = parent.lc.key(key)[1]
        if mapping is None and isinstance(value, CommentedMap):
            mapping = value.lc.key(next(iter(value)))[1] - column
        elif sequence is None and isinstance(value, CommentedSeq):
            offset = value.lc.col - column
            sequence = (value.lc.item(0)[1] - column, offset)
        if mapping is not None and sequence is not None:
            break
    mapping = mapping if mapping and mapping > 0 else _DEFAULT_INDENT[0]
    indent, offset = sequence if sequence else _DEFAULT_INDENT[1:]
    offset = max(0, offset)
    return mapping, max(indent, offset + 2), offset


def _block_children(mapping: CommentedMap) -> Iterable[tuple[CommentedMap, str, Any]]:
    """(mapping, key, value) of every block collection that is a mapping's value, in order."""
    for key, value in mapping.items():
        if not _is_block(value):
            continue
        yield mapping, key, value
        items = [value] if isinstance(value, CommentedMap) else value
        for item in items:
            if _is_block(item) and isinstance(item, CommentedMap):
                yield from _block_children(item)


def _document_start(text: str) -> tuple[str, str]:
    """(the lines up to a ``---`` line, the rest). ruamel.yaml would drop comments written
    above ``---``: they are kept here as they are."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if line.rstrip() == "---" or line.startswith("--- #"):
            return "\n".join(lines[: number + 1]) + "\n", "\n".join(lines[number + 1 :])
        if line.strip() and not line.startswith(("#", "%")):
            break
    return "", text

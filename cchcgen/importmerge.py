"""Fill an existing procedure file from a spreadsheet row, never losing an editor's work.

A record that already exists is only *filled*: missing or empty fields get the spreadsheet's
value; a field whose value differs is kept and reported ("kept 'name' as edited"), unless
``overwrite`` is set, which replaces it and says so. The file is edited by
:mod:`cchcgen.yamledit` (ruamel.yaml's round trip), which keeps its comments, key order and
quoting; only a file ruamel.yaml cannot read must be rewritten whole, which needs
``overwrite`` and is reported. Every new text is read back with cchcgen's own YAML reader and
must give the expected values before it is written.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import dates, yamledit
from .errors import Collector
from .importcells import DATE_ZONE, Skip, one_line, show
from .messages import _
from .yamlutil import MappingNode, Node, ScalarNode, SequenceNode, YamlSource, compose, is_null


def _plain_tree(node: Node) -> Any:
    """A YAML node as text, lists and dicts, every scalar read as text like the validator."""
    if isinstance(node, MappingNode):
        return {
            str(key.value): _plain_tree(value)
            for key, value in node.value
            if isinstance(key, ScalarNode)
        }
    if isinstance(node, SequenceNode):
        return [_plain_tree(item) for item in node.value]
    if is_null(node):
        return None
    assert isinstance(node, ScalarNode)  # the third kind of node
    value = node.value
    if node.style is None:
        return value.strip()
    if node.style in ("|", ">"):
        return value.rstrip("\n")
    return value


def _parse(text: str) -> tuple[MappingNode | None, Any, str | None]:
    """(root node, plain tree, error) of a procedure file's text."""
    diags = Collector()
    root = compose(text, YamlSource("file"), diags)
    if diags.items:
        first = diags.items[0]
        return (
            None,
            None,
            _("line {line}: {message}").format(line=first.line, message=first.message),
        )
    if root is None:
        return None, {}, None
    if not isinstance(root, MappingNode):
        return None, None, _("it is not a block of 'key: value' lines")
    return root, _plain_tree(root), None


# --- merging into an existing file ---------------------------------------------------------

FieldPath = tuple[str, ...]

_LEAVES: tuple[FieldPath, ...] = (
    ("code",),
    ("local_code",),
    ("name",),
    ("sector", "code"),
    ("sector", "name"),
    ("levels",),
    ("agencies", "executing"),
    ("receiving_addresses",),
    ("methods",),
    ("legal_basis",),
    ("online_service", "level"),
    ("online_service", "legacy_level"),
    ("announcement", "number"),
    ("announcement", "date"),
    ("announcement", "issuer"),
    ("announcement", "change_type"),
    ("status",),
    ("source", "name"),
    ("source", "retrieved"),
)
"""The fields an import fills or compares, each on its own. ``detail_level`` is not among them:
a file without it is a full record, which an import must never turn into a list entry."""
_DEFAULTS: dict[FieldPath, str] = {("status",): "active", ("announcement", "change_type"): "new"}
_DATES = frozenset({("announcement", "date"), ("source", "retrieved")})
_MISSING = object()


def _lookup(tree: dict[str, Any], path: FieldPath) -> Any:
    """The value at ``path``; _MISSING when absent. A non-mapping parent is returned as is."""
    value: Any = tree
    for depth, key in enumerate(path):
        if not isinstance(value, dict):
            return value if depth and not _empty(value) else _MISSING
        if key not in value:
            return _MISSING
        value = value[key]
    return value


def _empty(value: Any) -> bool:
    if value is None or value is _MISSING:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict)):
        return not value
    return False


def _normal(value: Any, path: FieldPath) -> Any:
    """A value in the form used to compare the file with the spreadsheet."""
    if path in _DATES and isinstance(value, str):
        try:
            return dates.parse_date(value, DATE_ZONE).value.date()
        except dates.DateParseError:
            return one_line(value)
    if path == ("levels",):
        items = value if isinstance(value, list) else [value]
        return sorted({one_line(str(v)) for v in items if v is not None})
    if isinstance(value, dict):
        return {k: _normal(v, (*path, k)) for k, v in value.items() if not _empty(v)}
    if isinstance(value, list):
        return [_normal(v, ()) for v in value]
    if value is None:
        return ""
    return unicodedata.normalize("NFC", one_line(str(value)))


@dataclass(frozen=True, slots=True)
class Change:
    path: FieldPath
    value: Any
    old: Any
    """The file's value (_MISSING or empty for a fill)."""

    @property
    def is_fill(self) -> bool:
        return _empty(self.old)

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


def _compare(path: FieldPath, old: Any, new: Any, overwrite: bool) -> tuple[Change | None, str]:
    """The change (if any) and report note for one field of an existing record."""
    if _empty(old):
        if path in _DEFAULTS and _normal(_DEFAULTS[path], path) == _normal(new, path):
            return None, ""  # "status: active" need not be written down
        return Change(path, new, old), ""
    if _normal(old, path) == _normal(new, path):
        return None, ""
    dotted = ".".join(path)
    if overwrite:
        return Change(path, new, old), _("replaced '{field}' (was: {value})").format(
            field=dotted, value=show(old)
        )
    return None, _("kept '{field}' as edited (spreadsheet: {value})").format(
        field=dotted, value=show(new)
    )


def plan_changes(
    tree: dict[str, Any], record: dict[str, Any], overwrite: bool
) -> tuple[list[Change], list[str]]:
    """The fields to write into an existing record, and the report notes on kept fields.

    The announcement is one unit when the file names another Quyết định công bố: mixing the
    file's number with the spreadsheet's date or kind of change would describe neither.
    """
    changes: list[Change] = []
    notes: list[str] = []
    leaves = list(_LEAVES)
    number = ("announcement", "number")
    if not _empty(_lookup(tree, number)) and _normal(_lookup(tree, number), number) != _normal(
        _lookup(record, number), number
    ):
        leaves = [path for path in leaves if path[0] != "announcement"]
        leaves.insert(0, ("announcement",))
    for path in leaves:
        new = _lookup(record, path)
        if new is _MISSING or path == ("source", "retrieved"):
            continue
        change, note = _compare(path, _lookup(tree, path), new, overwrite)
        if change:
            changes.append(change)
        if note:
            notes.append(note)
    retrieved = ("source", "retrieved")
    new = _lookup(record, retrieved)
    if new is _MISSING:
        return changes, notes
    old = _lookup(tree, retrieved)
    source_is_mapping = isinstance(tree.get("source"), dict) or _empty(tree.get("source"))
    if _empty(old) and source_is_mapping:
        changes.append(Change(retrieved, new, old))
    elif changes and source_is_mapping and _normal(old, retrieved) != _normal(new, retrieved):
        # The import has just compared the record with its source: the date says so. A record
        # the import leaves alone keeps its date, so that a second run changes no byte.
        changes.append(Change(retrieved, new, old))
    return changes, notes


def _apply_to_tree(tree: dict[str, Any], changes: Iterable[Change]) -> dict[str, Any]:
    """The plain tree the file should read as after ``changes``."""
    result = json.loads(json.dumps(tree))  # a deep copy
    for change in changes:
        target = result
        for key in change.path[:-1]:
            if not isinstance(target.get(key), dict):
                target[key] = {}
            target = target[key]
        target[change.path[-1]] = json.loads(json.dumps(change.value))
    return result


def _comparable(tree: Any) -> Any:
    """A tree with every scalar as text, as a file read back gives it."""
    if isinstance(tree, dict):
        return {str(k): _comparable(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_comparable(v) for v in tree]
    if tree is None:
        return None
    if isinstance(tree, bool):
        return "true" if tree else "false"
    return str(tree)


def _leading_comments(text: str) -> str:
    """The comment lines at the top of a file, kept when the rest must be rewritten."""
    lines: list[str] = []
    for line in text.split("\n"):
        if line.startswith("#") or (not line.strip() and lines):
            lines.append(line)
        else:
            break
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def reads_as(text: str, expected: Any) -> bool:
    _root, tree, problem = _parse(text)
    return problem is None and _comparable(tree) == _comparable(expected)


@dataclass(frozen=True, slots=True)
class Merge:
    """The new text of an existing file and what the report says about it."""

    text: str
    changes: tuple[Change, ...]
    notes: tuple[str, ...]


def merge_text(text: str, record: dict[str, Any], overwrite: bool) -> Merge:
    """Fill (and with ``overwrite`` replace) fields of an existing record's text.

    Raises :class:`Skip` when the file cannot be read as YAML: the editor must fix it first.
    """
    root, tree, error = _parse(text)
    if error is not None:
        raise Skip(
            _("the existing file is not valid YAML ({problem}); fix it first").format(problem=error)
        )
    tree = tree or {}
    changes, notes = plan_changes(tree, record, overwrite)
    if not changes:
        return Merge(text, (), tuple(notes))
    expected = _apply_to_tree(tree, changes)
    if root is None:  # an empty file, perhaps with comments
        filled = _leading_comments(text) + yamledit.dump(expected)
        return Merge(filled, tuple(changes), tuple(notes))
    edited = yamledit.edit(text, [(change.path, change.value) for change in changes])
    if edited is not None and reads_as(edited, expected):
        return Merge(edited, tuple(changes), tuple(notes))
    if not overwrite:
        fills = ", ".join(f"'{c.dotted}'" for c in changes)
        notes.append(
            _(
                "could not fill {fields} without rewriting the file; "
                "fill it by hand or run the import with --overwrite"
            ).format(fields=fills)
        )
        return Merge(text, (), tuple(notes))
    rewritten = _leading_comments(text) + yamledit.dump(expected)
    if not reads_as(rewritten, expected):
        raise Skip(_("the record could not be written back faithfully; edit it by hand"))
    replaced = [c.dotted for c in changes if not c.is_fill]
    if replaced:
        notes.append(
            _(
                "rewrote the whole file to replace {fields}: its comments and layout were not kept"
            ).format(fields=", ".join(f"'{p}'" for p in replaced))
        )
    else:
        notes.append(_("rewrote the whole file to fill it: its comments and layout were not kept"))
    return Merge(rewritten, tuple(changes), tuple(notes))

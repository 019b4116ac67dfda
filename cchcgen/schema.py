"""Declarative, position-aware validation of YAML nodes.

A schema is a tuple of :class:`Field` objects; each field has a *kind* that
turns a YAML node into a Python value or raises :class:`Invalid`. Reading a
mapping reports every problem (unknown keys with a "did you mean", missing
required fields, wrong values) as diagnostics at the offending line, and
returns the values it could read so that later checks can still run.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from . import dates
from .errors import Collector
from .messages import N_, _
from .urls import fold, slugify
from .yamlutil import MappingNode, Node, ScalarNode, SequenceNode, YamlSource, is_null


class Invalid(Exception):
    """A value does not fit its field; raised by kinds, reported by :func:`read_mapping`."""

    def __init__(self, message: str, hint: str | None = None, node: Node | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.node = node


@dataclass(frozen=True, slots=True)
class Context:
    """What a kind needs besides the node: where we are and the site's timezone."""

    source: YamlSource
    diags: Collector
    tz: ZoneInfo


Kind = Callable[[Node, Context], Any]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: Kind
    required: bool = False
    """The key must be there, with a value that is not blank."""
    default: Any = None
    blank: bool = False
    """A required field that may be given as "" (a document not numbered yet)."""


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return _("a block of keys")
    if isinstance(node, SequenceNode):
        return _("a list")
    return f"'{node.value}'"


def text(node: Node, ctx: Context) -> str:
    """Any scalar, kept exactly as written (so 0241, NO and 1.10 stay text)."""
    if not isinstance(node, ScalarNode):
        raise Invalid(_("must be text, got {value}").format(value=_describe(node)), node=node)
    value = node.value.strip() if node.style is None else node.value
    if node.style in ("|", ">"):
        value = value.rstrip("\n")
    return value


INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u2060\ufeff]")
"""Zero-width spaces and joiners, direction marks and the word joiner: pasted with text from
web pages and Word, unseen in an editor, they would make two equal-looking titles or tags
differ."""

DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Embeddings, overrides and isolates, which make text display in another order than it is
written (a "right-to-left override" shows 'gpj.exe' as 'exe.jpg')."""


def _line(node: Node, ctx: Context) -> str:
    value = text(node, ctx)
    if "\n" in value.strip():
        raise Invalid(_("must fit on one line"), node=node)
    control = DIRECTION_CONTROLS.search(value)
    if control:
        raise Invalid(
            _(
                "contains an invisible character that changes the direction of the text "
                "({character})"
            ).format(character=_character(control.group())),
            _(
                "delete the text and type it again; it may have been pasted from a document "
                "that hides what it says"
            ),
            node,
        )
    return " ".join(value.split())


def _character(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, '')}".rstrip()


def one_line(node: Node, ctx: Context) -> str:
    """One line of text; spaces collapsed and invisible characters removed."""
    return " ".join(INVISIBLE.sub("", _line(node, ctx)).split())


def exact_line(node: Node, ctx: Context) -> str:
    """One line for a value that machines read (a slug, a code): invisible characters are
    refused, since removing them would change what the editor meant without telling."""
    value = _line(node, ctx)
    found = INVISIBLE.search(value)
    if found:
        raise Invalid(
            _("contains an invisible character ({character})").format(
                character=_character(found.group())
            ),
            _("delete the value and type it again"),
            node,
        )
    return value


def tag(node: Node, ctx: Context) -> str:
    """A tag name, which must give a slug for its page ``/chu-de/<slug>/``."""
    value = one_line(node, ctx)
    if not value:
        raise Invalid(
            _("the tag has only spaces or invisible characters"),
            _("delete it, or write its words"),
            node,
        )
    if not slugify(value):
        raise Invalid(
            _("the tag '{tag}' has no letters or digits").format(tag=value),
            _("write the tag with words, e.g. tags: [Hộ tịch]"),
            node,
        )
    return value


def boolean(node: Node, ctx: Context) -> bool:
    if not isinstance(node, ScalarNode):
        raise Invalid(
            _("must be true or false, got {value}").format(value=_describe(node)), node=node
        )
    word = node.value.strip().lower()
    if word in ("true", "yes", "on"):
        return True
    if word in ("false", "no", "off"):
        return False
    raise Invalid(
        _("must be true or false, got '{value}'").format(value=node.value),
        _("write true or false"),
        node,
    )


def integer(minimum: int | None = None, maximum: int | None = None) -> Kind:
    def kind(node: Node, ctx: Context) -> int:
        if not isinstance(node, ScalarNode) or not re.fullmatch(r"[+-]?\d+", node.value.strip()):
            raise Invalid(
                _("must be a whole number, got {value}").format(value=_describe(node)),
                _("write digits only, e.g. 10"),
                node,
            )
        value = int(node.value)
        if minimum is not None and value < minimum:
            raise Invalid(
                _("must be at least {minimum}, got {value}").format(minimum=minimum, value=value),
                node=node,
            )
        if maximum is not None and value > maximum:
            raise Invalid(
                _("must be at most {maximum}, got {value}").format(maximum=maximum, value=value),
                node=node,
            )
        return value

    return kind


def when(node: Node, ctx: Context) -> dates.ParsedDate:
    """A date with an optional time, in one of the forms of :mod:`cchcgen.dates`."""
    if not isinstance(node, ScalarNode):
        raise Invalid(_("must be a date, got {value}").format(value=_describe(node)), node=node)
    try:
        return dates.parse_date(node.value, ctx.tz)
    except dates.DateParseError as exc:
        raise Invalid(_("must be a date: {problem}").format(problem=exc), exc.hint, node) from None


def day(node: Node, ctx: Context) -> dt.date:
    """A calendar date without a time."""
    parsed = when(node, ctx)
    if parsed.has_time:
        raise Invalid(
            _("must be a date without a time"), _("write only the day, e.g. 30/01/2023"), node
        )
    return parsed.value.date()


def choice(*values: str) -> Kind:
    def kind(node: Node, ctx: Context) -> str:
        value = text(node, ctx)
        if value in values:
            return value
        plain = fold(value).replace("-", "_").replace(" ", "_")  # "xã" → xa, "toàn-trình"
        close = [plain] if plain in values else difflib.get_close_matches(value, values, n=1)
        hint = (
            _("did you mean '{suggestion}'?").format(suggestion=close[0])
            if close
            else _("copy one of these values exactly, with the same capital letters")
        )
        allowed = ", ".join(values)
        message = _("must be one of {allowed}; got '{value}'").format(allowed=allowed, value=value)
        raise Invalid(message, hint, node)

    return kind


def matching(pattern: str, description: str, example: str) -> Kind:
    """Text matching ``pattern``; ``description`` is a message marked with ``N_``."""
    compiled = re.compile(pattern)

    def kind(node: Node, ctx: Context) -> str:
        value = exact_line(node, ctx)
        if not compiled.fullmatch(value):
            raise Invalid(
                _("must be {description}, got '{value}'").format(
                    description=_(description), value=value
                ),
                _("for example: {example}").format(example=example),
                node,
            )
        return value

    return kind


def list_of(item: Kind, allow_scalar: bool = False) -> Kind:
    """A YAML list; each item read with ``item`` and reported at its own line."""

    def kind(node: Node, ctx: Context) -> tuple[Any, ...]:
        if allow_scalar and isinstance(node, ScalarNode) and not is_null(node):
            if "," in node.value:
                items = ", ".join(v.strip() for v in node.value.split(","))
                raise Invalid(
                    _("must be a list"),
                    _("write it as a list: [{items}]").format(items=items),
                    node,
                )
            return (item(node, ctx),)
        if not isinstance(node, SequenceNode):
            raise Invalid(
                _("must be a list, got {value}").format(value=_describe(node)),
                _("write [a, b] or '- a' lines"),
                node,
            )
        values = []
        for child in node.value:
            try:
                if is_null(child):
                    raise Invalid(_("list item is empty"), node=child)
                values.append(item(child, ctx))
            except Invalid as exc:
                report(ctx, exc, child)
        return tuple(values)

    return kind


def mapping(fields: Sequence[Field]) -> Kind:
    def kind(node: Node, ctx: Context) -> dict[str, Any]:
        return read_mapping(node, fields, ctx)

    return kind


def report(ctx: Context, exc: Invalid, fallback: Node | None, field: str | None = None) -> None:
    line, column = ctx.source.position(exc.node or fallback)
    message = (
        _("'{field}' {message}").format(field=field, message=exc.message) if field else exc.message
    )
    ctx.diags.error(ctx.source.path, line, column, message, exc.hint)


def read_mapping(
    node: Node | None, fields: Sequence[Field], ctx: Context, what: str = N_("this block")
) -> dict[str, Any]:
    """Read a YAML mapping against ``fields``; report every problem; return what was valid.

    ``what`` names the mapping in a message: a message marked with ``N_``, or a file name."""
    by_name = {f.name: f for f in fields}
    result: dict[str, Any] = {f.name: f.default for f in fields}
    if node is None or is_null(node):
        node_map: list[tuple[Node, Node]] = []
    elif not isinstance(node, MappingNode):
        line, column = ctx.source.position(node)
        ctx.diags.error(
            ctx.source.path,
            line,
            column,
            _("{what} must be a block of 'key: value' lines").format(what=_(what)),
            _("write one setting per line as 'key: value', with no '- ' in front"),
        )
        return result
    else:
        node_map = node.value
    present: set[str] = set()
    for key_node, value_node in node_map:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        field = by_name.get(key) if key is not None else None
        if field is None:
            line, column = ctx.source.position(key_node)
            shown = key if key is not None else "?"
            close = difflib.get_close_matches(shown, list(by_name), n=1, cutoff=0.6)
            hint = (
                _("did you mean '{suggestion}'?").format(suggestion=close[0])
                if close
                else _("known keys: {keys}").format(keys=", ".join(sorted(by_name)))
            )
            message = _("unknown key '{key}'").format(key=shown)
            ctx.diags.error(ctx.source.path, line, column, message, hint)
            continue
        if field.required and not field.blank and _is_blank(value_node):
            present.add(field.name)
            _report_empty(ctx, field, key_node)
            continue
        if is_null(value_node):
            continue
        present.add(field.name)
        try:
            result[field.name] = field.kind(value_node, ctx)
        except Invalid as exc:
            report(ctx, exc, value_node, field.name)
    for field in fields:
        if field.required and field.name not in present:
            anchor = node if isinstance(node, MappingNode) else None
            line, column = ctx.source.position(anchor)
            ctx.diags.error(
                ctx.source.path,
                line,
                column if anchor is not None else None,
                _("'{key}' is required but missing").format(key=field.name),
                _("add a line '{key}: ...'").format(key=field.name),
            )
    return result


def _is_blank(node: Node) -> bool:
    """Null, a text of spaces and invisible characters, or ``[]``."""
    if isinstance(node, ScalarNode):
        return is_null(node) or not INVISIBLE.sub("", node.value).strip()
    return isinstance(node, SequenceNode) and not node.value


def _report_empty(ctx: Context, field: Field, key_node: Node) -> None:
    line, column = ctx.source.position(key_node)
    ctx.diags.error(
        ctx.source.path,
        line,
        column,
        _("'{key}' is empty").format(key=field.name),
        _("write the {name} after '{key}:'").format(
            name=field.name.replace("_", " "), key=field.name
        ),
    )


def key_position(node: Node | None, key: str, source: YamlSource) -> tuple[int | None, int | None]:
    """Position of ``key``'s value in a mapping node (or of the mapping itself)."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return source.position(value_node)
    return source.position(node)

"""The build cache's values as tagged JSON, so that reading a cache file cannot run code.

A cache folder may come from anywhere (a CI cache restored on another machine), so it is
read as data only. Every value becomes plain JSON: ``None``, booleans, numbers, strings
and lists stand for themselves, anything else is a one-key object whose key tells what it
is (``{"t": [...]}`` a tuple, ``{"c": ["cchcgen.content.Post", [...]]}`` a dataclass ...).

Decoding creates only instances of an allow-list: dataclasses and enums defined in the
modules of :data:`MODULES`, looked up by name in that fixed list, never imported by a name
read from the file. A dataclass is made with ``object.__new__`` and its declared fields
(no ``__init__``, ``__post_init__`` or ``__setstate__`` runs), each field checked against
its annotation; an enum member is found by its value. Anything else fails with
:class:`Unusable`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import importlib
import json
import operator
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

MODULES = (
    "cchcgen.cache",
    "cchcgen.config",
    "cchcgen.content",
    "cchcgen.dates",
    "cchcgen.errors",
    "cchcgen.markup",
    "cchcgen.options",
)
"""The modules whose dataclasses and enums a cache file may hold, besides the modules of
the registered content types (:mod:`cchcgen.kinds`)."""

_ZONE_KEY = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*")


class Unusable(Exception):
    """The data is not a cache written by this module."""


def encode(value: Any) -> bytes:
    """``value`` as JSON text; TypeError for a value the cache cannot hold."""
    return _json(_Encoder().encode(value))


_TO_JSON = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"))
"""``json.dumps`` with these settings makes an encoder each call: a cache is written with
~200,000 calls, most of them for one short string or number."""


_quoted = json.encoder.encode_basestring
"""A string as JSON writes it with ``ensure_ascii=False`` (json's C function)."""


def _json(tree: Any) -> bytes:
    """A tree of JSON values as the cache's text (UTF-8, no spaces). The values most
    written alone (a string, a number, a tagged string or number such as ``{"r": 3}``) are
    written here directly, in the same text as json's."""
    kind = type(tree)
    if kind is str:
        return _quoted(tree).encode()
    if kind is int:
        return b"%d" % tree
    if tree is None:
        return b"null"
    if kind is bool:
        return b"true" if tree else b"false"
    if kind is dict and len(tree) == 1:
        ((tag, payload),) = tree.items()
        if type(tag) is str and type(payload) is str:
            return f"{{{_quoted(tag)}:{_quoted(payload)}}}".encode()
        if type(tag) is str and type(payload) is int:
            return f"{{{_quoted(tag)}:{payload}}}".encode()
    return _TO_JSON.encode(tree).encode()


def write(value: Any, stream: BinaryIO, depth: int = 4) -> None:
    """Write :func:`encode`'s bytes for ``value`` to ``stream`` piece by piece: the
    containers of the outer ``depth`` levels item by item, so that a large cache is never
    one string (nor one tree of JSON values) in memory. TypeError as for :func:`encode`."""
    _Writer(stream).write(value, depth)


class _Writer:
    def __init__(self, stream: BinaryIO) -> None:
        self.encoder = _Encoder()  # one table of long strings, in the order of the text
        self.stream = stream

    def dump(self, value: Any) -> None:
        self.stream.write(_json(self.encoder.encode(value)))

    def items(self, opening: bytes, values: Iterable[Any], closing: bytes, depth: int) -> None:
        self.stream.write(opening)
        for index, item in enumerate(values):
            if index:
                self.stream.write(b",")
            self.write(item, depth)
        self.stream.write(closing)

    def write(self, value: Any, depth: int) -> None:
        kind = type(value)
        if depth <= 0:
            return self.dump(value)
        if kind is dict:
            self.stream.write(b'{"d":[')
            for index, (key, item) in enumerate(value.items()):
                self.stream.write(b"[" if not index else b",[")
                self.write(key, depth - 1)
                self.stream.write(b",")
                self.write(item, depth - 1)
                self.stream.write(b"]")
            self.stream.write(b"]}")
            return None
        if kind is list:
            return self.items(b"[", value, b"]", depth - 1)
        if kind is tuple and value:
            return self.items(b'{"t":[', value, b"]}", depth - 1)
        layout = _layouts.get(kind) or (None if kind in _ENCODERS else _layout(kind))
        if layout is None:
            return self.dump(value)
        self.stream.write(_opening(layout[0]))
        self.items(b"[", layout[1](value), b"]]}", depth - 1)
        return None


@functools.cache
def _opening(name: str) -> bytes:
    """What a dataclass's object starts with, up to its fields' values."""
    return b'{"c":[' + _json(name) + b","


def decode(data: bytes) -> Any:
    """The value :func:`encode` was given; :class:`Unusable` for anything else."""
    try:
        return json.loads(data, object_hook=_Decoder().decode)
    except Unusable:
        raise
    except Exception as exc:  # noqa: BLE001 - bad JSON, too deep, wrong types: all unusable
        raise Unusable(f"{type(exc).__name__}: {exc}") from None


_LONG = 100
"""Strings this long are written once (``{"S": text}``) and then referred to by number
(``{"r": n}``): a post's HTML is held both by the post and by the Markdown memo kept
beside it."""


# encoding ------------------------------------------------------------------------------


class _Encoder:
    def __init__(self) -> None:
        self.strings: dict[str, int] = {}

    def encode(self, value: Any) -> Any:  # noqa: PLR0911 - one return per kind
        kind = type(value)
        if kind is str:
            if len(value) < _LONG:
                return value
            number = self.strings.get(value)
            if number is not None:
                return {"r": number}
            self.strings[value] = len(self.strings)
            return {"S": value}
        if kind is int or kind is bool or kind is float or value is None:
            return value
        if kind is tuple:
            return {"t": [self.encode(item) for item in value]} if value else _EMPTY
        layout = _layouts.get(kind)
        if layout is None:
            encoder = _ENCODERS.get(kind)
            if encoder is not None:
                return encoder(self, value)
            layout = _layout(kind)
        if layout is not None:
            return {"c": [layout[0], [self.encode(item) for item in layout[1](value)]]}
        if isinstance(value, enum.Enum):
            return {"e": [_allowed_name(kind), self.encode(value.value)]}
        if kind.__module__ == "markupsafe" and kind.__name__ == "Markup":
            return {"m": str(value)}
        raise TypeError(f"the build cache cannot hold a {kind.__module__}.{kind.__qualname__}")


_EMPTY: dict[str, list[Any]] = {"t": []}

_Layout = tuple[str, Callable[[Any], tuple[Any, ...]]]
_layouts: dict[type, _Layout] = {}


def _layout(kind: type) -> _Layout | None:
    """A dataclass's name and a function giving its fields' values; None for others."""
    if not dataclasses.is_dataclass(kind):
        return None
    names = [f.name for f in dataclasses.fields(kind)]
    getter = operator.attrgetter(*names) if names else (lambda _value: ())
    values = getter if len(names) != 1 else (lambda value: (getter(value),))
    layout = _layouts[kind] = (_allowed_name(kind), values)  # type: ignore[assignment]
    return layout


def _allowed_name(kind: type) -> str:
    allowed = kind.__module__ in MODULES or kind.__module__ in _type_modules()
    if not allowed or "." in kind.__qualname__:
        raise TypeError(f"the build cache cannot hold a {kind.__module__}.{kind.__qualname__}")
    return f"{kind.__module__}.{kind.__qualname__}"


def _encode_zone(zone: dt.tzinfo | None) -> Any:
    if zone is None:
        return None
    if type(zone) is ZoneInfo and zone.key is not None:
        return zone.key
    if type(zone) is dt.timezone:
        offset = zone.utcoffset(None)
        return [offset // dt.timedelta(microseconds=1), zone.tzname(None)]
    raise TypeError(f"the build cache cannot hold the time zone {zone!r}")


_ENCODERS: dict[type, Callable[[_Encoder, Any], Any]] = {
    list: lambda e, v: [e.encode(item) for item in v],
    bytes: lambda _e, v: {"b": v.hex()},
    dict: lambda e, v: {"d": [[e.encode(k), e.encode(item)] for k, item in v.items()]},
    set: lambda e, v: {"s": [e.encode(item) for item in v]},
    frozenset: lambda e, v: {"f": [e.encode(item) for item in v]},
    dt.date: lambda _e, v: {"D": v.isoformat()},
    dt.datetime: lambda _e, v: {
        "T": [v.replace(tzinfo=None).isoformat(), _encode_zone(v.tzinfo), v.fold]
    },
}


# decoding ------------------------------------------------------------------------------


class _Decoder:
    """``json.loads``'s object hook: objects come in the order they were written, so a
    long string is known before it is referred to."""

    def __init__(self) -> None:
        self.strings: list[str] = []

    def decode(self, obj: dict[str, Any]) -> Any:
        if len(obj) != 1:
            raise Unusable("an object with other than one key")
        ((tag, payload),) = obj.items()
        if tag == "S":
            self.strings.append(_text(payload))
            return payload
        if tag == "r":
            if type(payload) is not int or not 0 <= payload < len(self.strings):
                raise Unusable("a reference to no string")
            return self.strings[payload]
        decoder = _DECODERS.get(tag)
        if decoder is None:
            raise Unusable(f"unknown tag {tag!r}")
        return decoder(payload)


def _list(payload: Any, length: int | None = None) -> list[Any]:
    if type(payload) is not list or (length is not None and len(payload) != length):
        raise Unusable("a list was expected")
    return payload


def _text(payload: Any) -> str:
    if type(payload) is not str:
        raise Unusable("a string was expected")
    return payload


def _decode_dict(payload: Any) -> dict[Any, Any]:
    return dict((key, value) for key, value in (_list(pair, 2) for pair in _list(payload)))


def _decode_date(payload: Any) -> dt.date:
    return dt.date.fromisoformat(_text(payload))


def _decode_datetime(payload: Any) -> dt.datetime:
    text, zone, fold = _list(payload, 3)
    value = dt.datetime.fromisoformat(_text(text))
    if value.tzinfo is not None or fold not in (0, 1) or type(fold) is not int:
        raise Unusable("a malformed date and time")
    return value.replace(tzinfo=_decode_zone(zone), fold=fold)


def _decode_zone(payload: Any) -> dt.tzinfo | None:
    if payload is None:
        return None
    if type(payload) is str:
        if not _ZONE_KEY.fullmatch(payload) or ".." in payload:
            raise Unusable("a malformed time zone")
        return ZoneInfo(payload)
    micros, name = _list(payload, 2)
    if type(micros) is not int or type(name) is not str:
        raise Unusable("a malformed time zone")
    zone = dt.timezone(dt.timedelta(microseconds=micros), name)
    return dt.UTC if zone == dt.UTC and name == "UTC" else zone


def _decode_markup(payload: Any) -> Any:
    try:
        from markupsafe import Markup
    except ImportError:
        raise Unusable("markupsafe is not installed") from None
    return Markup(_text(payload))


def _decode_dataclass(payload: Any) -> Any:
    name, values = _list(payload, 2)
    found = _found.get(name) if type(name) is str else None
    if found is None:
        found = _lookup(name)
        if found is None or issubclass(found[0], enum.Enum):
            raise Unusable(f"{name!r} is not a class the cache may hold")
        _found[name] = found
    cls, fields = found
    if type(values) is not list or len(values) != len(fields):
        raise Unusable(f"{name}: wrong number of fields")
    instance: Any = object.__new__(cls)
    setattr_ = object.__setattr__
    for (field, check), value in zip(fields, values):  # noqa: B905 - lengths checked
        if check is not None and not check(value):
            raise Unusable(f"{name}.{field}: a value of the wrong type")
        setattr_(instance, field, value)
    return instance


def _decode_enum(payload: Any) -> Any:
    name, value = _list(payload, 2)
    found = _lookup(name)
    if found is None or not issubclass(found[0], enum.Enum):
        raise Unusable(f"{name!r} is not an enum the cache may hold")
    try:
        return found[0]._value2member_map_[value]
    except (KeyError, TypeError):
        raise Unusable(f"{name}: no member {value!r}") from None


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "t": lambda p: tuple(_list(p)),
    "b": lambda p: bytes.fromhex(_text(p)),
    "d": _decode_dict,
    "s": lambda p: set(_list(p)),
    "f": lambda p: frozenset(_list(p)),
    "D": _decode_date,
    "T": _decode_datetime,
    "m": _decode_markup,
    "c": _decode_dataclass,
    "e": _decode_enum,
}


# the allow-list ------------------------------------------------------------------------

_Check = Callable[[Any], bool] | None
"""Does a decoded value fit an annotation? None: anything does."""
_Fields = tuple[tuple[str, _Check], ...]
_allow: dict[str, dict[str, tuple[type, _Fields]]] = {}
_found: dict[str, tuple[type, _Fields]] = {}
"""The dataclasses met so far, by full name."""


def _lookup(name: Any) -> tuple[type, _Fields] | None:
    """The dataclass or enum called ``name`` (with its fields and their checks), when
    it is defined in one of :data:`MODULES`; else None."""
    module_name, _dot, class_name = _text(name).rpartition(".")
    if module_name not in MODULES and module_name not in _type_modules():
        return None
    known = _allow.get(module_name)
    if known is None:
        known = _allow[module_name] = _classes(module_name)
    return known.get(class_name)


def _type_modules() -> frozenset[str]:
    """The modules of the registered content types, which declare their own records."""
    from . import kinds

    return frozenset(type(kind).__module__ for kind in kinds.registry())


def _classes(module_name: str) -> dict[str, tuple[type, _Fields]]:
    """The dataclasses and enums a module of the fixed list defines."""
    module = importlib.import_module(module_name)
    found: dict[str, tuple[type, _Fields]] = {}
    for name, cls in vars(module).items():
        if not isinstance(cls, type) or cls.__module__ != module_name:
            continue
        if issubclass(cls, enum.Enum):
            found[name] = (cls, ())
        elif dataclasses.is_dataclass(cls):
            try:
                hints = typing.get_type_hints(cls, vars(module))
            except NameError:  # names imported for type checking only: not a cached record
                continue
            fields = tuple((f.name, _check(hints[f.name])) for f in dataclasses.fields(cls))
            found[name] = (cls, fields)
    return found


def _check(hint: Any) -> _Check:  # noqa: C901, PLR0911 - one branch per form
    """The check of a field's annotation. A dataclass value was checked when it was
    made, so only its class is looked at."""
    if hint is Any:
        return None
    if hint is None or hint is type(None):
        return lambda value: value is None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is None:
        if hint is float:
            return lambda value: type(value) is float or type(value) is int
        if hint is int:
            return lambda value: type(value) is int
        if not isinstance(hint, type):
            return lambda _value: False
        return lambda value: isinstance(value, hint)
    if origin is types.UnionType or origin is typing.Union:
        options = [_check(arg) for arg in args]
        if None in options:
            return None
        return lambda value: any(check(value) for check in options)  # type: ignore[misc]
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return _items(tuple, _check(args[0]))
    if origin is tuple:
        checks = [_check(arg) or _anything for arg in args]
        return lambda value: (
            type(value) is tuple
            and len(value) == len(checks)
            and all(check(item) for check, item in zip(checks, value, strict=True))
        )
    if origin in (list, set, frozenset):
        return _items(origin, _check(args[0]))
    if origin is dict or origin is Mapping:
        key, item = _check(args[0]) or _anything, _check(args[1]) or _anything
        return lambda value: (
            type(value) is dict and all(key(k) and item(v) for k, v in value.items())
        )
    if origin is typing.Literal:
        return lambda value: value in args
    return lambda _value: False


def _anything(_value: Any) -> bool:
    return True


def _items(kind: type, check: _Check) -> Callable[[Any], bool]:
    if check is None:
        return lambda value: type(value) is kind
    each: Callable[[Any], bool] = check  # narrowed for the closure

    def items_checked(value: Any) -> bool:
        return type(value) is kind and all(map(each, typing.cast(Iterable[Any], value)))

    return items_checked

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
import importlib
import json
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any
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
"""The modules whose dataclasses and enums a cache file may hold."""

_ZONE_KEY = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*")


class Unusable(Exception):
    """The data is not a cache written by this module."""


def encode(value: Any) -> bytes:
    """``value`` as JSON text; TypeError for a value the cache cannot hold."""
    return json.dumps(_encode(value), ensure_ascii=False, separators=(",", ":")).encode()


def decode(data: bytes) -> Any:
    """The value :func:`encode` was given; :class:`Unusable` for anything else."""
    try:
        return json.loads(data, object_hook=_decode_tagged)
    except Unusable:
        raise
    except Exception as exc:  # noqa: BLE001 - bad JSON, too deep, wrong types: all unusable
        raise Unusable(f"{type(exc).__name__}: {exc}") from None


# encoding ------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value
    encoder = _ENCODERS.get(kind)
    if encoder is not None:
        return encoder(value)
    layout = _layouts.get(kind)
    if layout is not None:
        return {"c": [layout[0], [_encode(getattr(value, name)) for name in layout[1]]]}
    if dataclasses.is_dataclass(value) and isinstance(kind, type):
        _layouts[kind] = (_allowed_name(kind), tuple(f.name for f in dataclasses.fields(kind)))
        return _encode(value)
    if isinstance(value, enum.Enum):
        return {"e": [_allowed_name(kind), _encode(value.value)]}
    if kind.__module__ == "markupsafe" and kind.__name__ == "Markup":
        return {"m": str(value)}
    raise TypeError(f"the build cache cannot hold a {kind.__module__}.{kind.__qualname__}")


def _allowed_name(kind: type) -> str:
    if kind.__module__ not in MODULES or "." in kind.__qualname__:
        raise TypeError(f"the build cache cannot hold a {kind.__module__}.{kind.__qualname__}")
    return f"{kind.__module__}.{kind.__qualname__}"


_layouts: dict[type, tuple[str, tuple[str, ...]]] = {}


def _encode_zone(zone: dt.tzinfo | None) -> Any:
    if zone is None:
        return None
    if type(zone) is ZoneInfo and zone.key is not None:
        return zone.key
    if type(zone) is dt.timezone:
        offset = zone.utcoffset(None)
        return [offset // dt.timedelta(microseconds=1), zone.tzname(None)]
    raise TypeError(f"the build cache cannot hold the time zone {zone!r}")


_ENCODERS: dict[type, Callable[[Any], Any]] = {
    list: lambda v: [_encode(item) for item in v],
    tuple: lambda v: {"t": [_encode(item) for item in v]},
    bytes: lambda v: {"b": v.hex()},
    dict: lambda v: {"d": [[_encode(k), _encode(item)] for k, item in v.items()]},
    set: lambda v: {"s": [_encode(item) for item in v]},
    frozenset: lambda v: {"f": [_encode(item) for item in v]},
    dt.date: lambda v: {"D": v.isoformat()},
    dt.datetime: lambda v: {
        "T": [v.replace(tzinfo=None).isoformat(), _encode_zone(v.tzinfo), v.fold]
    },
}


# decoding ------------------------------------------------------------------------------


def _decode_tagged(obj: dict[str, Any]) -> Any:
    if len(obj) != 1:
        raise Unusable("an object with other than one key")
    ((tag, payload),) = obj.items()
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
    found = _lookup(name)
    if found is None or not isinstance(found[0], type) or issubclass(found[0], enum.Enum):
        raise Unusable(f"{name!r} is not a class the cache may hold")
    cls, hints = found
    if type(values) is not list or len(values) != len(hints):
        raise Unusable(f"{name}: wrong number of fields")
    instance = object.__new__(cls)
    for (field, hint), value in zip(hints, values, strict=True):
        if not _conforms(value, hint):
            raise Unusable(f"{name}.{field}: a value of the wrong type")
        object.__setattr__(instance, field, value)
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

_Hints = tuple[tuple[str, Any], ...]
_allow: dict[str, dict[str, tuple[type, _Hints]]] = {}


def _lookup(name: Any) -> tuple[type, _Hints] | None:
    """The dataclass or enum called ``name`` (with its fields and their annotations),
    when it is defined in one of :data:`MODULES`; else None."""
    module_name, _dot, class_name = _text(name).rpartition(".")
    if module_name not in MODULES:
        return None
    known = _allow.get(module_name)
    if known is None:
        known = _allow[module_name] = _classes(module_name)
    return known.get(class_name)


def _classes(module_name: str) -> dict[str, tuple[type, _Hints]]:
    """The dataclasses and enums a module of the fixed list defines."""
    module = importlib.import_module(module_name)
    found: dict[str, tuple[type, _Hints]] = {}
    for name, cls in vars(module).items():
        if not isinstance(cls, type) or cls.__module__ != module_name:
            continue
        if issubclass(cls, enum.Enum):
            found[name] = (cls, ())
        elif dataclasses.is_dataclass(cls):
            hints = typing.get_type_hints(cls, vars(module))
            found[name] = (cls, tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls)))
    return found


def _conforms(value: Any, hint: Any) -> bool:  # noqa: C901, PLR0911 - one branch per form
    """Does a decoded value fit a field's annotation? Dataclass values were checked when
    they were made, so only their class is looked at."""
    if hint is Any:
        return True
    if hint is None or hint is type(None):
        return value is None
    origin = typing.get_origin(hint)
    if origin is None:
        if hint is float:
            return type(value) in (float, int)
        if hint is int:
            return type(value) is int
        return isinstance(hint, type) and isinstance(value, hint)
    args = typing.get_args(hint)
    if origin is types.UnionType or origin is typing.Union:
        return any(_conforms(value, arg) for arg in args)
    if origin is tuple:
        if type(value) is not tuple:
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_conforms(item, args[0]) for item in value)
        return len(value) == len(args) and all(map(_conforms, value, args))
    if origin is list:
        return type(value) is list and all(_conforms(item, args[0]) for item in value)
    if origin in (set, frozenset):
        return type(value) is origin and all(_conforms(item, args[0]) for item in value)
    if origin is dict or origin is Mapping:
        return type(value) is dict and all(
            _conforms(k, args[0]) and _conforms(v, args[1]) for k, v in value.items()
        )
    if origin is typing.Literal:
        return value in args
    return False

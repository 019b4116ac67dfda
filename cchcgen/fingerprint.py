"""Stable digests of content, for deciding what an incremental build must redo.

``Digests.of(value)`` hashes any mix of frozen dataclasses, tuples, lists, dicts,
strings, numbers, dates, enums and paths into 16 bytes that are the same in every
process and every run (no ``hash()``, no set order, no object identity). Within one
build, the digest of each dataclass object is remembered, so a post shown on many
pages is hashed once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import Any, TypeVar

SIZE = 16
_D = TypeVar("_D")


class Digests:
    """Digest values; remembers dataclass objects for as long as it lives (one build)."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[Any, bytes]] = {}
        self._fields: dict[type, tuple[bytes, tuple[tuple[str, bytes], ...]]] = {}

    def seed(self, value: Any, digest: bytes) -> None:
        """Tell the digest of a dataclass object computed earlier (by the build that
        parsed it), so it is not computed again."""
        self._memo[id(value)] = (value, digest)

    def replace(self, value: _D, **changes: Any) -> _D:
        """``dataclasses.replace(value, **changes)``, whose digest is made from the known
        digest of ``value`` and the changes, not from every field again (a post whose
        category the loader resolves is not hashed again, body and all). Equal changes of
        equal objects give equal digests in every build; an object equal to the new one
        but made otherwise has another digest, which only makes its outputs be made again."""
        new = dataclasses.replace(value, **changes)  # type: ignore[type-var]
        hit = self._memo.get(id(value))
        if hit is not None and hit[0] is value:
            h = hashlib.blake2b(digest_size=SIZE)
            h.update(b"R" + hit[1])
            for name in sorted(changes):
                h.update(name.encode() + b"=")
                self._feed(h, changes[name])
            self._memo[id(new)] = (new, h.digest())
        return new

    def of(self, value: Any) -> bytes:
        h = hashlib.blake2b(digest_size=SIZE)
        self._feed(h, value)
        return h.digest()

    def of_all(self, values: Iterable[Any]) -> bytes:
        return self.of(tuple(values))

    def _layout(self, cls: type) -> tuple[bytes, tuple[tuple[str, bytes], ...]]:
        """The class's name and its fields' names, encoded once."""
        known = self._fields.get(cls)
        if known is None:
            head = f"{cls.__module__}.{cls.__qualname__}".encode()
            fields = tuple((f.name, f.name.encode()) for f in dataclasses.fields(cls))
            known = self._fields[cls] = (head, fields)
        return known

    def object(self, value: Any) -> bytes:
        """The digest a dataclass object contributes to the values that contain it."""
        return self._object(value)

    def _object(self, value: Any) -> bytes:
        key = id(value)
        hit = self._memo.get(key)
        if hit is not None and hit[0] is value:
            return hit[1]
        h = hashlib.blake2b(digest_size=SIZE)
        head, fields = self._layout(type(value))
        h.update(head)
        feed = self._feed
        for name, encoded in fields:
            h.update(encoded)
            feed(h, getattr(value, name))
        result = h.digest()
        self._memo[key] = (value, result)  # keeps the object alive, so ids stay unique
        return result

    def _feed(self, h: Any, value: Any) -> None:  # noqa: C901, PLR0912 - one branch per type
        kind = type(value)
        # the exact types met most, first (each fed as its general branch below feeds it)
        if kind in self._fields:  # a dataclass met before
            h.update(b"D" + self._object(value))
        elif kind is str:
            data = value.encode("utf-8", "surrogatepass")
            h.update(b"s" + len(data).to_bytes(8, "little"))
            h.update(data)
        elif kind is tuple:
            h.update(b"(" + len(value).to_bytes(8, "little"))
            feed = self._feed
            for item in value:
                feed(h, item)
        elif kind is dt.datetime:
            h.update(b"d" + value.isoformat().encode() + str(value.tzinfo).encode() + b";")
        elif value is None:
            h.update(b"N")
        elif isinstance(value, str):
            data = value.encode("utf-8", "surrogatepass")
            h.update(b"s" + len(data).to_bytes(8, "little"))
            h.update(data)
        elif isinstance(value, bool):
            h.update(b"T" if value else b"F")
        elif isinstance(value, int | float):
            h.update(b"n" + repr(value).encode() + b";")
        elif isinstance(value, tuple | list):
            h.update(b"(" + len(value).to_bytes(8, "little"))
            for item in value:
                self._feed(h, item)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            h.update(b"D" + self._object(value))
        elif isinstance(value, Mapping):
            h.update(b"{" + len(value).to_bytes(8, "little"))
            for key in sorted(value, key=repr):
                self._feed(h, key)
                self._feed(h, value[key])
        elif isinstance(value, dt.datetime | dt.date | dt.time):
            zone = getattr(value, "tzinfo", None)
            h.update(b"d" + value.isoformat().encode() + str(zone).encode() + b";")
        elif isinstance(value, dt.tzinfo):
            h.update(b"z" + str(value).encode() + b";")
        elif isinstance(value, enum.Enum):
            h.update(b"e" + type(value).__name__.encode() + b"." + value.name.encode())
        elif isinstance(value, bytes):
            h.update(b"b" + len(value).to_bytes(8, "little"))
            h.update(value)
        elif isinstance(value, PurePath):
            h.update(b"p" + str(value).encode("utf-8", "surrogatepass") + b";")
        elif isinstance(value, frozenset | set):
            parts = sorted(self.of(item) for item in value)
            h.update(b"S" + len(parts).to_bytes(8, "little") + b"".join(parts))
        elif isinstance(value, range):
            h.update(f"r{value.start},{value.stop},{value.step};".encode())
        elif callable(value):  # a helper passed to a layout: its name
            h.update(f"f{value.__module__}.{value.__qualname__};".encode())
        else:
            raise TypeError(f"cannot digest a {type(value).__name__}")

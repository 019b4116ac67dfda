"""``cchcgen new``: create a content file with its front matter filled in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import kinds
from .config import Agency
from .errors import Collector, ContentError
from .messages import _
from .urls import slugify
from .yamlutil import dump_front_matter


@dataclass(frozen=True, slots=True)
class Created:
    path: Path
    rel: str


def _fail(rel: str, message: str, hint: str | None = None) -> ContentError:
    diags = Collector()
    diags.error(rel, None, None, message, hint)
    return ContentError(diags.items)


def new_kinds() -> tuple[str, ...]:
    """The content types ``cchcgen new`` can start a file of."""
    return tuple(k.name for k in kinds.registry() if k.new_file("x", "x", _EPOCH, None))


_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def new_content(
    root: Path, kind: str, title: str, now: dt.datetime, agency: Agency | None = None
) -> Created:
    """Write a new file of content type ``kind`` (its starter: see
    :meth:`cchcgen.kinds.base.ContentType.new_file`); never overwrite an existing file."""
    title = " ".join(title.split())
    slug = slugify(title)
    if not slug:
        raise _fail(
            "content",
            _("cannot make an address from the title {title}").format(title=repr(title)),
            _("use a title with letters or digits"),
        )
    starter = next(k for k in kinds.registry() if k.name == kind).new_file(title, slug, now, agency)
    if starter is None:
        raise ValueError(f"content type {kind!r} has no starter file")
    rel, front, body = starter
    path = root.joinpath(*rel.split("/"))
    if path.exists():
        raise _fail(rel, _("this file already exists"), _("choose another title or edit the file"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{dump_front_matter(front)}---\n\n{body}", encoding="utf-8")
    return Created(path, rel)

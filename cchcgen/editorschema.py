"""JSON Schemas of a site's files for text editors, made from the field declarations.

``cchcgen schema`` writes one schema per kind of file (site.yaml, then every content type
of the registry) into ``.cchcgen/schemas/``; ``cchcgen init`` writes them with
``.vscode/settings.json``, which maps each YAML file pattern to its schema for the YAML
language server (VS Code's YAML extension): completion, hover text and checks while the
editor types, with the Vietnamese descriptions of ``locales/fields/<language>.yaml``.

What the schemas can say, and what they cannot:

* They declare draft 2020-12 but use only keywords that mean the same in draft-07, the
  draft the YAML language server implements (no ``$ref``, ``$defs``, ``prefixItems``).
* A value is described as the YAML language server reads it (YAML 1.2 core schema: ``yes``
  is text, ``2023`` a number, ``30/01/2023`` text), while cchcgen reads every scalar from
  its raw text. So a text field also accepts numbers and true/false, and a whole-number
  field accepts digits in quotes.
* Where a reader's rule cannot be written as a schema (the length of a month, a rule
  between two files, a number written as a YAML number), the schema accepts more than
  ``cchcgen check`` and the field's description says so. It never refuses what the
  checker accepts.
* VS Code's YAML extension does not read the front matter of Markdown files; their schemas
  are written all the same (``docs/editors.md`` says what can use them).
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from . import __version__, config, kinds
from .errors import Collector, ContentError
from .messages import _
from .schema import Field
from .urls import MAX_SLUG, SLUG_RE
from .yamlutil import load_trusted

DIRNAME = ".cchcgen/schemas"
"""Beside site.yaml, outside content/: never published."""
SETTINGS = ".vscode/settings.json"
EXTENSIONS = ".vscode/extensions.json"
YAML_EXTENSION = "redhat.vscode-yaml"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

Schema = dict[str, Any]


# ---------------------------------------------------------------- patterns (ECMA and Python)

_CONTROLS = r"\u202a-\u202e\u2066-\u2069"
_INVISIBLE = r"\u200b-\u200f\u2060\ufeff"
SCALAR = ["string", "number", "boolean"]
ONE_LINE = rf"^\s*[^\n{_CONTROLS}]*\s*$"
EXACT_LINE = rf"^\s*[^\n{_CONTROLS}{_INVISIBLE}]*\s*$"
VISIBLE = rf"[^\s{_INVISIBLE}]"
LETTER = r"[0-9A-Za-z\u00aa-\uffff]"
INTEGER = r"^\s*[+-]?\d+\s*$"
DECIMAL = r"^\s*[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?\s*$"


def _any_case(*words: str) -> str:
    return "|".join("".join(f"[{c.upper()}{c}]" for c in word) for word in words)


BOOLEAN = rf"^\s*(?:{_any_case('true', 'false', 'yes', 'no', 'on', 'off')})\s*$"

_D = r"(?:0?[1-9]|[12]\d|3[01])"
_M = r"(?:0?[1-9]|1[0-2])"
_Y = r"(?:194[5-9]|19[5-9]\d|[2-9]\d{3})"  # dates.py refuses years before 1945
_H = r"(?:[01]?\d|2[0-3])"
_ISO_TIME = rf"(?:[T ]{_H}:[0-5]\d(?::[0-5]\d(?:\.\d+)?)?\s*(?:Z|[+-](?:0\d|1[0-4]):?[0-5]\d)?)?"
_VN_TIME = rf"(?:\s+{_H}[:h][0-5]\d(?::[0-5]\d)?)?"
DAY = rf"^\s*(?:{_Y}-{_M}-{_D}|{_D}/{_M}/{_Y})\s*$"
WHEN = rf"^\s*(?:{_Y}-{_M}-{_D}{_ISO_TIME}|{_D}/{_M}/{_Y}{_VN_TIME})\s*$"
ISSUED = rf"^\s*(?:{_M}/\d{{4}}|\d{{4}}-{_M}|\d{{4}}|{_Y}-{_M}-{_D}|{_D}/{_M}/{_Y})\s*$"

NOT_BLANK: Schema = {"pattern": VISIBLE, "minItems": 1}
"""A required value: not only spaces or invisible characters, not ``[]``."""


def _text(*patterns: str, types: Sequence[str] = ("string",)) -> Schema:
    """Text matching every pattern (a number or true/false when ``types`` allows it)."""
    found: Schema = {"type": list(types) if len(types) > 1 else types[0]}
    if len(patterns) == 1:
        found["pattern"] = patterns[0]
    elif patterns:
        found["allOf"] = [{"pattern": p} for p in patterns]
    return found


def _anchored(pattern: str) -> str:
    return rf"^\s*(?:{pattern})\s*$"


def _types_for(compiled: re.Pattern[str]) -> list[str]:
    """Text, plus number (true/false) when the pattern accepts some: YAML reads an unquoted
    ``1.001193`` or ``2023`` as a number, which cchcgen reads from its digits."""
    types = ["string"]
    if any(compiled.fullmatch(n) for n in ("0", "7", "2023", "1.5", "1.001193")):
        types.append("number")
    if any(compiled.fullmatch(b) for b in ("true", "false")):
        types.append("boolean")
    return types


# ---------------------------------------------------------------- files


@dataclass(frozen=True, slots=True)
class FileKind:
    """One kind of file: its schema's name, its place in the site, its keys."""

    key: str
    """``site``, ``post``: the schema file's name and the prefix of its descriptions."""
    pattern: str
    """``content/posts/**/*.md``, relative to the site folder."""
    fields: tuple[Field, ...]
    is_list: bool = False

    @property
    def front_matter(self) -> bool:
        return self.pattern.endswith(".md")

    @property
    def filename(self) -> str:
        return f"{self.key}.schema.json"


def file_kinds() -> tuple[FileKind, ...]:
    """site.yaml, then every content type of the registry, in its order."""
    site = FileKind("site", config.CONFIG_FILE, config.FIELDS)
    return (
        site,
        *(
            FileKind(k.name, re.sub(r"<[^>]+>", "*", k.where), k.fields, k.file_shape == "list")
            for k in kinds.registry()
            if k.fields  # a type with no files of its own (the online services page)
        ),
    )


# ---------------------------------------------------------------- readers to schemas


def _closure(reader: Callable[..., Any]) -> tuple[str, dict[str, Any]]:
    """(``list_of``, its variables) for a kind made by a function of cchcgen.schema."""
    name = getattr(reader, "__qualname__", "")
    if getattr(reader, "__module__", "") == "cchcgen.schema" and ".<locals>" in name:
        return name.split(".<locals>")[0], dict(inspect.getclosurevars(reader).nonlocals)
    return name, {}


def _nested(reader: Callable[..., Any]) -> tuple[Field, ...] | None:
    """The fields a module's own reader reads a block with, if any."""
    found = inspect.getclosurevars(reader)
    for value in (*found.nonlocals.values(), *found.globals.values()):
        if isinstance(value, tuple) and value and all(isinstance(v, Field) for v in value):
            return value
    return None


@dataclass(frozen=True, slots=True)
class _Builder:
    """Schemas of one kind of file, with the descriptions of its fields."""

    key: str
    strings: Mapping[str, Any]

    def describe(self, path: str, exact: bool) -> str:
        text = str(self.strings.get(f"{self.key}.{path}") or self.strings.get(f"*.{path}", ""))
        if not exact:
            text = f"{text} {self.strings['schema_note_partial']}".strip()
        return text

    def block(self, fields: Sequence[Field], prefix: str) -> Schema:
        required = [f.name for f in fields if f.required]
        found: Schema = {
            "type": "object",
            "properties": {f.name: self.field(f, prefix + f.name) for f in fields},
            "additionalProperties": False,
        }
        if required:
            found["required"] = required
        return found

    def field(self, field: Field, path: str) -> Schema:
        value, exact = self.value(field.kind, path)
        if field.required and not field.blank:
            value = {"allOf": [value, NOT_BLANK]}
        elif not field.required:
            value = _nullable(value)
        found: Schema = {"description": self.describe(path, exact)}
        default = _json_default(field.default)
        if default is not None:
            found["default"] = default
        return {**found, **value}

    def value(self, reader: Callable[..., Any], path: str) -> tuple[Schema, bool]:
        """The schema of a value read by ``reader``; False when it accepts more than the
        reader does."""
        name, scope = _closure(reader)
        if name == "mapping":
            return self.block(scope["fields"], path + "."), True
        if name == "list_of":
            item, exact = self.value(scope["item"], path + "[]")
            array: Schema = {"type": "array", "items": item}
            if not scope["allow_scalar"]:
                return array, exact
            alone = {"allOf": [item, {"pattern": "^[^,]*$"}]}  # "a, b" must be a list
            return {"anyOf": [array, alone]}, exact
        if name == "choice":
            return {"enum": list(scope["values"])}, True
        if name == "integer":
            found = _text(INTEGER, types=("integer", "string"))
            if scope["minimum"] is not None:
                found["minimum"] = scope["minimum"]
            if scope["maximum"] is not None:
                found["maximum"] = scope["maximum"]
            return found, True
        if name == "matching":
            compiled: re.Pattern[str] = scope["compiled"]
            types = _types_for(compiled)
            found = _text(_anchored(compiled.pattern), EXACT_LINE, types=types)
            return found, types == ["string"]
        plain = _PLAIN.get(name) if reader.__module__ == "cchcgen.schema" else None
        if plain is not None:
            return plain
        own = _OWN.get(f"{reader.__module__}.{name}")
        if own is not None:
            return own(self, reader, path)
        return self.unknown(reader, path)

    def unknown(self, reader: Callable[..., Any], path: str) -> tuple[Schema, bool]:
        """A module's own reader that this module does not know: by what it reads."""
        nested = _nested(reader)
        if nested is not None:
            return {"anyOf": [_text(ONE_LINE, types=SCALAR), self.block(nested, path + ".")]}, False
        returns = inspect.get_annotations(reader).get("return")
        if returns in ("int", int):
            return _text(INTEGER, types=("integer", "string")), False
        if returns in ("float", float):
            return _text(DECIMAL, types=("number", "string")), False
        return {}, False


_PLAIN: dict[str, tuple[Schema, bool]] = {
    "text": (_text(types=SCALAR), True),
    "one_line": (_text(ONE_LINE, types=SCALAR), True),
    "exact_line": (_text(EXACT_LINE, types=SCALAR), True),
    "tag": (_text(ONE_LINE, LETTER, types=SCALAR), False),
    "boolean": (_text(BOOLEAN, types=("boolean", "string")), True),
    "when": (_text(WHEN), False),
    "day": (_text(DAY), False),
}
"""The readers of cchcgen.schema that are plain functions; False: the schema accepts more
(a tag of symbols only, 31/02)."""

_OwnReader = Callable[[_Builder, Callable[..., Any], str], tuple[Schema, bool]]


def _fixed(schema: Schema, exact: bool = True) -> _OwnReader:
    return lambda builder, reader, path: (schema, exact)


def _global_pattern(name: str, fallback: str = r"\S") -> _OwnReader:
    """Text matching a compiled pattern the reader's module holds as ``name``."""

    def own(builder: _Builder, reader: Callable[..., Any], path: str) -> tuple[Schema, bool]:
        compiled = reader.__globals__.get(name)
        if isinstance(compiled, re.Pattern):
            return _text(_anchored(compiled.pattern), ONE_LINE), True
        return _text(fallback, ONE_LINE), False

    return own


def _block_only(builder: _Builder, reader: Callable[..., Any], path: str) -> tuple[Schema, bool]:
    nested = _nested(reader)
    return (builder.block(nested, path + "."), True) if nested else ({}, False)


_OWN: dict[str, _OwnReader] = {
    "cchcgen.kinds.fields.slug": _fixed(
        {**_text(_anchored(SLUG_RE.pattern), types=SCALAR), "maxLength": MAX_SLUG}, False
    ),
    "cchcgen.kinds.fields.alias": _fixed(_text(ONE_LINE, r"^\s*/", types=SCALAR), False),
    "cchcgen.config._absolute_url": _fixed(_text(r"^\s*https?://[^/\s]+\S*\s*$"), False),
    "cchcgen.config._portal_template": _fixed(_text(r"^\s*https?://[^/\s]+.*\{code\}"), False),
    "cchcgen.config._zone": _global_pattern("_ZONE_NAME"),
    "cchcgen.config._menu_url": _fixed(_text(ONE_LINE, r"^\s*(?:/(?!/)|https?://)"), True),
    "cchcgen.config._menu_item": _block_only,
    "cchcgen.kinds.plan._number": _fixed(
        {
            **_text(r"^\s*(?:(?=\d{1,5}\s*$)0*[1-9]\d*)?\s*$", types=("integer", "string")),
            "minimum": 1,
            "maximum": 99999,
        }
    ),
    "cchcgen.kinds.plan._symbol": _global_pattern("SYMBOL_RE"),
    "cchcgen.kinds.plan._issued": _fixed(
        {"anyOf": [_text(ISSUED), {"type": "integer", "minimum": 1000, "maximum": 9999}]}, False
    ),
    "cchcgen.kinds.plan._recipient": _fixed(
        {
            "anyOf": [
                _text(ONE_LINE, types=SCALAR),
                {"type": "object", "minProperties": 1, "maxProperties": 1},
            ]
        },
        False,
    ),
    "cchcgen.kinds.hotline._e164": _fixed(
        {
            **_text(
                r"^\s*(?:\+ *8 *4(?: *\d){8,10}|\d(?: *\d){2,4}) *$", types=("string", "integer")
            ),
            "minimum": 0,
        },
        False,  # YAML reads an unquoted +84… as a number and drops the "+"
    ),
    "cchcgen.kinds.hotline._clock": _fixed(_text(rf"^\s*{_H}[:h][0-5]\d\s*$")),
    "cchcgen.kinds.hotline._email": _fixed(_text(r"^\s*[^@\s]+@[^@\s]+\.[A-Za-z]{2,}\s*$")),
    "cchcgen.kinds.hotline._url": _fixed(_text(ONE_LINE, r"^\s*https?://[^/\s]+")),
}
"""Readers written in a module of their own, by ``module.name``. A reader missing here
is described by what it reads (:meth:`_Builder.unknown`), with a permissive schema."""


def _nullable(schema: Schema) -> Schema:
    """An optional key may be left empty (``key:``): cchcgen then takes its default."""
    if not schema:
        return schema
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], None]}
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        return {**schema, "type": [*types, "null"]}
    if "anyOf" in schema:
        return {**schema, "anyOf": [*schema["anyOf"], {"type": "null"}]}
    return {"anyOf": [schema, {"type": "null"}]}


def _json_default(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, str | int | float | bool | list):
        return value
    return None


# ---------------------------------------------------------------- schemas and settings


def descriptions(language: str = "vi") -> Mapping[str, Any]:
    """The field descriptions of the language (``locales/fields/<language>.yaml``), keyed
    ``post.title``. They are kept apart from the pages' strings, so that editing one does
    not change every page's fingerprint."""
    text = resources.files("cchcgen").joinpath("locales", "fields", f"{language}.yaml")
    found = load_trusted(text.read_text("utf-8"))
    assert isinstance(found, dict)
    return found


def schema_of(kind: FileKind, strings: Mapping[str, Any]) -> Schema:
    """The JSON Schema of one kind of file."""
    builder = _Builder(kind.key, strings)
    body = builder.block(kind.fields, "")
    if not body.get("required"):
        body["type"] = ["object", "null"]  # an empty file or front matter is allowed
    if kind.is_list:
        body = {"type": "array", "items": body}
    head: Schema = {
        "$schema": DRAFT,
        "$comment": f"cchcgen {__version__}: written by 'cchcgen schema'; do not edit",
        "title": str(strings.get(f"schema_file_{kind.key}", kind.key)),
        "description": kind.pattern,
    }
    return {**head, **body}


def schemas(language: str = "vi") -> dict[str, Schema]:
    """Every schema, by file name."""
    strings = descriptions(language)
    return {kind.filename: schema_of(kind, strings) for kind in file_kinds()}


def write_schemas(folder: Path, language: str = "vi") -> list[Path]:
    """Write every schema into ``folder``; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas(language).items():
        path = folder / name
        path.write_text(_json(schema), encoding="utf-8", newline="\n")
        written.append(path)
    return written


def yaml_schemas(folder: str = DIRNAME) -> dict[str, list[str]]:
    """``yaml.schemas`` of VS Code's YAML extension: schema file → patterns of the
    workspace (``/`` is the site folder). Markdown files are left out: the extension
    reads YAML files only."""
    return {
        f"./{folder}/{kind.filename}": [f"/{kind.pattern}"]
        for kind in file_kinds()
        if not kind.front_matter
    }


def vscode_settings(existing: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``.vscode/settings.json`` with cchcgen's ``yaml.schemas`` (other settings kept;
    schemas of other files kept, cchcgen's replaced)."""
    settings = dict(existing or {})
    ours = yaml_schemas()
    kept = {
        uri: patterns
        for uri, patterns in dict(settings.get("yaml.schemas") or {}).items()
        if not uri.startswith(f"./{DIRNAME}/")
    }
    settings["yaml.schemas"] = {**kept, **ours}
    return settings


class NotPlainJson(ValueError):
    """An existing settings file holds comments or is not a JSON object."""


def write_editor_files(root: Path, folder: Path, vscode: bool, language: str = "vi") -> list[Path]:
    """The schemas into ``folder`` and, with ``vscode``, VS Code's settings in ``root``.

    An existing ``.vscode/settings.json`` that is not plain JSON (VS Code allows comments)
    is left as it is: an error says what to add by hand."""
    written = write_schemas(folder, language)
    if vscode:
        try:
            written += write_vscode(root)
        except NotPlainJson as exc:
            diags = Collector()
            diags.error(
                str(exc),
                None,
                None,
                _("this file is not plain JSON (it may hold comments); it was left unchanged"),
                _(
                    'add the setting "yaml.schemas" by hand (see "Completion in VS Code" '
                    "in cchcgen's documentation)"
                ),
            )
            raise ContentError(diags.items) from None
    return written


def write_vscode(root: Path) -> list[Path]:
    """Write (or update) ``.vscode/settings.json`` and ``.vscode/extensions.json``."""
    written = []
    settings_path = root / SETTINGS
    existing = _read_json(settings_path)
    settings_path.parent.mkdir(parents=True, exist_ok=True)
    settings_path.write_text(_json(vscode_settings(existing)), encoding="utf-8", newline="\n")
    written.append(settings_path)
    extensions_path = root / EXTENSIONS
    extensions = _read_json(extensions_path) or {}
    wanted = list(extensions.get("recommendations") or [])
    if YAML_EXTENSION not in wanted:
        wanted.append(YAML_EXTENSION)
        extensions_path.write_text(
            _json({**extensions, "recommendations": wanted}), encoding="utf-8", newline="\n"
        )
        written.append(extensions_path)
    return written


def _read_json(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise NotPlainJson(str(path)) from None
    if not isinstance(found, dict):
        raise NotPlainJson(str(path))
    return found


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"

"""The browser admin (``/quan-tri/``): Decap CMS, configured from the content-type registry.

``cchcgen admin`` (and ``cchcgen init``) write ``admin/index.html`` and ``admin/config.yml``
into the site folder. The configuration holds one collection per content type of the
registry, its folder and file naming as cchcgen reads them, and one widget per declared
field, labelled and explained in Vietnamese from ``locales/fields/<language>.yaml`` (the
descriptions the JSON Schemas use). A field's form value is checked with the pattern of its
JSON Schema (:mod:`cchcgen.editorschema`), so the form refuses what the schema refuses.

The build publishes the admin at ``/quan-tri/`` only when site.yaml says ``admin: true``,
with the scripts vendored into the package (``scripts/vendor-cms.sh``); ``cchcgen serve``
serves it in any case, with its local backend (:mod:`cchcgen.adminbackend`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from . import __version__, kinds
from .config import CONFIG_FILE
from .editorschema import _Builder, _closure, _nested, descriptions
from .errors import Collector, ContentError
from .messages import _
from .outputs import CopiedFile, Kind, Target, ThemeFile
from .routes import route
from .schema import Field
from .urls import safe_relative
from .yamlutil import load_trusted

FOLDER = "admin"
"""The admin's sources in the site folder (beside site.yaml, outside content/)."""
CONFIG = "config.yml"
INDEX = "index.html"
SCRIPTS = ("cchcgen-admin.js", "decap-cms.js", "js-yaml.min.js")
"""What the published admin loads, in this order; all from the package."""
STYLE = "cchcgen-admin.css"
FILES = (*SCRIPTS, STYLE)
LIST_FORMAT = "yaml-list"
"""The format ``cchcgen-admin.js`` registers for a file holding a YAML list
(content/indices.yaml): Decap CMS edits only files whose top is a mapping."""
LIST_FIELD = "items"

Widget = dict[str, Any]


# ---------------------------------------------------------------- the package's files


def route_folder() -> str:
    """``quan-tri/``: the admin's folder under the base path."""
    return route("admin").lstrip("/")


def package_file(name: str) -> Traversable:
    """A file of the admin that the package carries (vendored scripts under vendor/)."""
    admin = resources.files("cchcgen").joinpath("admin")
    own = admin.joinpath(name)
    return own if own.is_file() else admin.joinpath("vendor", name)


def vendored() -> bool:
    """Whether this installation carries the vendored scripts."""
    return all(package_file(name).is_file() for name in FILES)


def strings(language: str = "vi") -> Mapping[str, Any]:
    """The admin's own strings: collection names, labels that a description cannot give."""
    text = resources.files("cchcgen").joinpath("locales", "admin", f"{language}.yaml")
    found = load_trusted(text.read_text("utf-8"))
    assert isinstance(found, dict)
    return found


# ---------------------------------------------------------------- fields to widgets

_LABEL_END = re.compile(
    r"[.:;]\s|[.:]$| \(| – | \[|, (?:ví dụ|nếu|bắt|trong|mặc định|chỉ|cần|dạng|dùng|hiện"
    r"|trùng|lấy|chép|từng|mỗi|in|nằm|theo|từ)\b"
)
_LONG_LABEL = 60


def _label_of(description: str) -> str:
    """ "Ngày đăng, ví dụ 03/02/2023…" → "Ngày đăng"."""
    found = _LABEL_END.search(description)
    label = (description[: found.start()] if found else description).strip().rstrip(".")
    if len(label) > _LONG_LABEL and ", " in label:
        label = label.split(", ", 1)[0]
    return label


def _option_label(value: str, description: str) -> str:
    """ "trực tiếp (direct)" when the description says "direct (trực tiếp)"."""
    found = re.search(rf"(?<!\S){re.escape(value)} \(([^()]+)\)", description)
    return f"{found.group(1)} ({value})" if found else value


@dataclass(frozen=True, slots=True)
class _Forms:
    """The widgets of one content type."""

    key: str
    described: Mapping[str, Any]
    own: Mapping[str, Any]

    def describe(self, path: str) -> str:
        return str(self.described.get(f"{self.key}.{path}") or self.described.get(f"*.{path}", ""))

    def label(self, path: str, name: str) -> str:
        plain = re.sub(r"\[\]", "", path)
        for key in (f"label.{self.key}.{plain}", f"label.*.{name}"):
            if key in self.own:
                return str(self.own[key])
        return _label_of(self.describe(path)) or name

    def block(self, fields: Sequence[Field], prefix: str, optional: bool = False) -> list[Widget]:
        """The widgets of a block's keys. In a block the file may leave out (``optional``),
        a key the checker requires is optional in the form, as Decap CMS would otherwise
        refuse to save while the block is empty; its hint says it is needed with the
        block, and ``cchcgen check`` (the preview) reports a block left half filled."""
        found = [self.field(f, prefix + f.name) for f in fields]
        if optional:
            for widget in found:
                widget.pop("default", None)  # a default would write the empty block
                if widget["required"]:
                    widget["required"] = False
                    note = str(self.own["required_in_block"])
                    widget["hint"] = f"{widget.get('hint', '')} {note}".strip()
                    self.loosen(widget)
        return found

    def loosen(self, widget: Widget) -> None:
        """Make a widget's nested keys optional too (a list of blocks, a block)."""
        for inner in widget.get("fields", ()):
            inner["required"] = False
            inner.pop("default", None)
            self.loosen(inner)

    def field(self, field: Field, path: str) -> Widget:
        found: Widget = {"name": field.name, "label": self.label(path, field.name)}
        hint = self.describe(path)
        if hint and hint.rstrip(".") != found["label"]:
            found["hint"] = hint
        found.update(self.value(field.kind, path))
        found["required"] = bool(field.required and not field.blank)
        if found["required"] and found["widget"] == "object":  # always written: as declared
            found["fields"] = self.block(_closure_fields(field.kind), path + ".")
        if not found["required"] and found["widget"] == "list" and "fields" in found:
            # Decap CMS checks an empty list's item keys all the same
            found["fields"] = self.block(_closure_fields(_item(field.kind)), path + "[].", True)
        if field.required and field.blank:  # the key must be written, even empty
            found["default"] = ""
        if not found["required"] and found["widget"] in ("object", "list"):
            found["collapsed"] = True
        if found["widget"] == "select" and isinstance(field.default, str) and field.default:
            found["default"] = field.default
        if found["widget"] == "boolean":
            found["default"] = field.default is True
        return found

    def value(self, reader: Callable[..., Any], path: str) -> Widget:
        """The widget of a value read by ``reader`` (without name and label)."""
        name, scope = _closure(reader)
        if name == "mapping":
            return {"widget": "object", "fields": self.block(scope["fields"], path + ".", True)}
        if name == "list_of":
            return self.list_of(scope["item"], path)
        if name == "choice":
            return {"widget": "select", "options": self.options(scope["values"], path)}
        if name == "integer":
            found: Widget = {"widget": "number", "value_type": "int"}
            if scope["minimum"] is not None:
                found["min"] = scope["minimum"]
            if scope["maximum"] is not None:
                found["max"] = scope["maximum"]
            return found
        if name == "boolean" and reader.__module__ == "cchcgen.schema":
            return {"widget": "boolean"}
        if name == "text" and reader.__module__ == "cchcgen.schema":
            return {"widget": "text"}
        nested = _nested(reader) if reader.__module__ != "cchcgen.schema" else None
        if nested is not None:  # a block a module reads with its own function
            return {"widget": "object", "fields": self.block(nested, path + ".", True)}
        return self.line(reader, path)

    def list_of(self, item: Callable[..., Any], path: str) -> Widget:
        fields = _closure_fields(item)
        if fields:  # loosened by field() when the list itself may be left out
            return {"widget": "list", "fields": self.block(fields, path + "[].")}
        inner = self.value(item, path + "[]")
        if inner["widget"] == "object":
            return {"widget": "list", "fields": inner["fields"]}
        label = self.own.get("list_item", "item")
        return {"widget": "list", "field": {"name": "item", "label": label, **inner}}

    def options(self, values: Sequence[str], path: str) -> list[dict[str, str]]:
        described = self.describe(path)
        own = self.own.get(f"options.{self.key}.{path.replace('[]', '')}") or {}
        return [
            {"value": v, "label": f"{own[v]} ({v})" if v in own else _option_label(v, described)}
            for v in values
        ]

    def line(self, reader: Callable[..., Any], path: str) -> Widget:
        """One line of text, checked with the JSON Schema's pattern when it has one."""
        schema, _exact = _Builder(self.key, self.described).value(reader, path)
        found: Widget = {"widget": "string"}
        pattern = _pattern(schema)
        if pattern:
            found["pattern"] = [pattern, str(self.own["pattern_message"])]
        return found


def _item(reader: Callable[..., Any]) -> Callable[..., Any]:
    return _closure(reader)[1]["item"]  # type: ignore[no-any-return]


def _closure_fields(reader: Callable[..., Any]) -> Sequence[Field]:
    """The keys of a block, read by cchcgen.schema.mapping or a module's own reader."""
    name, scope = _closure(reader)
    if name == "mapping":
        return scope["fields"]  # type: ignore[no-any-return]
    return _nested(reader) or ()


def _pattern(schema: Mapping[str, Any]) -> str | None:
    """The pattern a value must match, when the schema names one for text."""
    if "anyOf" in schema:  # a form writes text: the alternatives that are text
        found = [_pattern(s) for s in schema["anyOf"] if "string" in str(s.get("type", ""))]
        if not found or None in found:
            return None
        return "|".join(f"(?:{p})" for p in found)
    if "pattern" in schema:
        return str(schema["pattern"])
    patterns = [s["pattern"] for s in schema.get("allOf", ()) if "pattern" in s]
    if len(patterns) == 1:
        return str(patterns[0])
    if patterns:  # every one must match: lookaheads, anchored at the start
        return "^" + "".join(f"(?=[\\s\\S]*?(?:{p}))" for p in patterns)
    return None


# ---------------------------------------------------------------- collections

_PLACEHOLDER = re.compile(r"<([a-z_]+)>")


def collection(kind: Any, described: Mapping[str, Any], own: Mapping[str, Any]) -> Widget:
    """The Decap CMS collection of one content type, from where its files are."""
    forms = _Forms(kind.name, described, own)
    fields = forms.block(kind.fields, "")
    where: str = kind.where
    head: Widget = {
        "editor": {"preview": False},  # the page itself is the preview: cchcgen serve
        "name": kind.name,
        "label": str(own.get(f"collection.{kind.name}", kind.title)),
        "label_singular": str(own.get(f"singular.{kind.name}", kind.title)),
    }
    description = own.get(f"about.{kind.name}")
    if description:
        head["description"] = str(description)
    folder, _sep, name = where.rpartition("/")
    if where.endswith(".md"):
        body = {"name": "body", "label": own["body"], "widget": "markdown"}
        body.update({"hint": own["body_hint"], "editor_components": [], "required": False})
        found = {**head, "folder": folder.removesuffix("/**"), "extension": "md"}
        found.update({"format": "frontmatter", "create": True, "slug": "{{slug}}"})
        if folder.endswith("/**"):  # posts and plans go into a folder per year
            found["path"] = "{{year}}/{{slug}}"
        found["identifier_field"] = fields[0]["name"]
        found["summary"] = "{{" + fields[0]["name"] + "}}"
        return {**found, "fields": [*fields, body]}
    placeholder = _PLACEHOLDER.fullmatch(name.removesuffix(".yaml"))
    if placeholder:  # content/procedures/<code>.yaml
        key = placeholder.group(1)
        found = {**head, "folder": folder, "extension": "yaml", "format": "yaml"}
        names = [f["name"] for f in fields]
        title = next(n for n in ("name", "title", key) if n in names)
        found.update({"create": True, "slug": "{{fields." + key + "}}"})
        found.update({"identifier_field": title, "summary": "{{" + key + "}} {{" + title + "}}"})
        return {**found, "fields": fields}
    entry: Widget = {"name": kind.name, "label": head["label"], "file": where}
    if kind.file_shape == "list":
        entry["format"] = LIST_FORMAT
        items = {"name": LIST_FIELD, "label": head["label"], "widget": "list", "fields": fields}
        entry["fields"] = [{**items, "label_singular": head["label_singular"]}]
    else:
        entry["fields"] = fields
    return {**head, "files": [entry]}


def collections(language: str = "vi") -> list[Widget]:
    """One collection per content type that has files of its own, in the registry's order."""
    described, own = descriptions(language), strings(language)
    return [collection(kind, described, own) for kind in kinds.registry() if kind.fields]


DEFAULT_BACKEND: Mapping[str, Any] = {
    "name": "github",
    "repo": "TEN-TAI-KHOAN/TEN-KHO",
    "branch": "main",
}
"""Until the guide's steps are followed, only local editing (``cchcgen serve``) works."""


def config(site_url: str, backend: Mapping[str, Any] | None = None, language: str = "vi") -> Widget:
    """The whole ``config.yml``."""
    return {
        "backend": dict(backend or DEFAULT_BACKEND),
        "locale": language,
        "site_url": site_url,
        "display_url": site_url,
        "media_folder": "content/static/images",
        "public_folder": "images",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": collections(language),
    }


HEADER = """\
# Cấu hình trang quản trị /quan-tri/ (Decap CMS), do lệnh `cchcgen admin` viết từ các loại
# nội dung của cchcgen {version}. Đừng sửa tay phần collections: chạy lại `cchcgen admin`
# sau mỗi lần nâng cấp cchcgen. Phần backend (kho GitHub hoặc GitLab) được giữ nguyên khi
# chạy lại; xem README.md, mục "Soạn trên trình duyệt".
"""


def config_text(config: Mapping[str, Any]) -> str:
    body = yaml.safe_dump(dict(config), allow_unicode=True, sort_keys=False, width=100)
    return HEADER.format(version=__version__) + body


def index_html(language: str = "vi") -> str:
    own = strings(language)
    scripts = "\n".join(f'  <script src="{name}"></script>' for name in SCRIPTS)
    return f"""<!doctype html>
<html lang="{language}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>{own["page_title"]}</title>
  <link href="{CONFIG}" type="text/yaml" rel="cms-config-url">
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="{STYLE}">
</head>
<body>
{scripts}
</body>
</html>
"""


def existing_backend(path: Path) -> Mapping[str, Any] | None:
    """The ``backend`` block of an existing config.yml, kept when it is written again."""
    if not path.is_file():
        return None
    try:
        found = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return None
    backend = found.get("backend") if isinstance(found, dict) else None
    return backend if isinstance(backend, dict) and backend.get("name") else None


def write_admin(root: Path, site_url: str, language: str = "vi") -> list[Path]:
    """Write ``admin/index.html`` and ``admin/config.yml`` (keeping its backend block)."""
    folder = root / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    config_path = folder / CONFIG
    made = config(site_url, existing_backend(config_path), language)
    config_path.write_text(config_text(made), encoding="utf-8", newline="\n")
    index = folder / INDEX
    index.write_text(index_html(language), encoding="utf-8", newline="\n")
    return [index, config_path]


# ---------------------------------------------------------------- publishing


def published(root: Path) -> list[Target]:
    """The admin's files at ``/quan-tri/`` (site.yaml has ``admin: true``); raise
    :class:`ContentError` when the site's admin/ folder or the package's scripts are
    missing."""
    diags = Collector()
    folder = route("admin")
    found = []
    for name in (INDEX, CONFIG):
        rel = f"{FOLDER}/{name}"
        if not (root / rel).is_file():
            diags.error(
                rel,
                None,
                None,
                _("site.yaml publishes the admin (admin: true), but this file is missing"),
                _("run `cchcgen admin` in the site folder to write it"),
            )
        found.append(
            Target(
                safe_relative(folder.lstrip("/") + name),
                folder + name,
                Kind.STATIC,
                rel,
                context=CopiedFile(rel),
            )
        )
    if not vendored():
        diags.error(
            CONFIG_FILE,
            None,
            None,
            _(
                "site.yaml publishes the admin (admin: true), but this installation of cchcgen "
                "has no admin scripts"
            ),  # fmt: skip
            _("install cchcgen from PyPI, or run scripts/vendor-cms.sh in cchcgen's source folder"),
        )
    diags.raise_if_errors(ContentError)
    for name in FILES:
        path = Path(str(package_file(name)))
        url = folder + name
        output = safe_relative(url.lstrip("/"))
        found.append(Target(output, url, Kind.STATIC, FOLDER, context=ThemeFile(path)))
    return found

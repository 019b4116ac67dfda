"""The editors' JSON Schemas (``cchcgen schema``) say what ``cchcgen check`` says.

A file is validated as VS Code's YAML extension would: its YAML read with the YAML 1.2
core schema (``yes`` is text, ``2023`` a number), then checked with ``jsonschema`` under
draft 2020-12 (declared) and draft-07 (what the YAML language server implements), which
must give the same answer.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, SITES, run_cli
from jsonschema import Draft7Validator, Draft202012Validator

from cchcgen import config, editorschema, kinds
from cchcgen.errors import Collector
from cchcgen.loader import split_front_matter
from cchcgen.schema import Field
from cchcgen.yamlutil import MappingNode, Node, SequenceNode, YamlSource, compose

INVALID = SITES / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir() and not p.name.startswith("_"))

# ---------------------------------------------------------------- reading as the editor does

_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")


def data(node: Node) -> Any:
    """A node as the YAML 1.2 core schema reads it (what the YAML language server sees)."""
    if isinstance(node, MappingNode):
        return {str(data(key)): data(value) for key, value in node.value}
    if isinstance(node, SequenceNode):
        return [data(item) for item in node.value]
    text = node.value
    if node.style not in (None, ""):  # quoted or a block: text (libyaml marks plain with "")
        return text
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return text.lower() == "true"
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


class Unreadable(Exception):
    """Not YAML (or not text) at all: the editor's YAML parser says so before any schema."""


def validators() -> dict[str, tuple[editorschema.FileKind, Draft202012Validator, Draft7Validator]]:
    strings = editorschema.descriptions()
    found = {}
    for kind in editorschema.file_kinds():
        schema = editorschema.schema_of(kind, strings)
        Draft202012Validator.check_schema(schema)
        Draft7Validator.check_schema(schema)
        found[kind.key] = (kind, Draft202012Validator(schema), Draft7Validator(schema))
    return found


VALIDATORS = validators()


def schema_problems(root: Path) -> dict[str, list[str]]:
    """Each file of the site the schemas refuse, with what they say."""
    found: dict[str, list[str]] = {}
    for kind, latest, draft7 in VALIDATORS.values():
        for path in sorted(root.glob(kind.pattern)):
            rel = path.relative_to(root).as_posix()
            value = _read(path, rel, kind.front_matter)
            errors = [
                f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in latest.iter_errors(value)
            ]
            assert bool(errors) == (not draft7.is_valid(value)), (rel, errors)
            if errors:
                found[rel] = errors
    return found


def _read(path: Path, rel: str, front_matter: bool) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise Unreadable(rel) from exc
    diags = Collector()
    if front_matter:
        file = split_front_matter(text, rel, diags)
        node = file.front if file is not None else None
    else:
        node = compose(text, YamlSource(rel), diags)
    if diags.items:
        raise Unreadable(f"{rel}: {diags.items[0].message}")
    return None if node is None else data(node)


def overlay(case: str, tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(INVALID / "_base", site)
    shutil.copytree(INVALID / case, site, dirs_exist_ok=True, symlinks=True,
                    ignore=shutil.ignore_patterns("expected*.txt"))  # fmt: skip
    return site


# ---------------------------------------------------------------- every field, described

_VIETNAMESE = re.compile("[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]")


def _blocks(schema: Any) -> Iterator[dict[str, Any]]:
    """Every object schema inside ``schema`` (through anyOf, allOf and list items)."""
    if not isinstance(schema, dict):
        return
    if "properties" in schema:
        yield schema
    for key in ("anyOf", "allOf"):
        for part in schema.get(key, ()):
            yield from _blocks(part)
    yield from _blocks(schema.get("items"))


def _nested(reader: Callable[..., Any]) -> tuple[Field, ...] | None:
    """The fields a reader reads a block with: mapping(...), list_of(mapping(...)) or a
    module's own reader of a block (found however deep the closures go)."""
    import inspect

    scope = inspect.getclosurevars(reader)
    for value in (*scope.nonlocals.values(), *scope.globals.values()):
        if isinstance(value, tuple) and value and all(isinstance(v, Field) for v in value):
            return value
    for value in scope.nonlocals.values():
        if callable(value) and getattr(value, "__module__", "").startswith("cchcgen"):
            found = _nested(value)
            if found:
                return found
    return None


def _walk(
    fields: tuple[Field, ...], schema: dict[str, Any], path: str
) -> Iterator[tuple[str, Any]]:
    """(dotted path, the property's schema or None) for every field, nested ones too."""
    for field in fields:
        holder = next((b for b in _blocks(schema) if field.name in b["properties"]), None)
        prop = holder["properties"][field.name] if holder else None
        yield path + field.name, prop
        nested = _nested(field.kind)
        if nested and prop is not None:
            yield from _walk(nested, prop, f"{path}{field.name}.")


def _declared() -> list[tuple[str, tuple[Field, ...]]]:
    """site.yaml and every content type of the registry, walked independently of
    editorschema.file_kinds."""
    return [("site", config.FIELDS), *((k.name, k.fields) for k in kinds.registry() if k.fields)]


@pytest.mark.parametrize("key,fields", _declared(), ids=[k for k, _f in _declared()])
def test_every_field_of_every_type_is_in_its_schema_with_a_vietnamese_description(
    key: str, fields: tuple[Field, ...]
) -> None:
    schema = json.loads(json.dumps(editorschema.schemas()[f"{key}.schema.json"]))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    missing, undescribed = [], []
    count = 0
    for path, prop in _walk(fields, schema, ""):
        count += 1
        if prop is None:
            missing.append(path)
        elif not _VIETNAMESE.search(prop.get("description", "")):
            undescribed.append(f"{path}: {prop.get('description')!r}")
    assert not missing, f"{key}: fields missing from the schema: {missing}"
    assert not undescribed, f"{key}: fields without a Vietnamese description: {undescribed}"
    assert count >= len(fields)
    for block in _blocks(schema):  # unknown keys are errors in cchcgen too
        assert block["additionalProperties"] is False


def test_a_required_key_is_required_and_a_default_is_given() -> None:
    plan = editorschema.schemas()["plan.schema.json"]
    assert {"doc_type", "number", "symbol", "title"} <= set(plan["required"])
    assert plan["properties"]["signer"]["properties"]["authority"]["default"] == "none"
    signer = plan["properties"]["signer"]["properties"]["authority"]
    assert signer["description"].startswith("Thẩm quyền ký")
    assert set(signer["enum"]) >= {"TM", "KT", "TUQ"}


# ---------------------------------------------------------------- schema and check agree

CANNOT = {
    # a rule between files or with the route table: a schema sees one file
    "alias-collides": "two files claim one address",
    "duplicate-plan-number": "two plans with one number",
    "duplicate-slug": "two posts with one slug",
    "page-reserved-slug": "the slug is a section's address (the route table)",
    "plan-replacement-unknown": "superseded_by names a plan no file holds",
    "proc-replaced-by-unknown": "replaced_by names a procedure no file holds",
    "proc-code-not-file-name": "the code must equal the file's name",
    "site-menu-broken-link": "the menu links to a page no file makes",
    "site-news-categories-same-address": "two categories whose names make the same address",
    # files on disk
    "attachment-absolute-path": "an attachment is a file beside the plan",
    "attachment-parent-path": "an attachment is a file beside the plan",
    "plan-missing-attachment": "the attachment's file does not exist",
    "image-missing": "the image's file does not exist",
    "image-remote": "the image must be a file of the site",
    "paths-too-long": "the named files do not exist",
    # a rule between keys of one file, written in the type's loader, not in its fields
    "expiry-before-date": "expiry_date after date",
    "image-without-alt": "image needs image_alt",
    "feedback-public-without-answer": "public: true needs answer.date and answer.body",
    "hotline-no-pakn": "one hotline must have purpose: pakn",
    "plan-archive-twice": "archive and a 'Lưu:' line of recipients",
    "plan-kt-without-head-title": "authority KT needs head_title",
    "plan-tm-without-collective": "authority TM needs on_behalf_of",
    "plan-superseded-without-replacement": "status superseded needs superseded_by",
    "proc-full-missing-components": "detail_level full needs the components",
    "proc-partial-without-reason": "level mot_phan needs partial_reason",
    "proc-replaced-without-replacement": "status replaced needs replaced_by",
    # the text of a value, beyond what a pattern can say
    "feedback-email-in-answer": "personal data found in the text",
    "feedback-id-in-question": "personal data found in the text",
    "feedback-id-in-title": "personal data found in the text",
    "feedback-phone-in-question": "personal data found in the text",
    "impossible-date": "the length of a month (31/02)",
    "site-base-url-unsafe": "characters of base_url the nginx configuration cannot express",
    # not the files the schemas describe
    "layout-syntax-error": "a layout",
    "layout-undefined-variable": "a layout",
    "markdown-brackets-left-open": "the Markdown body",
    "markdown-emphasis-nested-too-deep": "the Markdown body",
    "markdown-list-nested-too-deep": "the Markdown body",
    "markdown-quotation-nested-too-deep": "the Markdown body",
    "markdown-tags-left-open-in-appendix": "the Markdown body",
}
"""Broken sites whose fault a schema cannot express: the schema accepts them."""

UNREADABLE = {
    "duplicate-key": "the YAML parser reports a key given twice",
    "empty-post": "no front matter at all",
    "no-front-matter": "no front matter at all",
    "unclosed-front-matter": "the front matter is not closed",
    "not-utf8": "not UTF-8 text",
    "symlink-loop": "a link that leads to itself",
    "symlink-outside": "a link out of the site",
    "site-alias-bomb": "YAML aliases that expand too far",
    "yaml-alias-bomb": "YAML aliases that expand too far",
    "yaml-alias-recursive": "a YAML alias inside itself",
    "yaml-colon-unquoted": "YAML syntax",
    "yaml-deep-nesting": "YAML nested too deep",
    "yaml-tab": "YAML syntax",
    "yaml-unclosed-quote": "YAML syntax",
    "yaml-very-deep-nesting": "YAML nested too deep",
}
"""Broken sites that are not YAML to begin with: the editor's parser reports them."""


def _check_errors(case: str) -> set[str]:
    """The files ``cchcgen check`` names in errors (its exact output, kept in expected.txt
    and compared with a real run by tests/test_errors.py)."""
    text = (INVALID / case / "expected.en.txt").read_text(encoding="utf-8")
    return {m.group(1) for m in re.finditer(r"^([^\s:][^:]*):\d+(?::\d+)?: error:", text, re.M)}


@pytest.mark.parametrize("case", CASES)
def test_the_schemas_and_check_agree_on_each_broken_site(case: str, tmp_path: Path) -> None:
    check = _check_errors(case)
    assert check, f"{case}: cchcgen check finds no error"
    site = overlay(case, tmp_path)
    if case in UNREADABLE:
        with pytest.raises(Unreadable):
            schema_problems(site)
        return
    problems = schema_problems(site)
    if case in CANNOT:
        assert not problems, f"{case} ({CANNOT[case]}) is refused by the schemas: {problems}"
        return
    assert problems, f"{case}: check fails, the schemas accept the site"
    assert set(problems) <= check, f"the schemas refuse files check accepts: {problems}"


@pytest.mark.parametrize(
    "root", [REPO, SITES / "minimal", INVALID / "_base"], ids=["repository", "minimal", "_base"]
)
def test_sites_that_check_accepts_pass_the_schemas(root: Path) -> None:
    assert schema_problems(root) == {}
    checked = sum(len(list(root.glob(k.pattern))) for k, _l, _d in VALIDATORS.values())
    assert checked > 2


PLAN = (
    'doc_type: KH\nnumber: ""\nsymbol: KH-UBND\nissuer: {name: UBND}\nplace: Thử\n'
    "issued_date: 10/2022\ntitle: Kế hoạch\n"
)


@pytest.mark.parametrize(
    "key,text,accepted",
    [  # what an editor types, as cchcgen reads it
        ("post", "title: 2023\ndate: 30/01/2023 13:20\ndraft: yes\n", True),
        ("post", "title: A\ndate: '2023-01-30T13:20:00+07:00'\ntags: Hộ tịch\n", True),
        ("post", "title: A\ndate: 30/01/2023\ntags: Hộ tịch, Một cửa\n", False),
        ("post", "title: A\ndate: 30/01/2023\nsummary:\n", True),
        ("post", "title: A\ndate: 30/01/1930\n", False),
        ("plan", PLAN, True),
        ("plan", PLAN.replace('number: ""', "number: 0"), False),
        ("plan", PLAN.replace('number: ""', "number: 13"), True),
        ("procedure", "code: 1.001193\n", False),  # required blocks missing
        ("hotline", "verified_at: 01/01/2025\nagency: {}\n", False),
        ("indices", "- {index: PAPI, year: 2023, score: '40,5'}\n", True),
        ("indices", "- {index: PAPI, year: 1980, score: 40}\n", False),
    ],
)  # fmt: skip
def test_values_as_an_editor_types_them(key: str, text: str, accepted: bool) -> None:
    kind, latest, draft7 = VALIDATORS[key]
    value = data(compose(text, YamlSource("x"), Collector()))
    assert latest.is_valid(value) is accepted, list(latest.iter_errors(value))
    assert draft7.is_valid(value) is accepted


# ---------------------------------------------------------------- commands

INIT = ["--agency", "UBND xã Thử", "--locality", "xã Thử", "--base-url", "https://thu.example.vn/",
        "--phone", "0208 3000 001"]  # fmt: skip


def test_cchcgen_schema_writes_one_schema_per_kind_of_file(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(INVALID / "_base", site)
    done = run_cli("--lang", "vi", "schema", "--source", str(site))
    assert done.returncode == 0, done.stderr
    folder = site / ".cchcgen/schemas"
    names = {"site", *(k.name for k in kinds.registry() if k.fields)}
    assert {p.name for p in folder.iterdir()} == {f"{n}.schema.json" for n in names}
    assert f"Đã ghi {folder / 'post.schema.json'}" in done.stdout
    post = json.loads((folder / "post.schema.json").read_text(encoding="utf-8"))
    assert post["properties"]["title"]["description"] == "Tiêu đề bài."
    assert not (site / ".vscode").exists()  # only with --vscode

    elsewhere = run_cli("schema", "--source", str(site), "--output", str(tmp_path / "s"))
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert (tmp_path / "s/site.schema.json").is_file()


def test_cchcgen_schema_keeps_other_vscode_settings_and_refuses_comments(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(INVALID / "_base", site)
    (site / ".vscode").mkdir()
    settings = site / ".vscode/settings.json"
    settings.write_text('{"editor.tabSize": 2, "yaml.schemas": {"x.json": ["/x.yaml"]}}')
    assert run_cli("schema", "--source", str(site), "--vscode").returncode == 0
    written = json.loads(settings.read_text(encoding="utf-8"))
    assert written["editor.tabSize"] == 2
    assert written["yaml.schemas"]["x.json"] == ["/x.yaml"]
    assert written["yaml.schemas"]["./.cchcgen/schemas/site.schema.json"] == ["/site.yaml"]

    settings.write_text('{\n  // mine\n  "editor.tabSize": 2\n}\n')
    refused = run_cli("schema", "--source", str(site), "--vscode")
    assert refused.returncode == 1
    assert f"{settings}:1:1: error: this file is not plain JSON" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert "// mine" in settings.read_text(encoding="utf-8")


def test_init_maps_each_yaml_file_pattern_to_a_schema_file_it_wrote(tmp_path: Path) -> None:
    site = tmp_path / "moi"
    done = run_cli("init", str(site), *INIT)
    assert done.returncode == 0, done.stderr
    settings = json.loads((site / ".vscode/settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    patterns = {p for ps in mapping.values() for p in ps}
    yaml_kinds = [k for k in editorschema.file_kinds() if not k.pattern.endswith(".md")]
    assert patterns == {f"/{k.pattern}" for k in yaml_kinds}
    for uri, globs in mapping.items():
        schema = json.loads((site / uri).read_text(encoding="utf-8"))
        assert schema["$comment"].startswith("cchcgen ")
        for glob in globs:  # each pattern names files of that kind, the new site's if it has some
            name = uri.rsplit("/", 1)[-1].removesuffix(".schema.json")
            assert glob == f"/{next(k.pattern for k in yaml_kinds if k.key == name)}"
    extensions = json.loads((site / ".vscode/extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]
    assert ".cchcgen/schemas/plan.schema.json" in done.stdout
    # the new site's files pass their schemas, as they pass cchcgen check
    assert schema_problems(site) == {}
    checked = run_cli("check", "--source", str(site))
    assert checked.returncode == 0, checked.stderr

"""The Jinja environment; the only module that imports jinja2.

Lookup order: the site's ``layouts/`` first, then the built-in layouts. A site
layout may extend the built-in one it replaces with
``{% extends "cchcgen:base.html" %}``. Autoescaping is on and undefined
variables are errors, so a typo in a layout is reported, not rendered empty.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.meta
import jinja2.nodes
import markupsafe

from .errors import Collector, Diagnostic, TemplateError
from .messages import _

LAYOUTS = "layouts"
BUILTIN_PREFIX = "cchcgen"
BUILTIN_DIR = Path(__file__).parent / "layouts"


class _CompiledLayouts(jinja2.BytecodeCache):
    """Compiled layouts kept in memory for the life of the process, checked against their
    source by Jinja: ``serve`` makes a new environment for every rebuild, and compiling
    the layouts again took most of a small site's rebuild."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledLayouts()


class Templates:
    def __init__(
        self,
        root: Path,
        globals_: Mapping[str, Any],
        filters: Mapping[str, Callable[..., Any]],
    ) -> None:
        self.root = root
        self.site_dir = root / LAYOUTS
        builtin = jinja2.FileSystemLoader(str(BUILTIN_DIR))
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(
                [
                    jinja2.FileSystemLoader(str(self.site_dir)),
                    builtin,
                    jinja2.PrefixLoader({BUILTIN_PREFIX: builtin}, delimiter=":"),
                ]
            ),
            autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,
            bytecode_cache=_COMPILED,
        )
        self.env.globals.update(globals_)
        self.env.filters.update(filters)

    @staticmethod
    def safe(html: str) -> markupsafe.Markup:
        """Mark HTML built by cchcgen itself (never editor input) as safe to insert."""
        return markupsafe.Markup(html)

    def describe(self, filename: str | None, name: str | None) -> str:
        """A path the editor recognises: ``layouts/post.html`` or ``cchcgen:post.html``."""
        if filename:
            path = Path(filename)
            for base, prefix in ((self.root, ""), (BUILTIN_DIR, f"{BUILTIN_PREFIX}:")):
                try:
                    return prefix + path.resolve().relative_to(base.resolve()).as_posix()
                except ValueError:
                    continue
        return name or "?"

    def check_site_layouts(self) -> None:
        """Compile every layout of the site so syntax errors surface even in unused files."""
        diags = Collector()
        if self.site_dir.is_dir():
            for path in sorted(self.site_dir.rglob("*.html")):
                name = path.relative_to(self.site_dir).as_posix()
                try:
                    self.env.get_template(name)
                except jinja2.TemplateSyntaxError as exc:
                    diags.add(self.syntax_error(exc))
                except jinja2.TemplateNotFound as exc:
                    diags.add(self.not_found(exc, name))
        diags.raise_if_errors(TemplateError)

    def syntax_error(self, exc: jinja2.TemplateSyntaxError) -> Diagnostic:
        return Diagnostic(
            self.describe(exc.filename, exc.name),
            exc.lineno,
            None,
            _("layout syntax error: {message}").format(message=exc.message),
            _("check the {% ... %} and {{ ... }} tags on this line"),
        )

    def not_found(self, exc: jinja2.TemplateNotFound, wanted_by: str) -> Diagnostic:
        return Diagnostic(
            f"{LAYOUTS}/{wanted_by}",
            None,
            None,
            _("layout '{name}' not found").format(name=exc.name),
            _(
                "looked in {folder}/ and the built-in layouts; built-in ones can be named "
                "'{prefix}:<name>'"
            ).format(folder=LAYOUTS, prefix=BUILTIN_PREFIX),
        )

    def closure(self, layout: str) -> tuple[tuple[str, str, tuple[str, ...]], ...] | None:
        """(name, source, global reads) of ``layout`` and every layout it extends,
        includes or imports, or None when one is named by an expression and cannot be
        known. See :func:`global_reads`."""
        seen: dict[str, tuple[str, tuple[str, ...]]] = {}
        todo = [layout]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            try:
                source, _filename, _uptodate = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
                refs, reads = _scan(self.env, source)
            except jinja2.TemplateError:
                seen[name] = ("", ())  # reported by check_site_layouts or at render time
                continue
            seen[name] = (source, reads)
            if None in refs:
                return None
            todo.extend(ref for ref in refs if ref is not None)
        return tuple((name, *value) for name, value in sorted(seen.items()))

    def closure_all(self) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """(name, source, ("*",)) of every layout there is: a layout may use any of them."""
        found = []
        for name in sorted(set(self.env.list_templates())):
            try:
                found.append((name, self.env.loader.get_source(self.env, name)[0], ("*",)))  # type: ignore[union-attr]
            except jinja2.TemplateError:
                continue
        return tuple(found)

    def render(self, layout: str, context: Mapping[str, Any], output: str) -> str:
        """Render ``layout``; turn any failure into a :class:`TemplateError` at the layout line."""
        try:
            return self.env.get_template(layout).render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError([self.syntax_error(exc)]) from None
        except jinja2.TemplateNotFound as exc:
            raise TemplateError([self.not_found(exc, layout)]) from None
        except Exception as exc:  # runtime error inside a layout
            raise TemplateError([self.runtime_error(exc, layout, output)]) from None

    def runtime_error(self, exc: Exception, layout: str, output: str) -> Diagnostic:
        path, line = f"{LAYOUTS}/{layout}", None
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith((".html", ".xml", ".txt")):
                path, line = self.describe(frame.filename, None), frame.lineno
                break
        message = str(exc)
        if isinstance(exc, jinja2.UndefinedError):
            message = _("{message} (a variable or field that does not exist)").format(
                message=message
            )
        return Diagnostic(
            path,
            line,
            None,
            _("{message} (while rendering {output})").format(message=message, output=output),
            _("check the name against the layouts documented in the README"),
        )


_SCANNED: dict[str, tuple[tuple[str | None, ...], tuple[str, ...]]] = {}


def _scan(env: jinja2.Environment, source: str) -> tuple[tuple[str | None, ...], tuple[str, ...]]:
    """The layouts a layout's source refers to (None: chosen at render time) and what it
    reads from ``site``; remembered by source, as parsing takes milliseconds."""
    known = _SCANNED.get(source)
    if known is None:
        tree = env.parse(source)
        refs = tuple(jinja2.meta.find_referenced_templates(tree))
        known = _SCANNED[source] = (refs, global_reads(tree, "site"))
    return known


def global_reads(tree: jinja2.nodes.Template, name: str) -> tuple[str, ...]:
    """The attributes a layout reads from the global ``name``: ``site.posts`` gives
    "posts"; any other use of ``name`` (passed on, subscripted) gives "*"."""
    reads: set[str] = set()
    dotted: set[int] = set()
    for node in tree.find_all(jinja2.nodes.Getattr):
        if isinstance(node.node, jinja2.nodes.Name) and node.node.name == name:
            reads.add(node.attr)
            dotted.add(id(node.node))
    for used in tree.find_all(jinja2.nodes.Name):
        if used.name == name and id(used) not in dotted:
            reads.add("*")
    return tuple(sorted(reads))

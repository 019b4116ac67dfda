"""The pipeline: load → check → plan → render → write. Read this file first.

``build_site`` returns a :class:`BuildResult` or raises a
:class:`~cchcgen.errors.CchcError` carrying every problem found in the stage
that failed. It never prints.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from . import i18n, search
from .config import load_config
from .errors import CchcError, ContentError, Diagnostic
from .links import check_links
from .loader import LoadOptions, load_site, theme_assets
from .output import check_output_dir, write_site
from .render import Output, Renderer
from .targets import Kind, Target, plan
from .urls import safe_relative


@dataclass(frozen=True, slots=True)
class BuildOptions:
    source: Path
    output: Path
    base_url: str | None = None
    drafts: bool = False
    future: bool = False
    strict: bool = False
    now: dt.datetime | None = None
    """The build's "now" (SOURCE_DATE_EPOCH); None means the clock."""
    write: bool = True
    """False for ``cchcgen check``: validate and render, write nothing."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    pages: int
    files: int
    bytes: int
    warnings: tuple[Diagnostic, ...]
    notes: tuple[str, ...]
    seconds: float


class StrictError(CchcError):
    """Warnings turned into a failure by --strict."""


def build_site(options: BuildOptions) -> BuildResult:
    started = time.perf_counter()
    root = options.source
    config = load_config(root, options.base_url)
    if options.write:
        check_output_dir(options.output, root)
    locale = i18n.load(config.language)
    now = (options.now or dt.datetime.now(dt.UTC)).astimezone(config.timezone)

    # 1. load: every content file, validated
    loaded = load_site(root, config, LoadOptions(now, options.drafts, options.future))
    site = loaded.site

    # 2-3. check and plan: every output file, unique addresses, valid menu and content links
    assets = [
        Target(
            safe_relative(f"assets/{name}"),
            f"/assets/{name}",
            Kind.ASSET,
            "layouts/assets",
            data={"path": path},
        )
        for name, path in theme_assets(root).items()
    ]
    targets = plan(site, locale, assets, loaded.errors)
    warnings = loaded.warnings + tuple(check_links(site, targets, root, config.base))
    renderer = Renderer(site, locale, root)
    renderer.check_layouts()
    if options.strict and warnings:
        raise StrictError(warnings)

    # 4. render, and index the pages for search
    outputs = renderer.render_all(targets)
    if config.search and site.searchable:
        try:
            bundle = search.index_files(search.site_records(site, locale), config.language)
        except search.SearchIndexError as exc:
            raise ContentError(
                [Diagnostic("site.yaml", None, None, f"the search index failed: {exc}",
                            "set 'search: false' in site.yaml to build without search")]
            ) from None  # fmt: skip
        outputs.extend(Output(path, data) for path, data in bundle.items())

    # 5. write, atomically
    written_files, written_bytes = 0, 0
    if options.write:
        result = write_site(options.output, root, outputs)
        written_files, written_bytes = result.files, result.bytes
    return BuildResult(
        pages=sum(1 for t in targets if t.kind is Kind.PAGE),
        files=written_files,
        bytes=written_bytes,
        warnings=warnings,
        notes=loaded.notes,
        seconds=time.perf_counter() - started,
    )

"""Read ``content/`` into a validated :class:`~cchcgen.content.Site`, reporting every problem.

This and :mod:`cchcgen.output` are the only modules that touch the file system.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import __version__, messages, parallel, sample, schema
from .cache import BuildCache, FileEntry
from .config import SiteConfig
from .contact import read_contact
from .content import (
    ContactInfo,
    Feedback,
    IndexResult,
    Page,
    Plan,
    Post,
    Procedure,
    Site,
    StaticFile,
    Tag,
    TagGroup,
)
from .errors import Collector, Diagnostic, unreadable
from .feedback import read_feedback
from .files import RACY_SECONDS, file_inside, walk
from .fingerprint import Digests
from .indices import read_indices
from .markup import Markdown, Source, shorten
from .messages import _
from .plans import PlanReader
from .procedures import ProcedureReader, check_procedures
from .schema import Field, Invalid
from .textfile import read_text
from .urls import (
    RESERVED_ROOTS,
    UnsafePath,
    alias_url,
    fold,
    is_slug,
    safe_relative,
    slugify,
)
from .yamlutil import Node, YamlSource, compose

CONTENT = "content"


@dataclass(frozen=True, slots=True)
class LoadOptions:
    now: dt.datetime
    drafts: bool = False
    future: bool = False
    cache: BuildCache | None = None
    """Parsed files and Markdown of the last build; updated in place."""
    jobs: int = 1
    """Processes for parsing files the cache does not have."""
    progress: Callable[[str, int, int], None] | None = None
    """``progress("read", done, total)`` while files are parsed."""


@dataclass
class LoadResult:
    site: Site
    """What could be loaded; incomplete when ``errors`` is not empty."""
    errors: tuple[Diagnostic, ...]
    warnings: tuple[Diagnostic, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    """Plain information for the editor, e.g. which future posts were held back."""
    next_change: dt.datetime | None = None
    """The first moment after "now" at which a post or plan appears or expires."""
    digests: Digests = field(default_factory=Digests)
    """Knows the digest of every object read from the cache."""


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A Markdown file split into front matter and body."""

    rel: str
    front: Node | None
    front_source: YamlSource
    body: str
    body_line: int
    """Line of the file on which the body starts."""


# ---------------------------------------------------------------- reading files


def readable(path: Path, rel: str, diags: Collector) -> bool:
    """Can the build copy this file (a static file, a theme asset, a layout)? Checked
    while loading, so that ``check`` says so too; reports it when it cannot."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a pipe must not block
    except OSError as exc:  # unreadable, or a link that leads nowhere
        diags.add(unreadable(rel, exc))
        return False
    try:
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
    finally:
        os.close(fd)
    if not regular:
        diags.error(
            rel,
            None,
            None,
            _("this is not an ordinary file (a pipe or a device) and cannot be published"),
            _("put only files in content/static/"),
        )
    return regular


def split_front_matter(text: str, rel: str, diags: Collector) -> SourceFile | None:
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        diags.error(
            rel,
            1,
            1,
            _("the file does not start with front matter"),
            _("begin the file with a line '---', then 'title: ...', then a line '---'"),
        )
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            front_text = "\n".join(lines[1:index])
            source = YamlSource(rel, line_offset=1)
            errors_before = len(diags.items)
            node = compose(front_text, source, diags)
            if len(diags.items) > errors_before:
                return None  # a syntax error: checking fields would only add noise
            body = "\n".join(lines[index + 1 :])
            return SourceFile(rel, node, source, body, index + 2)
    diags.error(
        rel,
        1,
        1,
        _("the front matter is not closed"),
        _("add a line '---' after the last 'key: value' line"),
    )
    return None


def inside(path: Path, root: Path) -> bool:
    """True if ``path`` (after following links) stays inside ``root``."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a loop of links (Python 3.11)
        return False
    return True


# ---------------------------------------------------------------- field kinds


def _slug(node: Node, ctx: schema.Context) -> str:
    value = schema.exact_line(node, ctx)
    if not is_slug(value):
        suggestion = slugify(value)
        raise Invalid(
            _("must be lowercase letters a-z, digits and '-', got '{value}'").format(value=value),
            _("write slug: {slug}").format(slug=suggestion) if suggestion else None,
            node,
        )
    return value


def _alias(node: Node, ctx: schema.Context) -> str:
    value = schema.one_line(node, ctx)
    try:
        return alias_url(value)
    except UnsafePath as exc:
        raise Invalid(
            str(exc), exc.hint or _("write the old path on this site, e.g. /tin-tuc/ten-cu/"), node
        ) from None


_TAGS = schema.list_of(schema.tag, allow_scalar=True)

POST_FIELDS = (
    Field("title", schema.one_line, required=True),
    Field("date", schema.when, required=True),
    Field("summary", schema.one_line, default=""),
    Field("tags", _TAGS, default=()),
    Field("category", schema.one_line, default=""),
    Field("author", schema.one_line, default=""),
    Field("source", schema.one_line, default=""),
    Field("image", schema.one_line),
    Field("image_alt", schema.one_line, default=""),
    Field("draft", schema.boolean, default=False),
    Field("expiry_date", schema.when),
    Field("updated", schema.when),
    Field("slug", _slug),
    Field("aliases", schema.list_of(_alias, allow_scalar=True), default=()),
    sample.FIELD,
)

PAGE_FIELDS = (
    Field("title", schema.one_line, required=True),
    Field("summary", schema.one_line, default=""),
    Field("updated", schema.when),
    Field("slug", _slug),
    Field("aliases", schema.list_of(_alias, allow_scalar=True), default=()),
    Field("draft", schema.boolean, default=False),
    Field("weight", schema.integer(-1000, 1000), default=0),
    sample.FIELD,
)


# ---------------------------------------------------------------- content types


class _Loader:
    def __init__(self, root: Path, config: SiteConfig, options: LoadOptions) -> None:
        self.root = root
        self.config = config
        self.options = options
        self.diags = Collector()
        self.notes: list[str] = []
        self.next_change: dt.datetime | None = None
        self.cache = options.cache
        self.seen: set[str] = set()
        self.walked: dict[str, list[tuple[Path, str]]] = {}
        self.digests = digests = Digests()
        # a file's diagnostics are kept with it, in the language they were given in
        common = digests.of((__version__, config, messages.current()))
        memo = None
        if self.cache is not None:  # Markdown's HTML depends only on the base URL
            markdown_env = digests.of((__version__, "markdown", config.base, config.raw_html))
            content = self.cache.content
            if content.markdown_env != markdown_env:
                content.markdown_env, content.markdown = markdown_env, {}
            memo = content.markdown
        self.markdown = Markdown(config.base, memo=memo, raw_html=config.raw_html)
        self.envs = {
            "post": digests.of((common, "post", self.listing("static", None))),
            "page": digests.of((common, "page")),
            "plan": digests.of((common, "plan", self.listing("plans", ".md"))),
            "procedure": digests.of((common, "procedure")),
        }
        self.plan_reader = PlanReader(root, self.diags, self.markdown, config.timezone, _alias)
        self.procedure_reader = ProcedureReader(config, self.diags)

    def files(self, folder: str, suffix: str | None = None) -> list[tuple[Path, str]]:
        """The files of ``content/<folder>`` (those ending in ``suffix``), as (path,
        site-relative path). Each folder is walked once per build, so that what cannot be
        read is reported once."""
        if folder not in self.walked:
            found = walk(self.root / CONTENT / folder, self.root, None, self.diags)
            self.walked[folder] = list(found)
        files = self.walked[folder]
        return files if suffix is None else [f for f in files if f[1].lower().endswith(suffix)]

    def listing(self, folder: str, skip_suffix: str | None) -> tuple[tuple[str, int, int], ...]:
        """(path, size, time) of the files a content file may refer to (images, attachments):
        their bytes are not read, only whether they exist and their size."""
        found = []
        for path, rel in self.files(folder):
            if skip_suffix and rel.lower().endswith(skip_suffix):
                continue
            try:
                info = path.stat()
            except OSError:
                continue
            found.append((rel, info.st_size, info.st_mtime_ns))
        return tuple(found)

    def load_many(
        self, kind: str, files: Sequence[tuple[Path, str]], read: Callable[[Path, str], Any]
    ) -> list[Any]:
        """``read`` each file, reusing the cache's result for files whose bytes did not
        change and parsing the others, in several processes when there are many."""
        self.seen.update(rel for _path, rel in files)
        cache = self.cache
        if cache is None:
            return [read(path, rel) for path, rel in files]
        env = self.envs[kind]
        racy_after = time.time_ns() - RACY_SECONDS * 1_000_000_000

        def trusted(stamp: Stamp) -> Stamp:
            """The stamp to remember. A file saved in the last seconds may be saved again
            within the clock's resolution without its times changing, so its stamp is not
            remembered and the next build compares its bytes (as git does)."""
            return stamp if max(stamp[1], stamp[2]) <= racy_after else _UNTRUSTED

        results: list[Any] = [None] * len(files)
        missing: list[tuple[int, Stamp | None, bytes]] = []
        for index, (path, rel) in enumerate(files):
            stamp, content = _stamp(path)
            entry = cache.content.files.get(rel)
            if stamp is not None and entry is not None and entry.env == env:
                if entry.stamp != stamp and entry.content == content():
                    entry.stamp = trusted(stamp)
                    results[index] = entry
                    continue
                if entry.stamp == stamp:
                    results[index] = entry
                    continue
            missing.append((index, stamp, content() if stamp is not None else b""))

        markdown = self.markdown

        def parse(index: int) -> tuple[Any, tuple[Diagnostic, ...], list[tuple[bytes, Any]]]:
            """Parse one file, returning what it added to the diagnostics and Markdown."""
            before, used, added = len(self.diags.items), len(markdown.used), len(markdown.added)
            value = read(*files[index])
            diagnostics = tuple(self.diags.items[before:])
            del self.diags.items[before:]
            converted = [(k, markdown.memo.get(k)) for k in markdown.added[added:]]
            return value, diagnostics, [*converted, *((k, None) for k in markdown.used[used:])]

        report = self.options.progress
        parsed = parallel.map_indices(
            parse,
            [m[0] for m in missing],
            self.options.jobs,
            (lambda done, total: report("read", done, total)) if report else None,
        )
        for (index, stamp, read_digest), (value, diagnostics, texts) in zip(
            missing, parsed, strict=True
        ):
            markdown.memo.update((key, html) for key, html in texts if html is not None)
            keys = tuple(dict.fromkeys(key for key, _ in texts))
            digest = self.digests.object(value) if value is not None else b""
            remembered = trusted(stamp) if stamp is not None else _UNTRUSTED
            entry = FileEntry(remembered, read_digest, env, value, diagnostics, keys, digest)
            if stamp is not None:
                cache.content.files[files[index][1]] = entry
            results[index] = entry
        values = []
        for entry in results:
            self.diags.extend(entry.diagnostics)
            markdown.used.extend(entry.markdown)
            if entry.value is not None:
                self.digests.seed(entry.value, entry.digest)
            values.append(entry.value)
        return values

    def context(self, source: YamlSource) -> schema.Context:
        return schema.Context(source, self.diags, self.config.timezone)

    def read(self, path: Path, rel: str) -> str | None:
        """A content file's text; None (reported) when it links outside the site or is
        not readable UTF-8 text."""
        if not inside(path, self.root):
            self.diags.error(
                rel,
                None,
                None,
                _("this link points outside the site folder"),
                _("copy the file into the site instead of linking to it"),
            )
            return None
        return read_text(path, rel, self.diags)

    def parse(self, path: Path, rel: str) -> SourceFile | None:
        text = self.read(path, rel)
        file = split_front_matter(text, rel, self.diags) if text is not None else None
        if file is not None:
            sample.warn_if_sample(file.front, file.front_source, self.diags)
        return file

    def default_slug(self, path: Path, rel: str, front: Node | None, source: YamlSource) -> str:
        slug = slugify(path.stem)
        if not slug:
            self.diags.error(
                rel,
                *source.position(front),
                _("cannot make a URL from this file name"),
                _("rename the file with letters and digits, or add 'slug: ...'"),
            )
        return slug

    @staticmethod
    def key_line(file: SourceFile, key: str) -> int:
        line, _column = schema.key_position(file.front, key, file.front_source)
        return line if line is not None and file.front is not None else 1

    def check_image(self, values: dict[str, Any], file: SourceFile) -> str | None:
        image = values["image"]
        if not image:
            return None
        ctx_source = file.front_source
        line, column = schema.key_position(file.front, "image", ctx_source)
        if image.startswith(("http://", "https://", "//")):
            self.diags.error(
                file.rel,
                line,
                column,
                _("images must be stored with the site, not loaded from another server"),
                _("save the image in content/static/images/ and write image: images/<name>"),
            )
            return None
        rel_image = image.lstrip("/")
        try:
            rel_image = safe_relative(rel_image)
        except UnsafePath as exc:
            self.diags.error(
                file.rel,
                line,
                column,
                _("'{field}' {message}").format(field="image", message=exc),
                _("write a path inside content/static/, e.g. images/a.jpg"),
            )
            return None
        target = self.root / CONTENT / "static" / rel_image
        if not file_inside(target, self.root / CONTENT / "static"):
            self.diags.error(
                file.rel,
                line,
                column,
                _("'image' file content/static/{path} does not exist").format(path=rel_image),
                _("put the image in content/static/ or fix the path"),
            )
            return None
        if not values["image_alt"]:
            self.diags.error(
                file.rel,
                line,
                column,
                _("'image_alt' is required with 'image'"),
                _("describe the picture for people who cannot see it: image_alt: ..."),
            )
        return "/" + rel_image

    def load_post(self, path: Path, rel: str) -> Post | None:
        file = self.parse(path, rel)
        if file is None:
            return None
        errors_before = len(self.diags.items)
        values = schema.read_mapping(
            file.front, POST_FIELDS, self.context(file.front_source), _("the front matter")
        )
        slug = values["slug"] or self.default_slug(path, rel, file.front, file.front_source)
        image = self.check_image(values, file)
        date = values["date"]
        expiry = values["expiry_date"]
        updated = values["updated"]
        if date and expiry and expiry.value <= date.value:
            line, column = schema.key_position(file.front, "expiry_date", file.front_source)
            self.diags.error(
                rel,
                line,
                column,
                _("'expiry_date' must be after 'date'"),
                _("write the day the post stops being shown, after it appears, or remove the line"),
            )
        if date and updated and updated.value < date.value:
            line, column = schema.key_position(file.front, "updated", file.front_source)
            self.diags.warning(rel, line, column, _("'updated' is before 'date'"))
        if any(d.is_error for d in self.diags.items[errors_before:]):
            return None
        rendered = self.markdown.convert(file.body, Source(rel, file.body_line), self.diags)
        tags = tuple(Tag(slugify(name), name) for name in dict.fromkeys(values["tags"]))
        return Post(
            src=rel,
            line=self.key_line(file, "slug"),
            slug=slug,
            url=f"/tin-tuc/{slug}/",
            title=values["title"],
            date=date.value,
            has_time=date.has_time,
            summary=values["summary"] or shorten(rendered.first_paragraph),
            lead=values["summary"],
            body_html=rendered.html,
            tags=tags,
            category=values["category"],
            author=values["author"],
            source=values["source"],
            image=image,
            image_alt=values["image_alt"],
            draft=values["draft"],
            expiry_date=expiry.value if expiry else None,
            updated=updated.value if updated else None,
            aliases=values["aliases"],
            aliases_line=self.key_line(file, "aliases"),
            tags_line=self.key_line(file, "tags"),
        )

    def load_page(self, path: Path, rel: str) -> Page | None:
        file = self.parse(path, rel)
        if file is None:
            return None
        errors_before = len(self.diags.items)
        values = schema.read_mapping(
            file.front, PAGE_FIELDS, self.context(file.front_source), _("the front matter")
        )
        slug = values["slug"] or self.default_slug(path, rel, file.front, file.front_source)
        if slug in RESERVED_ROOTS:
            line, column = schema.key_position(file.front, "slug", file.front_source)
            self.diags.error(
                rel,
                line,
                column,
                _("the address /{slug}/ is reserved for a section of the site").format(slug=slug),
                _("choose another slug: ..."),
            )
        if any(d.is_error for d in self.diags.items[errors_before:]):
            return None
        rendered = self.markdown.convert(file.body, Source(rel, file.body_line), self.diags)
        updated = values["updated"]
        return Page(
            src=rel,
            line=self.key_line(file, "slug"),
            slug=slug,
            url=f"/{slug}/",
            title=values["title"],
            summary=values["summary"] or shorten(rendered.first_paragraph),
            body_html=rendered.html,
            updated=updated.value if updated else None,
            draft=values["draft"],
            aliases=values["aliases"],
            aliases_line=self.key_line(file, "aliases"),
            weight=values["weight"],
        )

    def load_plan(self, path: Path, rel: str) -> Plan | None:
        file = self.parse(path, rel)
        if file is None:
            return None
        return self.plan_reader.read(
            rel,
            file.front,
            self.context(file.front_source),
            file.body,
            file.body_line,
            lambda key: self.key_line(file, key),
        )

    def load_yaml(self, path: Path, rel: str) -> tuple[Node, YamlSource] | None:
        """A data file's YAML node tree, or None (with the problem reported)."""
        text = self.read(path, rel)
        if text is None:
            return None
        source = YamlSource(rel, text=text)
        errors_before = len(self.diags.items)
        node = compose(text, source, self.diags)
        if len(self.diags.items) > errors_before:
            return None
        if node is None:
            self.diags.error(rel, 1, 1, _("the file is empty"), _("see the README for an example"))
            return None
        sample.warn_if_sample(node, source, self.diags)
        return node, source

    def load_procedure(self, path: Path, rel: str) -> Procedure | None:
        loaded = self.load_yaml(path, rel)
        if loaded is None:
            return None
        return self.procedure_reader.read(rel, *loaded, path.stem)

    def load_contact(self) -> ContactInfo | None:
        path = self.root / CONTENT / "hotline.yaml"
        if not path.is_file():
            return None
        loaded = self.load_yaml(path, f"{CONTENT}/hotline.yaml")
        if loaded is None:
            return None
        return read_contact(
            f"{CONTENT}/hotline.yaml",
            *loaded,
            self.diags,
            self.config.timezone,
            self.options.now.date(),
        )

    def load_feedback(self, procedures: list[Procedure]) -> list[Feedback]:
        items: list[Feedback] = []
        codes = {p.code for p in procedures}
        seen: dict[str, Feedback] = {}
        for path, rel in self.files("feedback", ".yaml"):
            loaded = self.load_yaml(path, rel)
            item = read_feedback(rel, *loaded, self.diags, self.config.timezone) if loaded else None
            if item is None:
                continue
            if item.slug in seen:
                self.diags.error(
                    rel,
                    item.line,
                    None,
                    _("the id {id} is already used by {file}").format(
                        id=item.id, file=seen[item.slug].src
                    ),
                    _("give each feedback item its own id"),
                )
                continue
            seen[item.slug] = item
            if item.related_procedure and item.related_procedure not in codes:
                self.diags.warning(
                    rel,
                    item.line,
                    None,
                    _(
                        "'related_procedure' {code} has no file in "
                        "content/procedures/; it is shown without a link"
                    ).format(code=item.related_procedure),
                    _("add the procedure or correct the code"),
                )
            items.append(item)
        self.ignored_files("feedback", ".yaml")
        items.sort(key=lambda f: f.id)
        items.sort(key=lambda f: f.published_at, reverse=True)
        return items

    def load_indices(self) -> tuple[IndexResult, ...]:
        path = self.root / CONTENT / "indices.yaml"
        if not path.is_file():
            return ()
        rel = f"{CONTENT}/indices.yaml"
        loaded = self.load_yaml(path, rel)
        if loaded is None:
            return ()
        return read_indices(rel, *loaded, self.diags, self.config.timezone)

    def load_procedures(self) -> list[Procedure]:
        files = self.files("procedures", ".yaml")
        procedures = [p for p in self.load_many("procedure", files, self.load_procedure) if p]
        self.ignored_files("procedures", ".yaml")
        check_procedures(
            procedures, self.diags, self.options.now.date(), self.config.stale_after_days
        )
        procedures.sort(key=lambda p: p.code)
        procedures.sort(key=lambda p: (fold(p.sector.name), fold(p.name)))
        return procedures

    def check_plans(self, plans: list[Plan]) -> None:
        """Numbers are unique per issuer and year; replacements must exist."""
        seen: dict[tuple[str, int, str], Plan] = {}
        for plan in plans:
            if not plan.number:
                continue
            key = (plan.issuer_name, plan.year, plan.full_number)
            if key in seen:
                self.diags.error(
                    plan.src,
                    plan.line,
                    None,
                    _("the number {number} of {year} is already used by {file}").format(
                        number=plan.full_number, year=plan.year, file=seen[key].src
                    ),
                    _("each document of an issuer has its own number in a year"),
                )
            else:
                seen[key] = plan
        for plan in plans:
            if plan.superseded_by and not any(
                plan.superseded_by in (other.full_number, other.url, other.url.rstrip("/"))
                for other in plans
                if other is not plan
            ):
                self.diags.error(
                    plan.src,
                    plan.superseded_line,
                    None,
                    _(
                        "'superseded_by' names {name}, which is not a "
                        "published document of this site"
                    ).format(name=plan.superseded_by),
                    _("write the number (15/KH-UBND) or the address of the new plan"),
                )

    def is_published(self, post: Post) -> bool:
        now = self.options.now
        if post.draft and not self.options.drafts:
            return False
        if post.date > now and not self.options.future:
            self.due(post.date)
            self.notes.append(
                _(
                    "{file}: dated {date}, published by the first build "
                    "on or after that time (--future shows it now)"
                ).format(file=post.src, date=f"{post.date:%d/%m/%Y %H:%M}")
            )
            return False
        if post.expiry_date is not None and post.expiry_date > now:
            self.due(post.expiry_date)
        return not (post.expiry_date is not None and post.expiry_date <= now)

    def due(self, moment: dt.datetime) -> None:
        """Remember that the site changes by itself at ``moment``."""
        if self.next_change is None or moment < self.next_change:
            self.next_change = moment

    def load_static(self) -> tuple[StaticFile, ...]:
        folder = self.root / CONTENT / "static"
        files = []
        for path, rel in self.files("static"):
            if not inside(path, folder):
                self.diags.error(
                    rel,
                    None,
                    None,
                    _("this link points outside content/static/"),
                    _("copy the file into the site instead of linking to it"),
                )
                continue
            if not readable(path, rel, self.diags):
                continue
            # published in NFC, the form links are typed in, whatever form the name has on disk
            output = unicodedata.normalize("NFC", rel.removeprefix(f"{CONTENT}/static/"))
            try:
                files.append(StaticFile(rel, safe_relative(output)))
            except UnsafePath as exc:
                self.diags.error(rel, None, None, str(exc))
        return tuple(files)

    def check_layouts(self) -> None:
        """Report every file and folder of ``layouts/`` that cannot be read: a layout
        that cannot be read would silently give way to the built-in one."""
        for path, rel in walk(self.root / "layouts", self.root, None, self.diags):
            readable(path, rel, self.diags)

    def ignored_files(self, folder: str, suffix: str) -> None:
        for _path, rel in self.files(folder):
            if not rel.lower().endswith(suffix):
                self.diags.warning(
                    rel,
                    None,
                    None,
                    _(
                        "only {suffix} files in content/{folder}/ are published; "
                        "this file is ignored"
                    ).format(suffix=suffix, folder=folder),
                    _("put images and documents in content/static/"),
                )

    def load(self) -> LoadResult:
        files = self.files("posts", ".md")
        posts = [
            post
            for post in self.load_many("post", files, self.load_post)
            if post is not None and self.is_published(post)
        ]
        self.ignored_files("posts", ".md")
        files = self.files("pages", ".md")
        pages = [
            page
            for page in self.load_many("page", files, self.load_page)
            if page is not None and (not page.draft or self.options.drafts)
        ]
        self.ignored_files("pages", ".md")
        plans = []
        files = self.files("plans", ".md")
        for plan in self.load_many("plan", files, self.load_plan):
            if plan is None:
                continue
            if plan.published_at <= self.options.now or self.options.future:
                plans.append(plan)
            else:
                self.due(plan.published_at)
        self.check_plans(plans)
        plans.sort(key=lambda p: p.full_number)
        plans.sort(
            key=lambda p: (p.year, p.issued_month or 0, p.issued_date or dt.date.min), reverse=True
        )
        procedures = self.load_procedures()
        contact = self.load_contact()
        feedback = self.load_feedback(procedures)
        indices = self.load_indices()
        static = self.load_static()
        self.check_layouts()
        posts.sort(key=lambda p: p.slug)
        posts.sort(key=lambda p: p.date, reverse=True)
        pages.sort(key=lambda p: (p.weight, p.title, p.slug))
        posts, tags = self.group_tags(posts)
        site = Site(
            config=self.config,
            posts=tuple(posts),
            pages=tuple(pages),
            plans=tuple(plans),
            tags=tags,
            static=static,
            now=self.options.now,
            procedures=tuple(procedures),
            contact=contact,
            feedback=tuple(feedback),
            indices=indices,
        )
        errors = tuple(d for d in self.diags.items if d.is_error)
        if self.cache is not None and not errors:
            self.cache.content.prune(self.seen, set(self.markdown.used))
        return LoadResult(site, errors, self.diags.warnings, tuple(self.notes), self.next_change)

    def group_tags(self, posts: list[Post]) -> tuple[list[Post], tuple[TagGroup, ...]]:
        """One spelling per tag slug (the most used); posts rewritten to use it."""
        spellings: dict[str, Counter[str]] = {}
        first: dict[Tag, Post] = {}
        for post in posts:
            for tag in post.tags:
                spellings.setdefault(tag.slug, Counter())[tag.name] += 1
                first.setdefault(tag, post)
        canonical: dict[str, Tag] = {}
        for slug, names in sorted(spellings.items()):
            name = sorted(names.items(), key=lambda item: (-item[1], item[0]))[0][0]
            canonical[slug] = Tag(slug, name)
            for other in sorted(n for n in names if n != name):
                post = first[Tag(slug, other)]
                self.diags.warning(
                    post.src,
                    post.tags_line,
                    None,
                    _(
                        "the tag '{tag}' is written '{name}' elsewhere; its page shows '{name}'"
                    ).format(tag=other, name=name),
                    _("use one spelling so readers see one name"),
                )
        posts = [_with_tags(post, tuple(dict.fromkeys(canonical[t.slug] for t in post.tags)))
                 for post in posts]  # fmt: skip
        members: dict[str, list[Post]] = {}
        for post in posts:
            for tag in post.tags:
                members.setdefault(tag.slug, []).append(post)
        groups = tuple(TagGroup(canonical[slug], tuple(members[slug])) for slug in sorted(members))
        return posts, groups


def _with_tags(post: Post, tags: tuple[Tag, ...]) -> Post:
    """The post with these tags; the same object when they are the ones it has."""
    return post if tags == post.tags else replace(post, tags=tags)


Stamp = tuple[int, int, int, int]
"""(size, mtime, ctime, inode): see :attr:`cchcgen.cache.FileEntry.stamp`."""
_UNTRUSTED: Stamp = (-1, -1, -1, -1)


def _stamp(path: Path) -> tuple[Stamp | None, Callable[[], bytes]]:
    """(size, mtime, ctime, inode) of a regular file, None for links and unreadable files
    (read every time); and a function giving the digest of its bytes."""

    def content() -> bytes:
        try:
            return hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
        except OSError:
            return b""

    try:
        info = os.lstat(path)
    except OSError:
        return None, content
    if not stat.S_ISREG(info.st_mode):
        return None, content
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino), content


def load_site(root: Path, config: SiteConfig, options: LoadOptions) -> LoadResult:
    """Load and validate every content file.

    Invalid files are left out and reported in ``errors``, so that the later stages
    can still look for problems between the valid ones (duplicate addresses).
    """
    return _Loader(root, config, options).load()


BUILTIN_ASSETS = Path(__file__).parent / "assets"


def theme_assets(root: Path) -> dict[str, Path]:
    """Theme files published under ``/assets/``: built-in ones, replaced by the site's
    ``layouts/assets/<name>`` of the same name, plus any extra files the site adds there."""
    found: dict[str, Path] = {}
    # what cannot be read is left out here and reported by load_site (check_layouts),
    # which every build runs first
    unreadable = Collector()
    for folder in (BUILTIN_ASSETS, root / "layouts" / "assets"):
        for path, rel in walk(folder, folder, None, unreadable):
            if inside(path, folder) and readable(path, rel, unreadable):
                found[path.relative_to(folder).as_posix()] = path
    return dict(sorted(found.items()))


FINGERPRINTED = (".css", ".js")
"""Assets published under a name that carries their content hash (``cchcgen.3f9a1c2e.css``),
so that a browser or proxy never serves an old stylesheet or script with new pages."""


def published_assets(root: Path) -> dict[str, tuple[str, Path]]:
    """Theme asset name → (name it is published under, file)."""
    published = {}
    for name, path in theme_assets(root).items():
        if name.lower().endswith(FINGERPRINTED):
            digest = hashlib.blake2b(path.read_bytes(), digest_size=4).hexdigest()
            stem, dot, suffix = name.rpartition(".")
            published[name] = (f"{stem}.{digest}{dot}{suffix}", path)
        else:
            published[name] = (name, path)
    return published

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from . import __version__, kinds, messages, parallel, sample, schema
from .cache import BuildCache, FileEntry
from .config import SiteConfig
from .content import Site, StaticFile
from .errors import Collector, Diagnostic, unreadable
from .files import RACY_SECONDS, walk
from .fingerprint import Digests
from .kinds.base import SourceFile
from .markup import Markdown
from .messages import _
from .textfile import read_text
from .urls import UnsafePath, safe_relative, slugify
from .yamlutil import Node, YamlSource, compose

CONTENT = "content"


_T = TypeVar("_T")


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


def inside(path: Path, root: Path, resolved_root: Path | None = None) -> bool:
    """True if ``path`` (after following links) stays inside ``root`` (whose resolved
    path the caller may give, when it asks about many files)."""
    try:
        path.resolve().relative_to(resolved_root or root.resolve())
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a loop of links (Python 3.11)
        return False
    return True


# ---------------------------------------------------------------- loading


class Loader:
    """Reads ``content/`` for the content types (:class:`cchcgen.kinds.base.Loading`)."""

    def __init__(self, root: Path, config: SiteConfig, options: LoadOptions) -> None:
        self.root = root
        self.resolved_root = root.resolve()
        self.folders_inside: dict[Path, bool] = {}
        """Whether each folder of content files asked about stays inside the site."""
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
        self.common = common
        self.kinds = {kind.name: kind for kind in kinds.registry()}
        self.envs: dict[str, bytes] = {}
        self.now = options.now
        self.drafts = options.drafts
        self.future = options.future

    def env(self, kind: str) -> bytes:
        """What every cached value of type ``kind`` depends on besides its own file."""
        known = self.envs.get(kind)
        if known is None:
            extra = self.kinds[kind].cache_env(self)
            known = self.envs[kind] = self.digests.of((self.common, kind, extra))
        return known

    def note(self, text: str) -> None:
        self.notes.append(text)

    def replace(self, value: _T, **changes: Any) -> _T:
        return self.digests.replace(value, **changes)

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
        env = self.env(kind)
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
        if not self._inside(path):
            self.diags.error(
                rel,
                None,
                None,
                _("this link points outside the site folder"),
                _("copy the file into the site instead of linking to it"),
            )
            return None
        return read_text(path, rel, self.diags)

    def _inside(self, path: Path) -> bool:
        """:func:`inside`, with each folder resolved once: a file that is not a link is
        inside exactly when its folder is (a post's path has ~6 parts to look up)."""
        if os.path.islink(path):
            return inside(path, self.root, self.resolved_root)
        folder = path.parent
        known = self.folders_inside.get(folder)
        if known is None:
            known = self.folders_inside[folder] = inside(folder, self.root, self.resolved_root)
        return known

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

    def optional_yaml(self, rel: str) -> tuple[Node, YamlSource] | None:
        """A data file a site may leave out (``content/hotline.yaml``): None when it is
        not there, or (reported) when it cannot be read."""
        path = self.root / rel
        return self.load_yaml(path, rel) if path.is_file() else None

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

    def load(self) -> LoadResult:
        entries: dict[str, Any] = {}
        for kind in self.kinds.values():
            entries.update(kind.load(self, entries))
        static = self.load_static()
        self.check_layouts()
        site = Site(config=self.config, static=static, now=self.options.now, entries=entries)
        errors = tuple(d for d in self.diags.items if d.is_error)
        if self.cache is not None and not errors:
            self.cache.content.prune(self.seen, set(self.markdown.used))
        return LoadResult(
            site, errors, self.diags.warnings, tuple(self.notes), self.next_change, self.digests
        )

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
    return Loader(root, config, options).load()


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

"""What each output file is made of: the fingerprint an incremental build compares.

A target's fingerprint digests everything its bytes can depend on:

* what the build gives every page: cchcgen's version, site.yaml, the locale, the menu and
  the footer's links,
  the assets' fingerprinted names, the hotline strip and the footer's lists;
* its layout and every layout that one extends or includes, and each ``site.<name>``
  those layouts read (a layout that uses ``site`` in another way depends on all of it);
* the target itself: address, metadata and the content it shows (a post page: the
  post and its related posts; a list page: the posts on it);
* for copied files, the source file's size and time; for the sitemap, every address;
* a QR code file only on cchcgen's version, segno's, the base URL, the address it leads
  to and (SVG) its title: editing site.yaml does not draw every code again.

Equal fingerprints mean equal bytes, so the build skips rendering; the property test
in tests/test_incremental.py checks that incremental and clean builds agree.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from . import __version__, kinds
from .content import Site
from .fingerprint import Digests
from .i18n import Locale
from .outputs import CopiedFile, DataFile, Feed, Kind, Target, ThemeFile
from .qrcodes import ENV as QR_ENV
from .templates import Templates


class Fingerprints:
    def __init__(
        self,
        site: Site,
        locale: Locale,
        templates: Templates,
        menu: Any,
        assets: Mapping[str, str],
        root: Path,
        digests: Digests | None = None,
    ) -> None:
        self.site = site
        self.root = root
        self.templates = templates
        self.digests = digests or Digests()
        self.common = self.digests.of(
            (
                __version__,
                site.config,
                locale.code,
                locale.strings,
                menu,
                tuple(sorted(assets.items())),  # fingerprinted names
                tuple((kind.name, kind.every_page(site)) for kind in kinds.registry()),
                site.searchable,
            )
        )
        self._layouts: dict[str, bytes] = {}
        self._site_reads: dict[str, bytes] = {}
        self._whole_site: bytes | None = None

    # -- layouts

    def layout(self, name: str) -> bytes:
        known = self._layouts.get(name)
        if known is None:
            closure = self.templates.closure(name)
            if closure is None:  # an include chosen at render time: any layout may be used
                closure = self.templates.closure_all()
            reads = sorted({read for _name, _source, names in closure for read in names})
            known = self.digests.of((closure, tuple(self.site_read(r) for r in reads)))
            self._layouts[name] = known
        return known

    def site_read(self, name: str) -> bytes:
        """Digest of ``site.<name>`` as a layout sees it: an entry, a type's view (its
        value; for a view called with arguments, the entries it is computed from), or
        another attribute; any other use of ``site``
        (``*``) or a method counts as reading the whole site."""
        known = self._site_reads.get(name)
        if known is None:
            view = kinds.views().get(name)
            value = getattr(self.site, name, None) if name != "*" and view is None else None
            if view is not None and not view.method:  # its value is what layouts see
                known = self.digests.of((name, getattr(self.site, name)))
            elif view is not None:  # called with arguments: everything it may read
                read = tuple(self.site.entry(entry) for entry in view.reads)
                known = self.digests.of((name, read))
            elif name == "*" or callable(value):
                known = self.whole_site()
            else:
                known = self.digests.of((name, value))
            self._site_reads[name] = known
        return known

    def whole_site(self) -> bytes:
        if self._whole_site is None:
            self._whole_site = self.digests.of(
                tuple(
                    getattr(self.site, f.name)
                    for f in dataclasses.fields(self.site)
                    if f.name != "now"  # the clock changes nothing a layout shows
                )
            )
        return self._whole_site

    # -- targets

    def of(self, target: Target, sitemap: Sequence[tuple[str, Any]]) -> bytes:
        d = self.digests
        own = (
            target.output,
            target.url,
            target.kind,
            target.layout,
            target.meta,
            target.context,
            target.lastmod,
            target.in_sitemap,
        )
        kind = target.kind
        if kind in (Kind.QR_SVG, Kind.QR_PNG):  # drawn from its address (and label) alone
            code = target.context
            label = code.label if kind is Kind.QR_SVG else ""  # the PNG has no title
            shown = (QR_ENV, self.site.config.base, target.output, code.target_url, label)
            return d.of((__version__, kind, shown))
        extra: Any = None
        if kind in (Kind.PAGE, Kind.ALIAS):
            assert target.layout is not None
            extra = self.layout(target.layout)
        elif isinstance(made := target.context, Feed):
            if not made.feed.entries:  # an empty feed is dated by the clock
                extra = self.site.now
        elif isinstance(made, DataFile):
            extra = tuple(self.site.entry(entry) for entry in made.reads)
        elif kind is Kind.SITEMAP:
            extra = tuple(sitemap)
        elif isinstance(made, CopiedFile):
            extra = _stat(str(self.root / made.src))
        elif isinstance(made, ThemeFile):
            extra = _stat(str(made.path))
        return d.of((self.common, own, extra))

    def records(self) -> bytes:
        """Digest of everything the search index is made from: the entries each content
        type declares its records are made from (``searched``)."""
        site = self.site
        searched = tuple(
            (kind.name, tuple(site.entry(entry) for entry in kind.searched))
            for kind in kinds.registry()
        )
        return self.digests.of((self.common, searched))


def _stat(path: str) -> tuple[str, int, int, int, int]:
    """A copied file's stamp; the ctime and inode catch an edit whose old mtime was put
    back (then the file is read again, and written only if its bytes changed)."""
    try:
        info = os.stat(path)
    except OSError:
        return (path, -1, -1, -1, -1)
    return (path, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)

"""What each output file is made of: the fingerprint an incremental build compares.

A target's fingerprint digests everything its bytes can depend on:

* what the build gives every page: cchcgen's version, site.yaml, the locale, the menu,
  the assets' fingerprinted names, the hotline strip and the footer's lists;
* its layout and every layout that one extends or includes, and each ``site.<name>``
  those layouts read (a layout that uses ``site`` in another way depends on all of it);
* the target itself: address, metadata and the content it shows (a post page: the
  post and its related posts; a list page: the posts on it);
* for copied files, the source file's size and time; for the sitemap, every address.

Equal fingerprints mean equal bytes, so the build skips rendering; the property test
in tests/test_incremental.py checks that incremental and clean builds agree.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .content import Site
from .fingerprint import Digests
from .i18n import Locale
from .targets import Kind, Target
from .templates import Templates

_METHOD_DATA = {
    "posts_of_year": "posts",
    "plans_of_year": "plans",
    "plan_by_reference": "plans",
    "procedure": "procedures",
}
"""What each :class:`~cchcgen.content.Site` method called from a layout reads; any
other method counts as reading the whole site."""


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
                site.contact,
                bool(site.feedback),
                bool(site.indices),
                tuple((p.title, p.url) for p in site.pages),
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
        """Digest of ``site.<name>`` as a layout sees it."""
        known = self._site_reads.get(name)
        if known is None:
            value = getattr(self.site, name, None) if name != "*" else None
            if callable(value) and name in _METHOD_DATA:
                known = self.digests.of((name, getattr(self.site, _METHOD_DATA[name])))
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
            target.data,
            target.lastmod,
            target.in_sitemap,
        )
        kind = target.kind
        extra: Any = None
        if kind in (Kind.PAGE, Kind.ALIAS):
            assert target.layout is not None
            extra = self.layout(target.layout)
        elif kind is Kind.FEED:
            if not target.data["feed"].entries:  # an empty feed is dated by the clock
                extra = self.site.now
        elif kind is Kind.DATA:
            extra = self.site.procedures
        elif kind is Kind.SITEMAP:
            extra = tuple(sitemap)
        elif kind is Kind.STATIC:
            extra = _stat(str(self.root / target.data["src"]))
        elif kind is Kind.ASSET:
            extra = _stat(str(target.data["path"]))
        return d.of((self.common, own, extra))

    def records(self) -> bytes:
        """Digest of everything the search index is made from."""
        site = self.site
        return self.digests.of(
            (self.common, site.posts, site.pages, site.plans, site.procedures, site.feedback)
        )


def _stat(path: str) -> tuple[str, int, int, int, int]:
    """A copied file's stamp; the ctime and inode catch an edit whose old mtime was put
    back (then the file is read again, and written only if its bytes changed)."""
    try:
        info = os.stat(path)
    except OSError:
        return (path, -1, -1, -1, -1)
    return (path, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)

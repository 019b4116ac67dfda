"""Walking the site's folders: the files of a build, in a fixed order."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

RACY_SECONDS = 2
"""Files changed this recently are compared by their bytes, not their size and time: a
file may change again within the clock's resolution without its time changing."""


def walk(folder: Path, root: Path, suffixes: tuple[str, ...] | None) -> Iterator[tuple[Path, str]]:
    """Files under ``folder`` in a fixed order, as (path, site-relative path); skips dot files."""
    if not folder.is_dir():
        return
    base = os.path.join(str(root), "")
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        # string paths: thousands of files, and Path.relative_to is slow
        prefix = os.path.join(dirpath, "").removeprefix(base).replace(os.sep, "/")
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith("~"):
                continue
            if suffixes is not None and not name.lower().endswith(suffixes):
                continue
            yield Path(dirpath, name), prefix + name

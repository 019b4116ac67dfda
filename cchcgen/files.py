"""Walking the site's folders: the files of a build, in a fixed order, and every folder
or link that cannot be read, reported where it is."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from .errors import Collector
from .messages import _

RACY_SECONDS = 2
"""Files changed this recently are compared by their bytes, not their size and time: a
file may change again within the clock's resolution without its time changing."""

_GONE = (errno.ENOENT, errno.ENOTDIR)
"""A folder removed while it was being listed: the build's own check for files saved
meanwhile notices it."""


def walk(
    folder: Path, root: Path, suffixes: tuple[str, ...] | None, diags: Collector
) -> Iterator[tuple[Path, str]]:
    """Files under ``folder`` in a fixed order, as (path, site-relative path); skips dot
    files and backups (``name~``).

    A folder that cannot be listed, a link that leads nowhere or in a loop, and a path
    too long for the system are errors in ``diags``; a link to a folder is not followed
    (a warning). None of them is yielded.
    """
    for entry, rel in walk_entries(folder, root, suffixes, diags):
        yield Path(entry.path), rel


def walk_entries(
    folder: Path, root: Path, suffixes: tuple[str, ...] | None, diags: Collector
) -> Iterator[tuple[os.DirEntry[str], str]]:
    """:func:`walk`'s files as the folder listing's entries: no ``Path`` is made, and
    ``entry.stat(follow_symlinks=False)`` is the file's own stamp (the quick check takes
    thousands of them)."""
    base = os.path.join(str(root), "")
    walker = _Walker(base, suffixes, diags, _path_max(root))
    top = str(folder)
    try:
        if not stat.S_ISDIR(os.stat(top).st_mode):
            return
    except OSError as exc:
        if exc.errno not in _GONE or os.path.islink(top):
            walker.unreadable(top, exc)
        return
    yield from walker.folder(top)


def _path_max(root: Path) -> int:
    try:
        return os.pathconf(root, "PC_PATH_MAX")
    except (OSError, ValueError):
        return 4096


class _Walker:
    def __init__(
        self, base: str, suffixes: tuple[str, ...] | None, diags: Collector, path_max: int
    ) -> None:
        self.base = base
        self.suffixes = suffixes
        self.diags = diags
        self.path_max = path_max

    def rel(self, path: str) -> str:
        # string paths: thousands of files, and Path.relative_to is slow
        return path.removeprefix(self.base).replace(os.sep, "/")

    def folder(self, path: str) -> Iterator[tuple[os.DirEntry[str], str]]:
        """The files of one folder, then those of its sub-folders, each in name order."""
        try:
            with os.scandir(path) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            if exc.errno not in _GONE:
                self.unreadable(path, exc)
            return
        folders = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if len(os.fsencode(entry.path)) >= self.path_max:
                self.too_long(entry.path)
            elif entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)
            elif name.endswith("~") or (entry.is_symlink() and not self.link_to_file(entry.path)):
                continue
            elif self.suffixes is None or name.lower().endswith(self.suffixes):
                yield entry, self.rel(entry.path)
        for sub in folders:
            yield from self.folder(sub)

    def link_to_file(self, path: str) -> bool:
        """Whether a link leads to a file; reports it when it does not."""
        try:
            target = os.stat(path)
        except OSError as exc:
            self.unreadable(path, exc)
            return False
        if stat.S_ISDIR(target.st_mode):
            self.diags.warning(
                self.rel(path),
                None,
                None,
                _(
                    "this is a link to a folder; links to folders are not followed, so the "
                    "files in it are not published"
                ),
                _("move or copy the folder here instead of linking to it"),
            )
            return False
        return True

    def too_long(self, path: str) -> None:
        self.diags.error(
            self.rel(path),
            None,
            None,
            _("this path is too long for the system ({size} bytes, the limit is {limit})").format(
                size=len(os.fsencode(path)), limit=self.path_max - 1
            ),
            _("use shorter folder and file names, or fewer folders inside each other"),
        )

    def unreadable(self, path: str, exc: OSError) -> None:
        """Report a folder or link that cannot be read, by the reason the system gave."""
        rel = self.rel(path)
        if exc.errno == errno.ENAMETOOLONG:
            self.too_long(path)
        elif exc.errno == errno.ELOOP:
            self.diags.error(
                rel,
                None,
                None,
                _("this link leads back to itself (a loop of links), so it cannot be read"),
                _("delete the link, or make it point to the real file"),
            )
        elif exc.errno in _GONE and os.path.islink(path):
            self.diags.error(
                rel,
                None,
                None,
                _link_target(path),
                _("delete the link, or copy the file here instead of linking to it"),
            )
        elif exc.errno in (errno.EACCES, errno.EPERM):
            self.diags.error(
                rel,
                None,
                None,
                _("cannot read this link: permission denied")
                if os.path.islink(path)
                else _("cannot read this folder: permission denied"),
                _("let the account that builds the site read it (chmod a+rX), or remove it"),
            )
        else:
            reason = (exc.strerror or str(exc)).lower()
            self.diags.error(
                rel,
                None,
                None,
                _("cannot read this link: {reason}").format(reason=reason)
                if os.path.islink(path)
                else _("cannot read this folder: {reason}").format(reason=reason),
            )


def _link_target(path: str) -> str:
    """The message for a link that leads nowhere, naming its target when it can."""
    try:
        target = os.readlink(path)
    except OSError:
        return _("this link points to a file, which does not exist")
    return _("this link points to '{target}', which does not exist").format(target=target)


def file_inside(path: Path, root: Path) -> bool:
    """Is ``path``, a path an editor typed, a file that stays inside ``root`` (after
    following links)? False, never an exception, for a name too long for the system, a
    loop of links or anything else the system refuses."""
    try:
        return path.is_file() and path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # RuntimeError: a loop of links (Python 3.11)
        return False

"""Diagnostics: problems an editor can fix, each pointing at a file position.

Library code never prints. It collects :class:`Diagnostic` objects and raises a
:class:`CchcError` carrying all of them at the end of a stage, so an editor sees
every mistake of a build in one run. Only ``cli.py`` prints them.
"""

from __future__ import annotations

import enum
import errno
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .messages import N_, _


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in the user's site."""

    path: str
    """Site-relative, '/'-separated path: ``content/posts/2023/a.md``."""
    line: int | None
    """1-based line, or None when the problem concerns the whole file."""
    column: int | None
    """1-based column, or None."""
    message: str
    hint: str | None = None
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        """``path:line:col``; a problem with the whole file points at its start."""
        return f"{self.path}:{self.line or 1}:{self.column or 1}"

    def __str__(self) -> str:
        label = _("error") if self.is_error else _("warning")
        text = f"{self.location()}: {label}: {self.message}"
        if self.hint:
            text += "\n  " + _("hint") + f": {self.hint}"
        return text

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line or 0, self.column or 0, self.message)


class CchcError(Exception):
    """A problem in the user's site. The CLI prints it without a traceback."""

    exit_code = 1

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(sorted(diagnostics, key=Diagnostic.sort_key))
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)


_OS_HINTS = {
    errno.EACCES: N_(
        "let the user who runs cchcgen read the site's files and write the output "
        "folder (on Linux: chmod, chown)"
    ),
    errno.EISDIR: N_("it is a folder; cchcgen needs a file here"),
    errno.ENOENT: N_("check the path; a link may lead to a file that no longer exists"),
    errno.ENOTDIR: N_("a file stands where a folder is needed; rename it or choose another path"),
    errno.EEXIST: N_("a file stands where a folder is needed; rename it or choose another path"),
    errno.ENOSPC: N_("the disk is full; free some space, then run the command again"),
    errno.EROFS: N_("this disk is read-only; choose a folder you can write to"),
    errno.ELOOP: N_("a link here leads back to itself; remove the link"),
    errno.ENAMETOOLONG: N_("shorten the names of the folders and the file"),
}
_OS_HINTS[errno.EPERM] = _OS_HINTS[errno.EACCES]
_OS_HINTS[errno.EDQUOT] = _OS_HINTS[errno.ENOSPC]


def _reason(exc: OSError) -> str:
    """``Permission denied`` → ``permission denied``."""
    text = exc.strerror or type(exc).__name__
    return text[:1].lower() + text[1:]


_READ_HINT = N_("let the user who runs cchcgen read this file (on Linux: chmod a+r)")


def unreadable(path: str, exc: OSError) -> Diagnostic:
    """A file the operating system would not let cchcgen read."""
    denied = exc.errno in (errno.EACCES, errno.EPERM)
    hint = _READ_HINT if denied else _OS_HINTS.get(exc.errno or 0)
    message = _("cannot read this file: {reason}").format(reason=_reason(exc))
    return Diagnostic(path, None, None, message, _(hint) if hint else None)


def os_failure(path: str, exc: OSError) -> Diagnostic:
    """Any other refusal of the operating system (writing, making a folder, a full disk)."""
    hint = _OS_HINTS.get(exc.errno or 0)
    message = _("cannot read or write this file or folder: {reason}").format(reason=_reason(exc))
    return Diagnostic(path, None, None, message, _(hint) if hint else None)


class ConfigError(CchcError):
    """site.yaml is invalid."""


class ContentError(CchcError):
    """A content or data file is invalid, or the site as a whole is inconsistent."""


class TemplateError(CchcError):
    """A layout failed to compile or render."""


class OutputError(CchcError):
    """The output folder cannot be written safely."""


@dataclass
class Collector:
    """Gathers diagnostics during one stage of the build."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def error(
        self,
        path: str,
        line: int | None,
        column: int | None,
        message: str,
        hint: str | None = None,
    ) -> None:
        self.items.append(Diagnostic(path, line, column, message, hint))

    def warning(
        self,
        path: str,
        line: int | None,
        column: int | None,
        message: str,
        hint: str | None = None,
    ) -> None:
        self.items.append(Diagnostic(path, line, column, message, hint, Severity.WARNING))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.items)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.items if not d.is_error)

    def raise_if_errors(self, kind: type[CchcError] = ContentError) -> None:
        if self.has_errors:
            raise kind(self.items)

"""Diagnostics: problems an editor can fix, each pointing at a file position.

Library code never prints. It collects :class:`Diagnostic` objects and raises a
:class:`CchcError` carrying all of them at the end of a stage, so an editor sees
every mistake of a build in one run. Only ``cli.py`` prints them.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


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
        text = f"{self.location()}: {self.severity.value}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
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

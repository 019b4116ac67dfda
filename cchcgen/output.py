"""Write the rendered site into the output folder, atomically and never outside it.

The new tree is written into a hidden staging folder beside the output folder
and swapped in with two renames only when every file was written. A build
that fails before the swap leaves the previous output exactly as it was;
files that no longer belong to the site disappear with the old tree.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import Collector, OutputError
from .render import Output
from .urls import UnsafePath, safe_relative

# A folder we may replace must be empty or look like an earlier build.
_BUILD_MARKERS = ("sitemap.xml", "index.html")


@dataclass(frozen=True, slots=True)
class WriteResult:
    files: int
    bytes: int


def _fail(message: str, hint: str | None = None, path: str = "--output") -> OutputError:
    diags = Collector()
    diags.error(path, None, None, message, hint)
    return OutputError(diags.items)


def check_output_dir(output: Path, source: Path) -> None:
    """Refuse output folders whose replacement would destroy something of the editor's."""
    out = output.resolve()
    src = source.resolve()
    if out == src or src.is_relative_to(out):
        raise _fail(
            f"the output folder {output} contains the site itself",
            "use a separate folder such as public/",
        )
    for protected in ("content", "layouts"):
        if out.is_relative_to(src / protected):
            raise _fail(
                f"the output folder {output} is inside {protected}/",
                "use a separate folder such as public/",
            )
    if out.exists() and not out.is_dir():
        raise _fail(f"{output} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not any((out / m).exists() for m in _BUILD_MARKERS):
        raise _fail(
            f"{output} is not empty and does not look like an earlier build",
            "cchcgen replaces the whole output folder; choose an empty or new folder",
        )


def _clean_leftovers(out: Path) -> None:
    """Remove staging folders left by a build that was killed."""
    for leftover in out.parent.glob(f".{out.name}.*-tmp"):
        shutil.rmtree(leftover, ignore_errors=True)


def write_site(output: Path, source: Path, files: Sequence[Output]) -> WriteResult:
    check_output_dir(output, source)
    out = output.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _clean_leftovers(out)
    staging = out.parent / f".{out.name}.{os.getpid()}.new-tmp"
    retired = out.parent / f".{out.name}.{os.getpid()}.old-tmp"
    total = 0
    try:
        staging.mkdir()
        for item in files:
            total += _write_one(staging, item)
        if out.exists():
            os.rename(out, retired)
        os.rename(staging, out)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not out.exists():
            os.rename(retired, out)
        raise _fail(f"cannot write the output: {exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(retired, ignore_errors=True)
    return WriteResult(len(files), total)


def _write_one(staging: Path, item: Output) -> int:
    try:
        rel = safe_relative(item.output)
    except UnsafePath as exc:
        raise _fail(f"refusing to write {item.output!r}: {exc}") from None
    target = staging.joinpath(*rel.split("/"))
    if not target.resolve().is_relative_to(staging.resolve()):
        raise _fail(f"refusing to write {item.output!r}: it leaves the output folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    if item.data is not None:
        target.write_bytes(item.data)
        return len(item.data)
    assert item.copy_from is not None
    shutil.copyfile(item.copy_from, target)
    return target.stat().st_size

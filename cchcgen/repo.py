"""A new site's git repository: branch ``main`` (the workflows publish from it) and a first
commit holding everything ``init`` wrote."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .messages import _

BRANCH = "main"
FIRST_COMMIT = "Khởi tạo chuyên mục Cải cách hành chính (cchcgen init)"


def start_repository(folder: Path, name: str, email: str) -> str | None:
    """``git init`` on branch main, add everything, commit; None when done, else why not.

    The commit is the editor's when git knows who they are, else the agency's."""
    if shutil.which("git") is None:
        return _(
            "git is not installed, so the folder is not a git repository yet; {what_to_do}"
        ).format(what_to_do=_by_hand())
    env = dict(os.environ)
    steps = (["init", "--quiet"], ["symbolic-ref", "HEAD", f"refs/heads/{BRANCH}"])
    for args in steps:
        if (failed := _git(folder, args, env)) is not None:
            return failed
    nobody = "GIT_AUTHOR_EMAIL" not in env and _git(folder, ["config", "user.email"], env)
    if nobody:  # git does not know who the editor is
        env |= {"GIT_AUTHOR_NAME": name, "GIT_COMMITTER_NAME": name,
                "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_EMAIL": email}  # fmt: skip
    for args in (["add", "--all"], ["commit", "--quiet", "--no-verify", "-m", FIRST_COMMIT]):
        if (failed := _git(folder, args, env)) is not None:
            return failed
    return None


def _git(folder: Path, args: list[str], env: dict[str, str]) -> str | None:
    """Run one git command in ``folder``; None on success, else what went wrong."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=folder, env=env, capture_output=True, text=True, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return _("`git {command}` could not run ({reason}); {what_to_do}").format(
            command=args[0], reason=exc, what_to_do=_by_hand()
        )
    if done.returncode == 0:
        return None
    said = (done.stderr or done.stdout).strip().splitlines()
    return _("`git {command}` failed ({reason}); {what_to_do}").format(
        command=args[0], reason=said[-1] if said else done.returncode, what_to_do=_by_hand()
    )


def _by_hand() -> str:
    return _(
        'in the folder, run: git init -b {branch} && git add --all && git commit -m "{message}"'
    ).format(branch=BRANCH, message=FIRST_COMMIT)

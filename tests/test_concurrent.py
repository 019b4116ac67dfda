"""Files saved while a build runs: the build gives a consistent site or a clear error
and writes nothing; it never publishes a mix of the old and the new files."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from conftest import FIXED_EPOCH, SITES, run_cli

TITLES = ("niêm yết thủ tục mới", "công khai thủ tục vừa sửa")
"""Two states of the site: both posts carry the first words or both the second."""


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _set_title(post: Path, title: str) -> None:
    text = post.read_text(encoding="utf-8")
    post.write_text(re.sub(r"^title: .*$", f'title: "{post.stem}: {title}"', text, count=1,
                           flags=re.M), encoding="utf-8")  # fmt: skip


def _save(posts: list[Path], title: str, pause: float = 0.0) -> None:
    """An editor saving two files one after the other: a site in between never existed."""
    for post in posts:
        _set_title(post, title)
        time.sleep(pause)


def test_a_file_saved_during_a_build_never_gives_a_mixed_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITES / "minimal", site, ignore=shutil.ignore_patterns("expected", "public"))
    for n in range(150):  # enough pages for the build to take a while
        (site / "content/posts/2023" / f"so-{n}.md").write_text(
            f'---\ntitle: "Tin số {n}"\ndate: {1 + n % 28:02d}/{1 + n % 12:02d}/2023\n'
            f'tags: ["Chủ đề {n % 5}"]\n---\nNội dung số {n}.\n',
            encoding="utf-8",
        )
    posts = [site / "content/posts/2023/mot-cua.md", site / "content/posts/2022/papi.md"]
    expected = {}
    for title in TITLES:  # the site as a clean build makes it, in each state
        _save(posts, title)
        out = tmp_path / f"clean-{len(expected)}"
        assert run_cli("build", "--source", str(site), "--output", str(out)).returncode == 0
        expected[title] = _tree(out)
    shutil.rmtree(site / ".cchcgen-cache")
    started = time.monotonic()
    assert run_cli("build", "--source", str(site)).returncode == 0
    length = time.monotonic() - started
    env = dict(os.environ, SOURCE_DATE_EPOCH=FIXED_EPOCH)
    rng = random.Random(7)
    refused = 0
    current = TITLES[1]
    for trial in range(8):
        before = _tree(site / "public")
        # a full build reads and renders everything, so a save lands in the middle of it
        process = subprocess.Popen(
            [sys.executable, "-m", "cchcgen", "build", "--full", "--source", str(site)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(rng.uniform(0.15, 0.6) * length)
        current = TITLES[trial % 2]
        _save(posts, current, pause=0.05)
        _out, err = process.communicate(timeout=120)
        after = _tree(site / "public")
        if process.returncode == 1:
            assert "files changed while the site was being built; nothing was written" in err
            assert "Traceback" not in err
            assert after == before, f"trial {trial}: a refused build changed the output"
            refused += 1
        else:
            assert process.returncode == 0, err
            assert after in expected.values(), f"trial {trial}: a mixed site was published"
        again = run_cli("build", "--source", str(site))
        assert again.returncode == 0, again.stderr
        assert _tree(site / "public") == expected[current], f"trial {trial}: not caught up"
    assert refused, "no save landed during a build: the test did not test anything"

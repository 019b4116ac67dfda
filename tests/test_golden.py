"""Golden output: the minimal fixture site must build to exactly tests/sites/minimal/expected/.

The search bundle (``pagefind/``) is left out: it is Pagefind's binary format, tested by
what it finds (tests/test_search.py, the e2e search test) and by the build-twice test.
So is the output marker, which names the site by a digest of the folder it was built from
(tests/test_output_guard.py).

Regenerate after an intended change with ``pytest tests/test_golden.py --update-golden``
and review the diff.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import SITES, build, compare_trees


def test_minimal_site_matches_golden_tree(copy_site, tmp_path: Path, update_golden: bool) -> None:
    site = copy_site("minimal")
    out = tmp_path / "out"
    build(site, out)
    expected = SITES / "minimal" / "expected"
    shutil.rmtree(out / "pagefind")
    (out / ".cchcgen-output").unlink()
    if update_golden:
        shutil.rmtree(expected, ignore_errors=True)
        shutil.copytree(out, expected)
    problems = compare_trees(out, expected)
    assert not problems, "\n".join(problems)

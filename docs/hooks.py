"""MkDocs hook: pages generated at every docs build, so that they cannot drift.

- ``reference.md``: the content reference, from the field declarations (gen_reference.py);
- ``editors-guide.md``: the Vietnamese guide for editors, which is the very file
  ``cchcgen init`` writes into a new site (cchcgen/starter/README.md), placeholders shown.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

import cchcgen

HERE = Path(__file__).resolve().parent
STARTER_README = HERE.parent / "cchcgen" / "starter" / "README.md"

PLACEHOLDERS = {
    "AGENCY": "‹tên cơ quan›",
    "VERSION": cchcgen.__version__,
}
"""What the guide shows for the values ``cchcgen init`` fills in (cchcgen/starter.py)."""

GUIDE_NOTE = (
    '!!! note "Hướng dẫn này có sẵn trong mỗi trang mới"\n'
    "    `cchcgen init` ghi đúng nội dung này vào tệp `README.md` của trang mới tạo, "
    "với tên cơ quan và phiên bản cchcgen thật thay cho chỗ để trống.\n\n"
)


def _reference() -> str:
    spec = importlib.util.spec_from_file_location("gen_reference", HERE / "gen_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module.render()


def editors_guide() -> str:
    text = STARTER_README.read_text(encoding="utf-8")
    text = re.sub(r"@@([A-Z0-9_]+)@@", lambda m: PLACEHOLDERS.get(m[1], f"‹{m[1].lower()}›"), text)
    title, _, rest = text.partition("\n")
    return f"{title}\n\n{GUIDE_NOTE}{rest.lstrip()}"


def on_files(files: Files, config: Any) -> Files:
    files.append(File.generated(config, "reference.md", content=_reference()))
    files.append(File.generated(config, "editors-guide.md", content=editors_guide()))
    return files

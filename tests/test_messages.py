"""Every message cchcgen gives an editor has its Vietnamese translation, and the catalogue
that cchcgen reads is the one the translators wrote.

Messages are extracted from the code as ``make messages`` does (Babel: every ``_("...")``
and ``N_("...")``)."""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from importlib import resources

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from conftest import FIXED_EPOCH, REPO, SITES

from cchcgen import messages

CATALOGUE = REPO / "cchcgen/locales/messages/vi/LC_MESSAGES/cchcgen.po"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _in_code() -> dict[str, str]:
    """Each message of the code, with one place it is written."""
    found: dict[str, str] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        REPO / "cchcgen", method_map=[("**.py", "python")]
    ):
        if isinstance(message, str):
            found.setdefault(message, f"cchcgen/{filename}:{line}")
    return found


def _catalogue():
    with CATALOGUE.open("rb") as stream:
        return read_po(stream, locale="vi")


def test_every_message_in_the_code_has_a_vietnamese_translation() -> None:
    catalogue = _catalogue()
    missing = [
        f"{where}: {message!r}"
        for message, where in sorted(_in_code().items(), key=lambda item: item[1])
        if not (catalogue.get(message) and catalogue.get(message).string)
    ]
    assert not missing, "messages without a translation (run make messages):\n" + "\n".join(missing)


def test_the_catalogue_holds_no_message_the_code_no_longer_has() -> None:
    code = _in_code()
    stale = [m.id for m in _catalogue() if m.id and m.id not in code]
    assert not stale, stale


def test_translations_keep_every_placeholder() -> None:
    """A translation that drops or renames a {placeholder} would fail when it is shown."""
    for message in _catalogue():
        if message.id and message.string:
            assert sorted(PLACEHOLDER.findall(message.string)) == sorted(
                PLACEHOLDER.findall(message.id)
            ), message.id


def test_the_compiled_catalogue_is_the_written_one() -> None:
    """The .mo that cchcgen reads holds exactly the translations of the .po."""
    shipped = resources.files("cchcgen").joinpath(
        "locales", "messages", "vi", "LC_MESSAGES", "cchcgen.mo"
    )
    with shipped.open("rb") as stream:
        compiled = gettext.GNUTranslations(stream)._catalog  # type: ignore[attr-defined]
    written = {m.id: m.string for m in _catalogue() if m.id and m.string}
    assert {k: v for k, v in compiled.items() if k} == written, "run make messages"


@pytest.mark.parametrize(
    ("flag", "site_yaml", "environment", "expected"),
    [
        ("en", "language: vi\n", {}, "en"),  # --lang wins
        (None, "title: x\n", {"LANG": "en_US.UTF-8"}, "vi"),  # a site speaks its language
        (None, None, {"LANG": "en_US.UTF-8"}, "en"),  # no site yet: the environment
        (None, None, {"LANG": "C.UTF-8"}, "vi"),
        (None, None, {}, "vi"),
        (None, "language: vi\n", {"CCHCGEN_LANG": "en"}, "en"),
    ],
)
def test_the_language_is_the_flag_else_the_sites_else_the_environments(
    tmp_path, monkeypatch, flag, site_yaml, environment, expected
) -> None:
    for name in ("CCHCGEN_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    if site_yaml is not None:
        (tmp_path / "site.yaml").write_text(site_yaml, encoding="utf-8")
    assert messages.choose(flag, tmp_path) == expected


def _cli_as_an_editor(*args: str) -> subprocess.CompletedProcess[str]:
    """The command line with no language asked for, as in an editor's terminal."""
    env = {k: v for k, v in os.environ.items() if k not in ("CCHCGEN_LANG", "SOURCE_DATE_EPOCH")}
    env["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    return subprocess.run(
        [sys.executable, "-m", "cchcgen", *args], env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def test_an_editor_reads_vietnamese_and_the_editors_guide_shows_what_cchcgen_prints(
    tmp_path,
) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITES / "invalid" / "_base", site)
    (site / "content/posts/hop-giao-ban.md").write_text(
        '---\ntitle: "Họp giao ban"\ndate: 32/10/2024\n---\nNội dung.\n', encoding="utf-8"
    )
    result = _cli_as_an_editor("build", "--source", str(site))
    assert result.returncode == 1
    error, hint, summary = result.stderr.splitlines()
    assert summary == "Tạo trang không thành công: 1 lỗi, 0 cảnh báo."
    guide = (REPO / "cchcgen/starter/README.md").read_text(encoding="utf-8")
    assert f"{error}\n{hint}\n" in guide  # the example in the guide is the real message
    english = _cli_as_an_editor("--lang", "en", "build", "--source", str(site))
    assert english.stderr.splitlines()[0] == (
        "content/posts/hop-giao-ban.md:3:7: error: 'date' must be a date: '32/10/2024' is not "
        "a real date: month 10 of 2024 has only 31 days"
    )


def test_the_command_lines_help_and_usage_errors_speak_vietnamese(tmp_path) -> None:
    wrong = _cli_as_an_editor("bild", "--source", str(tmp_path))
    assert wrong.returncode == 2
    assert wrong.stderr.splitlines()[0].startswith("cách dùng: cchcgen ")
    assert "cchcgen: lỗi: tham số COMMAND: 'bild' không có trong danh sách" in wrong.stderr
    helped = _cli_as_an_editor("build", "--help")
    assert "coi cảnh báo là lỗi" in helped.stdout  # --strict
    assert "treat warnings as errors" in _cli_as_an_editor("--lang", "en", "build", "-h").stdout

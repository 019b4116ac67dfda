"""Every message cchcgen gives an editor has its Vietnamese translation, and the catalogue
that cchcgen reads is the one the translators wrote.

Messages are extracted from the code as ``make messages`` does (Babel: every ``_("...")``
and ``N_("...")``)."""

from __future__ import annotations

import gettext
import re
from importlib import resources

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from conftest import REPO

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

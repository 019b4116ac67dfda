"""What cchcgen says to the people who run it (errors, hints, the command line's lines),
in their language: Vietnamese unless they ask for another.

Messages are written in English in the code, inside ``_("...")`` (or ``N_("...")`` where a
message is kept in a constant and translated when used); values go in ``{name}``
placeholders filled by ``.format`` after translation, so a translation can move them.
The translations are gettext catalogues, ``locales/messages/<code>/LC_MESSAGES/cchcgen.po``,
kept up to date with Babel (``make messages``) and compiled into the ``.mo`` files read
here. A message without a translation is shown in English. The pages of the built site
have their own strings (:mod:`cchcgen.i18n`).

One language is used per process, chosen by the command line before anything is read
(:func:`choose`); worker processes are forked after that and inherit it.
"""

from __future__ import annotations

import gettext
import os
import re
from importlib import resources
from pathlib import Path

AVAILABLE = ("vi", "en")
DEFAULT = "vi"
DOMAIN = "cchcgen"

_state: dict[str, object] = {}


def _catalogue(code: str) -> gettext.NullTranslations:
    if code == "en":  # the messages are written in English
        return gettext.NullTranslations()
    folder = resources.files("cchcgen").joinpath("locales", "messages", code, "LC_MESSAGES")
    try:
        with folder.joinpath(f"{DOMAIN}.mo").open("rb") as stream:
            return gettext.GNUTranslations(stream)
    except OSError:
        return gettext.NullTranslations()


def use(code: str) -> None:
    """Speak ``code`` (one of :data:`AVAILABLE`) from now on, in this process."""
    if code not in AVAILABLE:
        raise ValueError(f"unknown message language {code!r}")
    _state["code"], _state["catalogue"] = code, _catalogue(code)


def current() -> str:
    """The language messages are given in."""
    if "code" not in _state:
        use(choose(None, None))
    return str(_state["code"])


def _(message: str) -> str:
    """``message`` in the current language; where nothing chose one (cchcgen used as a
    library), the environment's (``CCHCGEN_LANG``, ``LANG``), else Vietnamese."""
    if "catalogue" not in _state:
        use(choose(None, None))
    catalogue = _state["catalogue"]
    assert isinstance(catalogue, gettext.NullTranslations)
    return catalogue.gettext(message)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark ``message`` for translation where it is defined; :func:`_` translates it when used."""
    return message


_SITE_LANGUAGE = re.compile(r"^language:\s*[\"']?([a-z]{2})[\"']?\s*(?:#.*)?$", re.M)


def choose(flag: str | None, source: Path | None) -> str:
    """The language to speak: ``--lang`` when given, else ``CCHCGEN_LANG`` (for a CI log
    or a test suite); else the site's ``language`` (from its site.yaml); where there is no
    site yet, the ``LANG`` of the environment; else Vietnamese."""
    if flag:
        return flag
    if os.environ.get("CCHCGEN_LANG") in AVAILABLE:
        return os.environ["CCHCGEN_LANG"]
    if source is not None:
        try:
            text = (source / "site.yaml").read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            text = None
        if text is not None:
            found = _SITE_LANGUAGE.search(text[:100_000])
            code = found.group(1) if found else DEFAULT
            return code if code in AVAILABLE else DEFAULT
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            code = value.split(":")[0][:2].lower()
            return code if code in AVAILABLE else DEFAULT
    return DEFAULT

"""``cchcgen init DIR``: a new site repository for an agency, ready to build and publish.

The files come from ``cchcgen/starter/``: site.yaml, one example of each kind of
content, a README for editors in Vietnamese, a ``.gitignore`` and CI jobs (GitHub
Actions, GitLab CI, an rsync script), with ``@@NAME@@`` placeholders filled in.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from urllib.parse import urlsplit

from . import __version__
from .errors import Collector, ContentError
from .messages import N_, _
from .urls import BaseUrl, UnsafePath

# where each starter file goes in the new site (the package keeps no dot files)
PLACES = {
    "ci/github.yml": ".github/workflows/cchcgen.yml",
    "ci/gitlab.yml": ".gitlab-ci.yml",
    "ci/xuat-ban.sh": "deploy/xuat-ban.sh",
    "ci/gitignore": ".gitignore",
    "content/static/images/.gitkeep": "content/static/images/.gitkeep",
}
_PREFIXES = ("thành phố", "thị trấn", "phường", "xã", "huyện", "quận", "thị xã", "tỉnh")


@dataclass(frozen=True, slots=True)
class Answers:
    agency: str
    """``Ủy ban nhân dân xã Thanh Định``"""
    locality: str
    """``xã Thanh Định, huyện Định Hóa, tỉnh Thái Nguyên``"""
    base_url: str
    parent: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    install_from: str = ""
    """``--install-from``: where the site's pipelines get cchcgen (default: the package index)."""


@dataclass(frozen=True, slots=True)
class Install:
    """What the pipelines install (``CCHCGEN_SPEC``) and the wheel to copy into vendor/."""

    spec: str
    wheel: Path | None = None


VENDOR = "vendor"
_URL = re.compile(r"^(git\+)?[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_REQUIREMENT = re.compile(r"^cchcgen\s*([=<>!~@\[]|$)", re.IGNORECASE)


def e164(phone: str) -> str:
    """``0208 3000 001`` → ``+842083000001``."""
    digits = re.sub(r"\D", "", phone)
    return "+84" + digits[1:] if digits.startswith("0") else "+" + digits


def place(locality: str) -> str:
    """The place name a document is dated at: ``xã Thanh Định, huyện …`` → ``Thanh Định``."""
    first = locality.split(",")[0].strip()
    for prefix in _PREFIXES:
        if first.lower().startswith(prefix + " "):
            return first[len(prefix) + 1 :].strip()
    return first


_EMPTY = {
    "agency": N_("the agency is empty"),
    "locality": N_("the locality is empty"),
    "phone": N_("the phone is empty"),
}


def _check(answers: Answers) -> None:
    diags = Collector()
    try:
        BaseUrl.parse(answers.base_url)
    except UnsafePath as exc:
        diags.error("--base-url", None, None, str(exc), exc.hint)
    for name, empty in _EMPTY.items():
        if not getattr(answers, name).strip():
            diags.error(f"--{name}", None, None, _(empty))
    if answers.phone and len(re.sub(r"\D", "", answers.phone)) < 9:
        diags.error(
            "--phone",
            None,
            None,
            _("{phone} is not a phone number").format(phone=repr(answers.phone)),
            _("write the agency's number with its area code, e.g. 0208 3000 001"),
        )
    try:
        install_spec(answers.install_from)
    except ValueError as exc:
        diags.error(
            "--install-from",
            None,
            None,
            str(exc),
            _(
                "give a cchcgen-*.whl file, a git+https:// or https:// address, "
                "or a requirement such as cchcgen=={version}"
            ).format(version=__version__),
        )
    diags.raise_if_errors(ContentError)


def site_email(answers: Answers) -> str:
    """The agency's email, or ``vanphong@<host of the base URL>``."""
    host = urlsplit(answers.base_url).hostname or "example.gov.vn"
    return answers.email.strip() or f"vanphong@{host}"


def install_spec(source: str) -> Install:
    """``--install-from`` → what ``pip install`` gets in the site's pipelines.

    Nothing: this version from the package index. A wheel file: copied into the site's
    vendor/ folder (committed with the site). An address: ``cchcgen @ <address>``.
    A requirement naming cchcgen: as given. Raises ValueError for anything else."""
    source = source.strip()
    if not source:
        return Install(f"cchcgen=={__version__}")
    if _URL.match(source):
        return Install(f"cchcgen @ {source}")
    if _REQUIREMENT.match(source):
        return Install(source)
    path = Path(source).expanduser()
    if path.suffix == ".whl" and path.name.lower().startswith("cchcgen-"):
        if not path.is_file():
            raise ValueError(_("{source} is not a file").format(source=repr(source)))
        return Install(f"./{VENDOR}/{path.name}", path)
    raise ValueError(
        _("{source} is neither a cchcgen wheel, an address nor a requirement").format(
            source=repr(source)
        )
    )


def create_site(target: Path, answers: Answers, today: dt.date) -> list[str]:
    """Write the new site into ``target`` (new or empty); return the files written."""
    _check(answers)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        diags = Collector()
        diags.error(str(target), None, None, _("the folder exists and is not empty"),
                    _("choose a new folder name; init never overwrites files"))  # fmt: skip
        raise ContentError(diags.items)
    base_url = answers.base_url if answers.base_url.endswith("/") else answers.base_url + "/"
    install = install_spec(answers.install_from)
    values = {
        "AGENCY": answers.agency.strip(),
        "AGENCY_UPPER": answers.agency.strip().upper(),
        "PARENT": answers.parent.strip(),
        "PARENT_UPPER": answers.parent.strip().upper(),
        "LOCALITY": answers.locality.strip(),
        "PLACE": place(answers.locality),
        "ADDRESS": answers.address.strip() or answers.locality.strip(),
        "PHONE": answers.phone.strip(),
        "E164": e164(answers.phone),
        "EMAIL": site_email(answers),
        "BASE_URL": base_url,
        "DATE": f"{today:%d/%m/%Y}",
        "YEAR": str(today.year),
        "VERSION": __version__,
        "SPEC": install.spec,
    }
    written = []
    starter = resources.files("cchcgen").joinpath("starter")
    for rel, data in _files(starter):
        text = re.sub(r"@@([A-Z0-9_]+)@@", lambda m: _yaml_safe(values[m.group(1)]), data)
        dest = target / PLACES.get(rel, rel)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8", newline="\n")
        if dest.suffix == ".sh":
            dest.chmod(0o755)
        written.append(dest.relative_to(target).as_posix())
    for path in editor_files(target):
        written.append(path.relative_to(target).as_posix())
    from .adminconfig import write_admin

    for path in write_admin(target, base_url):
        written.append(path.relative_to(target).as_posix())
    if install.wheel is not None:
        dest = target / VENDOR / install.wheel.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(install.wheel, dest)
        written.append(dest.relative_to(target).as_posix())
    return sorted(written)


def editor_files(target: Path) -> list[Path]:
    """JSON Schemas of the site's files, made by this version of cchcgen, and the VS Code
    settings that use them (committed with the site: completion works right after a clone;
    ``cchcgen schema`` remakes them after an upgrade)."""
    from .editorschema import DIRNAME, write_editor_files

    return write_editor_files(target, target / DIRNAME, vscode=True)


def _yaml_safe(value: str) -> str:
    """Values go inside double-quoted YAML strings and Markdown: no quote may end them."""
    return value.replace("\\", "/").replace('"', "'")


def _files(folder: Traversable, prefix: str = "") -> list[tuple[str, str]]:
    found = []
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        rel = f"{prefix}{item.name}"
        if item.is_dir():
            if item.name != "__pycache__":
                found.extend(_files(item, rel + "/"))
        else:
            found.append((rel, item.read_text(encoding="utf-8")))
    return found

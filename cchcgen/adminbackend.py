"""The browser admin's local backend inside ``cchcgen serve``: the protocol of
``decap-server`` (Decap CMS's ``local_backend``), so that an editor edits in the browser,
saves, and sees the page rebuilt, with no git command.

Decap CMS sends ``POST /api/v1`` with ``{"action": ..., "params": {...}}``; this module
answers from the site folder. It reads and writes files inside ``content/`` only: a path
that leaves it (``..``, an absolute path, a link pointing outside) is refused with 422.
A file it writes lands in ``content/``, which ``cchcgen serve`` watches: the save triggers
the ordinary rebuild. It also serves the admin page itself under ``/quan-tri/``, with a
configuration that points Decap CMS at this backend on the address the browser used.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml

from . import adminconfig
from .urls import UnsafePath, safe_relative

API = "/__cchcgen/api/v1"
"""The backend's address on the preview server (outside the base path, like live.js)."""
CONTENT = "content"
MAX_BODY = 64 * 1024 * 1024
"""A larger request (a photo of 50 MB in base64) is refused."""


class Headers(Protocol):
    """A request's headers (http.server's ``Message``; a dict in tests)."""

    def get(self, name: str, /) -> str | None: ...


class Refused(Exception):
    """A request the backend does not carry out: its status and the reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True, slots=True)
class Backend:
    """Answers the decap-server protocol from the site folder ``root``."""

    root: Path

    def answer(self, body: bytes) -> tuple[int, Any]:
        """The status and JSON answer of one request."""
        try:
            request = json.loads(body.decode("utf-8"))
            action = request["action"]
            params = request.get("params") or {}
            if not isinstance(action, str) or not isinstance(params, dict):
                raise TypeError(action)
        except (ValueError, KeyError, TypeError, AttributeError):
            return 400, {"error": "not a JSON request with an action"}
        handler = getattr(self, f"do_{action}", None)
        if handler is None:
            return 422, {"error": f"Unknown action {action}"}
        try:
            return 200, handler(params)
        except Refused as exc:
            return exc.status, {"error": str(exc)}
        except (KeyError, TypeError, ValueError) as exc:
            return 422, {"error": f"bad parameters for {action}: {exc}"}

    # ------------------------------------------------------------ paths

    def path(self, rel: Any, must_exist: bool = False) -> Path:
        """``content/…`` as a path of the site; refuse anything else."""
        if not isinstance(rel, str):
            raise Refused(422, "a path must be text")
        try:
            clean = safe_relative(rel.replace("\\", "/"))
        except UnsafePath as exc:
            raise Refused(422, str(exc)) from None
        if clean != CONTENT and not clean.startswith(CONTENT + "/"):
            raise Refused(422, f"'{rel}' is not inside content/")
        found = self.root / clean
        content = (self.root / CONTENT).resolve()
        try:
            inside = found.resolve().is_relative_to(content)
        except (OSError, RuntimeError):  # a loop of links
            inside = False
        if not inside:
            raise Refused(422, f"'{rel}' leads outside content/")
        if must_exist and not found.is_file():
            raise Refused(404, f"'{rel}' does not exist")
        return found

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def listing(self, folder: str, extension: str, depth: int) -> list[Path]:
        base = self.path(folder)
        found: list[Path] = []
        if not base.is_dir():
            return found
        for dirpath, dirnames, filenames in os.walk(base):
            level = len(Path(dirpath).relative_to(base).parts)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and level + 1 < depth)
            found += [
                Path(dirpath) / name
                for name in sorted(filenames)
                if name.endswith(extension) and not name.startswith(".")
            ]
        return found

    def entry(self, rel: str, label: str | None = None) -> dict[str, Any]:
        path = self.path(rel)
        try:
            data = path.read_bytes()
        except OSError:
            return {"data": None, "file": {"path": rel, "label": label, "id": None}}
        text = data.decode("utf-8", errors="replace")
        return {"data": text, "file": {"path": rel, "label": label, "id": _digest(data)}}

    def media(self, path: Path) -> dict[str, Any]:
        data = path.read_bytes()
        return {
            "id": _digest(data),
            "content": base64.b64encode(data).decode("ascii"),
            "encoding": "base64",
            "path": self.rel(path),
            "name": path.name,
        }

    def write(self, rel: Any, data: bytes) -> None:
        path = self.path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.saving")
        temporary.write_bytes(data)
        os.replace(temporary, path)  # one change for the watcher, never half a file

    # ------------------------------------------------------------ actions

    def do_info(self, params: Mapping[str, Any]) -> Any:
        return {"repo": self.root.resolve().name, "publish_modes": ["simple"], "type": "local_fs"}

    def do_entriesByFolder(self, params: Mapping[str, Any]) -> Any:  # noqa: N802 - protocol
        depth = int(params.get("depth") or 1)
        files = self.listing(params["folder"], str(params.get("extension") or ""), depth)
        return [self.entry(self.rel(f)) for f in files]

    def do_entriesByFiles(self, params: Mapping[str, Any]) -> Any:  # noqa: N802 - protocol
        return [self.entry(f["path"], f.get("label")) for f in params["files"]]

    def do_getEntry(self, params: Mapping[str, Any]) -> Any:  # noqa: N802 - protocol
        return self.entry(params["path"])

    def do_persistEntry(self, params: Mapping[str, Any]) -> Any:  # noqa: N802 - protocol
        entry = params.get("entry")
        files = params.get("dataFiles") or [entry]
        writes = [(f["path"], str(f["raw"]).encode("utf-8")) for f in files]
        for asset in params.get("assets") or ():
            writes.append((asset["path"], _decoded(asset)))
        moves = [(f["path"], f["newPath"]) for f in files if f.get("newPath")]
        for rel, _data in writes:  # refuse the whole save before writing any of it
            self.path(rel)
        for old, new in moves:
            self.path(old)
            self.path(new)
        for rel, data in writes:
            self.write(rel, data)
        for old, new in moves:
            target = self.path(new)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.path(old), target)
        return {"message": "entry persisted"}

    def do_getMedia(self, params: Mapping[str, Any]) -> Any:  # noqa: N802 - protocol
        return [self.media(f) for f in self.listing(params["mediaFolder"], "", 1)]

    def do_getMediaFile(self, params: Mapping[str, Any]) -> Any:  # noqa: N802 - protocol
        return self.media(self.path(params["path"], must_exist=True))

    def do_persistMedia(self, params: Mapping[str, Any]) -> Any:  # noqa: N802 - protocol
        asset = params["asset"]
        self.write(asset["path"], _decoded(asset))
        return self.media(self.path(asset["path"], must_exist=True))

    def do_deleteFile(self, params: Mapping[str, Any]) -> Any:  # noqa: N802 - protocol
        self.path(params["path"]).unlink(missing_ok=True)
        return {"message": f"deleted file {params['path']}"}

    def do_deleteFiles(self, params: Mapping[str, Any]) -> Any:  # noqa: N802 - protocol
        paths = [self.path(p) for p in params["paths"]]
        for path in paths:
            path.unlink(missing_ok=True)
        return {"message": "deleted files"}

    def do_getDeployPreview(self, params: Mapping[str, Any]) -> Any:  # noqa: N802 - protocol
        return None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _decoded(asset: Mapping[str, Any]) -> bytes:
    content = str(asset["content"])
    if asset.get("encoding") == "base64":
        try:
            return base64.b64decode(content, validate=True)
        except binascii.Error:
            raise Refused(422, "the file is not valid base64") from None
    return content.encode("utf-8")


# ---------------------------------------------------------------- the admin page in serve


def page(root: Path, name: str, host: str) -> tuple[str, bytes] | None:
    """A file of ``/quan-tri/`` as the preview serves it, or None when there is none.

    ``config.yml`` gets ``local_backend``: this server's API, on the address the browser
    used (``host``), which Decap CMS then uses instead of GitHub or GitLab."""
    if name in ("", adminconfig.INDEX):
        if not adminconfig.vendored():  # a source checkout that did not vendor them
            text = adminconfig.strings()["missing_scripts"]
            page = f'<!doctype html><html lang="vi"><meta charset="utf-8"><p>{text}</p></html>'
            return "text/html; charset=utf-8", page.encode("utf-8")
        index = root / adminconfig.FOLDER / adminconfig.INDEX
        text = index.read_bytes() if index.is_file() else adminconfig.index_html().encode()
        return "text/html; charset=utf-8", text
    if name == adminconfig.CONFIG:
        return "text/yaml; charset=utf-8", local_config(root, host).encode("utf-8")
    if name in adminconfig.FILES:
        found = adminconfig.package_file(name)
        if not found.is_file():
            return None
        kind = "text/css" if name.endswith(".css") else "text/javascript"
        return f"{kind}; charset=utf-8", found.read_bytes()
    return None


def local_config(root: Path, host: str) -> str:
    """The site's admin/config.yml (or a fresh one) pointed at the local backend."""
    path = root / adminconfig.FOLDER / adminconfig.CONFIG
    made: Any = None
    if path.is_file():
        try:
            made = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            made = None
    if not isinstance(made, dict):
        made = adminconfig.config("/")
    hostname = host.rsplit(":", 1)[0].strip("[]") if host else "127.0.0.1"
    made["local_backend"] = {"url": f"http://{host}{API}", "allowed_hosts": [hostname]}
    return adminconfig.config_text(made)


# ---------------------------------------------------------------- the hook in serve


def _local_host(host: str) -> bool:
    """An address typed as an IP or ``localhost``: never a name a web page could make point
    here (DNS rebinding)."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Hook:
    """What ``cchcgen serve`` asks of the admin: its page under the base path, and the API."""

    root: Path
    base_path: str

    def get(self, path: str, host: str) -> tuple[int, str, bytes] | None:
        """The answer to a GET, or None when the path is not the admin's."""
        folder = self.base_path + adminconfig.route_folder()
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if clean + "/" == folder:
            return 301, folder, b""
        if not clean.startswith(folder):
            return None
        found = page(self.root, clean[len(folder) :], host)
        if found is None:
            return 404, "text/plain; charset=utf-8", b"not found"
        return 200, *found

    def post(self, path: str, headers: Headers, body: bytes) -> tuple[int, bytes] | None:
        """The answer to a POST, or None when it is not the API's."""
        if path.split("?", 1)[0] != API:
            return None
        host = headers.get("Host") or ""
        origin = headers.get("Origin")
        kind = (headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
        if not _local_host(host) or (origin is not None and origin != f"http://{host}"):
            return 403, _json({"error": "the admin's API answers its own page only"})
        if kind != "application/json":  # a form of another site cannot send JSON unasked
            return 415, _json({"error": "send application/json"})
        status, answer = Backend(self.root).answer(body)
        return status, _json(answer)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")

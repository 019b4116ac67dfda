"""Every slug, URL and output-path rule in one place; the only module that imports slugify.

Three kinds of address are used throughout:

* a *site URL* is site-relative and starts with ``/``: ``/tin-tuc/ke-hoach-2023/``;
* a *public URL* adds the base path, for links inside pages: ``/cchc/tin-tuc/ke-hoach-2023/``;
* an *absolute URL* adds scheme and host, for canonical links, feeds, sitemaps and QR codes.

An *output path* is the file under the output folder: ``tin-tuc/ke-hoach-2023/index.html``.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import posixpath
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from slugify import slugify as _slugify

from .messages import N_, _

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 80

# Section roots of the published URL scheme (SPEC "Published URLs"); a standalone
# page may not take one of these, even when that section is empty today.
RESERVED_ROOTS = frozenset(
    {
        "tin-tuc",
        "chu-de",
        "ke-hoach",
        "thu-tuc-hanh-chinh",
        "duong-day-nong",
        "phan-anh-kien-nghi",
        "chi-so-cchc",
        "tim-kiem",
        "so-do-trang",
        "assets",
        "pagefind",
    }
)


@functools.lru_cache(maxsize=8192)
def slugify(text: str) -> str:
    """ASCII slug for Vietnamese text: ``Đăng ký khai sinh`` → ``dang-ky-khai-sinh``.

    Memoised: the same tag names are slugged once per post that carries them."""
    text = unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D")
    return _slugify(text, max_length=MAX_SLUG, word_boundary=True, save_order=True)


_BEYOND_MARKS = re.compile("[^\x00-\x7f\u0300-\u034e\u0350-\u036f]")
"""A character beyond ASCII and the combining diacritical marks (U+0300–U+036F, which
are all marks but U+034F, the grapheme joiner)."""


def fold(text: str) -> str:
    """Lowercase text without diacritics (``đ`` → ``d``), for matching and search.

    Decomposed (NFD), Vietnamese letters are ASCII letters followed by combining marks,
    which encoding to ASCII drops in one C pass; any other character beyond ASCII
    (a dash, a quotation mark, a letter of another script) is kept where it was. Those
    are found by a regular expression that skips the marks Vietnamese uses (a set of
    every character of a news post took two thirds of the time)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    if text.isascii():
        return text.lower()
    beyond = set(_BEYOND_MARKS.findall(text))
    kept = "".join(c for c in beyond if not unicodedata.combining(c))
    if not kept:
        return text.encode("ascii", "ignore").decode("ascii").lower()
    pieces = re.split(f"([{re.escape(kept)}])", text)  # text, kept character, text, ...
    pieces[::2] = [piece.encode("ascii", "ignore").decode("ascii") for piece in pieces[::2]]
    return "".join(pieces).lower()


def is_slug(text: str) -> bool:
    return bool(SLUG_RE.fullmatch(text)) and len(text) <= MAX_SLUG


@dataclass(frozen=True, slots=True)
class BaseUrl:
    """The site's absolute base URL, split into origin and path prefix."""

    origin: str
    """``https://example.gov.vn``"""
    path: str
    """``/cchc/`` — always starts and ends with ``/``; percent-encoded (see :func:`encode_path`)."""

    @classmethod
    def parse(cls, url: str) -> BaseUrl:
        """Split and check a base URL; raise :class:`UnsafePath` when its host or path
        cannot be written safely into pages and web-server configuration.

        The messages have no subject: they follow ``'base_url'`` or ``--base-url``."""
        refused = _refused_char(url)  # before urlsplit, which drops tabs and newlines
        if refused:
            raise UnsafePath(*_refusal(None, refused))
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            message = _("has an invalid host or port: {url}").format(url=_shown(url))
            raise UnsafePath(message, _(_BASE_HINT)) from None
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            message = _("must be an absolute http(s) URL, got {url}").format(url=_shown(url))
            raise UnsafePath(message, _(_BASE_HINT))
        host = _host(parts.netloc.rsplit(":", 1)[0] if port is not None else parts.netloc)
        path = _checked_path(parts.path or "/", None)
        if "$" in path:  # nginx reads '$' as a variable in error_page, and has no escape
            raise UnsafePath(
                _("contains '$', which the nginx configuration cannot express"),
                _("choose a base path of letters, digits and '-', e.g. /cai-cach-hanh-chinh/"),
            )
        if not path.endswith("/"):
            path += "/"
        if path != "/":
            try:
                safe_relative(path[1:-1])
            except UnsafePath as exc:
                message = _("has a path that cannot be a folder: {reason}").format(reason=exc)
                raise UnsafePath(message, _(_BASE_HINT)) from None
        origin = f"{parts.scheme.lower()}://{host}" + (f":{port}" if port is not None else "")
        return cls(origin, encode_path(path))

    @property
    def url(self) -> str:
        return self.origin + self.path

    @property
    def decoded_path(self) -> str:
        """The path as a server compares it with a request: ``/cải cách/``."""
        return unquote(self.path)

    def public(self, site_url: str) -> str:
        """``/tin-tuc/`` → ``/cchc/tin-tuc/`` (links inside pages)."""
        if not site_url.startswith("/") or site_url.startswith("//"):
            return site_url
        return self.path + site_url[1:]

    def absolute(self, site_url: str) -> str:
        """``/tin-tuc/`` → ``https://example.gov.vn/cchc/tin-tuc/``."""
        return self.origin + self.public(site_url)


_BASE_HINT = N_("for example: https://quynhphu.thaibinh.gov.vn/cchc/")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"(?:{_LABEL}\.)*{_LABEL}\.?|\[[0-9A-Fa-f:.]+\]")


def _host(host: str) -> str:
    """A DNS name (letters, digits, '-' and '.'; Unicode names in their xn-- form) or an
    IP address; no user name or password."""
    if "@" in host:
        raise UnsafePath(_("must not contain a user name or password"), _(_BASE_HINT))
    ascii_host = host
    if not host.isascii():
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            ascii_host = ""
    if not _HOST.fullmatch(ascii_host):
        message = _("has an invalid host name: {host}").format(host=_shown(host))
        raise UnsafePath(message, _(_BASE_HINT))
    return ascii_host


def section(*parts: str) -> str:
    """Site URL of a folder: ``section("tin-tuc", "2023")`` → ``/tin-tuc/2023/``."""
    inner = "/".join(p.strip("/") for p in parts if p.strip("/"))
    return f"/{inner}/" if inner else "/"


def paged(base: str, number: int) -> str:
    """Page ``number`` of a paginated list at ``base``: page 1 is the list itself."""
    return base if number == 1 else f"{base}trang/{number}/"


class UnsafePath(ValueError):
    """A path would leave the output folder, is not a plain relative path, or holds what
    no web server configuration can express; ``hint`` says what to write instead."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def output_path(site_url: str) -> str:
    """``/tin-tuc/a/`` → ``tin-tuc/a/index.html``; ``/rss.xml`` → ``rss.xml``.

    Raises :class:`UnsafePath` for anything that could point outside the output folder.
    """
    if not site_url.startswith("/") or site_url.startswith("//") or "\\" in site_url:
        raise UnsafePath(_("'{path}' must start with a single '/'").format(path=site_url))
    rel = site_url[1:]
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return safe_relative(rel)


def safe_relative(rel: str) -> str:
    """Check a '/'-separated relative path stays inside its folder; return it normalised."""
    if rel.startswith("/") or re.search(r'[\x00-\x1f\\:*?"<>|]', rel):
        # ':' also stops Windows drive letters ("C:") and NTFS streams ("a:b")
        raise UnsafePath(_("'{path}' is not a plain relative path").format(path=rel))
    parts = rel.split("/")
    if any(p in ("..", ".") for p in parts) or any(p == "" for p in parts[:-1]):
        raise UnsafePath(_("'{path}' contains '..', '.' or an empty folder name").format(path=rel))
    normal = posixpath.normpath(rel)
    if normal.startswith("..") or normal.startswith("/"):
        raise UnsafePath(_("'{path}' leaves the output folder").format(path=rel))
    return normal


ENCODED_PATH = re.compile(r"[A-Za-z0-9/%._~-]*")
"""What :func:`encode_path` produces: unreserved characters, '/' and percent-escapes."""


def encode_path(path: str) -> str:
    """Percent-encode a decoded path: ``/cải cách/`` → ``/c%E1%BA%A3i%20c%C3%A1ch/``.

    Only letters, digits, ``/ - . _ ~`` stay as they are: the result matches
    :data:`ENCODED_PATH`, so it can be written into any configuration format."""
    return quote(path, safe="/")


def alias_url(text: str) -> str:
    """An old address (alias) as a decoded, NFC-normalised site URL, the form a server
    compares with a request and stores on disk; raise :class:`UnsafePath` when it cannot be one.

    ``/tin-tuc/c%E1%BA%A3i%20c%C3%A1ch`` and ``/tin-tuc/cải cách`` both give
    ``/tin-tuc/cải cách/``; :func:`encode_path` gives back the percent-encoded form."""
    value = text.strip()
    shown = _shown(value)
    if re.match(r"[a-z][a-z0-9+.-]*:", value, re.I) or value.startswith("//"):
        raise UnsafePath(
            _about(shown, _("must be a path on this site")),
            _("write the old path on this site, e.g. /tin-tuc/ten-cu/"),
        )
    path = _checked_path(value if value.startswith("/") else "/" + value, shown)
    last = path.rsplit("/", 1)[-1]
    if last and "." not in last:
        path += "/"
    try:
        output_path(path)
    except UnsafePath as exc:
        raise UnsafePath(
            _about(shown, _("cannot be a file of the site: {reason}").format(reason=exc)),
            _("write the old path on this site, e.g. /tin-tuc/ten-cu/"),
        ) from None
    return path


def _checked_path(path: str, address: str | None) -> str:
    """Percent-decode ``path`` strictly (UTF-8), normalise it to NFC and refuse what no
    server matches on: control characters, '\\', a query string ('?') or a fragment ('#').

    ``address`` (an old address, as shown) is the subject of each message, or None."""
    if re.search(r"%(?![0-9A-Fa-f]{2})", path):
        raise UnsafePath(
            _about(address, _("has a '%' that is not followed by two hexadecimal digits")),
            _("write %25 for a percent sign, or copy the address again from the browser"),
        )
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        raise UnsafePath(
            _about(address, _("has percent-escapes that are not UTF-8 text")),
            _("copy the address again from the browser's address bar"),
        ) from None
    decoded = unicodedata.normalize("NFC", decoded)
    refused = _refused_char(decoded)
    if refused:
        raise UnsafePath(*_refusal(address, refused))
    return decoded


def _about(address: str | None, message: str) -> str:
    """``message`` (a predicate) about the old address ``address``, or alone when None."""
    if address is None:
        return message
    return _("the old address {address} {message}").format(address=address, message=message)


def _refused_char(text: str) -> str | None:
    """The first character no address may hold (after decoding), or None."""
    for char in text:
        if char in "?#\\" or unicodedata.category(char) in _INVISIBLE:
            return char
    return None


_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
"""Control, format, surrogate, private-use, unassigned characters and line breaks."""


def _refusal(address: str | None, char: str) -> tuple[str, str]:
    """Message and hint for an address holding ``char``; ``address`` as in :func:`_about`."""
    if char == "?":
        return (
            _about(
                address,
                _("contains '?': a query string is not part of the path a web server matches"),
            ),
            _("leave out '?' and what follows it"),
        )
    if char == "#":
        return (
            _about(address, _("contains '#': the part after '#' is never sent to the web server")),
            _("leave out '#' and what follows it"),
        )
    if char == "\\":
        return _about(address, _("contains '\\'")), _("use '/' between folders")
    message = _("contains a control or invisible character (U+{code})")
    return (
        _about(address, message.format(code=f"{ord(char):04X}")),
        _("type the address again instead of copying it from a document"),
    )


def _shown(text: str) -> str:
    """``text`` quoted for a message, invisible characters written as ``\\u....``."""
    return (
        "'"
        + "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in _INVISIBLE else c for c in text)
        + "'"
    )


class NearestPage:
    """The page address an unknown address was most likely meant to be, for a "did you
    mean" hint (difflib's closest, at a ratio of at least 0.6).

    difflib compares two addresses letter by letter, ~70 µs a pair: against every page of
    a large site that is most of a second an address, and an hour for a layout or an
    imported archive with a broken link on each of 5,000 pages. So only the likely
    candidates are compared: the addresses beside it in alphabetical order (a slip late
    in the address), those ending in the same segment (the right page in the wrong
    folder) and the sections' own pages (a slip in the first segment)."""

    BESIDE = 24
    """Addresses taken on each side of where the unknown one would sort."""

    def __init__(self, pages: Iterable[str]) -> None:
        self._given = tuple(pages)  # the pages of this moment; the index is made when used

    @functools.cached_property
    def pages(self) -> list[str]:
        """Sorted when the first hint is asked for: most builds have no broken link."""
        return sorted(self._given)

    @functools.cached_property
    def by_name(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for page in self.pages:
            found.setdefault(_last_segment(page), []).append(page)
        return found

    @functools.cached_property
    def sections(self) -> list[str]:
        return [page for page in self.pages if page.count("/") <= 2]

    def __call__(self, address: str) -> str | None:
        at = bisect.bisect_left(self.pages, address)
        beside = self.pages[max(0, at - self.BESIDE) : at + self.BESIDE]
        same_name = self.by_name.get(_last_segment(address), [])[: self.BESIDE]
        candidates = list(dict.fromkeys([*beside, *same_name, *self.sections]))
        close = difflib.get_close_matches(address, candidates, n=1, cutoff=0.6)
        return close[0] if close else None


def _last_segment(address: str) -> str:
    return address.rstrip("/").rpartition("/")[2]

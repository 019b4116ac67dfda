"""Every slug, URL and output-path rule in one place; the only module that imports slugify.

Three kinds of address are used throughout:

* a *site URL* is site-relative and starts with ``/``: ``/tin-tuc/ke-hoach-2023/``;
* a *public URL* adds the base path, for links inside pages: ``/cchc/tin-tuc/ke-hoach-2023/``;
* an *absolute URL* adds scheme and host, for canonical links, feeds, sitemaps and QR codes.

An *output path* is the file under the output folder: ``tin-tuc/ke-hoach-2023/index.html``.
"""

from __future__ import annotations

import functools
import posixpath
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from slugify import slugify as _slugify

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


_COMMON_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]")
"""The combining diacritical marks block (but U+034F, which is not a mark): every mark
Vietnamese text decomposes into."""


def fold(text: str) -> str:
    """Lowercase text without diacritics (``đ`` → ``d``), for matching and search.

    The common marks go in one regular-expression pass; only text that still has other
    combining marks is folded character by character."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = _COMMON_MARKS.sub("", text)
    if not text.isascii() and any(unicodedata.combining(c) for c in set(text)):
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower()


def is_slug(text: str) -> bool:
    return bool(SLUG_RE.fullmatch(text)) and len(text) <= MAX_SLUG


@dataclass(frozen=True, slots=True)
class BaseUrl:
    """The site's absolute base URL, split into origin and path prefix."""

    origin: str
    """``https://example.gov.vn``"""
    path: str
    """``/cchc/`` — always starts and ends with ``/``."""

    @classmethod
    def parse(cls, url: str) -> BaseUrl:
        parts = urlsplit(url)
        path = parts.path or "/"
        if not path.endswith("/"):
            path += "/"
        return cls(f"{parts.scheme}://{parts.netloc}", quote(path, safe="/%-._~"))

    @property
    def url(self) -> str:
        return self.origin + self.path

    def public(self, site_url: str) -> str:
        """``/tin-tuc/`` → ``/cchc/tin-tuc/`` (links inside pages)."""
        if not site_url.startswith("/") or site_url.startswith("//"):
            return site_url
        return self.path + site_url[1:]

    def absolute(self, site_url: str) -> str:
        """``/tin-tuc/`` → ``https://example.gov.vn/cchc/tin-tuc/``."""
        return self.origin + self.public(site_url)


def section(*parts: str) -> str:
    """Site URL of a folder: ``section("tin-tuc", "2023")`` → ``/tin-tuc/2023/``."""
    inner = "/".join(p.strip("/") for p in parts if p.strip("/"))
    return f"/{inner}/" if inner else "/"


def paged(base: str, number: int) -> str:
    """Page ``number`` of a paginated list at ``base``: page 1 is the list itself."""
    return base if number == 1 else f"{base}trang/{number}/"


class UnsafePath(ValueError):
    """A path would leave the output folder or is not a plain relative path."""


def output_path(site_url: str) -> str:
    """``/tin-tuc/a/`` → ``tin-tuc/a/index.html``; ``/rss.xml`` → ``rss.xml``.

    Raises :class:`UnsafePath` for anything that could point outside the output folder.
    """
    if not site_url.startswith("/") or site_url.startswith("//") or "\\" in site_url:
        raise UnsafePath(f"'{site_url}' must start with a single '/'")
    rel = site_url[1:]
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return safe_relative(rel)


def safe_relative(rel: str) -> str:
    """Check a '/'-separated relative path stays inside its folder; return it normalised."""
    if rel.startswith("/") or re.search(r'[\x00-\x1f\\:*?"<>|]', rel):
        # ':' also stops Windows drive letters ("C:") and NTFS streams ("a:b")
        raise UnsafePath(f"'{rel}' is not a plain relative path")
    parts = rel.split("/")
    if any(p in ("..", ".") for p in parts) or any(p == "" for p in parts[:-1]):
        raise UnsafePath(f"'{rel}' contains '..', '.' or an empty folder name")
    normal = posixpath.normpath(rel)
    if normal.startswith("..") or normal.startswith("/"):
        raise UnsafePath(f"'{rel}' leaves the output folder")
    return normal


def alias_url(text: str) -> str:
    """Normalise an alias to a site URL; raise :class:`UnsafePath` when it cannot be one."""
    value = text.strip()
    if re.match(r"[a-z][a-z0-9+.-]*:", value, re.I):
        raise UnsafePath(f"'{value}' must be a path on this site, such as /tin-tuc/ten-cu/")
    if not value.startswith("/"):
        value = "/" + value
    last = value.rsplit("/", 1)[-1]
    if last and "." not in last:
        value += "/"
    output_path(value)  # validates
    return value

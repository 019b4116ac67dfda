"""Markdown → HTML; the only module that imports Python-Markdown.

Each document is converted with a reset instance (a reused ``Markdown`` object
leaks footnotes into the next document otherwise). Root-relative links and
images (``/images/a.png``) get the site's base path, so they keep working
when the site is published under a sub-path; tables are wrapped so that they
scroll sideways on a phone instead of widening the page.
"""

from __future__ import annotations

import hashlib
import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from . import sanitize
from .urls import BaseUrl, slugify

_TAGS = re.compile(r"<[^>]+>")
_ALIGN = re.compile(r"\s*text-align:\s*(left|center|right);?\s*")


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str
    first_paragraph: str
    """Plain text of the first paragraph, for summaries."""


class _SiteLinks(Treeprocessor):
    def __init__(self, md: markdown.Markdown, base: BaseUrl, table_label: str) -> None:
        super().__init__(md)
        self.base = base
        self.table_label = table_label

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attr in ("href", "src"):
                value = element.get(attr)
                if value and value.startswith("/") and not value.startswith("//"):
                    element.set(attr, self.base.public(value))
            if element.tag == "a" and re.match(r"https?://", element.get("href", "")):
                element.set("rel", "noopener")
            align = _ALIGN.fullmatch(element.get("style", ""))
            if align:  # a table column's alignment: a class, as the CSP forbids style=""
                del element.attrib["style"]
                classes = element.get("class", "").split()
                element.set("class", " ".join([*classes, f"align-{align.group(1)}"]))
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":
                    wrapper = etree.Element(
                        "div",
                        {
                            "class": "table-wrap",
                            "role": "region",
                            "tabindex": "0",
                            "aria-label": self.table_label,
                        },
                    )
                    parent.remove(child)
                    wrapper.append(child)
                    parent.insert(index, wrapper)


class _SiteExtension(Extension):
    def __init__(self, base: BaseUrl, table_label: str) -> None:
        super().__init__()
        self.base = base
        self.table_label = table_label

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown API
        md.treeprocessors.register(_SiteLinks(md, self.base, self.table_label), "cchc_links", 1)


def _heading_id(value: str, separator: str) -> str:
    return slugify(value) or "muc"


class Markdown:
    """A converter bound to one site's base URL.

    ``memo`` (hash of the text → result) lets a build reuse the last build's HTML for
    every text that did not change.
    """

    def __init__(
        self,
        base: BaseUrl,
        table_label: str = "Bảng",
        memo: dict[bytes, Rendered] | None = None,
        raw_html: bool = False,
        backlink_title: str = "Quay lại chỗ đánh dấu chú thích %d",
    ) -> None:
        self.raw_html = raw_html
        """True: keep the editors' HTML as written (site.yaml ``raw_html``)."""
        self.memo = memo if memo is not None else {}
        self.used: list[bytes] = []
        """Hash of every text converted, in order."""
        self.added: list[bytes] = []
        """Hashes converted for real (not found in ``memo``)."""
        self._md = markdown.Markdown(
            extensions=[
                "tables",
                "fenced_code",
                "footnotes",
                "sane_lists",
                "attr_list",
                "toc",
                _SiteExtension(base, table_label),
            ],
            extension_configs={
                "toc": {"slugify": _heading_id, "toc_depth": "2-4"},
                "footnotes": {"BACKLINK_TITLE": backlink_title},
            },
            output_format="html",
        )

    def convert(self, text: str) -> Rendered:
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        self.used.append(key)
        hit = self.memo.get(key)
        if hit is None:
            self._md.reset()
            body = self._md.convert(text)
            if not self.raw_html:
                body = sanitize.clean(body)
            hit = self.memo[key] = Rendered(body, first_paragraph(body))
            self.added.append(key)
        return hit


def first_paragraph(body_html: str) -> str:
    match = re.search(r"<p>(.*?)</p>", body_html, re.S)
    if not match:
        return ""
    return " ".join(plain_text(match.group(1), gap="").split())


def plain_text(markup: str, gap: str = " ") -> str:
    """The text of an HTML fragment: tags replaced by ``gap``, entities decoded. Inside a
    paragraph the gap is "" (``<b>CCHC</b>,`` stays ``CCHC,``); between blocks a space."""
    return html.unescape(_TAGS.sub(gap, markup))


def shorten(text: str, limit: int = 220) -> str:
    """Cut plain text at a word boundary, adding an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"

"""Clean the HTML made from editors' Markdown; the only module that imports nh3.

Markdown lets an editor write raw HTML, and text pasted from elsewhere may carry a
script. Every post, page and plan body keeps only the elements and attributes below
(nh3, the Rust ammonia sanitiser): no script, style, iframe or form, no event handler,
no ``style`` attribute, and links only to http(s), mailto and tel addresses or to the
site itself. ``raw_html: true`` in site.yaml turns this off for agencies that need it.
"""

from __future__ import annotations

import functools

import nh3

_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    ]
)
_EVERYWHERE = {"id", "class", "title", "lang"}
_ATTRIBUTES = {
    "*": _EVERYWHERE,
    "a": _EVERYWHERE | {"href", "rel"},
    "img": _EVERYWHERE | {"src", "alt", "width", "height"},
    "div": _EVERYWHERE | {"role", "tabindex", "aria-label"},
    "td": _EVERYWHERE | {"colspan", "rowspan"},
    "th": _EVERYWHERE | {"colspan", "rowspan", "scope"},
    "ol": _EVERYWHERE | {"start", "reversed"},
    "abbr": _EVERYWHERE,
}
_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


@functools.cache
def _cleaner() -> nh3.Cleaner:
    """Made once: handing the lists to ``nh3.clean`` on every call costs ~20 % of it."""
    return nh3.Cleaner(
        tags=set(_TAGS),
        attributes={tag: set(names) for tag, names in _ATTRIBUTES.items()},
        url_schemes=set(_SCHEMES),
        link_rel=None,  # markup.py sets rel="noopener" on links to other sites
        strip_comments=True,
    )


def clean(html: str) -> str:
    """``html`` with everything outside the safe subset removed (text is kept)."""
    return _cleaner().clean(html)

"""What Chromium prints: a page saved as an A4 PDF, and the text drawn on each printed page.

No PDF library is installed (neither pypdf nor pdftotext), so :func:`printed_pages` reads
the little of the format that Chromium's PDF writer (Skia) uses to draw text: each page's
content streams (and the forms they draw) and the fonts' ``ToUnicode`` tables. It tells
which text is on which printed page, which a page count alone cannot (a page holding one
stray line counts the same as a full one).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterator

from playwright.sync_api import Browser


def print_pdf(browser: Browser, url: str) -> bytes:
    """What "Print → Save as PDF" on A4 writes for the page at ``url``."""
    context = browser.new_context()
    try:
        page = context.new_page()
        assert page.goto(url).status == 200
        return page.pdf(format="A4", prefer_css_page_size=True)
    finally:
        context.close()


def squeezed(text: str) -> str:
    """Text as :func:`printed_pages` gives it: no white space."""
    return unicodedata.normalize("NFC", "".join(text.split()))


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Each object of the PDF: its dictionary, and its stream inflated (if any)."""
    found: dict[int, tuple[bytes, bytes | None]] = {}
    for match in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S):
        body, stream = match.group(2), None
        start = re.search(rb">>\s*stream\r?\n", body)
        if start:
            stream = body[start.end() : body.rindex(b"endstream")]
            if b"/FlateDecode" in body[: start.start()]:
                stream = zlib.decompressobj().decompress(stream)
            body = body[: start.start() + 2]
        found[int(match.group(1))] = (body, stream)
    return found


def _to_unicode(cmap: bytes) -> dict[int, str]:
    table: dict[int, str] = {}
    hexes = rb"<([0-9A-Fa-f]+)>\s*"
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(hexes * 2, block):
            table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, dst in re.findall(hexes * 3, block):
            first = int(dst, 16)
            for i, glyph in enumerate(range(int(low, 16), int(high, 16) + 1)):
                table[glyph] = bytes.fromhex(f"{first + i:0{len(dst)}x}").decode("utf-16-be")
    return table


_TEXT = re.compile(rb"/([\w.+-]+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>|/([\w.+-]+)\s+Do")


def printed_pages(pdf: bytes) -> list[str]:
    """The text drawn on each page of a PDF printed by Chromium, without white space."""
    objects = _objects(pdf)

    def named(resources: bytes, kind: bytes) -> dict[str, int]:
        found = re.search(rb"/" + kind + rb"\s*(<<.*?>>|\d+ 0 R)", resources, re.S)
        if not found:
            return {}
        inner = found.group(1)
        if inner.endswith(b"R"):
            inner = objects[int(inner.split()[0])][0]
        return {n.decode(): int(o) for n, o in re.findall(rb"/([\w.+-]+)\s+(\d+) 0 R", inner)}

    def resources_of(body: bytes) -> bytes:
        found = re.search(rb"/Resources\s+(\d+) 0 R", body)
        return objects[int(found.group(1))][0] if found else body

    def draw(stream: bytes, resources: bytes, text: list[str]) -> None:
        fonts, forms = named(resources, b"Font"), named(resources, b"XObject")
        table: dict[int, str] = {}
        for match in _TEXT.finditer(stream):
            if match.group(1):
                font = objects[fonts[match.group(1).decode()]][0]
                cmap = re.search(rb"/ToUnicode\s+(\d+) 0 R", font)
                table = _to_unicode(objects[int(cmap.group(1))][1] or b"") if cmap else {}
            elif match.group(2) is not None:
                glyphs = match.group(2).decode()
                text.extend(
                    table.get(int(glyphs[i : i + 4], 16), "") for i in range(0, len(glyphs), 4)
                )
            elif match.group(3):
                body, inner = objects[forms[match.group(3).decode()]]
                draw(inner or b"", resources_of(body), text)

    def leaves(number: int) -> Iterator[int]:
        body = objects[number][0]
        kids = re.search(rb"/Kids\s*\[(.*?)\]", body, re.S)
        if not kids:
            yield number
            return
        for kid in re.findall(rb"(\d+) 0 R", kids.group(1)):
            yield from leaves(int(kid))

    root = next(
        n
        for n, (body, _) in objects.items()
        if re.search(rb"/Type\s*/Pages\b", body) and b"/Parent" not in body
    )
    pages = []
    for number in leaves(root):
        body = objects[number][0]
        contents = re.search(rb"/Contents\s*(\[.*?\]|\d+ 0 R)", body, re.S)
        text: list[str] = []
        for ref in re.findall(rb"(\d+) 0 R", contents.group(1) if contents else b""):
            draw(objects[int(ref)][1] or b"", resources_of(body), text)
        pages.append(unicodedata.normalize("NFC", "".join("".join(text).split())))
    return pages

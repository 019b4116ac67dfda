"""``cchcgen import document``: a signed Word document → ``content/plans/<year>/<slug>.md``.

:mod:`cchcgen.docxfile` reads the .docx (and refuses a hostile one),
:mod:`cchcgen.docxlayout` finds the front matter in its NĐ 30/2020 layout and
:mod:`cchcgen.docxmarkdown` writes its body as Markdown. Documents of every type live in
``content/plans/``: the section a document is listed in follows from its ``doc_type``.
Nothing here prints: :func:`import_document` returns a :class:`DocumentReport`.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .docxfile import DocxRefused, UnreadKind, read_docx
from .docxlayout import LayoutUnknown, read_layout
from .docxmarkdown import to_markdown
from .importer import ImportFailed
from .messages import N_, _
from .urls import slugify

PLANS_DIR = "content/plans"
MAX_PDF_BYTES = 50 * 1024 * 1024
DRY_RUN_LINES = 12
PDF_TITLE = "{name} số {number} (bản có chữ ký, PDF)"
"""The attachment's title on the page: content, written in Vietnamese like the page."""

_UNREAD = {
    UnreadKind.TEXT_BOX: N_("a text box: its text is not imported"),
    UnreadKind.IMAGE: N_("an image: not imported (if it shows text, type the text)"),
    UnreadKind.CHANGE: N_("a tracked change"),
    UnreadKind.COMMENT: N_("a comment: not imported"),
    UnreadKind.MERGED: N_("merged cells: Markdown cannot merge them, the text is in the first"),
}


@dataclass(frozen=True, slots=True)
class DocumentOptions:
    site: Path
    file: Path
    pdf: Path | None = None
    tags: tuple[str, ...] = ()
    accept_changes: bool = False
    overwrite: bool = False
    dry_run: bool = False


@dataclass(frozen=True, slots=True)
class Note:
    """Something of the document imported differently from the paper, or not at all."""

    paragraph: int
    message: str
    text: str

    def __str__(self) -> str:
        where = _("paragraph {number}").format(number=self.paragraph) if self.paragraph else ""
        quoted = f': "{self.text}"' if self.text else ""
        return f"{where}: {_(self.message)}{quoted}" if where else f"{_(self.message)}{quoted}"


@dataclass(frozen=True, slots=True)
class DocumentReport:
    file: str
    """Where the page was (or would be) written, relative to the site."""
    text: str
    """The page file's text."""
    notes: tuple[Note, ...]
    attachment: str = ""
    written: bool = False

    def preview(self) -> str:
        """The front matter and the first lines of the body (``--dry-run``)."""
        front, _sep, body = self.text.partition("\n---\n")
        lines = body.strip("\n").splitlines()[:DRY_RUN_LINES]
        return front + "\n---\n" + "\n".join(lines) + ("\n…" if len(lines) == DRY_RUN_LINES else "")


def import_document(options: DocumentOptions) -> DocumentReport:
    """Read the document, write its page (unless a dry run); raise ImportFailed."""
    shown = str(options.file)
    try:
        content = read_docx(options.file, options.accept_changes)
    except DocxRefused as exc:
        raise ImportFailed(shown, _(exc.message).format(**exc.values), hint=_(exc.hint)) from None
    except OSError as exc:
        raise ImportFailed(shown, exc.strerror or str(exc)) from None
    changes = [u for u in content.unread if u.kind in (UnreadKind.CHANGE, UnreadKind.COMMENT)]
    if changes and not options.accept_changes:
        first = changes[0]
        raise ImportFailed(
            shown,
            _(
                "the document has {count} tracked change(s) or comment(s), the first in "
                'paragraph {number}: "{text}"'
            ).format(  # fmt: skip
                count=len(changes), number=first.paragraph, text=first.text
            ),
            hint=_(
                "accept or reject them in Word (Review > Accept) and delete the comments, "
                "or run again with --accept-changes to accept every change and drop the comments"
            ),
        )
    try:
        layout = read_layout(content.blocks)
    except LayoutUnknown as exc:
        raise ImportFailed(
            shown,
            _("paragraph {number}: {message}").format(
                number=exc.paragraph, message=_(exc.message).format(**exc.values)
            ),
            hint=_(exc.hint),
        ) from None
    notes = [Note(n, m, t) for n, m, t in layout.notes]
    notes += [
        Note(u.paragraph, _UNREAD[u.kind], u.text)
        for u in content.unread
        if u.kind not in (UnreadKind.CHANGE, UnreadKind.COMMENT)
    ]
    front = layout.front
    slug = _slug(front)
    year = str(front["issued_date"])[-4:]
    folder = f"{PLANS_DIR}/{year}"
    if not front["number"]:
        front["slug"] = slug
    attachment = ""
    if options.pdf is not None:
        attachment = f"{slug}.pdf"
        notes += _check_pdf(options.pdf)
        number = f"{front['number'] or '   '}/{front['symbol']}"
        name = (_type_name(front["doc_type"]) or "Công văn").capitalize()
        front["attachments"] = [
            {"title": PDF_TITLE.format(name=name, number=number), "file": attachment}
        ]
    if options.tags:
        front["tags"] = list(options.tags)
    text = _page(front, to_markdown(layout.body, content.notes))
    rel = f"{folder}/{slug}.md"
    report = DocumentReport(rel, text, tuple(sorted(notes, key=lambda n: n.paragraph)), attachment)
    if options.dry_run:
        return report
    _write(options, rel, text, attachment)
    return DocumentReport(report.file, text, report.notes, attachment, written=True)


def _type_name(doc_type: str) -> str:
    from .kinds.plan import DOC_TYPES

    return DOC_TYPES[doc_type]


def _slug(front: dict[str, Any]) -> str:
    if front["number"]:
        return slugify(f"{front['number']}-{front['symbol']}")
    return slugify(f"{front['symbol']} {front['title']}")[:80].rstrip("-")


def _page(front: dict[str, Any], body: str) -> str:
    """Front matter as YAML (each value a JSON string, which YAML reads as written)."""
    lines = ["---"]
    for key, value in front.items():
        lines.extend(_yaml(key, value, 0))
    lines.append("---")
    return "\n".join(lines) + "\n" + body


def _yaml(key: str, value: Any, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict):
        out = [f"{pad}{key}:"]
        for sub, item in value.items():
            out.extend(_yaml(sub, item, indent + 2))
        return out
    if isinstance(value, list):
        out = [f"{pad}{key}:"]
        for item in value:
            if isinstance(item, dict):
                entries = [line.strip() for k, v in item.items() for line in _yaml(k, v, 0)]
                out.append(f"{pad}  - {entries[0]}")
                out.extend(f"{pad}    {entry}" for entry in entries[1:])
            else:
                out.append(f"{pad}  - {_scalar(item)}")
        return out
    return [f"{pad}{key}: {_scalar(value)}"]


def _scalar(value: Any) -> str:
    return json.dumps(str(value), ensure_ascii=False)


def _check_pdf(pdf: Path) -> list[Note]:
    """Refuse what is not a PDF or is too big; note the notes drawn on it.

    Handwriting on the paper before it was scanned is part of the scan's image: finding
    it would need character recognition, which cchcgen does not do. Notes added to the
    PDF afterwards (ink, text boxes, sticky notes) are annotations, found by their names
    when the PDF does not compress its object list."""
    try:
        size = pdf.stat().st_size
        with pdf.open("rb") as stream:
            start = stream.read(1024)
    except OSError as exc:
        raise ImportFailed(str(pdf), exc.strerror or str(exc)) from None
    if b"%PDF-" not in start:
        raise ImportFailed(
            str(pdf),
            _("is not a PDF file"),
            hint=_("give --pdf the scan of the signed document, saved as PDF"),
        )
    if size > MAX_PDF_BYTES:
        raise ImportFailed(
            str(pdf),
            _("the PDF is {size} MB; attachments of at most {limit} MB are published").format(
                size=round(size / 1024 / 1024, 1), limit=MAX_PDF_BYTES // 1024 // 1024
            ),
            hint=_("scan it again in black and white at 200 dpi, or compress it"),
        )
    data = pdf.read_bytes()
    drawn = sum(data.count(kind) for kind in (b"/Subtype/Ink", b"/Subtype /Ink"))
    typed = sum(
        data.count(b"/Subtype" + gap + kind)
        for gap in (b"", b" ")
        for kind in (b"/FreeText", b"/Text")
    )
    if not drawn + typed:
        return []
    message = N_("the PDF has notes added on it (ink or text): they are published with it")
    return [Note(0, message, _("{count} note(s)").format(count=drawn + typed))]


def _write(options: DocumentOptions, rel: str, text: str, attachment: str) -> None:
    target = options.site / rel
    targets = [target] + ([target.with_name(attachment)] if attachment else [])
    existing = [path for path in targets if path.exists()]
    if existing and not options.overwrite:
        shown = existing[0].relative_to(options.site).as_posix()
        raise ImportFailed(
            shown,
            _("already exists; nothing was written"),
            hint=_("run again with --overwrite to replace it, or --dry-run to see the page"),
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    if attachment and options.pdf is not None:
        _replace(target.with_name(attachment), options.pdf.read_bytes())
    _replace(target, text.encode("utf-8"))


def _replace(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` in one step (a crash leaves the old file or none)."""
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".import-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise

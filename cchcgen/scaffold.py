"""``cchcgen new``: create a content file with its front matter filled in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .config import Agency
from .errors import Collector, ContentError
from .messages import _
from .urls import slugify
from .yamlutil import dump_front_matter

KINDS = ("post", "page", "plan")


@dataclass(frozen=True, slots=True)
class Created:
    path: Path
    rel: str


def _fail(rel: str, message: str, hint: str | None = None) -> ContentError:
    diags = Collector()
    diags.error(rel, None, None, message, hint)
    return ContentError(diags.items)


def new_content(
    root: Path, kind: str, title: str, now: dt.datetime, agency: Agency | None = None
) -> Created:
    """Write a new post, page or plan; never overwrite an existing file.

    A plan's issuer comes from the site's agency, in capitals as on the document.
    """
    title = " ".join(title.split())
    slug = slugify(title)
    if not slug:
        raise _fail(
            "content",
            _("cannot make an address from the title {title}").format(title=repr(title)),
            _("use a title with letters or digits"),
        )
    if kind == "post":
        rel = f"content/posts/{now.year}/{slug}.md"
        front: dict[str, object] = {
            "title": title,
            "date": now.strftime("%d/%m/%Y %H:%M"),
            "summary": "",
            "tags": [],
            "category": "Tin hoạt động",
            "author": "",
            "source": "",
            "draft": True,
        }
        body = (
            "Viết nội dung bài ở đây, bằng Markdown.\n\n"
            "Khi bài đã sẵn sàng, đổi `draft: true` thành `draft: false` để đăng.\n"
        )
    elif kind == "plan":
        rel = f"content/plans/{now.year}/{slug}.md"
        front = {
            "doc_type": "KH",
            "number": "",
            "symbol": "KH-UBND",
            "issuer": {
                "parent": agency.parent.upper() if agency else "",
                "name": agency.name.upper() if agency else "ỦY BAN NHÂN DÂN ...",
            },
            "place": "...",
            "issued_date": now.strftime("%d/%m/%Y"),
            "title": title,
            "basis": [],
            "signer": {
                "authority": "TM",
                "on_behalf_of": "ỦY BAN NHÂN DÂN",
                "title": "CHỦ TỊCH",
                "name": "...",
            },
            "recipients": [],
            "archive": "VT, VP",
            "attachments": [],
            "status": "active",
            "published_at": now.strftime("%d/%m/%Y %H:%M"),
            "tags": ["Kế hoạch"],
            "slug": slug,
        }
        body = (
            "Chép nội dung văn bản ở đây, giữ nguyên số thứ tự các phần: dùng `## I. ...` "
            "cho phần, `### 1. ...` cho mục, và đoạn bắt đầu bằng `a) ...` cho điểm.\n\n"
            "Điền số văn bản (`number`) khi đã vào sổ; trường `slug` giữ nguyên địa chỉ "
            "trang (và mã QR đã in) khi thêm số sau.\n"
        )
    else:
        rel = f"content/pages/{slug}.md"
        front = {"title": title, "summary": ""}
        body = "Viết nội dung trang ở đây, bằng Markdown.\n"
    path = root.joinpath(*rel.split("/"))
    if path.exists():
        raise _fail(rel, _("this file already exists"), _("choose another title or edit the file"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{dump_front_matter(front)}---\n\n{body}", encoding="utf-8")
    return Created(path, rel)

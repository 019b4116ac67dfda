"""The content reference page, generated from cchcgen's own field declarations.

Every content type declares its keys as a tuple of :class:`cchcgen.schema.Field`. This
module walks those tuples (nested blocks and lists of blocks included) and writes one
Markdown table per content type: key, required, kind of value, default, description.
The MkDocs hook (``docs/hooks.py``) calls :func:`render` at every docs build, so the page
cannot drift from what the build accepts. ``python docs/gen_reference.py`` prints it.

The kind of value is read from the reader function of each field (``schema.one_line``,
``schema.choice(...)``, ``schema.list_of(schema.mapping(...))``, a module's own ``_email``).
Descriptions live in :data:`DESCRIPTIONS` below for now: a later refactor (a registry of
content types) will carry a description on each field, and this mapping will go away.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from cchcgen import config, kinds
from cchcgen.schema import Field


@dataclass(frozen=True, slots=True)
class ContentType:
    key: str
    title: str
    where: str
    intro: str
    fields: tuple[Field, ...]


def content_types() -> tuple[ContentType, ...]:
    """The site settings, then every content type of the registry, in its order."""
    site = ContentType("site", "Site settings", "site.yaml",
                       "The site's settings. Unknown keys are errors.", config.FIELDS)  # fmt: skip
    return (
        site,
        *(ContentType(k.name, k.title, k.where, k.intro, k.fields) for k in kinds.registry()),
    )


_NAMED: dict[str, str] = {
    "one_line": "one line of text",
    "exact_line": "one line of text",
    "text": "text (may span lines)",
    "boolean": "`true` or `false`",
    "when": "date, optionally with a time",
    "day": "date",
    "tag": "tag",
    "_absolute_url": "absolute http(s) address",
    "_portal_template": "http(s) address containing `{code}`",
    "_zone": "IANA time zone",
    "_menu_url": "site path (`/tin-tuc/`) or http(s) address",
    "_menu_item": "block of keys",
    "_news_categories": "list of names, or of blocks `{name, slug}`",
    "slug": "slug (lowercase letters, digits, `-`)",
    "alias": "old address of the site",
    "_number": "number",
    "_symbol": "document symbol, e.g. `KH-UBND`",
    "_issued": "date, or month and year (`10/2022`)",
    "_recipient": "one line of text",
    "_document_sections": "list of: `van-ban-chi-dao`, `ke-hoach`, `bao-cao`",
    "_count": "whole number 0–100",
    "_amount": "amount in đồng",
    "_result": "text, or block of keys",
    "_e164": "`+84…` or a short code",
    "_clock": "time `HH:MM`",
    "_email": "email address",
    "_url": "http(s) address",
    "_score": "number (`86,45` or `86.45`)",
}


def _nested(fn: Callable[..., Any]) -> tuple[Field, ...] | None:
    """Field tuples a reader function reads a block with (closure or module global)."""
    found = inspect.getclosurevars(fn)
    for value in (*found.nonlocals.values(), *found.globals.values()):
        if isinstance(value, tuple) and value and all(isinstance(v, Field) for v in value):
            return value
    return None


def describe(kind: Callable[..., Any]) -> tuple[str, tuple[Field, ...] | None, bool]:
    """(kind of value, the fields of a block or None, whether it is a list of blocks)."""
    outer = kind.__qualname__.split(".<locals>")[0]
    scope = inspect.getclosurevars(kind).nonlocals
    if outer == "mapping":
        return "block of keys", scope["fields"], False
    if outer == "list_of":
        item, nested, _ = describe(scope["item"])
        alone = " (or one value)" if scope["allow_scalar"] else ""
        return f"list of: {item}{alone}", nested, nested is not None
    if outer == "choice":
        return "one of " + ", ".join(f"`{v}`" for v in scope["values"]), None, False
    if outer == "integer":
        low, high = scope["minimum"], scope["maximum"]
        return f"whole number {low}–{high}", None, False
    if outer == "matching":
        return f"{scope['description']}, e.g. `{scope['example'].strip(chr(34))}`", None, False
    return _NAMED.get(outer, outer.strip("_").replace("_", " ")), _nested(kind), False


@dataclass(frozen=True, slots=True)
class Row:
    path: str
    required: str
    kind: str
    default: str
    description: str


def _default(field: Field) -> str:
    value = field.default
    if value is None or value == "" or value == ():
        return ""
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, tuple):
        return "`[" + ", ".join(map(str, value)) + "]`"
    return f"`{value}`"


def rows(type_key: str, fields: Sequence[Field], prefix: str = "") -> Iterator[Row]:
    for field in fields:
        path = prefix + field.name
        kind, nested, is_list = describe(field.kind)
        required = "yes" if field.required else ""
        if field.required and field.blank:
            required = 'yes (`""` allowed)'
        described = DESCRIPTIONS.get(f"{type_key}.{path}") or DESCRIPTIONS.get(f"*.{path}", "")
        yield Row(path, required, kind, _default(field), described)
        if nested:
            yield from rows(type_key, nested, path + ("[]." if is_list else "."))


def render() -> str:
    out = [
        "# Content reference",
        "",
        "Every key each kind of file accepts, generated from the field declarations in",
        "`cchcgen/` at each documentation build. `a.b` is key `b` inside the block `a`;",
        "`a[].b` is key `b` in each item of the list `a`. A key left out takes its default.",
        'Any other key is an error with a "did you mean" hint.',
        "Every content file also accepts `sample: true`, which `cchcgen init` puts in its",
        "examples: each build warns about such a file and `--strict` fails.",
        "",
    ]
    for ctype in content_types():
        out += [f"## {ctype.title}", "", f"`{ctype.where}`: {ctype.intro}", ""]
        out += ["| key | required | value | default | description |", "|---|---|---|---|---|"]
        for row in rows(ctype.key, ctype.fields):
            cells = (f"`{row.path}`", row.required, row.kind, row.default, row.description)
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        out.append("")
    return "\n".join(out)


DESCRIPTIONS: dict[str, str] = {
    "*.sample": "marks an example written by `cchcgen init`; delete the line when the content "
    "is real",
    # site.yaml
    "site.title": "title of the column",
    "site.description": "home page and feed description",
    "site.base_url": "absolute address of the column; a sub-path works",
    "site.language": "strings of the built site (`cchcgen/locales/vi.yaml`)",
    "site.timezone": "times written without a zone are in this zone; default `Asia/Ho_Chi_Minh`",
    "site.agency": "header, footer (TT 32/2017) and Dublin Core publisher",
    "site.agency.phone": "always text, never a number",
    "site.copyright": "footer line",
    "site.paginate": "posts per list page",
    "site.feed_items": "items per RSS feed",
    "site.home_posts": "posts on the home page",
    "site.related_posts": '"Tin khác" under each post',
    "site.menu": "without it the menu lists the sections that exist; a link to a missing page "
    "of the site is an error",
    "site.procedure_portal_url": "link to a procedure on the national portal; default: the "
    "dichvucong.gov.vn detail page",
    "site.stale_after_days": "a procedure checked longer ago than this gives a warning "
    "(365 for `list_only` records)",
    "site.search": "build the search page and index",
    "site.raw_html": "keep HTML in Markdown as written instead of cleaning it",
    "site.news_categories": "the categories a post's `category` may name, each with its page "
    "`/chuyen-muc/<slug>/` and feed; default: Tin hoạt động, Chỉ đạo điều hành, Thông tin "
    "tuyên truyền, Mô hình – sáng kiến; `[]`: no categories",
    "site.document_sections": "the document sections shown (default all three); a section left "
    "out gives its documents to `ke-hoach`",
    # posts
    "post.title": "title",
    "post.date": "`03/02/2023 08:30`, `03/02/2023`, `2023-02-03`, `2023-02-03T08:30:00+07:00`",
    "post.summary": "bold above the body, in lists and feeds; else the first paragraph",
    "post.tags": "topic pages `/chu-de/<tag>/` with their own feed",
    "post.category": "one of the site's `news_categories` (written with or without diacritics),"
    " linking the category's page; another name is a warning",
    "post.author": "author",
    "post.source": "Nguồn tin",
    "post.image": "a file in `content/static/`; `image_alt` is then required",
    "post.image_alt": "text alternative of the image",
    "post.draft": "not published (`--drafts` shows it)",
    "post.expiry_date": "not published from this moment on",
    "post.updated": '"Cập nhật" date, sitemap lastmod',
    "post.slug": "address `/tin-tuc/<slug>/`; default: the file name",
    "post.aliases": "old addresses that redirect here",
    # pages
    "page.title": "title",
    "page.summary": "description",
    "page.updated": '"Cập nhật" date, sitemap lastmod',
    "page.slug": "address `/<slug>/`; default: the file name",
    "page.aliases": "old addresses that redirect here",
    "page.draft": "not published",
    "page.weight": "order in the menu and the sitemap, lowest first",
    # plans
    "plan.doc_type": "KH, QĐ, CV, BC, TB, HD, CTr, … → KẾ HOẠCH, QUYẾT ĐỊNH, …; chooses the "
    "section: `/van-ban-chi-dao/`, `/ke-hoach/` or `/bao-cao/`",
    "plan.number": '`""` while the document has no number yet (Số: /KH-UBND)',
    "plan.symbol": "with the number: Số: 13/KH-UBND",
    "plan.issuer": "the issuing body",
    "plan.issuer.parent": "cơ quan chủ quản, if any",
    "plan.issuer.name_in_text": "the issuer as written in running text (`Sở Khoa học và Công "
    "nghệ`), for the page's metadata; default: the site's agency when the capitals are its "
    "name, else the capitals",
    "plan.place": "place of issue",
    "plan.issued_date": "`30/01/2023`, or `10/2022` when the day was left blank on the paper",
    "plan.title": "trích yếu",
    "plan.issuing_authority": "who decides, printed between the title and the basis (thẩm "
    "quyền ban hành of a Quyết định), in capitals as on paper",
    "plan.basis": '"Căn cứ" lines; "Căn cứ" is added unless a line opens with '
    "Căn cứ/Thực hiện/Theo/Xét",
    "plan.signer": "who signed",
    "plan.signer.authority": "`TM` needs `on_behalf_of`; `KT`, `Q`, `TL`, `TUQ` need `head_title`",
    "plan.recipients": "Nơi nhận",
    "plan.archive": '"- Lưu: …" line of Nơi nhận',
    "plan.attachments": "files beside the .md (or below it), listed with type and size",
    "plan.status": "`superseded` needs `superseded_by`",
    "plan.published_at": "when the plan appears on the site",
    "plan.slug": "fixes the address; set it while the number is blank",
    "plan.aliases": "old addresses that must keep working",
    "plan.qr": "QR code on the page, `qr.svg`, `qr.png` and the `ma-qr/` poster",
    # procedures
    "procedure.code": "Mã thủ tục, N.NNNNNN; must equal the file name",
    "procedure.local_code": "the code with its local suffix, from an import",
    "procedure.name": "verbatim from the national database",
    "procedure.sector": "Lĩnh vực",
    "procedure.levels": "Cấp thực hiện; `huyen` for records from before 2025",
    "procedure.subjects": "Đối tượng thực hiện",
    "procedure.agencies": "Cơ quan thực hiện, có thẩm quyền, được ủy quyền, phối hợp",
    "procedure.receiving_addresses": "Địa chỉ tiếp nhận hồ sơ",
    "procedure.steps": "Trình tự thực hiện",
    "procedure.methods": "Cách thức thực hiện: one per channel, each with its time limit and fees",
    "procedure.methods[].processing_time.text": "shown as written, never recomputed",
    "procedure.cases": "Thành phần hồ sơ, per case",
    "procedure.requirements": "Yêu cầu, điều kiện",
    "procedure.results": "Kết quả thực hiện",
    "procedure.legal_basis": "Căn cứ pháp lý",
    "procedure.fee_legal_basis": "legal basis of the fees",
    "procedure.related": "codes of related procedures",
    "procedure.keywords": "extra words for the catalogue filter and search",
    "procedure.online_service": "Dịch vụ công trực tuyến",
    "procedure.online_service.partial_reason": "required when `level` is `mot_phan`",
    "procedure.announcement": "the Quyết định công bố",
    "procedure.status": "`replaced` needs `replaced_by`",
    "procedure.history": "earlier changes",
    "procedure.detail_level": "`list_only`: a list entry with a link to the portal",
    "procedure.featured": "shown among the quick links",
    "procedure.source": "where the record was checked, and when",
    "procedure.source.retrieved": "older than `stale_after_days`: a warning",
    "procedure.reviewed": "last internal review",
    # hotline
    "hotline.agency": "the agency answering citizens",
    "hotline.hotlines": "at least one with `purpose: pakn`, shown at the top of every page",
    "hotline.contact_points": "contact officials",
    "hotline.one_stop": "Bộ phận Một cửa",
    "hotline.one_stop.working_hours": "printed the Vietnamese way "
    '("Thứ Hai – Thứ Sáu: 07:00–11:30, 13:30–17:00")',
    "hotline.pakn_channels": "ways to send feedback",
    "hotline.external_links": "national and provincial portals, satisfaction survey",
    "hotline.verified_at": "older than 180 days: a warning",
    # feedback
    "feedback.id": "identifier, e.g. `PAKN-2024-0012`",
    "feedback.question": "no phone number, email address or ID number once published",
    "feedback.title": "no phone number, email address or ID number once published",
    "feedback.related_procedure": "code of the procedure it concerns",
    "feedback.answer": "`date` and `body` are required when `public: true`",
    "feedback.answer.body": "no phone number, email address or ID number once published",
    "feedback.public": "published only when `true`",
    # indices
    "indices.index": "which index",
    "indices.score": 'written as published, e.g. `"86,45"`',
    "indices.max_score": "PAPI is out of 80",
    "indices.rank": "rank",
    "indices.of": "out of how many",
    "indices.decision": "the decision announcing the result",
}


if __name__ == "__main__":
    print(render())

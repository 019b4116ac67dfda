"""Open data: every procedure as JSON and as CSV (``/thu-tuc-hanh-chinh/du-lieu.*``).

Field names are the English ones of the YAML records, so a programmer who knows one
knows the other. The files depend only on the content (no build time in them), so two
builds of the same input give the same bytes. The CSV starts with a byte-order mark
because spreadsheet programs on Windows read UTF-8 Vietnamese correctly only then.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Sequence
from typing import Any

from .content import Change, LegalDocument, Procedure

CSV_COLUMNS = (
    "code",
    "name",
    "sector_code",
    "sector",
    "levels",
    "status",
    "online_service_level",
    "processing_time",
    "fees",
    "announcement_number",
    "announcement_date",
    "change_type",
    "effective_from",
    "effective_to",
    "replaced_by",
    "detail_level",
    "source_retrieved",
    "url",
)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _change(change: Change) -> dict[str, Any]:
    return {
        "date": _date(change.date),
        "change_type": change.change_type,
        "decision": change.decision,
        "note": change.note,
    }


def _legal(document: LegalDocument) -> dict[str, Any]:
    return {
        "number": document.number,
        "title": document.title,
        "issued": _date(document.issued),
        "issuer": document.issuer,
    }


def record(procedure: Procedure, absolute: Callable[[str], str]) -> dict[str, Any]:
    """One procedure as plain JSON values."""
    return {
        "code": procedure.code,
        "local_code": procedure.local_code or None,
        "name": procedure.name,
        "url": absolute(procedure.url),
        "sector": {"code": procedure.sector.code, "name": procedure.sector.name},
        "levels": list(procedure.levels),
        "procedure_type": procedure.procedure_type,
        "status": procedure.status,
        "detail_level": procedure.detail_level,
        "subjects": list(procedure.subjects),
        "executing_agencies": list(procedure.agencies.executing),
        "methods": [
            {
                "channel": method.channel,
                "processing_time": method.processing_time.text,
                "fees": [fee.text for fee in method.fees],
            }
            for method in procedure.methods
        ],
        "online_service": {
            "level": procedure.online_service.level or None,
            "partial_reason": procedure.online_service.partial_reason or None,
            "url": procedure.online_service.url,
        },
        "announcement": {
            "number": procedure.announcement.decision,
            "date": _date(procedure.announcement.date),
            "change_type": procedure.announcement.change_type,
        },
        "effective_from": _date(procedure.effective_from),
        "effective_to": _date(procedure.effective_to),
        "replaced_by": procedure.replaced_by or None,
        "history": [_change(change) for change in procedure.history],
        "legal_basis": [_legal(document) for document in procedure.legal_basis],
        "source": {
            "name": procedure.source.name,
            "url": procedure.source.url or None,
            "retrieved": _date(procedure.source.retrieved),
        },
    }


def procedures_json(procedures: Sequence[Procedure], absolute: Callable[[str], str]) -> bytes:
    updated = max((p.source.retrieved for p in procedures), default=None)
    document = {
        "updated": _date(updated),
        "count": len(procedures),
        "in_force": sum(1 for p in procedures if p.in_force),
        "procedures": [record(p, absolute) for p in sorted(procedures, key=lambda p: p.code)],
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """Text a spreadsheet will show as text: a leading = + - @ would start a formula
    (imported text is untrusted), so such a cell gets the usual apostrophe in front."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def procedures_csv(procedures: Sequence[Procedure], absolute: Callable[[str], str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for p in sorted(procedures, key=lambda p: p.code):
        writer.writerow(
            _cell(value)
            for value in (
                p.code,
                p.name,
                p.sector.code,
                p.sector.name,
                " ".join(p.levels),
                p.status,
                p.online_service.level,
                " | ".join(m.processing_time.text for m in p.methods),
                " | ".join(fee.text for m in p.methods for fee in m.fees),
                p.announcement.decision,
                _date(p.announcement.date) or "",
                p.announcement.change_type,
                _date(p.effective_from) or "",
                _date(p.effective_to) or "",
                p.replaced_by,
                p.detail_level,
                _date(p.source.retrieved) or "",
                absolute(p.url),
            )
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")

"""schema.org JSON-LD for the agency and its contact points (GovernmentOrganization,
ContactPoint), so that search engines and assistants can answer "what is the hotline"."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .content import ContactInfo


def tel(number: str) -> str:
    """``0227 3000 111`` → ``+842273000111``; short codes (1022) and +84 numbers stay."""
    digits = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    if digits.startswith("0") and len(digits) >= 9:
        return "+84" + digits[1:]
    return digits


def contact_document(
    contact: ContactInfo, site_url: str, purpose_name: Callable[[str], str]
) -> dict[str, Any]:
    points: list[dict[str, Any]] = [
        {
            "@type": "ContactPoint",
            "contactType": purpose_name(line.purpose),
            "name": line.label,
            "telephone": line.e164,
            "hoursAvailable": line.hours or None,
            "areaServed": "VN",
            "availableLanguage": "vi",
        }
        for line in contact.hotlines
    ]
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization",
        "name": contact.agency_name,
        "url": contact.website or site_url,
        "email": contact.email,
        "telephone": tel(contact.phone),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": contact.address,
            "addressCountry": "VN",
        },
        "contactPoint": points,
    }
    if contact.agency_parent:
        document["parentOrganization"] = {
            "@type": "GovernmentOrganization",
            "name": contact.agency_parent,
        }
    return _prune(document)


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v not in (None, "", [])}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def script_json(document: dict[str, Any]) -> str:
    """JSON safe inside a <script> element: ``<``, ``>`` and ``&`` as \\u escapes."""
    text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

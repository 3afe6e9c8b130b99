"""Filing a visitor's report about a relic sign, for staff to handle."""

from __future__ import annotations

import unicodedata

from qrsvc.database import begin_write
from qrsvc.models import SignReport


def clean_text(text: str | None, limit: int) -> str:
    """NFC text without control characters (newlines kept), at most ``limit`` characters."""
    text = unicodedata.normalize("NFC", text or "")
    kept = "".join(c for c in text if c in "\n\t" or unicodedata.category(c)[0] != "C")
    return kept.strip()[:limit]


def file_sign_report(relic_id: int, kind: str, message: str, contact: str, lang: str) -> int:
    """Store a new report about the sign of relic ``relic_id``; return its id."""
    session = begin_write()
    report = SignReport(
        relic_id=relic_id,
        kind=kind,
        message=clean_text(message, 2000),
        contact=clean_text(contact, 200),
        lang=lang[:8],
    )
    session.add(report)
    session.commit()
    return report.id

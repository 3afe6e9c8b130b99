"""Filing a visitor's report about a relic sign, with an optional photo, for staff to handle.

A photo of the code the visitor found (a sticker over the donation code) is checked
as an upload, re-encoded without its metadata, kept in the media store under a random
key, and its QR codes are compared with the relic's official payment code
(:mod:`qrsvc.payments.stickers`). A code that differs shows at once on the staff's
dashboard as "payment code differs". A photo that is not an image, or holds no code,
never stops the report: the report is filed as a plain one and the visitor told why.

The thanks page says what became of the photo only from a note signed here
(:func:`sign_photo_note`), bound to the relic and valid for an hour: a link someone
made up (``?photo=matches``) must never vouch for a sticker's code.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from qrsvc.database import begin_write
from qrsvc.media import media_store
from qrsvc.media.images import new_key_base
from qrsvc.models import Relic, SignReport
from qrsvc.payments.stickers import (
    DIFFERS,
    MATCHES,
    MAX_PHOTO_BYTES,
    NO_CODE,
    NOT_IMAGE,
    PhotoCheck,
    check_photo,
)

log = logging.getLogger("qrsvc.reports")

#: Characters kept of the codes read from a photo.
CODES_LENGTH = 5000
#: What the thanks page may say of the photo (``?photo=``): a verdict, or not stored.
NOT_KEPT = "not_kept"
PHOTO_NOTES = frozenset({NOT_IMAGE, NO_CODE, MATCHES, DIFFERS, NOT_KEPT})
#: Seconds a signed photo note stays readable on the thanks page.
NOTE_MAX_AGE = 3600
#: Characters of a note token read at most (a real one is about 100).
NOTE_LENGTH = 300
NOTE_SALT = "qrsvc.sign-report-photo-note"
__all__ = [
    "MAX_PHOTO_BYTES",
    "PHOTO_NOTES",
    "FiledReport",
    "clean_text",
    "file_sign_report",
    "read_photo_note",
    "sign_photo_note",
]


def _note_signer() -> URLSafeTimedSerializer:
    """The serializer for photo notes: the app's secret, a salt of its own."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=NOTE_SALT)


def sign_photo_note(relic_code: str, note: str) -> str:
    """A token saying ``note`` of a report just filed on ``relic_code`` (for the thanks URL)."""
    return _note_signer().dumps([relic_code, note])


def read_photo_note(relic_code: str, token: str | None) -> str:
    """The photo note in ``token`` if genuine, fresh and about ``relic_code``; else ``""``.

    Anything forged, expired, malformed, oversized or signed for another relic reads as
    no note, so the page shows the plain thanks and never an error.
    """
    if not token or len(token) > NOTE_LENGTH:
        return ""
    try:
        data = _note_signer().loads(token, max_age=NOTE_MAX_AGE)
    except BadData:
        return ""
    if not isinstance(data, list) or len(data) != 2 or data[0] != relic_code:
        return ""
    return data[1] if data[1] in PHOTO_NOTES else ""


@dataclass(frozen=True)
class FiledReport:
    """The stored report's id and what became of its photo (``""`` without one).

    ``photo`` is a verdict of :mod:`qrsvc.payments.stickers` (``not_image``, ``no_code``,
    ``matches``, ``differs``) or ``not_kept`` when the photo could not be stored.
    """

    id: int
    photo: str = ""


def clean_text(text: str | None, limit: int) -> str:
    """NFC text without control characters (newlines kept), at most ``limit`` characters."""
    text = unicodedata.normalize("NFC", text or "")
    kept = "".join(c for c in text if c in "\n\t" or unicodedata.category(c)[0] != "C")
    return kept.strip()[:limit]


def _store_photo(check: PhotoCheck) -> str:
    """Keep the re-encoded photo; its key, or "" when the store failed (the report stands)."""
    key = f"{new_key_base('report')}/photo.jpg"
    try:
        media_store().save(key, check.jpeg, "image/jpeg")
    except Exception:  # noqa: BLE001 - a full disk must not lose the visitor's report
        log.exception("could not keep a sign report's photo")
        return ""
    return key


def file_sign_report(
    relic: Relic,
    kind: str,
    message: str,
    contact: str,
    lang: str,
    photo: bytes | None = None,
) -> FiledReport:
    """Store a new report about ``relic``'s sign, with its photo checked; say what was kept."""
    check = None
    if photo:
        check = check_photo(relic, photo, current_app.config["PUBLIC_URL"])
    key = _store_photo(check) if check is not None and check.jpeg is not None else ""
    session = begin_write()
    report = SignReport(
        relic_id=relic.id,
        kind=kind,
        message=clean_text(message, 2000),
        contact=clean_text(contact, 200),
        lang=lang[:8],
        photo_key=key,
        photo_codes="\n".join(check.codes)[:CODES_LENGTH] if check else "",
        payment_check=check.verdict if check else "",
    )
    session.add(report)
    session.commit()
    if check is None:
        return FiledReport(report.id)
    if check.verdict == DIFFERS:
        log.warning("sign report %s: a code on relic %s differs from its payment code",
                    report.id, relic.code)  # fmt: skip
    if check.verdict != NOT_IMAGE and not key:
        return FiledReport(report.id, NOT_KEPT)
    return FiledReport(report.id, check.verdict)

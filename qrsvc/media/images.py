"""Storing checked photos: their files in the media store and a :class:`Media` row.

:mod:`qrsvc.media.encoding` checks and re-encodes an upload; this module stores the
master copy and variants under a random key, keeps deduplication inside one owner, and
cleans the texts that go with a photo (alt text, caption, credit, file name).
"""

from __future__ import annotations

import re
import secrets
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from qrsvc.media.encoding import make_image_variants
from qrsvc.media.storage import MediaStore
from qrsvc.models import Media

__all__ = ["new_key_base", "own_copy", "store_image"]

_LANG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?")


def store_image(
    session: Session,
    store: MediaStore,
    data: bytes,
    original_name: str,
    alt: dict[str, str],
    *,
    caption: dict[str, str] | None = None,
    credit: str = "",
    producer_id: int | None = None,
    uploaded_by_id: int | None = None,
) -> Media:
    """Check ``data``, store its master and variants, and add a :class:`Media` row.

    The same photo uploaded again by the same owner (``producer_id``; ``None`` for
    staff) returns the owner's existing row instead of a duplicate; see
    :func:`own_copy` for why this never reaches across owners. The row is flushed,
    not committed: the caller's service owns the transaction. Raises
    :class:`MediaError` before anything is stored.
    """
    encoded = make_image_variants(data)
    existing = own_copy(session, "image", encoded.sha256, producer_id)
    if existing is not None:
        return existing
    base = new_key_base("img")
    master_key = f"{base}/master.{encoded.master.extension}"
    files = [(master_key, encoded.master)] + [
        (f"{base}/w{v.width}.{v.extension}", v) for v in encoded.variants
    ]
    saved: list[str] = []
    try:
        for key, image in files:
            store.save(key, image.data, image.content_type)
            saved.append(key)
    except Exception:
        for key in saved:  # leave no half-stored photo behind
            store.delete(key)
        raise
    media = Media(
        kind="image",
        storage_key=master_key,
        original_name=_clean_name(original_name),
        mime_type=encoded.master.content_type,
        size_bytes=len(encoded.master.data),
        sha256=encoded.sha256,
        width=encoded.master.width,
        height=encoded.master.height,
        variants=[
            {"width": v.width, "height": v.height, "format": v.format, "key": key}
            for key, v in files[1:]
        ],
        alt=_clean_texts(alt),
        caption=_clean_texts(caption or {}),
        credit=_nfc(credit)[:200],
        producer_id=producer_id,
        uploaded_by_id=uploaded_by_id,
    )
    session.add(media)
    session.flush()
    return media


def own_copy(session: Session, kind: str, sha256: str, producer_id: int | None) -> Media | None:
    """The file with these bytes that this owner already has, if any.

    Deduplication stays inside one owner (a producer, or staff): producer B uploading
    the bytes producer A holds gets a row and files of its own, by the very same steps
    as any new upload, so nothing in the answer, its timing or the storage keys tells B
    that A has the file, and deleting A's copy cannot break B's.
    """
    owner = Media.producer_id.is_(None) if producer_id is None else Media.producer_id == producer_id
    stmt = select(Media).where(Media.sha256 == sha256, Media.kind == kind, owner)
    return session.scalars(stmt.order_by(Media.id).limit(1)).first()


def new_key_base(prefix: str) -> str:
    """A fresh storage key prefix such as ``img/3f/3fa4...``: random, never derived from
    the content, so no one can probe the media URLs for a file they hold."""
    token = secrets.token_hex(16)
    return f"{prefix}/{token[:2]}/{token}"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


def _clean_texts(texts: dict[str, str]) -> dict[str, str]:
    """Per-language texts, NFC-normalised, without empty values or odd language tags."""
    return {
        lang: _nfc(value) for lang, value in texts.items() if _LANG.fullmatch(lang) and _nfc(value)
    }


def _clean_name(name: str) -> str:
    base = _nfc(name).replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable())[:255]

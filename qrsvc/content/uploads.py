"""Upload checks: photos go through :mod:`qrsvc.media`, audio is checked here.

The admin's upload, the import of an archive and the demo's narration use them.

The type of a file is read from its first bytes, never from its name or the
browser's claim: a "photo.png" that is really an HTML page must not end up served
from our domain. Audio is stored as uploaded (re-encoding needs tools a small
server may lack), so only well-known containers are accepted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import ImageFile
from sqlalchemy.orm import Session

from qrsvc.content.records import clean_text
from qrsvc.media import MediaError, MediaStore, store_image
from qrsvc.media.images import new_key_base, own_copy
from qrsvc.media.storage import N_
from qrsvc.models import Media

MAX_AUDIO_BYTES = 20 * 1024 * 1024
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


@dataclass(frozen=True)
class UploadTexts:
    """The texts typed with an upload, per language."""

    alt: dict[str, str]
    transcript: dict[str, str]
    credit: str = ""


def audio_type(data: bytes) -> tuple[str, str] | None:
    """``(mime type, extension)`` of a known audio container, from its magic bytes."""
    head = data[:16]
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 == 0xE2):
        return "audio/mpeg", "mp3"  # an ID3 tag, or an MPEG layer III frame header
    if head.startswith(b"OggS"):
        return "audio/ogg", "ogg"
    if head.startswith(b"fLaC"):
        return "audio/flac", "flac"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav", "wav"
    if head[4:8] == b"ftyp" and head[8:11] in (b"M4A", b"mp4", b"iso", b"M4B"):
        return "audio/mp4", "m4a"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "audio/webm", "webm"
    return None


def is_image(data: bytes) -> bool:
    """True when the bytes start like a JPEG, PNG or WebP file."""
    return data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


@contextmanager
def strict_image_decoding() -> Iterator[None]:
    """Refuse truncated images while checking an upload.

    WeasyPrint (the print engine) sets Pillow's process-wide
    ``ImageFile.LOAD_TRUNCATED_IMAGES = True`` when it is imported, after which a
    truncated JPEG would pass as a photo with a grey band. Uploads are checked with
    the strict setting; what was set before is put back for the print engine.
    """
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def store_upload(
    session: Session,
    store: MediaStore,
    data: bytes,
    filename: str,
    texts: UploadTexts,
    *,
    producer_id: int | None,
    user_id: int | None,
) -> Media:
    """Check and store a photo or an audio file; raises ``MediaError`` (nothing stored)."""
    kind = audio_type(data)
    if kind is None or is_image(data):
        # Everything that is not clearly audio is judged as a photo: that check names
        # HTML, SVG and damaged files precisely.
        with strict_image_decoding():
            return store_image(
                session,
                store,
                data,
                filename,
                texts.alt,
                credit=texts.credit,
                producer_id=producer_id,
                uploaded_by_id=user_id,
            )
    if len(data) > MAX_AUDIO_BYTES:
        raise MediaError(
            N_("The audio file is too large (%(size)s MB); the limit is %(limit)s MB."),
            413,
            size=round(len(data) / 1048576, 1),
            limit=MAX_AUDIO_BYTES // 1048576,
        )
    mime, extension = kind
    digest = hashlib.sha256(data).hexdigest()
    existing = own_copy(session, "audio", digest, producer_id)  # never another owner's
    if existing is not None:
        return existing
    key = f"{new_key_base('audio')}.{extension}"
    store.save(key, data, mime)
    media = Media(
        kind="audio",
        storage_key=key,
        original_name=clean_text(filename).replace("/", "_")[-255:],
        mime_type=mime,
        size_bytes=len(data),
        sha256=digest,
        transcript={k: clean_text(v) for k, v in texts.transcript.items() if clean_text(v)},
        alt={k: clean_text(v) for k, v in texts.alt.items() if clean_text(v)},
        credit=clean_text(texts.credit)[:200],
        producer_id=producer_id,
        uploaded_by_id=user_id,
    )
    session.add(media)
    session.flush()
    return media

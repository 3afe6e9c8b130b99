"""A photo reaches the public only with a description in Vietnamese (its alt text).

A blind visitor's screen reader reads the description aloud; Vietnamese is the
source language, so ``alt.vi`` is the one required (``Media.has_alt_text``). The
public pages skip a photo without it, and every admin path that would put one on
a public page refuses, saying why: publishing a relic or product whose gallery has
one (the edit form, a restore, an import), uploading one to a published page, and
erasing the description of a photo a published page shows.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from qrsvc.content.records import clean_text
from qrsvc.content.uploads import audio_type, is_image
from qrsvc.models import Media, Product, Relic, RelicMedia

PUBLISHED = "published"


class AltTextMissingError(Exception):
    """A photo without a Vietnamese description was about to reach a public page."""


def gallery(session: Session, record: Relic | Product) -> list[Media]:
    """The files a relic's or product's public page shows (before the alt text rule)."""
    if isinstance(record, Relic):
        return [link.media for link in record.media]
    ids = [i for i in record.photo_ids or [] if isinstance(i, int) and not isinstance(i, bool)]
    if not ids:
        return []
    return list(session.scalars(select(Media).where(Media.id.in_(ids))))


def missing_message(photos: list[Media]) -> str:
    """Why these photos cannot be shown, in the admin's language."""
    names = ", ".join(f"“{m.original_name or m.id}”" for m in photos[:5])
    return _(
        "A photo on a published page needs a description in Vietnamese (alt text), "
        "which blind visitors hear read aloud. Missing for: %(names)s. Write it in the "
        "photo's texts (Media).",
        names=names,
    )


def check_publishing(
    session: Session, record: Relic | Product, values: dict[str, Any], errors: dict[str, str]
) -> None:
    """Refuse to publish ``record`` while its gallery has a photo without alt text."""
    if values.get("status") != PUBLISHED or record.id is None or record.status == PUBLISHED:
        return  # only the step to published: an old page is not locked by an old photo
    missing = [m for m in gallery(session, record) if not m.has_alt_text]
    if missing:
        errors["status"] = missing_message(missing)


def is_photo_upload(data: bytes) -> bool:
    """True when an upload will be judged as a photo (anything not clearly audio)."""
    return audio_type(data) is None or is_image(data)


def upload_refusal(target: Relic | Product | None, data: bytes, alt_vi: str | None) -> str:
    """Why a photo may not be uploaded to ``target`` with this description ("" if it may)."""
    if target is None or target.status != PUBLISHED or not is_photo_upload(data):
        return ""
    if clean_text(alt_vi):
        return ""
    return _(
        "This page is published: describe the photo in Vietnamese first. Blind visitors "
        "hear the description read aloud; an English one alone is not enough."
    )


def check_attach(target: Relic | Product, media: Media) -> None:
    """Raise :class:`AltTextMissingError` when ``media`` may not join ``target``'s gallery."""
    if target.status == PUBLISHED and not media.has_alt_text:
        raise AltTextMissingError(missing_message([media]))


def shown_on(session: Session, media: Media) -> list[Relic | Product]:
    """The published relics and products whose pages show ``media``."""
    relics = session.scalars(
        select(Relic)
        .join(RelicMedia, RelicMedia.relic_id == Relic.id)
        .where(RelicMedia.media_id == media.id, Relic.status == PUBLISHED)
    )
    products = session.scalars(
        select(Product).where(Product.status == PUBLISHED, Product.photo_ids.is_not(None))
    )
    return [*relics, *(p for p in products if media.id in (p.photo_ids or []))]


def check_media(session: Session, media: Media, values: dict[str, Any]) -> dict[str, str]:
    """A photo a published page shows keeps its Vietnamese description."""
    if media.id is None or media.kind != "image" or clean_text(values.get("alt.vi")):
        return {}
    if not shown_on(session, media):
        return {}
    return {
        "alt.vi": _(
            "A published page shows this photo: it needs a description in Vietnamese "
            "(alt text), which blind visitors hear read aloud."
        )
    }

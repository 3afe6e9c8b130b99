"""The media library's record spec and its services: upload, attach to a gallery, remove.

A producer's files are the producer's own (:func:`qrsvc.content.scope.scoped`); a
photo joins a published page only with its Vietnamese description
(:mod:`qrsvc.content.alt_text`). Each service owns its transaction.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from werkzeug.exceptions import NotFound

from qrsvc.content.alt_text import AltTextMissingError, check_attach, check_media
from qrsvc.content.records import EntitySpec, Field
from qrsvc.content.registry import define
from qrsvc.content.revisions import record_revision
from qrsvc.content.scope import EVERYONE, scoped
from qrsvc.content.search import contains
from qrsvc.content.uploads import UploadTexts, store_upload
from qrsvc.database import begin_write
from qrsvc.media import MediaError, MediaStore
from qrsvc.models import Media, Product, Relic, RelicMedia, User
from qrsvc.models.events import trace_event_evidence

FIELDS = (
    Field("alt", _l("Description for blind readers (alt text)"), i18n=True, max_length=300),
    Field("caption", _l("Caption"), i18n=True, max_length=500),
    Field("transcript", _l("Transcript (audio)"), kind="text", i18n=True, max_length=50_000),
    Field("credit", _l("Credit"), max_length=200),
)

media_spec = define(
    EntitySpec(
        name="media",
        model=Media,
        label=_l("Media file"),
        label_plural=_l("Media"),
        fields=FIELDS,
        roles=EVERYONE,
        create_roles=(),
        list_columns=("kind", "original_name", "width", "height"),
        column_labels={
            "kind": _l("Kind"),
            "original_name": _l("File name"),
            "width": _l("Width (px)"),
            "height": _l("Height (px)"),
        },
        column_enums={"kind": "media_kind"},
        title=lambda m: m.original_name or m.storage_key,
        search=contains(Media.original_name),
        check=check_media,
    )
)


def upload(user: User, store: MediaStore, data: bytes, filename: str, texts: UploadTexts) -> Media:
    """Store one uploaded file for ``user`` in ``store`` (a producer's files are the producer's)."""
    session = begin_write()
    try:
        media = store_upload(
            session,
            store,
            data,
            filename,
            texts,
            producer_id=user.producer_id if user.role == "producer" else None,
            user_id=user.id,
        )
    except MediaError:
        session.rollback()
        raise
    session.commit()
    return media


def attach(user: User, kind: str, record_id: int, media_id: int, remove: bool = False) -> None:
    """Add (or remove) a stored file to a relic's or a product's gallery.

    Raises :class:`AltTextMissingError` (nothing changed) when a photo without a
    Vietnamese description would join a published page.
    """
    session = begin_write()
    model = Relic if kind == "relic" else Product
    found = []
    for target_model, target_id in ((model, record_id), (Media, media_id)):
        stmt = scoped(select(target_model).where(target_model.id == target_id), target_model, user)
        found.append(session.scalar(stmt))
        if found[-1] is None:
            session.rollback()
            raise NotFound()
    if not remove:
        try:
            check_attach(*found)
        except AltTextMissingError:
            session.rollback()
            raise
    if kind == "relic":
        link = session.get(RelicMedia, (record_id, media_id))
        if remove and link is not None:
            session.delete(link)
        elif not remove and link is None:
            last = session.scalar(
                select(func.max(RelicMedia.position)).where(RelicMedia.relic_id == record_id)
            )
            session.add(RelicMedia(relic_id=record_id, media_id=media_id, position=(last or 0) + 1))
    else:
        product = session.get(Product, record_id)
        old = list(product.photo_ids or [])
        ids = [i for i in old if i != media_id]
        product.photo_ids = ids if remove else [*ids, media_id]
        if product.photo_ids != old:
            session.flush()  # bumps the product's version: say why in its history
            change = {"photo_ids": [old, product.photo_ids]}
            record_revision(
                session, "product", product.id, product.version, "media", change, user.id
            )
    session.commit()


def remove(user: User, store: MediaStore, media_id: int) -> None:
    """Delete a stored file the user may see: out of every gallery, then off the disk.

    Each row has files of its own (see :func:`qrsvc.media.images.own_copy`), so
    removing one producer's photo never touches another's copy of the same bytes.
    """
    session = begin_write()
    stmt = scoped(select(Media).where(Media.id == media_id), Media, user)
    media = session.scalar(stmt)
    if media is None:
        session.rollback()
        raise NotFound()
    keys = [media.storage_key, *(v["key"] for v in media.variants or [])]
    before = media_spec.read(media)
    session.execute(delete(RelicMedia).where(RelicMedia.media_id == media_id))
    session.execute(delete(trace_event_evidence).where(trace_event_evidence.c.media_id == media_id))
    for product in session.scalars(select(Product).where(Product.photo_ids.is_not(None))):
        if media_id in (product.photo_ids or []):
            product.photo_ids = [i for i in product.photo_ids if i != media_id]
    changes = {key: [value, None] for key, value in before.items()}
    record_revision(session, "media", media_id, media.version + 1, "delete", changes, user.id)
    session.delete(media)
    session.commit()
    for key in keys:  # after the commit: a failed delete must not lose a file still in use
        store.delete(key)

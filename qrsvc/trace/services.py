"""Reading products and batches for the public: only what is published, loaded in few queries.

A draft product is invisible to the public, and so are its batches; every function
here applies that rule so the resolver, the pages and the JSON API cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qrsvc.extensions import db
from qrsvc.localtime import local_today
from qrsvc.models import Batch, BatchInput, Media, Product, Status, TraceEvent, TraceLink


def today_in_vietnam() -> date:
    """Today's date where the certificates were issued (it decides OCOP badge validity)."""
    return local_today()


def plausible(text: str, max_length: int) -> bool:
    """True when ``text`` could be a stored code: short, printable (no NUL, which
    PostgreSQL refuses outright)."""
    return bool(text) and len(text) <= max_length and text.isprintable()


def published_product_by_gtin(gtin: str) -> Product | None:
    """The published product with this 14-digit GTIN, or None."""
    return db.session.scalar(
        select(Product)
        .where(Product.gtin == gtin, Product.status == Status.PUBLISHED)
        .options(selectinload(Product.producer))
    )


def published_product_by_ref(ref: str) -> Product | None:
    """The published product with this local reference, or None."""
    if not plausible(ref, 40):
        return None
    return db.session.scalar(
        select(Product)
        .where(Product.ref == ref, Product.status == Status.PUBLISHED)
        .options(selectinload(Product.producer))
    )


def batch_of(product: Product, lot: str) -> Batch | None:
    """The batch of ``product`` with this lot number, or None (lots are case-sensitive)."""
    if not plausible(lot, 20):
        return None
    return db.session.scalar(select(Batch).where(Batch.product_id == product.id, Batch.lot == lot))


def published_batch_by_ref(ref: str) -> Batch | None:
    """The batch with this reference if its product is published, or None."""
    if not plausible(ref, 64):
        return None
    return db.session.scalar(
        select(Batch)
        .join(Batch.product)
        .where(Batch.ref == ref, Product.status == Status.PUBLISHED)
        .options(selectinload(Batch.product).selectinload(Product.producer))
    )


def photos_of(product: Product) -> list[Media]:
    """The product's photos in the order staff chose; ids of deleted media are skipped."""
    ids = [i for i in product.photo_ids or [] if isinstance(i, int) and not isinstance(i, bool)]
    if not ids:
        return []
    found = {m.id: m for m in db.session.scalars(select(Media).where(Media.id.in_(ids)))}
    return [found[i] for i in ids if i in found and found[i].kind == "image"]


def first_photos(products: list[Product]) -> dict[int, Media]:
    """The first photo of each product that has one, in one query (for lists)."""
    wanted = {}
    for product in products:
        ids = [i for i in product.photo_ids or [] if isinstance(i, int) and not isinstance(i, bool)]
        if ids:
            wanted[product.id] = ids[0]
    if not wanted:
        return {}
    found = {
        m.id: m
        for m in db.session.scalars(select(Media).where(Media.id.in_(set(wanted.values()))))
        if m.kind == "image" and m.variants and m.has_alt_text
    }
    return {pid: found[mid] for pid, mid in wanted.items() if mid in found}


def links_of(product: Product, batch: Batch | None = None) -> list[TraceLink]:
    """Staff-entered links of the batch (when given) and then of its product."""
    query = select(TraceLink).where(TraceLink.product_id == product.id)
    if batch is None:
        query = query.where(TraceLink.batch_id.is_(None))
    else:
        query = query.where((TraceLink.batch_id.is_(None)) | (TraceLink.batch_id == batch.id))
    rows = db.session.scalars(query.order_by(TraceLink.id)).all()
    # Only web links: a typo'd "javascript:" must never reach a page or a redirect.
    safe = [link for link in rows if link.href.lower().startswith(("https://", "http://"))]
    # Batch-level links first: they are the more specific answer.
    return sorted(safe, key=lambda link: link.batch_id is None)


def published_batches(product: Product) -> list[Batch]:
    """The product's batches, newest first."""
    return list(
        db.session.scalars(
            select(Batch)
            .where(Batch.product_id == product.id)
            .order_by(Batch.production_date.desc().nulls_last(), Batch.id.desc())
        )
    )


@dataclass
class BatchStory:
    """Everything the batch page shows: events, inputs ("one step back") and outputs."""

    events: list[TraceEvent]
    inputs: list[BatchInput]
    outputs: list[Batch]


def batch_story(batch: Batch) -> BatchStory:
    """Load a batch's timeline and its neighbours in the supply chain."""
    events = db.session.scalars(
        select(TraceEvent)
        .where(TraceEvent.batch_id == batch.id)
        .order_by(TraceEvent.event_time, TraceEvent.id)
        .options(selectinload(TraceEvent.evidence))
    ).all()
    inputs = db.session.scalars(
        select(BatchInput)
        .where(BatchInput.batch_id == batch.id)
        .order_by(BatchInput.id)
        .options(selectinload(BatchInput.input_batch).selectinload(Batch.product))
    ).all()
    outputs = db.session.scalars(
        select(Batch)
        .join(BatchInput, BatchInput.batch_id == Batch.id)
        .join(Batch.product)
        .where(BatchInput.input_batch_id == batch.id, Product.status == Status.PUBLISHED)
        .order_by(Batch.production_date, Batch.id)
        .options(selectinload(Batch.product))
    ).all()
    return BatchStory(list(events), list(inputs), list(dict.fromkeys(outputs)))


def is_public(batch: Batch | None) -> bool:
    """True when the batch exists and its product is published (input lots may not be)."""
    return batch is not None and batch.product.status == Status.PUBLISHED

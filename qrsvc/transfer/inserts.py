"""Inserting an archive's checked records: one function per kind, in :data:`STEPS` order.

Each takes the session, the record's checked values (its parts nested) and the new
database ids of the records inserted before it, by kind and key, and returns the new
record's id. Records name each other by codes and references in the archive; here
those become ids. :func:`refresh_search_text` then computes the stored search text of
every relic, producer and product as a save through the admin would, rather than
trusting the file with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session, selectinload

from qrsvc.models import (
    Area,
    AreaOrigin,
    Batch,
    BatchInput,
    Festival,
    Media,
    PaymentAccount,
    Producer,
    Product,
    RelatedRelic,
    Relic,
    RelicMedia,
    RelicSlug,
    RelicTranslation,
    RetailListing,
    SignTampering,
    Site,
    Stele,
    TraceEvent,
    TraceLink,
)
from qrsvc.models.events import trace_event_evidence
from qrsvc.models.searching import producer_search_text, product_search_text, relic_search_text

Ids = dict[str, dict[Any, int]]


def insert_row(session: Session, model, values: dict[str, Any]) -> int:
    """Insert the columns of ``model`` found in ``values``; the new row's id."""
    columns = {c.key for c in model.__table__.columns}
    row = {k: v for k, v in values.items() if k in columns}
    return session.execute(insert(model.__table__).values(**row)).inserted_primary_key[0]


def insert_area(session: Session, values: dict, ids: Ids) -> int:
    """An area and its origins."""
    area_id = insert_row(session, Area, values)
    for origin in values["origins"]:
        insert_row(session, AreaOrigin, origin | {"area_id": area_id})
    return area_id


def insert_producer(session: Session, values: dict, ids: Ids) -> int:
    """A producer in its area."""
    return insert_row(session, Producer, values | {"area_id": ids["areas"].get(values["area"])})


def insert_media(session: Session, values: dict, ids: Ids) -> int:
    """A media record and the producer that owns it."""
    owner = ids["producers"].get(values["producer"])
    return insert_row(session, Media, values | {"producer_id": owner})


def insert_site(session: Session, values: dict, ids: Ids) -> int:
    """The site settings, in place of any the fresh instance was given before."""
    session.execute(delete(Site.__table__))
    logo = ids["media"].get(values["logo"])
    return insert_row(session, Site, values | {"id": 1, "logo_id": logo})


def insert_relic(session: Session, values: dict, ids: Ids) -> int:
    """A relic in its area, with its translations, festivals, steles, pictures, old slugs."""
    relic_id = insert_row(session, Relic, values | {"area_id": ids["areas"].get(values["area"])})
    parts = ((RelicTranslation, "translations"), (Festival, "festivals"), (Stele, "steles"))
    for model, name in parts:
        for part in values[name]:
            insert_row(session, model, part | {"relic_id": relic_id})
    for picture in values["media"]:
        row = {"relic_id": relic_id, "media_id": ids["media"][picture["media"]]}
        insert_row(session, RelicMedia, row | {"position": picture["position"]})
    for slug in values["old_slugs"]:
        insert_row(session, RelicSlug, {"slug": slug, "relic_id": relic_id})
    return relic_id


def insert_related(session: Session, values: dict, ids: Ids) -> None:
    """A relic's related relics (once every relic has its id)."""
    for code in values["related"]:
        pair = {"relic_id": ids["relics"][values["code"]], "related_id": ids["relics"][code]}
        insert_row(session, RelatedRelic, pair)


def insert_product(session: Session, values: dict, ids: Ids) -> int:
    """A product with its photos in order and its resolver links."""
    photo_ids = [ids["media"][key] for key in values["photos"]]
    product_id = insert_row(
        session,
        Product,
        values | {"producer_id": ids["producers"][values["producer"]], "photo_ids": photo_ids},
    )
    for link in values["links"]:
        insert_row(session, TraceLink, link | {"product_id": product_id, "batch_id": None})
    return product_id


def insert_batch(session: Session, values: dict, ids: Ids) -> int:
    """A batch with its resolver links and trace events (and their evidence)."""
    product_id = ids["products"][values["product"]]
    batch_id = insert_row(session, Batch, values | {"product_id": product_id})
    for link in values["links"]:
        insert_row(session, TraceLink, link | {"product_id": product_id, "batch_id": batch_id})
    for event in values["events"]:
        event_id = insert_row(session, TraceEvent, event | {"batch_id": batch_id})
        for key in event["evidence"]:
            row = {"event_id": event_id, "media_id": ids["media"][key]}
            session.execute(insert(trace_event_evidence).values(**row))
    return batch_id


def insert_inputs(session: Session, values: dict, ids: Ids) -> None:
    """A batch's input lots (once every batch has its id)."""
    batch_id = ids["batches"][values["ref"]]
    for made_from in values["inputs"]:
        input_id = ids["batches"].get(made_from["input_batch"])
        row = made_from | {"batch_id": batch_id, "input_batch_id": input_id}
        insert_row(session, BatchInput, row)


def insert_account(session: Session, values: dict, ids: Ids) -> int:
    """A payment account of its relic or producer."""
    owner = {
        "relic_id": ids["relics"].get(values["relic"]),
        "producer_id": ids["producers"].get(values["producer"]),
    }
    return insert_row(session, PaymentAccount, values | owner)


def insert_listing(session: Session, values: dict, ids: Ids) -> int:
    """A shop of its producer."""
    owner = ids["producers"][values["producer"]]
    return insert_row(session, RetailListing, values | {"producer_id": owner})


def insert_tampering(session: Session, values: dict, ids: Ids) -> int:
    """A marking of its relic's sign."""
    return insert_row(session, SignTampering, values | {"relic_id": ids["relics"][values["relic"]]})


#: Per kind, in the order of :data:`qrsvc.transfer.snapshot.KINDS`, how it is inserted.
STEPS: dict[str, Callable[[Session, dict, Ids], Any]] = {
    "areas": insert_area,
    "producers": insert_producer,
    "media": insert_media,
    "site": insert_site,
    "relics": insert_relic,
    "products": insert_product,
    "batches": insert_batch,
    "payment_accounts": insert_account,
    "retail_listings": insert_listing,
    "sign_tamperings": insert_tampering,
}


def refresh_search_text(session: Session) -> None:
    """Store the search text of every relic, producer and product, computed from them.

    Written with plain UPDATEs that keep ``updated_at``, so neither the version nor the
    time of the last change moves: the restored records stay as the archive gave them.
    """
    relics = select(Relic).options(selectinload(Relic.translations))
    for model, query, text in (
        (Relic, relics, relic_search_text),
        (Producer, select(Producer), producer_search_text),
        (Product, select(Product), product_search_text),
    ):
        table = model.__table__
        for record in session.scalars(query):
            where = table.c.id == record.id
            kept = table.c.updated_at  # set to itself: no "onupdate" time
            session.execute(
                update(table).where(where).values(search_text=text(record), updated_at=kept)
            )
    for loaded in list(session.identity_map.values()):  # read only for this: let them go
        if isinstance(loaded, Relic | RelicTranslation | Producer | Product):
            session.expunge(loaded)

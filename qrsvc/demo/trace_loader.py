"""Loading the traceability half of the demo: producers, products, batches and events.

Called by :func:`qrsvc.demo.loader.load_demo` inside its transaction; each function
skips records whose stable key (ref, GLN, GTIN, lot) is already taken.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qrsvc.demo import content
from qrsvc.demo.common import nfc_deep, with_note
from qrsvc.demo.photos import store_photo
from qrsvc.demo.result import DemoResult
from qrsvc.media.storage import MediaStore
from qrsvc.models import Batch, BatchInput, Media, Producer, Product, TraceEvent, TraceLink

__all__ = ["load_batches", "load_producers", "load_products"]

PRODUCER_FIELDS = (
    "ref", "name", "kind", "commune", "commune_old", "address", "phone", "email", "website",
    "gln", "tax_code", "latitude", "longitude",
)  # fmt: skip
PRODUCT_FIELDS = (
    "ref", "gtin", "category", "name", "ingredients", "storage", "shelf_life_days",
    "net_content", "ocop_stars", "ocop_cert_no", "ocop_cert_date", "ocop_cert_expiry",
)  # fmt: skip
BATCH_FIELDS = (
    "ref", "lot", "production_date", "expiry_date", "quantity", "unit", "origin_area",
    "status", "recall_reason", "recalled_at",
)  # fmt: skip
EVENT_FIELDS = (
    "event_type", "action", "biz_step", "disposition", "event_time", "read_point", "biz_location",
    "place", "description", "quantity", "unit", "parent_id", "recorded_by_name",
)  # fmt: skip


def load_producers(session: Session, result: DemoResult) -> dict[str, Producer]:
    """Create the missing demo producers; return every demo producer by ref."""
    refs = [spec["ref"] for spec in content.PRODUCERS]
    existing = {p.ref: p for p in session.scalars(select(Producer).where(Producer.ref.in_(refs)))}
    glns = set(session.scalars(select(Producer.gln).where(Producer.gln.is_not(None))))
    for spec in map(nfc_deep, content.PRODUCERS):
        if spec["ref"] in existing or (spec.get("gln") and spec["gln"] in glns):
            continue
        producer = Producer(**{k: spec[k] for k in PRODUCER_FIELDS if k in spec})
        producer.description = with_note(spec["description"])
        session.add(producer)
        existing[producer.ref] = producer
        result.add("producers", producer.ref)
    session.flush()
    return existing


def load_products(
    session: Session, store: MediaStore, producers: dict[str, Producer], result: DemoResult
) -> None:
    """Create the missing demo products with their photos and resolver links."""
    refs = set(session.scalars(select(Product.ref)))
    gtins = set(session.scalars(select(Product.gtin).where(Product.gtin.is_not(None))))
    for spec in map(nfc_deep, content.PRODUCTS):
        producer = producers.get(spec["producer"])
        if spec["ref"] in refs or spec.get("gtin") in gtins or producer is None:
            continue
        product = Product(**{k: spec[k] for k in PRODUCT_FIELDS if k in spec})
        session.add(product)  # before the photo queries autoflush it
        product.producer = producer
        product.description = with_note(spec["description"])
        product.status = "published"
        product.photo_ids = [store_photo(session, store, p, producer.id).id for p in spec["photos"]]
        session.flush()  # TraceLink has only the column, not a relationship
        for link in spec["links"]:
            session.add(TraceLink(product_id=product.id, **link))
            result.add("links", f"{product.ref} {link['link_type']} {link['lang']}")
        result.add("products", product.ref)
    session.flush()


def load_batches(session: Session, result: DemoResult) -> None:
    """Create the missing demo batches with their input links, events and links.

    Batches are created in content order, inputs before the batches made from them,
    so an input can always be found by its ref.
    """
    products = {p.ref: p for p in session.scalars(select(Product))}
    batches = {b.ref: b for b in session.scalars(select(Batch))}
    lots = {(b.product_id, b.lot) for b in batches.values()}
    for spec in map(nfc_deep, content.BATCHES):
        product = products.get(spec["product"])
        if spec["ref"] in batches or product is None or (product.id, spec["lot"]) in lots:
            continue
        batch = Batch(**{k: spec[k] for k in BATCH_FIELDS if k in spec}, product=product)
        session.add(batch)
        for item in spec["inputs"]:
            source = batches.get(item.get("batch", ""))
            if "batch" in item and source is None:
                continue  # the input lot was deleted from this database; don't invent it
            batch.inputs.append(
                BatchInput(
                    input_batch=source,
                    external_ref=item.get("external_ref", ""),
                    quantity=item["quantity"],
                    unit=item["unit"],
                )
            )
        evidence = session.get(Media, product.photo_ids[0]) if product.photo_ids else None
        for number, item in enumerate(spec["events"], 1):
            event = TraceEvent(**{k: item[k] for k in EVENT_FIELDS})
            if item["evidence"] and evidence is not None:
                event.evidence = [evidence]
            batch.events.append(event)
            result.add("events", f"{spec['ref']}#{number}")
        session.flush()
        for link in spec.get("links", []):
            session.add(TraceLink(product_id=product.id, batch_id=batch.id, **link))
            result.add("links", f"{batch.ref} {link['link_type']} {link['lang']}")
        batches[batch.ref] = batch
        lots.add((product.id, batch.lot))
        result.add("batches", batch.ref)
    session.flush()

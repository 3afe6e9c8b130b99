"""EPCIS 2.0 documents of a batch or a product, built from the stored trace events.

Lots are identified by class-level Digital Link URIs on the public base URL
(``/01/<gtin>/10/<lot>``, or ``/p/<ref>/10/<lot>`` for a product without a GTIN),
each with its quantity, which is how EPCIS describes goods that are not serialised.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qrsvc.epcis import EPCISExportError, EventRecord, Quantity, epcis_document
from qrsvc.epcis.units import unit_code
from qrsvc.epcis.vocab import is_uri
from qrsvc.extensions import db
from qrsvc.localtime import OFFSET
from qrsvc.models import Batch, BatchInput, Product, TraceEvent
from qrsvc.trace.identifiers import batch_uri


def batch_document(batch: Batch, public_url: str) -> dict[str, Any]:
    """The EPCIS document of one batch's events, oldest first."""
    return _document(_events(TraceEvent.batch_id == batch.id), public_url)


def product_document(product: Product, public_url: str) -> dict[str, Any]:
    """The EPCIS document of the events of every batch of ``product``, oldest first."""
    ids = select(Batch.id).where(Batch.product_id == product.id)
    return _document(_events(TraceEvent.batch_id.in_(ids)), public_url)


def _events(condition) -> list[TraceEvent]:
    return list(
        db.session.scalars(
            select(TraceEvent)
            .where(condition)
            .order_by(TraceEvent.event_time, TraceEvent.id)
            .options(
                selectinload(TraceEvent.evidence),
                selectinload(TraceEvent.batch).selectinload(Batch.product),
                selectinload(TraceEvent.batch)
                .selectinload(Batch.inputs)
                .selectinload(BatchInput.input_batch)
                .selectinload(Batch.product),
            )
        )
    )


def _document(events: list[TraceEvent], public_url: str) -> dict[str, Any]:
    records = []
    for event in events:
        try:
            records.append(event_record(event, public_url))
        except EPCISExportError as exc:
            # Name the event so staff can find and fix it in the admin.
            raise EPCISExportError(f"event {event.event_uri} cannot be exported: {exc}") from exc
    return epcis_document(records, datetime.now(UTC))


def lot_quantity(batch: Batch, amount: float | None, unit: str, public_url: str) -> Quantity:
    """A lot with its amount: in a Rec. 20 unit, or a count when no unit is given.

    A unit without a Rec. 20 code (text typed before units were chosen from a list)
    raises EPCISExportError: leaving the amount out would say something else.
    """
    uri = batch_uri(batch, public_url)
    if not amount or amount <= 0:
        return Quantity(uri)
    code = unit_code(unit)
    if unit and code is None:
        raise EPCISExportError(
            f"unit {unit[:40]!r} of lot {batch.lot} has no UN/ECE Rec. 20 code; "
            "choose the unit from the list in the admin"
        )
    return Quantity(uri, amount, code)


def event_record(event: TraceEvent, public_url: str) -> EventRecord:
    """Map one stored event to an :class:`EventRecord` (raises EPCISExportError if it cannot)."""
    batch = event.batch
    this_lot = lot_quantity(batch, event.quantity, event.unit, public_url)
    fields: dict[str, Any] = {}
    if event.event_type == "ObjectEvent":
        fields = {"action": event.action, "quantities": [this_lot]}
    elif event.event_type == "AggregationEvent":
        parent = event.parent_id if is_uri(event.parent_id) else None
        fields = {"action": event.action, "parent_id": parent, "child_quantities": [this_lot]}
    else:
        inputs = [
            lot_quantity(i.input_batch, i.quantity, i.unit, public_url)
            for i in batch.inputs
            if i.input_batch is not None
        ]
        fields = {"input_quantities": inputs, "output_quantities": [this_lot]}
        if not inputs:
            # Inputs known only as free text: the transformation id still ties the event.
            fields["transformation_id"] = event.event_uri
    return EventRecord(
        event_type=event.event_type,
        event_time=event.event_time,
        tz_offset=event.tz_offset or OFFSET,
        biz_step=event.biz_step or None,
        disposition=event.disposition or None,
        read_point=event.read_point if is_uri(event.read_point) else None,
        biz_location=event.biz_location if is_uri(event.biz_location) else None,
        event_id=event.event_uri if is_uri(event.event_uri) else None,
        record_time=event.created_at,
        recorded_by=(event.recorded_by_name or "").strip() or None,
        evidence=[f"{public_url}/media/{quote(m.storage_key)}" for m in event.evidence],
        note=(event.description or {}).get("vi", "").strip() or None,
        **fields,
    )

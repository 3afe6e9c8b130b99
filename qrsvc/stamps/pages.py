"""What the stamp page shows: one service call per request, plain data out.

The page is built from a snapshot (:class:`StampPage`, plain data) read with one Core
statement in the transaction that counts the scan: this is the hot path of the
service, and committing the count must not send the template back to the database.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, func, literal_column, select, true
from sqlalchemy.orm import Session

from qrsvc.models import (
    Batch,
    Producer,
    Product,
    StampRun,
    StampRunChange,
    StampState,
    utcnow,
)
from qrsvc.stamps import scans
from qrsvc.stamps.codes import serial_label
from qrsvc.stamps.pin import PinResult, confirm_pin

# The buyer's view of a stamp; the HTTP status says the same to machines.
STATUS_CODES = {"active": 200, "not_activated": 200, "voided": 410, "recalled": 410, "unknown": 404}


@dataclass
class ProductFacts:
    """The product and batch summary printed on the stamp page."""

    name: dict[str, Any]
    ref: str
    gtin: str | None
    ocop_stars: int | None
    ocop_valid_until: date | None
    producer_name: str
    producer_commune: str
    producer_phone: str
    lot: str
    production_date: date | None
    expiry_date: date | None
    batch_path: str | None
    recall_reason: dict[str, Any]


@dataclass
class StampPage:
    """One stamp as the page shows it; ``state`` is active, not_activated, voided,
    recalled or unknown."""

    state: str
    serial: int | None = None
    label: str = ""
    run_id: int | None = None
    with_pin: bool = False
    product: ProductFacts | None = None
    changed_at: datetime | None = None  # when activated or voided
    change_note: str = ""
    scans: scans.ScanResult | None = None
    pin: PinResult | None = None
    location_flagged: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def status_code(self) -> int:
        """200 for a genuine stamp, 410 voided or recalled, 404 unknown."""
        return STATUS_CODES[self.state]


def stamp_page(session: Session, serial: int, *, client: str, count: bool = True) -> StampPage:
    """Look up ``serial`` and, when ``count`` is set, count this scan of it (committed)."""
    now = utcnow()
    if not count:
        found = _snapshot(session, serial, now)
        session.rollback()
        if found is None:
            return StampPage("unknown")
        page, _, before, _ = found
        page.scans = before if before.scan_count else None
        return page
    with scans.write_turn(session) as session:
        found = _snapshot(session, serial, now)
        if found is None:
            session.rollback()
            return StampPage("unknown")
        page, run_id, before, pattern = found
        alert = {"voided": "voided", "not_activated": "not_activated"}.get(page.state, "")
        # A stamp already flagged as copied stays flagged: no need to look again.
        copied = not before.copied and scans.looks_copied(pattern, client)
        page.scans = scans.record_scan(
            session, serial, run_id, client=client, now=now, copied=copied, alert=alert
        )
    return page


def pin_page(session: Session, serial: int, key: bytes, pin: str) -> StampPage | None:
    """Try the scratch-off ``pin``; None when this stamp has no PIN to confirm."""
    found = _snapshot(session, serial, utcnow())
    if found is None or not found[0].with_pin:
        session.rollback()
        return None
    page, run_id, before, _ = found
    page.scans = before if before.scan_count else None
    if page.state == "active":
        page.pin = confirm_pin(session, serial, run_id, key, pin)
    session.rollback()
    return page


def location_page(
    session: Session, serial: int, *, client: str, latitude: float, longitude: float
) -> StampPage:
    """Record a location the buyer chose to share, then show the page without counting."""
    page = stamp_page(session, serial, client=client, count=False)
    if page.state != "unknown":
        page.location_flagged = scans.share_location(
            session, serial, client=client, latitude=latitude, longitude=longitude
        )
    return page


_run, _batch, _product, _producer, _state, _change = (
    model.__table__ for model in (StampRun, Batch, Product, Producer, StampState, StampRunChange)
)
_covering = _change.alias("covering")
_pattern = scans.scan_pattern()
# One statement for everything the page shows and the copied-code check needs (it used
# to take three), built once so SQLAlchemy compiles it once. The run is the one with the
# greatest first serial not above ours (the unique index on first_serial finds it); the
# stamp's own state row is joined when it exists; so is the last activation or voiding
# that covers the serial, which decides its state; the scans of the last week come as
# one row (an aggregate without GROUP BY always gives one).
_LAST_CHANGE = (
    select(func.max(_covering.c.id))
    .where(
        _covering.c.run_id == _run.c.id,
        # Literal values, not an expanding parameter SQLAlchemy rewrites on every execution.
        _covering.c.action.in_([literal_column("'activate'"), literal_column("'void'")]),
        _covering.c.first_serial <= bindparam("serial"),
        _covering.c.last_serial >= bindparam("serial"),
    )
    .correlate(_run)
    .scalar_subquery()
)
_FACTS = (
    select(
        _run.c.id,
        _run.c.first_serial,
        _run.c.count,
        _run.c.with_pin,
        _batch.c.lot,
        _batch.c.status.label("batch_status"),
        _batch.c.production_date,
        _batch.c.expiry_date,
        _batch.c.recall_reason,
        _product.c.name,
        _product.c.ref,
        _product.c.gtin,
        _product.c.ocop_stars,
        _product.c.ocop_cert_expiry,
        _producer.c.name.label("producer_name"),
        _producer.c.commune,
        _producer.c.phone,
        _state.c.scan_count,
        _state.c.first_scan_at,
        _state.c.pin_confirmed_at,
        _state.c.alert_reason,
        _change.c.action.label("change_action"),
        _change.c.at.label("change_at"),
        _change.c.note.label("change_note"),
        *_pattern.c,
    )
    .select_from(
        _run.join(_batch, _batch.c.id == _run.c.batch_id)
        .join(_product, _product.c.id == _batch.c.product_id)
        .join(_producer, _producer.c.id == _product.c.producer_id)
        .outerjoin(_state, _state.c.serial == bindparam("serial"))
        .outerjoin(_change, _change.c.id == _LAST_CHANGE)
        .join(_pattern, true())
    )
    .where(_run.c.first_serial <= bindparam("serial"))
    .order_by(_run.c.first_serial.desc())
    .limit(1)
)


def _snapshot(session: Session, serial: int, now: datetime):
    """The page of ``serial`` before this scan, its run id, its scans so far and the
    row of :func:`scans.scan_pattern` at ``now``; None when no run holds the serial."""
    row = (
        session.connection()
        .execute(_FACTS, {"serial": serial, **scans.pattern_window(now)})
        .first()
    )
    if row is None or serial >= row.first_serial + row.count:
        return None
    if row.batch_status == "recalled":
        shown = "recalled"
    elif row.change_action is not None:
        shown = "active" if row.change_action == "activate" else "voided"
    else:
        shown = "not_activated"
    facts = ProductFacts(
        name=row.name or {},
        ref=row.ref,
        gtin=row.gtin,
        ocop_stars=row.ocop_stars,
        ocop_valid_until=row.ocop_cert_expiry,
        producer_name=row.producer_name,
        producer_commune=row.commune,
        producer_phone=row.phone,
        lot=row.lot,
        production_date=row.production_date,
        expiry_date=row.expiry_date,
        batch_path=_batch_path(row.gtin, row.ref, row.lot),
        recall_reason=row.recall_reason or {},
    )
    page = StampPage(
        shown,
        serial=serial,
        label=serial_label(serial),
        run_id=row.id,
        with_pin=row.with_pin,
        product=facts,
        changed_at=row.change_at,
        change_note=row.change_note or "",
    )
    before = scans.ScanResult(
        row.scan_count or 0,
        row.first_scan_at,
        row.pin_confirmed_at,
        (row.alert_reason or "") in scans.COPY_REASONS,
    )
    return page, row.id, before, row


@functools.lru_cache(maxsize=1024)
def _batch_path(gtin: str | None, product_ref: str, lot: str) -> str | None:
    """The batch page's path, built by the traceability area (one place builds codes)."""
    try:
        from qrsvc.trace.identifiers import batch_path
    except ImportError:  # the traceability pages are not there yet: no link
        return None
    record = SimpleNamespace(lot=lot, product=SimpleNamespace(gtin=gtin, ref=product_ref))
    try:
        return batch_path(record)
    except ValueError:  # a malformed GTIN or lot in the record: show the page without a link
        return None


def batch_has_stamps(session: Session, batch_id: int) -> bool:
    """True when ``batch_id`` has stamp runs, so its item URIs must carry signed serials."""
    found = session.scalar(select(StampRun.id).where(StampRun.batch_id == batch_id).limit(1))
    return found is not None

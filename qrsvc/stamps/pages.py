"""What the stamp page shows: one service call per request, plain data out.

The page (:class:`StampPage`, plain data) is built from the run's facts, which each
process keeps between scans (:mod:`qrsvc.stamps.facts`), and the stamp's own counts,
read and written in the one transaction that counts the scan: this is the hot path
of the service, and committing the count must not send the template back to the
database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from qrsvc.models import (
    StampRun,
    StampState,
    utcnow,
)
from qrsvc.stamps import facts, scans
from qrsvc.stamps.codes import serial_label
from qrsvc.stamps.facts import ProductFacts
from qrsvc.stamps.pin import PinResult, confirm_pin

# The buyer's view of a stamp; the HTTP status says the same to machines.
STATUS_CODES = {"active": 200, "not_activated": 200, "voided": 410, "recalled": 410, "unknown": 404}


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
    page = _page_of(session, serial)
    if page is None:
        session.rollback()
        return StampPage("unknown")
    if not count:
        before = _counts_of(session, serial)
        session.rollback()
        page.scans = before if before.scan_count else None
        return page
    alert = {"voided": "voided", "not_activated": "not_activated"}.get(page.state, "")
    with scans.write_turn(session) as connection:
        page.scans = scans.record_scan(
            connection, serial, page.run_id, client=client, now=utcnow(), alert=alert
        )
    return page


def pin_page(session: Session, serial: int, key: bytes, pin: str) -> StampPage | None:
    """Try the scratch-off ``pin``; None when this stamp has no PIN to confirm."""
    page = _page_of(session, serial)
    if page is None or not page.with_pin:
        session.rollback()
        return None
    before = _counts_of(session, serial)
    page.scans = before if before.scan_count else None
    if page.state == "active":
        page.pin = confirm_pin(session, serial, page.run_id, key, pin)
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


def _page_of(session: Session, serial: int) -> StampPage | None:
    """The page of ``serial`` before its counts are added; None when no run holds it."""
    run = facts.run_of(session, serial)
    if run is None:
        return None
    change = run.last_change(serial)
    if run.recalled:
        shown = "recalled"
    elif change is not None:
        shown = "active" if change.action == "activate" else "voided"
    else:
        shown = "not_activated"
    return StampPage(
        shown,
        serial=serial,
        label=serial_label(serial),
        run_id=run.id,
        with_pin=run.with_pin,
        product=run.product,
        changed_at=change.at if change else None,
        change_note=change.note if change else "",
    )


def _counts_of(session: Session, serial: int) -> scans.ScanResult:
    row = session.connection().execute(_COUNTS, {"serial": serial}).first()
    if row is None:
        return scans.ScanResult(0, None, None, False)
    return scans.ScanResult(
        row.scan_count,
        row.first_scan_at,
        row.pin_confirmed_at,
        (row.alert_reason or "") in scans.COPY_REASONS,
    )


_state = StampState.__table__
_COUNTS = select(
    _state.c.scan_count, _state.c.first_scan_at, _state.c.pin_confirmed_at, _state.c.alert_reason
).where(_state.c.serial == bindparam("serial"))


def batch_has_stamps(session: Session, batch_id: int) -> bool:
    """True when ``batch_id`` has stamp runs, so its item URIs must carry signed serials."""
    found = session.scalar(select(StampRun.id).where(StampRun.batch_id == batch_id).limit(1))
    return found is not None

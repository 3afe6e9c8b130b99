"""What the stamp page shows: one service call per request, plain data out.

The page (:class:`StampPage`, plain data) is built from the run's facts, which each
process keeps between scans (:mod:`qrsvc.stamps.facts`), and the stamp's own counts,
read and written in the one transaction that counts the scan: this is the hot path
of the service, and committing the count must not send the template back to the
database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from qrsvc.models import (
    StampRun,
    StampState,
    utcnow,
)
from qrsvc.stamps import counting, facts, locations
from qrsvc.stamps.codes import serial_label
from qrsvc.stamps.facts import ProductFacts
from qrsvc.stamps.pin import PinResult, confirm_pin
from qrsvc.stamps.states import serial_state

# The buyer's view of a stamp; the HTTP status says the same to machines.
STATUS_CODES = {
    "active": 200,
    "not_activated": 200,
    "voided": 410,
    "recalled": 410,
    "unknown": 404,
    "preview": 200,  # a request that is not a scan: no verdict, so nothing told by the status
}


@dataclass
class StampPage:
    """One stamp as the page shows it; ``state`` is active, not_activated, voided,
    recalled, unknown, or preview (a link preview, crawler, prefetch or HEAD: shown no
    verdict, since it is not counted)."""

    state: str
    serial: int | None = None
    label: str = ""
    run_id: int | None = None
    with_pin: bool = False
    product: ProductFacts | None = None
    changed_at: datetime | None = None  # when activated or voided
    change_note: str = ""
    scans: counting.ScanResult | None = None
    evidence: locations.CopyEvidence | None = None  # read only when the page warns of a copy
    pin: PinResult | None = None
    location: locations.SharedLocation | None = None  # after the buyer shared one
    problems: list[str] = field(default_factory=list)

    @property
    def status_code(self) -> int:
        """200 for a genuine stamp, 410 voided or recalled, 404 unknown."""
        return STATUS_CODES[self.state]

    @property
    def copied(self) -> bool:
        """The stamp's scans, or the locations shared with them, look like a copied code."""
        located = self.location is not None and self.location.far_apart
        return self.scans is not None and (self.scans.copied or located)

    @property
    def verdict(self) -> str:
        """The page's headline, which every detail on it agrees with: the state, except for
        an active stamp: ``confirmed`` (this buyer's PIN just confirmed the purchase, so the
        item in their hands is the original), ``copied`` or ``genuine``."""
        if self.state != "active":
            return self.state
        if self.pin is not None and self.pin.outcome == "confirmed":
            return "confirmed"
        return "copied" if self.copied else "genuine"


def stamp_page(
    session: Session,
    serial: int,
    *,
    client: str,
    count: bool = True,
    review_window: timedelta = counting.REVIEW_WINDOW,
) -> StampPage:
    """Look up ``serial`` and, when ``count`` is set, count this scan of it (committed).

    A second look by the same client within ``review_window`` of its counted scan is
    shown, not counted (see :func:`qrsvc.stamps.counting.record_scan`).
    """
    page = _page_of(session, serial)
    if page is None:
        session.rollback()
        return StampPage("unknown")
    if not count:
        before = _counts_of(session, serial)
        page.scans = before if before.scan_count else None
        _add_evidence(session, page)
        return page
    alert = {"voided": "voided", "not_activated": "not_activated"}.get(page.state, "")
    with counting.write_turn(session) as connection:
        page.scans = counting.record_scan(
            connection,
            serial,
            page.run_id,
            client=client,
            now=utcnow(),
            alert=alert,
            review_window=review_window,
        )
    _add_evidence(session, page)
    return page


def _add_evidence(session: Session, page: StampPage) -> None:
    """Read what a copy warning rests on, when the page gives one; end the read."""
    if page.copied and page.verdict != "confirmed":
        page.evidence = locations.copy_evidence(session, page.serial, page.scans.scan_count)
    session.rollback()


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
    _add_evidence(session, page)
    return page


def location_page(
    session: Session, serial: int, *, client: str, latitude: float, longitude: float
) -> StampPage:
    """Record a location the buyer chose to share, then show the page without counting,
    saying whether the location was received."""
    page = _page_of(session, serial)
    if page is None:
        session.rollback()
        return StampPage("unknown")
    session.rollback()  # share_location opens its own write
    page.location = locations.share_location(
        session, serial, client=client, latitude=latitude, longitude=longitude
    )
    before = _counts_of(session, serial)
    page.scans = before if before.scan_count else None
    _add_evidence(session, page)
    return page


def _page_of(session: Session, serial: int) -> StampPage | None:
    """The page of ``serial`` before its counts are added; None when no run holds it."""
    run = facts.run_of(session, serial)
    if run is None:
        return None
    # For a buyer, a stamp no activation or voiding touched is simply not activated yet.
    state, change = serial_state(serial, run.changes, base="not_activated")
    shown = "recalled" if run.recalled else state
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


def _counts_of(session: Session, serial: int) -> counting.ScanResult:
    row = session.connection().execute(_COUNTS, {"serial": serial}).first()
    if row is None:
        return counting.ScanResult(0, None, None, False)
    return counting.ScanResult(
        row.scan_count,
        row.first_scan_at,
        row.pin_confirmed_at,
        (row.alert_reason or "") in counting.COPY_REASONS,
    )


_state = StampState.__table__
_COUNTS = select(
    _state.c.scan_count, _state.c.first_scan_at, _state.c.pin_confirmed_at, _state.c.alert_reason
).where(_state.c.serial == bindparam("serial"))


def batch_has_stamps(session: Session, batch_id: int) -> bool:
    """True when ``batch_id`` has stamp runs, so its item URIs must carry signed serials."""
    found = session.scalar(select(StampRun.id).where(StampRun.batch_id == batch_id).limit(1))
    return found is not None

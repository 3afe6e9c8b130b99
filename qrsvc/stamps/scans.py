"""Scans of stamps: exact counts, copied-code patterns, shared locations.

Counting happens on the request path and is exact: one ``INSERT ... ON CONFLICT DO
UPDATE SET scan_count = scan_count + 1`` per scan, so concurrent scans from several
server processes never lose an increment. A :class:`StampScan` row per scan keeps the
pattern (when, which client, where if shared) that tells a copied code from a buyer
checking twice.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, case, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from qrsvc.database import begin_write
from qrsvc.models import StampScan, StampState, utcnow
from qrsvc.stamps.sql import writer_turn

# A copied code shows up as many scans from different phones. One buyer checking the
# same stamp again and again is not a warning, so the thresholds count scans only when
# they come from at least two clients.
COPIED_DAY_SCANS = 3
COPIED_WEEK_SCANS = 10
#: Two located scans farther apart than this, faster than anyone travels: a copy.
FAR_APART_KM = 50
MAX_TRAVEL_KMH = 100
#: A shared location is attached to the client's scan of the last hour.
LOCATION_WINDOW = timedelta(hours=1)

#: Reasons, most serious first; a stamp keeps its most serious one.
COPY_REASONS = ("far_apart", "copied")
REASONS = (*COPY_REASONS, "voided", "not_activated")


@dataclass(frozen=True)
class ScanResult:
    """What the stamp page tells the buyer about the scans of one stamp."""

    scan_count: int
    first_scan_at: datetime | None
    pin_confirmed_at: datetime | None
    copied: bool  # the pattern looks like a copied code


def client_hash(secret: str, address: str | None, user_agent: str | None) -> str:
    """A salted, keyed hash of the client (address + browser): never the raw IP."""
    message = f"{address or ''}\n{(user_agent or '')[:300]}".encode()
    return hmac.new(secret.encode(), b"stamp scan client\n" + message, hashlib.sha256).hexdigest()[
        :32
    ]


def record_scan(
    session: Session,
    serial: int,
    run_id: int,
    *,
    client: str,
    alert: str = "",
    check_pattern: bool = True,
) -> ScanResult:
    """Count one scan of ``serial`` (in run ``run_id``) and return the counts, committed.

    ``alert`` is a reason to flag the stamp for staff whatever the pattern says (a scan
    of a voided or not yet activated stamp). ``check_pattern=False`` skips the copied-code
    check when the caller knows it cannot match (too few scans so far, already flagged).
    """
    now = utcnow()
    # The pattern is read before taking the write lock, so the lock is held for two short
    # statements only: that is what lets several server processes count in turn quickly.
    # Two scans at the same instant may each miss the other here; the next scan sees both.
    copied = check_pattern and _looks_copied(session, serial, now, client)
    with writer_turn(session):
        return _count(session, serial, run_id, client, now, copied, alert)


def _count(
    session: Session, serial: int, run_id: int, client: str, now: datetime, copied: bool, alert: str
) -> ScanResult:
    session = begin_write(session)
    connection = session.connection()
    values = {"serial": serial, "run_id": run_id, "now": now}
    count, first_at, confirmed_at, reason = connection.execute(
        _count_statement(connection.dialect.name), values
    ).one()
    connection.execute(_INSERT_SCAN, {"serial": serial, "at": now, "client_hash": client})
    if copied and reason not in COPY_REASONS:
        reason = _flag(session, serial, "copied", reason)
    elif alert and not reason:
        reason = _flag(session, serial, alert, reason)
    session.commit()
    return ScanResult(count, first_at, confirmed_at, reason in COPY_REASONS)


@functools.cache
def _count_statement(dialect: str):
    """``INSERT ... ON CONFLICT DO UPDATE SET scan_count = scan_count + 1 RETURNING ...``.

    Built once per database kind, with bound parameters: building the statement anew
    for every scan cost more than running it.
    """
    table = StampState.__table__
    now = bindparam("now", type_=table.c.last_scan_at.type)
    insert_for = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert_for(table)
        .values(
            serial=bindparam("serial"),
            run_id=bindparam("run_id"),
            scan_count=1,
            first_scan_at=now,
            last_scan_at=now,
            pin_failures=0,
            suspicious=False,
            alert_reason="",
        )
        .on_conflict_do_update(
            index_elements=[table.c.serial],
            set_={"scan_count": table.c.scan_count + 1, "last_scan_at": now},
        )
        .returning(
            table.c.scan_count,
            table.c.first_scan_at,
            table.c.pin_confirmed_at,
            table.c.alert_reason,
        )
    )


_INSERT_SCAN = insert(StampScan.__table__)


def _pattern_statement():
    at = StampScan.__table__.c.at
    in_day = at >= bindparam("day", type_=at.type)
    day_client = case((in_day, StampScan.client_hash))
    # "At least two clients" is "the least and greatest client hash differ", which needs
    # no DISTINCT (no sort) and lets this scan's client be counted in for free.
    return select(
        func.count(case((in_day, 1))),
        func.min(day_client),
        func.max(day_client),
        func.count(),
        func.min(StampScan.client_hash),
        func.max(StampScan.client_hash),
    ).where(StampScan.serial == bindparam("serial"), at >= bindparam("week", type_=at.type))


_PATTERN = _pattern_statement()


def _looks_copied(session: Session, serial: int, now: datetime, client: str) -> bool:
    """Would the scans of the last day and week, with this one, look like a copied code?"""
    window = {"serial": serial, "day": now - timedelta(days=1), "week": now - timedelta(days=7)}
    day_scans, day_low, day_high, week_scans, week_low, week_high = (
        session.connection().execute(_PATTERN, window).one()
    )
    day_clients = {client, day_low, day_high} - {None}
    week_clients = {client, week_low, week_high} - {None}
    return (day_scans + 1 >= COPIED_DAY_SCANS and len(day_clients) >= 2) or (
        week_scans + 1 >= COPIED_WEEK_SCANS and len(week_clients) >= 2
    )


def _flag(session: Session, serial: int, reason: str, current: str) -> str:
    if current and REASONS.index(current) <= REASONS.index(reason):
        return current
    session.execute(
        update(StampState)
        .where(StampState.serial == serial)
        .values(suspicious=True, alert_reason=reason)
    )
    return reason


def share_location(
    session: Session, serial: int, *, client: str, latitude: float, longitude: float
) -> bool:
    """Attach a location the buyer chose to share to their latest scan; True if flagged.

    Returns True when this location is too far from another one for the same item to
    have travelled between them: the code has been copied.
    """
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError("latitude must be within ±90 and longitude within ±180")
    now = utcnow()
    session = begin_write(session)
    scan = session.scalar(
        select(StampScan)
        .where(
            StampScan.serial == serial,
            StampScan.client_hash == client,
            StampScan.at >= now - LOCATION_WINDOW,
        )
        .order_by(StampScan.id.desc())
        .limit(1)
    )
    if scan is None:
        session.rollback()
        return False
    scan.latitude, scan.longitude = round(latitude, 3), round(longitude, 3)  # ~100 m is enough
    others = session.execute(
        select(StampScan.at, StampScan.latitude, StampScan.longitude).where(
            StampScan.serial == serial,
            StampScan.id != scan.id,
            StampScan.latitude.is_not(None),
            StampScan.at >= now - timedelta(days=7),
        )
    ).all()
    far = any(_too_far(scan.at, scan.latitude, scan.longitude, *other) for other in others)
    if far:
        current = session.scalar(select(StampState.alert_reason).where(StampState.serial == serial))
        _flag(session, serial, "far_apart", current or "")
    session.commit()
    return far


def _too_far(at: datetime, lat: float, lon: float, o_at: datetime, o_lat, o_lon) -> bool:
    km = distance_km(lat, lon, o_lat, o_lon)
    hours = max(abs((at - o_at).total_seconds()) / 3600, 1 / 60)
    return km > FAR_APART_KM and km / hours > MAX_TRAVEL_KMH


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in kilometres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def prune_scans(session: Session, *, older_than_days: int) -> int:
    """Delete scan rows older than ``older_than_days`` days; return how many went.

    Counts, first-scan times and alerts stay in :class:`StampState`; only the per-scan
    detail (when, which client hash, where) goes, which is what privacy asks for and
    what keeps the table small on one modest server.
    """
    if older_than_days < 7:
        raise ValueError("keep at least 7 days of scans: the copied-code check reads them")
    session = begin_write(session)
    gone = session.execute(
        delete(StampScan).where(StampScan.at < utcnow() - timedelta(days=older_than_days))
    ).rowcount
    session.commit()
    return gone

"""Locations buyers share with their scans, and the numbers behind a copy warning.

    shared = share_location(session, serial, client=client, latitude=19.9, longitude=105.4)
    evidence = copy_evidence(session, serial, scan_count)  # scans, phones, places

A shared location is attached to the client's own recent scan of the stamp; two of them
farther apart than anyone travels in the time between flag the stamp as copied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qrsvc.database import begin_write
from qrsvc.models import StampScan, StampState, utcnow
from qrsvc.stamps import counting

#: Two located scans farther apart than this, faster than anyone travels: a copy.
FAR_APART_KM = 50
MAX_TRAVEL_KMH = 100
#: A shared location is attached to the client's scan of the last hour.
LOCATION_WINDOW = timedelta(hours=1)
#: Places counted as evidence: enough to make the point, bounded for a much-copied code.
_EVIDENCE_PLACES = 500


@dataclass(frozen=True)
class CopyEvidence:
    """What a copied-code warning rests on, in numbers a buyer can weigh."""

    scans: int  # checks of the stamp (its exact count)
    phones: int  # different clients among the kept scans
    places: int  # shared locations more than FAR_APART_KM from one another


@dataclass(frozen=True)
class SharedLocation:
    """What became of a location a buyer shared."""

    received: bool  # attached to this client's scan of the last hour
    far_apart: bool  # too far from another shared location: the stamp is flagged


def share_location(
    session: Session, serial: int, *, client: str, latitude: float, longitude: float
) -> SharedLocation:
    """Attach a location the buyer chose to share to their latest scan.

    Not received when this client has no scan of the stamp in the last hour (nothing
    to attach it to). Far apart when this location is too far from another one for the
    same item to have travelled between them: the code has been copied.
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
        return SharedLocation(received=False, far_apart=False)
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
        counting.flag(session, serial, "far_apart", current or "")
    session.commit()
    return SharedLocation(received=True, far_apart=far)


def copy_evidence(session: Session, serial: int, scan_count: int) -> CopyEvidence:
    """The numbers behind a copied-code warning for ``serial`` (checked ``scan_count`` times).

    Read only for a stamp whose page warns, so the scans of a genuine one cost nothing
    more. Phones are the different clients among the kept scan rows; places are shared
    locations more than :data:`FAR_APART_KM` from every other one counted (each new place
    is that far from all those before it, so the number is never overstated).
    """
    rows = StampScan.__table__.c
    phones = session.execute(
        select(func.count(func.distinct(rows.client_hash))).where(rows.serial == serial)
    ).scalar_one()
    located = session.execute(
        select(rows.latitude, rows.longitude)
        .where(rows.serial == serial, rows.latitude.is_not(None))
        .distinct()
        .limit(_EVIDENCE_PLACES)
    ).all()
    places: list[tuple[float, float]] = []
    for lat, lon in located:
        if all(distance_km(lat, lon, *place) > FAR_APART_KM for place in places):
            places.append((lat, lon))
    return CopyEvidence(scans=scan_count, phones=phones, places=len(places))


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

"""Reading published relics: the list with its filters, one relic, related and nearby."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from qrsvc.extensions import db
from qrsvc.models import Rank, RelatedRelic, Relic, RelicSlug, Status

#: Relic codes as printed: short, letters and digits (matched case-insensitively).
CODE_PATTERN = re.compile(r"[A-Za-z0-9]{1,12}")
#: How far "nearby" reaches: a short ride on a motorbike.
NEARBY_KM = 25.0
EARTH_RADIUS_KM = 6371.0088
#: What a visitor reads when a filter or page value is not one of the choices.
FILTER_MESSAGES = {
    "area": _l("Unknown area: choose one of the areas in the list."),
    "district": _l("Unknown former district: choose one of the districts in the list."),
    "rank": _l("Unknown rank: choose one of the ranks in the list."),
    "category": _l("Unknown category: choose one of the categories in the list."),
    "stars": _l("OCOP stars must be 3, 4 or 5."),
    "page": _l("The page number must be a whole number from 1."),
}


def filter_message(param: str) -> str:
    """The visitor's words for a refused ``param`` (a :class:`~qrsvc.areas.filters.FilterError`)."""
    return str(FILTER_MESSAGES.get(param, FILTER_MESSAGES["page"]))


def normalise_code(code: str) -> str | None:
    """The stored form of a relic code (upper case), or None when it cannot be one."""
    return code.upper() if CODE_PATTERN.fullmatch(code or "") else None


def clean_filter(text: str | None, limit: int = 120) -> str:
    """A filter value safe to query with: printable characters only, at most ``limit``.

    PostgreSQL refuses a NUL character in a string outright; nothing a visitor may
    legitimately type needs control characters.
    """
    return "".join(c for c in (text or "")[:limit] if c.isprintable())


def _published():
    return (
        select(Relic)
        .where(Relic.status == Status.PUBLISHED)
        .options(selectinload(Relic.translations))
    )


def published_relics(rank: str | None = None, commune: str | None = None) -> Sequence[Relic]:
    """Published relics, highest rank first, optionally of one rank or in one commune."""
    query = _published()
    if rank:
        query = query.where(Relic.rank == rank)
    if commune:
        query = query.where(Relic.commune == commune)
    relics = db.session.scalars(query.order_by(Relic.code)).all()
    order = {r.value: i for i, r in enumerate(Rank)}
    return sorted(relics, key=lambda relic: (order.get(relic.rank, 9), relic.code))


def find_relic(code: str) -> Relic | None:
    """The published relic printed with ``code`` (any case), with everything its page shows."""
    normalised = normalise_code(code)
    if normalised is None:
        return None
    query = (
        _published()
        .where(Relic.code == normalised)
        .options(
            selectinload(Relic.festivals), selectinload(Relic.steles), selectinload(Relic.media)
        )
    )
    return db.session.scalar(query)


def code_for_slug(slug: str) -> str | None:
    """The code of the published relic with ``slug``, current or former, for redirects."""
    slug = clean_filter(slug).lower()
    code = db.session.scalar(select(Relic.code).where(Relic.slug == slug, _is_published()))
    if code is None:
        code = db.session.scalar(
            select(Relic.code)
            .join(RelicSlug, RelicSlug.relic_id == Relic.id)
            .where(RelicSlug.slug == slug, _is_published())
        )
    return code


def _is_published():
    return Relic.status == Status.PUBLISHED


def related_relics(relic: Relic) -> list[Relic]:
    """The published relics staff linked to ``relic``."""
    query = (
        _published()
        .join(RelatedRelic, RelatedRelic.related_id == Relic.id)
        .where(RelatedRelic.relic_id == relic.id)
        .order_by(Relic.code)
    )
    return list(db.session.scalars(query))


def nearby_relics(
    relic: Relic, exclude: Sequence[Relic] = (), limit: int = 3
) -> list[tuple[Relic, float]]:
    """Up to ``limit`` other published relics within :data:`NEARBY_KM`, nearest first."""
    if relic.latitude is None or relic.longitude is None:
        return []
    skip = {relic.id, *(r.id for r in exclude)}
    # A district has tens of relics, a province hundreds: distances in Python are cheap
    # and work the same on SQLite and PostgreSQL (no PostGIS needed).
    query = _published().where(Relic.latitude.is_not(None), Relic.longitude.is_not(None))
    found = []
    for other in db.session.scalars(query):
        if other.id in skip:
            continue
        km = haversine_km(relic.latitude, relic.longitude, other.latitude, other.longitude)
        if km <= NEARBY_KM:
            found.append((other, km))
    return sorted(found, key=lambda pair: pair[1])[:limit]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def published_count() -> int:
    """How many relics are published (the home page says so)."""
    return db.session.scalar(select(func.count()).select_from(Relic).where(_is_published()))

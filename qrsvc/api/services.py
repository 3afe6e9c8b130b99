"""Read-only queries of the API that the trace area does not already provide (relics)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from qrsvc.extensions import db
from qrsvc.models import Relic, Status
from qrsvc.trace.services import plausible


def relic_page(offset: int, limit: int) -> tuple[list[Relic], int]:
    """Published relics ordered by code, and how many there are."""
    published = Relic.status == Status.PUBLISHED
    total = db.session.scalar(select(func.count()).select_from(Relic).where(published)) or 0
    rows = db.session.scalars(
        select(Relic)
        .where(published)
        .order_by(Relic.code)
        .offset(offset)
        .limit(limit)
        .options(selectinload(Relic.translations))
    ).all()
    return list(rows), total


def published_relic(code: str) -> Relic | None:
    """The published relic with this code (case-insensitive, as signs are), or None."""
    if not plausible(code, 12):
        return None
    return db.session.scalar(
        select(Relic).where(Relic.code == code.upper(), Relic.status == Status.PUBLISHED)
    )

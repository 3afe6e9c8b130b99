"""Read-only queries of the API that the trace area does not already provide (relics)."""

from __future__ import annotations

from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.models import Relic, Status
from qrsvc.trace.services import plausible


def published_relic(code: str) -> Relic | None:
    """The published relic with this code (case-insensitive, as signs are), or None."""
    if not plausible(code, 12):
        return None
    return db.session.scalar(
        select(Relic).where(Relic.code == code.upper(), Relic.status == Status.PUBLISHED)
    )

"""The scratch-off PIN: the first right entry confirms a purchase, once.

Wrong entries count against the stamp (:attr:`StampState.pin_failures`); after
:data:`PIN_MAX_FAILURES` the form locks for :data:`PIN_LOCK`, and each later wrong PIN
locks it again. The lock expires, so a stranger who guesses on purpose cannot lock the
real buyer out for good, yet gets one guess a day at most: eight digits stay unguessable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from qrsvc.database import begin_write
from qrsvc.models import StampState, utcnow
from qrsvc.stamps.codes import check_pin
from qrsvc.stamps.sql import upsert

PIN_MAX_FAILURES = 10
PIN_LOCK = timedelta(hours=24)


@dataclass(frozen=True)
class PinResult:
    """The outcome of a PIN entry: confirmed, already_confirmed, wrong or locked."""

    outcome: str
    confirmed_at: datetime | None = None
    attempts_left: int = 0
    locked_until: datetime | None = None


def confirm_pin(session: Session, serial: int, run_id: int, key: bytes, pin: str) -> PinResult:
    """Check the scratch-off ``pin`` of ``serial``; the first right one confirms the purchase.

    A confirmed stamp answers ``already_confirmed`` with the time, whatever is typed, so
    a buyer holding a copy learns that the original was sold before. Wrong PINs count
    against the stamp; after :data:`PIN_MAX_FAILURES` the form locks for a day.
    """
    now = utcnow()
    session = begin_write(session)
    table = StampState.__table__
    session.execute(
        upsert(session, table)
        .values(
            serial=serial,
            run_id=run_id,
            scan_count=0,
            pin_failures=0,
            suspicious=False,
            alert_reason="",
        )
        .on_conflict_do_nothing()
    )
    state = session.scalar(select(StampState).where(StampState.serial == serial).with_for_update())
    if state.pin_confirmed_at is not None:
        session.rollback()
        return PinResult("already_confirmed", confirmed_at=state.pin_confirmed_at)
    if state.pin_failures >= PIN_MAX_FAILURES and state.pin_failed_at + PIN_LOCK > now:
        session.rollback()
        return PinResult("locked", locked_until=state.pin_failed_at + PIN_LOCK)
    if check_pin(key, serial, pin):
        state.pin_confirmed_at = now
        session.commit()
        return PinResult("confirmed", confirmed_at=now)
    state.pin_failures += 1
    state.pin_failed_at = now
    failures = state.pin_failures
    session.commit()
    if failures >= PIN_MAX_FAILURES:
        return PinResult("locked", locked_until=now + PIN_LOCK)
    return PinResult("wrong", attempts_left=PIN_MAX_FAILURES - failures)

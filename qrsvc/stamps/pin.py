"""The scratch-off PIN: the first right entry confirms a purchase, once.

Wrong entries count against the stamp (:attr:`StampState.pin_failures`); every
:data:`PIN_MAX_FAILURES`-th wrong PIN locks the form for :data:`PIN_LOCK`. The lock
ends a fixed time after it began, whatever is posted meanwhile: during it no PIN is
checked or counted, so nothing can move its end (the lock began at the last counted
wrong PIN, :attr:`StampState.pin_failed_at`). Afterwards the form takes PINs again,
and another lock needs as many wrong PINs as the first: a stranger cannot keep the
buyer holding the scratched PIN out with one guess a day, and gets at most
:data:`PIN_MAX_FAILURES` guesses a day: eight digits stay unguessable.
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
    against the stamp; every :data:`PIN_MAX_FAILURES`-th locks the form for a day, and
    while it is locked nothing is checked or counted.
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
    locked_until = lock_end(state.pin_failures, state.pin_failed_at)
    if locked_until is not None and locked_until > now:
        session.rollback()
        return PinResult("locked", locked_until=locked_until)
    if check_pin(key, serial, pin):
        state.pin_confirmed_at = now
        session.commit()
        return PinResult("confirmed", confirmed_at=now)
    state.pin_failures += 1
    state.pin_failed_at = now
    failures = state.pin_failures
    session.commit()
    left = PIN_MAX_FAILURES - failures % PIN_MAX_FAILURES
    if left == PIN_MAX_FAILURES:
        return PinResult("locked", locked_until=now + PIN_LOCK)
    return PinResult("wrong", attempts_left=left)


def lock_end(failures: int, last_failed_at: datetime | None) -> datetime | None:
    """When the lock that ``failures`` wrong PINs began ends (it may be over); None: no lock.

    A lock begins at every :data:`PIN_MAX_FAILURES`-th wrong PIN, and no PIN is counted
    while it lasts, so the last counted wrong PIN is when it began.
    """
    if failures == 0 or failures % PIN_MAX_FAILURES or last_failed_at is None:
        return None
    return last_failed_at + PIN_LOCK

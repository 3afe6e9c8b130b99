"""Stamp runs: allocation of serial ranges, and their life: printed, activated, voided.

A run is one row however many stamps it has; what happened to which part of it is the
list of its :class:`StampRunChange` rows, and the state of one serial is the last
activate/void change covering it (the rule is :func:`qrsvc.stamps.states.serial_state`).
Every function here that changes data owns its transaction (``begin_write()`` first,
commit at the end).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from qrsvc.database import begin_write
from qrsvc.localtime import format_date
from qrsvc.models import (
    Batch,
    Product,
    SerialCounter,
    StampRun,
    StampRunChange,
    User,
    utcnow,
)
from qrsvc.stamps.codes import make_token, serial_label, stamp_pin, stamp_url
from qrsvc.stamps.sql import upsert
from qrsvc.stamps.states import (
    ACTIVE,
    ALLOCATED,
    FAILED,
    PRINTED,
    VOIDED,
    Segment,
    base_state,
    segments,
)

__all__ = [
    "ACTIVE", "ALLOCATED", "FAILED", "PRINTED", "VOIDED", "PrintedStamp", "Segment",
    "StampRunError", "activate", "allocate_run", "get_run", "item_path", "mark_failed",
    "mark_printed", "run_of_serial", "run_segments", "run_stamps", "serial_label", "void",
]  # fmt: skip

#: The one global sequence every run takes its range from.
COUNTER = "stamp"
#: A run larger than this is a typing mistake (100,000 is a big cooperative's year).
MAX_RUN = 1_000_000


class StampRunError(ValueError):
    """A change to a run that cannot be made; the message tells the operator why."""


class PrintedStamp(NamedTuple):
    """One stamp as the print engine lays it out."""

    label: str  # the serial printed under the code
    url: str  # what the QR code encodes
    pin: str | None  # the scratch-off PIN, when the run has them


def allocate_run(
    session: Session,
    batch: Batch,
    count: int,
    *,
    format_name: str = "",
    with_pin: bool = False,
    user: User | None = None,
) -> StampRun:
    """Allocate ``count`` consecutive new serials to ``batch`` as a new run, committed.

    The counter moves with one ``UPDATE ... RETURNING`` under the write lock, so runs
    allocated at the same moment by several processes never overlap and no serial is
    skipped or lost.
    """
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_RUN:
        raise StampRunError(f"a run has between 1 and {MAX_RUN:,} stamps, not {count!r}")
    batch_id, user_id = batch.id, (user.id if user is not None else None)
    session = begin_write(session)
    status = session.scalar(select(Batch.status).where(Batch.id == batch_id))
    if status is None:
        session.rollback()
        raise StampRunError(f"batch {batch_id} does not exist")
    if status == "recalled":
        session.rollback()
        raise StampRunError("this batch was recalled: no new stamps can be issued for it")
    first = _take_serials(session, count)
    run = StampRun(
        batch_id=batch_id,
        first_serial=first,
        count=count,
        status=ALLOCATED,
        format_name=format_name[:60],
        with_pin=with_pin,
        created_by_id=user_id,
    )
    session.add(run)
    session.flush()
    last = first + count - 1
    session.add(
        StampRunChange(
            run_id=run.id, action="allocate", first_serial=first, last_serial=last, user_id=user_id
        )
    )
    session.commit()
    return run


def _take_serials(session: Session, count: int) -> int:
    table = SerialCounter.__table__
    # The first run ever creates the counter; ON CONFLICT makes a racing creator harmless.
    session.execute(
        upsert(session, table).values(name=COUNTER, next_value=1).on_conflict_do_nothing()
    )
    moved = (
        update(table)
        .where(table.c.name == COUNTER)
        .values(next_value=table.c.next_value + count)
        .returning(table.c.next_value)
    )
    return session.execute(moved).scalar_one() - count


def run_stamps(
    run: StampRun, public_url: str, key: bytes, *, start: int = 0
) -> Iterator[PrintedStamp]:
    """Yield every stamp of ``run`` in serial order, from position ``start`` (0-based).

    Plain computation, no database: the print engine streams 100,000 of these with flat
    memory, and a retried job resumes at the first stamp it had not written.
    """
    for serial in range(run.first_serial + start, run.first_serial + run.count):
        pin = stamp_pin(key, serial) if run.with_pin else None
        yield PrintedStamp(serial_label(serial), stamp_url(public_url, key, serial), pin)


def item_path(gtin: str, lot: str, key: bytes, serial: int) -> str:
    """The GS1 Digital Link item path of a stamp: ``/01/<gtin>/10/<lot>/21/<token>``."""
    from qrsvc.gs1 import build_path

    return build_path(gtin, lot=lot, serial=make_token(key, serial))


def get_run(session: Session, run_id: int) -> StampRun | None:
    """The run with its batch, product and producer loaded, or None."""
    return session.scalar(
        select(StampRun)
        .where(StampRun.id == run_id)
        .options(joinedload(StampRun.batch).joinedload(Batch.product).joinedload(Product.producer))
    )


def run_of_serial(session: Session, serial: int) -> StampRun | None:
    """The run that holds ``serial`` (with batch, product, producer), or None."""
    run = session.scalar(
        select(StampRun)
        .where(StampRun.first_serial <= serial)
        .order_by(StampRun.first_serial.desc())
        .limit(1)
        .options(joinedload(StampRun.batch).joinedload(Batch.product).joinedload(Product.producer))
    )
    return run if run is not None and serial <= run.last_serial else None


def run_segments(run: StampRun) -> list[Segment]:
    """The run cut into stretches of one state each, in serial order (the admin's and
    ``qrsvc stamps show``'s view of a run; each stretch's state is :func:`serial_state`'s)."""
    base = base_state(run.status, run.changes)
    return segments(run.first_serial, run.last_serial, run.changes, base=base)


def mark_printed(session: Session, run_id: int, *, user: User | None = None) -> StampRun:
    """Record that ``run_id`` was printed (the print engine or a print shop did it)."""
    session = begin_write(session)
    run = _locked_run(session, run_id)
    if run.status in (ALLOCATED, FAILED):
        run.status = PRINTED
    _record(session, run, "print", run.first_serial, run.last_serial, user, "")
    session.commit()
    return run


def mark_failed(session: Session, run_id: int, note: str = "") -> StampRun:
    """Record that printing ``run_id`` failed; its serials stay allotted to it for a retry."""
    session = begin_write(session)
    run = _locked_run(session, run_id)
    if run.status == ALLOCATED:
        run.status = FAILED
    _record(session, run, "fail", run.first_serial, run.last_serial, None, note)
    session.commit()
    return run


def activate(
    session: Session,
    run_id: int,
    first: int | None = None,
    last: int | None = None,
    *,
    user: User | None = None,
    note: str = "",
) -> StampRunChange:
    """Activate a run, or the serials ``first``..``last`` of it, once applied to goods.

    Refused (:class:`StampRunError`, nothing changed) when any of those serials was
    voided: a voided stamp may be in a thief's pocket, so it never becomes valid again.
    """
    session = begin_write(session)
    run = _locked_run(session, run_id)
    first, last = _range(session, run, first, last)
    if run.status == FAILED:
        session.rollback()
        raise StampRunError(f"printing of run {run_id} failed: print it again before activating")
    for part in run_segments(run):
        if part.state == VOIDED and part.first <= last and part.last >= first:
            session.rollback()
            lo, hi = max(part.first, first), min(part.last, last)
            when = format_date(part.change.at) if part.change else "?"
            raise StampRunError(
                f"serials {serial_label(lo)}-{serial_label(hi)} of run {run_id} were voided on "
                f"{when}; a voided stamp can never be activated again (print a new run instead)"
            )
    change = _record(session, run, "activate", first, last, user, note)
    run.status = ACTIVE
    session.commit()
    return change


def void(
    session: Session,
    run_id: int,
    first: int | None = None,
    last: int | None = None,
    *,
    user: User | None = None,
    note: str = "",
) -> StampRunChange:
    """Void a run or the serials ``first``..``last`` of it (lost, stolen, misprinted): 410."""
    session = begin_write(session)
    run = _locked_run(session, run_id)
    first, last = _range(session, run, first, last)
    parts = [p for p in run_segments(run) if p.first <= last and p.last >= first]
    if all(p.state == VOIDED for p in parts):
        session.rollback()
        raise StampRunError(f"serials {serial_label(first)}-{serial_label(last)} are already void")
    change = _record(session, run, "void", first, last, user, note)
    if all(p.state == VOIDED for p in run_segments(run)):
        run.status = VOIDED
    session.commit()
    return change


def _locked_run(session: Session, run_id: int) -> StampRun:
    # FOR UPDATE: two officers changing one run at once apply their changes in turn.
    run = session.scalar(select(StampRun).where(StampRun.id == run_id).with_for_update())
    if run is None:
        session.rollback()
        raise StampRunError(f"there is no stamp run {run_id}")
    return run


def _range(session: Session, run: StampRun, first: int | None, last: int | None) -> tuple[int, int]:
    first = run.first_serial if first is None else first
    last = run.last_serial if last is None else last
    if not run.first_serial <= first <= last <= run.last_serial:
        session.rollback()
        raise StampRunError(
            f"run {run.id} holds serials {serial_label(run.first_serial)}-"
            f"{serial_label(run.last_serial)}; {first}-{last} is not a range inside it"
        )
    return first, last


def _record(
    session: Session,
    run: StampRun,
    action: str,
    first: int,
    last: int,
    user: User | None,
    note: str,
) -> StampRunChange:
    change = StampRunChange(
        run_id=run.id,
        action=action,
        first_serial=first,
        last_serial=last,
        user_id=user.id if user is not None else None,
        note=note[:300],
        at=utcnow(),
    )
    session.add(change)
    run.changes.append(change)
    return change

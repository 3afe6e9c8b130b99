"""Scans of stamps: exact counts and copied-code patterns (shared locations:
:mod:`qrsvc.stamps.locations`).

Counting happens on the request path and is exact: one ``INSERT ... ON CONFLICT DO
UPDATE SET scan_count = scan_count + 1`` per scan, so concurrent scans from several
server processes never lose an increment. A :class:`StampScan` row per scan keeps the
pattern (when, which client, where if shared) that tells a copied code from a buyer
checking twice.

Every page that shows a stamp's verdict goes through :func:`record_scan`, whatever its
URL says: a printed copy can carry any URL. What tells a buyer's second look (reading
the page in another language, reloading it) from another check is what no printed code
can carry: the same client as the stamp's last counted scan, within
:data:`REVIEW_WINDOW` of it. That look is shown, not counted; a copy scanned by other
phones always is.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, case, delete, distinct, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, scoped_session

from qrsvc.database import begin_write
from qrsvc.models import StampScan, StampState, utcnow
from qrsvc.stamps.sql import writer_turn

# A copied code shows up as many scans from different phones. One buyer checking the
# same stamp again and again is not a warning, and neither is a sale: the seller shows
# the page, the buyer checks it at the stall and again at home (two phones). So the
# thresholds count scans only when they come from at least three clients.
COPIED_DAY_SCANS = 3
COPIED_WEEK_SCANS = 10
COPIED_CLIENTS = 3
#: How much of a client hash the stamp keeps of its last scan (StampState.last_client):
#: enough to tell two phones apart, too little to follow one.
CLIENT_TAG = 8
#: The same client looking at the stamp again this soon after its counted scan is
#: re-reading the page, not checking another package (app setting STAMP_REVIEW_SECONDS).
REVIEW_WINDOW = timedelta(minutes=5)

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
    counted: bool = True  # False: the same client's second look, shown but not counted


def client_hash(secret: str, address: str | None, user_agent: str | None) -> str:
    """A salted, keyed hash of the client (address + browser): never the raw IP."""
    message = f"{address or ''}\n{(user_agent or '')[:300]}".encode()
    return hmac.new(secret.encode(), b"stamp scan client\n" + message, hashlib.sha256).hexdigest()[
        :32
    ]


@contextlib.contextmanager
def write_turn(session: Session | scoped_session) -> Iterator[Connection]:
    """The write transaction of one scan: this process's turn, then ``BEGIN IMMEDIATE``.

    A Core connection of its own, committed when the block ends: the scan's few
    statements need none of the ORM session's bookkeeping, which cost as much as
    running them. The stamp's counts are read and written in this one transaction;
    on SQLite, under the lock, the copied-code check also sees every earlier scan of
    the stamp. A read the session has open (the run's facts) is ended first.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.in_transaction():
        session.rollback()
    with (
        writer_turn(session),
        session.get_bind().connect() as connection,
        connection.execution_options(sqlite_immediate=True).begin(),
    ):
        yield connection


def record_scan(
    connection: Connection,
    serial: int,
    run_id: int,
    *,
    client: str,
    now: datetime,
    alert: str = "",
    review_window: timedelta = REVIEW_WINDOW,
) -> ScanResult:
    """Count one scan of ``serial`` (in run ``run_id``) by ``client``; return the counts.

    Runs in the transaction :func:`write_turn` opened, which commits it. It reads the
    scans of the last week only when the copied-code check could find something: once
    the count can reach a threshold and more than one client has scanned the stamp.
    The first scans of a stamp, and one buyer checking again, need no more than the
    count. ``alert`` is a reason to flag the stamp for staff whatever the
    pattern says (a scan of a voided or not yet activated stamp).

    When ``client`` made the stamp's last counted scan less than ``review_window`` ago,
    this is that buyer's second look: the same statement leaves the count alone, and
    no scan row is written (:attr:`ScanResult.counted` is False).
    """
    values = {
        "serial": serial,
        "run_id": run_id,
        "now": now,
        "tag": client[:CLIENT_TAG],
        # No window, no second looks (NULL compares as unknown): not even a scan whose
        # time was taken just before another of the same client's wrote a later one.
        "review_since": now - review_window if review_window > timedelta(0) else None,
    }
    count, first_at, confirmed_at, reason, several, counted = connection.execute(
        _count_statement(connection.dialect.name), values
    ).one()
    if not counted:
        if alert and not reason:
            reason = flag(connection, serial, alert, reason)
        return ScanResult(count, first_at, confirmed_at, reason in COPY_REASONS, counted=False)
    # A stamp already flagged as copied stays flagged: no need to look again.
    copied = (
        count >= min(COPIED_DAY_SCANS, COPIED_WEEK_SCANS)
        and several  # one phone alone, however often it checks, is not a copy
        and reason not in COPY_REASONS
        and looks_copied(
            connection.execute(
                _PATTERN, {"serial": serial, "client": client, **pattern_window(now)}
            ).one()
        )
    )
    connection.execute(_INSERT_SCAN, {"serial": serial, "at": now, "client_hash": client})
    if copied:
        reason = flag(connection, serial, "copied", reason)
    elif alert and not reason:
        reason = flag(connection, serial, alert, reason)
    return ScanResult(count, first_at, confirmed_at, reason in COPY_REASONS)


@functools.cache
def _count_statement(dialect: str):
    """``INSERT ... ON CONFLICT DO UPDATE SET scan_count = scan_count + 1 RETURNING ...``.

    Built once per database kind, with bound parameters: building the statement anew
    for every scan cost more than running it. A second look by the stamp's last client
    within the review window (bound ``review_since``) changes nothing; ``counted``
    (the stamp's last counted scan is this one) tells the caller so.
    """
    table = StampState.__table__
    now = bindparam("now", type_=table.c.last_scan_at.type)
    tag = bindparam("tag", type_=table.c.last_client.type)
    since = bindparam("review_since", type_=table.c.last_scan_at.type)
    # NULL (a row the PIN form made before any scan) is not a second look.
    second_look = and_(
        table.c.last_client == tag,
        table.c.last_client != "",
        table.c.last_scan_at > since,
    )
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
            last_client=tag,
            several_clients=False,
        )
        .on_conflict_do_update(
            index_elements=[table.c.serial],
            # Every expression reads the row as it was before this scan.
            set_={
                "scan_count": table.c.scan_count + case((second_look, 0), else_=1),
                "first_scan_at": func.coalesce(table.c.first_scan_at, now),
                "last_scan_at": case((second_look, table.c.last_scan_at), else_=now),
                "several_clients": or_(
                    table.c.several_clients,
                    and_(table.c.last_client != "", table.c.last_client != tag),
                ),
                "last_client": tag,
            },
        )
        .returning(
            table.c.scan_count,
            table.c.first_scan_at,
            table.c.pin_confirmed_at,
            table.c.alert_reason,
            table.c.several_clients,
            (table.c.last_scan_at == now).label("counted"),
        )
    )


_INSERT_SCAN = insert(StampScan.__table__)


def pattern_window(now: datetime) -> dict[str, datetime]:
    """The bound values :func:`scan_pattern` needs for a scan at ``now``."""
    return {"day": now - timedelta(days=1), "week": now - timedelta(days=7)}


def scan_pattern():
    """One row: the stamp's scans in the last day and week, how many clients made them, and
    how many of them ``client`` made (bound: ``serial``, ``client``, ``day``, ``week``).

    It reads the scans of one stamp in one week: a handful, by the (serial, at) index.
    """
    table = StampScan.__table__
    in_day = table.c.at >= bindparam("day", type_=table.c.at.type)
    mine = table.c.client_hash == bindparam("client", type_=table.c.client_hash.type)
    return select(
        func.count(case((in_day, 1))).label("day_scans"),
        func.count(distinct(case((in_day, table.c.client_hash)))).label("day_clients"),
        func.count(case((and_(in_day, mine), 1))).label("day_mine"),
        func.count().label("week_scans"),
        func.count(distinct(table.c.client_hash)).label("week_clients"),
        func.count(case((mine, 1))).label("week_mine"),
    ).where(
        table.c.serial == bindparam("serial"),
        table.c.at >= bindparam("week", type_=table.c.at.type),
    )


_PATTERN = scan_pattern()


def looks_copied(row) -> bool:
    """Would the scans of the last day and week (``row`` of :func:`scan_pattern`), with
    this one, look like a copied code: enough scans, from at least three clients?"""
    day_clients = row.day_clients + (0 if row.day_mine else 1)
    week_clients = row.week_clients + (0 if row.week_mine else 1)
    return (row.day_scans + 1 >= COPIED_DAY_SCANS and day_clients >= COPIED_CLIENTS) or (
        row.week_scans + 1 >= COPIED_WEEK_SCANS and week_clients >= COPIED_CLIENTS
    )


def flag(connection: Connection | Session, serial: int, reason: str, current: str) -> str:
    """Flag ``serial`` for staff with ``reason`` unless it has a more serious one (``current``);
    return the reason it keeps."""
    if current and REASONS.index(current) <= REASONS.index(reason):
        return current
    connection.execute(
        update(StampState)
        .where(StampState.serial == serial)
        .values(suspicious=True, alert_reason=reason)
    )
    return reason


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

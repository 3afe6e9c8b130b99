"""What the stamp page shows of a stamp's run, kept in memory between scans.

Every scan needs its run (which run holds the serial, with or without a PIN), the
batch, product and producer printed on the page, and the run's last activation or
voiding that covers the serial. Those change a few times a day; scans come by the
thousand. So each process keeps them, under the content generation of
:mod:`qrsvc.cache`: a commit that touches a run, its changes, a batch, a product or a
producer moves the generation in every process (and on every host with Redis), and
the next scan reads them again. Entries also expire after a minute at most, which
bounds how long a change made behind the application's back can go unseen.

What changes with every scan (the count, first-scan time, PIN confirmation, alert)
is never kept here: it is read and written in the scan's own transaction.
"""

from __future__ import annotations

import bisect
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, literal_column, select
from sqlalchemy.orm import Session

from qrsvc import cache
from qrsvc.models import Batch, Producer, Product, StampRun, StampRunChange
from qrsvc.trace.identifiers import batch_path

#: At most this long between two reads of a run, whatever the generation says.
MAX_AGE = 60.0


@dataclass(frozen=True)
class ProductFacts:
    """The product and batch summary printed on the stamp page."""

    name: dict[str, Any]
    ref: str
    gtin: str | None
    ocop_stars: int | None
    ocop_valid_until: date | None
    producer_name: str
    producer_commune: str
    producer_phone: str
    lot: str
    production_date: date | None
    expiry_date: date | None
    batch_path: str | None
    recall_reason: dict[str, Any]


@dataclass(frozen=True)
class Change:
    """An activation or voiding of the serials ``first_serial`` to ``last_serial``."""

    first_serial: int
    last_serial: int
    action: str  # "activate" or "void"
    at: datetime
    note: str


@dataclass(frozen=True)
class RunFacts:
    """A stamp run with what its page shows; shared by requests, so never changed."""

    id: int
    batch_id: int
    first_serial: int
    count: int
    with_pin: bool
    recalled: bool
    product: ProductFacts
    changes: tuple[Change, ...]  # activations and voidings, oldest first

    def holds(self, serial: int) -> bool:
        """Whether ``serial`` belongs to this run."""
        return self.first_serial <= serial < self.first_serial + self.count


def run_of(session: Session, serial: int) -> RunFacts | None:
    """The run holding ``serial``, or None when no run does."""
    extensions = current_app.extensions
    runs = extensions.get("qrsvc.stamp_runs")
    if runs is None:
        runs = extensions.setdefault("qrsvc.stamp_runs", RunCache())
    return runs.run_of(session, serial, cache.content_generation())


class RunCache:
    """One process's runs: the index of first serials, and each run's facts once read."""

    def __init__(self, max_age: float = MAX_AGE) -> None:
        """Keep what was read for at most ``max_age`` seconds."""
        self.max_age = max_age
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._read_at = 0.0
        self._firsts: list[int] | None = None  # first serial of each run, ascending
        self._ids: list[int] = []
        self._runs: dict[int, RunFacts] = {}

    def run_of(self, session: Session, serial: int, generation: str) -> RunFacts | None:
        """The run holding ``serial``, read from the database when not kept."""
        with self._lock:
            if generation != self._generation or time.monotonic() - self._read_at > self.max_age:
                self._generation, self._read_at = generation, time.monotonic()
                self._firsts, self._ids, self._runs = None, [], {}
            firsts, ids = self._firsts, self._ids
        if firsts is None:
            rows = session.connection().execute(_RUNS).all()
            firsts, ids = [row.first_serial for row in rows], [row.id for row in rows]
            with self._lock:
                if self._generation == generation:
                    self._firsts, self._ids = firsts, ids
        position = bisect.bisect_right(firsts, serial) - 1
        if position < 0:
            return None
        run_id = ids[position]
        facts = self._runs.get(run_id)
        if facts is None:
            facts = _read_run(session, run_id)
            with self._lock:
                if self._generation == generation:
                    self._runs[run_id] = facts
        return facts if facts.holds(serial) else None


_run, _batch, _product, _producer, _change = (
    model.__table__ for model in (StampRun, Batch, Product, Producer, StampRunChange)
)
_RUNS = select(_run.c.id, _run.c.first_serial).order_by(_run.c.first_serial)
_RUN = (
    select(
        _run.c.id,
        _run.c.batch_id,
        _run.c.first_serial,
        _run.c.count,
        _run.c.with_pin,
        _batch.c.lot,
        _batch.c.status.label("batch_status"),
        _batch.c.production_date,
        _batch.c.expiry_date,
        _batch.c.recall_reason,
        _product.c.name,
        _product.c.ref,
        _product.c.gtin,
        _product.c.ocop_stars,
        _product.c.ocop_cert_expiry,
        _producer.c.name.label("producer_name"),
        _producer.c.commune,
        _producer.c.phone,
    )
    .select_from(
        _run.join(_batch, _batch.c.id == _run.c.batch_id)
        .join(_product, _product.c.id == _batch.c.product_id)
        .join(_producer, _producer.c.id == _product.c.producer_id)
    )
    .where(_run.c.id == bindparam("run_id"))
)
_CHANGES = (
    select(_change.c.first_serial, _change.c.last_serial, _change.c.action, _change.c.at)
    .add_columns(_change.c.note)
    .where(
        _change.c.run_id == bindparam("run_id"),
        # Literal values, not an expanding parameter SQLAlchemy rewrites on every execution.
        _change.c.action.in_([literal_column("'activate'"), literal_column("'void'")]),
    )
    .order_by(_change.c.id)
)


def _read_run(session: Session, run_id: int) -> RunFacts:
    connection = session.connection()
    row = connection.execute(_RUN, {"run_id": run_id}).one()
    changes = tuple(
        Change(c.first_serial, c.last_serial, c.action, c.at, c.note or "")
        for c in connection.execute(_CHANGES, {"run_id": run_id})
    )
    product = ProductFacts(
        name=row.name or {},
        ref=row.ref,
        gtin=row.gtin,
        ocop_stars=row.ocop_stars,
        ocop_valid_until=row.ocop_cert_expiry,
        producer_name=row.producer_name,
        producer_commune=row.commune,
        producer_phone=row.phone,
        lot=row.lot,
        production_date=row.production_date,
        expiry_date=row.expiry_date,
        batch_path=_batch_path(row.gtin, row.ref, row.lot),
        recall_reason=row.recall_reason or {},
    )
    return RunFacts(
        row.id,
        row.batch_id,
        row.first_serial,
        row.count,
        row.with_pin,
        row.batch_status == "recalled",
        product,
        changes,
    )


def _batch_path(gtin: str | None, product_ref: str, lot: str) -> str | None:
    """The batch page's path, built by the traceability area (one place builds codes)."""

    record = SimpleNamespace(lot=lot, product=SimpleNamespace(gtin=gtin, ref=product_ref))
    try:
        return batch_path(record)
    except ValueError:  # a malformed GTIN or lot in the record: show the page without a link
        return None

"""Adding buffered counts to ``scan_counts`` with one upsert per flush."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from qrsvc.extensions import db
from qrsvc.models import ScanCount

_KEY_COLUMNS = ("day", "target_kind", "target_id", "lang", "source", "device")
_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def write_counts(pending: Counter[Any]) -> None:
    """Add ``pending`` ({ScanKey: n}) to the stored counts in one transaction.

    ``INSERT ... ON CONFLICT DO UPDATE SET count = count + excluded.count`` adds to
    the existing row, so several processes can flush the same key concurrently
    without losing a count. Rows are written in key order so two flushers never
    wait on each other's rows in opposite orders (no deadlock on PostgreSQL).
    """
    table = ScanCount.__table__
    insert = _INSERTS.get(db.engine.dialect.name)
    if insert is None:
        raise RuntimeError(f"scan counts need SQLite or PostgreSQL, not {db.engine.dialect.name}")
    rows = [
        {
            "day": key.day,
            "target_kind": key.kind,
            "target_id": key.target_id,
            "lang": key.lang,
            "source": key.source,
            "device": key.device,
            "count": n,
        }
        for key, n in sorted(pending.items())
    ]
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c[name] for name in _KEY_COLUMNS],
        set_={"count": table.c["count"] + stmt.excluded["count"]},
    )
    # Write-only unit of work: take SQLite's write lock up front (see begin_write).
    with db.engine.connect() as conn:
        conn.execution_options(sqlite_immediate=True)
        with conn.begin():
            conn.execute(stmt, rows)

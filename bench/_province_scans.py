"""The scan rows of the province bench/province.py seeds: stamp scans and view counts.

Ten million rows, made inside PostgreSQL by ``INSERT ... SELECT`` over
``generate_series``, with the tables' secondary indexes dropped while they load and
built again afterwards from their own definitions.
"""

from __future__ import annotations

from collections.abc import Callable

import psycopg

DAYS = 730
#: (lang, source, device), most frequent first: a target with k rows on a day has the
#: first k of these, so the rows of one day are distinct by construction.
COMBOS = [
    (lang, source, device)
    for lang in ("vi", "en", "zh", "ko", "fr")
    for source, device in (("qr", "mobile"), ("site", "mobile"), ("site", "desktop"))
] + [(lang, "site", "bot") for lang in ("vi", "en", "zh", "ko", "fr")]


def with_indexes_rebuilt(conn: psycopg.Connection, tables: list[str], load: Callable) -> None:
    """Run ``load`` with the secondary indexes and unique keys of ``tables`` dropped, then
    build them again from their own definitions (as ``pg_dump`` restores do)."""
    names = list(tables)
    constraints = conn.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('u', 'f')",
        [names],
    ).fetchall()
    indexes = conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
        [names],
    ).fetchall()
    for table, name, _definition in constraints:
        conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    load()
    for _name, definition in indexes:
        conn.execute(definition)
    for table, name, definition in constraints:
        conn.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def seed_stamp_scans(conn: psycopg.Connection, n: dict[str, int]) -> None:
    """Scans of stamps over two years: most stamps once or twice, a few copied ones
    thousands of times (flagged); then each scanned stamp's state, consistent with them."""
    stamps = n["runs"] * n["run_size"]
    hot = 20  # copied stamps, scanned from many phones
    conn.execute(
        f"""INSERT INTO stamp_scans (serial, at, client_hash)
        SELECT CASE WHEN i % 100 = 0 THEN 1 + (i / 100) % {hot} * 997
                    ELSE 1 + (i * 2654435761) % ({stamps} * 4 / 5) END,
            now() - (random() * {DAYS}) * interval '1 day',
            md5((i % 50000)::text)
        FROM generate_series(1, {n["stamp_scans"]}) i"""  # noqa: S608
    )
    conn.execute(
        f"""INSERT INTO stamp_states (serial, run_id, scan_count, first_scan_at, last_scan_at,
            pin_failures, suspicious, alert_reason, last_client, several_clients)
        SELECT s.serial, 1 + (s.serial - 1) / {n["run_size"]}, count(*), min(s.at), max(s.at), 0,
            count(*) > 100, CASE WHEN count(*) > 100 THEN 'copied' ELSE '' END,
            left(max(s.client_hash), 8), count(DISTINCT s.client_hash) > 1
        FROM stamp_scans s GROUP BY s.serial"""  # noqa: S608
    )


def seed_scan_counts(conn: psycopg.Connection, n: dict[str, int]) -> None:
    """Page views added up per day over two years: twenty hot relics, busier weekends,
    more visitors each year; each product's batches are scanned for months after making."""
    combos = ", ".join(f"('{lang}', '{source}', '{device}')" for lang, source, device in COMBOS)
    conn.execute("CREATE TEMP TABLE combos (k serial, lang text, source text, device text)")
    conn.execute(f"INSERT INTO combos (lang, source, device) VALUES {combos}")  # noqa: S608
    # kind, how many targets, rows per target-day on average (before the hot ones' share).
    hot = max(1, n["relics"] // 100)  # the relics most visitors come to, and their products
    for kind, targets, days, mean in (
        ("relic", n["relics"], DAYS, 2.85),
        ("product", n["products"], DAYS, 1.9),
    ):
        conn.execute(
            f"""INSERT INTO scan_counts (day, target_kind, target_id, lang, source, device, count)
            SELECT current_date - d, '{kind}', t, c.lang, c.source, c.device,
                1 + floor(random() * (CASE WHEN t <= {hot} THEN 40 ELSE 4 END) / c.k)::int
            FROM generate_series(1, {targets}) t
            CROSS JOIN generate_series(1, {days}) d
            CROSS JOIN LATERAL (SELECT least({len(COMBOS)}, floor(random() * 2 * {mean}
                * (CASE WHEN t <= {hot} THEN 12 ELSE 1 END)
                * (CASE WHEN extract(isodow FROM current_date - d) >= 6 THEN 1.4 ELSE 0.85 END)
                * (1.4 - d::float / {DAYS}))::int) AS rows) r
            JOIN combos c ON c.k <= r.rows"""  # noqa: S608
        )
    conn.execute(
        """INSERT INTO scan_counts (day, target_kind, target_id, lang, source, device, count)
        SELECT b.production_date + d, 'batch', b.id, c.lang, c.source, c.device,
            1 + floor(random() * 3)::int
        FROM batches b CROSS JOIN generate_series(1, 60) d
        JOIN combos c ON c.k <= floor(random() * 1.7)::int
        WHERE b.production_date + d < current_date"""  # noqa: S608
    )

"""Seeding a province-size PostgreSQL database for bench/province.py, inside PostgreSQL.

Every table is filled by one ``INSERT ... SELECT`` over ``generate_series``: the rows
are made by the database server, not sent one by one, so ten million scan rows take
minutes. The schema is the real one (``qrsvc db upgrade`` ran before); the rows keep
its constraints (ranks, statuses, stars, unique keys). The big scan tables are loaded
with their secondary indexes dropped and rebuilt afterwards, as a restore does.

What a province looks like here (``scale`` 1.0): 2,000 relics (Vietnamese content for
all, English for most, Chinese, Korean and French for the visited ones), 1,000
producers, 3,000 products, 30,000 batches with three trace events each, 1,000,000
stamps in 2,000 runs, and about 10,000,000 scan rows over two years: page views added
up per day, target, language, source and device (``scan_counts``), and one row per
stamp scan (``stamp_scans``). A few codes are hot: twenty relics draw most visitors
and a few stamps were copied and scanned thousands of times.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import psycopg
from _province_scans import DAYS, seed_scan_counts, seed_stamp_scans, with_indexes_rebuilt

#: Former districts and today's communes (after the 2025 mergers) of the province.
DISTRICTS = 27
COMMUNES = 150
HISTORY = (
    "Di tích được nhân dân trong vùng dựng từ thời Lê sơ, trùng tu nhiều lần dưới "
    "triều Nguyễn. Kiến trúc kiểu chữ Đinh, mái lợp ngói mũi hài, các đầu đao cong vút. "
)


def counts(scale: float) -> dict[str, int]:
    """How many rows of each kind a province of ``scale`` has (1.0: the full province)."""
    return {
        "relics": max(20, int(2000 * scale)),
        "producers": max(10, int(1000 * scale)),
        "products": max(30, int(3000 * scale)),
        "batches": max(300, int(30000 * scale)),
        "runs": max(20, int(2000 * scale)),
        "run_size": 500,
        # With the ~6.2 million page-view rows of seed_scan_counts: ten million scan rows.
        "stamp_scans": int(3_900_000 * scale),
    }


def seed(url: str, scale: float, log: Callable[[str], None] = print) -> dict[str, int]:
    """Fill the migrated, empty database at ``url``; return the row count of each table."""
    n = counts(scale)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '256MB'")
        conn.execute("SET work_mem = '64MB'")
        has_areas = table_exists(conn, "areas")
        steps = [
            ("areas", lambda: seed_areas(conn) if has_areas else None),
            ("relics", lambda: seed_relics(conn, n["relics"], has_areas)),
            ("producers and products", lambda: seed_goods(conn, n, has_areas)),
            ("search text", lambda: fill_search_text(conn) if has_areas else None),
            ("batches and events", lambda: seed_batches(conn, n)),
            ("stamp runs", lambda: seed_stamps(conn, n)),
            ("stamp scans", lambda: with_indexes_rebuilt(conn, ["stamp_states", "stamp_scans"],
                                                         lambda: seed_stamp_scans(conn, n))),
            ("scan counts", lambda: with_indexes_rebuilt(conn, ["scan_counts"],
                                                         lambda: seed_scan_counts(conn, n))),
        ]  # fmt: skip
        for name, step in steps:
            started = time.monotonic()
            step()
            log(f"  seeded {name} in {time.monotonic() - started:.0f} s")
        for table in ("relics", "producers", "products", "batches", "trace_events", "stamp_runs"):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - fixed names
                f"(SELECT max(id) FROM {table}))"
            )
        started = time.monotonic()
        conn.execute("VACUUM ANALYZE")
        log(f"  vacuum analyze in {time.monotonic() - started:.0f} s")
        tables = ["relics", "relic_translations", "products", "batches", "trace_events",
                  "stamp_runs", "stamp_states", "stamp_scans", "scan_counts"]  # fmt: skip
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}  # noqa: S608


def table_exists(conn: psycopg.Connection, name: str) -> bool:
    """True when the migrations made table ``name`` (areas arrive with migration 0013)."""
    return conn.execute("SELECT to_regclass(%s) IS NOT NULL", [name]).fetchone()[0]


def seed_areas(conn: psycopg.Connection) -> None:
    """About 150 communes of today, each merged from two former communes of a former
    district (migration 0013's ``areas`` and ``area_origins``)."""
    conn.execute(
        f"""INSERT INTO areas (id, code, name, kind, province, created_at, updated_at)
        SELECT i, lpad((16000 + i)::text, 5, '0'), 'Xã Số ' || i,
            CASE WHEN i % 15 = 0 THEN 'ward' ELSE 'commune' END, 'Thanh Hóa', now(), now()
        FROM generate_series(1, {COMMUNES}) i"""  # noqa: S608 - numbers only
    )
    conn.execute(
        f"""INSERT INTO area_origins (area_id, position, former_commune, former_district)
        SELECT i, p, 'Xã Cũ ' || i || '-' || p, 'Huyện Cũ ' || (1 + i % {DISTRICTS})
        FROM generate_series(1, {COMMUNES}) i CROSS JOIN generate_series(1, 2) p"""  # noqa: S608
    )
    conn.execute(
        "SELECT setval(pg_get_serial_sequence('areas', 'id'), (SELECT max(id) FROM areas))"
    )


def fill_search_text(conn: psycopg.Connection) -> None:
    """The stored folded search text (migration 0013) of relics, producers and products,
    made by the app's own :func:`fold_parts` from the same fields the ORM folds."""
    from qrsvc.models.searching import fold_parts

    names: dict[int, list[str]] = {}
    for relic_id, name, other in conn.execute(
        "SELECT relic_id, name, other_names FROM relic_translations ORDER BY relic_id, lang"
    ):
        names.setdefault(relic_id, []).append(f"{name} {other}")
    texts = {
        "relics": [
            (fold_parts(*row[1:], *names.get(row[0], [])), row[0])
            for row in conn.execute(
                "SELECT id, code, commune, commune_old, district_old FROM relics"
            )
        ],
        "producers": [
            (fold_parts(*row[1:]), row[0])
            for row in conn.execute("SELECT id, ref, name, commune, commune_old FROM producers")
        ],
        "products": [
            (fold_parts(ref, gtin, *[v for v in name.values() if isinstance(v, str)], cat), pid)
            for pid, ref, gtin, name, cat in conn.execute(
                "SELECT id, ref, gtin, name, category FROM products"
            )
        ],
    }
    with conn.cursor() as cursor:
        for table, rows in texts.items():
            cursor.executemany(f"UPDATE {table} SET search_text = %s WHERE id = %s", rows)  # noqa: S608


def seed_relics(conn: psycopg.Connection, relics: int, has_areas: bool) -> None:
    """Relics with their ranks spread as in a province, and their content per language."""
    area = ", area_id" if has_areas else ""
    area_value = f", 1 + i % {COMMUNES}" if has_areas else ""
    conn.execute(
        f"""INSERT INTO relics (id, code, slug, rank, rank_decision_no, commune, commune_old,
            district_old, province, address, opening_hours, phone, email, status, published_at,
            created_at, updated_at, version{area})
        SELECT i, 'TH' || lpad(i::text, 4, '0'), 'di-tich-so-' || i,
            CASE WHEN i % 400 = 0 THEN 'special_national' WHEN i % 13 = 0 THEN 'national'
                 WHEN i % 5 < 2 THEN 'provincial' ELSE 'unranked' END,
            'QĐ ' || i || '/QĐ-UBND', 'Xã Số ' || (1 + i % {COMMUNES}), 'Xã Cũ ' || i,
            'Huyện Cũ ' || (1 + i % {DISTRICTS}), 'Thanh Hóa', 'Thôn ' || (i % 9 + 1),
            '[]', '', '', CASE WHEN i % 20 = 7 THEN 'draft' ELSE 'published' END,
            now() - interval '1 year', now(), now(), 1{area_value}
        FROM generate_series(1, {relics}) i"""  # noqa: S608 - numbers only
    )
    conn.execute(
        """INSERT INTO relic_translations (relic_id, lang, name, other_names, summary, history,
            architecture, worshipped, directions, hours_note, fees_note, audio_transcript,
            machine_drafted, created_at, updated_at)
        SELECT r.id, l.lang, CASE l.lang WHEN 'vi' THEN 'Đình làng Số ' ELSE 'Communal house no. '
                END || r.id, '',
            'Tóm tắt di tích số ' || r.id, repeat(%s, 12), repeat(%s, 4), 'Thành hoàng làng',
            'Từ trung tâm xã đi 2 km', '', '', '', l.lang <> 'vi', now(), now()
        FROM relics r
        JOIN (VALUES ('vi', 1), ('en', 5), ('zh', 40), ('ko', 40), ('fr', 80)) l(lang, every)
            ON mod(r.id, l.every) = 0 OR r.id <= 20""",  # noqa: S608
        [HISTORY, HISTORY],
    )


def seed_goods(conn: psycopg.Connection, n: dict[str, int], has_areas: bool) -> None:
    """Producers (households, cooperatives, firms) and their OCOP products."""
    area = ", area_id" if has_areas else ""
    area_value = f", 1 + i % {COMMUNES}" if has_areas else ""
    conn.execute(
        f"""INSERT INTO producers (id, ref, name, kind, commune, commune_old, address, phone,
            email, website, tax_code, description, created_at, updated_at, version{area})
        SELECT i, 'NSX' || i, 'Hợp tác xã Số ' || i,
            (ARRAY['household', 'cooperative', 'company'])[1 + i % 3],
            'Xã Số ' || (1 + i % {COMMUNES}), '', '', '', '', '', '', '{{}}', now(), now(), 1
            {area_value}
        FROM generate_series(1, {n["producers"]}) i"""  # noqa: S608
    )
    conn.execute(
        f"""INSERT INTO products (id, producer_id, ref, name, category, description, ingredients,
            storage, net_content, ocop_stars, ocop_cert_no, ocop_cert_date, ocop_cert_expiry,
            status, photo_ids, created_at, updated_at, version)
        SELECT i, 1 + i % {n["producers"]}, 'sp-' || i,
            json_build_object('vi', 'Sản phẩm Số ' || i, 'en', 'Product no. ' || i),
            (ARRAY['food', 'drink', 'herbal', 'craft', 'textile'])[1 + i % 5],
            json_build_object('vi', repeat('Đặc sản của vùng. ', 20)), '{{}}', '{{}}', '500 g',
            CASE WHEN i % 4 = 0 THEN NULL ELSE 3 + i % 3 END, 'OCOP-' || i,
            current_date - 400, current_date + 700,
            CASE WHEN i % 25 = 3 THEN 'draft' ELSE 'published' END, '[]', now(), now(), 1
        FROM generate_series(1, {n["products"]}) i"""  # noqa: S608
    )


def seed_batches(conn: psycopg.Connection, n: dict[str, int]) -> None:
    """Batches over two years, a few recalled, each with three trace events."""
    conn.execute(
        f"""INSERT INTO batches (id, ref, product_id, lot, production_date, expiry_date, quantity,
            unit, origin_area, notes, status, recall_reason, recalled_at, created_at, updated_at,
            version)
        SELECT i, 'LO-' || i, 1 + i % {n["products"]}, 'L' || i,
            current_date - (i * 7919 % {DAYS}), current_date - (i * 7919 % {DAYS}) + 365,
            100 + i % 900, 'kg', '{{"vi": "Thanh Hóa"}}', '{{}}',
            CASE WHEN i % 500 = 0 THEN 'recalled' ELSE 'active' END,
            CASE WHEN i % 500 = 0 THEN '{{"vi": "Thu hồi"}}' ELSE '{{}}' END::json,
            CASE WHEN i % 500 = 0 THEN now() END, now(), now(), 1
        FROM generate_series(1, {n["batches"]}) i"""  # noqa: S608
    )
    conn.execute(
        """INSERT INTO trace_events (event_uri, batch_id, event_type, action, biz_step,
            disposition, event_time, tz_offset, read_point, biz_location, place, description,
            quantity, unit, parent_id, recorded_by_name, created_at, updated_at, version)
        SELECT 'urn:uuid:' || md5(b.id || '-' || s.step)::uuid, b.id,
            'ObjectEvent', CASE s.step WHEN 1 THEN 'ADD' ELSE 'OBSERVE' END,
            (ARRAY['commissioning', 'packing', 'shipping'])[s.step],
            (ARRAY['active', 'in_progress', 'in_transit'])[s.step],
            b.production_date + s.step * interval '6 hours', '+07:00', '', '',
            '{"vi": "Xưởng sản xuất"}', '{}', b.quantity, 'kg', '', 'Cán bộ HTX', now(), now(), 1
        FROM batches b CROSS JOIN generate_series(1, 3) s(step)"""
    )


def seed_stamps(conn: psycopg.Connection, n: dict[str, int]) -> None:
    """Active stamp runs of ``run_size`` serials from serial 1, and their change log."""
    size = n["run_size"]
    conn.execute(
        f"""INSERT INTO stamp_runs (id, batch_id, first_serial, count, status, format_name,
            with_pin, created_at, updated_at)
        SELECT i, 1 + (i * 15) % {n["batches"]}, 1 + (i - 1) * {size}, {size}, 'active',
            'a4-40', i % 4 = 0, now(), now()
        FROM generate_series(1, {n["runs"]}) i"""  # noqa: S608
    )
    conn.execute(
        """INSERT INTO stamp_run_changes (run_id, action, first_serial, last_serial, note, at)
        SELECT r.id, a.action, r.first_serial, r.first_serial + r.count - 1, '', now()
        FROM stamp_runs r CROSS JOIN (VALUES ('allocate'), ('print'), ('activate')) a(action)"""
    )
    conn.execute(
        "INSERT INTO serial_counters (name, next_value) "
        "SELECT 'stamp', max(first_serial + count) FROM stamp_runs"
    )

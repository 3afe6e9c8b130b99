"""Benchmark: one province's data on PostgreSQL against the demo's, same pages, same run.

    .venv/bin/python bench/province.py [--quick] [--rounds 3] [--keep] [--reuse]

Needs a PostgreSQL server whose ``postgres`` user may create databases:
``QRSVC_BENCH_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432``). The
benchmark creates ``qrsvc_bench_demo`` and ``qrsvc_bench_province`` there (dropping
older ones of those names), migrates both with ``qrsvc db upgrade``, loads the demo
into the first (``qrsvc demo``) and a province into the second (bench/_province_seed.py:
2,000 relics, 3,000 products, 30,000 batches, a million stamps, ten million scan rows
over two years), then times the same kinds of pages of the real app on both, in
interleaved rounds, and drops both databases unless ``--keep``.

Targets (issue 15): every public page and the stamp scan at most 1.5x its demo time at
p50; the admin dashboard and lists under 1 s at p99. The stamp counts kept must equal
the counted scans served. It prints "target met" or "TARGET MISSED" per line, the
database size per million scans, and exits 1 when a target is missed or a check fails.
``--quick`` seeds a twentieth of the province, to try the benchmark out.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from _province_measure import open_site, percentiles, run_round, scan_total  # noqa: E402
from _province_seed import seed  # noqa: E402
from _server import bench_env, qrsvc  # noqa: E402

SERVER = os.environ.get("QRSVC_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
DATABASES = {"demo": "qrsvc_bench_demo", "province": "qrsvc_bench_province"}
PUBLIC = ("relic page", "product page", "batch page", "stamp scan", "relic list, filtered",
          "search", "EPCIS of a batch")  # fmt: skip
ADMIN = ("admin dashboard", "admin lists")
RATIO_TARGET = 1.5
ADMIN_TARGET_MS = 1000.0
#: Requests of each kind per database and round: the pages phones load most, most often.
REQUESTS = {"relic page": 40, "product page": 30, "batch page": 30, "stamp scan": 40,
            "relic list, filtered": 6, "search": 10, "admin dashboard": 4, "admin lists": 8,
            "EPCIS of a batch": 10}  # fmt: skip


def recreate(name: str, drop_only: bool = False) -> None:
    """Drop database ``name`` if it exists, then create it empty (unless ``drop_only``)."""
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def scan_storage(url: str) -> tuple[int, int, int, int]:
    """(database bytes, scan tables' bytes, scans recorded, scan rows) of ``url``."""
    with psycopg.connect(url) as conn:
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        tables = conn.execute(
            "SELECT sum(pg_total_relation_size(t::regclass)) FROM "
            "unnest(ARRAY['scan_counts', 'stamp_scans', 'stamp_states']) t"
        ).fetchone()[0]
        views, count_rows = conn.execute(
            "SELECT coalesce(sum(count), 0), count(*) FROM scan_counts"
        ).fetchone()
        stamp_rows = conn.execute("SELECT count(*) FROM stamp_scans").fetchone()[0]
    return size, int(tables), int(views) + stamp_rows, count_rows + stamp_rows


def exists(name: str) -> bool:
    """True when database ``name`` exists on the server."""
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def prepare(folder: Path, scale: float, reuse: bool) -> dict[str, str]:
    """Both databases migrated and filled; returns their URLs. With ``reuse``, databases
    kept by an earlier run are only migrated (to time a new index or query on them)."""
    urls = {}
    for kind, name in DATABASES.items():
        again = reuse and exists(name)
        if not again:
            recreate(name)
        urls[kind] = f"{SERVER}/{name}"
        env = bench_env(folder / kind, urls[kind], QRSVC_STAMP_KEY="province benchmark stamp key")
        started = time.monotonic()
        qrsvc(env, "db", "upgrade")
        if again:
            print(f"{kind} database kept from an earlier run, migrated")
            continue
        if kind == "demo":
            qrsvc(env, "demo")
        else:
            rows = seed(urls[kind], scale)
            print("  rows:", ", ".join(f"{t} {n:,}" for t, n in rows.items()))
        print(f"{kind} database ready in {time.monotonic() - started:.0f} s")
    return urls


def report(sites: dict, storage: tuple[int, int, int, int]) -> bool:
    """Print every kind's p50, p99 and ratio against its target; True when all are met."""
    all_met = True
    print(f"{'':<22}{'demo p50':>10}{'p99':>8}{'province p50':>14}{'p99':>8}{'ratio':>7}  target")
    for kind in (*PUBLIC, *ADMIN):
        demo = percentiles(sites["demo"].samples[kind])
        province = percentiles(sites["province"].samples[kind])
        ratio = province[0] / demo[0]
        if kind in ADMIN:
            met, target = province[1] < ADMIN_TARGET_MS, f"p99 < {ADMIN_TARGET_MS:.0f} ms"
        else:
            met, target = ratio <= RATIO_TARGET, f"p50 <= {RATIO_TARGET}x demo"
        all_met &= met
        print(
            f"{kind:<22}{demo[0]:>8.1f}ms{demo[1]:>6.0f}ms{province[0]:>12.1f}ms"
            f"{province[1]:>6.0f}ms{ratio:>6.2f}x  {target}: "
            + ("target met" if met else "TARGET MISSED")
        )
    size, tables, scans, rows = storage
    print(
        f"province database {size / 2**30:.2f} GiB, of which scan tables {tables / 2**30:.2f} GiB"
        f" for {rows:,} scan rows recording {scans:,} scans and page views:"
        f" {tables / 2**20 / (scans / 1e6):.0f} MiB per million scans,"
        f" {tables / 2**20 / (rows / 1e6):.0f} MiB per million scan rows"
    )
    return all_met


def main() -> int:
    """Seed, measure, compare, check the stamp counts; 0 when every target is met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a twentieth of the province")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per database")
    parser.add_argument("--keep", action="store_true", help="keep both databases afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="use databases kept by --keep (implies --keep)"
    )
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="province-bench-") as tmp:
        folder = Path(tmp)
        try:
            urls = prepare(folder, 0.05 if args.quick else 1.0, args.reuse)
            sites = {kind: open_site(kind, url, folder / kind, 25) for kind, url in urls.items()}
            before = {kind: scan_total(site) for kind, site in sites.items()}
            for round_ in range(args.rounds + 1):  # round 0 warms caches and connections up
                for site in sites.values():
                    run_round(site, REQUESTS, round_ * 7)
                if round_ == 0:
                    for site in sites.values():
                        site.samples.clear()
            counts_ok = True
            for kind, site in sites.items():
                kept = scan_total(site) - before[kind]
                bad = {s: n for k, c in site.statuses.items() for s, n in c.items() if s != 200}
                print(f"{kind}: stamp scans counted {site.counted}, kept {kept}; "
                      f"answers other than 200: {bad or 'none'}")  # fmt: skip
                counts_ok &= kept == site.counted and not bad
            met = report(sites, scan_storage(urls["province"]))
        finally:
            if not (args.keep or args.reuse):
                for name in DATABASES.values():
                    recreate(name, drop_only=True)
    print(f"total time {time.monotonic() - started:.0f} s")
    print("OK" if met and counts_ok else ("FAILED" if not counts_ok else "TARGET MISSED"))
    return 0 if met and counts_ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Mixed traffic against gunicorn on SQLite and on PostgreSQL.

Mostly relic pages, some batch pages, some stamp scans, from 64 keep-alive
connections for 60 s (``--seconds``). Prints requests/s, p50/p99 latency, the
status counts, and checks the two things that must hold: no 5xx, and every stamp
scan that was answered is counted in the database (no lost scans).

    .venv/bin/python bench/load.py [--seconds 60] [--connections 64] [--only sqlite]
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import Gunicorn, bench_env, qrsvc, run_load  # noqa: E402

STAMPS = 200


def prepare(env: dict[str, str], instance: Path) -> list[str]:
    """Migrate, load the demo, print and activate a run; return the stamp paths."""
    qrsvc(env, "db", "upgrade")
    qrsvc(env, "demo")
    sheet = instance / "stamps.csv"
    out = qrsvc(
        env, "print", "stamps", "BGTT-BG2611A", "--count", str(STAMPS),
        "--csv", str(sheet), "-o", str(instance / "stamps.pdf"),
    )  # fmt: skip
    run_id = out.split("stamp run ")[1].split(":")[0]
    qrsvc(env, "stamps", "activate", run_id)
    with sheet.open(encoding="utf-8") as handle:
        return ["/S/" + row["url"].rsplit("/", 1)[1] for row in csv.DictReader(handle)]


def counted_scans(database_url: str) -> int:
    """Scans the database recorded, over every stamp."""
    url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    with engine.connect() as conn:
        total = conn.execute(text("SELECT COALESCE(SUM(scan_count), 0) FROM stamp_states"))
        value = int(total.scalar_one())
    engine.dispose()
    return value


def run(label: str, database_url: str, args: argparse.Namespace) -> bool:
    """Prepare, serve, load; print the figures; True when the run held its promises."""
    with tempfile.TemporaryDirectory(prefix="qrsvc-load-") as folder:
        instance = Path(folder)
        env = bench_env(instance, database_url)
        stamps = prepare(env, instance)
        db_url = env["DATABASE_URL"]
        relics = ["/r/LK01", "/r/LH01", "/r/LP01", "/r/PL01", "/r/TT01"]
        batches = ["/01/08936001000010/10/BG2611A", "/p/NEMC", "/01/08936002000019/10/NH2610B"]
        paths = relics + batches + stamps
        weights = [14.0] * len(relics) + [6.0] * len(batches) + [10.0 / len(stamps)] * len(stamps)
        server = Gunicorn("qrsvc.wsgi:app", env, workers=args.workers)
        try:
            server.wait("/healthz")
            result = run_load(
                server.port, paths, weights, connections=args.connections, seconds=args.seconds
            )
        finally:
            server.stop()
        answered_scans = sum(result.ok_by_path.get(p, 0) for p in stamps)
        recorded = counted_scans(db_url)
        errors_5xx = sum(n for status, n in result.statuses.items() if status >= 500)
        print(
            f"{label:10} {result.rate:8.1f} req/s  p50 {result.percentile(50):6.1f} ms  "
            f"p99 {result.percentile(99):7.1f} ms  requests {result.requests}  "
            f"statuses {dict(sorted(result.statuses.items()))}  connection errors {result.errors}"
        )
        print(
            f"{'':10} stamp scans answered {answered_scans}, recorded {recorded}; 5xx {errors_5xx}"
        )
        held = errors_5xx == 0 and answered_scans == recorded
        print(f"{'':10} {'OK' if held else 'FAILED'}: zero 5xx and no lost stamp scans")
        return held


def main() -> None:
    """Run the load on SQLite, then on a fresh PostgreSQL database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    ok = True
    if args.only != "postgresql":
        ok &= run("sqlite", "", args)
    if args.only != "sqlite":
        name = "qrsvc_bench_load"
        for statement in (
            f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
            f"CREATE DATABASE {name}",
        ):
            subprocess.run(
                ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-qc", statement],
                check=True,
            )
        ok &= run("postgresql", f"postgresql://postgres@127.0.0.1:5432/{name}", args)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

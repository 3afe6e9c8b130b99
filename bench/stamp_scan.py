"""Benchmark: stamp page requests/s against a bare Flask route, on SQLite, same run.

    .venv/bin/python bench/stamp_scan.py [--seconds 6] [--rounds 6] [--workers 2] [--clients 8]

Both apps are served by gunicorn on 127.0.0.1 with the same workers; the load comes
from a separate process (a pool of threads, a new connection per request as phones
make them) for a bounded time, in short rounds taking turns between the targets.
The qrsvc app runs as in production: rate limiting on (the one client's limit
raised above what it sends), rendered pages and run facts kept in memory. Every
stamp request is a real scan: it is counted in the database on the request path.
At the end the stored scan counts must equal the stamp requests that got a 200, or
the benchmark fails.

Target (issue 5): stamp page / bare route >= 0.3 in requests/s. The server CPU time
per request is printed too: on a shared machine it is the steadier figure.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _server import serve, thread_load  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from qrsvc import create_app  # noqa: E402
from qrsvc.extensions import db  # noqa: E402
from qrsvc.models import Batch, Producer, Product, StampScan, StampState  # noqa: E402
from qrsvc.stamps import runs  # noqa: E402
from qrsvc.stamps.codes import make_token  # noqa: E402

TARGET = 0.3
STAMPS = 500
KEY = "benchmark stamp key, not a secret"
BARE_APP = """
from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "ok"
"""


def prepare(folder: Path) -> tuple[dict, list[str]]:
    """A migrated SQLite database with one active run; returns the app config and paths."""
    from flask_migrate import upgrade

    config = {
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "STAMP_KEY": KEY,
        "SECRET_KEY": "benchmark secret key",
        # As in production, every scan goes through the per-client limit; all the load
        # comes from one address, so the limit is raised far above what it sends.
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "STAMP_RATELIMIT": "100000000/minute",
        # The one client also scans each stamp again within minutes, which would be a
        # second look, shown but not counted; without that window every request is a
        # counted scan (the costlier path), so the counts can be checked exactly.
        "STAMP_REVIEW_SECONDS": 0,
    }
    app = create_app(config, instance_path=str(folder / "instance"))
    with app.app_context():
        upgrade()
        producer = Producer(ref="tutru", name="HTX Bánh gai Tứ Trụ", commune="Thọ Xuân")
        product = Product(ref="banh-gai", producer=producer, name={"vi": "Bánh gai Tứ Trụ"})
        batch = Batch(ref="BG-2026-11", product=product, lot="L2611")
        db.session.add_all([producer, product, batch])
        db.session.commit()
        run = runs.allocate_run(db.session, batch, STAMPS)
        runs.activate(db.session, run.id)
        paths = [
            f"/S/{make_token(KEY.encode(), s)}"
            for s in range(run.first_serial, run.last_serial + 1)
        ]
        db.engine.dispose()
    return config, paths


def server_cpu_seconds(master: int) -> float:
    """CPU time (user + system) the gunicorn workers of ``master`` have used so far."""
    total = 0
    tick = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / tick


def load(server: subprocess.Popen, port: int, paths: list[str], seconds: float, clients: int):
    """Load ``paths`` for ``seconds`` from a separate process.

    Returns (status counts, seconds elapsed, server CPU seconds used). CPU per request
    is what the work costs; requests/s also depends on what else the machine is doing.
    """
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    cpu = server_cpu_seconds(server.pid)
    child = context.Process(
        target=thread_load,
        args=(port, paths, seconds, clients, queue),
        kwargs={"user_agent": "Mozilla/5.0 (bench phone)"},
    )
    child.start()
    statuses, elapsed = queue.get(timeout=seconds + 120)
    child.join()
    return statuses, elapsed, server_cpu_seconds(server.pid) - cpu


def main() -> int:
    """Run the measurements, print the ratios; exit 1 when the scan count is not exact."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="per target, in all")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stamp-bench-") as tmp:
        folder = Path(tmp)
        (folder / "bare_app.py").write_text(BARE_APP)
        config, paths = prepare(folder)
        qrsvc_app = f"qrsvc:create_app({config!r}, instance_path={str(folder / 'i')!r})"
        servers = {}
        try:
            servers["bare"] = serve("bare_app:app", folder, args.workers)
            servers["qrsvc"] = serve(qrsvc_app, folder, args.workers)
            targets = {
                "bare Flask route": ("bare", ["/"]),
                # Not the target, but it shows what every qrsvc request costs before any page.
                "qrsvc /healthz": ("qrsvc", ["/healthz"]),
                "stamp page": ("qrsvc", paths),
            }
            # Short rounds, interleaved, so that the machine's load drifting during the run
            # affects every target alike; round 0 warms every worker up.
            totals = {name: ({}, 0.0, 0.0) for name in targets}
            sent = 0
            for round_ in range(args.rounds + 1):
                for name, (server_name, target_paths) in targets.items():
                    server, port = servers[server_name]
                    seconds = 0.5 if round_ == 0 else args.seconds / args.rounds
                    statuses, elapsed, cpu = load(server, port, target_paths, seconds, args.clients)
                    if name == "stamp page":
                        sent += statuses.get(200, 0)
                    if round_:
                        counts, total_elapsed, total_cpu = totals[name]
                        for status, n in statuses.items():
                            counts[status] = counts.get(status, 0) + n
                        totals[name] = (counts, total_elapsed + elapsed, total_cpu + cpu)
        finally:
            for process, _ in servers.values():
                process.terminate()
            for process, _ in servers.values():
                process.wait(timeout=30)
        results = {}
        for name, (counts, elapsed, cpu) in totals.items():
            requests = sum(counts.values())
            results[name] = (counts, requests / elapsed, 1000 * cpu / max(requests, 1))
            print(
                f"{name:<18} {results[name][1]:8.0f} requests/s  "
                f"{results[name][2]:6.2f} ms server CPU/request  statuses {counts}"
            )
        app = create_app(config, instance_path=str(folder / "instance"))
        with app.app_context():
            counted = db.session.scalar(select(func.coalesce(func.sum(StampState.scan_count), 0)))
            rows = db.session.scalar(select(func.count()).select_from(StampScan))
            db.engine.dispose()
    stamp_statuses, stamp_rate, stamp_cpu = results["stamp page"]
    _, bare_rate, bare_cpu = results["bare Flask route"]
    _, floor_rate, floor_cpu = results["qrsvc /healthz"]
    ratio = stamp_rate / bare_rate
    exact = counted == sent == rows and set(stamp_statuses) == {200}
    print(
        f"scans counted {counted}, scan rows {rows}, stamp pages served {sent}: "
        f"{'exact' if exact else 'MISMATCH'}"
    )
    print(
        f"ratio stamp page / bare route: {ratio:.2f} requests/s "
        f"({'target met' if ratio >= TARGET else 'target MISSED'}, target >= {TARGET}); "
        f"{bare_cpu / stamp_cpu:.2f} by server CPU per request; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"ratio stamp page / qrsvc /healthz (what the page adds to every qrsvc request): "
        f"{stamp_rate / floor_rate:.2f} requests/s, {floor_cpu / stamp_cpu:.2f} by CPU"
    )
    # A count that is not exact is a bug: fail. A missed speed target is reported above.
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())

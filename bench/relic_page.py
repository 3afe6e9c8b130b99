"""Benchmark: the demo relic page against a bare Flask route serving the same bytes.

    .venv/bin/python bench/relic_page.py [--seconds 4] [--workers 2] [--clients 8] [--strict]

Three servers run under gunicorn with the same sync workers on 127.0.0.1: the qrsvc
app serving the relic page, a bare Flask app serving the same bytes, and (to show where
the difference comes from) the qrsvc app serving the same bytes from a plain extra
route, which pays every app-wide hook (session, CSRF, request log) but nothing of the
relic page. They are loaded in turn, in short interleaved rounds, so that a change in
the machine's load during the run affects all three alike. The load comes from a
separate process (a pool of threads, a new connection per request as phones make them)
for a bounded time and number of requests.
Every relic request is a real scan (a phone User-Agent, the printed URL): it goes
through language choice, the page cache, the scan buffer and the ETag. After the run,
the scans stored in the database must equal the relic pages served (the buffer is
flushed about every second and when a worker stops).

Target (issue 3): relic page / bare route >= 0.7. ``--strict`` exits 1 below it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _server import serve, thread_load  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from qrsvc import create_app  # noqa: E402
from qrsvc.extensions import db  # noqa: E402
from qrsvc.models import ScanCount  # noqa: E402

TARGET = 0.7
PATH = "/r/LK01"
MAX_REQUESTS = 200_000
PHONE = "Mozilla/5.0 (Linux; Android 11; SM-A125F) AppleWebKit/537.36 Chrome/120 Mobile Safari"
BARE_APP = """
from pathlib import Path

from flask import Flask, Response

BODY = (Path(__file__).parent / "page.html").read_bytes()
app = Flask(__name__)


@app.get("/r/LK01")
def relic():
    return Response(BODY, mimetype="text/html")
"""
SAME_APP = """
import json
from pathlib import Path

from flask import Response

from qrsvc import create_app

FOLDER = Path(__file__).parent
BODY = (FOLDER / "page.html").read_bytes()
app = create_app(json.loads((FOLDER / "config.json").read_text()), str(FOLDER / "instance"))
app.add_url_rule("/plain", "plain", lambda: Response(BODY, mimetype="text/html"))
"""


def prepare(folder: Path, access_log: bool) -> dict:
    """A migrated SQLite database with the demo data; returns the app configuration."""
    from flask_migrate import upgrade

    from qrsvc.demo import load_demo
    from qrsvc.media import media_store_from_config

    config = {
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "MEDIA_DIR": str(folder / "media"),
        "SECRET_KEY": "benchmark secret key",
        "STAMP_KEY": "benchmark stamp key",
        # As in production: rate limiting on (the relic page has no limit of its own, but
        # every request pays for the limiter's hooks), in this process's memory.
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "ACCESS_LOG": access_log,
    }
    app = create_app(config, instance_path=str(folder / "instance"))
    with app.app_context():
        upgrade()
        load_demo(db.session, media_store_from_config(app.config))
        db.session.remove()
        db.engine.dispose()
    return config


def counted_scans(config: dict, folder: Path) -> int:
    """Every scan counted in the database so far."""
    app = create_app(config, instance_path=str(folder / "instance"))
    with app.app_context():
        counted = db.session.scalar(select(func.coalesce(func.sum(ScanCount.count), 0)))
        db.engine.dispose()
    return counted


def fetch(port: int, path: str) -> bytes:
    """One request, as a phone scanning the sign."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"User-Agent": PHONE})
    body = conn.getresponse().read()
    conn.close()
    return body


def measure(port: int, path: str, seconds: float, clients: int) -> tuple[dict, float]:
    """Load ``path`` for ``seconds`` from a separate process; return (statuses, elapsed)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(
        target=thread_load,
        args=(port, [path], seconds, clients, queue),
        kwargs={"user_agent": PHONE, "limit": MAX_REQUESTS},
    )
    child.start()
    statuses, elapsed = queue.get(timeout=seconds + 120)
    child.join()
    return statuses, elapsed


def main() -> int:
    """Measure the three servers, print requests/s and the ratio, check the scan counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="per server, in all")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--strict", action="store_true", help="exit 1 below the target")
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="turn qrsvc's per-request JSON log on (off by default, as behind nginx)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="relic-bench-") as tmp:
        folder = Path(tmp)
        config = prepare(folder, access_log=args.access_log)
        history = counted_scans(config, folder)
        print(f"qrsvc access log: {'on' if args.access_log else 'off'}")
        servers = {}
        try:
            spec = f"qrsvc:create_app({config!r}, instance_path={str(folder / 'instance')!r})"
            servers["relic page"] = (*serve(spec, folder, args.workers), PATH)
            body = fetch(servers["relic page"][1], PATH)
            (folder / "page.html").write_bytes(body)
            (folder / "bare_app.py").write_text(BARE_APP)
            (folder / "same_app.py").write_text(SAME_APP)
            (folder / "config.json").write_text(json.dumps(config))
            servers["bare Flask route"] = (*serve("bare_app:app", folder, args.workers), PATH)
            servers["same app, plain route"] = (
                *serve("same_app:app", folder, args.workers),
                "/plain",
            )
            bodies = {name: fetch(port, path) for name, (_, port, path) in servers.items()}
            totals = {name: ({}, 0.0) for name in servers}
            for round_ in range(args.rounds + 1):  # round 0 warms every worker up
                for name, (_, port, path) in servers.items():
                    statuses, elapsed = measure(
                        port, path, args.seconds / args.rounds, args.clients
                    )
                    if round_:
                        counts, seconds = totals[name]
                        for status, n in statuses.items():
                            counts[status] = counts.get(status, 0) + n
                        totals[name] = (counts, seconds + elapsed)
                    elif name == "relic page":
                        warm_up = statuses.get(200, 0)
        finally:
            for process, _, _ in servers.values():
                process.terminate()  # workers flush their buffered scans as they stop
            for process, _, _ in servers.values():
                process.wait(timeout=30)
        rates = {}
        for name, (counts, seconds) in totals.items():
            rates[name] = sum(counts.values()) / seconds
            print(f"{name:<22} {rates[name]:8.0f} requests/s  statuses {counts}")
        # The demo's own weeks of scan history are there before the first request.
        counted = counted_scans(config, folder) - history
    served = 2 + warm_up + totals["relic page"][0].get(200, 0)  # 2: the pages fetched
    ratio = rates["relic page"] / rates["bare Flask route"]
    same = rates["relic page"] / rates["same app, plain route"]
    identical = len(set(bodies.values())) == 1
    print(f"page size {len(body)} bytes; the three bodies are identical: {identical}")
    print(f"scans counted {counted}, relic pages served {served}")
    print(f"relic page / same app's plain route: {same:.2f} (the relic page's own cost)")
    print(f"ratio relic page / bare route: {ratio:.2f} (target >= {TARGET})")
    ok = counted == served and set(totals["relic page"][0]) == {200} and identical
    met = ratio >= TARGET
    print("OK" if ok and met else ("BELOW TARGET" if ok else "FAILED"))
    return 0 if ok and (met or not args.strict) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Stamps under real concurrency: several processes allocating, a real server counting.

These run on SQLite by default and on PostgreSQL with ``QRSVC_TEST_DATABASE_URL``
(``.ci/run`` does both), with separate OS processes, not a loop.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qrsvc.extensions import db
from qrsvc.models import Batch, Producer, Product, SerialCounter, StampRun, StampScan, StampState
from qrsvc.stamps import runs
from qrsvc.stamps.codes import make_token, stamp_pin
from tests.conftest import PUBLIC_URL, build_app

pytestmark = pytest.mark.slow

PROCESSES = 4
RUNS_PER_PROCESS = 6
SCANS = 120
CLIENT_THREADS = 12
SERVER_WORKERS = 3
KEY = "concurrency test stamp key, long enough"


def make_batch() -> Batch:
    producer = Producer(ref="tutru", name="HTX Tứ Trụ")
    product = Product(ref="banh-gai", producer=producer, name={"vi": "Bánh gai"})
    batch = Batch(ref="BG-1", product=product, lot="L1")
    db.session.add_all([producer, product, batch])
    db.session.commit()
    return batch


def _allocate(database_url: str, folder: str, batch_id: int, start, worker: int, out) -> None:
    """Child process: wait for the others, then allocate runs of different sizes."""
    app = build_app(Path(folder) / f"worker{worker}", database_url, STAMP_KEY=KEY)
    taken = []
    with app.app_context():
        batch = db.session.get(Batch, batch_id)
        start.wait(timeout=60)
        for i in range(RUNS_PER_PROCESS):
            run = runs.allocate_run(db.session, batch, 1 + (worker * 7 + i * 13) % 50)
            taken.append((run.id, run.first_serial, run.count))
        db.engine.dispose()
    out.put(taken)


def _results(workers, out) -> list:
    """What every worker sent, failing fast (not after a long timeout) when one crashed."""
    results, deadline = [], time.monotonic() + 120
    while len(results) < len(workers):
        try:
            results.append(out.get(timeout=0.5))
        except queue.Empty:
            failed = [w.exitcode for w in workers if w.exitcode not in (None, 0)]
            assert not failed, f"an allocating process failed (exit codes {failed})"
            assert time.monotonic() < deadline, "the allocating processes did not finish"
    return results


def test_concurrent_allocations_never_overlap_and_lose_nothing(app, session, tmp_path):
    batch_id = make_batch().id
    url = app.config["DATABASE_URL"] or app.config["SQLALCHEMY_DATABASE_URI"]
    session.rollback()
    db.engine.dispose()  # the children must not share the parent's connections
    context = multiprocessing.get_context("fork")
    start, out = context.Barrier(PROCESSES), context.Queue()
    workers = [
        context.Process(target=_allocate, args=(url, str(tmp_path), batch_id, start, n, out))
        for n in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    taken = [item for batch in _results(workers, out) for item in batch]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    ranges = sorted((first, first + count - 1) for _, first, count in taken)
    assert len(ranges) == PROCESSES * RUNS_PER_PROCESS
    # Contiguous from 1, no gap and no overlap: every serial belongs to exactly one run.
    assert ranges[0][0] == 1
    for (_, last), (first, _) in zip(ranges, ranges[1:], strict=False):
        assert first == last + 1
    session.rollback()  # read what the children committed, not an older snapshot
    stored = session.execute(select(StampRun.id, StampRun.first_serial, StampRun.count)).all()
    assert sorted(stored) == sorted(taken)
    counter = session.scalar(select(SerialCounter.next_value))
    assert counter == ranges[-1][1] + 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(app, tmp_path):
    """gunicorn with several worker processes serving this test's database."""
    port = _free_port()
    config = {
        "DATABASE_URL": app.config["DATABASE_URL"] or app.config["SQLALCHEMY_DATABASE_URI"],
        "STAMP_KEY": KEY,
        "SECRET_KEY": "concurrency test secret key",
        "PUBLIC_URL": PUBLIC_URL,
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
    }
    factory = f"qrsvc:create_app({config!r}, instance_path={str(tmp_path / 'server')!r})"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(SERVER_WORKERS),
            "--threads",
            "2",
            "--log-level",
            "warning",
            factory,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        try:
            output = process.communicate(timeout=20)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            process.kill()
            output = process.communicate()[0].decode(errors="replace")
        assert "Traceback" not in output, output


def _wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60  # workers import the whole app: slow on a busy machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.communicate()[0].decode(errors="replace"))
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:  # refused, reset or timed out while the workers boot
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start within 60 s")


def _get(url: str, ip: int) -> int:
    request = urllib.request.Request(url, headers={"User-Agent": f"Mozilla/5.0 phone {ip}"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        answer.read()
        return answer.status


def test_concurrent_scans_are_counted_exactly(app, session, server):
    batch = make_batch()
    run = runs.allocate_run(session, batch, 3)
    run_id, serial = run.id, run.first_serial + 1
    runs.activate(session, run_id)
    url = f"{server}/S/{make_token(KEY.encode(), serial)}"
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        statuses = list(pool.map(lambda n: _get(url, n), range(SCANS)))
    assert statuses == [200] * SCANS
    session.rollback()
    state = session.get(StampState, serial, populate_existing=True)
    assert state.scan_count == SCANS
    assert session.scalar(select(func.count()).where(StampScan.serial == serial)) == SCANS
    # Only the scanned stamp has a state row: stamps cost nothing until used.
    assert session.scalar(select(func.count()).select_from(StampState)) == 1


def _post_pin(url: str, pin: str) -> str:
    data = urllib.parse.urlencode({"pin": pin}).encode()
    request = urllib.request.Request(url, data=data, headers={"Accept-Language": "en"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.read().decode()


def test_a_pin_confirms_exactly_once_under_concurrent_entries(app, session, server):
    batch = make_batch()
    run = runs.allocate_run(session, batch, 2, with_pin=True)
    serial = run.first_serial
    runs.activate(session, run.id)
    key = KEY.encode()
    url = f"{server}/S/{make_token(key, serial)}/pin"
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        pages = list(pool.map(lambda _: _post_pin(url, stamp_pin(key, serial)), range(24)))
    assert sum("your purchase is confirmed" in page for page in pages) == 1
    assert sum("already confirmed on" in page for page in pages) == 23

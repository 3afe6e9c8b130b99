"""Faults: the database going away and coming back, a print worker killed, a full disk.

(a) starts a private PostgreSQL cluster (never the machine's shared one) and a
gunicorn server on it, stops and starts the cluster under traffic; (b) kills a real
RQ worker process in the middle of a stamp job; (c) uploads into a read-only and
into a full media folder (tiny tmpfs mounts where this runs as root, else simulated).
"""

from __future__ import annotations

import glob
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select

from qrsvc.extensions import db
from qrsvc.models import Batch, Media, PrintJob, Producer, Product, SerialCounter
from qrsvc.printing import jobs
from qrsvc.stamps.codes import serial_label
from tests.conftest import PUBLIC_URL, build_app, migrate

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
IN_CI = os.environ.get("CI") == "true"
REDIS_URL = os.environ.get("QRSVC_TEST_FAULTS_REDIS_URL", "redis://127.0.0.1:6379/13")


def unavailable(reason: str):
    """Skip on a developer's machine that lacks a tool; in CI that is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    """Status and body of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=20) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


# --- (a) PostgreSQL stopped and started during traffic -----------------------------


class PrivatePostgres:
    """A throw-away PostgreSQL cluster in a temporary folder, on a free port."""

    def __init__(self) -> None:
        """Create the cluster (as the ``postgres`` user when we are root)."""
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not binaries:
            unavailable("PostgreSQL server binaries are not installed")
        self.bin = Path(binaries[-1]).parent
        self.folder = Path(tempfile.mkdtemp(prefix="qrsvc-pg-"))
        self.data, self.port = self.folder / "data", _free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.folder, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin / tool), *args],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        # With a log file the server does not hold our pipes open after pg_ctl returns.
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self) -> None:
        """Stop the server at once, dropping every connection (as a crash or restart does)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        """Stop the server if it runs and delete the cluster."""
        subprocess.run(
            [*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
             "stop"],
            capture_output=True,
            timeout=60,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def private_postgres():
    """A running private PostgreSQL cluster, removed afterwards."""
    cluster = PrivatePostgres()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@contextmanager
def gunicorn(config: dict, instance: Path):
    """A gunicorn server (two workers) of qrsvc with ``config``, yielding its base URL."""
    port = _free_port()
    factory = f"qrsvc:create_app({config!r}, instance_path={str(instance)!r})"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--log-level", "warning", factory],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(f"{base}/healthz")
                break
            except OSError:
                assert process.poll() is None, process.communicate()[1].decode()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.slow
def test_database_down_gives_503_then_recovers_without_a_restart(private_postgres, tmp_path):
    config = {
        "DATABASE_URL": private_postgres.url,
        "PUBLIC_URL": PUBLIC_URL,
        "SECRET_KEY": "faults secret",
        "STAMP_KEY": "faults stamp key",
    }
    migrate(build_app(tmp_path / "migrate", private_postgres.url))
    # Pages the cache holds may well go on serving from it while the database is down
    # (a tourist still gets the relic list); these three always need the database.
    pages = ["/healthz", "/search?q=lam", "/api/v1/relics"]
    with gunicorn(config, tmp_path / "server") as (base, process):
        for path in pages * 2:  # both workers hold pooled connections now
            assert get(base + path)[0] == 200, path
        private_postgres.stop()
        for path in pages * 2:
            status, body = get(base + path)
            assert status == 503, (path, status, body[:300])
            assert "Traceback" not in body
        assert json.loads(get(base + "/healthz")[1])["database"] == "unreachable"
        # The page says why, in the visitor's language (Vietnamese without a header).
        assert "cơ sở dữ liệu" in get(base + "/search?q=lam")[1]
        assert json.loads(get(base + "/api/v1/relics")[1])["error"]["status"] == 503
        private_postgres.start()
        # The same processes serve again: stale pooled connections are replaced.
        for path in pages * 3:
            assert get(base + path)[0] == 200, path
        assert process.poll() is None
        process.terminate()
        errors = process.communicate(timeout=30)[1].decode()
    assert "Traceback" not in errors, errors[-3000:]


# --- (b) a print worker killed in the middle of a job -------------------------------


@pytest.fixture
def redis_queue():
    """The print queue in a Redis database of these tests' own, emptied before and after."""
    from redis import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except RedisError as exc:
        unavailable(f"no Redis at {REDIS_URL}: {exc}")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def app_config(request, tmp_path):
    """Print jobs go to RQ in the tests that ask for the queue."""
    if "redis_queue" in request.fixturenames:
        return {"REDIS_URL": REDIS_URL, "PRINTS_DIR": str(tmp_path / "prints")}
    return {}


def start_worker(app) -> subprocess.Popen:
    """A real ``rq worker`` process, in its own process group, for ``app``'s database."""
    env = {
        **os.environ,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "QRSVC_INSTANCE_PATH": app.instance_path,  # the same generated keys as the test app
        "QRSVC_PUBLIC_URL": app.config["PUBLIC_URL"],
        "QRSVC_PRINTS_DIR": app.config["PRINTS_DIR"],
        "QRSVC_MEDIA_DIR": app.config["MEDIA_DIR"],
        "REDIS_URL": REDIS_URL,
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [str(BIN / "rq"), "worker", "--burst", "--url", REDIS_URL, jobs.QUEUE],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def descendants(pid: int) -> list[int]:
    """The processes ``pid`` started, and theirs, deepest first."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found = descendants(int(child)) + [int(child)] + found
    return found


def job_state(session, job_id: int) -> PrintJob:
    """The job as the database has it now."""
    session.rollback()
    return session.get(PrintJob, job_id, populate_existing=True)


@pytest.mark.slow
def test_a_killed_print_worker_leaves_a_failed_job_that_reprints_the_same_serials(
    app, session, redis_queue
):
    producer = Producer(ref="tutru", name="HTX Tứ Trụ")
    product = Product(ref="banh-gai", producer=producer, name={"vi": "Bánh gai"})
    batch = Batch(ref="BG-1", product=product, lot="L1")
    session.add_all([producer, product, batch])
    session.commit()
    count = 12_000  # long enough to be caught in the middle on a busy machine
    job = jobs.start_stamp_job(session, batch, count, format_name="stamp-20mm-a4")
    job_id, run_id = job.id, job.stamp_run_id
    counter_before = session.scalar(select(SerialCounter.next_value))

    worker = start_worker(app)
    deadline = time.monotonic() + 120
    while (state := job_state(session, job_id)).done == 0 or state.status != "running":
        assert state.status in ("queued", "running"), (state.status, state.error)
        assert worker.poll() is None, worker.communicate()[0].decode()[-3000:]
        assert time.monotonic() < deadline, "the worker never started the job"
        time.sleep(0.05)
    # RQ runs the job in a "work horse" child in a process group of its own: kill it
    # (what the OOM killer or a crash does) and the worker around it.
    for pid in [*descendants(worker.pid), worker.pid]:
        os.kill(pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert job_state(session, job_id).status == "running"  # nobody could say otherwise
    assert not (Path(app.config["PRINTS_DIR"]) / f"job-{job_id}.pdf").exists()

    # A job silent for longer than STALE_AFTER has lost its worker.
    assert jobs.fail_interrupted_jobs(session, timedelta(0)) == 1
    failed = job_state(session, job_id)
    assert failed.status == "failed" and "interrupted" in failed.error

    with app.app_context():
        jobs.retry_job(session, job_id)
    worker = start_worker(app)
    assert worker.wait(timeout=600) == 0, worker.communicate()[0].decode()[-2000:]
    done = job_state(session, job_id)
    assert done.error == ""
    assert (done.status, done.done, done.attempts, done.stamp_run_id) == (
        "done",
        count,
        2,
        run_id,
    )
    # Nothing new was allotted, and the PDF holds the run's first and last serials.
    assert session.scalar(select(SerialCounter.next_value)) == counter_before
    first = counter_before - count
    pdf = PdfReader(Path(app.config["PRINTS_DIR"]) / done.result_key)
    text = pdf.pages[0].extract_text() + pdf.pages[-1].extract_text()
    assert serial_label(first) in text and serial_label(first + count - 1) in text
    assert serial_label(first + count) not in text


# --- (c) an unwritable or full media folder -----------------------------------------


def photo() -> bytes:
    """A noisy JPEG whose variants take a few hundred kilobytes."""
    image = Image.effect_noise((1400, 1000), 90).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def mount_tmpfs(folder: Path, options: str) -> bool:
    """Mount a tiny tmpfs on ``folder``; False where this process may not mount."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True
    )
    return done.returncode == 0


def unmount(folder: Path) -> None:
    """Undo :func:`mount_tmpfs`."""
    subprocess.run(["umount", str(folder)], capture_output=True, check=True)


def upload(client, data: bytes):
    """Upload ``data`` as a photo through the admin."""
    return client.post(
        "/admin/media/upload",
        data={"file": (io.BytesIO(data), "lam-kinh.jpg"), "alt_vi": "Lam Kinh"},
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )


def files_in(folder: Path) -> list[str]:
    """Every file under ``folder``."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def media_dir(app) -> Path:
    """The app's media folder, made now so it can be mounted over."""
    folder = Path(app.config["MEDIA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("real_disk", [True, False], ids=["tmpfs", "simulated"])
def test_a_full_media_disk_gives_a_clear_error_and_leaves_nothing(
    app, client, accounts, media_dir, monkeypatch, real_disk
):
    accounts.login("editor")
    if real_disk and mount_tmpfs(media_dir, "size=96k"):
        try:
            response = upload(client, photo())
            leftovers = files_in(media_dir)
        finally:
            unmount(media_dir)
    else:  # no mount here: the disk fills up in the middle of writing a file
        from qrsvc.media import storage

        real_fdopen = os.fdopen

        class FillsUp(io.RawIOBase):
            def __init__(self, fd):
                self.file = real_fdopen(fd, "wb")

            def write(self, data):
                self.file.write(bytes(data[: len(data) // 2]))
                raise OSError(28, "No space left on device")

            def close(self):
                self.file.close()

        monkeypatch.setattr(storage.os, "fdopen", lambda fd, mode: FillsUp(fd))
        response = upload(client, photo())
        monkeypatch.undo()
        leftovers = files_in(media_dir)
    body = response.get_data(as_text=True)
    assert response.status_code == 507, body[:500]
    assert "disk that holds the media folder" in body and "is full" in body
    assert "Traceback" not in body and str(media_dir) not in body  # no server paths shown
    assert leftovers == []  # no half-written file, no orphan variant
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Media)) == 0


@pytest.mark.parametrize("real_disk", [True, False], ids=["tmpfs", "simulated"])
def test_an_unwritable_media_folder_gives_a_clear_error(
    app, client, accounts, media_dir, monkeypatch, real_disk
):
    accounts.login("editor")
    if real_disk and mount_tmpfs(media_dir, "size=1m,ro"):
        try:
            response = upload(client, photo())
        finally:
            unmount(media_dir)
    elif os.geteuid() != 0:  # permissions bind everybody but root
        media_dir.chmod(0o555)
        try:
            response = upload(client, photo())
        finally:
            media_dir.chmod(0o755)
    else:
        from qrsvc.media import storage

        def refused(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(storage.tempfile, "mkstemp", refused)
        response = upload(client, photo())
    body = response.get_data(as_text=True)
    assert response.status_code == 507, body[:500]
    assert "is not writable by the service" in body and str(media_dir) not in body
    assert files_in(media_dir) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Media)) == 0

"""Shared helpers for the benchmarks: a prepared database, gunicorn, an HTTP load loop.

The load generator is an asyncio HTTP/1.1 client in its own process, keeping its
connections alive like a browser does; it talks only to 127.0.0.1 and stops by
itself after a fixed time.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# A phone's browser: counted as a mobile visitor, not as a bot.
REQUEST_HEADERS = (
    b"Host: 127.0.0.1\r\nUser-Agent: Mozilla/5.0 (Linux; Android 10) Mobile\r\n"
    b"Accept: text/html\r\nConnection: keep-alive\r\n\r\n"
)


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def qrsvc(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """Run the qrsvc CLI with ``env`` and return its output; fail loudly."""
    result = subprocess.run(
        [str(BIN / "qrsvc"), *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    if result.returncode != 0:
        raise SystemExit(f"qrsvc {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def bench_env(instance: Path, database_url: str = "", **extra: str) -> dict[str, str]:
    """The environment of a benchmark server: its own instance folder and database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QRSVC_", "DATABASE_URL"))}
    env.update(
        QRSVC_INSTANCE_PATH=str(instance),
        QRSVC_MEDIA_DIR=str(instance / "media"),
        QRSVC_PUBLIC_URL="http://127.0.0.1",
        DATABASE_URL=database_url or f"sqlite:///{instance}/bench.sqlite3",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def serve(app_spec: str, folder: Path, workers: int) -> tuple[subprocess.Popen, int]:
    """Start gunicorn serving ``app_spec`` on a free port of 127.0.0.1; wait until it answers."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--worker-class", "sync", "--chdir", str(folder),
        "--log-level", "warning", app_spec,
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        env={**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{folder}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, port
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {process.returncode}") from None
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn did not start")


def thread_load(
    port: int,
    paths: Sequence[str],
    seconds: float,
    clients: int,
    out,
    *,
    user_agent: str = "Mozilla/5.0 (Linux; Android 10) Mobile",
    limit: int = 1_000_000,
) -> None:
    """Child process: ``clients`` threads request ``paths`` round-robin, a new connection
    each time as phones do, for ``seconds`` and at most ``limit`` requests; puts
    ``(statuses, elapsed)`` on ``out``. A refused or reset request counts as status 0."""
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(limit))
    stop = time.monotonic() + seconds

    def worker() -> None:
        local: dict[int, int] = {}
        while time.monotonic() < stop and (n := next(counter, None)) is not None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request("GET", paths[n % len(paths)], headers={"User-Agent": user_agent})
                answer = conn.getresponse()
                answer.read()
                status = answer.status
            except OSError:
                status = 0
            finally:
                conn.close()
            local[status] = local.get(status, 0) + 1
        with lock:
            for status, count in local.items():
                statuses[status] = statuses.get(status, 0) + count

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put((statuses, time.monotonic() - started))


class Gunicorn:
    """gunicorn serving ``app`` (a WSGI path) on a free port, until ``stop()``."""

    def __init__(self, app: str, env: dict[str, str], workers: int = 2) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers", str(workers),
                "--bind", f"127.0.0.1:{self.port}",
                "--log-level", "warning",
                "--backlog", "2048",
                app,
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def wait(self, path: str = "/", timeout: float = 60) -> None:
        """Block until the server answers ``path``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + path, timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not answer {path} within {timeout} s")

    def stop(self) -> None:
        """Stop the server and wait for it."""
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


@dataclass
class LoadResult:
    """What a load run saw."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    ok_by_path: dict[str, int] = field(default_factory=dict)
    errors: int = 0

    @property
    def requests(self) -> int:
        """Answers received."""
        return len(self.latencies)

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Latency percentile ``p`` (0-100) in milliseconds."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] * 1000


async def _connection(port, paths, weights, deadline, result: LoadResult, limit) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.monotonic() < deadline and result.requests < limit:
            path = random.choices(paths, weights)[0]
            started = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\n".encode() + REQUEST_HEADERS)
            await writer.drain()
            status_line = await reader.readline()
            if not status_line:  # the server closed the connection (sync workers do)
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            status = int(status_line.split()[1])
            length, close = 0, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "connection" and "close" in value.lower():
                    close = True
            await reader.readexactly(length)
            result.latencies.append(time.perf_counter() - started)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status < 400:
                result.ok_by_path[path] = result.ok_by_path.get(path, 0) + 1
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except (OSError, asyncio.IncompleteReadError, ValueError):
        result.errors += 1
    finally:
        writer.close()


def run_load(
    port: int,
    paths: Sequence[str],
    weights: Sequence[float],
    *,
    connections: int,
    seconds: float,
    limit: int = 10_000_000,
) -> LoadResult:
    """Drive ``connections`` keep-alive connections for ``seconds``; bounded by ``limit``."""

    async def main() -> LoadResult:
        result = LoadResult(seconds=seconds)
        deadline = time.monotonic() + seconds
        started = time.monotonic()
        await asyncio.gather(
            *(
                _connection(port, list(paths), list(weights), deadline, result, limit)
                for _ in range(connections)
            )
        )
        result.seconds = time.monotonic() - started
        return result

    return asyncio.run(main())

"""SQL that differs between SQLite and PostgreSQL, behind one name."""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_thread_turn = threading.Lock()
_lock_files: dict[tuple[int, str], int] = {}


def upsert(session: Session, table: Table):
    """An ``INSERT`` with ``on_conflict_do_update/nothing`` for the session's database.

    Both databases spell ``INSERT ... ON CONFLICT`` the same way, but SQLAlchemy builds
    it with each dialect's own ``insert``.
    """
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


@contextlib.contextmanager
def writer_turn(session: Session) -> Iterator[None]:
    """Wait for this process's and thread's turn to write to a SQLite file; no-op elsewhere.

    SQLite lets one writer in at a time, and a process that finds the file locked polls
    with sleeps of 1, 2, 5, 10 ... up to 100 ms. Under a burst of scans from several
    server processes those sleeps, not the work, set the pace. An exclusive ``flock`` on
    a file beside the database queues the writers in the kernel instead, and the next one
    starts the moment the previous one commits. PostgreSQL queues row locks itself.
    Still worth it with ``BEGIN IMMEDIATE``, which waits in those same sleeps: the stamp
    benchmark (two workers) served about 990 scans/s with this lock, 830 without.
    """
    url = session.get_bind().url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        yield
        return
    fd = _lock_file(url.database + "-writers.lock")
    with _thread_turn:  # flock does not exclude threads that share the descriptor
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


def _lock_file(path: str) -> int:
    # Per process: a forked child shares its parent's descriptors, and with them the lock.
    key = (os.getpid(), path)
    fd = _lock_files.get(key)
    if fd is None:
        fd = _lock_files[key] = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    return fd

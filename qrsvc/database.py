"""The database: the ``db`` handle, SQLite tuned for a web server, writes, a health probe.

``db`` is made here, beside what it is tuned with, and bound to the app by
:func:`qrsvc.extensions.init_app` (which also offers it as ``qrsvc.extensions.db``).
Of ``qrsvc`` this module imports only the models' declarative base.
"""

from __future__ import annotations

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session

from qrsvc.models.base import Base

__all__ = ["begin_write", "configure_engine_events", "database_ok", "db"]

db = SQLAlchemy(model_class=Base)


def configure_engine_events(app: Flask) -> None:
    """Install per-connection settings once the engine exists."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin,
        # so that SELECT ... then UPDATE run in one real transaction.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, much faster
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        # See begin_write(): a writer takes the lock up front instead of upgrading.
        immediate = conn.get_execution_options().get("sqlite_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def begin_write(session: Session | scoped_session | None = None) -> Session:
    """Start a transaction that is going to write, and return the session.

    In SQLite's WAL mode a transaction that has read cannot start writing once
    another process has committed ("database is locked", at once, whatever the
    busy timeout). So a unit of work that writes takes the write lock first
    (``BEGIN IMMEDIATE``, which does wait its turn) and reads under it. A read
    transaction already open is committed first, which expires what it loaded
    so that it is read again, under the lock. On PostgreSQL this is a plain BEGIN.
    """
    scoped = session if session is not None else db.session
    session = scoped() if isinstance(scoped, scoped_session) else scoped
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={"sqlite_immediate": True})
    return session


def database_ok() -> bool:
    """True when a trivial query reaches the database (the cheap health check)."""
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "down" to a health probe
        db.session.rollback()
        return False

"""The ``qrsvc`` command line: a FlaskGroup over the application factory.

Faults every command shares are answered here, once: a configuration that cannot
work (exit 2), and a database or a Redis server that cannot be reached (exit 1),
each get one line that says so, never a traceback, whichever command ran into them;
so does a file that cannot be read or written (a missing folder, no permission).
"""

from __future__ import annotations

import sqlite3
import sys

import click
from flask.cli import FlaskGroup, ScriptInfo
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError

from qrsvc.config import ConfigError

#: Errors of the connection or the server rather than of one statement's data, as
#: SQLAlchemy wraps them, and sqlite3's own for code that opens the file directly (backup).
DATABASE_FAULTS = (OperationalError, InterfaceError, sqlite3.OperationalError)
#: Redis (jobs, rate limits, the page cache) refusing or timing out.
REDIS_FAULTS = (RedisConnectionError, RedisTimeoutError)


class DatabaseFault(click.ClickException):
    """A fault commands share (the database, Redis, a file): one line on stderr, exit 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        """Print the one line on stderr."""
        click.echo(f"qrsvc: {self.format_message()}", err=True, file=file)


def _database_name(ctx: click.Context) -> str:
    """The configured database URL without its password, or "" if the app is not there."""
    info = ctx.find_object(ScriptInfo)
    try:
        uri = info.load_app().config["SQLALCHEMY_DATABASE_URI"] if info else ""
        return make_url(uri).render_as_string(hide_password=True) if uri else ""
    except (ConfigError, ArgumentError, KeyError, RuntimeError):
        return ""


def _redis_name(ctx: click.Context) -> str:
    """The configured Redis URL without its password, or ""."""
    info = ctx.find_object(ScriptInfo)
    try:
        url = info.load_app().config.get("REDIS_URL", "") if info else ""
        return make_url(url).render_as_string(hide_password=True) if url else ""
    except (ConfigError, ArgumentError, KeyError, RuntimeError):
        return ""


def database_fault(exc: Exception, database: str) -> DatabaseFault:
    """The one-line report of ``exc``: unreachable when no statement got to run."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    reason_text = reason[0].strip() if reason else type(exc).__name__
    where = f" {database}" if database else ""
    statement = getattr(exc, "statement", None)
    if statement is None or getattr(exc, "connection_invalidated", False):
        # Connecting failed (refused, unknown host, a file that cannot be opened) or
        # the connection dropped: the server or file is not there for us.
        return DatabaseFault(f"cannot reach the database{where}: {reason_text}")
    return DatabaseFault(f"database error{where}: {reason_text} (is it upgraded? qrsvc db upgrade)")


class QrsvcGroup(FlaskGroup):
    """The top-level group: runs a command and turns shared faults into one line."""

    def invoke(self, ctx: click.Context):
        """Run the command; a database fault anywhere below becomes :class:`DatabaseFault`."""
        try:
            return super().invoke(ctx)
        except DATABASE_FAULTS as exc:
            raise database_fault(exc, _database_name(ctx)) from None
        except OSError as exc:  # a file to read or write: a missing folder, no permission
            if not exc.filename:
                raise
            raise DatabaseFault(f"{exc.filename}: {exc.strerror or exc}") from None
        except REDIS_FAULTS as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            where = _redis_name(ctx)
            raise DatabaseFault(
                f"cannot reach Redis{' ' + where if where else ''}: {reason}"
            ) from None


def _create_app():
    from qrsvc import create_app

    return create_app()


@click.group(cls=QrsvcGroup, create_app=_create_app, load_dotenv=False)
def cli() -> None:
    """qrsvc: relic signs, OCOP traceability and stamps for a district."""


def main() -> None:
    """Entry point of ``.venv/bin/qrsvc``; bad configuration gets one line, not a traceback."""
    try:
        cli.main(prog_name="qrsvc")
    except ConfigError as exc:
        click.echo(f"qrsvc: configuration error: {exc}", err=True)
        sys.exit(2)

"""A consistent copy of the whole database while the service keeps running.

SQLite: the online backup API copies page by page and retries pages that change
meanwhile, so the copy is consistent even with writers active. PostgreSQL has its
own tool for this; we say how to use it instead of half-doing it in Python.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.engine import make_url

# The commands are put in as values, so that a translation cannot change them.
PG_DUMP_HELP = _l(
    "This database is PostgreSQL: back it up with pg_dump, e.g.\n"
    "  %(dump)s\n"
    "and restore with\n"
    "  %(restore)s\n"
    "Copy the media folder (QRSVC_MEDIA_DIR) as well: photos and audio live there.",
    dump='pg_dump --format=custom --file=qrsvc-$(date +%F).dump "$DATABASE_URL"',
    restore='pg_restore --clean --if-exists --dbname="$DATABASE_URL" qrsvc-YYYY-MM-DD.dump',
)


class BackupNotPossibleError(RuntimeError):
    """This database is backed up with its own tools; the message says how."""


def sqlite_path(database_uri: str) -> Path | None:
    """The file of a SQLite database URI, or None for other databases."""
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def backup_database(database_uri: str, target: str | Path) -> Path:
    """Write a consistent copy of the SQLite database to ``target``; return its path.

    Raises :class:`BackupNotPossibleError` (with the pg_dump instructions) for PostgreSQL.
    """
    source_path = sqlite_path(database_uri)
    if source_path is None:
        raise BackupNotPossibleError(PG_DUMP_HELP)
    target = Path(target)
    if target.resolve() == source_path.resolve():
        raise ValueError(_("The backup cannot overwrite the database itself."))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy, pages=1024)
            # The copy must stand alone: no WAL file beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        source.close()
    partial.replace(target)  # a half-written backup never carries the final name
    return target

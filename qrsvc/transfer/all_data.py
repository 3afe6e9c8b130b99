"""Export and import of all data as one archive, for the command line and the admin.

    export_archive("qrsvc-all.zip")            -> ArchiveSummary(records=..., files=...)
    import_archive("qrsvc-all.zip", apply=True) -> ImportReport

The archive's layout is in :mod:`qrsvc.transfer.archive`, what it holds in
:mod:`qrsvc.transfer.snapshot`, how it is restored in :mod:`qrsvc.transfer.restore`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask_babel import gettext as _

from qrsvc.extensions import db
from qrsvc.media import media_store
from qrsvc.transfer.archive import ArchiveError, ArchiveLimits, open_archive, write_archive
from qrsvc.transfer.restore import restore_archive
from qrsvc.transfer.service import ImportReport, exported_at
from qrsvc.transfer.snapshot import media_files, snapshot


@dataclass(frozen=True)
class ArchiveSummary:
    """What an export wrote: records by kind and the number of media files."""

    records: dict[str, int]
    files: int


def export_archive(target: IO[bytes] | str | Path) -> ArchiveSummary:
    """Write every record and media file to the archive ``target``.

    Raises :class:`ArchiveError` naming the first media file missing from the store
    (an archive that could not be restored is worse than none).
    """
    store = media_store()
    try:
        records = snapshot(db.session)
    finally:
        db.session.rollback()  # a read: end it, do not hold SQLite's snapshot open
    keys = media_files(records)
    missing = [key for key in keys if not store.exists(key)]
    if missing:
        raise ArchiveError(
            _(
                "%(count)d media files are missing from the media store (first: %(name)s); "
                "nothing was exported.",
                count=len(missing),
                name=missing[0],
            )
        )
    files = write_archive(target, records, ((k, store.read(k)) for k in keys), exported_at())
    return ArchiveSummary({kind: len(rows) for kind, rows in records.items()}, files)


def import_archive(
    source: IO[bytes] | str | Path, *, apply: bool, limits: ArchiveLimits | None = None
) -> ImportReport:
    """Check (and with ``apply``, restore) the archive ``source`` into this fresh instance.

    Raises :class:`ArchiveError` for an archive refused as a whole; row problems are
    in the report, and then nothing is stored.
    """
    archive = open_archive(source, limits)
    try:
        return restore_archive(archive, media_store(), apply=apply)
    finally:
        archive.close()

"""The "all data" archive as a file: a ZIP with ``data.json``, ``media/<key>`` files and a
``manifest.json`` that gives the format, its version and each file's size and SHA-256.

    write_archive(target, data, media_files, exported_at)   # media_files: (key, bytes)
    archive = open_archive(source)   # checks the whole container, or ArchiveError
    archive.data, archive.media_keys, archive.read_media(key)

Nothing here needs Flask or the database (messages go through gettext, which gives
the English text outside the app). Reading trusts nothing in the file: before a byte
is decompressed the member names (no ``..``, no absolute paths, no links), their number
and their declared sizes are checked against fixed bounds; every member is then read
with its declared size as the limit and hashed, so a member that decompresses to more
(or less) than it declares, or differs from the manifest, refuses the archive. Those
checks are in :mod:`qrsvc.transfer.archive_members`.
"""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from flask_babel import gettext as _

from qrsvc.media.storage import check_key
from qrsvc.transfer.archive_members import (
    ARCHIVE_FORMAT,
    ARCHIVE_VERSION,
    DATA,
    MANIFEST,
    MEDIA_PREFIX,
    ArchiveError,
    ArchiveLimits,
    check_hash,
    checked_members,
    json_member,
    limit_for,
    manifest_of,
    read_member,
)

ZIP_MAGIC = b"PK\x03\x04"


def is_archive(data: bytes) -> bool:
    """True when ``data`` (the first bytes are enough) starts like a ZIP file."""
    return data[:4] == ZIP_MAGIC


def write_archive(
    target: IO[bytes] | str | Path,
    data: dict[str, Any],
    media_files: Iterable[tuple[str, bytes]],
    exported_at: str,
) -> int:
    """Write the archive to ``target``; returns the number of media files written.

    Media files are stored as they are (JPEG, WebP and MP3 do not compress further);
    ``data.json`` is deflated. Every member gets the export time as its date.
    """
    when = _zip_time(exported_at)
    files: dict[str, dict[str, Any]] = {}
    count = 0
    with zipfile.ZipFile(target, "w") as archive:

        def add(name: str, body: bytes, method: int) -> None:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = method
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, body)
            files[name] = {"size": len(body), "sha256": hashlib.sha256(body).hexdigest()}

        body = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode()
        add(DATA, body, zipfile.ZIP_DEFLATED)
        for key, content in media_files:
            add(MEDIA_PREFIX + check_key(key), content, zipfile.ZIP_STORED)
            count += 1
        manifest = {
            "format": ARCHIVE_FORMAT,
            "version": ARCHIVE_VERSION,
            "exported_at": exported_at,
            "files": files,
        }
        add(MANIFEST, json.dumps(manifest, indent=1).encode(), zipfile.ZIP_DEFLATED)
    return count


def _zip_time(iso: str) -> tuple[int, int, int, int, int, int]:
    from datetime import datetime

    moment = datetime.fromisoformat(iso)
    return (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, 0)


@dataclass
class Archive:
    """An opened, fully checked archive: its records and a way to read its media files."""

    zip: zipfile.ZipFile
    data: dict[str, Any]
    manifest: dict[str, Any]
    media_keys: frozenset[str]
    limits: ArchiveLimits

    def read_media(self, key: str) -> bytes:
        """The bytes of media file ``key`` (checked against the manifest once more)."""
        name = MEDIA_PREFIX + key
        body = read_member(self.zip, self.zip.getinfo(name), self.limits.media_bytes)
        if hashlib.sha256(body).hexdigest() != self.manifest["files"][name]["sha256"]:
            raise ArchiveError(_("%(name)s changed while it was read.", name=name))
        return body

    def close(self) -> None:
        """Close the underlying ZIP file."""
        self.zip.close()


def open_archive(source: IO[bytes] | str | Path, limits: ArchiveLimits | None = None) -> Archive:
    """Open and check the archive at ``source``; :class:`ArchiveError` says what is wrong."""
    limits = limits or ArchiveLimits()
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise ArchiveError(
            _("The file is not a readable ZIP archive (%(reason)s).", reason=str(exc)[:120])
        ) from None
    try:
        infos = checked_members(archive, limits)
        manifest = manifest_of(archive, infos, limits)
        for name, info in infos.items():
            if name != MANIFEST:
                check_hash(archive, info, manifest["files"][name], limit_for(name, limits))
        data = json_member(archive, infos[DATA], limits.data_bytes, DATA)
        if not isinstance(data, dict):
            raise ArchiveError(_("%(name)s must hold an object of record lists.", name=DATA))
    except BaseException:
        archive.close()
        raise
    keys = frozenset(n[len(MEDIA_PREFIX) :] for n in infos if n.startswith(MEDIA_PREFIX))
    return Archive(archive, data, manifest, keys, limits)

"""The "all data" archive as a file: a ZIP with ``data.json``, ``media/<key>`` files and a
``manifest.json`` that gives the format, its version and each file's size and SHA-256.

    write_archive(target, data, media_files, exported_at)   # media_files: (key, bytes)
    archive = open_archive(source)   # checks the whole container, or ArchiveError
    archive.data, archive.media_keys, archive.read_media(key)

Nothing here needs Flask or the database (messages go through gettext, which gives
the English text outside the app). Reading trusts nothing in the file: before a
byte is decompressed the member names (no ``..``, no absolute paths, no links), their
number and their declared sizes are checked against fixed bounds; every member is then
read with its declared size as the limit and hashed, so a member that decompresses to
more (or less) than it declares, or differs from the manifest, refuses the archive.
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
from qrsvc.transfer.formats import TransferError, load_json

ARCHIVE_FORMAT = "qrsvc-archive"
ARCHIVE_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.json"
MEDIA_PREFIX = "media/"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class ArchiveLimits:
    """How much an archive may hold; anything beyond is refused before it is unpacked."""

    members: int = 100_000
    total_bytes: int = 4 * 1024**3
    data_bytes: int = 256 * 1024**2
    manifest_bytes: int = 32 * 1024**2
    # An uploaded photo or sound is at most 20 MB; a re-encoded master stays below that.
    media_bytes: int = 32 * 1024**2


class ArchiveError(TransferError):
    """An archive refused as a whole: damaged, unsafe, too large or not ours."""


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
        body = _read_member(self.zip, self.zip.getinfo(name), self.limits.media_bytes)
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
        infos = _checked_members(archive, limits)
        manifest = _manifest(archive, infos, limits)
        for name, info in infos.items():
            if name != MANIFEST:
                _check_hash(archive, info, manifest["files"][name], _limit_for(name, limits))
        data = _json_member(archive, infos[DATA], limits.data_bytes, DATA)
        if not isinstance(data, dict):
            raise ArchiveError(_("%(name)s must hold an object of record lists.", name=DATA))
    except BaseException:
        archive.close()
        raise
    keys = frozenset(n[len(MEDIA_PREFIX) :] for n in infos if n.startswith(MEDIA_PREFIX))
    return Archive(archive, data, manifest, keys, limits)


def _limit_for(name: str, limits: ArchiveLimits) -> int:
    if name == DATA:
        return limits.data_bytes
    if name == MANIFEST:
        return limits.manifest_bytes
    return limits.media_bytes


def _checked_members(archive: zipfile.ZipFile, limits: ArchiveLimits) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > limits.members:
        raise ArchiveError(
            _(
                "The archive has %(count)d files; at most %(limit)d are accepted.",
                count=len(infos),
                limit=limits.members,
            )
        )
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        shown = repr(name[:80])
        if _unsafe(name):
            raise ArchiveError(
                _(
                    "The archive holds an unsafe path %(name)s: no absolute paths, "
                    "'..', backslashes or drive letters.",
                    name=shown,
                )
            )
        if name in by_name:
            raise ArchiveError(_("The archive holds %(name)s twice.", name=shown))
        mode = info.external_attr >> 16
        if info.is_dir() or (stat.S_IFMT(mode) and not stat.S_ISREG(mode)):
            raise ArchiveError(
                _(
                    "%(name)s is a folder, a link or a device: an archive holds plain files only.",
                    name=shown,
                )
            )
        if info.flag_bits & 0x1:
            raise ArchiveError(
                _(
                    "%(name)s is encrypted; export the archive again without a password.",
                    name=shown,
                )
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ArchiveError(
                _("%(name)s is compressed in a way this qrsvc does not read.", name=shown)
            )
        if name not in (DATA, MANIFEST):
            if not name.startswith(MEDIA_PREFIX):
                raise ArchiveError(
                    _("%(name)s has no place in an archive (data, manifest, media/).", name=shown)
                )
            try:
                check_key(name[len(MEDIA_PREFIX) :])
            except ValueError:
                raise ArchiveError(
                    _("%(name)s is not a media file name of this service.", name=shown)
                ) from None
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise ArchiveError(
                _(
                    "%(name)s declares %(size)d bytes but holds another size.",
                    name=shown,
                    size=info.file_size,
                )
            )
        limit = _limit_for(name, limits)
        if info.file_size > limit:
            raise ArchiveError(
                _(
                    "%(name)s would unpack to %(size)d bytes; at most %(limit)d are accepted.",
                    name=shown,
                    size=info.file_size,
                    limit=limit,
                )
            )
        total += info.file_size
        if total > limits.total_bytes:
            raise ArchiveError(
                _(
                    "The archive would unpack to more than %(limit)d MB.",
                    limit=limits.total_bytes // 1024**2,
                )
            )
        by_name[name] = info
    for required in (MANIFEST, DATA):
        if required not in by_name:
            raise ArchiveError(
                _("The archive has no %(name)s: it is not a qrsvc archive.", name=required)
            )
    return by_name


def _unsafe(name: str) -> bool:
    parts = name.split("/")
    return (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or (len(name) > 1 and name[1] == ":")
        or any(part in ("", ".", "..") for part in parts)
    )


def _manifest(
    archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], limits: ArchiveLimits
) -> dict[str, Any]:
    manifest = _json_member(archive, infos[MANIFEST], limits.manifest_bytes, MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise ArchiveError(
            _("%(name)s does not describe a %(format)s file.", name=MANIFEST, format=ARCHIVE_FORMAT)
        )
    version = manifest.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ArchiveError(
            _("%(name)s: 'version' must be a whole number such as 1.", name=MANIFEST)
        )
    if version > ARCHIVE_VERSION:
        raise ArchiveError(
            _(
                "This archive has format version %(version)d; this qrsvc reads versions up to "
                "%(newest)d: update qrsvc first.",
                version=version,
                newest=ARCHIVE_VERSION,
            )
        )
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise ArchiveError(_("%(name)s has no list of files.", name=MANIFEST))
    members = set(infos) - {MANIFEST}
    missing, unlisted = sorted(set(files) - members), sorted(members - set(files))
    if missing:
        raise ArchiveError(
            _(
                "%(name)s lists %(file)s, which the archive lacks.",
                name=MANIFEST,
                file=repr(missing[0][:80]),
            )
        )
    if unlisted:
        raise ArchiveError(
            _(
                "The archive holds %(file)s, which %(name)s omits.",
                file=repr(unlisted[0][:80]),
                name=MANIFEST,
            )
        )
    for name, entry in files.items():
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("sha256"), str)
            or not isinstance(entry.get("size"), int)
        ):
            raise ArchiveError(
                _(
                    "%(name)s: the entry of %(file)s needs size and sha256.",
                    name=MANIFEST,
                    file=repr(name[:80]),
                )
            )
        if entry["size"] != infos[name].file_size:
            raise ArchiveError(
                _(
                    "%(file)s declares %(size)d bytes, %(name)s says %(listed)d.",
                    file=repr(name[:80]),
                    size=infos[name].file_size,
                    name=MANIFEST,
                    listed=entry["size"],
                )
            )
    return manifest


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The member's bytes, never more than its declared size (and ``limit``)."""
    wanted = min(info.file_size, limit)
    try:
        with archive.open(info) as stream:
            body = stream.read(wanted + 1)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        # A CRC error is what a member that unpacks to other than it declares gives.
        raise ArchiveError(
            _(
                "%(file)s is damaged or does not unpack to the size it declares (%(reason)s).",
                file=repr(info.filename[:80]),
                reason=str(exc)[:80],
            )
        ) from None
    if len(body) != info.file_size:
        raise ArchiveError(
            _(
                "%(file)s unpacks to %(size)d bytes, not the %(declared)d it declares.",
                file=repr(info.filename[:80]),
                size=len(body),
                declared=info.file_size,
            )
        )
    return body


def _check_hash(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, entry: dict[str, Any], limit: int
) -> None:
    body = _read_member(archive, info, limit)
    if hashlib.sha256(body).hexdigest() != entry["sha256"].lower():
        raise ArchiveError(
            _(
                "%(file)s does not match its SHA-256 in %(name)s: "
                "the archive was changed or damaged.",
                file=repr(info.filename[:80]),
                name=MANIFEST,
            )
        )


def _json_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, name: str) -> Any:
    body = _read_member(archive, info, limit)
    try:
        return load_json(body.decode("utf-8"))
    except ValueError as exc:  # also UnicodeDecodeError, and values nested too deep
        raise ArchiveError(
            _("%(name)s is not valid JSON (%(reason)s).", name=name, reason=str(exc)[:120])
        ) from None

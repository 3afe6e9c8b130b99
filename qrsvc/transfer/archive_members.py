"""The members of an "all data" archive, checked before and while they are read.

Before a byte is decompressed, :func:`checked_members` checks the member names (no
``..``, no absolute paths, no links), their number and their declared sizes against
:class:`ArchiveLimits`, and :func:`manifest_of` the manifest; :func:`read_member` then
reads a member with its declared size as the limit, so a member that decompresses to
more (or less) than it declares refuses the archive. :mod:`qrsvc.transfer.archive`
opens and writes archives with these.
"""

from __future__ import annotations

import hashlib
import stat
import zipfile
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from qrsvc.media.storage import check_key
from qrsvc.transfer.formats import TransferError, load_json

ARCHIVE_FORMAT = "qrsvc-archive"
ARCHIVE_VERSION = 2  # 2: areas, site, payment accounts, listings, tamperings
MANIFEST = "manifest.json"
DATA = "data.json"
MEDIA_PREFIX = "media/"


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


def limit_for(name: str, limits: ArchiveLimits) -> int:
    """The most member ``name`` may unpack to."""
    if name == DATA:
        return limits.data_bytes
    if name == MANIFEST:
        return limits.manifest_bytes
    return limits.media_bytes


def checked_members(archive: zipfile.ZipFile, limits: ArchiveLimits) -> dict[str, zipfile.ZipInfo]:
    """The members by name, once names, kinds, count and declared sizes are checked."""
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
        if unsafe_name(name):
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
        limit = limit_for(name, limits)
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


def unsafe_name(name: str) -> bool:
    """True for a member name that could point outside a folder (``..``, ``/x``, ``C:``)."""
    parts = name.split("/")
    return (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or (len(name) > 1 and name[1] == ":")
        or any(part in ("", ".", "..") for part in parts)
    )


def manifest_of(
    archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], limits: ArchiveLimits
) -> dict[str, Any]:
    """The manifest, checked: our format, a version we read, every member listed once."""
    manifest = json_member(archive, infos[MANIFEST], limits.manifest_bytes, MANIFEST)
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


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
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


def check_hash(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, entry: dict[str, Any], limit: int
) -> None:
    """Refuse the archive when the member differs from its SHA-256 in the manifest."""
    body = read_member(archive, info, limit)
    if hashlib.sha256(body).hexdigest() != entry["sha256"].lower():
        raise ArchiveError(
            _(
                "%(file)s does not match its SHA-256 in %(name)s: "
                "the archive was changed or damaged.",
                file=repr(info.filename[:80]),
                name=MANIFEST,
            )
        )


def json_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, name: str) -> Any:
    """The member's JSON value; :class:`ArchiveError` when it is not JSON."""
    body = read_member(archive, info, limit)
    try:
        return load_json(body.decode("utf-8"))
    except ValueError as exc:  # also UnicodeDecodeError, and values nested too deep
        raise ArchiveError(
            _("%(name)s is not valid JSON (%(reason)s).", name=name, reason=str(exc)[:120])
        ) from None

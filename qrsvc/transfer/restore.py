"""Restoring an "all data" archive into a fresh instance: everything or nothing.

    report = restore_archive(archive, store, apply=True)

Three steps, each only when the one before found nothing wrong:

1. every record is checked (:mod:`qrsvc.transfer.checks` and its neighbours), media
   files included, before the database is touched;
2. every record is inserted in one transaction, each top-level record in a savepoint,
   so the database's own constraints add their per-row errors;
3. with ``apply``, the media files are written to the store and the transaction is
   committed; should either fail, the files written are removed again.

The stored search text of relics, producers and products is computed again, never taken
from the file. The archive's site settings take the place of any set on the fresh
instance before (``qrsvc site init``); areas, like content, make an instance not fresh.

A preview (``apply=False``) runs steps 1 and 2 and rolls back. The records keep their
codes, references, media keys, event ids and timestamps, so the restored instance
serves the same pages at the same addresses; only the database ids are new.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from qrsvc import cache
from qrsvc.database import begin_write
from qrsvc.media import MediaError, MediaStore
from qrsvc.models import Area, Media, Producer, Product, Relic
from qrsvc.site import forget_site
from qrsvc.transfer import (
    checks,
    checks_media,
    checks_payments,
    checks_places,
    checks_relics,
    inserts,
)
from qrsvc.transfer.archive import Archive, ArchiveError
from qrsvc.transfer.service import ImportReport, RowResult
from qrsvc.transfer.snapshot import KINDS, media_files

log = logging.getLogger(__name__)
MAX_RECORDS = 200_000
#: The record's key, shown in the report.
KEYS = {
    "areas": "code",
    "site": "hotline",
    "payment_accounts": "account_number",
    "retail_listings": "url",
    "sign_tamperings": "relic",
    "producers": "ref",
    "media": "storage_key",
    "relics": "code",
    "products": "ref",
    "batches": "ref",
}
CHECKS = {
    "areas": checks_places.check_area,
    "site": checks_places.check_site,
    "payment_accounts": checks_payments.check_account,
    "retail_listings": checks_payments.check_listing,
    "sign_tamperings": checks_payments.check_tampering,
    "producers": checks.check_producer,
    "relics": checks_relics.check_relic,
    "products": checks.check_product,
    "batches": checks.check_batch,
}
#: Tables whose rows make an instance no longer fresh.
CONTENT = {
    "relics": Relic,
    "producers": Producer,
    "products": Product,
    "media": Media,
    "areas": Area,
}


def restore_archive(archive: Archive, store: MediaStore, *, apply: bool) -> ImportReport:
    """Check (and with ``apply``, store) every record and file of ``archive``.

    Raises :class:`ArchiveError` when the instance is not fresh or the records are not
    lists; every other problem is a row of the report, and then nothing is stored.
    """
    lists = _record_lists(archive.data)
    session = begin_write()
    try:
        _refuse_unless_fresh(session)
        report, checked = _check_all(lists, archive)
        if report.ok:
            _insert_all(session, checked, report)
        if apply and report.ok:
            _store_and_commit(session, archive, store, lists)
            report.applied = True
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    return report


def _record_lists(data: dict[str, Any]) -> dict[str, list[Any]]:
    unknown = sorted(set(data) - set(KINDS))
    if unknown:
        raise ArchiveError(
            _(
                "data.json holds %(value)s, which is no kind of record.",
                value=repr(unknown[0][:40]),
            )
        )
    lists = {kind: data.get(kind) or [] for kind in KINDS}
    if not all(isinstance(rows, list) for rows in lists.values()):
        raise ArchiveError(
            "data.json: " + _("%(kinds)s must each be a list.", kinds=", ".join(KINDS))
        )
    if sum(map(len, lists.values())) > MAX_RECORDS:
        raise ArchiveError(_("data.json holds more than %(limit)d records.", limit=MAX_RECORDS))
    return lists


def _refuse_unless_fresh(session: Session) -> None:
    found = {
        kind: n
        for kind, model in CONTENT.items()
        if (n := session.scalar(select(func.count()).select_from(model)))
    }
    if found:
        held = ", ".join(f"{n} {kind}" for kind, n in found.items())
        raise ArchiveError(
            _(
                "This instance already holds records (%(held)s). An archive is restored into a "
                "fresh instance only; to add or update records here, import a JSON or CSV file.",
                held=held,
            )
        )


def _check_all(lists, archive: Archive) -> tuple[ImportReport, dict[str, list]]:
    report = ImportReport()
    seen = checks.Seen()
    checked: dict[str, list] = {kind: [] for kind in KINDS}
    for kind in KINDS:
        for index, raw in enumerate(lists[kind]):
            result = RowResult(kind, index + 1, "")
            report.rows.append(result)
            if not isinstance(raw, dict):
                result.errors.append(_("A record must be an object of fields."))
                continue
            key = raw.get(KEYS[kind])
            result.key = str(key)[:60] if key is not None else ""
            row = _("%(kind)s record %(number)d", kind=kind, number=index + 1)
            if kind == "media":
                values = checks_media.check_media(
                    raw, result.errors, seen, row, archive.read_media, archive.media_keys
                )
            else:
                values = CHECKS[kind](raw, result.errors, seen, row)
            result.action = "create"
            checked[kind].append((result, values))
    for result, values in checked["relics"]:
        checks_relics.check_related(values, result.errors, seen)
    for result, values in checked["batches"]:
        checks.check_inputs(values, result.errors, seen)
    used = {key for _kind, key in seen.keys if _kind == "media file"}
    for key in sorted(archive.media_keys - used):
        report.rows.append(
            RowResult("media", 0, key[:60], errors=[_("No media record uses this file.")])
        )
    return report, checked


def _insert_all(session: Session, checked: dict[str, list], report: ImportReport) -> None:
    ids: inserts.Ids = {kind: {} for kind in KINDS}
    for kind, step in inserts.STEPS.items():
        for result, values in checked[kind]:
            insert = partial(step, session, ids=ids)
            made = _in_savepoint(session, result, insert, values)
            ids[kind][values.get(KEYS[kind])] = made
    for result, values in checked["relics"]:
        _in_savepoint(session, result, lambda v: inserts.insert_related(session, v, ids), values)
    for result, values in checked["batches"]:
        _in_savepoint(session, result, lambda v: inserts.insert_inputs(session, v, ids), values)
    if report.ok:
        inserts.refresh_search_text(session)


def _in_savepoint(session: Session, result: RowResult, step, values) -> Any:
    savepoint = session.begin_nested()
    try:
        made = step(values)
    except DBAPIError as exc:  # a constraint, or a value the database refuses
        savepoint.rollback()
        result.errors.append(str(exc.orig).splitlines()[0][:200])
        return None
    savepoint.commit()
    return made


def _store_and_commit(session: Session, archive: Archive, store: MediaStore, lists) -> None:
    written: list[str] = []
    try:
        for key in media_files(lists):
            if store.exists(key):
                # A fresh instance has no media records: what is there is left from
                # another life. It is replaced, but never removed on failure.
                log.warning("restore replaces the orphan media file %s", key)
            else:
                written.append(key)
            store.save(key, archive.read_media(key), _content_type(key))
        session.commit()
        forget_site()  # the archive's site is shown from now on,
        cache.bump_generation()  # and no page kept from before the restore
    except (OSError, MediaError, SQLAlchemyError) as exc:
        session.rollback()
        for key in written:
            store.delete(key)
        media = isinstance(exc, MediaError)
        reason = _(exc.template, **exc.params) if media else str(exc)[:200]
        raise ArchiveError(_("Nothing was restored: %(reason)s", reason=reason)) from None


def _content_type(key: str) -> str:
    extension = key.rsplit(".", 1)[-1]
    return {
        "jpg": "image/jpeg",
        "png": "image/png",
        "webp": "image/webp",
        "mp3": "audio/mpeg",
        "ogg": "audio/ogg",
        "flac": "audio/flac",
        "wav": "audio/wav",
        "m4a": "audio/mp4",
        "webm": "audio/webm",
    }.get(extension, "application/octet-stream")

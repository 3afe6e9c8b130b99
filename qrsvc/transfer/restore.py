"""Restoring an "all data" archive into a fresh instance: everything or nothing.

    report = restore_archive(archive, store, apply=True)

Three steps, each only when the one before found nothing wrong:

1. every record is checked (:mod:`qrsvc.transfer.checks`), media files included,
   before the database is touched;
2. every record is inserted in one transaction, each top-level record in a savepoint,
   so the database's own constraints add their per-row errors;
3. with ``apply``, the media files are written to the store and the transaction is
   committed; should either fail, the files written are removed again.

A preview (``apply=False``) runs steps 1 and 2 and rolls back. The records keep their
codes, references, media keys, event ids and timestamps, so the restored instance
serves the same pages at the same addresses; only the database ids are new.
"""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, insert, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from qrsvc.database import begin_write
from qrsvc.media import MediaError, MediaStore
from qrsvc.models import (
    Batch,
    BatchInput,
    Festival,
    Media,
    Producer,
    Product,
    RelatedRelic,
    Relic,
    RelicMedia,
    RelicSlug,
    RelicTranslation,
    Stele,
    TraceEvent,
    TraceLink,
)
from qrsvc.models.events import trace_event_evidence
from qrsvc.transfer import checks
from qrsvc.transfer.archive import Archive, ArchiveError
from qrsvc.transfer.service import ImportReport, RowResult
from qrsvc.transfer.snapshot import KINDS, media_files

log = logging.getLogger(__name__)
MAX_RECORDS = 200_000
#: The record's key, shown in the report.
KEYS = {
    "producers": "ref",
    "media": "storage_key",
    "relics": "code",
    "products": "ref",
    "batches": "ref",
}
CHECKS = {
    "producers": checks.check_producer,
    "relics": checks.check_relic,
    "products": checks.check_product,
    "batches": checks.check_batch,
}
#: Tables whose rows make an instance no longer fresh.
CONTENT = {"relics": Relic, "producers": Producer, "products": Product, "media": Media}


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
                values = checks.check_media(
                    raw, result.errors, seen, row, archive.read_media, archive.media_keys
                )
            else:
                values = CHECKS[kind](raw, result.errors, seen, row)
            result.action = "create"
            checked[kind].append((result, values))
    for result, values in checked["relics"]:
        checks.check_related(values, result.errors, seen)
    for result, values in checked["batches"]:
        checks.check_inputs(values, result.errors, seen)
    used = {key for _kind, key in seen.keys if _kind == "media file"}
    for key in sorted(archive.media_keys - used):
        report.rows.append(
            RowResult("media", 0, key[:60], errors=[_("No media record uses this file.")])
        )
    return report, checked


def _insert_all(session: Session, checked: dict[str, list], report: ImportReport) -> None:
    ids: dict[str, dict[Any, int]] = {kind: {} for kind in KINDS}
    steps = (
        ("producers", lambda v: _insert(session, Producer, v)),
        ("media", lambda v: _insert_media(session, v, ids)),
        ("relics", lambda v: _insert_relic(session, v, ids)),
        ("products", lambda v: _insert_product(session, v, ids)),
        ("batches", lambda v: _insert_batch(session, v, ids)),
    )
    for kind, step in steps:
        for result, values in checked[kind]:
            ids[kind][values[KEYS[kind]]] = _in_savepoint(session, result, step, values)
    for result, values in checked["relics"]:
        _in_savepoint(session, result, lambda v: _insert_related(session, v, ids), values)
    for result, values in checked["batches"]:
        _in_savepoint(session, result, lambda v: _insert_inputs(session, v, ids), values)


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


def _insert(session: Session, model, values: dict[str, Any]) -> int:
    columns = {c.key for c in model.__table__.columns}
    row = {k: v for k, v in values.items() if k in columns}
    return session.execute(insert(model.__table__).values(**row)).inserted_primary_key[0]


def _insert_media(session: Session, values: dict, ids: dict) -> int:
    return _insert(
        session, Media, values | {"producer_id": ids["producers"].get(values["producer"])}
    )


def _insert_relic(session: Session, values: dict, ids: dict) -> int:
    relic_id = _insert(session, Relic, values)
    parts = ((RelicTranslation, "translations"), (Festival, "festivals"), (Stele, "steles"))
    for model, name in parts:
        for part in values[name]:
            _insert(session, model, part | {"relic_id": relic_id})
    for picture in values["media"]:
        row = {"relic_id": relic_id, "media_id": ids["media"][picture["media"]]}
        _insert(session, RelicMedia, row | {"position": picture["position"]})
    for slug in values["old_slugs"]:
        _insert(session, RelicSlug, {"slug": slug, "relic_id": relic_id})
    return relic_id


def _insert_related(session: Session, values: dict, ids: dict) -> None:
    for code in values["related"]:
        pair = {"relic_id": ids["relics"][values["code"]], "related_id": ids["relics"][code]}
        _insert(session, RelatedRelic, pair)


def _insert_product(session: Session, values: dict, ids: dict) -> int:
    photo_ids = [ids["media"][key] for key in values["photos"]]
    product_id = _insert(
        session,
        Product,
        values | {"producer_id": ids["producers"][values["producer"]], "photo_ids": photo_ids},
    )
    for link in values["links"]:
        _insert(session, TraceLink, link | {"product_id": product_id, "batch_id": None})
    return product_id


def _insert_batch(session: Session, values: dict, ids: dict) -> int:
    product_id = ids["products"][values["product"]]
    batch_id = _insert(session, Batch, values | {"product_id": product_id})
    for link in values["links"]:
        _insert(session, TraceLink, link | {"product_id": product_id, "batch_id": batch_id})
    for event in values["events"]:
        event_id = _insert(session, TraceEvent, event | {"batch_id": batch_id})
        for key in event["evidence"]:
            row = {"event_id": event_id, "media_id": ids["media"][key]}
            session.execute(insert(trace_event_evidence).values(**row))
    return batch_id


def _insert_inputs(session: Session, values: dict, ids: dict) -> None:
    batch_id = ids["batches"][values["ref"]]
    for made_from in values["inputs"]:
        input_id = ids["batches"].get(made_from["input_batch"])
        _insert(session, BatchInput, made_from | {"batch_id": batch_id, "input_batch_id": input_id})


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

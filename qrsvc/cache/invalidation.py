"""The content generation: which commits move it, and reading and moving it.

Every key of the cache carries the generation (:meth:`PageCache.key`), so moving it
makes every cached page stale in every process at once, without finding one entry.
A commit moves it when its flush or its bulk statements touched one of
:data:`CONTENT_TABLES`; raw SQL does not pass here, so who runs it calls
:func:`bump_generation`.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from qrsvc.cache.stores import PageCache

log = logging.getLogger("qrsvc.cache")

#: Where an application keeps its :class:`PageCache` (``app.extensions[EXTENSION]``).
EXTENSION = "qrsvc.cache"
#: Tables whose rows appear on public pages: a commit touching one bumps the generation.
#: Stamp runs and their activations are kept by the stamp pages (:mod:`qrsvc.stamps.facts`);
#: a stamp's counts (stamp_states, stamp_scans) change with every scan and are never kept.
CONTENT_TABLES = frozenset({
    "relics", "relic_translations", "relic_slugs", "related_relics", "festivals", "steles",
    "relic_media", "media", "producers", "products", "trace_links", "batches", "batch_inputs",
    "trace_events", "trace_event_evidence", "stamp_runs", "stamp_run_changes",
    "site_settings",
})  # fmt: skip
_CHANGED = "qrsvc.cache.content_changed"


def page_cache(app: Flask | None = None) -> PageCache:
    """The cache of ``app`` (the current application by default)."""
    return (app or current_app).extensions[EXTENSION]


def content_generation() -> str:
    """The current content generation of the current application."""
    return page_cache().generation.current()


def bump_generation(app: Flask | None = None) -> None:
    """Make every cached page stale, in every process; call it after a raw SQL change."""
    try:
        page_cache(app).generation.bump()
    except Exception:  # noqa: BLE001 - the commit stands; pages lag at most PAGE_CACHE_SECONDS
        log.exception("could not move the page cache generation")


def listen_for_content_changes() -> None:
    """Make content commits of every session move the generation (once per process)."""
    if event.contains(Session, "after_commit", _after_commit):
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _after_execute)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)


def _after_flush(session: Session, _context) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in CONTENT_TABLES:
            session.info[_CHANGED] = True
            return


def _after_execute(state) -> None:
    # Bulk UPDATE/DELETE/INSERT statements never pass through the flush.
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in CONTENT_TABLES:
            state.session.info[_CHANGED] = True


def _after_commit(session: Session) -> None:
    changed = session.info.pop(_CHANGED, False)
    if changed and has_app_context() and EXTENSION in current_app.extensions:
        bump_generation()


def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)

"""Revision history: who changed which record, when, and each field's old and new value.

Every save through :func:`qrsvc.admin.editing.save_record` writes one
:class:`~qrsvc.models.Revision` whose ``changes`` are ``{field: [old, new]}`` in the
flat shape of :meth:`EntitySpec.read`. The state of a record at any version is
then the current state with the newer revisions undone, which also works for
records created before the admin existed (demo data, imports).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qrsvc.extensions import db
from qrsvc.models import Revision


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value differs."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record_revision(
    session: Session,
    entity_type: str,
    entity_id: int,
    version: int,
    action: str,
    changes: dict[str, list[Any]],
    user_id: int | None,
) -> Revision:
    """Add one revision to the session (the caller commits)."""
    revision = Revision(
        entity_type=entity_type,
        entity_id=entity_id,
        version=version,
        action=action,
        changes=changes,
        user_id=user_id,
    )
    session.add(revision)
    return revision


def history(entity_type: str, entity_id: int) -> list[Revision]:
    """The revisions of one record, newest first."""
    stmt = (
        select(Revision)
        .where(Revision.entity_type == entity_type, Revision.entity_id == entity_id)
        .order_by(Revision.id.desc())
    )
    return list(db.session.scalars(stmt))


def changes_since(entity_type: str, entity_id: int, version: int) -> list[Revision]:
    """Revisions made after ``version`` (what someone else saved meanwhile), oldest first."""
    stmt = (
        select(Revision)
        .where(
            Revision.entity_type == entity_type,
            Revision.entity_id == entity_id,
            Revision.version > version,
        )
        .order_by(Revision.id)
    )
    return list(db.session.scalars(stmt))


def state_after(current: dict[str, Any], newer: list[Revision]) -> dict[str, Any]:
    """The flat state once ``newer`` revisions (any order) are undone from ``current``."""
    state = dict(current)
    for revision in sorted(newer, key=lambda r: r.id, reverse=True):
        for key, (old, _new) in revision.changes.items():
            if old is None:
                state.pop(key, None)
            else:
                state[key] = old
    return state

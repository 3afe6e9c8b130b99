"""Revision history: who changed which record, when, and each field's old and new value.

Every save through :func:`qrsvc.admin.editing.save_record` writes one
:class:`~qrsvc.models.Revision` whose ``changes`` are ``{field: [old, new]}`` in the
flat shape of :meth:`EntitySpec.read`. The state of a record at any version is
then the current state with the newer revisions undone, which also works for
records created before the admin existed (demo data, imports).

Two people saving the same record are reconciled field by field (:func:`merge`):
the state at the version one of them loaded is rebuilt from the revisions, so
what each of them changed is known, and only a field both changed differently
needs a person to choose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qrsvc.admin.records import EntitySpec, same_value
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


def restorable_before(revision: Revision) -> bool:
    """True when the state before ``revision`` is a version of the record: not for the
    revision that created it (before it, nothing existed)."""
    if revision.action in ("create", "delete"):
        return False
    return any(old is not None for old, _new in (revision.changes or {}).values())


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
            # Kept even when None: "latitude was empty" must empty it again on a restore,
            # where a missing key would leave the newer value in place.
            state[key] = old
    return state


def state_at(
    entity_type: str,
    entity_id: int,
    current: dict[str, Any],
    current_version: int,
    version: int | None,
) -> dict[str, Any] | None:
    """The flat state at ``version``, or None when the history cannot tell it.

    That is when ``version`` is missing or from the future, or when some version in
    between has no revision (a change made outside the admin): guessing then could
    lose someone's work, so the caller treats every difference as a conflict.
    """
    if version is None or version > current_version:
        return None
    newer = changes_since(entity_type, entity_id, version)
    if sorted({r.version for r in newer}) != list(range(version + 1, current_version + 1)):
        return None
    return state_after(current, newer)


@dataclass
class Merge:
    """What saving someone's form over a newer version gives, field by field."""

    values: dict[str, Any]  # what to save: theirs where only they changed, mine elsewhere
    conflicts: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # key → (mine, stored)

    @property
    def clean(self) -> bool:
        """True when nothing needs a person to choose."""
        return not self.conflicts


def merge(
    spec: EntitySpec,
    base: dict[str, Any] | None,
    stored: dict[str, Any],
    mine: dict[str, Any],
) -> Merge:
    """Merge the editor's values ``mine`` (made from ``base``) with the ``stored`` newer state.

    A field the editor did not change keeps the stored value; a field only the editor
    changed takes the editor's value; a field both changed differently is a conflict.
    Without a ``base`` (see :func:`state_at`) every difference is a conflict.
    Per-language fields merge per language (``name.vi`` and ``name.en`` apart).
    """
    result = Merge(values=dict(mine))
    for key in sorted(set(stored) | set(mine) | set(base or {})):
        f = spec.field_of(key)
        if f is None or f.create_only:
            continue  # not editable here: the stored value stays whatever the form says
        now = stored.get(key)
        was = now if base is None else base.get(key)
        # A language missing from the form was left empty; a field it did not send was not.
        wanted = mine.get(key) if f.i18n or key in mine else was
        if same_value(f, wanted, now):
            result.values[key] = wanted if key in mine else now  # as typed: checks expect it
        elif base is not None and same_value(f, wanted, was):
            result.values[key] = now  # only the other editor changed it
        elif base is not None and same_value(f, now, was):
            result.values[key] = wanted
        else:
            result.conflicts[key] = (wanted, now)
    return result

"""The service that saves edited records: version check, validation, revision, commit.

Two people may open the same record. The form carries the version it was loaded
with; the save compares it with the current version under the write lock
(:func:`begin_write`). When someone saved in between, the two are merged field by
field (:func:`qrsvc.content.revisions.merge`): what only one of them changed is kept,
and a field both changed is refused with an :class:`EditConflictError` that shows
both values, so that the editor chooses; nothing is saved until then.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import NotFound

from qrsvc.content import revisions
from qrsvc.content.records import EntitySpec, same_value
from qrsvc.content.scope import in_reach, scoped
from qrsvc.database import begin_write
from qrsvc.models import Revision, User, utcnow


class EditConflictError(Exception):
    """Someone saved the record after the form was loaded, and a person must choose.

    ``conflicts`` maps each flat key both changed to ``(mine, stored)``; ``values``
    are the editor's values merged with the newer ones (theirs where only they
    changed something), to show in the form again.
    """

    def __init__(
        self,
        current_version: int,
        newer: list[Revision],
        conflicts: dict[str, tuple[Any, Any]] | None = None,
        values: dict[str, Any] | None = None,
    ) -> None:
        """Keep the current version, the revisions made meanwhile and the conflicts."""
        super().__init__(_("Someone else saved this record meanwhile."))
        self.current_version = current_version
        self.newer = newer
        self.conflicts = conflicts or {}
        self.values = values


class InvalidRecordError(Exception):
    """The values cannot be saved; ``errors`` maps a field (or ``""``) to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        """Keep the messages for the form."""
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def version_of(session, spec: EntitySpec, record: Any) -> int:
    """The version a form carries: the version column, or for records without one
    (festivals, steles) the version of their last revision, since every save adds one."""
    if hasattr(record, "version"):
        return record.version
    if record.id is None:
        return 0
    stmt = select(func.max(Revision.version)).where(
        Revision.entity_type == spec.name, Revision.entity_id == record.id
    )
    return session.scalar(stmt) or 1


class _ParentSpec:
    """Just enough of a spec to load a parent record through the scoping rules."""

    def __init__(self, model: type) -> None:
        self.model = model


def _load(session, spec: EntitySpec, record_id: int, user: User) -> Any:
    stmt = scoped(select(spec.model).where(spec.model.id == record_id), spec.model, user)
    record = session.scalar(stmt)
    if record is None:
        session.rollback()
        raise NotFound()
    return record


def save_record(
    spec: EntitySpec,
    user: User,
    record_id: int | None,
    values: dict[str, Any],
    expected_version: int | None,
    *,
    parent_id: int | None = None,
    action: str | None = None,
    keep_stored: frozenset[str] = frozenset(),
    undecided: frozenset[str] = frozenset(),
    restored_from: int | None = None,
) -> Any:
    """Create or update a record from flat ``values``; returns the saved record.

    ``values`` are based on ``expected_version``; when someone saved since, they are
    merged with that newer save field by field. After a conflict, ``keep_stored``
    names the fields where the editor chose the stored value (as it was at
    ``expected_version``), and ``undecided`` those still to choose. A restore names
    the version it puts back in ``restored_from`` (kept in the revision).

    Raises :class:`EditConflictError` when a field needs the editor's choice,
    :class:`InvalidRecordError` when a check refuses the values, ``NotFound`` when
    ``user`` may not see the record (or its parent).
    """
    session = begin_write()
    creating = record_id is None
    if creating:
        if spec.parent_model is not None:
            _load(session, _ParentSpec(spec.parent_model), parent_id or 0, user)
        record = spec.new(session, user, parent_id)
        before: dict[str, Any] = {}
    else:
        record = _load(session, spec, record_id, user)
        current = version_of(session, spec, record)
        before = spec.read(record)
        merged = _merge(
            spec, record, before, current, values, expected_version, keep_stored, undecided
        )
        if not merged.clean:
            newer = revisions.changes_since(spec.name, record.id, expected_version or 0)
            session.rollback()
            raise EditConflictError(current, newer, merged.conflicts, merged.values)
        values = merged.values
    errors = spec.check(session, record, values) if spec.check else {}
    if errors:
        session.rollback()
        raise InvalidRecordError(errors)
    spec.write(record, values, creating=creating)
    if creating:
        session.add(record)
    elif hasattr(record, "updated_at"):
        record.updated_at = utcnow()  # an UPDATE even when only translations changed: bumps version
    try:
        session.flush()
    except StaleDataError:  # saved by someone between our read and our write
        session.rollback()
        raise EditConflictError(-1, [], values=values) from None
    except IntegrityError as exc:
        session.rollback()
        raise InvalidRecordError(
            {"": _("This would duplicate another record (%(e)s).", e=_short(exc))}
        ) from None
    if not in_reach(spec.model, record.id, user):
        # Saved out of the user's own reach (an editor's relic outside its areas, or
        # without an area): refused, as if it were another's record.
        session.rollback()
        raise InvalidRecordError({"": _("You may only save records of your own areas.")})
    changes = revisions.diff(before, spec.read(record))
    if not changes and not creating:
        session.rollback()  # nothing changed: no revision, no new version
        return record
    # Records without a version column count their revisions instead (see version_of).
    unversioned = 1 if creating else current + 1
    if restored_from is not None:
        changes[revisions.RESTORED_FROM] = restored_from
    new_version = record.version if hasattr(record, "version") else unversioned
    revisions.record_revision(
        session,
        spec.name,
        record.id,
        new_version,
        action or ("create" if creating else "update"),
        changes,
        user.id,
    )
    session.commit()
    return record


def delete_record(spec: EntitySpec, user: User, record_id: int, expected_version: int | None):
    """Remove a record, keeping its last values in a "delete" revision; returns its parent id.

    Raises :class:`EditConflictError` when someone changed it since it was shown.
    """
    session = begin_write()
    record = _load(session, spec, record_id, user)
    current = version_of(session, spec, record)
    if expected_version is None or current != expected_version:
        newer = revisions.changes_since(spec.name, record.id, expected_version or 0)
        session.rollback()
        raise EditConflictError(current, newer)
    parent_id = getattr(record, spec.parent_attr) if spec.parent_attr else None
    changes = {key: [value, None] for key, value in spec.read(record).items()}
    version = current + 1
    session.delete(record)
    revisions.record_revision(session, spec.name, record_id, version, "delete", changes, user.id)
    session.commit()
    return parent_id


def _merge(spec, record, stored, current, values, expected, keep_stored, undecided):
    """The editor's ``values`` merged with what was saved since version ``expected``.

    Choices made after a conflict come first: ``keep_stored`` fields take the value
    stored at ``expected`` (what the editor was shown), so a newer save of them still
    wins; an ``undecided`` field that differs from the stored value stays a conflict.
    """
    if expected == current:
        base = stored
    else:
        base = revisions.state_at(spec.name, record.id, stored, current, expected)
    values = {**values, **{key: (base or stored).get(key) for key in keep_stored}}
    merged = revisions.merge(spec, base, stored, values)
    for key in undecided - keep_stored:
        f = spec.field_of(key)
        mine, now = merged.values.get(key), stored.get(key)
        if f and key not in merged.conflicts and not same_value(f, mine, now):
            merged.conflicts[key] = (mine, now)
    return merged


def restore_revision(
    spec: EntitySpec, user: User, revision: Revision, *, before: bool = False
) -> Any:
    """Put a record back as it was right after ``revision`` (or, ``before``, right before
    it: the first version of a record made outside the admin has no revision of its own).
    The restore is a new revision: history is never rewritten."""
    session = begin_write()
    record = _load(session, spec, revision.entity_id, user)
    current = spec.read(record)
    since = revision.version - 1 if before else revision.version
    newer = revisions.changes_since(spec.name, record.id, since)
    target = revisions.state_after(current, newer)
    version = version_of(session, spec, record)
    session.rollback()
    return save_record(
        spec, user, revision.entity_id, target, version, action="restore", restored_from=since
    )


def _short(exc: IntegrityError) -> str:
    text = str(exc.orig).splitlines()[0] if exc.orig else ""
    return text[:120]

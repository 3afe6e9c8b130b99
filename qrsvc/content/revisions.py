"""Revision history: who changed which record, when, and each field's old and new value.

Every save through :func:`qrsvc.content.editing.save_record` writes one
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
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qrsvc.content.records import EntitySpec, Field, same_value
from qrsvc.extensions import db
from qrsvc.i18n import LANGUAGE_NAMES
from qrsvc.models import Revision

#: A key of a revision's ``changes`` that is not a field: the version a restore put back.
#: Field keys never start with "@", so such notes cannot be taken for a change.
RESTORED_FROM = "@restored_from"


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


def field_changes(changes: dict[str, Any] | None) -> dict[str, list[Any]]:
    """The ``{field: [old, new]}`` part of a revision's ``changes`` (notes left out)."""
    return {k: v for k, v in (changes or {}).items() if not k.startswith("@")}


def restored_from(revision: Revision) -> int | None:
    """The version a "restore" revision put back, when it was recorded."""
    version = (revision.changes or {}).get(RESTORED_FROM)
    return version if isinstance(version, int) and not isinstance(version, bool) else None


@dataclass(frozen=True)
class ShownChange:
    """One changed field as a person reads it: its form label and the values' words."""

    key: str
    label: str
    lang: str | None
    before: Any
    after: Any


def field_label(spec: EntitySpec, key: str) -> str:
    """The form label of flat ``key``, with the language of a per-language field:
    ``architecture.en`` → "Kiến trúc (English)"; an unknown key is shown as it is."""
    name, _sep, lang = key.partition(".")
    f = spec.field_of(key)
    if f is None:
        return key
    if lang:
        return f"{f.label} ({LANGUAGE_NAMES.get(lang, lang)})"
    return str(f.label)


def shown_value(spec: EntitySpec, key: str, value: Any) -> Any:
    """A flat value in the words of the form: a choice's label, a date as a date."""
    f: Field | None = spec.field_of(key)
    if f is None or value is None or value == "":
        return value
    if f.kind in ("choice", "ref"):
        return spec.choice_label(f.name, value)
    try:
        if f.kind == "date" and isinstance(value, str):
            return date.fromisoformat(value)
        if f.kind == "datetime" and isinstance(value, str):
            return datetime.fromisoformat(value)
    except ValueError:
        pass  # a value the field never held: shown as it was stored
    return value


def shown_changes(spec: EntitySpec, changes: dict[str, Any] | None) -> list[ShownChange]:
    """The field changes of a revision in the order of the form, labelled for people."""
    order = {f.name: i for i, f in enumerate(spec.fields)}
    rows = [
        ShownChange(
            key=key,
            label=field_label(spec, key),
            lang=key.partition(".")[2] or None,
            before=shown_value(spec, key, old),
            after=shown_value(spec, key, new),
        )
        for key, (old, new) in field_changes(changes).items()
    ]
    return sorted(rows, key=lambda r: (order.get(r.key.partition(".")[0], len(order)), r.key))


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
    return any(old is not None for old, _new in field_changes(revision.changes).values())


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
        for key, (old, _new) in field_changes(revision.changes).items():
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

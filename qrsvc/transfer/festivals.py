"""Festivals and steles of a relic in an exchange file.

Neither has a code of its own. A row names its relic by code (``relic``), and is
told apart from the relic's other festivals by its lunar date (two festivals of
one relic do not start on the same lunar day) and from its other steles by its
position. A row whose record exists updates it, any other row creates one; as
for relics and products, an import deletes nothing.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from qrsvc.content.checks import identifier_message
from qrsvc.content.editing import version_of
from qrsvc.content.revisions import diff, record_revision
from qrsvc.identifiers import IdentifierError, relic_code
from qrsvc.models import Relic
from qrsvc.transfer.validation import check_cells, printable, row_cells

#: With the relic, the fields that tell one festival (stele) of a relic from another.
PART_KEYS = {"festivals": ("lunar_month", "lunar_day"), "steles": ("position",)}


def describe(kind: str, code: Any, raw: dict[str, Any]) -> str:
    """How a report names the row: ``LK01 21/8`` (lunar day/month), ``LK01 #2``."""
    if kind == "festivals":
        text = f"{code or '?'} {raw.get('lunar_day', '?')}/{raw.get('lunar_month', '?')}"
    else:
        text = f"{code or '?'} #{raw.get('position', '?')}"
    return printable(text)


def import_part(session, spec, kind, raw, result, seen: dict, user_id: int | None) -> None:
    """Check one festival or stele row and create or update its record in the session.

    ``seen`` maps each key met so far in the file to its line: a second row with the
    same key is refused rather than silently overwriting the first.
    """
    cells, errors = row_cells(spec, raw, handled=("relic",))
    code = raw.get("relic")
    code = code.strip() if isinstance(code, str) else code
    result.key = describe(kind, code, raw)
    if code is None or code == "":
        errors.append(_("'relic' is missing: the code of the relic, e.g. LK01."))
    elif not isinstance(code, str):
        errors.append(
            "'relic': " + _("%(value)s is not a relic code.", value=repr(printable(code, 40)))
        )
    else:
        try:  # looked up next: check it first (PostgreSQL refuses a NUL outright)
            code = relic_code(code)
        except IdentifierError as exc:
            errors.append(f"'relic': {identifier_message(exc)}")
    # The fields that say which record the row is, typed by the admin's form: as if new,
    # since which record it is is not known yet.
    as_new = check_cells(spec, cells, None)
    errors += as_new.messages(PART_KEYS[kind])
    for name in PART_KEYS[kind]:
        if name not in as_new.problems and as_new.values.get(name) is None:
            errors.append(f"'{name}': {_('This field is required.')}")
    if errors:
        result.errors.extend(errors)
        return
    relic_id = session.scalar(select(Relic.id).where(Relic.code == code))
    if relic_id is None:
        result.errors.append(_("Unknown relic '%(code)s'.", code=code[:40]))
        return
    key = tuple(as_new.values[name] for name in PART_KEYS[kind])
    first = seen.setdefault((kind, code, key), result.line)
    if first != result.line:
        result.errors.append(_duplicate(kind, code, key, first))
        return
    model = spec.model
    same_key = [
        getattr(model, name) == value for name, value in zip(PART_KEYS[kind], key, strict=True)
    ]
    record = session.scalars(
        select(model).where(model.relic_id == relic_id, *same_key).order_by(model.id)
    ).first()
    creating = record is None
    # The admin's form checks the record as the row leaves it: a new one as it did above.
    checked = as_new if creating else check_cells(spec, cells, spec.read(record))
    if checked.problems:
        result.errors.extend(checked.messages())
        return
    before = {} if creating else spec.read(record)
    flat = {**before, **checked.values}
    if kind == "festivals" and flat.get("days") is None:
        flat["days"] = 1  # an empty cell: a one-day festival, as the admin assumes
    if creating:
        record = spec.new(session, None, relic_id)
    spec.write(record, flat, creating=creating)
    session.add(record)
    session.flush()
    changes = diff(before, spec.read(record))
    result.action = "create" if creating else ("update" if changes else "unchanged")
    if changes:
        # No version column: a record's version is that of its last revision.
        version = 1 if creating else version_of(session, spec, record) + 1
        record_revision(session, spec.name, record.id, version, "import", changes, user_id)
        session.flush()


def _duplicate(kind: str, code: str, key: tuple, first: int) -> str:
    if kind == "festivals":
        month, day = key
        return _(
            "Line %(line)d already has a festival of %(code)s on lunar day %(day)d/%(month)d: "
            "one row per festival.",
            line=first,
            code=code,
            day=day,
            month=month,
        )
    return _(
        "Line %(line)d already has the stele of %(code)s at position %(position)d: "
        "give each stele its own position.",
        line=first,
        code=code,
        position=key[0],
    )

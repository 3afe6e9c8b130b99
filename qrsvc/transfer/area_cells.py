"""The ``area`` column of relics and producers in a JSON or CSV file: the area's code.

    area_cell(record)                     -> "90101" ("" without an area)
    area_of_cell(session, raw, errors)    -> (True, area_id) | (False, None)

An export names a record's area by its official code; an import takes that code back.
An empty cell removes the area; a code that is not one (digits), or of no area stored
here, is the row's error, and then nothing of the file is stored.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from qrsvc.areas.importing import CODE
from qrsvc.extensions import db
from qrsvc.models import Area

COLUMN = "area"
#: The kinds of record that belong to an area.
KINDS = ("relics", "producers")


def area_cell(record: Any) -> str:
    """The code of ``record``'s area, or "" when it has none."""
    if record.area_id is None:
        return ""
    with db.session.no_autoflush:  # a read: a record being written is not flushed by it
        return db.session.scalar(select(Area.code).where(Area.id == record.area_id)) or ""


def area_of_cell(session: Session, raw: dict[str, Any], errors: list[str]) -> tuple[bool, Any]:
    """Whether the row gives an area, and the id of the area it names (None: no area)."""
    if COLUMN not in raw:
        return False, None
    value = raw[COLUMN]
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # a spreadsheet's number
    if value is None or value == "":
        return True, None
    shown = repr(str(value)[:40])
    if not isinstance(value, str) or not CODE.fullmatch(value.strip()):
        errors.append(f"'{COLUMN}': " + _("%(value)s is not an area code (digits).", value=shown))
        return False, None
    area_id = session.scalar(select(Area.id).where(Area.code == value.strip()))
    if area_id is None:
        errors.append(f"'{COLUMN}': " + _("no area has the code %(value)s.", value=shown))
        return False, None
    return True, area_id

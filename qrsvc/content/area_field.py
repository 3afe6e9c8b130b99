"""The "Area" field of relics and producers: a choice among the areas stored, at request time.

The form class of a spec is built once and cached, while areas are added and renamed at
any time, and an editor limited to areas may only pick one of theirs: so the choices are
not part of the field but read when a form is made (:attr:`Field.choices_from`, filled by
:func:`qrsvc.content.forms.record_form`). Without a user (an import, a history page) every
area is a choice; an editor limited to areas gets only theirs, and no "—".
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from qrsvc.content.records import Field
from qrsvc.content.scope import area_ids
from qrsvc.extensions import db
from qrsvc.models import Area

#: What the select shows for "no area".
NONE = "—"


def area_choices(user: Any | None) -> tuple[tuple[str, str], ...]:
    """The areas ``user`` may put a record in, as ``(id, "Name — province")`` by name;
    ``("", "—")`` first unless the user is limited to areas (then an area is required)."""
    limited = area_ids(user) if user is not None else []
    stmt = select(Area.id, Area.name, Area.province).order_by(Area.name, Area.id)
    if limited:
        stmt = stmt.where(Area.id.in_(limited))
    with db.session.no_autoflush:  # a read: a record being written is not flushed by it
        rows = db.session.execute(stmt).all()
    found = tuple(
        (str(i), f"{name} — {province}" if province else name) for i, name, province in rows
    )
    return found if limited else (("", NONE), *found)


AREA_FIELD = Field("area_id", _l("Area"), kind="ref", choices_from=area_choices)

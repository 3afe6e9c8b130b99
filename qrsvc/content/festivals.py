"""Festivals (dated in the lunar calendar) and stele inscriptions of a relic."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from qrsvc.content.records import EntitySpec, Field
from qrsvc.content.registry import define
from qrsvc.content.relics import relic_spec  # declared first: the parent
from qrsvc.content.scope import STAFF
from qrsvc.models import Festival, Stele, User

FESTIVAL_FIELDS = (
    Field("name", _l("Name of the festival"), i18n=True, required=True, max_length=200),
    Field("lunar_month", _l("Lunar month"), kind="int", required=True, minimum=1, maximum=12),
    Field("lunar_day", _l("Lunar day"), kind="int", required=True, minimum=1, maximum=30),
    Field("days", _l("Number of days"), kind="int", minimum=1, maximum=30),
    Field("description", _l("Description"), kind="markdown", i18n=True),
)

STELE_FIELDS = (
    Field("title", _l("Title"), i18n=True, max_length=300),
    Field("position", _l("Order on the page"), kind="int", minimum=0, maximum=1000),
    Field("han_nom", _l("Hán-Nôm text"), kind="text"),
    Field("reading", _l("Sino-Vietnamese reading (phiên âm)"), kind="text"),
    Field("translation", _l("Translation"), kind="markdown", i18n=True),
)


def _new_record(session: Session, record: Festival | Stele, user: User, parent_id: int | None):
    """A new festival lasts one day until staff say otherwise."""
    if isinstance(record, Festival):
        record.days = 1


festival_spec = define(
    EntitySpec(
        name="festival",
        model=Festival,
        label=_l("Festival"),
        label_plural=_l("Festivals"),
        fields=FESTIVAL_FIELDS,
        roles=STAFF,
        list_columns=("lunar_day", "lunar_month", "days"),
        parent=relic_spec.name,
        parent_attr="relic_id",
        prepare=_new_record,
        title=lambda f: f"{f.lunar_day}/{f.lunar_month} · {(f.name or {}).get('vi', '')}",
        deletable=True,
    )
)

stele_spec = define(
    EntitySpec(
        name="stele",
        model=Stele,
        label=_l("Stele"),
        label_plural=_l("Steles"),
        fields=STELE_FIELDS,
        roles=STAFF,
        list_columns=("position",),
        parent=relic_spec.name,
        parent_attr="relic_id",
        prepare=_new_record,
        title=lambda s: (s.title or {}).get("vi") or f"#{s.id}",
        deletable=True,
    )
)

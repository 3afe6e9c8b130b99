"""Trace events of a batch, in EPCIS 2.0 terms with plain-language labels."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from qrsvc import labels
from qrsvc.content.batches import batch_spec, check_unit, unit_choices  # the parent first
from qrsvc.content.records import EntitySpec, Field
from qrsvc.content.registry import define
from qrsvc.content.scope import EVERYONE
from qrsvc.epcis.vocab import BIZ_STEPS, DISPOSITIONS
from qrsvc.localtime import OFFSET, format_date
from qrsvc.models import TraceEvent, User

#: The steps a farm or workshop records, first in the list; then the rest of CBV.
COMMON_STEPS = ("commissioning", "inspecting", "packing", "shipping", "receiving", "storing")
STEPS = tuple(c for c in labels.choices("biz_step", COMMON_STEPS) if c[0] in BIZ_STEPS)
EVENT_TYPES = labels.choices("event_type")
ACTIONS = labels.choices("epcis_action", ("OBSERVE",))
DISPOSITION_CHOICES = (
    ("", "—"),
    *(c for c in labels.choices("disposition") if c[0] in DISPOSITIONS),
)

FIELDS = (
    Field("biz_step", _l("What happened"), kind="choice", choices=STEPS),
    Field("event_time", _l("When (Vietnam time)"), kind="datetime", required=True),
    Field("place", _l("Where (place name)"), i18n=True, max_length=300),
    Field("description", _l("Description"), kind="text", i18n=True, max_length=5000),
    Field("quantity", _l("Quantity"), kind="float", minimum=0, maximum=1e12),
    Field("unit", _l("Unit"), kind="choice", choices=unit_choices()),
    Field("event_type", _l("EPCIS event type"), kind="choice", choices=EVENT_TYPES),
    Field("action", _l("EPCIS action"), kind="choice", choices=ACTIONS),
    Field("disposition", _l("Disposition"), kind="choice", choices=DISPOSITION_CHOICES),
    Field("read_point", _l("Read point (URI)"), max_length=255),
    Field("biz_location", _l("Business location (URI)"), max_length=255),
    Field("parent_id", _l("Container (for packing)"), max_length=255),
)


def check_event(session: Session, event: TraceEvent, values: dict[str, Any]) -> dict[str, str]:
    """Known CBV terms only (the export to the national portal refuses others)."""
    errors: dict[str, str] = {}
    if values.get("biz_step") not in BIZ_STEPS:
        errors["biz_step"] = _("Choose a step from the list.")
    if values.get("disposition") and values["disposition"] not in DISPOSITIONS:
        errors["disposition"] = _("Choose a disposition from the list.")
    check_unit(errors, values)
    for key in ("read_point", "biz_location"):
        value = values.get(key) or ""
        if value and (" " in value or ":" not in value):
            errors[key] = _("Give a URI such as urn:epc:id:sgln:… or https://…")
    return errors


def public_name(user: User) -> str:
    """Who recorded an event, as buyers may see it: a display name or the producer's."""
    if (user.display_name or "").strip():
        return user.display_name.strip()
    return user.producer.name if user.producer is not None else ""


def _prepare(session: Session, event: TraceEvent, user: User, parent_id: int | None) -> None:
    event.tz_offset = OFFSET
    event.recorded_by_id = user.id
    # Shown to buyers, in the API and in EPCIS: a name, never the sign-in e-mail.
    event.recorded_by_name = public_name(user)


event_spec = define(
    EntitySpec(
        name="event",
        model=TraceEvent,
        label=_l("Event"),
        label_plural=_l("Events"),
        fields=FIELDS,
        roles=EVERYONE,
        list_columns=("biz_step", "event_time", "recorded_by_name"),
        column_labels={"recorded_by_name": _l("Recorded by")},
        parent=batch_spec.name,
        parent_attr="batch_id",
        check=check_event,
        prepare=_prepare,
        deletable=True,
        title=lambda e: f"{labels.label('biz_step', e.biz_step)} · {format_date(e.event_time)}",
    )
)

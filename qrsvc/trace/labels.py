"""Words buyers read for the codes stored in the data (CBV business steps, producer kinds)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from qrsvc.models import TraceEvent

#: CBV business steps as a buyer would name them; unknown steps show their CBV name.
BIZ_STEP_LABELS = {
    "commissioning": _l("Harvested or made"),
    "creating_class_instance": _l("Made"),
    "assembling": _l("Processed"),
    "packing": _l("Packed"),
    "repackaging": _l("Repacked"),
    "shipping": _l("Shipped"),
    "departing": _l("Left"),
    "arriving": _l("Arrived"),
    "receiving": _l("Received"),
    "accepting": _l("Accepted"),
    "inspecting": _l("Inspected"),
    "sampling": _l("Sampled for testing"),
    "storing": _l("Stored"),
    "transporting": _l("Transported"),
    "retail_selling": _l("Sold"),
    "destroying": _l("Destroyed"),
}

EVENT_TYPE_LABELS = {
    "TransformationEvent": _l("Processed"),
    "AggregationEvent": _l("Packed"),
}

PRODUCER_KINDS = {
    "household": _l("household"),
    "cooperative": _l("cooperative"),
    "company": _l("company"),
}


#: UN/ECE Rec. 20 codes (what EPCIS stores) as people write the unit.
UNIT_LABELS = {
    "H87": _l("pcs"),
    "KGM": "kg",
    "GRM": "g",
    "TNE": "t",
    "LTR": "l",
    "MLT": "ml",
}


def unit_label(unit: str | None) -> str:
    """A unit as a buyer reads it: ``KGM`` → kg, ``H87`` → pcs; free text unchanged."""
    if not unit:
        return ""
    return str(UNIT_LABELS.get(unit.strip().upper(), unit))


def event_label(event: TraceEvent) -> str:
    """A short heading for a timeline entry."""
    # "Made from these lots" is what a transformation says, whatever its business step.
    if event.event_type == "TransformationEvent":
        return str(EVENT_TYPE_LABELS["TransformationEvent"])
    label = BIZ_STEP_LABELS.get(event.biz_step) or EVENT_TYPE_LABELS.get(event.event_type)
    return str(label) if label else event.biz_step.replace("_", " ").capitalize()


def producer_kind(kind: str) -> str:
    """The kind of producer in the interface language."""
    return str(PRODUCER_KINDS.get(kind, kind))

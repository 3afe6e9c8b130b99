"""Words buyers read for the codes stored in the data (labels in :mod:`qrsvc.labels`)."""

from __future__ import annotations

from flask_babel import get_locale

from qrsvc import labels
from qrsvc.epcis import units
from qrsvc.models import TraceEvent


def unit_label(unit: str | None) -> str:
    """A unit as a buyer reads it in the page's language: ``KGM`` → kg, ``XBX`` → hộp/boxes."""
    locale = get_locale()
    return units.unit_label(unit, locale.language if locale else "vi")


def event_label(event: TraceEvent) -> str:
    """A short heading for a timeline entry: its business step in the buyer's words."""
    # Inputs made into this batch read as processing, whatever business step was recorded.
    if event.event_type == "TransformationEvent":
        return labels.label("biz_step", "assembling")
    text = labels.label("biz_step", event.biz_step)
    return text[:1].upper() + text[1:]  # a step of a later CBV shows as its code


def producer_kind(kind: str) -> str:
    """The kind of producer in the interface language."""
    return labels.label("producer_kind", kind)

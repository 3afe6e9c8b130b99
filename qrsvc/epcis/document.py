"""EPCIS 2.0 JSON-LD documents from :class:`~qrsvc.epcis.records.EventRecord` values.

The output follows the EPCIS 2.0 JSON schema: the standard context plus one object
declaring the project's extension prefix, ``schemaVersion`` "2.0", CBV terms as bare
names, every time with its offset. Who recorded an event, its evidence photos and a
note travel as ``qrsvc:recordedBy``, ``qrsvc:evidence`` and ``qrsvc:note``; the schema
allows extension fields only as prefixed names (compact IRIs) like these.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from qrsvc.epcis.records import (
    EPCISExportError,
    ErrorDeclaration,
    EventRecord,
    Quantity,
    offset_timezone,
)
from qrsvc.epcis.vocab import is_uri

__all__ = [
    "EPCIS_CONTEXT_URL",
    "EXTENSION_NAMESPACE",
    "EXTENSION_PREFIX",
    "epcis_document",
    "epcis_event",
    "to_json",
]

EPCIS_CONTEXT_URL = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
EXTENSION_PREFIX = "qrsvc"
#: Default IRI of the extension prefix. A URN claims no web domain; a deployment that
#: publishes a vocabulary page may pass its own https namespace instead.
EXTENSION_NAMESPACE = "urn:qrsvc:epcis:"


def epcis_document(
    events: Iterable[EventRecord],
    created: datetime,
    *,
    namespace: str = EXTENSION_NAMESPACE,
) -> dict[str, Any]:
    """Return an ``EPCISDocument`` (a JSON-ready dict) holding ``events`` in their order.

    ``created`` (timezone-aware) becomes ``creationDate``. ``namespace`` is the IRI the
    ``qrsvc:`` prefix stands for; it must end with ``/``, ``#`` or ``:`` so that JSON-LD
    treats it as a prefix. Raises :class:`EPCISExportError` for anything that is not an
    :class:`EventRecord` or a naive ``created``.
    """
    if not isinstance(created, datetime) or created.utcoffset() is None:
        raise EPCISExportError("created must be a timezone-aware datetime")
    if not is_uri(namespace) or namespace[-1] not in "/#:":
        raise EPCISExportError(f"namespace {namespace!r} must be a URI ending in /, # or :")
    event_list = []
    for position, record in enumerate(events):
        if not isinstance(record, EventRecord):
            raise EPCISExportError(
                f"event {position} is a {type(record).__name__}, not an EventRecord"
            )
        event_list.append(epcis_event(record))
    return {
        "@context": [EPCIS_CONTEXT_URL, {EXTENSION_PREFIX: namespace}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": _timestamp(created),
        "epcisBody": {"eventList": event_list},
    }


def epcis_event(record: EventRecord) -> dict[str, Any]:
    """Return one event as it appears in a document's ``eventList``.

    A standalone event (outside a document) additionally needs an ``@context``; the
    caller adds it, since only the caller knows which namespace it declared.
    """
    offset = offset_timezone(record.tz_offset)
    event: dict[str, Any] = {"type": record.event_type}
    if record.event_id is not None:
        event["eventID"] = record.event_id
    event["eventTime"] = _timestamp(record.event_time, offset)
    event["eventTimeZoneOffset"] = record.tz_offset
    if record.record_time is not None:
        event["recordTime"] = _timestamp(record.record_time, offset)
    if record.error is not None:
        event["errorDeclaration"] = _error(record.error, offset)
    if record.certification_info:
        event["certificationInfo"] = list(record.certification_info)
    event.update(_what(record))
    _put(event, "bizStep", record.biz_step)
    _put(event, "disposition", record.disposition)
    if record.read_point is not None:
        event["readPoint"] = {"id": record.read_point}
    if record.biz_location is not None:
        event["bizLocation"] = {"id": record.biz_location}
    if record.sources:
        event["sourceList"] = [{"type": s.type, "source": s.id} for s in record.sources]
    if record.destinations:
        event["destinationList"] = [
            {"type": d.type, "destination": d.id} for d in record.destinations
        ]
    _put(event, f"{EXTENSION_PREFIX}:recordedBy", record.recorded_by)
    if record.evidence:
        event[f"{EXTENSION_PREFIX}:evidence"] = list(record.evidence)
    _put(event, f"{EXTENSION_PREFIX}:note", record.note)
    return event


def to_json(doc: dict[str, Any], *, indent: int | None = 2) -> str:
    """Serialise a document as JSON text, keeping Vietnamese letters as they are.

    Encode the result as UTF-8 and serve it as ``application/ld+json``. NaN and
    infinity, which JSON cannot carry, raise ``ValueError`` instead of being written.
    """
    return json.dumps(doc, ensure_ascii=False, allow_nan=False, indent=indent)


def _what(record: EventRecord) -> dict[str, Any]:
    """The type-specific part: action and the things the event is about."""
    part: dict[str, Any] = {}
    if record.event_type == "ObjectEvent":
        part["action"] = record.action
        _put_list(part, "epcList", record.epcs)
        _put_quantities(part, "quantityList", record.quantities)
    elif record.event_type == "AggregationEvent":
        part["action"] = record.action
        _put(part, "parentID", record.parent_id)
        _put_list(part, "childEPCs", record.child_epcs)
        _put_quantities(part, "childQuantityList", record.child_quantities)
    else:
        _put_list(part, "inputEPCList", record.input_epcs)
        _put_quantities(part, "inputQuantityList", record.input_quantities)
        _put_list(part, "outputEPCList", record.output_epcs)
        _put_quantities(part, "outputQuantityList", record.output_quantities)
        _put(part, "transformationID", record.transformation_id)
    return part


def _error(error: ErrorDeclaration, offset: timezone) -> dict[str, Any]:
    declared: dict[str, Any] = {"declarationTime": _timestamp(error.declaration_time, offset)}
    _put(declared, "reason", error.reason)
    if error.corrective_event_ids:
        declared["correctiveEventIDs"] = list(error.corrective_event_ids)
    return declared


def _quantity(item: Quantity) -> dict[str, Any]:
    element: dict[str, Any] = {"epcClass": item.epc_class}
    if item.quantity is not None:
        element["quantity"] = _number(item.quantity)
    _put(element, "uom", item.uom)
    return element


def _number(value: int | float | Decimal) -> int | float:
    # JSON has no decimal type; a whole amount is written without ".0".
    if isinstance(value, int):
        return value
    return int(value) if value == int(value) else float(value)


def _timestamp(moment: datetime, offset: timezone | None = None) -> str:
    """RFC 3339 text; ``offset`` shows the moment in the event's local time."""
    if offset is not None:
        moment = moment.astimezone(offset)
    elif moment.utcoffset() % timedelta(minutes=1):
        # RFC 3339 offsets have no seconds (historic zones do): show such a moment in UTC.
        moment = moment.astimezone(UTC)
    return moment.isoformat()


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        target[key] = value


def _put_list(target: dict[str, Any], key: str, values: tuple[str, ...]) -> None:
    if values:
        target[key] = list(values)


def _put_quantities(target: dict[str, Any], key: str, values: tuple[Quantity, ...]) -> None:
    if values:
        target[key] = [_quantity(item) for item in values]

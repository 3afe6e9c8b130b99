"""Plain, immutable records of traceability events, checked when they are made.

A record that exists can be exported: every rule of EPCIS 2.0 that the JSON schema
enforces (and a few it leaves to the standard's text, such as a parent for an
aggregation that adds or deletes) is checked in ``__post_init__`` and refused with
:class:`EPCISExportError` naming the field, so a bad row fails where it is built, not
halfway through writing a document for the national portal.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from qrsvc.epcis.fields import as_tuple, aware, offset_timezone, representable, uri
from qrsvc.epcis.vocab import EPCISExportError, cbv_term
from qrsvc.localtime import OFFSET

__all__ = [
    "ACTIONS",
    "EVENT_TYPES",
    "EPCISExportError",
    "ErrorDeclaration",
    "EventRecord",
    "Quantity",
    "SourceDest",
    "offset_timezone",
]

EVENT_TYPES = ("ObjectEvent", "AggregationEvent", "TransformationEvent")
ACTIONS = ("ADD", "OBSERVE", "DELETE")
_OFFSET = re.compile(r"[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00)")
_UOM = re.compile(r"[A-Z0-9]{2,3}")

# Fields each event type may fill; the others must stay empty.
_TYPE_FIELDS = {
    "ObjectEvent": {"action", "epcs", "quantities"},
    "AggregationEvent": {"action", "parent_id", "child_epcs", "child_quantities"},
    "TransformationEvent": {
        "input_epcs",
        "input_quantities",
        "output_epcs",
        "output_quantities",
        "transformation_id",
    },
}
_TYPED_FIELDS = set().union(*_TYPE_FIELDS.values())
_LIST_FIELDS = (
    "epcs",
    "quantities",
    "child_epcs",
    "child_quantities",
    "input_epcs",
    "input_quantities",
    "output_epcs",
    "output_quantities",
    "sources",
    "destinations",
    "certification_info",
    "evidence",
)


@dataclass(frozen=True)
class Quantity:
    """An amount of a product class, e.g. a lot's Digital Link URI, 120 KGM."""

    epc_class: str
    quantity: int | float | Decimal | None = None
    uom: str | None = None  # UN/ECE Rec. 20 code: KGM, LTR, H87 (piece) ...

    def __post_init__(self) -> None:
        uri("epc_class", self.epc_class)
        amount = self.quantity
        if amount is not None:
            if isinstance(amount, bool) or not isinstance(amount, int | float | Decimal):
                raise EPCISExportError(f"quantity of {self.epc_class} must be a number")
            finite = amount.is_finite() if isinstance(amount, Decimal) else math.isfinite(amount)
            if not finite or amount <= 0:
                raise EPCISExportError(f"quantity of {self.epc_class} must be positive")
        if self.uom is not None:
            if amount is None:
                raise EPCISExportError(f"uom of {self.epc_class} given without a quantity")
            if not isinstance(self.uom, str) or not _UOM.fullmatch(self.uom):
                raise EPCISExportError(
                    f"uom {self.uom!r} is not a UN/ECE Rec. 20 code (2-3 capitals/digits)"
                )


@dataclass(frozen=True)
class SourceDest:
    """A party or place goods came from or went to (``type`` from the CBV, ``id`` a URI)."""

    type: str
    id: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", cbv_term("sourceDestType", self.type))
        uri("source/destination id", self.id)


@dataclass(frozen=True)
class ErrorDeclaration:
    """A later statement that an event was wrong (EPCIS ``errorDeclaration``)."""

    declaration_time: datetime
    reason: str | None = None  # did_not_occur or incorrect_data
    corrective_event_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        aware("declaration_time", self.declaration_time)
        if self.reason is not None:
            object.__setattr__(self, "reason", cbv_term("reason", self.reason))
        ids = as_tuple("corrective_event_ids", self.corrective_event_ids)
        object.__setattr__(self, "corrective_event_ids", ids)
        for event_id in ids:
            uri("corrective event id", event_id)


@dataclass(frozen=True)
class EventRecord:
    """One traceability event of a batch, in the project's words, ready for EPCIS.

    Identifiers (EPCs, classes, parent, read point, location, event id, evidence) are
    absolute URIs: GS1 Digital Link URIs on this service's domain for products, lots
    and items; ``urn:uuid:...`` suits event ids. ``biz_step`` and ``disposition`` take
    CBV names in any published spelling and are stored as bare names. Lists may be
    given as lists; they are stored as tuples.
    """

    event_type: str
    event_time: datetime
    tz_offset: str = OFFSET  # Vietnam's
    action: str | None = None
    biz_step: str | None = None
    disposition: str | None = None
    # ObjectEvent
    epcs: tuple[str, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    # AggregationEvent
    parent_id: str | None = None
    child_epcs: tuple[str, ...] = ()
    child_quantities: tuple[Quantity, ...] = ()
    # TransformationEvent
    input_epcs: tuple[str, ...] = ()
    input_quantities: tuple[Quantity, ...] = ()
    output_epcs: tuple[str, ...] = ()
    output_quantities: tuple[Quantity, ...] = ()
    transformation_id: str | None = None
    # Where, who, why
    read_point: str | None = None
    biz_location: str | None = None
    sources: tuple[SourceDest, ...] = ()
    destinations: tuple[SourceDest, ...] = ()
    event_id: str | None = None
    record_time: datetime | None = None
    certification_info: tuple[str, ...] = ()  # e.g. the OCOP certificate's page
    error: ErrorDeclaration | None = None
    # Extensions (exported under the project namespace)
    recorded_by: str | None = None
    evidence: tuple[str, ...] = ()  # photo URLs
    note: str | None = None

    def __post_init__(self) -> None:
        for name in _LIST_FIELDS:
            object.__setattr__(self, name, as_tuple(name, getattr(self, name)))
        if self.event_type not in EVENT_TYPES:
            raise EPCISExportError(
                f"event_type {self.event_type!r} is not one of {', '.join(EVENT_TYPES)}"
            )
        self._check_times()
        self._check_fields_belong_to_type()
        for name in ("biz_step", "disposition"):
            if getattr(self, name) is not None:
                vocabulary = "bizStep" if name == "biz_step" else "disposition"
                object.__setattr__(self, name, cbv_term(vocabulary, getattr(self, name)))
        self._check_identifiers()
        self._check_extensions()
        {
            "ObjectEvent": self._check_object,
            "AggregationEvent": self._check_aggregation,
            "TransformationEvent": self._check_transformation,
        }[self.event_type]()

    def _check_times(self) -> None:
        aware("event_time", self.event_time)
        if self.record_time is not None:
            aware("record_time", self.record_time)
        if not isinstance(self.tz_offset, str) or not _OFFSET.fullmatch(self.tz_offset):
            raise EPCISExportError(
                f"tz_offset {self.tz_offset!r} must look like +07:00 (-13:59 .. +14:00)"
            )
        zone = offset_timezone(self.tz_offset)
        for name in ("event_time", "record_time"):
            representable(name, getattr(self, name), zone)
        if isinstance(self.error, ErrorDeclaration):
            representable("declaration_time", self.error.declaration_time, zone)

    def _check_fields_belong_to_type(self) -> None:
        allowed = _TYPE_FIELDS[self.event_type]
        for name in sorted(_TYPED_FIELDS - allowed):
            if getattr(self, name) not in (None, ()):
                raise EPCISExportError(f"{self.event_type} has no field {name}")

    def _check_identifiers(self) -> None:
        for name in ("epcs", "child_epcs", "input_epcs", "output_epcs"):
            values = getattr(self, name)
            for value in values:
                uri(name, value)
            if len(set(values)) != len(values):
                raise EPCISExportError(f"{name} lists the same EPC more than once")
        for name in ("quantities", "child_quantities", "input_quantities", "output_quantities"):
            if not all(isinstance(item, Quantity) for item in getattr(self, name)):
                raise EPCISExportError(f"{name} must hold Quantity records")
        for name in ("sources", "destinations"):
            if not all(isinstance(item, SourceDest) for item in getattr(self, name)):
                raise EPCISExportError(f"{name} must hold SourceDest records")
        for name in ("parent_id", "transformation_id", "read_point", "biz_location", "event_id"):
            if getattr(self, name) is not None:
                uri(name, getattr(self, name))
        for value in self.certification_info:
            uri("certification_info", value)
        if self.error is not None and not isinstance(self.error, ErrorDeclaration):
            raise EPCISExportError("error must be an ErrorDeclaration")

    def _check_extensions(self) -> None:
        for name in ("recorded_by", "note"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise EPCISExportError(f"{name} must be non-empty text when given")
        for value in self.evidence:
            uri("evidence", value)

    def _check_object(self) -> None:
        _action(self)
        if not self.epcs and not self.quantities:
            raise EPCISExportError("ObjectEvent needs at least one of epcs or quantities")

    def _check_aggregation(self) -> None:
        _action(self)
        # EPCIS 2.0 §7.4.3: the parent may be omitted only when merely observing.
        if self.parent_id is None and self.action != "OBSERVE":
            raise EPCISExportError(f"AggregationEvent with action {self.action} needs parent_id")
        # DELETE without children means "everything was taken out of the parent".
        if self.action != "DELETE" and not self.child_epcs and not self.child_quantities:
            raise EPCISExportError(
                "AggregationEvent needs at least one of child_epcs or child_quantities"
            )

    def _check_transformation(self) -> None:
        has_input = bool(self.input_epcs or self.input_quantities)
        has_output = bool(self.output_epcs or self.output_quantities)
        if self.transformation_id is None and not (has_input and has_output):
            raise EPCISExportError(
                "TransformationEvent needs inputs and outputs (or a transformation_id)"
            )
        if not (has_input or has_output):
            raise EPCISExportError("TransformationEvent needs at least one input or output")


def _action(record: EventRecord) -> None:
    if record.action not in ACTIONS:
        raise EPCISExportError(
            f"{record.event_type} action {record.action!r} is not one of {', '.join(ACTIONS)}"
        )

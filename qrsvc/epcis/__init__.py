"""EPCIS 2.0 export: traceability events as JSON-LD documents for the national portal.

Pure: plain records in, a JSON-ready dict (or text) out; no Flask, no database.
Build :class:`EventRecord` values (checked when built), then call
:func:`epcis_document` and :func:`to_json`.
"""

from qrsvc.epcis.document import (
    EPCIS_CONTEXT_URL,
    EXTENSION_NAMESPACE,
    EXTENSION_PREFIX,
    epcis_document,
    epcis_event,
    to_json,
)
from qrsvc.epcis.records import (
    ACTIONS,
    EVENT_TYPES,
    EPCISExportError,
    ErrorDeclaration,
    EventRecord,
    Quantity,
    SourceDest,
)
from qrsvc.epcis.units import UNITS, Unit, unit_code, unit_label
from qrsvc.epcis.vocab import BIZ_STEPS, DISPOSITIONS, cbv_term

__all__ = [
    "ACTIONS",
    "BIZ_STEPS",
    "DISPOSITIONS",
    "EPCIS_CONTEXT_URL",
    "EVENT_TYPES",
    "EXTENSION_NAMESPACE",
    "EXTENSION_PREFIX",
    "EPCISExportError",
    "ErrorDeclaration",
    "EventRecord",
    "Quantity",
    "SourceDest",
    "UNITS",
    "Unit",
    "cbv_term",
    "epcis_document",
    "epcis_event",
    "to_json",
    "unit_code",
    "unit_label",
]

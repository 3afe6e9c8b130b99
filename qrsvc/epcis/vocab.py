"""The GS1 Core Business Vocabulary (CBV 2.0) terms an EPCIS 2.0 export may use.

EPCIS 2.0 JSON-LD writes CBV terms as bare names (``"shipping"``); the JSON schema
refuses the CBV URNs and ``ns.gs1.org`` URLs in those places. Producers' data may come
in any of the published spellings, so :func:`cbv_term` brings all of them to the bare
name and refuses what the CBV does not define.
"""

from __future__ import annotations

import re

__all__ = [
    "BIZ_STEPS",
    "DISPOSITIONS",
    "ERROR_REASONS",
    "SOURCE_DEST_TYPES",
    "EPCISExportError",
    "cbv_term",
    "is_uri",
]

BIZ_STEPS = frozenset(
    (
        "accepting",
        "arriving",
        "assembling",
        "collecting",
        "commissioning",
        "consigning",
        "creating_class_instance",
        "cycle_counting",
        "decommissioning",
        "departing",
        "destroying",
        "disassembling",
        "dispensing",
        "encoding",
        "entering_exiting",
        "holding",
        "inspecting",
        "installing",
        "killing",
        "loading",
        "other",
        "packing",
        "picking",
        "receiving",
        "removing",
        "repackaging",
        "repairing",
        "replacing",
        "reserving",
        "retail_selling",
        "sampling",
        "sensor_reporting",
        "shipping",
        "staging_outbound",
        "stock_taking",
        "stocking",
        "storing",
        "transporting",
        "unloading",
        "unpacking",
        "void_shipping",
    )
)

DISPOSITIONS = frozenset(
    (
        "active",
        "available",
        "completeness_inferred",
        "completeness_verified",
        "conformant",
        "container_closed",
        "container_open",
        "damaged",
        "destroyed",
        "dispensed",
        "disposed",
        "encoded",
        "expired",
        "in_progress",
        "in_transit",
        "inactive",
        "mismatch_class",
        "mismatch_instance",
        "mismatch_quantity",
        "needs_replacement",
        "no_pedigree_match",
        "non_conformant",
        "non_sellable_other",
        "partially_dispensed",
        "recalled",
        "reserved",
        "retail_sold",
        "returned",
        "sellable_accessible",
        "sellable_not_accessible",
        "stolen",
        "unavailable",
        "unknown",
    )
)

ERROR_REASONS = frozenset({"did_not_occur", "incorrect_data"})

SOURCE_DEST_TYPES = frozenset({"owning_party", "possessing_party", "location"})

# vocabulary -> (its set, the CBV URN infix, the ref.gs1.org prefix, what to call it)
_VOCABULARIES = {
    "bizStep": (BIZ_STEPS, "bizstep", "BizStep", "business step"),
    "disposition": (DISPOSITIONS, "disp", "Disp", "disposition"),
    "reason": (ERROR_REASONS, "er", "ER", "error reason"),
    "sourceDestType": (SOURCE_DEST_TYPES, "sdt", "SDT", "source/destination type"),
}

# RFC 3986 (appendix A) for absolute URIs, which is what the schema's "uri" format
# means. A URI with raw spaces or Vietnamese letters must be percent-encoded first.
_UNRESERVED, _SUB_DELIMS, _PCT = r"A-Za-z0-9\-._~", r"!$&'()*+,;=", r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_HOST = rf"(?:\[[0-9A-Fa-f:.]+\]|(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})*)"
_AUTHORITY = rf"(?:(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*@)?{_HOST}(?::[0-9]*)?"
_PATH = rf"(?:/{_PCHAR}*)*"
_HIER_PART = rf"(?://{_AUTHORITY}{_PATH}|/(?:{_PCHAR}+{_PATH})?|{_PCHAR}+{_PATH}|)"
_URI = re.compile(
    rf"[A-Za-z][A-Za-z0-9+\-.]*:{_HIER_PART}(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?"
)
MAX_URI_CHARS = 2048


class EPCISExportError(ValueError):
    """Data cannot be expressed in EPCIS 2.0; the message names the field or term."""


def cbv_term(vocabulary: str, value: str) -> str:
    """Return the bare CBV name for ``value`` in ``vocabulary`` or raise EPCISExportError.

    ``vocabulary`` is one of ``bizStep``, ``disposition``, ``reason``, ``sourceDestType``.
    Accepted spellings: ``shipping``, ``urn:epcglobal:cbv:bizstep:shipping``,
    ``https://ref.gs1.org/cbv/BizStep-shipping`` (and ``ns.gs1.org``), any case.
    """
    terms, urn_infix, web_prefix, label = _VOCABULARIES[vocabulary]
    if not isinstance(value, str):
        raise EPCISExportError(f"{label} must be text, not {type(value).__name__}")
    lowered = value.strip().lower()
    for prefix in (
        f"urn:epcglobal:cbv:{urn_infix}:",
        f"https://ref.gs1.org/cbv/{web_prefix.lower()}-",
        f"https://ns.gs1.org/cbv/{web_prefix.lower()}-",
    ):
        if lowered.startswith(prefix):
            lowered = lowered[len(prefix) :]
            break
    if lowered not in terms:
        shown = value if len(value) <= 80 else value[:77] + "..."
        raise EPCISExportError(f"{label} {shown!r} is not a CBV 2.0 term")
    return lowered


def is_uri(value: object) -> bool:
    """Tell whether ``value`` is an absolute URI (RFC 3986, ASCII, at most 2048 chars)."""
    return (
        isinstance(value, str) and len(value) <= MAX_URI_CHARS and _URI.fullmatch(value) is not None
    )

"""EPCIS 2.0 export: every event type validated against the official JSON schema."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator, FormatChecker
from jsonschema.validators import validator_for

from qrsvc.epcis import (
    BIZ_STEPS,
    DISPOSITIONS,
    EPCIS_CONTEXT_URL,
    EPCISExportError,
    ErrorDeclaration,
    EventRecord,
    Quantity,
    SourceDest,
    cbv_term,
    epcis_document,
    to_json,
)

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "epcis-2.0"
SCHEMA_FILE = REFERENCE / "EPCIS-JSON-Schema.json"

VN = timezone(timedelta(hours=7))
CREATED = datetime(2025, 6, 1, 9, 0, tzinfo=VN)
BASE = "https://qr.thoxuan.vn"
GTIN = "08931234567895"
LOT_RICE = f"{BASE}/01/{GTIN}/10/NEP2025"
LOT_CAKE = f"{BASE}/01/08931234567888/10/BG0601"
ITEM = f"{BASE}/01/08931234567888/10/BG0601/21/"
FARM = f"{BASE}/loc/tu-tru-field-3"
WORKSHOP = f"{BASE}/loc/htx-tu-tru"

# --- format checks -------------------------------------------------------------------
# jsonschema checks "uri" and "date-time" only with optional packages that are not
# installed; without them every extension name would pass propertyNames unchecked.
# These follow RFC 3986 (appendix A grammar) and RFC 3339 (section 5.6) directly.
_UNRESERVED, _SUB = r"A-Za-z0-9\-._~", r"!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED}{_SUB}:@]|{_PCT})"
_HOST = rf"(?:\[[0-9A-Fa-f:.]+\]|(?:[{_UNRESERVED}{_SUB}]|{_PCT})*)"
_AUTHORITY = rf"(?:(?:[{_UNRESERVED}{_SUB}:]|{_PCT})*@)?{_HOST}(?::[0-9]*)?"
_ABEMPTY = rf"(?:/{_PCHAR}*)*"
_HIER = rf"(?://{_AUTHORITY}{_ABEMPTY}|/(?:{_PCHAR}+{_ABEMPTY})?|{_PCHAR}+{_ABEMPTY}|)"
RFC3986_URI = re.compile(
    rf"[A-Za-z][A-Za-z0-9+\-.]*:{_HIER}(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?"
)
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")


def _check_uri(value: object) -> bool:
    return not isinstance(value, str) or RFC3986_URI.fullmatch(value) is not None


def _check_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not RFC3339.fullmatch(value):
        return False
    datetime.fromisoformat(value.upper().replace("Z", "+00:00"))  # real calendar date
    return True


@pytest.fixture(scope="module")
def validator():
    """A validator of the class the schema declares, with strict format checks."""
    if not SCHEMA_FILE.is_file():
        pytest.skip(f"EPCIS schema not found: {SCHEMA_FILE}")
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    cls = validator_for(schema)
    assert cls is Draft7Validator
    cls.check_schema(schema)
    checker = FormatChecker()
    checker.checks("uri", raises=ValueError)(_check_uri)
    checker.checks("date-time", raises=ValueError)(_check_date_time)
    return cls(schema, format_checker=checker)


def assert_valid(validator, doc):
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    # What goes over the wire must be valid too, not only the dict.
    assert not list(validator.iter_errors(json.loads(to_json(doc))))


def harvest(**overrides):
    values = dict(
        event_type="ObjectEvent",
        event_time=datetime(2025, 5, 20, 6, 30, tzinfo=VN),
        action="ADD",
        biz_step="commissioning",
        disposition="active",
        quantities=[Quantity(LOT_RICE, Decimal("1250.5"), "KGM")],
        read_point=FARM,
        biz_location=FARM,
        event_id="urn:uuid:6f1d2c1e-8f0a-4c5e-9d1b-1a2b3c4d5e6f",
        recorded_by="Nguyễn Thị Hằng (HTX Tứ Trụ)",
        evidence=[f"{BASE}/media/harvest-0520.webp"],
        note="Thu hoạch nếp cái hoa vàng, ruộng số 3, trời nắng ráo.",
    )
    values.update(overrides)
    return EventRecord(**values)


def cooking(**overrides):
    values = dict(
        event_type="TransformationEvent",
        event_time=datetime(2025, 6, 1, 4, 0, tzinfo=VN),
        biz_step="creating_class_instance",
        disposition="in_progress",
        input_quantities=[Quantity(LOT_RICE, 40, "KGM"), Quantity(f"{BASE}/p/LA-GAI-01")],
        output_quantities=[Quantity(LOT_CAKE, 800, "H87")],
        biz_location=WORKSHOP,
    )
    values.update(overrides)
    return EventRecord(**values)


def packing(**overrides):
    values = dict(
        event_type="AggregationEvent",
        event_time=datetime(2025, 6, 1, 10, 15, tzinfo=VN),
        action="ADD",
        biz_step="packing",
        disposition="container_closed",
        parent_id=f"{BASE}/00/389312345000000018",
        child_epcs=[f"{ITEM}{n}" for n in range(1, 11)],
        read_point=WORKSHOP,
    )
    values.update(overrides)
    return EventRecord(**values)


def shipping(**overrides):
    values = dict(
        event_type="ObjectEvent",
        event_time=datetime(2025, 6, 2, 7, 0, tzinfo=VN),
        action="OBSERVE",
        biz_step="urn:epcglobal:cbv:bizstep:shipping",
        disposition="https://ref.gs1.org/cbv/Disp-in_transit",
        epcs=[f"{BASE}/00/389312345000000018"],
        sources=[SourceDest("owning_party", f"{BASE}/producer/htx-tu-tru")],
        destinations=[SourceDest("urn:epcglobal:cbv:sdt:location", f"{BASE}/loc/big-c-thanh-hoa")],
    )
    values.update(overrides)
    return EventRecord(**values)


def document(*events):
    return epcis_document(events, CREATED)


# --- valid documents -----------------------------------------------------------------


def test_commissioning_object_event(validator):
    doc = document(harvest())
    assert_valid(validator, doc)
    assert doc["@context"][0] == EPCIS_CONTEXT_URL
    assert doc["type"] == "EPCISDocument" and doc["schemaVersion"] == "2.0"
    assert doc["creationDate"] == "2025-06-01T09:00:00+07:00"
    [event] = doc["epcisBody"]["eventList"]
    assert event["eventTime"] == "2025-05-20T06:30:00+07:00"
    assert event["eventTimeZoneOffset"] == "+07:00"
    assert event["quantityList"] == [{"epcClass": LOT_RICE, "quantity": 1250.5, "uom": "KGM"}]
    assert event["qrsvc:recordedBy"] == "Nguyễn Thị Hằng (HTX Tứ Trụ)"
    assert event["readPoint"] == {"id": FARM}


def test_shipping_with_cbv_uris_and_parties(validator):
    doc = document(shipping())
    assert_valid(validator, doc)
    [event] = doc["epcisBody"]["eventList"]
    assert (event["bizStep"], event["disposition"]) == ("shipping", "in_transit")
    assert event["destinationList"] == [
        {"type": "location", "destination": f"{BASE}/loc/big-c-thanh-hoa"}
    ]


def test_inspection_with_certificate_and_error_declaration(validator):
    declared = datetime(2025, 6, 3, 2, 0, tzinfo=UTC)
    record = harvest(
        action="OBSERVE",
        biz_step="inspecting",
        disposition="conformant",
        certification_info=[f"{BASE}/cert/ocop-4-sao-2024-117"],
        record_time=datetime(2025, 5, 20, 0, 0, tzinfo=UTC),
        error=ErrorDeclaration(
            declared, "incorrect_data", ["urn:uuid:00000000-0000-4000-8000-0000000000aa"]
        ),
    )
    doc = document(record)
    assert_valid(validator, doc)
    [event] = doc["epcisBody"]["eventList"]
    # Every time of an event is shown in the event's own offset.
    assert event["recordTime"] == "2025-05-20T07:00:00+07:00"
    assert event["errorDeclaration"]["declarationTime"] == "2025-06-03T09:00:00+07:00"
    assert event["errorDeclaration"]["reason"] == "incorrect_data"


def test_transformation_event(validator):
    doc = document(cooking())
    assert_valid(validator, doc)
    [event] = doc["epcisBody"]["eventList"]
    assert "action" not in event
    assert event["inputQuantityList"][1] == {"epcClass": f"{BASE}/p/LA-GAI-01"}
    assert event["outputQuantityList"] == [{"epcClass": LOT_CAKE, "quantity": 800, "uom": "H87"}]


def test_transformation_with_id_may_have_only_inputs(validator):
    record = cooking(output_quantities=(), transformation_id=f"{BASE}/tf/BG0601")
    assert_valid(validator, document(record))


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"action": "DELETE", "child_epcs": (), "biz_step": "unpacking", "disposition": None},
        {"action": "OBSERVE", "parent_id": None},
        {"child_epcs": (), "child_quantities": [Quantity(LOT_CAKE, 40, "H87")]},
    ],
)
def test_aggregation_events(validator, overrides):
    doc = document(packing(**overrides))
    assert_valid(validator, doc)


def test_event_time_is_shown_at_its_offset():
    moment = datetime(2025, 6, 1, 1, 30, tzinfo=UTC)
    [event] = document(harvest(event_time=moment))["epcisBody"]["eventList"]
    assert event["eventTime"] == "2025-06-01T08:30:00+07:00"
    [event] = document(harvest(event_time=moment, tz_offset="-03:30"))["epcisBody"]["eventList"]
    assert event["eventTime"] == "2025-05-31T22:00:00-03:30"


def test_many_events_in_order(validator):
    builders = [harvest, cooking, packing, shipping]
    events = [
        builders[n % 4](event_id=f"urn:uuid:00000000-0000-4000-8000-{n:012d}") for n in range(400)
    ]
    doc = epcis_document(iter(events), CREATED)
    assert_valid(validator, doc)
    listed = doc["epcisBody"]["eventList"]
    assert [e["eventID"][-12:] for e in listed] == [f"{n:012d}" for n in range(400)]
    assert {e["type"] for e in listed} == {"ObjectEvent", "TransformationEvent", "AggregationEvent"}


def test_empty_document_is_valid(validator):
    assert_valid(validator, epcis_document([], CREATED))


@settings(max_examples=60, deadline=None)
@given(
    biz_step=st.sampled_from(sorted(BIZ_STEPS)),
    disposition=st.sampled_from(sorted(DISPOSITIONS)),
    action=st.sampled_from(["ADD", "OBSERVE", "DELETE"]),
    minutes=st.integers(-13 * 60 - 59, 14 * 60),
    moment=st.datetimes(timezones=st.just(UTC)),  # years 1 to 9999, edges included
)
def test_any_cbv_term_and_offset_validates(
    validator, biz_step, disposition, action, minutes, moment
):
    sign = "-" if minutes < 0 else "+"
    offset = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    try:
        record = harvest(
            biz_step=biz_step,
            disposition=disposition,
            action=action,
            tz_offset=offset,
            event_time=moment,
        )
    except EPCISExportError as exc:
        assert "out of range" in str(exc) and moment.year in (1, 9999)
        return
    assert_valid(validator, document(record))


def test_vietnamese_text_survives_as_utf8(validator):
    note = "Bánh gai Tứ Trụ — lá gai, nếp cái hoa vàng, đỗ xanh; đạt OCOP 4 sao."
    doc = document(harvest(note=note, recorded_by="Lê Văn Đức"))
    text = to_json(doc)
    assert note in text and "\\u" not in text
    assert json.loads(text.encode("utf-8").decode("utf-8")) == doc
    assert_valid(validator, json.loads(text))


def test_cbv_vocabularies_match_the_schema(validator):
    definitions = validator.schema["definitions"]
    assert set(definitions["bizStep"]["anyOf"][1]["enum"]) == BIZ_STEPS
    assert set(definitions["disposition"]["anyOf"][1]["enum"]) == DISPOSITIONS


@pytest.mark.parametrize(
    "spelling",
    [
        "shipping",
        "Shipping",
        "urn:epcglobal:cbv:bizstep:shipping",
        "https://ref.gs1.org/cbv/BizStep-shipping",
        "https://ns.gs1.org/cbv/BizStep-shipping",
    ],
)
def test_cbv_spellings_become_bare_names(spelling):
    assert cbv_term("bizStep", spelling) == "shipping"


# --- the validator really checks what the exporter must never write -------------------


@pytest.mark.parametrize(
    "damage",
    [
        lambda e: e.update({"qrsvc recorded by": "x"}),  # extension not a compact IRI
        lambda e: e.update({"eventTime": "2025-06-01 08:30"}),
        lambda e: e.update({"bizStep": "urn:epcglobal:cbv:bizstep:shipping"}),
        lambda e: e.update({"readPoint": {"id": "ruộng số 3"}}),
        lambda e: e.update({"eventTimeZoneOffset": "+7"}),
    ],
)
def test_schema_check_is_not_vacuous(validator, damage):
    doc = document(harvest())
    damage(doc["epcisBody"]["eventList"][0])
    assert list(validator.iter_errors(doc))


# --- invalid input -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: harvest(event_time=datetime(2025, 5, 20, 6, 30)),
            "event_time must be timezone-aware",
        ),
        (lambda: harvest(record_time=datetime(2025, 5, 20)), "record_time must be timezone-aware"),
        (lambda: harvest(biz_step="harvesting"), "business step 'harvesting'"),
        (lambda: harvest(disposition="fresh"), "disposition 'fresh'"),
        (lambda: harvest(quantities=()), "at least one of epcs or quantities"),
        (lambda: harvest(quantities="https://x.vn/a"), "quantities must be a list"),
        (lambda: harvest(action=None), "action None"),
        (lambda: harvest(action="add"), "action 'add'"),
        (lambda: harvest(parent_id=f"{BASE}/00/1"), "ObjectEvent has no field parent_id"),
        (lambda: harvest(tz_offset="+7"), "tz_offset '+7'"),
        (lambda: harvest(tz_offset="+14:30"), "tz_offset"),
        (
            lambda: harvest(event_time=datetime(1, 1, 1, tzinfo=UTC), tz_offset="-01:00"),
            "event_time 0001-01-01T00:00:00+00:00 is out of range",
        ),
        (lambda: harvest(read_point="ruộng số 3"), "read_point 'ruộng số 3'"),
        (lambda: harvest(event_id="not a uri"), "event_id"),
        (lambda: harvest(epcs=[ITEM + "1", ITEM + "1"]), "epcs lists the same EPC"),
        (lambda: harvest(evidence=["photo.jpg"]), "evidence 'photo.jpg'"),
        (lambda: harvest(evidence=[f"{BASE}/a[1].jpg"]), "evidence"),
        (lambda: harvest(evidence=["https://qr.thoxuan.vn:80a/x"]), "evidence"),
        (lambda: harvest(evidence=["https://a@b@qr.thoxuan.vn/x"]), "evidence"),
        (lambda: harvest(evidence=[f"{BASE}/a#b#c"]), "evidence"),
        (lambda: harvest(evidence=[f"{BASE}/a%zz"]), "evidence"),
        (lambda: harvest(note="  "), "note must be non-empty"),
        (lambda: harvest(event_type="TransactionEvent"), "event_type 'TransactionEvent'"),
        (lambda: cooking(output_quantities=()), "needs inputs and outputs"),
        (
            lambda: cooking(
                input_quantities=(), output_quantities=(), transformation_id=f"{BASE}/t/1"
            ),
            "at least one input or output",
        ),
        (lambda: cooking(action="ADD"), "TransformationEvent has no field action"),
        (lambda: packing(parent_id=None), "action ADD needs parent_id"),
        (lambda: packing(child_epcs=()), "at least one of child_epcs or child_quantities"),
        (lambda: Quantity(LOT_RICE, -3, "KGM"), "must be positive"),
        (lambda: Quantity(LOT_RICE, float("nan")), "must be positive"),
        (lambda: Quantity(LOT_RICE, Decimal("Infinity")), "must be positive"),
        (lambda: Quantity(LOT_RICE, True), "must be a number"),
        (lambda: Quantity(LOT_RICE, 3, "kg"), "uom 'kg'"),
        (lambda: Quantity(LOT_RICE, None, "KGM"), "without a quantity"),
        (lambda: SourceDest("buyer", f"{BASE}/p/1"), "source/destination type 'buyer'"),
        (lambda: ErrorDeclaration(datetime(2025, 1, 1)), "declaration_time must be timezone-aware"),
        (lambda: ErrorDeclaration(CREATED, "typo"), "error reason 'typo'"),
    ],
)
def test_invalid_events_are_refused_with_a_clear_message(build, message):
    with pytest.raises(EPCISExportError, match=re.escape(message)):
        build()


def test_invalid_documents_are_refused():
    with pytest.raises(EPCISExportError, match="created must be a timezone-aware"):
        epcis_document([harvest()], datetime(2025, 6, 1))
    with pytest.raises(EPCISExportError, match="event 1 is a dict"):
        epcis_document([harvest(), {"type": "ObjectEvent"}], CREATED)
    with pytest.raises(EPCISExportError, match="namespace"):
        epcis_document([], CREATED, namespace="https://qr.thoxuan.vn/ns")
    assert isinstance(EPCISExportError("x"), ValueError)


def test_custom_namespace_and_nan_guard(validator):
    doc = epcis_document([harvest()], CREATED, namespace=f"{BASE}/ns/epcis#")
    assert doc["@context"][1] == {"qrsvc": f"{BASE}/ns/epcis#"}
    assert_valid(validator, doc)
    with pytest.raises(ValueError):
        to_json({"quantity": float("nan")})

"""The JSON API under /api/v1/, checked against its own OpenAPI document, and EPCIS export.

Every answer is validated against the schema the OpenAPI document gives for that path,
status and media type, so the document cannot drift from what the API does. EPCIS
documents are validated against the official EPCIS 2.0 JSON schema.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.validators import validator_for
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from qrsvc.extensions import db
from qrsvc.models import Relic, RelicTranslation, TraceEvent
from tests.test_trace_pages import GTIN_CAKE, build_catalog

EPCIS_SCHEMA = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "reference"
    / "epcis-2.0"
    / "EPCIS-JSON-Schema.json"
)
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})")
URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*")


def _format_checker() -> FormatChecker:
    """Strict uri/date/date-time checks (jsonschema skips them without optional packages)."""
    checker = FormatChecker()

    @checker.checks("uri", raises=ValueError)
    def _uri(value):
        return not isinstance(value, str) or URI.fullmatch(value) is not None

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value):
        if isinstance(value, str):
            assert RFC3339.fullmatch(value), value
            datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        return True

    @checker.checks("date", raises=ValueError)
    def _date(value):
        if isinstance(value, str):
            date.fromisoformat(value)
        return True

    return checker


FORMATS = _format_checker()


@pytest.fixture
def app_config() -> dict:
    """No background scan flusher (see tests/test_trace_pages.py)."""
    return {"SCAN_FLUSH_SECONDS": 0}


@pytest.fixture
def catalog(app):
    """The sample catalog of tests/test_trace_pages.py plus three relics (one a draft)."""
    with app.app_context():
        refs = build_catalog(db.session)
        for code, status in (("LK01", "published"), ("LH02", "published"), ("ZZ99", "draft")):
            relic = Relic(code=code, slug=code.lower(), status=status, rank="national")
            relic.translations.append(RelicTranslation(lang="vi", name=f"Di tích {code}"))
            relic.translations.append(RelicTranslation(lang="en", name=f"Relic {code}"))
            db.session.add(relic)
        db.session.commit()
        return refs


@pytest.fixture
def openapi(client) -> dict:
    """The OpenAPI document as served."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture
def conforms(client, openapi):
    """``conforms(template, path, status)``: GET ``path``, check it against the document."""
    registry = Registry().with_resource(
        "urn:openapi", Resource.from_contents(openapi, default_specification=DRAFT202012)
    )

    def check(template: str, path: str, status: int = 200, **kwargs):
        response = client.get("/api/v1" + path, **kwargs)
        assert response.status_code == status, response.get_data(as_text=True)[:400]
        operation = openapi["paths"][template]["get"]
        documented = operation["responses"][str(status)]["content"]
        assert response.mimetype in documented, (response.mimetype, list(documented))
        pointer = json.dumps(documented[response.mimetype]["schema"])
        schema = json.loads(pointer.replace('"#/', '"urn:openapi#/'))
        body = json.loads(response.get_data(as_text=True))
        validator = Draft202012Validator(schema, registry=registry, format_checker=FORMATS)
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
        assert not errors, errors
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        return response, body

    return check


@pytest.fixture(scope="module")
def epcis_validator():
    """The official EPCIS 2.0 JSON schema (../shared/reference), with strict formats."""
    if not EPCIS_SCHEMA.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"EPCIS schema missing in CI: {EPCIS_SCHEMA}")
        pytest.skip(f"EPCIS schema not found: {EPCIS_SCHEMA}")
    schema = json.loads(EPCIS_SCHEMA.read_text(encoding="utf-8"))
    cls = validator_for(schema)
    return cls(schema, format_checker=FORMATS)


# --- the document ---------------------------------------------------------------------


def test_openapi_document_describes_every_endpoint(openapi):
    assert openapi["openapi"] == "3.1.0"
    assert openapi["servers"] == [{"url": "http://qr.test/api/v1"}]
    assert set(openapi["paths"]) == {
        "/relics",
        "/relics/{code}",
        "/products",
        "/products/{ref}",
        "/products/{ref}/epcis",
        "/batches/{ref}",
        "/batches/{ref}/epcis",
    }
    for schema in openapi["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)  # each is valid JSON Schema 2020-12
    for item in openapi["paths"].values():
        assert {"200", "400", "404"} <= set(item["get"]["responses"])


# --- relics -----------------------------------------------------------------------------


def test_relic_list_is_paginated(conforms, catalog):
    response, body = conforms("/relics", "/relics?per_page=1")
    assert [r["code"] for r in body["items"]] == ["LH02"]
    assert body["total"] == 2 and body["pages"] == 2  # the draft is not public
    assert body["links"] == {"next": "/api/v1/relics?page=2&per_page=1"}
    assert response.headers["Link"] == '</api/v1/relics?page=2&per_page=1>; rel="next"'
    _, last = conforms("/relics", "/relics?page=2&per_page=1")
    assert [r["code"] for r in last["items"]] == ["LK01"]
    assert last["links"] == {"prev": "/api/v1/relics?page=1&per_page=1"}
    _, beyond = conforms("/relics", "/relics?page=9")
    assert beyond["items"] == []


def test_relic_by_code_case_insensitively(conforms, catalog):
    _, body = conforms("/relics/{code}", "/relics/lk01")
    assert body["code"] == "LK01"
    assert body["names"] == {"en": "Relic LK01", "vi": "Di tích LK01"}
    assert body["url"] == "http://qr.test/r/LK01"
    conforms("/relics/{code}", "/relics/ZZ99", 404)


# --- products ---------------------------------------------------------------------------


def test_product_list(conforms, catalog):
    _, body = conforms("/products", "/products")
    assert [p["ref"] for p in body["items"]] == ["banh-gai-tu-tru", "nep-cai-hoa-vang"]
    cake, rice = body["items"]
    assert cake["url"] == f"http://qr.test/01/{GTIN_CAKE}" and cake["ocop"]["valid"] is True
    assert rice["url"] == "http://qr.test/p/nep-cai-hoa-vang" and rice["ocop"]["valid"] is False


def test_product_detail(conforms, catalog):
    _, body = conforms("/products/{ref}", "/products/banh-gai-tu-tru")
    assert body["gtin"] == GTIN_CAKE
    assert body["producer"]["phone"] == "0237 3834 567"
    assert [b["ref"] for b in body["batches"]][:2] == ["BG-07", "BG0601"]
    assert {link["link_type"] for link in body["links"]} == {
        "gs1:hasRetailers",
        "gs1:certificationInfo",
    }  # the javascript: link is not served; batch links belong to the batch
    assert body["photos"][0]["url"] == "http://qr.test/media/p/cake.jpg"
    assert body["epcis"] == "http://qr.test/api/v1/products/banh-gai-tu-tru/epcis"
    conforms("/products/{ref}", "/products/draft-thing", 404)


# --- batches ----------------------------------------------------------------------------


def test_batch_detail_with_events_inputs_and_outputs(conforms, catalog):
    _, body = conforms("/batches/{ref}", "/batches/BG0601")
    assert body["url"] == f"http://qr.test/01/{GTIN_CAKE}/10/BG0601"
    assert body["recall"] is None
    assert [e["biz_step"] for e in body["events"]] == [
        "commissioning",
        "packing",
        "shipping",
        "inspecting",
    ]
    assert body["events"][0]["time"] == "2025-06-01T08:30:00+07:00"
    assert body["inputs"][0]["batch"]["ref"] == "NEP2025"
    assert body["inputs"][1] == {
        "batch": None,
        "lot": None,
        "external_ref": "Lá gai của hộ ông Lê Văn An",
        "quantity": None,
        "unit": "",
    }
    _, rice = conforms("/batches/{ref}", "/batches/NEP2025")
    assert [o["ref"] for o in rice["outputs"]] == ["BG0601"]


def test_recalled_batch_is_data_not_an_error(conforms, catalog):
    _, body = conforms("/batches/{ref}", "/batches/BG0515")
    assert body["status"] == "recalled"
    assert body["recall"]["reason"]["en"] == "Mouldy bean filling."
    conforms("/batches/{ref}", "/batches/DRAFT1", 404)  # a draft product's batch


# --- EPCIS ------------------------------------------------------------------------------


def test_batch_epcis_document_is_valid_epcis(conforms, catalog, epcis_validator):
    response, doc = conforms("/batches/{ref}/epcis", "/batches/BG0601/epcis")
    assert response.mimetype == "application/ld+json"
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in epcis_validator.iter_errors(doc)]
    assert not errors, errors
    events = doc["epcisBody"]["eventList"]
    lot = f"http://qr.test/01/{GTIN_CAKE}/10/BG0601"
    rice = "http://qr.test/p/nep-cai-hoa-vang/10/NEP2025"
    transform, pack, ship, inspect = events
    assert transform["type"] == "TransformationEvent"
    assert transform["eventTime"] == "2025-06-01T08:30:00+07:00"
    assert transform["eventTimeZoneOffset"] == "+07:00"
    assert transform["inputQuantityList"] == [{"epcClass": rice, "quantity": 200, "uom": "KGM"}]
    assert transform["outputQuantityList"] == [{"epcClass": lot, "quantity": 2000, "uom": "H87"}]
    assert transform["qrsvc:evidence"] == ["http://qr.test/media/p/cake.jpg"]
    assert pack["type"] == "AggregationEvent" and pack["bizStep"] == "packing"
    # "hộp" typed before units were chosen from a list: still exported, as boxes (XBX).
    assert pack["childQuantityList"] == [{"epcClass": lot, "quantity": 200, "uom": "XBX"}]
    assert ship["disposition"] == "in_transit" and ship["action"] == "OBSERVE"
    assert inspect["qrsvc:note"] == "Kiểm tra an toàn thực phẩm: đạt."


def test_product_epcis_document_holds_every_batch(conforms, catalog, epcis_validator):
    _, doc = conforms("/products/{ref}/epcis", "/products/nep-cai-hoa-vang/epcis")
    assert not list(epcis_validator.iter_errors(doc))
    (harvest,) = doc["epcisBody"]["eventList"]
    assert harvest["quantityList"] == [
        {
            "epcClass": "http://qr.test/p/nep-cai-hoa-vang/10/NEP2025",
            "quantity": 1250.5,
            "uom": "KGM",
        }
    ]
    assert harvest["readPoint"] == {"id": "https://qr.test/loc/field-3"}
    assert harvest["qrsvc:recordedBy"] == "Nguyễn Thị Hằng"
    _, cake = conforms("/products/{ref}/epcis", "/products/banh-gai-tu-tru/epcis")
    assert len(cake["epcisBody"]["eventList"]) == 4
    assert not list(epcis_validator.iter_errors(cake))


def test_an_event_epcis_cannot_express_is_named_not_a_crash(app, conforms, catalog):
    with app.app_context():
        db.session.add(
            TraceEvent(
                batch_id=catalog.rice_lot_id,
                event_type="AggregationEvent",
                action="ADD",  # adding to a container needs the container
                biz_step="packing",
                event_time=datetime(2025, 5, 21, tzinfo=UTC),
                event_uri="urn:uuid:00000000-0000-4000-8000-000000000001",
            )
        )
        db.session.commit()
    _, body = conforms("/batches/{ref}/epcis", "/batches/NEP2025/epcis", 422)
    assert "urn:uuid:00000000-0000-4000-8000-000000000001" in body["error"]["detail"]
    assert "parent" in body["error"]["detail"]


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=-1",
        "page=abc",
        "page=1.5",
        "per_page=0",
        "per_page=101",
        "page=%00",
        "per_page=" + "9" * 10_000,
        "page=%EF%BC%91",
    ],
)
def test_bad_page_parameters_are_400(conforms, catalog, query):
    for template in ("/relics", "/products"):
        _, body = conforms(template, f"{template}?{query}", 400)
        assert "must be a whole number" in body["error"]["detail"]


@pytest.mark.parametrize(
    "ref",
    [
        "%00",
        "a%00b",
        "x" * 10_000,
        "..%2F..%2Fetc%2Fpasswd",
        "%27%20OR%20%271%27%3D%271",
        "b%C3%A1nh",
        "%ff",
        "%E2%80%AE",
    ],
)
def test_hostile_references_are_404(conforms, catalog, ref):
    for template, path in (
        ("/relics/{code}", f"/relics/{ref}"),
        ("/products/{ref}", f"/products/{ref}"),
        ("/batches/{ref}", f"/batches/{ref}"),
        ("/batches/{ref}/epcis", f"/batches/{ref}/epcis"),
        ("/products/{ref}/epcis", f"/products/{ref}/epcis"),
    ):
        _, body = conforms(template, path, 404)
        assert body["error"]["status"] == 404


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/../../etc/passwd", "/api/v1/batches/"])
def test_unknown_api_paths_answer_json(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_the_api_is_read_only(client, catalog):
    response = client.post("/api/v1/products", json={"ref": "x"})
    assert response.status_code == 405
    assert response.get_json()["error"]["status"] == 405


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "API_RATELIMIT": "3/minute"}])
def test_the_api_is_rate_limited_per_client(client, conforms, catalog):
    # One budget for the whole API: the OpenAPI document fetched by ``conforms`` counts.
    conforms("/products", "/products")
    conforms("/relics", "/relics")
    _, body = conforms("/products", "/products", 429)
    assert body["error"]["status"] == 429
    # Scans of printed codes are not limited by the API's budget.
    assert client.get(f"/01/{GTIN_CAKE}").status_code == 200


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True, "API_RATELIMIT": "2/minute"}])
def test_only_limited_views_pay_for_rate_limits(app, client, catalog):
    # A scan never looks up limits it does not have, nor uses the API's budget...
    for _ in range(5):
        assert client.get("/healthz").status_code == 200
        scan = client.get(f"/01/{GTIN_CAKE}")
        assert scan.status_code == 200 and "X-RateLimit-Limit" not in scan.headers
    # ...while every view of the API, including its errors, still counts against its budget.
    first = client.get("/api/v1/products")
    assert first.status_code == 200
    assert first.headers["X-RateLimit-Limit"] == "2"
    assert first.headers["X-RateLimit-Remaining"] == "1"
    assert client.get("/api/v1/products/nothing-like-this").status_code == 404
    assert client.get("/api/v1/relics").status_code == 429  # one budget for the whole API

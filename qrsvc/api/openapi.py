"""The OpenAPI 3.1 document of the JSON API (its schemas are JSON Schema 2020-12).

Tests validate every answer of the API against these schemas, so this document and
the serializers cannot drift apart unnoticed.
"""

from __future__ import annotations

from typing import Any

from .openapi_filters import with_filters
from .pagination import MAX_PAGE, MAX_PER_PAGE

_TEXT = {"type": "string"}
_NTEXT = {"type": ["string", "null"]}
_DAY = {"type": ["string", "null"], "format": "date"}
_NUM = {"type": ["number", "null"]}
_PER_LANGUAGE = {
    "type": "object",
    "description": "Text per language code (vi is the source).",
    "additionalProperties": {"type": "string"},
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: list[str], **props: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


def _page_of(item: str) -> dict[str, Any]:
    return {
        "allOf": [
            _ref("Page"),
            _obj(["items"], items={"type": "array", "items": _ref(item)}),
        ]
    }


SCHEMAS: dict[str, Any] = {
    "Error": _obj(
        ["error"],
        error=_obj(
            ["status", "title", "detail"],
            status={"type": "integer"},
            title=_TEXT,
            detail=_TEXT,
        ),
    ),
    "Page": _obj(
        ["items", "page", "per_page", "total", "pages", "links"],
        items={"type": "array"},
        page={"type": "integer", "minimum": 1},
        per_page={"type": "integer", "minimum": 1, "maximum": 100},
        total={"type": "integer", "minimum": 0},
        pages={"type": "integer", "minimum": 1},
        links=_obj([], next=_TEXT, prev=_TEXT),
    ),
    "RelicSummary": _obj(
        ["code", "rank", "names", "url"],
        code=_TEXT,
        rank={"enum": ["special_national", "national", "provincial", "unranked"]},
        names=_PER_LANGUAGE,
        commune=_TEXT,
        province=_TEXT,
        latitude=_NUM,
        longitude=_NUM,
        url={"type": "string", "format": "uri"},
    ),
    "Relic": {
        "allOf": [
            _ref("RelicSummary"),
            _obj(
                ["rank_decision", "languages", "content", "festivals"],
                rank_decision=_obj(["number", "date"], number=_TEXT, date=_DAY),
                commune_old=_TEXT,
                district_old=_TEXT,
                address=_TEXT,
                opening_hours={"type": "array"},
                fee_vnd={"type": ["integer", "null"]},
                phone=_TEXT,
                email=_TEXT,
                languages={"type": "array", "items": _TEXT},
                content={"type": "object", "additionalProperties": {"type": "object"}},
                festivals={"type": "array", "items": {"type": "object"}},
            ),
        ]
    },
    "Ocop": {
        "type": ["object", "null"],
        "required": ["stars", "valid"],
        "properties": {
            "stars": {"type": "integer", "minimum": 3, "maximum": 5},
            "certificate_no": _TEXT,
            "certificate_date": _DAY,
            "certificate_expiry": _DAY,
            "valid": {"type": "boolean", "description": "False once the certificate expired."},
        },
    },
    "ProductSummary": _obj(
        ["ref", "gtin", "names", "ocop", "producer", "url"],
        ref=_TEXT,
        gtin={"type": ["string", "null"], "pattern": "^[0-9]{14}$"},
        names=_PER_LANGUAGE,
        category=_TEXT,
        ocop=_ref("Ocop"),
        producer=_obj(["ref", "name"], ref=_TEXT, name=_TEXT),
        url={"type": "string", "format": "uri", "description": "What the product's code opens."},
    ),
    "Product": {
        "allOf": [
            _ref("ProductSummary"),
            _obj(
                ["description", "ingredients", "storage", "photos", "links", "batches", "epcis"],
                description=_PER_LANGUAGE,
                ingredients=_PER_LANGUAGE,
                storage=_PER_LANGUAGE,
                shelf_life_days={"type": ["integer", "null"]},
                net_content=_TEXT,
                photos={"type": "array", "items": {"type": "object", "required": ["url"]}},
                links={"type": "array", "items": _ref("Link")},
                batches={"type": "array", "items": _ref("BatchRef")},
                epcis={"type": "string", "format": "uri"},
            ),
        ]
    },
    "Link": _obj(
        ["link_type", "href"],
        link_type=_TEXT,
        href=_TEXT,
        title=_TEXT,
        lang=_TEXT,
        type=_TEXT,
    ),
    "BatchRef": _obj(
        ["ref", "lot", "product_ref", "status", "url"],
        ref=_TEXT,
        lot=_TEXT,
        product_ref=_TEXT,
        production_date=_DAY,
        status={"enum": ["active", "recalled"]},
        url={"type": "string", "format": "uri"},
    ),
    "Event": _obj(
        ["id", "type", "biz_step", "time"],
        id=_TEXT,
        type={"enum": ["ObjectEvent", "TransformationEvent", "AggregationEvent"]},
        action=_TEXT,
        biz_step=_TEXT,
        disposition=_NTEXT,
        time={"type": "string", "format": "date-time"},
        place=_PER_LANGUAGE,
        description=_PER_LANGUAGE,
        quantity=_NUM,
        unit=_TEXT,
        recorded_by=_NTEXT,
    ),
    "Batch": {
        "allOf": [
            _ref("BatchRef"),
            _obj(
                ["product", "recall", "events", "inputs", "outputs", "epcis"],
                product=_obj(["ref", "gtin", "names"], ref=_TEXT, gtin=_NTEXT, names=_PER_LANGUAGE),
                expiry_date=_DAY,
                quantity=_NUM,
                unit=_TEXT,
                origin_area=_PER_LANGUAGE,
                recall={
                    "type": ["object", "null"],
                    "properties": {"reason": _PER_LANGUAGE, "recalled_at": _NTEXT},
                },
                events={"type": "array", "items": _ref("Event")},
                inputs={
                    "type": "array",
                    "items": _obj(
                        ["batch", "external_ref"],
                        batch={"oneOf": [_ref("BatchRef"), {"type": "null"}]},
                        lot=_NTEXT,
                        external_ref=_TEXT,
                        quantity=_NUM,
                        unit=_TEXT,
                    ),
                },
                outputs={"type": "array", "items": _ref("BatchRef")},
                epcis={"type": "string", "format": "uri"},
            ),
        ]
    },
    "EPCISDocument": {
        "type": "object",
        "description": "EPCIS 2.0 JSON-LD (see the GS1 EPCIS 2.0 JSON schema).",
        "required": ["@context", "type", "schemaVersion", "creationDate", "epcisBody"],
        "properties": {"type": {"const": "EPCISDocument"}, "schemaVersion": {"const": "2.0"}},
    },
}


def _json(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": _ref(schema)}}


_ERRORS = {
    "400": {"description": "Bad parameter", "content": _json("Error")},
    "404": {"description": "Not found", "content": _json("Error")},
    "429": {"description": "Too many requests from this address", "content": _json("Error")},
}
_PAGING = [
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    },
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20},
    },
]


#: The longest identifier of each kind that the database can hold (a longer one is 404).
_KEY_LENGTHS = {"code": 12, "ref": 40, "lot": 64}


def _get(summary: str, schema: dict, key: str | None = None, media: str = "application/json"):
    """A GET operation; without a path ``key`` it is a paginated list.

    ``key`` is ``code`` (a relic), ``ref`` (a product's ref or GTIN) or ``lot`` (a
    batch's ref, named ``ref`` in the path).
    """
    params = _PAGING
    if key:
        bounds = {"type": "string", "minLength": 1, "maxLength": _KEY_LENGTHS[key]}
        name = "ref" if key == "lot" else key
        params = [{"name": name, "in": "path", "required": True, "schema": bounds}]
    ok: dict[str, Any] = {"description": "OK", "content": {media: {"schema": schema}}}
    if not key:
        ok["headers"] = {
            "Link": {
                "description": 'RFC 8288 links to the next and previous pages (rel="next"/"prev")',
                "schema": {"type": "string"},
            }
        }
    return {
        "get": {
            "summary": summary,
            "parameters": params,
            "responses": {"200": ok, **_ERRORS},
        }
    }


#: ``?download=1``: the EPCIS document as a file to save (the product page's link).
_DOWNLOAD = {
    "name": "download",
    "in": "query",
    "description": "1: Content-Disposition attachment (a file to save); 0 or absent: inline",
    "schema": {"type": "string", "enum": ["0", "1"]},
}


def openapi_document(public_url: str, choices: dict | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document, with the server at ``public_url`` and the list filters'
    ``choices`` of today (:mod:`qrsvc.api.openapi_filters`)."""
    epcis = {"$ref": "#/components/schemas/EPCISDocument"}
    epcis_get = _get("EPCIS 2.0 events", epcis, "lot", "application/ld+json")
    epcis_get["get"]["responses"]["422"] = {
        "description": "A stored event cannot be expressed in EPCIS 2.0",
        "content": _json("Error"),
    }
    product_epcis = _get("EPCIS 2.0 events of every batch", epcis, "ref", "application/ld+json")
    product_epcis["get"]["responses"]["422"] = epcis_get["get"]["responses"]["422"]
    for operation in (epcis_get, product_epcis):
        operation["get"]["parameters"] = [*operation["get"]["parameters"], _DOWNLOAD]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "qrsvc public API",
            "version": "1",
            "description": "Read-only data of the district's relics and OCOP products.",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "servers": [{"url": f"{public_url}/api/v1"}],
        "paths": {
            "/relics": with_filters(_get("Relics", _page_of("RelicSummary")), choices, "relics"),
            "/relics/{code}": _get("One relic", _ref("Relic"), "code"),
            "/products": with_filters(_get("Products", _page_of("ProductSummary")), choices),
            "/products/{ref}": _get("One product", _ref("Product"), "ref"),
            "/products/{ref}/epcis": product_epcis,
            "/batches/{ref}": _get("One batch", _ref("Batch"), "lot"),
            "/batches/{ref}/epcis": epcis_get,
        },
        "components": {"schemas": SCHEMAS},
    }

"""The read-only JSON API: relics, products, batches and their EPCIS documents.

Lists are paginated (``page``, ``per_page``; a ``Link`` header names the next and
previous pages). Errors are JSON ``{"error": {"status", "title", "detail"}}`` from
the application's error handlers. Anyone may read it, from any web page (CORS).
"""

from __future__ import annotations

from flask import current_app, jsonify, make_response, request
from flask.wrappers import Response
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import BadRequest, NotFound, UnprocessableEntity

from qrsvc.api import serializers, services
from qrsvc.api.openapi import openapi_document
from qrsvc.api.pagination import envelope, page_request
from qrsvc.areas.filters import (
    FilterError,
    ListFilters,
    area_choices,
    categories,
    former_districts,
    read_filters,
)
from qrsvc.areas.listing import product_page, relic_page
from qrsvc.downloads import content_disposition
from qrsvc.epcis import EPCISExportError, to_json
from qrsvc.extensions import db
from qrsvc.trace import epcis
from qrsvc.trace import services as trace

EPCIS_TYPE = "application/ld+json"


def cors(response: Response) -> Response:
    """Public, read-only data: any site may fetch it, errors under /api/ included."""
    if not request.path.startswith("/api/"):
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "Link"
    return response


def relics():
    """Published relics, by code; ``area``, ``district`` and ``rank`` filter them."""
    asked = page_request()
    found = relic_page(_filters("relics"), asked.page, asked.per_page, by_rank=False)
    items = [serializers.relic_summary(r) for r in found.items]
    body, headers = envelope(items, found.total, asked)
    return jsonify(body), 200, headers


def relic(code: str):
    """One published relic with its content in every language."""
    found = services.published_relic(code)
    if found is None:
        raise NotFound(f"No published relic has the code {code[:20]!r}.")
    return jsonify(serializers.relic_detail(found))


def products():
    """Published products, by reference; ``area``, ``district``, ``category`` and
    ``stars`` filter them."""
    asked = page_request()
    found = product_page(_filters("products"), asked.page, asked.per_page)
    today = trace.today_in_vietnam()
    items = [serializers.product_summary(p, today) for p in found.items]
    body, headers = envelope(items, found.total, asked)
    return jsonify(body), 200, headers


def product(ref: str):
    """One published product with its producer, photos, links and batches."""
    found = _product(ref)
    return jsonify(
        serializers.product_detail(
            found,
            trace.today_in_vietnam(),
            trace.photos_of(found),
            trace.links_of(found),
            trace.published_batches(found),
        )
    )


def batch(ref: str):
    """One batch with its events, inputs and outputs; a recall is shown, not hidden."""
    found = _batch(ref)
    return jsonify(serializers.batch_detail(found, trace.batch_story(found), trace.is_public))


def batch_epcis(ref: str):
    """The batch's events as an EPCIS 2.0 JSON-LD document."""
    found = _batch(ref)
    return _epcis(
        lambda: epcis.batch_document(found, current_app.config["PUBLIC_URL"]),
        f"epcis-{found.ref}.jsonld",
    )


def product_epcis(ref: str):
    """The events of every batch of a product as one EPCIS 2.0 JSON-LD document."""
    found = _product(ref)
    return _epcis(
        lambda: epcis.product_document(found, current_app.config["PUBLIC_URL"]),
        f"epcis-{found.ref}.jsonld",
    )


def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document(current_app.config["PUBLIC_URL"], filter_choices()))


def filter_choices() -> dict[str, list[str]] | None:
    """The values the list filters accept today, for the OpenAPI document's enums.

    None when the database cannot say (down, or not migrated yet): the document is still
    served, with the filters as bounded strings.
    """
    try:
        return {
            "area": [area.code for area in area_choices()],
            "district": former_districts(),
            "category": categories(),
        }
    except SQLAlchemyError:
        db.session.rollback()
        return None


#: What a client reads when a filter value is not one of the choices.
FILTER_ERRORS = {
    "area": "area must be the code of one of the site's areas.",
    "district": "district must be one of the former districts the site knows.",
    "rank": "rank must be special_national, national, provincial or unranked.",
    "category": "category must be one of the categories of published products.",
    "stars": "stars must be 3, 4 or 5.",
}


def _filters(kind: str) -> ListFilters:
    try:
        return read_filters(request.args, kind)
    except FilterError as exc:
        raise BadRequest(FILTER_ERRORS.get(exc.param, "Bad filter value.")) from None


def _product(ref: str):
    found = trace.published_product_by_ref(ref)
    if found is None:
        raise NotFound(f"No published product has the reference {ref[:40]!r}.")
    return found


def _batch(ref: str):
    found = trace.published_batch_by_ref(ref)
    if found is None:
        raise NotFound(f"No published batch has the reference {ref[:64]!r}.")
    return found


def _epcis(build, filename: str) -> Response:
    _download_asked()  # a bad value is a 400 before any work
    try:
        document = build()
    except EPCISExportError as exc:
        # Bad stored data, not a bad request: say which event staff must correct.
        raise UnprocessableEntity(str(exc)) from None
    response = make_response(to_json(document, indent=None))
    response.mimetype = EPCIS_TYPE
    # The product page's link asks for a file to save (a phone would otherwise show raw
    # JSON); other clients get it inline, saved under a name that says what it is.
    disposition = "attachment" if _download_asked() else "inline"
    response.headers["Content-Disposition"] = content_disposition(filename, disposition)
    return response


def _download_asked() -> bool:
    raw = request.args.get("download")
    if raw is None:
        return False
    if raw not in ("0", "1"):
        raise BadRequest("download must be 1 (a file to save) or 0 (shown inline).")
    return raw == "1"

"""The read-only JSON API: relics, products, batches and their EPCIS documents.

Lists are paginated (``page``, ``per_page``; a ``Link`` header names the next and
previous pages). Errors are JSON ``{"error": {"status", "title", "detail"}}`` from
the application's error handlers. Anyone may read it, from any web page (CORS).
"""

from __future__ import annotations

from flask import current_app, jsonify, make_response, request
from flask.wrappers import Response
from werkzeug.exceptions import BadRequest, NotFound, UnprocessableEntity

from qrsvc.api import bp, serializers, services
from qrsvc.api.openapi import openapi_document
from qrsvc.api.pagination import envelope, page_request
from qrsvc.downloads import content_disposition
from qrsvc.epcis import EPCISExportError, to_json
from qrsvc.trace import epcis
from qrsvc.trace import services as trace

EPCIS_TYPE = "application/ld+json"


@bp.after_app_request
def cors(response: Response) -> Response:
    """Public, read-only data: any site may fetch it, errors under /api/ included."""
    if not request.path.startswith("/api/"):
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "Link"
    return response


@bp.get("/relics")
def relics():
    """Published relics, by code."""
    asked = page_request()
    rows, total = services.relic_page(asked.offset, asked.per_page)
    body, headers = envelope([serializers.relic_summary(r) for r in rows], total, asked)
    return jsonify(body), 200, headers


@bp.get("/relics/<code>")
def relic(code: str):
    """One published relic with its content in every language."""
    found = services.published_relic(code)
    if found is None:
        raise NotFound(f"No published relic has the code {code[:20]!r}.")
    return jsonify(serializers.relic_detail(found))


@bp.get("/products")
def products():
    """Published products, by reference."""
    asked = page_request()
    rows, total = trace.product_page(asked.page, asked.per_page)
    today = trace.today_in_vietnam()
    body, headers = envelope([serializers.product_summary(p, today) for p in rows], total, asked)
    return jsonify(body), 200, headers


@bp.get("/products/<ref>")
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


@bp.get("/batches/<ref>")
def batch(ref: str):
    """One batch with its events, inputs and outputs; a recall is shown, not hidden."""
    found = _batch(ref)
    return jsonify(serializers.batch_detail(found, trace.batch_story(found), trace.is_public))


@bp.get("/batches/<ref>/epcis")
def batch_epcis(ref: str):
    """The batch's events as an EPCIS 2.0 JSON-LD document."""
    found = _batch(ref)
    return _epcis(
        lambda: epcis.batch_document(found, current_app.config["PUBLIC_URL"]),
        f"epcis-{found.ref}.jsonld",
    )


@bp.get("/products/<ref>/epcis")
def product_epcis(ref: str):
    """The events of every batch of a product as one EPCIS 2.0 JSON-LD document."""
    found = _product(ref)
    return _epcis(
        lambda: epcis.product_document(found, current_app.config["PUBLIC_URL"]),
        f"epcis-{found.ref}.jsonld",
    )


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document(current_app.config["PUBLIC_URL"]))


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

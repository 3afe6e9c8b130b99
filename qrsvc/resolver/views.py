"""GS1 Digital Link resolver: ``/01/<gtin>[/22/..][/10/<lot>[/21/<serial>]]``.

A scan is answered with the product or batch page itself (200, or 410 for a recalled
batch): no redirect between the buyer and the page. ``?linkType=`` redirects (307,
query string passed on) to another link of the item, and ``?linkType=linkset`` or
``Accept: application/linkset+json`` gives every link of every level as an RFC 9264
linkset. Every answer carries CORS headers and a ``Link`` header to the linkset.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app, jsonify, make_response, redirect, request
from flask.wrappers import Response
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest, NotFound

from qrsvc.gs1 import DigitalLink, DigitalLinkError, parse_path
from qrsvc.i18n import requested_language
from qrsvc.resolver import links as resolver_links
from qrsvc.resolver.linktypes import GS1_VOC, LINK_TYPES, LINKSET_NAMES, normalise_link_type
from qrsvc.stamps.views import render_item_stamp
from qrsvc.trace.product_pages import render_batch, render_product

LINKSET_TYPE = "application/linkset+json"
ALLOWED = "GET, HEAD, OPTIONS"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": ALLOWED,
    "Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Type",
    "Access-Control-Expose-Headers": "Link, Location, Content-Type, Vary",
    "Access-Control-Max-Age": "86400",
}


def cors(response: Response) -> Response:
    """Any web page may read what the resolver answers (CORS), errors included."""
    response.headers.update(CORS_HEADERS)
    response.vary.update(("Accept", "Accept-Language"))
    return response


def resolve(rest: str = "") -> Response:
    """Answer a Digital Link: the page, a redirect, a linkset, or a clear error."""
    if request.method == "OPTIONS":
        return Response(status=204, headers={"Allow": ALLOWED})
    link = _parse_request()
    found = resolver_links.resolve(link)
    if found is None:
        raise NotFound(_("No product with GTIN %(gtin)s is registered here.", gtin=link.gtin))
    answer = _answer(link, found)
    answer.headers.add(
        "Link",
        f'<{request.script_root}{link.path}?linkType=linkset>; rel="linkset"; '
        f'type="{LINKSET_TYPE}"',
    )
    return answer


def _parse_request() -> DigitalLink:
    """Parse the raw request URI, so that ``%2F`` inside a lot stays part of the lot."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        path, _sep, query = raw.partition("?")
        if not path.startswith("/"):  # absolute-form request target: http://host/01/...
            path = "/" + path.split("://", 1)[-1].partition("/")[2]
        path = path.removeprefix(request.script_root)
    else:
        # A server that keeps no raw URI: the decoded path (a lot "A%2FB" reads as A/B).
        path, query = quote(request.path, safe="/"), request.query_string
    try:
        return parse_path(path, query)
    except DigitalLinkError as exc:
        # The reason is GS1's technical English (a check digit, an AI): the buyer who
        # scanned the label gets advice in their language first, the reason after it.
        raise BadRequest(
            _(
                "This code cannot be read as a product code. Scan the label again; if it "
                "still fails, the label may be damaged or not genuine. (Technical detail: "
                "%(reason)s)",
                reason=exc,
            )
        ) from None


def _answer(link: DigitalLink, found: resolver_links.Resolution) -> Response:
    """The page, a redirect to another link, or the linkset, as the request asks."""
    product, batch, levels = found.product, found.batch, found.levels
    asked = link.params.get("linkType", "")
    if asked.lower() in LINKSET_NAMES or (not asked and _wants_linkset()):
        return _linkset_response(levels)
    if asked:
        link_type = normalise_link_type(asked)
        if link_type is None:
            raise NotFound(_("Unknown link type %(type)s.", type=repr(asked[:60])))
    else:
        link_type = "gs1:defaultLink"
    if batch is not None and link_type == "gs1:defaultLink":
        if batch.recalled:
            return render_batch(batch)  # 410 whatever the default or the stamp: safety first
        if link.serial is not None:
            stamp_page = render_item_stamp(batch, link.serial)
            if stamp_page is not None:
                return make_response(stamp_page)
    chosen = resolver_links.choose(
        levels, link_type, requested_language(), request.accept_mimetypes
    )
    if chosen is None:
        raise NotFound(_("There is no %(type)s link for this item.", type=link_type))
    if chosen.own == "batch":
        return render_batch(batch)
    if chosen.own == "product":
        unknown = link.lot if link.lot is not None and batch is None else None
        return render_product(product, unknown_lot=unknown)
    return redirect(_pass_query(chosen.href), code=307)


def _wants_linkset() -> bool:
    # A browser's Accept prefers HTML; a client asking for JSON gets the linkset.
    offered = ["text/html", LINKSET_TYPE, "application/json"]
    return request.accept_mimetypes.best_match(offered, default="text/html") != "text/html"


def _linkset_response(levels) -> Response:
    response = jsonify(resolver_links.linkset(levels))
    response.mimetype = LINKSET_TYPE
    return response


def _pass_query(href: str) -> str:
    """Pass the scanned query string on to the target, without our own linkType."""
    raw = request.query_string.decode("ascii", "replace")
    kept = [part for part in raw.split("&") if part and not part.startswith("linkType=")]
    if not kept:
        return href
    href, hash_, fragment = href.partition("#")  # the query goes before a fragment
    return href + ("&" if "?" in href else "?") + "&".join(kept) + hash_ + fragment


def description() -> Response:
    """The resolver description file of the GS1-Conformant resolver standard."""
    root = current_app.config["PUBLIC_URL"]
    response = make_response(
        jsonify(
            name="qrsvc GS1 Digital Link resolver",
            resolverRoot=root,
            supportedPrimaryKeys=["01"],
            supportedLinkType=[
                {"namespace": GS1_VOC, "prefix": "gs1:", "profile": f"{GS1_VOC}?show=linktypes"}
            ],
            linkTypes=sorted(LINK_TYPES),
            linkTypeDefaultCanBeLinkset=False,
            linksetMediaType=LINKSET_TYPE,
            validatesCheckDigit=True,
            supportsLegacyShortNames=True,
        )
    )
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response

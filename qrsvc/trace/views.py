"""Local paths of products without a GTIN (``/p/<ref>``) and the list of products.

Products with a GTIN are answered by the resolver at their Digital Link; their
``/p/<ref>`` still works (a label printed before the GTIN was registered keeps
scanning) and names the Digital Link as canonical.
"""

from __future__ import annotations

from flask import abort, g, make_response, render_template, request
from flask_babel import gettext as _

from qrsvc import cache
from qrsvc.i18n import requested_language
from qrsvc.public.relic_page import picture
from qrsvc.trace import bp, services
from qrsvc.trace.pages import remember_language, render_batch, render_product

PER_PAGE = 30


@bp.route("/p/<ref>", methods=["GET", "HEAD"])
@bp.route("/p/<ref>/", methods=["GET", "HEAD"])
def product(ref: str):
    """A product page by its local reference."""
    found = services.published_product_by_ref(ref)
    if found is None:
        abort(404, description=_("No product is published under this code."))
    return render_product(found)


@bp.route("/p/<ref>/10/<path:lot>", methods=["GET", "HEAD"])
def batch(ref: str, lot: str):
    """A batch page by product reference and lot; an unknown lot walks up to the product."""
    found = services.published_product_by_ref(ref)
    if found is None:
        abort(404, description=_("No product is published under this code."))
    lot = lot.removesuffix("/")
    the_batch = services.batch_of(found, lot)
    if the_batch is None:
        return render_product(found, unknown_lot=lot[:20])
    return render_batch(the_batch)


@bp.get("/products")
@cache.cached_page()
def products():
    """Published products, a page at a time."""
    g.lang = requested_language()
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit() and len(raw) < 7 and int(raw) >= 1):
        abort(400, description=_("The page number must be a whole number from 1."))
    page = int(raw)
    rows, total = services.product_page(page, PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    if page > pages:
        abort(404, description=_("There is no such page of products."))
    thumbs = {pid: picture(media, g.lang) for pid, media in services.first_photos(rows).items()}
    html = render_template(
        "trace/products.html",
        products=rows,
        thumbs=thumbs,
        page=page,
        pages=pages,
        today=services.today_in_vietnam(),
    )
    return remember_language(make_response(html))

"""Local paths of products without a GTIN (``/p/<ref>``) and the list of products.

Products with a GTIN are answered by the resolver at their Digital Link; their
``/p/<ref>`` still works (a label printed before the GTIN was registered keeps
scanning) and names the Digital Link as canonical.
"""

from __future__ import annotations

from flask import abort, g, make_response, render_template, request
from flask_babel import gettext as _

from qrsvc import cache
from qrsvc.areas.filters import (
    FilterError,
    area_choices,
    categories,
    former_districts,
    page_number,
    read_filters,
)
from qrsvc.areas.listing import product_page
from qrsvc.i18n import requested_language
from qrsvc.public.relic_page import picture
from qrsvc.public.relics import filter_message
from qrsvc.trace import services
from qrsvc.trace.product_pages import remember_language, render_batch, render_product

PER_PAGE = 30


def product(ref: str):
    """A product page by its local reference."""
    found = services.published_product_by_ref(ref)
    if found is None:
        abort(404, description=_("No product is published under this code."))
    return render_product(found)


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


@cache.cached_page()
def products():
    """Published products a page at a time, filtered by area, former district, category
    and OCOP stars; a page past the end is shown empty, saying so."""
    g.lang = requested_language()
    try:
        filters = read_filters(request.args, "products")
        listing = product_page(filters, page_number(request.args), PER_PAGE)
    except FilterError as exc:
        abort(400, description=filter_message(exc.param))
    rows = listing.items
    thumbs = {pid: picture(media, g.lang) for pid, media in services.first_photos(rows).items()}
    html = render_template(
        "trace/products.html",
        products=rows,
        thumbs=thumbs,
        listing=listing,
        page=listing.page,
        pages=listing.pages,
        filters=filters,
        link_args=filters.query_args(),
        areas=area_choices(),
        districts=former_districts(),
        categories=categories(),
        today=services.today_in_vietnam(),
    )
    return remember_language(make_response(html))

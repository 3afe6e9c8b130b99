"""Public pages about relics (thin: read the request, call one service, render)."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for

from qrsvc import cache
from qrsvc.areas.filters import FilterError
from qrsvc.extensions import limiter
from qrsvc.i18n import content_language, requested_language, save_language_choice
from qrsvc.public.cards import product_cards, relic_cards
from qrsvc.public.forms import SignReportForm
from qrsvc.public.relic_list import relic_list_context
from qrsvc.public.relic_page import relic_name
from qrsvc.public.relics import (
    code_for_slug,
    filter_message,
    find_relic,
    published_relics,
)
from qrsvc.public.rendered import page_response
from qrsvc.public.rendering import relic_languages, relic_page, similar_codes
from qrsvc.public.reports import (
    MAX_PHOTO_BYTES,
    file_sign_report,
    read_photo_note,
    sign_photo_note,
)
from qrsvc.public.search import clean_query, search
from qrsvc.scans import count_view


def choose_language() -> None:
    """Decide the page language once per request: ``?lang=`` > cookie > Accept-Language > vi."""
    g.lang = requested_language()


def remember_language(response):
    """``?lang=`` is also saved in a cookie, so the next page opens in that language."""
    if "lang=" not in request.environ.get("QUERY_STRING", ""):
        return response  # the hot path: a scan of the printed URL carries no parameter
    return save_language_choice(response)


@cache.cached_page()
def home():
    """District home page: relics, OCOP products, search."""
    relics = relic_cards(published_relics(), g.lang)
    return render_template("public/home.html", relics=relics, products=product_cards(g.lang))


@cache.cached_page()
def relic_list():
    """Published relics a page at a time, filtered by area, former district and rank."""
    try:
        context = relic_list_context(request.args, g.lang)
    except FilterError as exc:
        abort(400, description=filter_message(exc.param))
    return render_template("public/relics.html", **context)


# Every form a printed or typed code takes is the same page, the same count and (in the
# service worker, see static/sw.js pageKey) the same offline copy: the upper-case URL a
# sign encodes in QR alphanumeric mode, lower case, any mix, and a trailing slash.
# They are answered directly, not redirected: on weak 3G a redirect costs a round trip
# per scan. The page names /r/<CODE> as canonical.
def relic(code: str):
    """The relic page; a view is counted as a scan unless it comes from a link on the site."""
    languages = relic_languages(code)
    page = None
    if languages is not None:
        g.lang = requested_language(languages)
        page = relic_page(code, g.lang, content_language(g.lang, languages))
    if page is None:
        return render_template(
            "public/relic_not_found.html", code=code[:40], suggestions=similar_codes(code)
        ), 404
    # In-site links add ?via=site; the printed short URL carries no parameter.
    source = "site" if "via=site" in request.environ.get("QUERY_STRING", "") else "qr"
    count_view("relic", page.target_id, lang=page.lang, source=source)
    return page_response(page)


def relic_by_slug(slug: str):
    """Readable links (current or former slugs) lead to the relic's short URL."""
    code = code_for_slug(slug)
    if code is None:
        abort(404)
    return redirect(url_for(".relic", code=code, via="site"), 301)


def search_page():
    """Relics and products whose names contain the words typed (accents optional)."""
    query = clean_query(request.args.get("q"))
    return render_template("public/search.html", query=query, hits=search(query, g.lang))


@limiter.limit("10 per hour", methods=["POST"])
def report(code: str):
    """Report a problem with a relic's sign (a damaged plate, a covered code, wrong text)."""
    relic = find_relic(code)
    if relic is None:
        abort(404)
    form = SignReportForm()
    if form.validate_on_submit():
        photo = None
        if not form.website.data:  # a bot filled the hidden field: thank it, keep nothing
            upload = form.photo.data
            data = upload.read(MAX_PHOTO_BYTES + 1) if hasattr(upload, "read") else None
            filed = file_sign_report(
                relic, form.kind.data, form.message.data, form.contact.data, g.lang, data
            )
            if filed.photo:
                photo = sign_photo_note(relic.code, filed.photo)
        return redirect(url_for(".report_thanks", code=relic.code, note=photo))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "public/report.html", relic=relic, name=relic_name(relic, g.lang), form=form
    ), status


def report_thanks(code: str):
    """Confirmation that staff received the report; the photo's verdict only from a signed note."""
    relic = find_relic(code)
    if relic is None:
        abort(404)
    photo = read_photo_note(relic.code, request.args.get("note"))
    return render_template(
        "public/report_thanks.html",
        relic=relic,
        name=relic_name(relic, g.lang),
        photo=photo,
    )

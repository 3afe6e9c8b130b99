"""Public pages about relics (thin: read the request, call one service, render)."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from qrsvc import cache
from qrsvc.extensions import limiter
from qrsvc.i18n import requested_language, save_language_choice
from qrsvc.models import Rank
from qrsvc.public import bp
from qrsvc.public.cards import product_cards, relic_cards
from qrsvc.public.forms import SignReportForm
from qrsvc.public.pages import page_response
from qrsvc.public.relic_page import relic_name
from qrsvc.public.relics import (
    clean_filter,
    code_for_slug,
    find_relic,
    published_relics,
    relic_communes,
)
from qrsvc.public.rendering import relic_languages, relic_page, similar_codes
from qrsvc.public.reports import file_sign_report
from qrsvc.public.search import clean_query, search
from qrsvc.scans import count_view


@bp.before_request
def choose_language() -> None:
    """Decide the page language once per request: ``?lang=`` > cookie > Accept-Language > vi."""
    g.lang = requested_language()


@bp.after_request
def remember_language(response):
    """``?lang=`` is also saved in a cookie, so the next page opens in that language."""
    if "lang=" not in request.environ.get("QUERY_STRING", ""):
        return response  # the hot path: a scan of the printed URL carries no parameter
    return save_language_choice(response)


@bp.get("/")
@cache.cached_page()
def home():
    """District home page: relics, OCOP products, search."""
    relics = relic_cards(published_relics(), g.lang)
    return render_template("public/home.html", relics=relics, products=product_cards(g.lang))


@bp.get("/relics")
@cache.cached_page()
def relic_list():
    """Published relics, filtered by rank and commune."""
    rank = request.args.get("rank", "")
    commune = clean_filter(request.args.get("commune"))
    if rank and rank not in {r.value for r in Rank}:
        abort(400, description=_("Unknown rank: choose one of the ranks in the list."))
    relics = relic_cards(published_relics(rank or None, commune or None), g.lang)
    return render_template(
        "public/relics.html",
        relics=relics,
        communes=relic_communes(),
        ranks=list(Rank),
        rank=rank,
        commune=commune,
    )


# Every form a printed or typed code takes is the same page, the same count and (in the
# service worker, see static/sw.js pageKey) the same offline copy: the upper-case URL a
# sign encodes in QR alphanumeric mode, lower case, any mix, and a trailing slash.
# They are answered directly, not redirected: on weak 3G a redirect costs a round trip
# per scan. The page names /r/<CODE> as canonical.
@bp.get("/R/<code>/")
@bp.get("/r/<code>/")
@bp.get("/R/<code>")  # what a sign prints: HTTP://HOST/R/LK01
@bp.get("/r/<code>")  # registered first (decorators apply bottom up): url_for builds this one
def relic(code: str):
    """The relic page; a view is counted as a scan unless it comes from a link on the site."""
    languages = relic_languages(code)
    page = None
    if languages is not None:
        g.lang = requested_language(languages)
        page = relic_page(code, g.lang)
    if page is None:
        return render_template(
            "public/relic_not_found.html", code=code[:40], suggestions=similar_codes(code)
        ), 404
    # In-site links add ?via=site; the printed short URL carries no parameter.
    source = "site" if "via=site" in request.environ.get("QUERY_STRING", "") else "qr"
    count_view("relic", page.target_id, lang=page.lang, source=source)
    return page_response(page)


@bp.get("/relics/<slug>")
def relic_by_slug(slug: str):
    """Readable links (current or former slugs) lead to the relic's short URL."""
    code = code_for_slug(slug)
    if code is None:
        abort(404)
    return redirect(url_for(".relic", code=code, via="site"), 301)


@bp.get("/search")
def search_page():
    """Relics and products whose names contain the words typed (accents optional)."""
    query = clean_query(request.args.get("q"))
    return render_template("public/search.html", query=query, hits=search(query, g.lang))


@bp.route("/r/<code>/report", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def report(code: str):
    """Report a problem with a relic's sign (a damaged plate, a covered code, wrong text)."""
    relic = find_relic(code)
    if relic is None:
        abort(404)
    form = SignReportForm()
    if form.validate_on_submit():
        if not form.website.data:  # a bot filled the hidden field: thank it, keep nothing
            file_sign_report(relic.id, form.kind.data, form.message.data, form.contact.data, g.lang)
        return redirect(url_for(".report_thanks", code=relic.code))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "public/report.html", relic=relic, name=relic_name(relic, g.lang), form=form
    ), status


@bp.get("/r/<code>/report/thanks")
def report_thanks(code: str):
    """Confirmation that staff received the report."""
    relic = find_relic(code)
    if relic is None:
        abort(404)
    return render_template("public/report_thanks.html", relic=relic, name=relic_name(relic, g.lang))

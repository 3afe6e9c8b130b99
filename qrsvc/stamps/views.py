"""Stamp pages: what a buyer sees after scanning a stamp (``/S/<token>``).

Thin views: parse the token, call one service of :mod:`qrsvc.stamps.stamp_page`, render.
A token that is not one we signed never reaches the database.

Every page that shows a stamp's verdict to a person counts the scan, whatever the URL
carries: a copy of the code can be printed with any query string, so nothing in the
URL may keep a scan out of the count. A buyer's second look at the page (another
language, a reload) is told apart by the service, from the client and the time.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

from flask import (
    Response,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from qrsvc.extensions import csrf, db, limiter
from qrsvc.fastpath import catalog_gettext, render_with_kept_layout
from qrsvc.i18n import UI_LANGUAGES, requested_language
from qrsvc.localtime import local_today
from qrsvc.ratelimit import client_address, hit_limits
from qrsvc.stamps import facts, stamp_page
from qrsvc.stamps.codes import StampCodeError, make_token, parse_token
from qrsvc.stamps.counting import REVIEW_WINDOW, client_hash
from qrsvc.stamps.locations import FAR_APART_KM

#: Link previews (a buyer sharing the page in Zalo or Messenger) are not scans.
_BOTS = re.compile(
    r"bot|crawl|spider|preview|facebookexternalhit|whatsapp|slurp|curl|wget",
    re.IGNORECASE,
)


#: Translated only when a client goes over the limit.
_FLOOD = _l("This connection has checked a great many stamps in a short time.")


def _page_limit() -> str:
    # Generous: mobile carriers put many phones behind one address, and guessing a
    # 50-bit signature is hopeless at any rate; this only stops scraping and floods.
    return current_app.config.get("STAMP_RATELIMIT", "120/minute;3000/day")


def _form_limit() -> str:
    # PIN guesses and shared locations: a buyer needs a handful, a script many.
    return current_app.config.get("STAMP_PIN_RATELIMIT", "10/minute;50/day")


def choose_language() -> None:
    """Decide the page language once per request."""
    g.lang = requested_language()


def stamp(token: str):
    """The stamp page; any other spelling of a genuine token redirects to the canonical one.

    A redirect shows no verdict and counts nothing; the page it leads to counts.
    """
    hit_limits(_page_limit(), scope="stamp-page", description=_FLOOD)
    serial = _serial_or_none(token)
    if serial is None:
        return _render(stamp_page.StampPage("unknown"))
    canonical = make_token(_key(), serial)
    if token != canonical or request.endpoint != "stamps.stamp":
        query = request.query_string.decode("latin-1")
        target = url_for("stamps.stamp", token=canonical)
        return redirect(target + (f"?{query}" if query else ""), code=301)
    if not _is_scan():
        return _render(stamp_page.StampPage("preview", serial=serial), canonical)
    page = stamp_page.stamp_page(
        db.session, serial, client=_client(), count=True, review_window=_review_window()
    )
    return _render(page, canonical)


def refuse_posts_from_other_sites() -> None:
    """The stamp forms' defence against cross-site requests, without a token.

    The PIN and location forms act on no account and no cookie: whoever knows the stamp
    URL (and, for the PIN, the scratched-off PIN) can post them from anywhere, so a
    CSRF token would protect nothing, while it would cost every scan a session cookie.
    What is still refused is a browser posting for another site: browsers say where
    a request comes from (``Sec-Fetch-Site``, ``Origin``), and those headers cannot be
    set by a page.
    """
    if request.method != "POST":
        return
    fetched_from = request.headers.get("Sec-Fetch-Site")
    if fetched_from is not None and fetched_from not in ("same-origin", "none"):
        abort(403, description=_("This form can only be sent from the stamp page."))
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"{request.scheme}://{request.host}":
        abort(403, description=_("This form can only be sent from the stamp page."))


@csrf.exempt
@limiter.limit(_form_limit)
def confirm_pin(token: str):
    """Check the scratch-off PIN (same-site posts only; rate-limited per client and stamp)."""
    serial = _serial_or_none(token)
    if serial is None:
        abort(404)
    pin = request.form.get("pin", "")[:64]
    page = stamp_page.pin_page(db.session, serial, _key(), pin)
    if page is None:
        abort(404)
    return _render(page)


@csrf.exempt
@limiter.limit(_form_limit)
def share_location(token: str):
    """Attach a location the buyer chose to share to their scan (helps spot copies)."""
    serial = _serial_or_none(token)
    if serial is None:
        abort(404)
    try:
        latitude = float(request.form.get("lat", "")[:32])
        longitude = float(request.form.get("lon", "")[:32])
    except ValueError:
        abort(400, description=_("The location must be two numbers (latitude, longitude)."))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):  # also rejects nan
        abort(400, description=_("The location must be two numbers (latitude, longitude)."))
    page = stamp_page.location_page(
        db.session, serial, client=_client(), latitude=latitude, longitude=longitude
    )
    return _render(page)


def render_item_stamp(batch, serial: str) -> Response | None:
    """The stamp page for a Digital Link item URI (/01/../10/../21/<serial>), or None.

    The resolver calls this at the serial level; None means "not a stamp of this batch",
    and the resolver walks up to the batch. A batch that has stamp runs only ever
    carries signed serials, so there anything else is answered as an unknown stamp:
    walking up would show a copied or invented serial the genuine batch page.
    """
    if "lang" not in g:  # the resolver may have chosen already
        g.lang = requested_language()
    number = _serial_or_none(serial)
    run = facts.run_of(db.session, number) if number is not None else None
    if run is None or run.batch_id != batch.id:
        if stamp_page.batch_has_stamps(db.session, batch.id):
            return _render(stamp_page.StampPage("unknown"))
        return None
    canonical = make_token(_key(), number)
    if serial != canonical:
        prefix = quote(request.path.rsplit("/", 1)[0], safe="/")
        query = request.query_string.decode("latin-1")
        return redirect(f"{prefix}/{canonical}" + (f"?{query}" if query else ""), code=301)
    if not _is_scan():
        return _render(stamp_page.StampPage("preview", serial=number), canonical)
    page = stamp_page.stamp_page(
        db.session, number, client=_client(), count=True, review_window=_review_window()
    )
    return _render(page, canonical)


def _render(page: stamp_page.StampPage, token: str | None = None) -> Response:
    if token is None and page.serial is not None:
        token = make_token(_key(), page.serial)
    context = dict(
        catalog_gettext(),
        page=page,
        offline_offer=False,  # a verdict is never kept offline, whatever URL reached it
        state=page.state,
        verdict=page.verdict,
        facts=page.product,
        scans=page.scans,
        copied=page.copied,
        evidence=page.evidence,
        far_apart_km=FAR_APART_KM,
        token=token,
        today=local_today(),
        report_contact=current_app.config.get("STAMP_REPORT_CONTACT", ""),
    )
    if request.method == "GET":
        # The stamp page itself: its language links are relative, the same on every stamp
        # page, so the whole layout is kept per language (see qrsvc.fastpath).
        html = render_with_kept_layout("stamps/stamp.html", switch=SAME_PAGE_LINKS, **context)
    else:  # after a form: the language links lead back to the stamp page
        html = render_template("stamps/stamp.html", switch=_language_links(token), **context)
    response = make_response(html)
    response.status_code = page.status_code
    # Every scan must reach us to be counted; and a stamp page is nobody's search result.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


#: The page in each interface language. Nothing in them keeps the look out of the count
#: (a printed copy could carry it too): the service knows the same client's second look.
SAME_PAGE_LINKS = tuple((code, f"?lang={code}") for code in UI_LANGUAGES)


def _language_links(token: str | None) -> list[tuple[str, str]]:
    """After a form was sent: the stamp page in each interface language, [(code, url)]."""
    path = url_for("stamps.stamp", token=token) if token else request.path
    return [(code, f"{path}?lang={code}") for code in UI_LANGUAGES]


def _serial_or_none(token: str) -> int | None:
    try:
        return parse_token(_key(), token)
    except StampCodeError:
        return None


def _key() -> bytes:
    return current_app.config["STAMP_KEY"].encode()


def _client() -> str:
    return client_hash(
        current_app.config["SECRET_KEY"], client_address(), request.user_agent.string
    )


def _review_window() -> timedelta:
    """How soon after its counted scan the same client's look is a second look
    (``STAMP_REVIEW_SECONDS``; 0: every look counts)."""
    seconds = current_app.config.get("STAMP_REVIEW_SECONDS")
    return REVIEW_WINDOW if seconds is None else timedelta(seconds=seconds)


def _is_scan() -> bool:
    """A real person's GET: not a HEAD, a link preview, a crawler or a prefetch.

    Anything else is shown no verdict (a neutral "check this stamp" page, 200 whatever
    the stamp's state): a verdict is only ever shown with its scan counted.

    Only what a request says about itself in its headers and method counts here, never
    its URL: the service worker refetches a page it keeps for offline use with
    ``X-Qrsvc-Purpose: offline-pack``; browsers mark prefetches with (Sec-)Purpose.
    """
    headers = request.headers
    purpose = f"{headers.get('Sec-Purpose', '')} {headers.get('Purpose', '')}"
    return (
        request.method == "GET"
        and headers.get("X-Qrsvc-Purpose") != "offline-pack"
        and "prefetch" not in purpose
        and not _BOTS.search(request.user_agent.string or "")
    )

"""Stamp pages: what a buyer sees after scanning a stamp (``/S/<token>``).

Thin views: parse the token, call one service of :mod:`qrsvc.stamps.pages`, render.
A token that is not one we signed never reaches the database.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address

from qrsvc.extensions import csrf, db, hit_limits, limiter
from qrsvc.i18n import UI_LANGUAGES, requested_language
from qrsvc.stamps import facts, pages
from qrsvc.stamps.codes import StampCodeError, make_token, parse_token
from qrsvc.stamps.rendering import page_gettext, render_page
from qrsvc.stamps.scans import client_hash
from qrsvc.templating import VIETNAM_TZ

bp = Blueprint("stamps", __name__)

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


@bp.before_request
def choose_language() -> None:
    """Decide the page language once per request."""
    g.lang = requested_language()


@bp.get("/S/<token>")
@bp.get("/s/<token>", endpoint="stamp_lower")
def stamp(token: str):
    """The stamp page; any other spelling of a genuine token redirects to the canonical one."""
    hit_limits(_page_limit(), scope="stamp-page", description=_FLOOD)
    serial = _serial_or_none(token)
    if serial is None:
        return _render(pages.StampPage("unknown"))
    canonical = make_token(_key(), serial)
    if token != canonical or request.endpoint == "stamps.stamp_lower":
        query = request.query_string.decode("latin-1")
        target = url_for("stamps.stamp", token=canonical)
        return redirect(target + (f"?{query}" if query else ""), code=301)
    page = pages.stamp_page(db.session, serial, client=_client(), count=_is_scan())
    return _render(page, canonical)


@bp.before_request
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


@bp.post("/S/<token>/pin")
@csrf.exempt
@limiter.limit(_form_limit)
def confirm_pin(token: str):
    """Check the scratch-off PIN (same-site posts only; rate-limited per client and stamp)."""
    serial = _serial_or_none(token)
    if serial is None:
        abort(404)
    pin = request.form.get("pin", "")[:64]
    page = pages.pin_page(db.session, serial, _key(), pin)
    if page is None:
        abort(404)
    return _render(page)


@bp.post("/S/<token>/location")
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
    page = pages.location_page(
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
        if pages.batch_has_stamps(db.session, batch.id):
            return _render(pages.StampPage("unknown"))
        return None
    canonical = make_token(_key(), number)
    if serial != canonical:
        prefix = quote(request.path.rsplit("/", 1)[0], safe="/")
        query = request.query_string.decode("latin-1")
        return redirect(f"{prefix}/{canonical}" + (f"?{query}" if query else ""), code=301)
    page = pages.stamp_page(db.session, number, client=_client(), count=_is_scan())
    return _render(page, canonical)


def _render(page: pages.StampPage, token: str | None = None) -> Response:
    if token is None and page.serial is not None:
        token = make_token(_key(), page.serial)
    scans = page.scans
    # On the stamp page itself the language links are relative (the same on every stamp
    # page, so kept with the layout); after a form they lead back to the stamp page.
    same_page = request.method == "GET"
    html = render_page(
        "stamps/stamp.html",
        layout_slots=() if same_page else ("langs",),
        **page_gettext(),
        page=page,
        state=page.state,
        facts=page.product,
        scans=scans,
        copied=scans and (scans.copied or page.location_flagged),
        token=token,
        switch=SAME_PAGE_LINKS if same_page else _language_links(token),
        today=datetime.now(VIETNAM_TZ).date(),
        report_contact=current_app.config.get("STAMP_REPORT_CONTACT", ""),
    )
    response = make_response(html)
    response.status_code = page.status_code
    # Every scan must reach us to be counted; and a stamp page is nobody's search result.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


#: The page in each interface language. ``via=site`` marks the link as one on the site:
#: reading the page in another language is not one more check of the stamp.
SAME_PAGE_LINKS = tuple((code, f"?lang={code}&via=site") for code in UI_LANGUAGES)


def _language_links(token: str | None) -> list[tuple[str, str]]:
    """After a form was sent: the stamp page in each interface language, [(code, url)]."""
    path = url_for("stamps.stamp", token=token) if token else request.path
    return [(code, f"{path}?lang={code}&via=site") for code in UI_LANGUAGES]


def _serial_or_none(token: str) -> int | None:
    try:
        return parse_token(_key(), token)
    except StampCodeError:
        return None


def _key() -> bytes:
    return current_app.config["STAMP_KEY"].encode()


def _client() -> str:
    return client_hash(
        current_app.config["SECRET_KEY"], get_remote_address(), request.user_agent.string
    )


def _is_scan() -> bool:
    """A real person's GET: not a HEAD, a link preview, a crawler or a prefetch.

    The service worker refetches a page it keeps for offline use with
    ``X-Qrsvc-Purpose: offline-pack``; browsers mark prefetches with (Sec-)Purpose;
    the page's own links (another language) carry ``via=site``.
    """
    headers = request.headers
    purpose = f"{headers.get('Sec-Purpose', '')} {headers.get('Purpose', '')}"
    return (
        request.method == "GET"
        and "via=site" not in request.environ.get("QUERY_STRING", "")
        and headers.get("X-Qrsvc-Purpose") != "offline-pack"
        and "prefetch" not in purpose
        and not _BOTS.search(request.user_agent.string or "")
    )

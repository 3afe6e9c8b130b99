"""The admin for district staff and producers.

Every view requires a signed-in user (checked here once for the whole blueprint,
and again by each view's role decorator); every record is loaded through
:mod:`qrsvc.admin.access`, which limits producers to their own goods.
"""

from flask import Blueprint, g, request
from flask_babel import get_locale
from flask_login import current_user

from qrsvc.extensions import login_manager

bp = Blueprint("admin", __name__)

#: The only admin pages a visitor who is not signed in may open.
OPEN_ENDPOINTS = {"admin.login"}


@bp.record_once
def remember_cookie_on_admin_pages_only(state) -> None:
    """Move Flask-Login's remember-me cookie hook from every answer to the admin's.

    Signing in and out happen here only, and the hook reads the session of every
    answer it sees, which costs each scan of a sign a session lookup and adds
    ``Vary: Cookie`` to answers that do not depend on a cookie.
    """
    hook = login_manager._update_remember_cookie
    app_hooks = state.app.after_request_funcs.get(None, [])
    if hook in app_hooks:
        app_hooks.remove(hook)
        state.app.after_request_funcs.setdefault(bp.name, []).append(hook)


@bp.before_request
def require_sign_in():
    """Send visitors who are not signed in to the login page, whatever the URL."""
    g.lang = request.args.get("lang") if request.args.get("lang") in ("vi", "en") else None
    if request.endpoint not in OPEN_ENDPOINTS and not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.context_processor
def admin_globals() -> dict:
    """Names every admin template uses (public pages never look at the signed-in user)."""
    return {"get_locale": get_locale, "current_user": current_user}


@bp.after_request
def private_pages(response):
    """Admin pages hold unpublished content and tokens: no caching, no framing."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    )
    return response


from qrsvc.admin import (  # noqa: E402,F401 - registers the routes
    auth,
    batch_inputs,
    batches,
    dashboard,
    events,
    exchange,
    festivals,
    links,
    media,
    printing,
    producers,
    products,
    relics,
    stamp_runs,
    users,
)

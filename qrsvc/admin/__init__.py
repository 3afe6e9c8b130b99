"""The admin for district staff and producers: a Flask application of its own.

The app factory (:func:`qrsvc.create_admin_app`) builds an application for this
blueprint alone and mounts it under ``/admin``; Flask-Login is bound to that
application only (so its remember-me cookie is set on admin answers only, and no
public page looks for a signed-in user). Routes are added where the blueprint is
built, by :func:`qrsvc.admin.routes.register_routes`.

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


from qrsvc.admin.routes import register_routes  # noqa: E402 - the views need the package

register_routes(bp)

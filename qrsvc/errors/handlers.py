"""Errors as friendly HTML pages, or as JSON for the API and Digital Link clients.

An error page looks like the part of the site it belongs to: the admin's (its linked
stylesheet, which the admin's stricter policy allows) in the admin application (mounted
under ``/admin``, see :mod:`qrsvc`), the public site's (its inlined stylesheet, allowed
by hash) elsewhere, in the visitor's language either way. Should the full page fail to
render (the database is gone and something in the layout wanted it), a bare page with
the same inlined stylesheet is sent instead: an error page must never itself become an
unstyled server error.
"""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from qrsvc.errors.messages import explanation, title
from qrsvc.extensions import login_manager

log = logging.getLogger(__name__)

#: ``app.extensions[AREA]``: ``"admin"`` in the admin application, ``"site"`` elsewhere.
AREA = "qrsvc.errors.area"


def wants_json() -> bool:
    """True for API paths and clients that prefer JSON to HTML."""
    if request.path.startswith("/api/"):
        return True
    accept = request.accept_mimetypes
    return accept["application/json"] > accept["text/html"]


def in_admin() -> bool:
    """True when the request is for the admin (a page of it, or a mistyped address in it)."""
    return current_app.extensions.get(AREA) == "admin"


def site_root() -> str:
    """The site's home: the script root, less the admin's mount point inside the admin."""
    root = request.script_root
    if in_admin():
        root = root.rsplit("/", 1)[0]  # the admin is mounted one folder below the site
    return root


def detail_of(exc: HTTPException) -> str:
    """What to tell a person: the view's own words, else ours for the status, translated.

    Werkzeug's default descriptions are English and meant for developers (a rate limit
    without words of its own has the default one); a view's ``abort(404,
    description=_(...))`` is already written for the visitor and translated.
    """
    code = exc.code or 500
    own = exc.description
    if not own or own == type(exc).description:
        return explanation(code) or str(own or "")
    return str(own)


def error_page(exc: HTTPException) -> str:
    """The HTML page for ``exc`` in the look of its area (see the module docstring)."""
    code = exc.code or 500
    context = {"code": code, "title": title(code, exc.name), "detail": detail_of(exc)}
    try:
        if in_admin():
            # Named here: the admin's own context processor does not run for an address
            # outside its routes (/admin/nope). After a server error the signed-in user
            # is not looked up again: the database may be what failed.
            user = current_user if code < 500 else login_manager.anonymous_user()
            return render_template(
                "errors/admin.html", **context, get_locale=get_locale, current_user=user
            )
        return render_template("errors/error.html", **context)
    except Exception:  # noqa: BLE001 - whatever broke the layout, the visitor gets a page
        log.exception("error page %s could not be rendered; sending the bare one", code)
        _rollback()
        return bare_page(**context)


def bare_page(**context) -> str:
    """``errors/bare.html``, rendered without the context processors that may have failed."""
    template = current_app.jinja_env.get_template("errors/bare.html")
    lang = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    # The admin serves its own static files, under its own root.
    stylesheet = f"{request.script_root}/static/css/admin.css" if in_admin() else None
    return template.render(**context, lang=lang, home=f"{site_root()}/", stylesheet=stylesheet)


def error_response(exc: HTTPException):
    """Render ``exc`` in the form the client wants, keeping its headers (Allow, ...)."""
    code = exc.code or 500
    if wants_json():
        response = jsonify(error={"status": code, "title": exc.name, "detail": exc.description})
    else:
        response = make_response(error_page(exc))
    response.status_code = code
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _rollback() -> None:
    from qrsvc.extensions import db

    # The connection may be gone: there may be nothing left to roll back.
    with contextlib.suppress(Exception):
        db.session.rollback()


def init_app(app: Flask, *, admin: bool = False) -> None:
    """Register the handlers; ``admin``: the pages take the admin's look."""
    app.extensions[AREA] = "admin" if admin else "site"
    app.register_error_handler(HTTPException, error_response)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def on_database_down(exc: Exception):
        # A lost connection is an outage, not a bug: say "try again soon", log once.
        log.error("database unavailable: %s", exc.__class__.__name__)
        _rollback()
        response = error_response(ServiceUnavailable(str(explanation(503, database=True))))
        response.headers["Retry-After"] = "30"
        return response

"""Errors as friendly HTML pages, or as JSON for the API and Digital Link clients."""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, jsonify, make_response, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable

log = logging.getLogger(__name__)


def wants_json() -> bool:
    """True for API paths and clients that prefer JSON to HTML."""
    if request.path.startswith("/api/"):
        return True
    accept = request.accept_mimetypes
    return accept["application/json"] > accept["text/html"]


def error_response(exc: HTTPException):
    """Render ``exc`` in the form the client wants, keeping its headers (Allow, ...)."""
    code = exc.code or 500
    if wants_json():
        response = jsonify(error={"status": code, "title": exc.name, "detail": exc.description})
    else:
        response = make_response(render_template("errors/error.html", error=exc))
    response.status_code = code
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(HTTPException, error_response)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def on_database_down(exc: Exception):
        # A lost connection is an outage, not a bug: say "try again soon", log once.
        log.error("database unavailable: %s", exc.__class__.__name__)
        from qrsvc.extensions import db

        # The connection is gone: there may be nothing left to roll back.
        with contextlib.suppress(Exception):
            db.session.rollback()
        response = error_response(
            ServiceUnavailable("The database cannot be reached right now. Please try again soon.")
        )
        response.headers["Retry-After"] = "30"
        return response

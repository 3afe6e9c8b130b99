"""Flask's signed-cookie sessions, minus the work a visitor without a cookie causes.

Most requests are scans from phones that have never signed in and carry no cookie.
Flask's interface builds a new signer (key derivation included) for every request
before it even looks for the cookie; this one keeps the signer while the keys stay
the same and skips cookie parsing when the request has no ``Cookie`` header.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class CookieSessionInterface(SecureCookieSessionInterface):
    """:class:`~flask.sessions.SecureCookieSessionInterface` with a kept signer."""

    def __init__(self) -> None:
        self._signer: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """The signer for the current keys (made again only when a key changes)."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if self._signer is None or self._signer[0] != keys:
            self._signer = (keys, super().get_signing_serializer(app))
        return self._signer[1]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """An empty session at once when the request carries no cookie at all."""
        if "HTTP_COOKIE" not in request.environ and app.secret_key:
            return self.session_class()
        return super().open_session(app, request)

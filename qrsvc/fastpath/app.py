"""Work Flask and its extensions do on every request, done once or skipped when it has
nothing to do: the application class, the session interface, the CSRF check."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from flask import Flask, Request, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_wtf import CSRFProtect
from itsdangerous import URLSafeTimedSerializer


class Qrsvc(Flask):
    """The Flask application, remembering which callables are coroutine functions.

    Flask asks ``inspect.iscoroutinefunction`` about every view and hook on every
    request (a dozen times for a scan) through :meth:`ensure_sync`; the answer never
    changes for a function, so it is kept for as long as the function lives.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """As :class:`flask.Flask`."""
        super().__init__(*args, **kwargs)
        self.sync_callables: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def ensure_sync(self, func: Callable) -> Callable:
        """``func`` itself for a plain function, else a synchronous wrapper (as Flask does)."""
        try:
            return self.sync_callables[func]
        except KeyError:
            sync = self.sync_callables[func] = super().ensure_sync(func)
            return sync
        except TypeError:  # not weakly referenceable (a builtin): ask every time
            return super().ensure_sync(func)


class CookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, minus the work a visitor without a cookie causes.

    Most requests are scans from phones that never signed in and carry no cookie.
    Flask's interface builds a new signer (key derivation included) for every request
    before it even looks for the cookie; this one keeps the signer while the keys stay
    the same, and answers a request without a ``Cookie`` header with an empty session.
    """

    def __init__(self) -> None:
        """No signer yet: the first request with a cookie makes it."""
        self.kept_signer: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """The signer for the current keys (made again only when a key changes)."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if self.kept_signer is None or self.kept_signer[0] != keys:
            self.kept_signer = (keys, super().get_signing_serializer(app))
        return self.kept_signer[1]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """An empty session at once when the request carries no cookie at all."""
        if "HTTP_COOKIE" not in request.environ and app.secret_key:
            return self.session_class()
        return super().open_session(app, request)


def protect_unsafe_methods(app: Flask, csrf: CSRFProtect) -> None:
    """Bind ``csrf`` to ``app``, checking only the requests that can change something.

    Flask-WTF's own check looks up the view's exemptions before it looks at the method,
    on every request; scans are GETs, so the method is looked at first here. Views and
    blueprints marked ``csrf.exempt`` stay exempt.
    """
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)

    @app.before_request
    def check_csrf_token() -> None:
        if request.method not in app.config["WTF_CSRF_METHODS"]:
            return
        if app.config["WTF_CSRF_ENABLED"]:
            csrf.protect(apply_exemptions=True)

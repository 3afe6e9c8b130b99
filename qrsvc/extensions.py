"""Flask extensions, created unbound and bound to the app in :func:`init_app`."""

from __future__ import annotations

import functools
import math
import time

from flask import Flask, request
from flask.globals import request_ctx
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from limits import parse_many
from werkzeug.exceptions import TooManyRequests

from qrsvc.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_app(app: Flask) -> None:
    """Bind every extension to ``app``."""
    from qrsvc import database

    db.init_app(app)
    database.configure_engine_events(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    _init_csrf(app)
    login_manager.init_app(app, add_context_processor=False)  # the admin adds current_user
    login_manager.login_view = "admin.login"
    _init_limiter(app)


def _init_csrf(app: Flask) -> None:
    """CSRF protection for every request that can change something.

    Flask-WTF's own check looks up the view's exemptions before it looks at the method,
    on every request; scans are GETs, so the method is looked at first here.
    """
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)

    @app.before_request
    def protect_unsafe_methods() -> None:
        if request.method not in app.config["WTF_CSRF_METHODS"]:
            return
        if app.config["WTF_CSRF_ENABLED"]:
            csrf.protect(apply_exemptions=True)


def _init_limiter(app: Flask) -> None:
    """Bind Flask-Limiter so that only the views with limits pay for them.

    Flask-Limiter hooks itself into every request: before (look up the limits of the
    view), after (rate-limit headers) and at teardown. For a relic scan, which has no
    limit, that was a fifth of its time. Here every limit is a decorator, which checks
    itself in the view's wrapper, or a blueprint limit, whose blueprint runs the check
    (:func:`limited_blueprint`). So the app-wide check goes, and the other two hooks
    run only for a request that checked a limit (Flask-Limiter keeps its state for the
    request on the request context; without it both hooks have nothing to do).
    """
    before = _app_hooks(app)
    limiter.init_app(app)
    for kind, hooks in _app_hooks(app).items():
        for hook in hooks:
            if hook in before[kind]:
                continue
            registered = getattr(app, kind)[None]
            if kind == "before_request_funcs":
                registered.remove(hook)
            else:
                registered[registered.index(hook)] = _only_after_a_limit_check(hook)


def _app_hooks(app: Flask) -> dict[str, list]:
    kinds = ("before_request_funcs", "after_request_funcs", "teardown_request_funcs")
    return {kind: list(getattr(app, kind).get(None, [])) for kind in kinds}


def _only_after_a_limit_check(hook):
    @functools.wraps(hook)
    def guarded(value):
        if hasattr(request_ctx._get_current_object(), "_limiter_request_context"):
            return hook(value)
        return value

    return guarded


def limited_blueprint(bp, limit) -> None:
    """One budget of ``limit`` (a string or a callable giving one) per client for all of ``bp``."""
    limiter.shared_limit(limit, scope=bp.name)(bp)

    @bp.before_request
    def check_limits() -> None:
        if limiter.enabled:
            limiter._check_request_limit()


def _migrations_dir():
    from qrsvc import PROJECT_ROOT

    return PROJECT_ROOT / "migrations"


@functools.lru_cache(maxsize=32)
def _parsed(limits: str) -> tuple:
    return tuple(parse_many(limits))


def hit_limits(limits: str, scope: str, description: object = None) -> None:
    """Count this request against ``limits`` (such as ``"120/minute;3000/day"``) per client.

    For the hottest path (a stamp scan): the same strategy and storage as the decorated
    limits (memory or Redis), without Flask-Limiter's per-request work of finding which
    limits apply, which cost a scan more than the counting. Over a limit: 429 with
    ``Retry-After`` and ``description`` (a lazy string: translated only then). Does
    nothing when rate limiting is off.
    """
    if not limiter.enabled:
        return
    client = get_remote_address()
    for item in _parsed(limits):
        if not limiter.limiter.hit(item, scope, client):
            reset = limiter.limiter.get_window_stats(item, scope, client).reset_time
            raise TooManyRequests(
                description=str(description) if description else f"{item} per client",
                retry_after=max(1, math.ceil(reset - time.time())),
            )

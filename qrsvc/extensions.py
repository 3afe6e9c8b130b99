"""Flask extensions, created unbound and bound to the app in :func:`init_app`.

``db`` is :data:`qrsvc.database.db` (made there, beside its engine settings), offered
here with the other extensions.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf import CSRFProtect

from qrsvc.database import configure_engine_events, db
from qrsvc.fastpath import protect_unsafe_methods
from qrsvc.ratelimit import RateLimits, hit_limits, limited_blueprint

__all__ = [
    "babel", "csrf", "db", "hit_limits", "init_app", "limited_blueprint", "limiter",
    "login_manager", "migrate",
]  # fmt: skip

migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
#: Rate limits per client (:mod:`qrsvc.ratelimit`): only views that ask for one pay for it.
limiter = RateLimits()


def init_app(app: Flask, *, admin: bool = False) -> None:
    """Bind every extension to ``app``; Flask-Login to the ``admin`` application only.

    Sign-in lives in the admin (an application of its own, see :mod:`qrsvc`): public
    pages never load a user nor read the session for one, and Flask-Login's remember-me
    hook runs on the admin's answers only. Migrations belong to the site, whose
    command line runs them.
    """
    db.init_app(app)
    configure_engine_events(app)
    protect_unsafe_methods(app, csrf)  # only POSTs and the like pay for the check
    limiter.init_app(app)
    if admin:
        login_manager.init_app(app, add_context_processor=False)  # the admin adds current_user
        login_manager.login_view = "admin.login"
    else:
        # The checkout's migrations/, beside the package the app is named after.
        migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))

"""Flask extensions, created unbound and bound to the app in :func:`init_app`."""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

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
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "admin.login"
    limiter.init_app(app)


def _migrations_dir():
    from qrsvc import PROJECT_ROOT

    return PROJECT_ROOT / "migrations"

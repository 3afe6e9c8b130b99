"""qrsvc: QR codes for relic signs and OCOP product traceability.

The application factory lives here; everything else is found by its folder:
``models/`` (data), ``public/`` (tourist and buyer pages), ``resolver/`` (GS1
Digital Link), ``stamps/``, ``api/``, ``admin/``, ``generator/`` (print engine).

Two Flask applications make the service, one WSGI callable (:func:`create_app`):

* the **site** (everything but the admin), which is what ``create_app`` returns: its
  CLI, its test client, its ``app_context``;
* the **admin**, a Flask application of its own mounted under ``/admin`` with
  werkzeug's ``DispatcherMiddleware`` (wrapped around the site's ``wsgi_app``, so the
  site's test client reaches it too). Only the admin binds Flask-Login, so public pages
  pay nothing for sign-in machinery: no session read, no ``Vary: Cookie`` from it.
  Both share one configuration object (secret key, cookies at path ``/``, database,
  Babel, CSRF, rate limits, instance folder, media) and the page cache; inside the
  admin, ``request.path`` has no ``/admin`` (it is ``request.script_root``).
  :func:`admin_app` gives it, for tests and tools that need its context.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from qrsvc.config import ConfigError, load_config
from qrsvc.fastpath import CookieSessionInterface, Qrsvc

__all__ = ["ADMIN_PREFIX", "ConfigError", "PROJECT_ROOT", "admin_app", "create_app"]

#: The checkout the service runs from: templates/, static/ and printables/ sit here.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Where the admin application is mounted.
ADMIN_PREFIX = "/admin"
#: Where the site keeps its admin application (``app.extensions[ADMIN_APP]``).
ADMIN_APP = "qrsvc.admin_app"


def create_app(config: dict[str, Any] | None = None, instance_path: str | None = None) -> Flask:
    """Build the application: the site, with the admin mounted under ``/admin``.

    ``config`` overrides what the environment says (tests pass their database
    URL and instance folder this way). Raises :class:`ConfigError` with a
    one-line explanation when the configuration cannot work.
    """
    app = new_app(__name__, instance_path or os.environ.get("QRSVC_INSTANCE_PATH") or None)
    load_config(app, config or {})
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    mount_admin(app, create_admin_app(app))
    if app.config["TRUSTED_PROXIES"]:  # outermost: both applications see the client's view
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)
    return app


def new_app(import_name: str, instance_path: str | None) -> Flask:
    """A bare application of the service: templates, static files, sessions, JSON."""
    app = Qrsvc(
        import_name,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.session_interface = CookieSessionInterface()
    app.json.ensure_ascii = False  # Vietnamese stays readable (and smaller) in JSON
    return app


def create_admin_app(site: Flask) -> Flask:
    """The admin application, sharing ``site``'s configuration, database and page cache.

    Its static files are served under ``/admin/static/`` (``url_for("static")`` in the
    admin's templates), its errors in the admin's look.
    """
    from qrsvc import cache
    from qrsvc.admin import bp as admin_bp
    from qrsvc.trace import template_helpers

    admin = new_app("qrsvc.admin", site.instance_path)
    admin.config = site.config  # one configuration: a test's change reaches both
    admin.session_interface = site.session_interface  # one signer, kept once
    # The admin's content commits move the generation the site's cached pages carry.
    admin.extensions[cache.EXTENSION] = cache.page_cache(site)
    register_extensions(admin, admin=True)
    admin.register_blueprint(admin_bp)
    admin.register_blueprint(template_helpers)  # batch amounts and units on its pages
    register_errorhandlers(admin, admin=True)
    register_template_helpers(admin)
    share_database(site, admin)
    return admin


def mount_admin(site: Flask, admin: Flask) -> None:
    """Serve ``admin`` under :data:`ADMIN_PREFIX` of ``site`` (``/admin`` included)."""
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    site.extensions[ADMIN_APP] = admin
    site.wsgi_app = DispatcherMiddleware(site.wsgi_app, {ADMIN_PREFIX: admin})


def admin_app(app: Flask) -> Flask:
    """The admin application mounted in ``app`` (``app`` itself when it is the admin).

    For what needs the admin's context: ``admin_app(app).test_request_context(...)``,
    its ``url_map``, its view functions.
    """
    return app.extensions.get(ADMIN_APP, app)


def share_database(site: Flask, admin: Flask) -> None:
    """Dispose of the admin's connections whenever the site's engine is disposed.

    Flask-SQLAlchemy keeps an engine per application; the admin's pool opens
    connections only when the admin is used, and goes with the site's (tests, a fork).
    """
    from sqlalchemy import event

    from qrsvc.extensions import db

    with site.app_context():
        site_engine = db.engine
    with admin.app_context():
        admin_engine = db.engine

    def dispose_admin_engine(_engine) -> None:
        admin_engine.dispose()

    event.listen(site_engine, "engine_disposed", dispose_admin_engine)


def register_extensions(app: Flask, *, admin: bool = False) -> None:
    """Bind the unbound extensions of :mod:`qrsvc.extensions` to ``app``."""
    from qrsvc import cache, extensions, i18n, logs, security
    from qrsvc.scans import buffer

    extensions.init_app(app, admin=admin)
    i18n.init_app(app, admin=admin)
    logs.init_app(app)
    security.init_app(app)
    if not admin:
        cache.init_app(app)
        buffer.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Mount every area of the site (the admin is an application of its own)."""
    from qrsvc.api import bp as api_bp
    from qrsvc.errors import health_bp
    from qrsvc.public import bp as public_bp
    from qrsvc.resolver import bp as resolver_bp
    from qrsvc.stamps.blueprint import bp as stamps_bp
    from qrsvc.trace import bp as trace_bp
    from qrsvc.trace import template_helpers

    app.register_blueprint(health_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(trace_bp)
    app.register_blueprint(template_helpers)
    app.register_blueprint(resolver_bp)
    app.register_blueprint(stamps_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_errorhandlers(app: Flask, *, admin: bool = False) -> None:
    """Answer errors as HTML pages (in the admin's look for ``admin``), or as JSON."""
    from qrsvc.errors import handlers

    handlers.init_app(app, admin=admin)


def register_commands(app: Flask) -> None:
    """Add the ``qrsvc`` sub-commands that need the application."""
    from qrsvc.areas import cli as areas_cli
    from qrsvc.cli import commands
    from qrsvc.printing import cli as printing_cli
    from qrsvc.resolver import cli as resolver_cli
    from qrsvc.stamps import cli as stamps_cli
    from qrsvc.transfer import cli as transfer_cli

    for area in (commands, printing_cli, stamps_cli, transfer_cli, resolver_cli, areas_cli):
        area.init_app(app)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals shared by every template."""
    from qrsvc import templating

    templating.init_app(app)

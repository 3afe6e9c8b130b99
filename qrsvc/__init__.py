"""qrsvc: QR codes for relic signs and OCOP product traceability.

The application factory lives here; everything else is found by its folder:
``models/`` (data), ``public/`` (tourist and buyer pages), ``resolver/`` (GS1
Digital Link), ``stamps/``, ``api/``, ``admin/``, ``generator/`` (print engine).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from qrsvc.config import ConfigError, load_config
from qrsvc.fastpath import CookieSessionInterface, Qrsvc

__all__ = ["ConfigError", "create_app", "PROJECT_ROOT"]

#: The checkout the service runs from: templates/, static/ and printables/ sit here.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None, instance_path: str | None = None) -> Flask:
    """Build the Flask application.

    ``config`` overrides what the environment says (tests pass their database
    URL and instance folder this way). Raises :class:`ConfigError` with a
    one-line explanation when the configuration cannot work.
    """
    app = Qrsvc(
        __name__,
        instance_path=instance_path or os.environ.get("QRSVC_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    load_config(app, config or {})
    app.session_interface = CookieSessionInterface()
    app.json.ensure_ascii = False  # Vietnamese stays readable (and smaller) in JSON
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions of :mod:`qrsvc.extensions` to ``app``."""
    from qrsvc import cache, extensions, i18n, logs, security
    from qrsvc.scans import buffer

    extensions.init_app(app)
    i18n.init_app(app)
    logs.init_app(app)
    cache.init_app(app)
    security.init_app(app)
    buffer.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Mount every area of the site."""
    from qrsvc.admin import bp as admin_bp
    from qrsvc.api import bp as api_bp
    from qrsvc.errors import health_bp
    from qrsvc.public import bp as public_bp
    from qrsvc.resolver import bp as resolver_bp
    from qrsvc.stamps.views import bp as stamps_bp
    from qrsvc.trace import bp as trace_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(trace_bp)
    app.register_blueprint(resolver_bp)
    app.register_blueprint(stamps_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(admin_bp, url_prefix="/admin")


def register_errorhandlers(app: Flask) -> None:
    """Answer errors as HTML pages, or as JSON under the API."""
    from qrsvc.errors import handlers

    handlers.init_app(app)


def register_commands(app: Flask) -> None:
    """Add the ``qrsvc`` sub-commands that need the application."""
    from qrsvc.cli import commands
    from qrsvc.printing import cli as printing_cli
    from qrsvc.resolver import cli as resolver_cli
    from qrsvc.stamps import cli as stamps_cli
    from qrsvc.transfer import cli as transfer_cli

    for area in (commands, printing_cli, stamps_cli, transfer_cli, resolver_cli):
        area.init_app(app)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals shared by every template."""
    from qrsvc import templating

    templating.init_app(app)

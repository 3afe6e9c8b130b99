"""Error pages (:mod:`~qrsvc.errors.handlers`) and the health check.

The ``health`` blueprint is built here with the route of :mod:`~qrsvc.errors.health`.
"""

from flask import Blueprint

from qrsvc.errors import health

__all__ = ["health_bp"]

health_bp = Blueprint("health", __name__)
health_bp.add_url_rule("/healthz", "healthz", health.healthz, methods=["GET"])

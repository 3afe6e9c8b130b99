"""``/healthz``: cheap enough for a load balancer to call every few seconds."""

from __future__ import annotations

from flask import Blueprint, jsonify

from qrsvc.database import database_ok

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 with ``status: ok`` when the database answers, 503 otherwise."""
    if database_ok():
        return jsonify(status="ok", database="ok")
    return jsonify(status="unavailable", database="unreachable"), 503

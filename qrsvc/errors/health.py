"""``/healthz``: cheap enough for a load balancer to call every few seconds."""

from __future__ import annotations

from flask import jsonify

from qrsvc.database import database_ok


def healthz():
    """200 with ``status: ok`` when the database answers, 503 otherwise."""
    if database_ok():
        return jsonify(status="ok", database="ok")
    return jsonify(status="unavailable", database="unreachable"), 503

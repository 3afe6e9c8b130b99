"""Read-only JSON API under /api/v1/."""

from flask import Blueprint, current_app

from qrsvc.extensions import limited_blueprint

bp = Blueprint("api", __name__)


def _api_limit() -> str:
    # Per client address; EPCIS exports of a big product are the expensive answers.
    return current_app.config.get("API_RATELIMIT", "300/minute;5000/hour")


limited_blueprint(bp, _api_limit)

from qrsvc.api import views  # noqa: E402,F401 - registers the routes

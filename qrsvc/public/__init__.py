"""Public pages for tourists and buyers: home, relics, products."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from qrsvc.public import views  # noqa: E402,F401 - registers the routes

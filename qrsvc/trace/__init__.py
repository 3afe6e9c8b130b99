"""Product and batch pages for buyers (traceability), and their EPCIS export."""

from flask import Blueprint

bp = Blueprint("trace", __name__)

from qrsvc.trace import helpers, views  # noqa: E402,F401 - registers the routes

helpers.register(bp)

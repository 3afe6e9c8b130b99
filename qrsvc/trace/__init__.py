"""Product and batch pages for buyers (traceability)."""

from flask import Blueprint

bp = Blueprint("trace", __name__)

"""The admin for district staff and producers."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from qrsvc.admin import auth  # noqa: E402,F401 - registers the routes

"""GS1 Digital Link resolver: /01/<gtin>[/10/<lot>[/21/<serial>]]."""

from flask import Blueprint

bp = Blueprint("resolver", __name__)

from qrsvc.resolver import views  # noqa: E402,F401 - registers the routes

"""GS1 Digital Link resolver: /01/<gtin>[/10/<lot>[/21/<serial>]].

The ``resolver`` blueprint is built here, with every route of :mod:`qrsvc.resolver.views`
(which only defines the views and the CORS hook; importing it mounts nothing).
"""

from flask import Blueprint

from qrsvc.resolver import views

#: A Digital Link answers GET, HEAD and its own OPTIONS (CORS preflight and ``Allow``).
LINK = {"methods": ["GET", "HEAD", "OPTIONS"], "provide_automatic_options": False}

bp = Blueprint("resolver", __name__)
bp.after_request(views.cors)
# Registered in the order the views module always had them; ``url_for`` builds the first.
for path, merge_slashes in (
    ("/gtin/<path:rest>", False),
    ("/gtin/", True),
    ("/01/<path:rest>", False),
    ("/01/", True),
    ("/01", True),
):
    bp.add_url_rule(path, "resolve", views.resolve, merge_slashes=merge_slashes, **LINK)
bp.add_url_rule("/.well-known/gs1resolver", "description", views.description, methods=["GET"])

"""Public pages for tourists: home, relic list, relic pages, search, sign reports, offline.

Also owns what every public page shares: ``templates/base.html``, the macros in
``templates/macros/``, the error pages, the service worker and ``/media/<key>``.
Product and batch pages live in :mod:`qrsvc.trace`.
"""

from flask import Blueprint

bp = Blueprint("public", __name__)

from qrsvc.public import context, offline, views  # noqa: E402,F401 - registers the routes

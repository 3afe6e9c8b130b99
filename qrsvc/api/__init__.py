"""Read-only JSON API under /api/v1/.

The ``api`` blueprint is built here, with every route of :mod:`qrsvc.api.views` (which
only defines the views and the CORS hook; importing it mounts nothing), and one rate
limit per client for all of them.
"""

from flask import Blueprint, current_app

from qrsvc.api import views
from qrsvc.extensions import limited_blueprint


def api_limit() -> str:
    """Per client address; EPCIS exports of a big product are the expensive answers."""
    return current_app.config.get("API_RATELIMIT", "300/minute;5000/hour")


bp = Blueprint("api", __name__)
limited_blueprint(bp, api_limit)
# On every answer of the application: errors under /api/ that no route matched included.
bp.after_app_request(views.cors)

for path, endpoint, view in (
    ("/relics", "relics", views.relics),
    ("/relics/<code>", "relic", views.relic),
    ("/products", "products", views.products),
    ("/products/<ref>", "product", views.product),
    ("/batches/<ref>", "batch", views.batch),
    ("/batches/<ref>/epcis", "batch_epcis", views.batch_epcis),
    ("/products/<ref>/epcis", "product_epcis", views.product_epcis),
    ("/openapi.json", "openapi", views.openapi),
):
    bp.add_url_rule(path, endpoint, view, methods=["GET"])

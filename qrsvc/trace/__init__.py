"""Product and batch pages for buyers (traceability), and their EPCIS export.

Two blueprints are built here, with every route of :mod:`qrsvc.trace.views`:

* ``bp`` (``trace``): ``/p/<ref>`` (local paths of products without a GTIN), their
  batches, and the list of products;
* ``template_helpers``: the filters and globals that show trace records (amounts,
  units, event times and kinds, links to product and batch pages), for every
  application whose templates show them: the site and the admin.
"""

from flask import Blueprint

from qrsvc.trace import helpers, views

READ = ["GET", "HEAD"]

bp = Blueprint("trace", __name__)
# The slash spelling first, as the views module always had it.
bp.add_url_rule("/p/<ref>/", "product", views.product, methods=READ)
bp.add_url_rule("/p/<ref>", "product", views.product, methods=READ)
bp.add_url_rule("/p/<ref>/10/<path:lot>", "batch", views.batch, methods=READ)
bp.add_url_rule("/products", "products", views.products, methods=["GET"])

template_helpers = Blueprint("trace_helpers", __name__)
helpers.register(template_helpers)

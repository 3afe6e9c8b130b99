"""The ``stamps`` blueprint, built here with every route of :mod:`qrsvc.stamps.views`.

The views module only defines view functions and hooks; importing it mounts nothing.
Each route names its path, its endpoint (``url_for("stamps.<endpoint>")``) and its
view. The other spellings of ``/S/<token>`` have endpoints of their own, and the view
redirects them to the canonical one.
"""

from __future__ import annotations

from flask import Blueprint

from qrsvc.stamps import views

bp = Blueprint("stamps", __name__)
# The language first: the refusal of a cross-site post is worded in it.
bp.before_request(views.choose_language)
bp.before_request(views.refuse_posts_from_other_sites)

bp.add_url_rule("/S/<token>", "stamp", views.stamp, methods=["GET"])
bp.add_url_rule("/s/<token>", "stamp_lower", views.stamp, methods=["GET"])
bp.add_url_rule("/S/<token>/", "stamp_slash", views.stamp, methods=["GET"])
bp.add_url_rule("/s/<token>/", "stamp_lower_slash", views.stamp, methods=["GET"])
bp.add_url_rule("/S/<token>/pin", "confirm_pin", views.confirm_pin, methods=["POST"])
bp.add_url_rule("/S/<token>/location", "share_location", views.share_location, methods=["POST"])

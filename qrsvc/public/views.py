"""Public page views (thin: query, render)."""

from __future__ import annotations

from flask import g, render_template
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.i18n import requested_language
from qrsvc.models import Product, Relic
from qrsvc.public import bp


@bp.before_request
def choose_language() -> None:
    """Decide the page language once per request."""
    g.lang = requested_language()


@bp.get("/")
def home():
    """District home page: relics and OCOP products."""
    relics = db.session.scalars(
        select(Relic).where(Relic.status == "published").order_by(Relic.code)
    ).all()
    products = db.session.scalars(
        select(Product).where(Product.status == "published").order_by(Product.ref)
    ).all()
    return render_template("public/home.html", relics=relics, products=products)

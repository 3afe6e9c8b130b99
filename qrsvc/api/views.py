"""API views: plain listings of published relics and products."""

from __future__ import annotations

from flask import jsonify
from sqlalchemy import select

from qrsvc.api import bp
from qrsvc.extensions import db
from qrsvc.models import Product, Relic


@bp.get("/relics")
def relics():
    """Published relics with their names in every language."""
    rows = db.session.scalars(
        select(Relic).where(Relic.status == "published").order_by(Relic.code)
    ).all()
    return jsonify(
        items=[
            {
                "code": r.code,
                "rank": r.rank,
                "names": {t.lang: t.name for t in r.translations},
                "commune": r.commune,
                "latitude": r.latitude,
                "longitude": r.longitude,
            }
            for r in rows
        ]
    )


@bp.get("/products")
def products():
    """Published products with GTIN, OCOP stars and producer."""
    rows = db.session.scalars(
        select(Product).where(Product.status == "published").order_by(Product.ref)
    ).all()
    return jsonify(
        items=[
            {
                "ref": p.ref,
                "gtin": p.gtin,
                "names": p.name,
                "category": p.category,
                "ocop_stars": p.ocop_stars,
                "producer": p.producer.name,
            }
            for p in rows
        ]
    )

"""Search over relics and OCOP products, forgiving of missing Vietnamese accents.

Visitors type "lam kinh" on a foreign keyboard as often as "Lam Kinh": names are
compared with their diacritics folded away (and đ as d; see :mod:`qrsvc.folding`).
A district has tens of relics and products, so the search runs over the published
names in Python; a province-wide service would move this to a full-text index.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qrsvc.extensions import db
from qrsvc.folding import clean_query as clean_query  # the views import it from here
from qrsvc.folding import matches, query_words
from qrsvc.models import Product, Relic, Status
from qrsvc.public.relic_page import Text, pick, relic_name

MAX_RESULTS = 50


@dataclass(frozen=True)
class Hit:
    """One search result: what it is, its name, where it lives, a line of context."""

    kind: str  # relic or product
    name: Text
    url: str
    detail: str


def search(query: str, lang: str) -> list[Hit]:
    """Published relics and products whose names (or codes) contain every word of ``query``."""
    words = query_words(query)
    if not words:
        return []
    hits: list[Hit] = []
    relics = db.session.scalars(
        select(Relic)
        .where(Relic.status == Status.PUBLISHED)
        .options(selectinload(Relic.translations))
        .order_by(Relic.code)
    )
    for relic in relics:
        haystack = " ".join(
            [relic.code, relic.commune, relic.commune_old]
            + [f"{t.name} {t.other_names}" for t in relic.translations]
        )
        if matches(words, haystack):
            hits.append(
                Hit("relic", relic_name(relic, lang), f"/r/{relic.code}?via=site", relic.commune)
            )
    products = db.session.scalars(
        select(Product).where(Product.status == Status.PUBLISHED).order_by(Product.ref)
    )
    for product in products:
        names = " ".join(str(v) for v in (product.name or {}).values())
        if matches(words, f"{product.ref} {names} {product.category}"):
            url = f"/01/{product.gtin}" if product.gtin else f"/p/{product.ref}"
            hits.append(Hit("product", pick(product.name, lang), url, product.category))
    return hits[:MAX_RESULTS]

"""Search over relics and OCOP products, forgiving of missing Vietnamese accents.

Visitors type "lam kinh" on a foreign keyboard as often as "Lam Kinh": each record
stores its names folded (no accents, no case, đ as d; see :mod:`qrsvc.models.searching`)
and the database matches the folded words of the query against that column, through
a trigram index on PostgreSQL (which also forgives a typo in a longer word).
"""

from __future__ import annotations

from dataclasses import dataclass

from qrsvc.areas.listing import search_products, search_relics
from qrsvc.folding import clean_query as clean_query
from qrsvc.labels import label  # the views import it from here
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
    hits = [
        Hit("relic", relic_name(relic, lang), f"/r/{relic.code}?via=site", relic.commune)
        for relic in search_relics(query, MAX_RESULTS)
    ]
    for product in search_products(query, MAX_RESULTS - len(hits)):
        url = f"/01/{product.gtin}" if product.gtin else f"/p/{product.ref}"
        hits.append(
            Hit(
                "product",
                pick(product.name, lang),
                url,
                label("product_category", product.category),
            )
        )
    return hits[:MAX_RESULTS]

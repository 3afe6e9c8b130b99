"""Published relics and products a page at a time, filtered, counted and searched in SQL.

A province has thousands of relics and products: every list is one counted, ordered,
limited query, whatever the filters, and search matches the stored folded text
(:mod:`qrsvc.models.searching`) in the database, never row by row in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from qrsvc.areas.filters import ListFilters
from qrsvc.extensions import db
from qrsvc.folding import clean_query, query_words
from qrsvc.models import AreaOrigin, Producer, Product, Rank, Relic, Status
from qrsvc.models.searching import matching


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, the total count, which page and how many pages."""

    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one, even when empty)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def past_end(self) -> bool:
        """A page after the last one was asked for: it is shown empty, saying so."""
        return self.page > self.pages


def search_condition(column: Any, query: str) -> ColumnElement[bool] | None:
    """Where ``column`` (a ``search_text`` column) matches every word of ``query``.

    The one function every search calls, public or admin: ``query`` is what was typed
    (any accents, case, NFC or NFD); None when it has no word (search nothing). Use
    with ``Relic.search_text``, ``Producer.search_text`` or ``Product.search_text``.
    """
    words = query_words(clean_query(query))
    if not words:
        return None
    return matching(column, words, db.session.get_bind().dialect.name)


def _in_district(area_column: Any, district: str) -> ColumnElement[bool]:
    areas = select(AreaOrigin.area_id).where(AreaOrigin.former_district == district)
    return area_column.in_(areas)


def _relic_query(filters: ListFilters) -> Select:
    query = select(Relic).where(Relic.status == Status.PUBLISHED)
    if filters.area is not None:
        query = query.where(Relic.area_id == filters.area.id)
    if filters.district:
        # A relic's own former district when staff wrote one, else its area's origins.
        query = query.where(
            or_(
                Relic.district_old == filters.district,
                and_(Relic.district_old == "", _in_district(Relic.area_id, filters.district)),
            )
        )
    if filters.rank:
        query = query.where(Relic.rank == filters.rank)
    return query


def _page(query: Select, order: list, page: int, per_page: int, *options: Any) -> Page:
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(*order).offset((page - 1) * per_page).limit(per_page).options(*options)
    ).all()
    return Page(list(rows), total, page, per_page)


def relic_page(filters: ListFilters, page: int, per_page: int, *, by_rank: bool = True) -> Page:
    """Published relics matching ``filters``; highest rank first (``by_rank``) or by code."""
    rank_order = case({r.value: i for i, r in enumerate(Rank)}, value=Relic.rank, else_=9)
    order = [rank_order, Relic.code] if by_rank else [Relic.code]
    return _page(_relic_query(filters), order, page, per_page, selectinload(Relic.translations))


def _product_query(filters: ListFilters) -> Select:
    query = select(Product).where(Product.status == Status.PUBLISHED)
    if filters.area is not None or filters.district:
        query = query.join(Producer, Producer.id == Product.producer_id)
        if filters.area is not None:
            query = query.where(Producer.area_id == filters.area.id)
        if filters.district:
            query = query.where(_in_district(Producer.area_id, filters.district))
    if filters.category:
        query = query.where(Product.category == filters.category)
    if filters.stars:
        query = query.where(Product.ocop_stars == filters.stars)
    return query


def product_page(filters: ListFilters, page: int, per_page: int) -> Page:
    """Published products matching ``filters``, by reference."""
    return _page(
        _product_query(filters), [Product.ref], page, per_page, selectinload(Product.producer)
    )


def search_relics(query: str, limit: int) -> list[Relic]:
    """Published relics whose code, communes or names (any language) match ``query``."""
    condition = search_condition(Relic.search_text, query)
    if condition is None:
        return []
    found = select(Relic).where(Relic.status == Status.PUBLISHED, condition)
    return list(
        db.session.scalars(
            found.order_by(Relic.code).limit(limit).options(selectinload(Relic.translations))
        )
    )


def search_products(query: str, limit: int) -> list[Product]:
    """Published products whose names, reference or category, or producer, match ``query``."""
    own = search_condition(Product.search_text, query)
    if own is None:
        return []
    by_producer = Product.producer_id.in_(
        select(Producer.id).where(search_condition(Producer.search_text, query))
    )
    found = select(Product).where(Product.status == Status.PUBLISHED, or_(own, by_producer))
    return list(db.session.scalars(found.order_by(Product.ref).limit(limit)))

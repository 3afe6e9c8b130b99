"""The filters of an admin list: area, rank, category, OCOP stars, status; a value is a choice.

Which filters a list has follows from its record: relics and producers have an area
(products their producer's), relics a rank, products a category and OCOP stars, and
every record with a status field its status. A value that is not one of the choices,
or a page number that is not one, raises :class:`qrsvc.areas.filters.FilterError`
before any list is read; the list answers 400 saying which. Search goes through
:func:`qrsvc.areas.listing.search_condition` (the spec's ``search``), in the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from qrsvc.admin.access import area_ids, scoped
from qrsvc.areas.filters import STARS, FilterError, area_by_code, page_number
from qrsvc.content.records import EntitySpec
from qrsvc.extensions import db
from qrsvc.folding import clean_query
from qrsvc.labels import label
from qrsvc.models import Area, Producer, Product, User

#: Filter values are never longer than this (a category is at most 80 characters).
MAX_VALUE = 120
#: What each parameter of a list is called, in the page and in its error message.
LABELS = {
    "area": _l("Area"),
    "rank": _l("Rank"),
    "status": _l("Status"),
    "category": _l("Category"),
    "stars": _l("OCOP stars"),
    "page": _l("Page"),
    "q": _l("Search"),
}


@dataclass
class AdminFilters:
    """What one admin list is filtered by; empty values filter nothing."""

    page: int = 1
    query: str = ""
    values: dict[str, str] = field(default_factory=dict)
    area: Area | None = None

    def query_args(self, page: int) -> dict[str, Any]:
        """The filters and ``page`` as query parameters, for the links to other pages."""
        args: dict[str, Any] = {"page": page}
        if self.query:
            args["q"] = self.query
        args.update((key, value) for key, value in self.values.items() if value)
        return args


def has_area(spec: EntitySpec) -> bool:
    """Whether the records of ``spec`` are filtered by area (relics, producers, products)."""
    return hasattr(spec.model, "area_id") or spec.model is Product


def choices(spec: EntitySpec, user: User) -> dict[str, list[tuple[str, Any]]]:
    """The filters of ``spec``'s list and their choices ``(value, label)``, by name."""
    found: dict[str, list[tuple[str, Any]]] = {}
    if has_area(spec):
        stmt = select(Area).order_by(Area.name, Area.code)
        limited = area_ids(user)
        if limited:  # an editor limited to areas picks among its own
            stmt = stmt.where(Area.id.in_(limited))
        found["area"] = [(a.code, f"{a.name} ({a.code})") for a in db.session.scalars(stmt)]
    for name in ("rank", "status"):
        spec_field = next((f for f in spec.fields if f.name == name), None)
        if spec_field is not None and spec_field.choices:
            found[name] = list(spec_field.choices)
    if spec.model is Product:
        found["category"] = [(c, label("product_category", c)) for c in _categories(user)]
        found["stars"] = [(s, s) for s in STARS]
    return found


def _categories(user: User) -> list[str]:
    stmt = scoped(select(Product.category), Product, user).where(Product.category != "")
    return sorted(set(db.session.scalars(stmt.distinct())))


def read(args: Mapping[str, str], spec: EntitySpec, user: User) -> AdminFilters:
    """The filters asked for in ``args``; :class:`FilterError` names a refused one."""
    filters = AdminFilters(page=page_number(args))
    filters.query = clean_query(args.get("q"))  # a longer search is cut, as typed
    offered = choices(spec, user)
    for name, options in offered.items():
        raw = args.get(name) or ""
        if len(raw) > MAX_VALUE or not raw.isprintable():
            raise FilterError(name)
        value = raw.strip()
        if not value:
            continue
        if name == "area":
            filters.area = area_by_code(value)
            if filters.area is None:
                raise FilterError(name)
        elif value not in {str(option) for option, _label in options}:
            raise FilterError(name)
        filters.values[name] = value
    return filters


def apply(stmt: Select, spec: EntitySpec, filters: AdminFilters) -> Select:
    """``stmt`` (a select of ``spec.model``) limited to ``filters``."""
    model = spec.model
    if filters.area is not None:
        if hasattr(model, "area_id"):
            stmt = stmt.where(model.area_id == filters.area.id)
        else:  # a product is in its producer's area
            producers = select(Producer.id).where(Producer.area_id == filters.area.id)
            stmt = stmt.where(Product.producer_id.in_(producers))
    for name in ("rank", "status", "category"):
        if filters.values.get(name):
            stmt = stmt.where(getattr(model, name) == filters.values[name])
    if filters.values.get("stars"):
        stmt = stmt.where(Product.ocop_stars == int(filters.values["stars"]))
    if filters.query and spec.search is not None:
        stmt = stmt.where(spec.search(filters.query))
    return stmt

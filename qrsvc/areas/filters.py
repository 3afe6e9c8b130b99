"""Reading list filters and page numbers from a query string: a value is a choice or refused.

The public lists and the JSON API read the same parameters: ``area`` (an area's
official code), ``district`` (a former district's name), ``rank`` (relics),
``category`` and ``stars`` (products) and ``page``. A value that is not one of the
choices raises :class:`FilterError` naming the parameter, before any list is read;
each caller says so in its own words (a page in the visitor's language, JSON).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.models import Area, AreaOrigin, Product, Rank, Relic, Status

#: The highest page number accepted (a larger one is refused, not looked for).
MAX_PAGE = 1_000_000
#: Filter values are never longer than this (names of districts are far shorter).
MAX_VALUE = 120
STARS = ("3", "4", "5")


class FilterError(ValueError):
    """A filter or page value that is not one of the choices; ``param`` names it."""

    def __init__(self, param: str) -> None:
        """Keep which parameter was refused."""
        super().__init__(param)
        self.param = param


@dataclass(frozen=True)
class ListFilters:
    """The filters of a list; empty values filter nothing."""

    area: Area | None = None
    district: str = ""
    rank: str = ""
    category: str = ""
    stars: int | None = None

    def query_args(self) -> dict[str, str]:
        """The filters as query parameters, for links to other pages of the same list."""
        args = {
            "area": self.area.code if self.area else "",
            "district": self.district,
            "rank": self.rank,
            "category": self.category,
            "stars": str(self.stars or ""),
        }
        return {key: value for key, value in args.items() if value}


def page_number(args: Mapping[str, str]) -> int:
    """``page`` as a number from 1 (1 when absent); anything else is a :class:`FilterError`."""
    raw = args.get("page")
    if raw is None or raw == "":
        return 1
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 7 and 1 <= int(raw) <= MAX_PAGE):
        raise FilterError("page")
    return int(raw)


def _value(args: Mapping[str, str], name: str) -> str:
    raw = args.get(name) or ""
    if len(raw) > MAX_VALUE or not raw.isprintable():
        raise FilterError(name)
    return raw.strip()


def area_by_code(code: str) -> Area | None:
    """The area with this official code, or None."""
    if not code or len(code) > 10:
        return None
    return db.session.scalar(select(Area).where(Area.code == code))


def area_choices() -> list[Area]:
    """Every area, by name (the list a visitor picks from)."""
    return list(db.session.scalars(select(Area).order_by(Area.name, Area.code)))


def former_districts() -> list[str]:
    """Former districts known from the areas' origins and from published relics."""
    from_areas = select(AreaOrigin.former_district).where(AreaOrigin.former_district != "")
    from_relics = select(Relic.district_old).where(
        Relic.status == Status.PUBLISHED, Relic.district_old != ""
    )
    found = set(db.session.scalars(from_areas)) | set(db.session.scalars(from_relics))
    return sorted(found)


def categories() -> list[str]:
    """Categories of published products."""
    query = (
        select(Product.category)
        .where(Product.status == Status.PUBLISHED, Product.category != "")
        .distinct()
    )
    return sorted(db.session.scalars(query))


def read_filters(args: Mapping[str, str], kind: str) -> ListFilters:
    """The filters of a ``kind`` list ("relics" or "products") asked for in ``args``."""
    code = _value(args, "area")
    area = area_by_code(code) if code else None
    if code and area is None:
        raise FilterError("area")
    district = _value(args, "district")
    if district and district not in former_districts():
        raise FilterError("district")
    rank = category = ""
    stars = None
    if kind == "relics":
        rank = _value(args, "rank")
        if rank and rank not in {r.value for r in Rank}:
            raise FilterError("rank")
    else:
        category = _value(args, "category")
        if category and category not in categories():
            raise FilterError("category")
        raw_stars = _value(args, "stars")
        if raw_stars and raw_stars not in STARS:
            raise FilterError("stars")
        stars = int(raw_stars) if raw_stars else None
    return ListFilters(area=area, district=district, rank=rank, category=category, stars=stars)

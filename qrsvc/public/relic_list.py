"""The public relic list: one page of published relics, its filters and its area's pack."""

from __future__ import annotations

from collections.abc import Mapping

from qrsvc.areas.filters import area_choices, former_districts, page_number, read_filters
from qrsvc.areas.listing import relic_page
from qrsvc.models import Rank
from qrsvc.public.cards import relic_cards
from qrsvc.public.pack import pack_size

#: Relics on one page of the public list: a screenful of cards on a phone, a few on 3G.
RELICS_PER_PAGE = 24


def relic_list_context(args: Mapping[str, str], lang: str) -> dict:
    """What the relic list shows for the query ``args``; a bad value raises FilterError."""
    filters = read_filters(args, "relics")
    page = relic_page(filters, page_number(args), RELICS_PER_PAGE)
    return {
        "relics": relic_cards(page.items, lang),
        "listing": page,
        "filters": filters,
        "link_args": filters.query_args(),
        "areas": area_choices(),
        "districts": former_districts(),
        "ranks": list(Rank),
        "pack_bytes": pack_size(filters.area.code) if filters.area else None,
    }

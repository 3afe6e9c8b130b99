"""What an "all data" archive holds besides the content: places, the site and payments.

    areas             (code) with origins (former communes, in order)
    site              at most one record: the site's identity, its logo by media key
    payment_accounts  (relic code or producer ref) every state, with when it was decided
    retail_listings   (producer ref) where to buy, in order
    sign_tamperings   (relic code) signs marked tampered, open or replaced

Accounts of this instance are left out as everywhere in the archive: who proposed,
verified, added or marked is not carried, when is. The site's change history is not
carried either, as no other edit history is (``docs/transfer.md``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qrsvc.models import (
    Area,
    AreaOrigin,
    Media,
    PaymentAccount,
    Producer,
    Relic,
    RetailListing,
    SignTampering,
    Site,
)
from qrsvc.transfer.columns import dump_columns

#: Per kind, the columns written as a reference or not at all (accounts of this instance).
SKIPPED_MORE = {
    "areas": frozenset(),
    "origins": frozenset({"area_id"}),
    "site": frozenset({"logo_id"}),
    "payment_accounts": frozenset({"relic_id", "producer_id", "proposed_by_id", "reviewed_by_id"}),
    "retail_listings": frozenset({"producer_id", "added_by_id"}),
    "sign_tamperings": frozenset({"relic_id", "marked_by_id", "replaced_by_id"}),
}


def snapshot_more(session: Session) -> dict[str, list[dict[str, Any]]]:
    """The areas, site, payment accounts, listings and tamperings, as JSON values."""
    relics = dict(session.execute(select(Relic.id, Relic.code)).all())
    producers = dict(session.execute(select(Producer.id, Producer.ref)).all())
    media = dict(session.execute(select(Media.id, Media.storage_key)).all())
    origins: dict[int, list] = defaultdict(list)
    for origin in _all(session, AreaOrigin, AreaOrigin.position):
        origins[origin.area_id].append(dump_columns(origin, SKIPPED_MORE["origins"]))
    return {
        "areas": [
            dump_columns(area) | {"origins": origins.get(area.id, [])}
            for area in _all(session, Area)
        ],
        "site": [
            dump_columns(site, SKIPPED_MORE["site"]) | {"logo": media.get(site.logo_id)}
            for site in _all(session, Site)
        ],
        "payment_accounts": [
            dump_columns(account, SKIPPED_MORE["payment_accounts"])
            | {
                "relic": relics.get(account.relic_id),
                "producer": producers.get(account.producer_id),
            }
            for account in _all(session, PaymentAccount)
        ],
        "retail_listings": [
            dump_columns(listing, SKIPPED_MORE["retail_listings"])
            | {"producer": producers[listing.producer_id]}
            for listing in _all(session, RetailListing)
        ],
        "sign_tamperings": [
            dump_columns(marking, SKIPPED_MORE["sign_tamperings"])
            | {"relic": relics[marking.relic_id]}
            for marking in _all(session, SignTampering)
        ],
    }


def area_codes(session: Session) -> dict[int, str]:
    """The code of each area by its id: relics and producers name their area by it."""
    return dict(session.execute(select(Area.id, Area.code)).all())


def _all(session: Session, model, *order) -> list[Any]:
    return list(session.scalars(select(model).order_by(*order, model.id)))

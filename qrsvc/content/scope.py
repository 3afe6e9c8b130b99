"""Whose records a person sees: the roles, and the scoping of every query by owner and area.

A producer account sees only its own producer's goods. An editor may be limited to some
areas (issue 15): then it sees only the relics and producers of those areas and what
hangs off them (products, batches, events, links, stamp runs, print jobs, media,
festivals, steles, payment accounts, sign reports). An editor without areas and every
administrator see everything; administrators are never limited, since they manage the
accounts and could lift their own limit. The save, the admin's lists, the dashboard and
the media services all load records through :func:`scoped`, so a record out of reach is
simply not found. This is the one place that says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Select, false, or_, select

from qrsvc.extensions import db
from qrsvc.models import (
    Batch,
    Festival,
    Media,
    PaymentAccount,
    PrintJob,
    Producer,
    Product,
    Relic,
    RelicMedia,
    RetailListing,
    Role,
    SignReport,
    SignTampering,
    StampRun,
    Stele,
    TraceEvent,
    TraceLink,
    User,
)
from qrsvc.models.areas import user_areas

STAFF = (Role.ADMIN, Role.EDITOR)
EVERYONE = (Role.ADMIN, Role.EDITOR, Role.PRODUCER)
#: The roles that may be limited to areas.
AREA_ROLES = (Role.EDITOR,)


def area_ids(user: User) -> list[int]:
    """The ids of the areas ``user`` is limited to; empty when not limited."""
    if user.role not in AREA_ROLES or user.id is None:
        return []
    # Read by id, not through ``user.areas``: the user may come from another session.
    stmt = select(user_areas.c.area_id).where(user_areas.c.user_id == user.id)
    return sorted(db.session.scalars(stmt))


def sees_all(user: User) -> bool:
    """Staff who are not limited to areas: every record of the site is theirs to see."""
    return user.role in STAFF and not area_ids(user)


def product_ids(producer_id: int | None) -> Select:
    """The ids of one producer's products, as a subquery."""
    return select(Product.id).where(Product.producer_id == producer_id)


def batch_ids(producer_id: int | None) -> Select:
    """The ids of one producer's batches, as a subquery."""
    return select(Batch.id).where(Batch.product_id.in_(product_ids(producer_id)))


def _chain(producer_ids: Select, relic_ids: Select, user: User) -> dict[type, Callable[[], Any]]:
    """The condition of each model, given the producers and relics ``user`` may see."""
    products = select(Product.id).where(Product.producer_id.in_(producer_ids))
    batches = select(Batch.id).where(Batch.product_id.in_(products))
    runs = select(StampRun.id).where(StampRun.batch_id.in_(batches))
    return {
        Relic: lambda: Relic.id.in_(relic_ids),
        Producer: lambda: Producer.id.in_(producer_ids),
        Product: lambda: Product.producer_id.in_(producer_ids),
        Batch: lambda: Batch.product_id.in_(products),
        TraceEvent: lambda: TraceEvent.batch_id.in_(batches),
        TraceLink: lambda: TraceLink.product_id.in_(products),
        StampRun: lambda: StampRun.batch_id.in_(batches),
        PrintJob: lambda: PrintJob.stamp_run_id.in_(runs),
        Media: lambda: or_(
            Media.producer_id.in_(producer_ids),
            Media.id.in_(select(RelicMedia.media_id).where(RelicMedia.relic_id.in_(relic_ids))),
            Media.uploaded_by_id == user.id,
        ),
        Festival: lambda: Festival.relic_id.in_(relic_ids),
        Stele: lambda: Stele.relic_id.in_(relic_ids),
        SignReport: lambda: SignReport.relic_id.in_(relic_ids),
        SignTampering: lambda: SignTampering.relic_id.in_(relic_ids),
        PaymentAccount: lambda: or_(
            PaymentAccount.relic_id.in_(relic_ids), PaymentAccount.producer_id.in_(producer_ids)
        ),
        RetailListing: lambda: RetailListing.producer_id.in_(producer_ids),
    }


def visible(model: type, user: User) -> ColumnElement[bool] | None:
    """The where-clause limiting ``model`` to what ``user`` may see; None for everything.

    Staff without areas see every record; a limited editor the records of its areas; a
    producer only its own goods. A kind of record not named here (users, site settings)
    is not for a limited editor nor a producer: they see none of it.
    """
    if sees_all(user):
        return None
    if user.role in STAFF:
        areas = area_ids(user)
        producers = select(Producer.id).where(Producer.area_id.in_(areas))
        relics = select(Relic.id).where(Relic.area_id.in_(areas))
        conditions = _chain(producers, relics, user)
    elif user.producer_id is None:  # the schema forbids it; refuse rather than guess
        return false()
    else:
        own = select(Producer.id).where(Producer.id == user.producer_id)
        conditions = _chain(own, select(Relic.id).where(false()), user)
        conditions[Media] = lambda: Media.producer_id == user.producer_id
        conditions.pop(Relic)
        for relic_kind in (Festival, Stele, SignReport, SignTampering):
            conditions.pop(relic_kind)
        conditions[PaymentAccount] = lambda: PaymentAccount.producer_id == user.producer_id
    condition = conditions.get(model)
    return condition() if condition else false()


def scoped(stmt: Select, model: type, user: User) -> Select:
    """Limit ``stmt`` (a select of ``model``) to what ``user`` may see."""
    condition = visible(model, user)
    return stmt if condition is None else stmt.where(condition)


def in_reach(model: type, record_id: int | None, user: User) -> bool:
    """True when ``user`` may see record ``record_id`` of ``model``."""
    if record_id is None:
        return False
    stmt = scoped(select(model.id).where(model.id == record_id), model, user)
    return db.session.scalar(stmt) is not None

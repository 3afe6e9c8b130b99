"""Who may do what: role checks for views and producer scoping for every query.

Hiding a menu entry protects nothing, so every admin view passes a role check
and every record it touches is loaded through :func:`scoped`, which limits a
producer account to its own producer's goods. Another producer's record is
then simply not found (404): the answer does not even confirm that it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, false, select

from qrsvc.extensions import db, login_manager
from qrsvc.models import (
    Batch,
    Media,
    PrintJob,
    Producer,
    Product,
    Role,
    StampRun,
    TraceEvent,
    TraceLink,
    User,
)

STAFF = (Role.ADMIN, Role.EDITOR)
EVERYONE = (Role.ADMIN, Role.EDITOR, Role.PRODUCER)

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M")


def role_required(*roles: str) -> Callable[[F], F]:
    """Let only logged-in users with one of ``roles`` reach the decorated view."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # type: ignore[attr-defined] - read by the route tests
        return wrapped  # type: ignore[return-value]

    return decorator


def _product_ids(producer_id: int | None) -> Select:
    return select(Product.id).where(Product.producer_id == producer_id)


def _batch_ids(producer_id: int | None) -> Select:
    return select(Batch.id).where(Batch.product_id.in_(_product_ids(producer_id)))


def scoped(stmt: Select, model: type, user: User) -> Select:
    """Limit ``stmt`` (a select of ``model``) to what ``user`` may see.

    Staff see every producer's records; a producer sees only its own; records
    that are not a producer's (relics, users, sign reports) are staff-only and
    a producer sees none of them.
    """
    if user.role in STAFF:
        return stmt
    pid = user.producer_id
    if pid is None:  # the schema forbids it; refuse everything rather than guess
        return stmt.where(false())
    conditions = {
        Producer: lambda: Producer.id == pid,
        Product: lambda: Product.producer_id == pid,
        Batch: lambda: Batch.product_id.in_(_product_ids(pid)),
        TraceEvent: lambda: TraceEvent.batch_id.in_(_batch_ids(pid)),
        TraceLink: lambda: TraceLink.product_id.in_(_product_ids(pid)),
        StampRun: lambda: StampRun.batch_id.in_(_batch_ids(pid)),
        Media: lambda: Media.producer_id == pid,
        PrintJob: lambda: PrintJob.stamp_run_id.in_(
            select(StampRun.id).where(StampRun.batch_id.in_(_batch_ids(pid)))
        ),
    }
    condition = conditions.get(model)
    return stmt.where(condition() if condition else false())


def get_scoped(model: type[M], record_id: int, user: User | None = None) -> M:
    """The record ``record_id`` of ``model`` if ``user`` may see it, else 404."""
    user = user if user is not None else current_user
    stmt = scoped(select(model).where(model.id == record_id), model, user)  # type: ignore[attr-defined]
    record = db.session.scalar(stmt)
    if record is None:
        abort(404)
    return record


def may_see(model: type, record_id: int, user: User) -> bool:
    """True when ``user`` may see record ``record_id`` of ``model``."""
    stmt = scoped(select(model.id).where(model.id == record_id), model, user)  # type: ignore[attr-defined]
    return db.session.scalar(stmt) is not None

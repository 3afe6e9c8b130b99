"""Who may do what: role checks for views, and owner and area scoping for every query.

Hiding a menu entry protects nothing, so every admin view passes a role check
and every record it touches is loaded through :func:`qrsvc.content.scope.scoped`,
which limits a producer account to its own producer's goods and an editor limited to
areas to the records of its areas. Another's record is then simply not found (404): the
answer does not even confirm that it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from qrsvc.content.scope import EVERYONE, STAFF, area_ids, in_reach, scoped, sees_all
from qrsvc.extensions import db, login_manager
from qrsvc.models import User

__all__ = [
    "EVERYONE",
    "STAFF",
    "area_ids",
    "get_scoped",
    "may_see",
    "role_required",
    "scoped",
    "sees_all",
]

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
    return in_reach(model, record_id, user)

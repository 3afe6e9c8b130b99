"""Who may propose, verify and list for which owner: the rules, stated once.

Views, the API and the command line all go through :mod:`qrsvc.payments`, which asks
these functions, so hiding a button is never what protects an account.

- A producer account may propose a payment account and add listings only for its own
  producer, never for a relic nor another producer.
- Staff (admin, editor) may propose for any owner, and only staff verify or reject.

An editor limited to some areas (issue 15) looks after the owners of those areas only:
:func:`staff_covers` asks :func:`qrsvc.content.scope.in_reach`, the one rule of scope.
"""

from __future__ import annotations

from qrsvc.content.scope import in_reach, sees_all
from qrsvc.models import Producer, Relic, Role, User

Owner = Relic | Producer

STAFF = (Role.ADMIN, Role.EDITOR)


def active(user: User | None) -> bool:
    """A user who is signed up and not deactivated."""
    return user is not None and bool(user.is_active_account)


def staff_covers(user: User, owner: Owner) -> bool:
    """Whether staff member ``user`` looks after ``owner``.

    Staff without areas look after every owner; an editor limited to areas, the relics
    and producers of those areas (an owner not saved yet: none). Every rule below follows.
    """
    if not user.has_role(*STAFF):
        return False
    return sees_all(user) or in_reach(type(owner), owner.id, user)


def may_propose(user: User | None, owner: Owner) -> bool:
    """Staff for owners they look after; a producer account for its own producer only."""
    if not active(user):
        return False
    if user.has_role(*STAFF):
        return staff_covers(user, owner)
    return (
        user.has_role(Role.PRODUCER)
        and isinstance(owner, Producer)
        and user.producer_id is not None
        and user.producer_id == owner.id
    )


def may_review(user: User | None, owner: Owner) -> bool:
    """Only staff verify or reject an account, for owners they look after."""
    return active(user) and user.has_role(*STAFF) and staff_covers(user, owner)

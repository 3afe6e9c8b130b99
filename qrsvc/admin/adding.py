"""The "Add …" action of each list: who may add a record of a kind, and where that starts.

A producer looking at the Products list must see how to add one. A kind made
under a parent (a product under its producer, a batch under its product) is
added from the parent's page; the list then either opens the form directly,
when there is only one parent to choose (a producer's own profile), or leads to
the parents' list and says where to press.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from qrsvc.admin.access import scoped
from qrsvc.content.records import EntitySpec
from qrsvc.extensions import db


@dataclass(frozen=True)
class AddOffer:
    """How the signed-in person adds a record of a kind, as its list offers it.

    ``url`` opens the new record's form; for a kind made under a parent (a batch
    under its product) with several parents to choose from, it opens the parents'
    list and ``parent`` names that kind, so the page says where to press "Add".
    """

    label: str
    url: str
    parent: EntitySpec | None = None


def may_create(spec: EntitySpec, user: Any) -> bool:
    """True when ``user`` may create records of ``spec`` through its form."""
    return spec.create_roles != () and user.has_role(*(spec.create_roles or spec.roles))


def add_label(spec: EntitySpec) -> str:
    """The words of the button that adds a record of ``spec``: "Add batch"."""
    return _("Add %(kind)s", kind=str(spec.label).lower())


def add_offer(spec: EntitySpec, parent: EntitySpec | None, user: Any) -> AddOffer | None:
    """The "Add …" action of ``spec``'s list for ``user``, or None when they may not add one.

    ``parent`` is the spec of the kind a new record is made under (None for none).
    """
    if spec.name == "media":  # files are added by uploading them
        return AddOffer(_("Upload a photo or audio"), url_for("admin.media_upload"))
    if not may_create(spec, user):
        return None
    if parent is None:
        return AddOffer(add_label(spec), url_for(f"admin.{spec.name}_new"))
    if not user.has_role(*parent.roles):
        return None
    # With a single parent to choose from (a producer's own profile), the form opens at once.
    stmt = scoped(select(parent.model.id), parent.model, user).limit(2)
    ids = db.session.scalars(stmt).all()
    if len(ids) == 1:
        return AddOffer(add_label(spec), url_for(f"admin.{spec.name}_new", parent_id=ids[0]))
    return AddOffer(add_label(spec), url_for(f"admin.{parent.name}_list"), parent=parent)

"""Signs found tampered with: staff mark a relic's sign, and mark it again once replaced.

    mark_tampered(relic, by_user=editor, note="Sticker over the donation code")
    open_tampering(relic)  -> SignTampering (the relic page warns visitors)
    mark_replaced(relic, by_user=editor)

While a sign is marked, the relic page tells visitors in their language not to scan a
payment code on the sign and to use the one on the page. Only staff who look after the
relic (:func:`qrsvc.payments.staff_covers`) mark; every marking is kept, with a
:class:`~qrsvc.models.Revision` of who and when. The relic's cached pages are made
stale at once.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from qrsvc import cache
from qrsvc.extensions import db
from qrsvc.models import Relic, Revision, SignTampering, User, utcnow
from qrsvc.payments.access import active, staff_covers
from qrsvc.payments.errors import N_, NotAllowedError, PaymentError

ENTITY = "sign_tampering"
NOTE_LENGTH = 500


def open_tampering(relic: Relic) -> SignTampering | None:
    """The marking of ``relic``'s sign that is still open (not replaced), or None."""
    query = select(SignTampering).where(
        SignTampering.relic_id == relic.id, SignTampering.replaced_at.is_(None)
    )
    return db.session.scalars(query).one_or_none()


def tamperings_of(relic: Relic) -> list[SignTampering]:
    """Every marking of ``relic``'s sign, newest first (for staff)."""
    query = (
        select(SignTampering)
        .where(SignTampering.relic_id == relic.id)
        .order_by(SignTampering.marked_at.desc(), SignTampering.id.desc())
    )
    return list(db.session.scalars(query))


def _check(user: User | None, relic: Relic) -> None:
    if not (active(user) and isinstance(relic, Relic) and staff_covers(user, relic)):
        raise NotAllowedError(N_("Only staff who look after this relic may mark its sign."))


def _note(value: object) -> str:
    if not isinstance(value, str):
        raise PaymentError("note", N_("The note is not text."))
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if len(text) > NOTE_LENGTH or not text.isprintable():
        raise PaymentError(
            "note",
            N_("The note is at most %(limit)s printable characters."),
            limit=NOTE_LENGTH,
        )
    return text


def _commit(marking: SignTampering, action: str, changes: dict, user: User) -> None:
    try:
        db.session.flush()
        db.session.add(
            Revision(
                entity_type=ENTITY,
                entity_id=marking.id,
                version=1,
                action=action,
                changes=changes,
                user_id=user.id,
            )
        )
        db.session.commit()
    except IntegrityError as exc:  # marked by someone else at the same moment
        db.session.rollback()
        raise PaymentError("", N_("This sign is already marked as tampered.")) from exc
    cache.bump_generation()  # the relic page shows the warning (or stops) at once


def mark_tampered(relic: Relic, by_user: User | None, note: object = "") -> SignTampering:
    """Mark ``relic``'s sign tampered; its page warns visitors until :func:`mark_replaced`."""
    _check(by_user, relic)
    note = _note(note)
    if open_tampering(relic) is not None:
        raise PaymentError("", N_("This sign is already marked as tampered."))
    marking = SignTampering(
        relic_id=relic.id, marked_by_id=by_user.id, marked_at=utcnow(), note=note
    )
    db.session.add(marking)
    _commit(marking, "mark_tampered", {"relic": [None, relic.id], "note": [None, note]}, by_user)
    return marking


def mark_replaced(relic: Relic, by_user: User | None) -> SignTampering:
    """Close the open marking of ``relic``'s sign: a new sign is up, the warning goes."""
    _check(by_user, relic)
    marking = open_tampering(relic)
    if marking is None:
        raise PaymentError("", N_("This sign is not marked as tampered."))
    now = utcnow()
    marking.replaced_at = now
    marking.replaced_by_id = by_user.id
    _commit(marking, "mark_replaced", {"replaced_at": [None, now.isoformat()]}, by_user)
    return marking

"""Account services: checking a password, changing it, managing users (admins only).

Every change that should take access away (signing out, a new password, another role
or producer, deactivation) raises the user's session version, which ends each of the
user's sessions and remember-me cookies on every device (see :meth:`User.get_id`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from qrsvc.database import begin_write
from qrsvc.extensions import db
from qrsvc.models import Area, Producer, Role, SignInAlert, User, utcnow

# Checked when the email is unknown, so that a wrong email takes as long as a wrong
# password and response times do not reveal which accounts exist.
_DUMMY_HASH = generate_password_hash("not a real password", method="scrypt")


class AccountError(ValueError):
    """A user change that cannot be made; the message is for the admin."""


def _normal_email(email: str) -> str:
    return unicodedata.normalize("NFC", email or "").strip().lower()


def _could_be_email(email: str) -> bool:
    # Control characters (a NUL above all, which PostgreSQL refuses in text) are in no
    # address; such input is simply no account, never a database error.
    return not any(unicodedata.category(c) == "Cc" for c in email)


def _user_with_email(session, email: str) -> User | None:
    if not _could_be_email(email):
        return None
    return session.scalar(select(User).where(func.lower(User.email) == email))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None (and the login is noted)."""
    email = _normal_email(email)
    user = _user_with_email(db.session, email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    session = begin_write()
    user = session.get(User, user.id)
    user.last_login_at = utcnow()
    session.commit()
    return user


def change_password(user_id: int, current: str, new: str) -> User | None:
    """Set a new password when ``current`` is right, ending every session of the user.

    Returns the user (to sign in again on this device), or None when ``current`` is
    wrong and nothing changed.
    """
    session = begin_write()
    user = session.get(User, user_id)
    if user is None or not user.check_password(current):
        session.rollback()
        return None
    user.set_password(new)
    session.commit()
    return user


def end_sessions(user_id: int) -> None:
    """End every session and remember-me cookie of the user, on every device."""
    session = begin_write()
    user = session.get(User, user_id)
    if user is not None:
        user.end_sessions()
    session.commit()


@dataclass
class UserChange:
    """What an admin asked to set on an account."""

    email: str
    display_name: str
    role: str
    producer_id: int | None
    password: str
    active: bool
    #: The areas an editor is limited to (none: the whole site); ids of areas.
    area_ids: tuple[int, ...] = ()


def save_user(user_id: int | None, change: UserChange, acting_user_id: int) -> User:
    """Create (``user_id`` None) or update an account; raises :class:`AccountError`."""
    email = _normal_email(change.email)
    if not _could_be_email(email):
        raise AccountError(_("Give a valid email address."))
    session = begin_write()
    clash = session.scalar(
        select(User.id).where(func.lower(User.email) == email, User.id != (user_id or 0))
    )
    if clash is not None:
        session.rollback()
        raise AccountError(_("Another account already uses this email."))
    if change.role not in {r.value for r in Role}:
        session.rollback()
        raise AccountError(_("Unknown role."))
    producer_id = change.producer_id if change.role == Role.PRODUCER else None
    if change.role == Role.PRODUCER and (
        producer_id is None or session.get(Producer, producer_id) is None
    ):
        session.rollback()
        raise AccountError(_("A producer account needs its producer."))
    areas = _areas(session, change)
    if user_id is None:
        if not change.password:
            session.rollback()
            raise AccountError(_("A new account needs a password."))
        user = User(email=email)
        session.add(user)
    else:
        user = session.get(User, user_id)
        if user is None:
            session.rollback()
            raise AccountError(_("This account does not exist."))
        if user_id == acting_user_id and (change.role != Role.ADMIN or not change.active):
            session.rollback()
            raise AccountError(_("You cannot take away your own administrator rights."))
    # Less (or other) access than before takes effect at once, on every device.
    if user_id is not None and (
        user.role != change.role
        or user.producer_id != producer_id
        or (user.is_active_account and not change.active)
        or {a.id for a in user.areas} != {a.id for a in areas}
    ):
        user.end_sessions()
    user.areas = areas
    user.email = email
    user.display_name = unicodedata.normalize("NFC", change.display_name or "").strip()
    user.role = change.role
    user.producer_id = producer_id
    user.is_active_account = change.active
    if change.password:
        user.set_password(change.password)  # a reset ends the sessions too
    session.commit()
    return user


def _areas(session, change: UserChange) -> list[Area]:
    """The areas of ``change``, checked: all known, and only for an editor."""
    wanted = set(change.area_ids)
    if not wanted:
        return []
    if change.role != Role.EDITOR:
        session.rollback()
        raise AccountError(_("Only an editor can be limited to areas."))
    found = list(session.scalars(select(Area).where(Area.id.in_(wanted)).order_by(Area.code)))
    if len(found) != len(wanted):
        session.rollback()
        raise AccountError(_("Unknown area."))
    return found


#: Wrong passwords within this time of the last one belong to the same flood.
SAME_FLOOD = timedelta(hours=1)


def note_signin_attack(email: str, failures: int, addresses: int) -> SignInAlert | None:
    """Record that wrong passwords pour onto the account ``email`` (for the admins).

    The first call of a flood opens an alert with the ``failures`` counted so far;
    each later one (a wrong password more) adds one. None when no account has this
    email: there is nobody to warn about.
    """
    session = begin_write()
    user = _user_with_email(session, _normal_email(email))
    if user is None:
        session.rollback()
        return None
    user_id = user.id
    now = utcnow()
    alert = session.scalar(
        select(SignInAlert)
        .where(SignInAlert.user_id == user_id, SignInAlert.last_at >= now - SAME_FLOOD)
        .order_by(SignInAlert.id.desc())
        .limit(1)
    )
    if alert is None:
        alert = SignInAlert(user_id=user_id, started_at=now, failures=failures, addresses=0)
        session.add(alert)
    else:
        alert.failures += 1
    alert.last_at = now
    alert.addresses = max(alert.addresses, addresses)
    session.commit()
    return alert


def recent_signin_alerts(days: int = 7) -> list[SignInAlert]:
    """Floods of wrong passwords of the last ``days`` days, the latest first."""
    since = utcnow() - timedelta(days=days)
    stmt = (
        select(SignInAlert)
        .where(SignInAlert.last_at >= since)
        .order_by(SignInAlert.last_at.desc())
        .limit(20)
    )
    return list(db.session.scalars(stmt))

"""Account services: checking a password, changing it, managing users (admins only)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from qrsvc.database import begin_write
from qrsvc.extensions import db
from qrsvc.models import Producer, Role, User, utcnow

# Checked when the email is unknown, so that a wrong email takes as long as a wrong
# password and response times do not reveal which accounts exist.
_DUMMY_HASH = generate_password_hash("not a real password", method="scrypt")


class AccountError(ValueError):
    """A user change that cannot be made; the message is for the admin."""


def _normal_email(email: str) -> str:
    return unicodedata.normalize("NFC", email or "").strip().lower()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None (and the login is noted)."""
    email = _normal_email(email)
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
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


def change_password(user_id: int, current: str, new: str) -> bool:
    """Set a new password when ``current`` is right; False (nothing changed) otherwise."""
    session = begin_write()
    user = session.get(User, user_id)
    if user is None or not user.check_password(current):
        session.rollback()
        return False
    user.set_password(new)
    session.commit()
    return True


@dataclass
class UserChange:
    """What an admin asked to set on an account."""

    email: str
    display_name: str
    role: str
    producer_id: int | None
    password: str
    active: bool


def save_user(user_id: int | None, change: UserChange, acting_user_id: int) -> User:
    """Create (``user_id`` None) or update an account; raises :class:`AccountError`."""
    session = begin_write()
    email = _normal_email(change.email)
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
    user.email = email
    user.display_name = unicodedata.normalize("NFC", change.display_name or "").strip()
    user.role = change.role
    user.producer_id = producer_id
    user.is_active_account = change.active
    if change.password:
        user.set_password(change.password)
    session.commit()
    return user

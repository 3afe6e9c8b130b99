"""Staff and producer accounts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from qrsvc.models.base import Base, TimestampMixin, utcnow


class Role(StrEnum):
    """What a user may do: admin (all), editor (all content), producer (own goods)."""

    ADMIN = "admin"
    EDITOR = "editor"
    PRODUCER = "producer"


class User(UserMixin, TimestampMixin, Base):
    """A person who logs in to the admin."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'editor', 'producer')", name="role_known"),
        # A producer account without its producer would see everything or nothing.
        CheckConstraint(
            "role != 'producer' OR producer_id IS NOT NULL", name="producer_has_producer"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producers.id"), index=True)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    # Part of the id kept in every session and remember-me cookie of this user; raising
    # it (signing out, a new password, another role, deactivation) ends them all at once.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    producer: Mapped[Producer | None] = relationship()  # noqa: F821
    # An editor limited to these areas (none: the whole site); see qrsvc.content.scope.
    areas: Mapped[list[Area]] = relationship(  # noqa: F821
        secondary="user_areas", order_by="Area.code"
    )

    def set_password(self, password: str) -> None:
        """Store a salted scrypt hash of ``password``; a new one ends every session."""
        if self.password_hash:
            self.end_sessions()
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        """True when ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.is_active_account

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session and the remember-me cookie: ``"42:7"``.

        The user's id and session version: a cookie made before the version was raised
        names a version that no longer exists, so it signs nobody in.
        """
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """End every session and remember-me cookie of this user, on every device."""
        self.session_version = (self.session_version or 1) + 1

    def has_role(self, *roles: str) -> bool:
        """True when the user's role is one of ``roles``."""
        return self.role in roles


class SignInAlert(Base):
    """Wrong passwords poured on one account from outside: the admins are told.

    One record per flood; a flood that goes on within an hour of the last wrong password
    adds to the same record. Written by the sign-in guard, shown on the dashboard.
    """

    __tablename__ = "signin_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    failures: Mapped[int] = mapped_column(default=0)  # wrong passwords counted so far
    addresses: Mapped[int] = mapped_column(default=0)  # most client addresses seen in an hour

    user: Mapped[User] = relationship()

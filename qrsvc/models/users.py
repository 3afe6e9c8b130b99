"""Staff and producer accounts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from qrsvc.models.base import Base, TimestampMixin


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

    producer: Mapped[Producer | None] = relationship()  # noqa: F821

    def set_password(self, password: str) -> None:
        """Store a salted scrypt hash of ``password``."""
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        """True when ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.is_active_account

    def has_role(self, *roles: str) -> bool:
        """True when the user's role is one of ``roles``."""
        return self.role in roles

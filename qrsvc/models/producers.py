"""Producers of OCOP goods: households, cooperatives, small firms."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qrsvc.models.base import Base, VersionedMixin


class Producer(VersionedMixin, Base):
    """Who makes a product; producer accounts see only their own producer's records."""

    __tablename__ = "producers"
    __table_args__ = (
        CheckConstraint("kind IN ('household', 'cooperative', 'company')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)  # short stable reference
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12), default="household")
    commune: Mapped[str] = mapped_column(String(120), default="")
    commune_old: Mapped[str] = mapped_column(String(120), default="")
    # The area (commune since 2025) it belongs to, when staff chose one (models/areas.py).
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    address: Mapped[str] = mapped_column(String(255), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(255), default="")
    gln: Mapped[str | None] = mapped_column(String(13), unique=True)
    tax_code: Mapped[str] = mapped_column(String(20), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    description: Mapped[dict[str, Any]] = mapped_column(default=dict)  # per language
    # Folded names for search, kept up to date on every save (models/searching.py).
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    products: Mapped[list[Product]] = relationship(back_populates="producer")  # noqa: F821

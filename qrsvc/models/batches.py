"""Batches (lots) and the input lots they were made from."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qrsvc.models.base import Base, VersionedMixin


class Batch(VersionedMixin, Base):
    """One production lot of a product; a recalled batch answers 410 Gone."""

    __tablename__ = "batches"
    __table_args__ = (
        UniqueConstraint("product_id", "lot", name="uq_batches_product_lot"),
        CheckConstraint("status IN ('active', 'recalled')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)  # used by the CLI and admin
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    lot: Mapped[str] = mapped_column(String(20))  # GS1 AI (10): set 82, up to 20 chars
    production_date: Mapped[date | None]
    expiry_date: Mapped[date | None]
    quantity: Mapped[float | None]
    unit: Mapped[str] = mapped_column(String(20), default="")
    origin_area: Mapped[dict[str, Any]] = mapped_column(default=dict)  # per language
    notes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(12), default="active")
    recall_reason: Mapped[dict[str, Any]] = mapped_column(default=dict)
    recalled_at: Mapped[datetime | None]

    product: Mapped[Product] = relationship(back_populates="batches")  # noqa: F821
    inputs: Mapped[list[BatchInput]] = relationship(
        foreign_keys="BatchInput.batch_id", cascade="all, delete-orphan", back_populates="batch"
    )
    events: Mapped[list[TraceEvent]] = relationship(  # noqa: F821
        back_populates="batch", order_by="TraceEvent.event_time", cascade="all, delete-orphan"
    )

    @property
    def recalled(self) -> bool:
        """True once the batch has been recalled."""
        return self.status == "recalled"


class BatchInput(Base):
    """ "One step back": an input lot used to make a batch.

    The input is a batch in this system when known, otherwise a free description
    (a supplier's lot written on a delivery note).
    """

    __tablename__ = "batch_inputs"
    __table_args__ = (
        CheckConstraint(
            "input_batch_id IS NOT NULL OR external_ref != ''", name="input_identified"
        ),
        CheckConstraint("input_batch_id IS NULL OR input_batch_id != batch_id", name="not_itself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"), index=True)
    input_batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"), index=True)
    external_ref: Mapped[str] = mapped_column(String(200), default="")
    quantity: Mapped[float | None]
    unit: Mapped[str] = mapped_column(String(20), default="")

    batch: Mapped[Batch] = relationship(foreign_keys=[batch_id], back_populates="inputs")
    input_batch: Mapped[Batch | None] = relationship(foreign_keys=[input_batch_id])

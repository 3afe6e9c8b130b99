"""Trace events of a batch, carrying the fields of EPCIS 2.0."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qrsvc.localtime import OFFSET
from qrsvc.models.base import Base, VersionedMixin

trace_event_evidence = Table(
    "trace_event_evidence",
    Base.metadata,
    Column("event_id", ForeignKey("trace_events.id", ondelete="CASCADE"), primary_key=True),
    Column("media_id", ForeignKey("media.id"), primary_key=True),
)


def new_event_uri() -> str:
    """A stable EPCIS eventID."""
    return f"urn:uuid:{uuid.uuid4()}"


class TraceEvent(VersionedMixin, Base):
    """Something that happened to a batch: harvest, processing, packing, shipping...

    ``event_time`` is stored in UTC; ``tz_offset`` keeps the offset where it
    happened (+07:00 in Vietnam) because EPCIS requires it.
    """

    __tablename__ = "trace_events"
    __table_args__ = (
        CheckConstraint(
            "event_type IN ('ObjectEvent', 'TransformationEvent', 'AggregationEvent')",
            name="event_type_known",
        ),
        CheckConstraint("action IN ('ADD', 'OBSERVE', 'DELETE')", name="action_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_uri: Mapped[str] = mapped_column(String(80), unique=True, default=new_event_uri)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"), index=True)
    event_type: Mapped[str] = mapped_column(String(24), default="ObjectEvent")
    action: Mapped[str] = mapped_column(String(8), default="OBSERVE")
    biz_step: Mapped[str] = mapped_column(String(40))  # CBV, e.g. commissioning, shipping
    disposition: Mapped[str] = mapped_column(String(40), default="")  # CBV, e.g. active
    event_time: Mapped[datetime] = mapped_column(index=True)
    tz_offset: Mapped[str] = mapped_column(String(6), default=OFFSET)
    read_point: Mapped[str] = mapped_column(String(255), default="")  # URI
    biz_location: Mapped[str] = mapped_column(String(255), default="")  # URI
    place: Mapped[dict[str, Any]] = mapped_column(default=dict)  # place name per language
    description: Mapped[dict[str, Any]] = mapped_column(default=dict)
    quantity: Mapped[float | None]
    unit: Mapped[str] = mapped_column(String(20), default="")
    # Aggregation: the parent container; transformation inputs are the batch's inputs.
    parent_id: Mapped[str] = mapped_column(String(255), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_by_name: Mapped[str] = mapped_column(String(120), default="")

    batch: Mapped[Batch] = relationship(back_populates="events")  # noqa: F821
    evidence: Mapped[list[Media]] = relationship(secondary=trace_event_evidence)  # noqa: F821

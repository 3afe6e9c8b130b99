"""What happened: scan counts, revisions, sign reports, print jobs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qrsvc.models.base import Base, TimestampMixin, utcnow


class ScanCount(Base):
    """Page views per day, target, language, device and source, added up.

    ``source`` tells a scan of the printed code ("qr") from in-site navigation
    ("site"). Counts are buffered in memory and flushed, never written per request.
    """

    __tablename__ = "scan_counts"
    __table_args__ = (
        UniqueConstraint(
            "day", "target_kind", "target_id", "lang", "source", "device", name="uq_scan_counts_key"
        ),
        # The dashboard's sums of the last days read this index alone (migration 0015).
        Index(
            "ix_scan_counts_source_day",
            "source",
            "day",
            postgresql_include=["target_kind", "target_id", "lang", "device", "count"],
        ),
        # One record's last scan day, one step down the index (the silent signs).
        Index(
            "ix_scan_counts_target",
            "target_kind",
            "target_id",
            "source",
            "day",
            postgresql_include=["count"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
    target_kind: Mapped[str] = mapped_column(String(12))  # relic, product, batch, stamp
    target_id: Mapped[int]
    lang: Mapped[str] = mapped_column(String(8), default="")
    source: Mapped[str] = mapped_column(String(8), default="qr")
    device: Mapped[str] = mapped_column(String(12), default="")  # mobile, desktop, bot
    count: Mapped[int] = mapped_column(BigInteger, default=0)


class Revision(Base):
    """One change to an edited record: who, when, and the old and new values."""

    __tablename__ = "revisions"
    # Look-ups are always "the history of this record".
    __table_args__ = (Index("ix_revisions_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int]
    version: Mapped[int] = mapped_column(default=1)
    action: Mapped[str] = mapped_column(String(16))  # create, update, publish, restore, delete
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # {"field": [old, new]}; a snapshot on create so any revision can be restored.
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)

    user: Mapped[User | None] = relationship()  # noqa: F821


class SignReport(TimestampMixin, Base):
    """A visitor's "problem with this sign" report, for staff to handle."""

    __tablename__ = "sign_reports"
    __table_args__ = (
        CheckConstraint("kind IN ('damaged', 'covered', 'wrong_info', 'other')", name="kind_known"),
        CheckConstraint("status IN ('new', 'handled')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    relic_id: Mapped[int] = mapped_column(ForeignKey("relics.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    lang: Mapped[str] = mapped_column(String(8), default="vi")
    status: Mapped[str] = mapped_column(String(10), default="new", index=True)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[datetime | None]
    # A photo of the code the visitor found (qrsvc.public.reports): its stored copy
    # (re-encoded, no EXIF), the codes read from it, and how they compare with the
    # relic's official payment code ("" without a photo, else a verdict of
    # qrsvc.payments.stickers; "differs" alerts staff).
    photo_key: Mapped[str] = mapped_column(String(255), default="")
    photo_codes: Mapped[str] = mapped_column(Text, default="")
    payment_check: Mapped[str] = mapped_column(String(10), default="", index=True)


class PrintJob(TimestampMixin, Base):
    """A background print job; a failed one keeps its stamp run and can be retried."""

    __tablename__ = "print_jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # sign, labels, stamps
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    result_key: Mapped[str] = mapped_column(String(255), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    # Written every few seconds by the process running the job: a running job whose
    # heartbeat went quiet has lost its worker (see qrsvc.printing.jobs).
    heartbeat_at: Mapped[datetime | None]
    stamp_run_id: Mapped[int | None] = mapped_column(ForeignKey("stamp_runs.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

"""Anti-counterfeit stamp runs.

A run is a contiguous range of global serials for one batch. Printing a million
stamps writes one row; a :class:`StampState` row appears only for a serial that
somebody scanned or checked, so stamps cost nothing until used.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qrsvc.models.base import Base, TimestampMixin, utcnow


class SerialCounter(Base):
    """The next free serial of a named sequence, moved forward atomically."""

    __tablename__ = "serial_counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_value: Mapped[int] = mapped_column(BigInteger, default=1)


class StampRun(TimestampMixin, Base):
    """A range of stamp serials allotted to a batch, printed, then activated or voided."""

    __tablename__ = "stamp_runs"
    __table_args__ = (
        CheckConstraint("count > 0", name="count_positive"),
        CheckConstraint(
            "status IN ('allocated', 'printed', 'active', 'voided', 'failed')", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    first_serial: Mapped[int] = mapped_column(BigInteger, unique=True)
    count: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(12), default="allocated")
    format_name: Mapped[str] = mapped_column(String(60), default="")
    with_pin: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    batch: Mapped[Batch] = relationship()  # noqa: F821
    changes: Mapped[list[StampRunChange]] = relationship(
        order_by="StampRunChange.id", cascade="all, delete-orphan"
    )

    @property
    def last_serial(self) -> int:
        """The last serial of the run (inclusive)."""
        return self.first_serial + self.count - 1


class StampRunChange(Base):
    """Who did what to which part of a run: printed, activated, voided.

    The state of one serial is the last activate/void change covering it.
    """

    __tablename__ = "stamp_run_changes"
    __table_args__ = (CheckConstraint("first_serial <= last_serial", name="range_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("stamp_runs.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # allocate, print, activate, void, fail
    first_serial: Mapped[int] = mapped_column(BigInteger)
    last_serial: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(300), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)


class StampState(Base):
    """Scan count and PIN state of one serial; exists only once it was scanned."""

    __tablename__ = "stamp_states"
    # The few stamps the counterfeit alerts list, without reading every scanned stamp
    # (qrsvc.stamps.alerts; migration 0015).
    __table_args__ = (
        sa.Index(
            "ix_stamp_states_alerts",
            "serial",
            postgresql_where=sa.text("alert_reason <> '' OR pin_failures >= 5"),
            sqlite_where=sa.text("alert_reason <> '' OR pin_failures >= 5"),
        ),
    )

    serial: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    run_id: Mapped[int] = mapped_column(ForeignKey("stamp_runs.id"), index=True)
    scan_count: Mapped[int] = mapped_column(BigInteger, default=0)
    first_scan_at: Mapped[datetime | None]
    last_scan_at: Mapped[datetime | None]
    pin_confirmed_at: Mapped[datetime | None]
    pin_failures: Mapped[int] = mapped_column(default=0)
    # The last wrong PIN: a lock after repeated failures expires, so a stranger who
    # guesses on purpose cannot lock the real buyer out for good.
    pin_failed_at: Mapped[datetime | None]
    suspicious: Mapped[bool] = mapped_column(default=False, index=True)
    # Why staff should look at this stamp (copied, far_apart, voided, not_activated).
    alert_reason: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # Whether more than one client has scanned it, from a short tag of the last scan's
    # client hash: while one phone alone checks a stamp, its scans cannot look copied,
    # and the scan rows need not be read (see qrsvc.stamps.counting.record_scan).
    last_client: Mapped[str] = mapped_column(String(8), default="", server_default="")
    several_clients: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class StampScan(Base):
    """One scan of a stamp, kept to spot copied codes (many scans, far apart)."""

    __tablename__ = "stamp_scans"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        primary_key=True,  # SQLite rowid
    )
    serial: Mapped[int] = mapped_column(BigInteger, index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    client_hash: Mapped[str] = mapped_column(String(64), default="")  # salted, never the raw IP
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

"""Official payment accounts (a relic's donations, a producer's sales) and where to buy.

An account is proposed (by staff, or by a producer for its own producer), then verified
or rejected by staff; only a verified account is ever shown or printed, and a newer
verified account replaces the one before it, so an owner has at most one at a time (a
partial unique index says so to the database too). The rules live in
:mod:`qrsvc.payments`; every change is also kept as a :class:`Revision` with who and when.
No card number and no money ever passes through here.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qrsvc.models.base import Base, TimestampMixin, VersionedMixin, utcnow


class AccountState(StrEnum):
    """Where an account stands: only ``verified`` is ever shown or printed."""

    PROPOSED = "proposed"
    VERIFIED = "verified"
    REJECTED = "rejected"
    REPLACED = "replaced"  # was verified until a newer account was


_VERIFIED = text("state = 'verified'")
_OPEN = text("replaced_at IS NULL")


class PaymentAccount(VersionedMixin, Base):
    """A bank account of a relic (its management board's, for donations) or a producer."""

    __tablename__ = "payment_accounts"
    __table_args__ = (
        CheckConstraint(
            "state IN ('proposed', 'verified', 'rejected', 'replaced')", name="state_known"
        ),
        CheckConstraint(
            "(relic_id IS NULL AND producer_id IS NOT NULL)"
            " OR (relic_id IS NOT NULL AND producer_id IS NULL)",
            name="one_owner",
        ),
        # At most one verified account per owner, whatever the service does.
        Index(
            "uq_payment_accounts_verified_relic",
            "relic_id",
            unique=True,
            sqlite_where=_VERIFIED,
            postgresql_where=_VERIFIED,
        ),
        Index(
            "uq_payment_accounts_verified_producer",
            "producer_id",
            unique=True,
            sqlite_where=_VERIFIED,
            postgresql_where=_VERIFIED,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    relic_id: Mapped[int | None] = mapped_column(
        ForeignKey("relics.id", ondelete="CASCADE"), index=True
    )
    producer_id: Mapped[int | None] = mapped_column(
        ForeignKey("producers.id", ondelete="CASCADE"), index=True
    )
    bank_bin: Mapped[str] = mapped_column(String(6))  # NAPAS BIN, from qrsvc/vietqr/banks.json
    account_number: Mapped[str] = mapped_column(String(19))  # digits; never a card number
    holder_name: Mapped[str] = mapped_column(String(50))  # as banks show it: A-Z and spaces
    state: Mapped[str] = mapped_column(String(10), default=AccountState.PROPOSED, index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Who verified or rejected it, and when; why, for a rejection.
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str] = mapped_column(Text, default="")
    replaced_at: Mapped[datetime | None]

    relic: Mapped[Relic | None] = relationship()  # noqa: F821
    producer: Mapped[Producer | None] = relationship()  # noqa: F821
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])  # noqa: F821
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])  # noqa: F821

    @property
    def verified_at(self) -> datetime | None:
        """When staff verified this account (None while proposed or when rejected)."""
        if self.state in (AccountState.VERIFIED, AccountState.REPLACED):
            return self.reviewed_at
        return None


class RetailListing(TimestampMixin, Base):
    """Where to buy: a producer's shop on an e-commerce platform (an https address)."""

    __tablename__ = "retail_listings"
    __table_args__ = (UniqueConstraint("producer_id", "url", name="uq_retail_listings_url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(
        ForeignKey("producers.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(80))  # e.g. "Postmart", "Voso"
    url: Mapped[str] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(default=0)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    producer: Mapped[Producer] = relationship()  # noqa: F821


class SignTampering(TimestampMixin, Base):
    """Staff found a relic's sign tampered with (a sticker over its donation code).

    While a marking has no ``replaced_at``, the relic page warns visitors not to scan a
    payment code on the sign; when the sign is replaced the marking is closed and kept.
    A partial unique index lets a relic have at most one open marking.
    """

    __tablename__ = "sign_tamperings"
    __table_args__ = (
        Index(
            "uq_sign_tamperings_open_relic",
            "relic_id",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    relic_id: Mapped[int] = mapped_column(ForeignKey("relics.id", ondelete="CASCADE"), index=True)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    replaced_at: Mapped[datetime | None]

    relic: Mapped[Relic] = relationship()  # noqa: F821
    marked_by: Mapped[User | None] = relationship(foreign_keys=[marked_by_id])  # noqa: F821
    replaced_by: Mapped[User | None] = relationship(foreign_keys=[replaced_by_id])  # noqa: F821

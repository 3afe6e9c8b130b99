"""Relics (historical sites) and their per-language content."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qrsvc.models.base import Base, TimestampMixin, VersionedMixin


class Rank(StrEnum):
    """Heritage rank of a relic under Vietnamese law."""

    SPECIAL_NATIONAL = "special_national"
    NATIONAL = "national"
    PROVINCIAL = "provincial"
    UNRANKED = "unranked"


class Status(StrEnum):
    """Publication state of an edited record."""

    DRAFT = "draft"
    PUBLISHED = "published"


class Relic(VersionedMixin, Base):
    """A historical relic with a QR sign; its code never changes once printed."""

    __tablename__ = "relics"
    __table_args__ = (
        CheckConstraint(
            "rank IN ('special_national', 'national', 'provincial', 'unranked')", name="rank_known"
        ),
        CheckConstraint("status IN ('draft', 'published')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)  # upper case, e.g. LK01
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    rank: Mapped[str] = mapped_column(String(20), default=Rank.UNRANKED)
    rank_decision_no: Mapped[str] = mapped_column(String(60), default="")
    rank_decision_date: Mapped[date | None]
    # Communes were merged in 2025 and districts abolished: keep both names.
    commune: Mapped[str] = mapped_column(String(120), default="")
    commune_old: Mapped[str] = mapped_column(String(120), default="")
    district_old: Mapped[str] = mapped_column(String(120), default="")
    province: Mapped[str] = mapped_column(String(120), default="")
    # The area (commune since 2025) it belongs to, when staff chose one (models/areas.py).
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    address: Mapped[str] = mapped_column(String(255), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    # [{"days": ["Mo", ...], "opens": "07:00", "closes": "17:00"}]
    opening_hours: Mapped[list[Any]] = mapped_column(default=list)
    fee_vnd: Mapped[int | None]
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    status: Mapped[str] = mapped_column(String(12), default=Status.DRAFT, index=True)
    published_at: Mapped[datetime | None]
    # Folded names for search, kept up to date on every save (models/searching.py).
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    translations: Mapped[list[RelicTranslation]] = relationship(
        back_populates="relic", cascade="all, delete-orphan", order_by="RelicTranslation.lang"
    )
    festivals: Mapped[list[Festival]] = relationship(
        cascade="all, delete-orphan", order_by="Festival.lunar_month, Festival.lunar_day"
    )
    steles: Mapped[list[Stele]] = relationship(
        cascade="all, delete-orphan", order_by="Stele.position"
    )
    media: Mapped[list[RelicMedia]] = relationship(
        cascade="all, delete-orphan", order_by="RelicMedia.position"
    )
    slug_history: Mapped[list[RelicSlug]] = relationship(cascade="all, delete-orphan")

    def translation(self, lang: str) -> RelicTranslation | None:
        """The content in ``lang``, or None when nobody wrote it."""
        return next((t for t in self.translations if t.lang == lang), None)

    @property
    def languages(self) -> list[str]:
        """Languages this relic has content in, Vietnamese first."""
        return sorted((t.lang for t in self.translations), key=lambda lang: (lang != "vi", lang))


class RelicTranslation(TimestampMixin, Base):
    """The content of a relic in one language (Vietnamese is the source)."""

    __tablename__ = "relic_translations"
    __table_args__ = (
        UniqueConstraint("relic_id", "lang", name="uq_relic_translations_relic_lang"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    relic_id: Mapped[int] = mapped_column(ForeignKey("relics.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))
    other_names: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    history: Mapped[str] = mapped_column(Text, default="")  # Markdown
    architecture: Mapped[str] = mapped_column(Text, default="")  # Markdown
    worshipped: Mapped[str] = mapped_column(Text, default="")
    directions: Mapped[str] = mapped_column(Text, default="")
    hours_note: Mapped[str] = mapped_column(String(300), default="")
    fees_note: Mapped[str] = mapped_column(String(300), default="")
    audio_transcript: Mapped[str] = mapped_column(Text, default="")
    # Machine-drafted text is labelled as such on the page until staff review it.
    machine_drafted: Mapped[bool] = mapped_column(default=False)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]

    relic: Mapped[Relic] = relationship(back_populates="translations")


class RelicSlug(Base):
    """A former slug of a relic, kept so that old links redirect."""

    __tablename__ = "relic_slugs"

    slug: Mapped[str] = mapped_column(String(120), primary_key=True)
    relic_id: Mapped[int] = mapped_column(ForeignKey("relics.id", ondelete="CASCADE"), index=True)


class Festival(Base):
    """A yearly festival, dated in the lunar calendar."""

    __tablename__ = "festivals"
    __table_args__ = (
        CheckConstraint("lunar_month BETWEEN 1 AND 12", name="lunar_month_range"),
        CheckConstraint("lunar_day BETWEEN 1 AND 30", name="lunar_day_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    relic_id: Mapped[int] = mapped_column(ForeignKey("relics.id", ondelete="CASCADE"), index=True)
    lunar_month: Mapped[int]
    lunar_day: Mapped[int]
    days: Mapped[int] = mapped_column(default=1)
    name: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"vi": ..., "en": ...}
    description: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Stele(Base):
    """A stele inscription: the Hán-Nôm text, its reading and translations."""

    __tablename__ = "steles"

    id: Mapped[int] = mapped_column(primary_key=True)
    relic_id: Mapped[int] = mapped_column(ForeignKey("relics.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[dict[str, Any]] = mapped_column(default=dict)
    han_nom: Mapped[str] = mapped_column(Text, default="")
    reading: Mapped[str] = mapped_column(Text, default="")  # phiên âm (Sino-Vietnamese)
    translation: Mapped[dict[str, Any]] = mapped_column(default=dict)


class RelicMedia(Base):
    """A photo or audio file shown on a relic page, in order."""

    __tablename__ = "relic_media"

    relic_id: Mapped[int] = mapped_column(
        ForeignKey("relics.id", ondelete="CASCADE"), primary_key=True
    )
    media_id: Mapped[int] = mapped_column(ForeignKey("media.id"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    media: Mapped[Media] = relationship(lazy="joined")  # noqa: F821


class RelatedRelic(Base):
    """A relic staff chose to show as related to another (one direction)."""

    __tablename__ = "related_relics"

    relic_id: Mapped[int] = mapped_column(
        ForeignKey("relics.id", ondelete="CASCADE"), primary_key=True
    )
    related_id: Mapped[int] = mapped_column(
        ForeignKey("relics.id", ondelete="CASCADE"), primary_key=True
    )

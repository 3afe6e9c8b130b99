"""Uploaded photos and audio, with their responsive variants."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from qrsvc.models.base import Base, VersionedMixin


class Media(VersionedMixin, Base):
    """One uploaded file; images keep a list of resized WebP/JPEG variants."""

    __tablename__ = "media"
    __table_args__ = (CheckConstraint("kind IN ('image', 'audio')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    storage_key: Mapped[str] = mapped_column(String(255), unique=True)
    original_name: Mapped[str] = mapped_column(String(255), default="")
    mime_type: Mapped[str] = mapped_column(String(80))
    size_bytes: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    width: Mapped[int | None]
    height: Mapped[int | None]
    duration_s: Mapped[float | None]
    # [{"width": 320, "height": 213, "format": "webp", "key": "..."}]
    variants: Mapped[list[Any]] = mapped_column(default=list)
    alt: Mapped[dict[str, Any]] = mapped_column(default=dict)  # per language
    caption: Mapped[dict[str, Any]] = mapped_column(default=dict)
    transcript: Mapped[dict[str, Any]] = mapped_column(default=dict)  # audio, per language
    credit: Mapped[str] = mapped_column(String(200), default="")
    producer_id: Mapped[int | None] = mapped_column(ForeignKey("producers.id"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def has_alt_text(self) -> bool:
        """True unless this is a photo without a Vietnamese description (alt text).

        Such a photo is never shown to the public, and cannot be attached to a
        published page: a blind visitor's screen reader would have nothing to say.
        Audio has its transcript instead.
        """
        return self.kind != "image" or bool(str((self.alt or {}).get("vi") or "").strip())

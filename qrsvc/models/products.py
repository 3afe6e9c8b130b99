"""Products (GTIN optional) and the links the resolver serves for them."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qrsvc.models.base import Base, VersionedMixin, localized

#: OCOP certificates last 36 months; the star badge disappears after that.
OCOP_VALID_MONTHS = 36


class Product(VersionedMixin, Base):
    """A product line; products without a GTIN are reached by their local ``ref``."""

    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint(
            "ocop_stars IS NULL OR ocop_stars BETWEEN 3 AND 5", name="ocop_stars_range"
        ),
        CheckConstraint("gtin IS NULL OR length(gtin) = 14", name="gtin_14_digits"),
        CheckConstraint("status IN ('draft', 'published')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(ForeignKey("producers.id"), index=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)  # local short path /p/<ref>
    gtin: Mapped[str | None] = mapped_column(String(14), unique=True)
    name: Mapped[dict[str, Any]] = mapped_column(default=dict)  # per language, vi required
    category: Mapped[str] = mapped_column(String(80), default="")
    description: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ingredients: Mapped[dict[str, Any]] = mapped_column(default=dict)
    storage: Mapped[dict[str, Any]] = mapped_column(default=dict)
    shelf_life_days: Mapped[int | None]
    net_content: Mapped[str] = mapped_column(String(60), default="")
    ocop_stars: Mapped[int | None]
    ocop_cert_no: Mapped[str] = mapped_column(String(60), default="")
    ocop_cert_date: Mapped[date | None]
    ocop_cert_expiry: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    photo_ids: Mapped[list[Any]] = mapped_column(default=list)  # Media ids, in order
    # Folded names for search, kept up to date on every save (models/searching.py).
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    producer: Mapped[Producer] = relationship(back_populates="products")  # noqa: F821
    batches: Mapped[list[Batch]] = relationship(  # noqa: F821
        back_populates="product", order_by="Batch.production_date.desc()"
    )
    links: Mapped[list[TraceLink]] = relationship(
        primaryjoin="and_(TraceLink.product_id == Product.id, TraceLink.batch_id.is_(None))",
        viewonly=True,
    )

    def display_name(self, lang: str = "vi") -> str:
        """The name in ``lang``, falling back to Vietnamese."""
        return localized(self.name, lang)

    def ocop_valid_on(self, day: date) -> bool:
        """True when the OCOP star rating may be shown on ``day``."""
        return bool(self.ocop_stars and self.ocop_cert_expiry and day <= self.ocop_cert_expiry)


class TraceLink(VersionedMixin, Base):
    """A link the GS1 resolver serves for a product or one of its batches."""

    __tablename__ = "trace_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("batches.id", ondelete="CASCADE"), index=True
    )
    link_type: Mapped[str] = mapped_column(String(60))  # GS1 Web vocabulary, e.g. gs1:pip
    href: Mapped[str] = mapped_column(String(1000))
    title: Mapped[str] = mapped_column(String(200), default="")
    lang: Mapped[str] = mapped_column(String(8), default="vi")
    media_type: Mapped[str] = mapped_column(String(80), default="text/html")
    is_default: Mapped[bool] = mapped_column(default=False)

    product: Mapped[Product] = relationship()
    batch: Mapped[Batch | None] = relationship()  # noqa: F821

"""The site's identity: who runs this instance, for which place, in which languages.

One row (``id`` is always 1): a province, a former district or a commune runs the same
code with its own name, introduction, office, contact, logo and content languages.
The texts are a mapping per interface language (``{"vi": {"name": ...}, "en": ...}``)
so a new interface language needs no migration. Every save is kept in
:class:`SiteChange` (who, when, each field's old and new value).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qrsvc.models.base import Base, VersionedMixin, utcnow

#: The texts each interface language has, in the order forms and the CLI ask for them.
SITE_TEXT_FIELDS = ("name", "short_name", "region", "introduction", "office")


class Site(VersionedMixin, Base):
    """The one row of site settings (see the module docstring)."""

    __tablename__ = "site_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    # {"vi": {"name": ..., "short_name": ..., "region": ..., "introduction": ..., "office": ...}}
    texts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    hotline: Mapped[str] = mapped_column(String(32), default="")
    logo_id: Mapped[int | None] = mapped_column(ForeignKey("media.id", ondelete="SET NULL"))
    # Ordered, "vi" first; chosen from qrsvc.i18n.CONTENT_LANGUAGES.
    content_languages: Mapped[list[Any]] = mapped_column(default=lambda: ["vi", "en"])

    logo: Mapped[Media | None] = relationship()  # noqa: F821


class SiteChange(Base):
    """One save of the site settings: who, when, and ``{field: [old, new]}``."""

    __tablename__ = "site_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Who, in words: the account's e-mail, or "command line" for `qrsvc site init`.
    actor: Mapped[str] = mapped_column(String(254), default="")
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)

    user: Mapped[User | None] = relationship()  # noqa: F821

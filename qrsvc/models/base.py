"""Declarative base, column types and mixins shared by every model."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, registry

# Named constraints let Alembic (and SQLite batch mode) drop and alter them later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores UTC, returns aware datetimes on every database.

    SQLite has no time zones, so values are normalised to UTC on the way in and
    tagged as UTC on the way out; a naive value is a programming error.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base of every model."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON},
    )


class TimestampMixin:
    """When a record was created and last changed."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class VersionedMixin(TimestampMixin):
    """A version counter on records staff edit.

    SQLAlchemy checks it on every UPDATE, so a save based on an old copy fails
    with ``StaleDataError`` instead of silently overwriting someone else's work;
    forms carry the version they were loaded with.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 - SQLAlchemy's signature
        return {"version_id_col": cls.__table__.c.version}


def localized(value: dict[str, str] | None, lang: str, fallback: str = "vi") -> str:
    """Pick ``lang`` from a per-language dict, falling back to Vietnamese."""
    if not value:
        return ""
    return value.get(lang) or value.get(fallback) or ""

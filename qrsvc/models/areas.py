"""Areas: the communes, wards and special zones of a province as they are since 1 July 2025.

Vietnam abolished districts and merged communes on 1 July 2025. People, signs and old
documents still name the former commune and district, so an area keeps its origins:
which former communes (and the former district of each) it was merged from. Relics and
producers may belong to an area; the free-text ``commune_old``/``district_old`` fields
of a record stay as they were written. A site may hold one commune, one former district
or a whole province: nothing here assumes which. An area that relics or producers are
in cannot be deleted (the reference refuses it): move them to another area first.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qrsvc.models.base import Base, TimestampMixin


class AreaKind(StrEnum):
    """The kind of a commune-level unit since 2025."""

    COMMUNE = "commune"  # xã
    WARD = "ward"  # phường
    SPECIAL_ZONE = "special_zone"  # đặc khu


class Area(TimestampMixin, Base):
    """A commune, ward or special zone; ``code`` is its official code (mã đơn vị hành chính)."""

    __tablename__ = "areas"
    __table_args__ = (
        CheckConstraint("kind IN ('commune', 'ward', 'special_zone')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)  # digits, e.g. 15940
    name: Mapped[str] = mapped_column(String(120))  # e.g. "Xã Hòa Bình"
    kind: Mapped[str] = mapped_column(String(12), default=AreaKind.COMMUNE)
    province: Mapped[str] = mapped_column(String(120), default="")

    origins: Mapped[list[AreaOrigin]] = relationship(
        back_populates="area", cascade="all, delete-orphan", order_by="AreaOrigin.position"
    )

    @property
    def former_districts(self) -> list[str]:
        """The former districts this area's communes belonged to, in the order given."""
        return list(dict.fromkeys(o.former_district for o in self.origins if o.former_district))


class AreaOrigin(Base):
    """One former commune (and its former district) that an area was merged from."""

    __tablename__ = "area_origins"
    __table_args__ = (
        UniqueConstraint(
            "area_id", "former_commune", "former_district", name="uq_area_origins_area_commune"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    former_commune: Mapped[str] = mapped_column(String(120))
    former_district: Mapped[str] = mapped_column(String(120), default="", index=True)

    area: Mapped[Area] = relationship(back_populates="origins")


#: The areas an editor is limited to (issue 15): no row = the whole site. An editor
#: with rows sees and edits only the relics and producers of those areas and what hangs
#: off them (:func:`qrsvc.content.scope.scoped`).
user_areas = Table(
    "user_areas",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("areas.id", ondelete="CASCADE"), primary_key=True, index=True),
)

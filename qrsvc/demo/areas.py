"""The demo's areas: the communes its relics and producers are in, with their origins.

The demo is one former district (huyện Thọ Xuân) whose communes were merged on 1 July
2025. The codes are the demo's own, in the shape of official ones (five digits); a
real site imports its province's list with ``qrsvc areas import``. Relics and
producers are placed in the area whose name is their ``commune``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qrsvc.demo.result import DemoResult
from qrsvc.folding import fold
from qrsvc.models import Area, AreaOrigin, Producer, Relic

__all__ = ["AREAS", "assign_areas", "load_areas"]

DISTRICT = "huyện Thọ Xuân"
PROVINCE = "Thanh Hóa"
#: (code, name, kind, former communes): all of the former district above.
AREAS = (
    ("90101", "Xã Lam Sơn", "commune", ("thị trấn Lam Sơn", "xã Xuân Lam")),
    ("90102", "Xã Xuân Lập", "commune", ("xã Xuân Lập", "xã Xuân Minh")),
    ("90103", "Xã Thọ Xuân", "commune", ("thị trấn Thọ Xuân", "xã Xuân Hồng", "xã Thọ Diên")),
    ("90104", "Xã Thọ Long", "commune", ("xã Thọ Lộc", "xã Xuân Phong")),
    ("90105", "Xã Xuân Tín", "commune", ("xã Xuân Tín", "xã Phú Xuân")),
    ("90106", "Xã Sao Vàng", "commune", ("thị trấn Sao Vàng", "xã Xuân Sơn")),
)


def load_areas(session: Session, result: DemoResult) -> None:
    """Create the demo areas that are missing."""
    taken = set(session.scalars(select(Area.code)))
    for code, name, kind, communes in AREAS:
        if code in taken:
            continue
        origins = [
            AreaOrigin(position=i, former_commune=commune, former_district=DISTRICT)
            for i, commune in enumerate(communes)
        ]
        session.add(Area(code=code, name=name, kind=kind, province=PROVINCE, origins=origins))
        result.add("areas", code)
    session.flush()


def assign_areas(session: Session) -> None:
    """Place relics and producers without an area in the area named like their commune."""
    by_name = {fold(area.name): area.id for area in session.scalars(select(Area))}
    for model in (Relic, Producer):
        for record in session.scalars(select(model).where(model.area_id.is_(None))):
            area_id = by_name.get(fold(record.commune))
            if area_id is not None:
                record.area_id = area_id
    session.flush()

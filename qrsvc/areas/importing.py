"""Importing areas from a CSV file: every row checked, nothing stored unless all are right.

One row per former commune an area was merged from; the area's own columns repeat on
each of its rows (and must agree). An area already stored (same code) gets the
file's name, kind and province, and its origins are replaced by the file's.

Columns (a header row names them, in any order; UTF-8, a BOM is allowed):

``code``             official code of the commune, ward or special zone (digits)
``name``             its name since 1 July 2025, e.g. "Xã Hòa Bình"
``kind``             commune | ward | special_zone (or xã | phường | đặc khu)
``province``         its province, e.g. "Nghệ An"
``former_commune``   a former commune it was merged from (may be empty: not merged)
``former_district``  the former district of that commune (may be empty)
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from qrsvc.folding import fold
from qrsvc.models import Area, AreaKind, AreaOrigin

COLUMNS = ("code", "name", "kind", "province", "former_commune", "former_district")
REQUIRED = ("code", "name", "kind")
#: A province has a few hundred communes, each from a handful of former ones.
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
LENGTHS = {"code": 10, "name": 120, "kind": 20, "province": 120}
LENGTHS |= {"former_commune": 120, "former_district": 120}
CODE = re.compile(r"[0-9]{1,10}")
KINDS = {
    "commune": AreaKind.COMMUNE,
    "xa": AreaKind.COMMUNE,
    "ward": AreaKind.WARD,
    "phuong": AreaKind.WARD,
    "special_zone": AreaKind.SPECIAL_ZONE,
    "special zone": AreaKind.SPECIAL_ZONE,
    "dac khu": AreaKind.SPECIAL_ZONE,
}


class AreaImportError(ValueError):
    """The file cannot be imported; ``problems`` says where and why (line numbers)."""

    def __init__(self, problems: list[str]) -> None:
        """Keep every problem found (at most a screenful is reported)."""
        super().__init__("; ".join(problems[:20]))
        self.problems = problems


@dataclass
class AreaRow:
    """An area as the file describes it, with its origins in file order."""

    code: str
    name: str
    kind: str
    province: str
    origins: list[tuple[str, str]] = field(default_factory=list)


def _clean(value: str | None, column: str, line: int, problems: list[str]) -> str:
    text = unicodedata.normalize("NFC", value or "").strip()
    if any(not c.isprintable() for c in text):
        problems.append(f"line {line}: {column} holds a control character")
        return ""
    if len(text) > LENGTHS[column]:
        problems.append(f"line {line}: {column} is longer than {LENGTHS[column]} characters")
        return ""
    return text


def parse_areas(data: bytes) -> list[AreaRow]:
    """The areas of a CSV file; any problem raises :class:`AreaImportError` listing them."""
    if len(data) > MAX_BYTES:
        raise AreaImportError([f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AreaImportError(["the file is not UTF-8 text"]) from None
    if "\x00" in text:
        raise AreaImportError(["the file holds a NUL character: it is not a CSV text file"])
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        problem = f"the header must name the columns {', '.join(COLUMNS)}"
        raise AreaImportError([f"{problem} (missing: {missing}, unknown: {unknown})"])
    reader.fieldnames = header
    areas: dict[str, AreaRow] = {}
    problems: list[str] = []
    try:
        for number, row in enumerate(reader, start=2):
            if number - 1 > MAX_ROWS:
                raise AreaImportError([f"the file has more than {MAX_ROWS} rows"])
            if None in row:
                problems.append(f"line {number}: more cells than columns")
                continue
            _read_row(row, number, areas, problems)
    except csv.Error as exc:
        raise AreaImportError([f"line {reader.line_num}: not valid CSV ({exc})"]) from None
    if not areas and not problems:
        problems.append("the file has no area")
    if problems:
        raise AreaImportError(problems)
    return list(areas.values())


def _read_row(row: dict, line: int, areas: dict[str, AreaRow], problems: list[str]) -> None:
    values = {column: _clean(row.get(column), column, line, problems) for column in COLUMNS}
    code, name = values["code"], values["name"]
    if not CODE.fullmatch(code):
        problems.append(f"line {line}: code must be the official code, 1 to 10 digits")
        return
    if not name:
        problems.append(f"line {line}: name is empty")
        return
    kind = KINDS.get(" ".join(fold(values["kind"]).split()))
    if kind is None:
        problems.append(f"line {line}: kind must be commune, ward or special_zone")
        return
    area = areas.setdefault(code, AreaRow(code, name, kind.value, values["province"]))
    if (area.name, area.kind, area.province) != (name, kind.value, values["province"]):
        problems.append(f"line {line}: area {code} has another name, kind or province above")
        return
    origin = (values["former_commune"], values["former_district"])
    if origin[0] and origin in area.origins:
        problems.append(f"line {line}: former commune {origin[0]!r} is listed twice for {code}")
    elif origin[0]:
        area.origins.append(origin)
    elif origin[1]:
        problems.append(f"line {line}: a former district without its former commune")


def store_areas(session: Session, rows: list[AreaRow]) -> tuple[int, int]:
    """Add or update the areas (their origins replaced); (added, updated). No commit."""
    existing = {
        a.code: a
        for a in session.scalars(select(Area).where(Area.code.in_([r.code for r in rows])))
    }
    for area in existing.values():
        area.origins.clear()  # deleted before the new ones are inserted (unique pairs)
    session.flush()
    added = updated = 0
    for row in rows:
        area = existing.get(row.code)
        if area is None:
            area = Area(code=row.code)
            session.add(area)
            added += 1
        else:
            updated += 1
        area.name, area.kind, area.province = row.name, row.kind, row.province
        area.origins = [
            AreaOrigin(position=i, former_commune=commune, former_district=district)
            for i, (commune, district) in enumerate(row.origins)
        ]
    session.flush()
    return added, updated

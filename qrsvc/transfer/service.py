"""Export and import of relics (with festivals and steles), producers and products:
all rows or none.

An import runs every row inside one transaction, each row in a savepoint, and
collects the problems of each row. A preview and a real import run the very same
code; the preview, or an import with any bad row, then rolls everything back,
so the preview says exactly what the import will do and nothing is half-imported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from qrsvc.content.checks import identifier_message
from qrsvc.content.festivals import festival_spec, stele_spec
from qrsvc.content.producers import producer_spec
from qrsvc.content.products import product_spec
from qrsvc.content.relics import relic_spec
from qrsvc.content.revisions import diff, record_revision
from qrsvc.content.scope import scoped
from qrsvc.database import begin_write
from qrsvc.extensions import db
from qrsvc.identifiers import IdentifierError, record_ref, relic_code
from qrsvc.models import Festival, Producer, Product, Relic, Stele, User, utcnow
from qrsvc.transfer.area_cells import KINDS as IN_AREAS
from qrsvc.transfer.area_cells import area_cell, area_of_cell
from qrsvc.transfer.festivals import PART_KEYS, import_part
from qrsvc.transfer.opening_hours import opening_hours_text, parse_opening_hours
from qrsvc.transfer.validation import check_cells, printable, row_cells

#: The column that names a record's own code, or (festivals, steles) its relic's.
KEYS = {
    "relics": "code",
    "producers": "ref",
    "products": "ref",
    "festivals": "relic",
    "steles": "relic",
}
#: Import order: products need their producer, festivals and steles their relic.
ORDER = ("producers", "relics", "products", "festivals", "steles")
MODELS = {
    "relics": Relic,
    "producers": Producer,
    "products": Product,
    "festivals": Festival,
    "steles": Stele,
}
#: The columns that say which record a row is: first in a CSV file.
CSV_FIRST = {
    "relics": ("code",),
    "producers": ("ref",),
    "products": ("producer", "ref"),
    "festivals": ("relic", "lunar_month", "lunar_day"),
    "steles": ("relic", "position"),
}
#: Columns read by this module rather than by the record's spec.
HANDLED = {"relics": ("opening_hours", "area"), "producers": ("area",), "products": ("producer",)}


def _specs() -> dict[str, Any]:
    # The record specs carry the field types and the checks: the admin's rules, one set.
    return {
        "relics": relic_spec,
        "producers": producer_spec,
        "products": product_spec,
        "festivals": festival_spec,
        "steles": stele_spec,
    }


@dataclass
class RowResult:
    """What happens to one row: created, updated, unchanged, or its errors."""

    kind: str
    line: int
    key: str
    action: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """The outcome of an import or its preview."""

    rows: list[RowResult] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        """True when no row has an error."""
        return not any(r.errors for r in self.rows)

    def count(self, action: str) -> int:
        """How many rows have ``action``."""
        return sum(1 for r in self.rows if r.action == action and not r.errors)


def export_records(user: User | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every record as flat records: products name their producer by ref, festivals
    and steles their relic by code. With ``user``, only what that user may see
    (:func:`qrsvc.content.scope.scoped`: an editor limited to areas gets its areas')."""
    specs = _specs()
    return {
        kind: [
            {**named, **_read(kind, specs[kind], record)} for record, named in _stored(kind, user)
        ]
        for kind in ORDER
    }


def _stored(kind: str, user: User | None = None) -> Iterator[tuple[Any, dict[str, str]]]:
    # In a stable order, so that exporting what an export imported gives the same file.
    model = MODELS[kind]
    if kind in PART_KEYS:
        stmt = (
            select(model, Relic.code)
            .join(Relic, Relic.id == model.relic_id)
            .order_by(Relic.id, *(getattr(model, name) for name in PART_KEYS[kind]), model.id)
        )
        if user is not None:
            stmt = scoped(stmt, model, user)
        for record, code in db.session.execute(stmt):
            yield record, {"relic": code}
        return
    stmt = select(model).order_by(model.id)
    if user is not None:
        stmt = scoped(stmt, model, user)
    for record in db.session.scalars(stmt):
        yield record, ({"producer": record.producer.ref} if kind == "products" else {})


def _read(kind: str, spec, record) -> dict[str, Any]:
    flat = spec.read(record)
    if kind == "relics":
        flat["opening_hours"] = opening_hours_text(record.opening_hours)
    if kind in IN_AREAS:
        flat.pop("area_id", None)  # a file names the area by its code
        flat["area"] = area_cell(record)
    return flat


def exported_at() -> str:
    """The export time as ISO text."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def import_records(
    records: dict[str, list[dict[str, Any]]], user_id: int | None, *, apply: bool
) -> ImportReport:
    """Check (and with ``apply``, store) every record; nothing is stored if any row fails."""
    specs = _specs()
    report = ImportReport()
    seen: dict[tuple, int] = {}  # the keys of the rows met so far, with their line
    session = begin_write()
    try:
        for kind in ORDER:
            spec = specs[kind]
            for index, raw in enumerate(records.get(kind, [])):
                # Line 1 of a CSV file is its header; JSON records count the same way.
                result = RowResult(kind, index + 2, "")
                report.rows.append(result)
                if not isinstance(raw, dict):
                    result.errors.append(_("A record must be an object of fields."))
                    continue
                savepoint = session.begin_nested()
                try:
                    if kind in PART_KEYS:
                        import_part(session, spec, kind, raw, result, seen, user_id)
                    else:
                        _import_row(session, spec, kind, raw, result, seen, user_id)
                except IntegrityError as exc:
                    result.errors.append(str(exc.orig).splitlines()[0][:200])
                if result.errors:
                    savepoint.rollback()
                else:
                    savepoint.commit()
        if apply and report.ok:
            session.commit()
            report.applied = True
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    return report


def _is_ref(value: Any) -> bool:
    try:
        record_ref(value)
    except IdentifierError:
        return False
    return True


def _duplicate(kind: str, key: str, first: int) -> str:
    # A whole sentence per kind: a translation cannot take a noun put into it.
    if kind == "relics":
        return _(
            "Line %(line)d already has the relic %(code)s: one row per relic.", line=first, code=key
        )
    if kind == "producers":
        return _(
            "Line %(line)d already has the producer %(code)s: one row per producer.",
            line=first,
            code=key,
        )
    return _(
        "Line %(line)d already has the product %(code)s: one row per product.",
        line=first,
        code=key,
    )


def _import_row(session, spec, kind, raw, result, seen: dict, user_id) -> None:
    key_name = KEYS[kind]
    cells, errors = row_cells(spec, raw, HANDLED.get(kind, ()))
    hours = None
    if kind == "relics" and "opening_hours" in raw:
        try:
            hours = parse_opening_hours(raw["opening_hours"])
        except ValueError as exc:
            errors.append(f"'opening_hours': {exc}.")
    key = cells.get(key_name)
    result.key = printable(key if isinstance(key, str) else "")
    if key is None or key == "":
        errors.append(_("'%(name)s' is missing.", name=key_name))
    else:
        try:  # the key is looked up next: check it first (PostgreSQL refuses a NUL outright)
            key = relic_code(key) if kind == "relics" else record_ref(key)
        except IdentifierError as exc:
            errors.append(f"'{key_name}': {identifier_message(exc)}")
        else:
            result.key = key
            first = seen.setdefault((kind, key), result.line)
            if first != result.line:
                errors.append(_duplicate(kind, key, first))
    gives_area, area_id = area_of_cell(session, raw, errors) if kind in IN_AREAS else (False, None)
    if kind == "products" and "producer" in raw and not _is_ref(raw["producer"]):
        errors.append("'producer': " + _("give the reference of an existing producer."))
    if errors:
        result.errors.extend(errors)
        return
    model = MODELS[kind]
    record = session.scalar(select(model).where(getattr(model, key_name) == key))
    creating = record is None
    # The admin's form checks the record as the row leaves it: types, required, lengths...
    if gives_area:  # the area the code names goes through the form's check too
        cells["area_id"] = area_id
    checked = check_cells(spec, cells, None if creating else spec.read(record))
    if checked.problems:
        result.errors.extend(checked.messages())
        return
    before = {} if creating else _read(kind, spec, record)
    flat = {**before, **checked.values, key_name: key}
    if creating:
        record = model()
        if kind == "products":
            producer = session.scalar(select(Producer).where(Producer.ref == raw.get("producer")))
            if producer is None:
                result.errors.append(
                    _("Unknown producer '%(ref)s'.", ref=str(raw.get("producer", ""))[:40])
                )
                return
            record.producer_id = producer.id
    else:
        flat.pop(key_name, None)
    # ... then the checks of the whole record the admin's save runs (codes, uniqueness...).
    problems = spec.check(session, record, flat) if spec.check else {}
    if problems:
        result.errors.extend(f"'{k}': {v}" if k else str(v) for k, v in problems.items())
        return
    spec.write(record, flat, creating=creating)
    if hours is not None and (creating or hours != record.opening_hours):
        record.opening_hours = hours
    if gives_area and (creating or area_id != record.area_id):
        record.area_id = area_id
    if not creating and hasattr(record, "updated_at") and diff(before, _read(kind, spec, record)):
        # An UPDATE even when only translations changed: it moves the version on.
        record.updated_at = utcnow()
    session.add(record)
    session.flush()
    changes = diff(before, _read(kind, spec, record))
    result.action = "create" if creating else ("update" if changes else "unchanged")
    if changes:
        record_revision(session, spec.name, record.id, record.version, "import", changes, user_id)
        session.flush()

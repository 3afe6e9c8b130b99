"""Export and import of relics, producers and products: all rows or none.

An import runs every row inside one transaction, each row in a savepoint, and
collects the problems of each row. A preview and a real import run the very same
code; the preview, or an import with any bad row, then rolls everything back,
so the preview says exactly what the import will do and nothing is half-imported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from qrsvc.database import begin_write
from qrsvc.extensions import db
from qrsvc.models import Producer, Product, Relic

KEYS = {"relics": "code", "producers": "ref", "products": "ref"}
MODELS = {"relics": Relic, "producers": Producer, "products": Product}


def _specs() -> dict[str, Any]:
    # The admin's record specs carry the field types and the checks: one set of rules.
    from qrsvc.admin.producers import producer_spec
    from qrsvc.admin.products import product_spec
    from qrsvc.admin.relics import relic_spec

    return {"relics": relic_spec, "producers": producer_spec, "products": product_spec}


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


def export_records() -> dict[str, list[dict[str, Any]]]:
    """Every relic, producer and product as flat records (producers by their ref)."""
    specs = _specs()
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, model in MODELS.items():
        rows = []
        for record in db.session.scalars(select(model).order_by(model.id)):
            flat = specs[kind].read(record)
            if kind == "products":
                flat = {"producer": record.producer.ref, **flat}
            rows.append(flat)
        out[kind] = rows
    return out


def exported_at() -> str:
    """The export time as ISO text."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def import_records(
    records: dict[str, list[dict[str, Any]]], user_id: int | None, *, apply: bool
) -> ImportReport:
    """Check (and with ``apply``, store) every record; nothing is stored if any row fails."""
    from qrsvc.admin.revisions import diff, record_revision

    specs = _specs()
    report = ImportReport()
    session = begin_write()
    try:
        for kind in ("producers", "relics", "products"):
            spec = specs[kind]
            for index, raw in enumerate(records.get(kind, [])):
                # Line 1 of a CSV file is its header; JSON records count the same way.
                result = RowResult(kind, index + 2, "")
                report.rows.append(result)
                if not isinstance(raw, dict):
                    result.errors.append("A record must be an object of fields.")
                    continue
                savepoint = session.begin_nested()
                try:
                    _import_row(session, spec, kind, raw, result, user_id, diff, record_revision)
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


def _import_row(session, spec, kind, raw, result, user_id, diff, record_revision) -> None:
    key_name = KEYS[kind]
    values, errors = _typed_values(spec, kind, raw)
    key = str(values.get(key_name) or "").strip()
    result.key = key
    if not key:
        errors.append(f"'{key_name}' is missing.")
    if errors:
        result.errors.extend(errors)
        return
    model = MODELS[kind]
    column = getattr(model, key_name)
    record = session.scalar(
        select(model).where(column == (key.upper() if kind == "relics" else key))
    )
    creating = record is None
    before = {} if creating else spec.read(record)
    flat = {**before, **values}
    if creating:
        record = model()
        if kind == "products":
            producer = session.scalar(select(Producer).where(Producer.ref == raw.get("producer")))
            if producer is None:
                result.errors.append(f"Unknown producer '{raw.get('producer', '')}'.")
                return
            record.producer_id = producer.id
    else:
        flat.pop(key_name, None)
    problems = spec.check(session, record, flat) if spec.check else {}
    if problems:
        result.errors.extend(f"{k or 'record'}: {v}" for k, v in problems.items())
        return
    spec.write(record, flat, creating=creating)
    session.add(record)
    session.flush()
    changes = diff(before, spec.read(record))
    result.action = "create" if creating else ("update" if changes else "unchanged")
    if changes:
        record_revision(session, spec.name, record.id, record.version, "import", changes, user_id)
        session.flush()


def _typed_values(spec, kind: str, raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The row's values in the types of the fields, and what is wrong with them."""
    known = {f.name: f for f in spec.fields}
    values: dict[str, Any] = {}
    errors: list[str] = []
    if raw.get("__extra__"):
        errors.append("The row has more cells than the header has columns.")
    for column, value in raw.items():
        if column in ("__extra__", "__line__") or (kind == "products" and column == "producer"):
            continue
        name, _dot, lang = str(column).partition(".")
        f = known.get(name)
        if f is None or bool(lang) != f.i18n:
            errors.append(f"Unknown column '{column}'.")
            continue
        try:
            values[column] = _convert(f, value)
        except (TypeError, ValueError):
            errors.append(f"'{column}': {str(value)[:40]!r} is not a valid {f.kind}.")
    return values, errors


def _convert(f, value: Any) -> Any:
    from qrsvc.admin.records import clean_text

    if isinstance(value, str):
        value = value.strip()
        if value[:2] in ("'=", "'+", "'-", "'@"):
            value = value[1:]  # undo the spreadsheet-formula guard of our own CSV export
        if value == "":
            return (
                None
                if f.kind in ("int", "float", "date", "datetime") or f.nullable
                else (False if f.kind == "bool" else "")
            )
    if value is None:
        return None
    if f.kind in ("int", "float"):
        if isinstance(value, bool) or (isinstance(value, str) and len(value) > 30):
            raise ValueError(value)
        number = float(value)
        if not math.isfinite(number) or (f.kind == "int" and not number.is_integer()):
            raise ValueError(value)
        if (f.minimum is not None and number < f.minimum) or (
            f.maximum is not None and number > f.maximum
        ):
            raise ValueError(value)
        return int(number) if f.kind == "int" else number
    if f.kind == "bool":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("1", "true", "yes", "x", "có"):
            return True
        if str(value).lower() in ("0", "false", "no", "", "không"):
            return False
        raise ValueError(value)
    if f.kind in ("date", "datetime"):
        parsed = date.fromisoformat(value) if f.kind == "date" else datetime.fromisoformat(value)
        return parsed.isoformat()
    if not isinstance(value, str):
        raise TypeError(value)
    if f.max_length and len(value) > f.max_length:
        raise ValueError(value)
    if f.kind == "choice" and value not in {c for c, _label in f.choices}:
        raise ValueError(value)
    return clean_text(value)

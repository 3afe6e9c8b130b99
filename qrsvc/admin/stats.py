"""The numbers behind the dashboard, limited to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, func, select

from qrsvc.admin.access import STAFF, scoped
from qrsvc.extensions import db
from qrsvc.models import (
    Batch,
    Product,
    Relic,
    RelicTranslation,
    ScanCount,
    SignReport,
    User,
)
from qrsvc.stamps.alerts import counterfeit_alerts


@dataclass
class BatchAlerts:
    """The stamps of one batch that need a look, and why."""

    batch_id: int
    batch_ref: str
    stamps: int = 0
    reasons: set[str] = field(default_factory=set)


@dataclass
class Dashboard:
    """What the dashboard shows."""

    days: list[tuple[str, int]] = field(default_factory=list)
    top: list[tuple[str, int]] = field(default_factory=list)
    languages: list[tuple[str, int]] = field(default_factory=list)
    devices: list[tuple[str, int]] = field(default_factory=list)
    silent: list[tuple[Relic, date]] = field(default_factory=list)
    reports: list[SignReport] = field(default_factory=list)
    alerts: list[BatchAlerts] = field(default_factory=list)
    total: int = 0


def _visible_scans(user: User, since: date) -> Select:
    stmt = select(ScanCount).where(ScanCount.day >= since)
    if user.role in STAFF:
        return stmt
    products = scoped(select(Product.id), Product, user)
    batches = scoped(select(Batch.id), Batch, user)
    return stmt.where(
        ((ScanCount.target_kind == "product") & ScanCount.target_id.in_(products))
        | ((ScanCount.target_kind == "batch") & ScanCount.target_id.in_(batches))
    )


def _grouped(scans: Select, *columns) -> list[tuple]:
    sub = scans.subquery()
    cols = [sub.c[c] for c in columns]
    stmt = select(*cols, func.sum(sub.c["count"])).group_by(*cols)
    return list(db.session.execute(stmt.order_by(func.sum(sub.c["count"]).desc())))


def _names(kind: str, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    if kind == "relic":
        rows = db.session.execute(
            select(Relic.id, Relic.code, RelicTranslation.name)
            .join(
                RelicTranslation,
                (RelicTranslation.relic_id == Relic.id) & (RelicTranslation.lang == "vi"),
                isouter=True,
            )
            .where(Relic.id.in_(ids))
        )
        return {i: f"{code} {name or ''}".strip() for i, code, name in rows}
    if kind == "product":
        return {
            p.id: p.display_name("vi") or p.ref
            for p in db.session.scalars(select(Product).where(Product.id.in_(ids)))
        }
    if kind == "batch":
        return dict(db.session.execute(select(Batch.id, Batch.ref).where(Batch.id.in_(ids))).all())
    return {}


def build_dashboard(user: User, today: date, days: int = 30, silent_days: int = 14) -> Dashboard:
    """Scans of the last ``days`` days, alerts, and for staff the signs and reports."""
    since = today - timedelta(days=days - 1)
    scans = _visible_scans(user, since)
    board = Dashboard()
    per_day = {d: int(n) for d, n in _grouped(scans, "day")}
    board.days = [
        ((since + timedelta(i)).strftime("%d/%m"), per_day.get(since + timedelta(i), 0))
        for i in range(days)
    ]
    board.total = sum(per_day.values())
    targets = _grouped(scans, "target_kind", "target_id")[:10]
    names: dict[tuple[str, int], str] = {}
    for kind in {k for k, _i, _n in targets}:
        for tid, name in _names(kind, [i for k, i, _n in targets if k == kind]).items():
            names[(kind, tid)] = name
    board.top = [(names.get((k, i), f"{k} #{i}"), int(n)) for k, i, n in targets]
    board.languages = [(lang or "?", int(n)) for lang, n in _grouped(scans, "lang")]
    board.devices = [(dev or "?", int(n)) for dev, n in _grouped(scans, "device")]
    board.alerts = alerts_by_batch(user)
    if user.role in STAFF:
        board.silent = silent_signs(today, silent_days)
        board.reports = list(
            db.session.scalars(
                select(SignReport)
                .where(SignReport.status == "new")
                .order_by(SignReport.id.desc())
                .limit(50)
            )
        )
    return board


def silent_signs(today: date, silent_days: int) -> list[tuple[Relic, date]]:
    """Published relics whose sign was scanned before but not in the last ``silent_days``.

    A plate that suddenly gets no scans is often broken, covered by a poster or
    faded by the sun: worth a visit.
    """
    cutoff = today - timedelta(days=silent_days - 1)
    last_scan = (
        select(ScanCount.target_id, func.max(ScanCount.day).label("last"))
        .where(ScanCount.target_kind == "relic", ScanCount.source == "qr", ScanCount.count > 0)
        .group_by(ScanCount.target_id)
        .subquery()
    )
    stmt = (
        select(Relic, last_scan.c.last)
        .join(last_scan, last_scan.c.target_id == Relic.id)
        .where(last_scan.c.last < cutoff, Relic.status == "published")
        .order_by(last_scan.c.last)
    )
    return [(relic, last) for relic, last in db.session.execute(stmt)]


def alerts_by_batch(user: User) -> list[BatchAlerts]:
    """Batches with stamps that look copied (or were scanned voided, PIN-guessed...)."""
    producer_id = None if user.role in STAFF else (user.producer_id or -1)
    grouped: dict[int, BatchAlerts] = {}
    for alert in counterfeit_alerts(db.session, producer_id=producer_id, limit=1000):
        entry = grouped.setdefault(alert.batch_id, BatchAlerts(alert.batch_id, alert.batch_ref))
        entry.stamps += 1
        entry.reasons.add(alert.reason)
    return sorted(grouped.values(), key=lambda a: -a.stamps)[:50]

"""The numbers behind the dashboard, limited to what the user may see.

"Scans" are scans of printed codes only (``source="qr"``). Pages opened from links
inside the site (``?via=site``) are "visits from the site": shown apart, never added
to the scans. Views by bots are neither (they are stored as site views of device "bot").
Records are named in the admin's language (falling back to Vietnamese); the ref
follows as secondary text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, func, select, tuple_

from qrsvc.admin.access import STAFF, scoped, sees_all
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

#: How many records "most scanned" lists.
TOP = 10


@dataclass(frozen=True)
class Named:
    """A record as the dashboard shows it: its name first, its ref (or code) after."""

    kind: str  # relic, product, batch
    id: int
    name: str
    ref: str
    found: bool = True  # False: the record was deleted since (its counts remain)


@dataclass
class BatchAlerts:
    """The stamps of one batch that need a look, and why."""

    batch: Named
    stamps: int = 0
    reasons: set[str] = field(default_factory=set)


@dataclass
class Dashboard:
    """What the dashboard shows: scans of printed codes and, apart, visits from the site."""

    days: list[tuple[str, int]] = field(default_factory=list)
    site_days: list[tuple[str, int]] = field(default_factory=list)
    top: list[tuple[Named, int]] = field(default_factory=list)
    languages: list[tuple[str, int]] = field(default_factory=list)
    devices: list[tuple[str, int]] = field(default_factory=list)
    silent: list[tuple[Named, date]] = field(default_factory=list)
    reports: list[tuple[SignReport, Named]] = field(default_factory=list)
    alerts: list[BatchAlerts] = field(default_factory=list)
    total: int = 0
    site_total: int = 0


def _visible_counts(user: User, since: date) -> Select:
    stmt = select(ScanCount).where(ScanCount.day >= since)
    if sees_all(user):
        return stmt
    products = scoped(select(Product.id), Product, user)
    batches = scoped(select(Batch.id), Batch, user)
    relics = scoped(select(Relic.id), Relic, user)  # an editor limited to areas: theirs
    return stmt.where(
        ((ScanCount.target_kind == "product") & ScanCount.target_id.in_(products))
        | ((ScanCount.target_kind == "batch") & ScanCount.target_id.in_(batches))
        | ((ScanCount.target_kind == "relic") & ScanCount.target_id.in_(relics))
    )


def _grouped(scans: Select, *columns) -> list[tuple]:
    sub = scans.subquery()
    cols = [sub.c[c] for c in columns]
    stmt = select(*cols, func.sum(sub.c["count"])).group_by(*cols)
    return list(db.session.execute(stmt.order_by(func.sum(sub.c["count"]).desc(), *cols)))


#: What the scan charts add up by: per day, per record, per language, per device.
SCAN_SETS = (("day",), ("target_kind", "target_id"), ("lang",), ("device",))


def _scan_sums(scans: Select) -> dict[tuple[str, ...], list[tuple]]:
    """The sums of ``scans`` by each of :data:`SCAN_SETS`, largest first (as ``_grouped``).

    On PostgreSQL in one pass (``GROUPING SETS``) over the index on (source, day): the
    rows of the last days are read once instead of once per chart, which a province's
    millions of scan rows make worth it (bench/province.py). SQLite, where a site is
    small, groups once per set.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return {columns: _grouped(scans, *columns) for columns in SCAN_SETS}
    sub = scans.subquery()
    names = [name for columns in SCAN_SETS for name in columns]
    sets = [tuple_(*(sub.c[name] for name in columns)) for columns in SCAN_SETS]
    stmt = select(*(sub.c[name] for name in names), func.sum(sub.c["count"])).group_by(
        func.grouping_sets(*sets)
    )
    sums: dict[tuple[str, ...], list[tuple]] = {columns: [] for columns in SCAN_SETS}
    for row in db.session.execute(stmt):
        values = dict(zip(names, row[:-1], strict=True))
        # Every grouped column is NOT NULL: the one set a row sums has its columns set.
        columns = next(c for c in SCAN_SETS if values[c[0]] is not None)
        sums[columns].append((*(values[name] for name in columns), row[-1]))
    for rows in sums.values():
        rows.sort(key=lambda row: (-row[-1], *row[:-1]))
    return sums


def record_names(kind: str, ids: Iterable[int], lang: str) -> dict[int, Named]:
    """The records ``kind`` with ``ids`` by name in ``lang`` (else Vietnamese), by id."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    if kind == "relic":
        rows = db.session.execute(
            select(Relic.id, Relic.code, RelicTranslation.lang, RelicTranslation.name)
            .join(RelicTranslation, RelicTranslation.relic_id == Relic.id, isouter=True)
            .where(Relic.id.in_(ids))
        )
        names: dict[int, dict[str, str]] = {}
        codes: dict[int, str] = {}
        for rid, code, text_lang, name in rows:
            codes[rid] = code
            if name:
                names.setdefault(rid, {})[text_lang] = name
        return {
            rid: Named(kind, rid, _pick(names.get(rid, {}), lang) or code, code)
            for rid, code in codes.items()
        }
    if kind == "product":
        products = db.session.scalars(select(Product).where(Product.id.in_(ids)))
        return {p.id: Named(kind, p.id, p.display_name(lang) or p.ref, p.ref) for p in products}
    if kind == "batch":
        rows = db.session.execute(
            select(Batch.id, Batch.ref, Batch.lot, Product.name, Product.ref)
            .join(Product, Product.id == Batch.product_id)
            .where(Batch.id.in_(ids))
        )
        return {
            bid: Named(
                kind,
                bid,
                _("%(product)s, lot %(lot)s", product=_pick(name, lang) or pref, lot=lot),
                ref,
            )
            for bid, ref, lot, name, pref in rows
        }
    return {}


def _pick(texts: dict[str, str] | None, lang: str) -> str:
    texts = texts or {}
    return texts.get(lang) or texts.get("vi") or ""


def _named_targets(rows: list[tuple], lang: str) -> list[tuple[Named, int]]:
    """``[(kind, id, n)]`` as ``[(Named, n)]``; a deleted record keeps a "kind #id" name."""
    names: dict[tuple[str, int], Named] = {}
    for kind in {k for k, _i, _n in rows}:
        for tid, named in record_names(kind, [i for k, i, _n in rows if k == kind], lang).items():
            names[(kind, tid)] = named
    return [
        (names.get((k, i)) or Named(k, i, f"{k} #{i}", "", found=False), int(n)) for k, i, n in rows
    ]


def _per_day(counts: Select, since: date, days: int) -> tuple[list[tuple[str, int]], int]:
    return _day_series(_grouped(counts, "day"), since, days)


def _day_series(rows: list[tuple], since: date, days: int) -> tuple[list[tuple[str, int]], int]:
    per_day = {d: int(n) for d, n in rows}
    series = [
        ((since + timedelta(i)).strftime("%d/%m"), per_day.get(since + timedelta(i), 0))
        for i in range(days)
    ]
    return series, sum(per_day.values())


def build_dashboard(
    user: User, today: date, days: int = 30, silent_days: int = 14, lang: str = "vi"
) -> Dashboard:
    """Scans of the last ``days`` days, alerts, and for staff the signs and reports.

    Records are named in ``lang`` (the admin's language), falling back to Vietnamese.
    """
    since = today - timedelta(days=days - 1)
    visible = _visible_counts(user, since)
    scans = visible.where(ScanCount.source == "qr")
    visits = visible.where(ScanCount.source == "site", ScanCount.device != "bot")
    board = Dashboard()
    sums = _scan_sums(scans)
    board.days, board.total = _day_series(sums[("day",)], since, days)
    board.site_days, board.site_total = _per_day(visits, since, days)
    board.top = _named_targets(sums[("target_kind", "target_id")][:TOP], lang)
    board.languages = [(code or "?", int(n)) for code, n in sums[("lang",)]]
    board.devices = [(dev or "?", int(n)) for dev, n in sums[("device",)]]
    board.alerts = alerts_by_batch(user, lang)
    if user.role in STAFF:
        silent = silent_signs(today, silent_days)
        if not sees_all(user):  # an editor limited to areas: the signs of its relics
            mine = set(db.session.scalars(scoped(select(Relic.id), Relic, user)))
            silent = [(relic, last) for relic, last in silent if relic.id in mine]
        relics = record_names("relic", [relic.id for relic, _last in silent], lang)
        board.silent = [(relics[relic.id], last) for relic, last in silent]
        reports = list(
            db.session.scalars(
                scoped(select(SignReport), SignReport, user)
                .where(SignReport.status == "new")
                .order_by(SignReport.id.desc())
                .limit(50)
            )
        )
        relics = record_names("relic", [r.relic_id for r in reports], lang)
        board.reports = [
            (r, relics.get(r.relic_id) or Named("relic", r.relic_id, f"#{r.relic_id}", "", False))
            for r in reports
        ]
    return board


def silent_signs(today: date, silent_days: int) -> list[tuple[Relic, date]]:
    """Published relics whose sign was scanned before but not in the last ``silent_days``.

    A plate that suddenly gets no scans is often broken, covered by a poster or
    faded by the sun: worth a visit.
    """
    cutoff = today - timedelta(days=silent_days - 1)
    # Each published relic's last scan day, looked up relic by relic down the index on
    # (target_kind, target_id, source, day): grouping every relic scan ever counted read
    # millions of rows at a province's scale (bench/province.py).
    last_day = (
        select(func.max(ScanCount.day))
        .where(
            ScanCount.target_kind == "relic",
            ScanCount.target_id == Relic.id,
            ScanCount.source == "qr",
            ScanCount.count > 0,
        )
        .correlate(Relic)
        .scalar_subquery()
    )
    last_scan = (
        select(Relic.id.label("relic_id"), last_day.label("last"))
        .where(Relic.status == "published")
        .subquery()
    )
    stmt = (
        select(Relic, last_scan.c.last)
        .join(last_scan, last_scan.c.relic_id == Relic.id)
        .where(last_scan.c.last < cutoff)
        .order_by(last_scan.c.last)
    )
    return [(relic, last) for relic, last in db.session.execute(stmt)]


def alerts_by_batch(user: User, lang: str = "vi") -> list[BatchAlerts]:
    """Batches with stamps that look copied (or were scanned voided, PIN-guessed...)."""
    producer_id = None if user.role in STAFF else (user.producer_id or -1)
    alerts = counterfeit_alerts(db.session, producer_id=producer_id, limit=1000)
    if user.role in STAFF and not sees_all(user):  # an editor limited to areas
        mine = set(db.session.scalars(scoped(select(Batch.id), Batch, user)))
        alerts = [alert for alert in alerts if alert.batch_id in mine]
    names = record_names("batch", [a.batch_id for a in alerts], lang)
    grouped: dict[int, BatchAlerts] = {}
    for alert in alerts:
        named = names.get(alert.batch_id) or Named(
            "batch", alert.batch_id, alert.batch_ref, "", found=False
        )
        entry = grouped.setdefault(alert.batch_id, BatchAlerts(named))
        entry.stamps += 1
        entry.reasons.add(alert.reason)
    return sorted(grouped.values(), key=lambda a: -a.stamps)[:50]

"""Counterfeit alerts and scan figures for staff (the admin lists and charts them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, literal_column, or_, select
from sqlalchemy.orm import Session

from qrsvc.localtime import ZONE_NAME
from qrsvc.models import Batch, Product, StampRun, StampScan, StampState, utcnow
from qrsvc.stamps import counting, runs
from qrsvc.stamps.codes import serial_label

#: Wrong PINs on one stamp that make it worth a look (someone is guessing).
PIN_GUESSING = 5


@dataclass(frozen=True)
class CounterfeitAlert:
    """One stamp staff should look at, and why.

    ``reason``: ``far_apart`` (scanned in places too far apart for one item), ``copied``
    (many scans from several phones), ``voided`` (a voided stamp was scanned),
    ``not_activated`` (scanned before the producer activated it), ``pin_guessing``.
    """

    serial: int
    label: str
    run_id: int
    batch_id: int
    batch_ref: str
    product_id: int
    reason: str
    scan_count: int
    first_scan_at: datetime | None
    last_scan_at: datetime | None
    pin_failures: int
    pin_confirmed_at: datetime | None


@dataclass(frozen=True)
class RunSummary:
    """How one run is doing: its state by stretches, stamps scanned, scans, alerts."""

    run_id: int
    segments: list[runs.Segment]
    stamps_scanned: int
    scans: int
    pins_confirmed: int
    alerts: int


def counterfeit_alerts(
    session: Session,
    *,
    producer_id: int | None = None,
    batch_id: int | None = None,
    run_id: int | None = None,
    limit: int = 1000,
) -> list[CounterfeitAlert]:
    """Stamps that look copied, voided-but-scanned or PIN-guessed, most serious first.

    Filter by producer (a producer account sees only its own), batch or run.
    """
    query = (
        select(StampState, StampRun.batch_id, Batch.ref, Batch.product_id)
        .join(StampRun, StampRun.id == StampState.run_id)
        .join(Batch, Batch.id == StampRun.batch_id)
        .where(or_(StampState.alert_reason != "", StampState.pin_failures >= PIN_GUESSING))
    )
    if producer_id is not None:
        query = query.join(Product, Product.id == Batch.product_id).where(
            Product.producer_id == producer_id
        )
    if batch_id is not None:
        query = query.where(StampRun.batch_id == batch_id)
    if run_id is not None:
        query = query.where(StampState.run_id == run_id)
    query = query.order_by(StampState.last_scan_at.desc().nulls_last(), StampState.serial)
    alerts = [
        CounterfeitAlert(
            serial=state.serial,
            label=serial_label(state.serial),
            run_id=state.run_id,
            batch_id=batch,
            batch_ref=ref,
            product_id=product,
            reason=state.alert_reason or "pin_guessing",
            scan_count=state.scan_count,
            first_scan_at=state.first_scan_at,
            last_scan_at=state.last_scan_at,
            pin_failures=state.pin_failures,
            pin_confirmed_at=state.pin_confirmed_at,
        )
        for state, batch, ref, product in session.execute(query.limit(limit))
    ]
    order = {reason: rank for rank, reason in enumerate((*counting.REASONS, "pin_guessing"))}
    alerts.sort(key=lambda alert: order[alert.reason])  # stable: latest first within a reason
    return alerts


def run_summary(session: Session, run: StampRun) -> RunSummary:
    """The figures of one run for its admin page and ``qrsvc stamps show``."""
    scanned, total, confirmed, flagged = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(StampState.scan_count), 0),
            func.count(StampState.pin_confirmed_at),
            func.count(func.nullif(StampState.alert_reason, "")),
        ).where(StampState.run_id == run.id)
    ).one()
    return RunSummary(run.id, runs.run_segments(run), scanned, int(total), confirmed, flagged)


@dataclass(frozen=True)
class DayScans:
    """Stamp scans on one day (Vietnam time): all of them, and those of flagged stamps."""

    day: date
    scans: int
    flagged: int


def scans_per_day(
    session: Session,
    *,
    producer_id: int | None = None,
    batch_id: int | None = None,
    run_id: int | None = None,
    days: int = 30,
) -> list[DayScans]:
    """Scans per local day over the last ``days`` days (days without scans left out)."""
    since = utcnow() - timedelta(days=days)
    day = _local_day(session)
    query = (
        select(
            day.label("day"),
            func.count(),
            func.count(func.nullif(StampState.alert_reason, "")),
        )
        .select_from(StampScan)
        .join(StampState, StampState.serial == StampScan.serial)
        .where(StampScan.at >= since)
        .group_by(day)
        .order_by(day)
    )
    if run_id is not None:
        query = query.where(StampState.run_id == run_id)
    if batch_id is not None or producer_id is not None:
        query = query.join(StampRun, StampRun.id == StampState.run_id)
        if batch_id is not None:
            query = query.where(StampRun.batch_id == batch_id)
        if producer_id is not None:
            query = (
                query.join(Batch, Batch.id == StampRun.batch_id)
                .join(Product, Product.id == Batch.product_id)
                .where(Product.producer_id == producer_id)
            )
    return [
        DayScans(value if isinstance(value, date) else date.fromisoformat(value), total, flagged)
        for value, total, flagged in session.execute(query)
    ]


def _local_day(session: Session):
    """The calendar day in Vietnam (UTC+7, no daylight saving) of a scan, in SQL."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone(ZONE_NAME, StampScan.at))
    # SQLite stores UTC without a zone; shift by the fixed +7 hours.
    return func.date(StampScan.at, literal_column("'+7 hours'"))

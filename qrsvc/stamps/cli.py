"""Commands of the stamps area: ``qrsvc stamps activate|void|show|list|alerts|check``.

Serials are given as printed under the stamps (``00001201``); a range is ``--first``
and ``--last``, both inclusive. Every change is recorded with ``--by`` (the staff
member's e-mail) when given.
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from qrsvc.cli.identifiers import BATCH_REF
from qrsvc.extensions import db
from qrsvc.localtime import format_local as local_time
from qrsvc.models import Batch, StampRun, User
from qrsvc.stamps import alerts, runs
from qrsvc.stamps.codes import StampCodeError, parse_token, serial_label
from qrsvc.stamps.states import base_state, serial_state

stamps = AppGroup("stamps", help="Anti-counterfeit stamp runs: activate, void, inspect.")

SERIAL = click.IntRange(min=1, max=10**15)


def init_app(app: Flask) -> None:
    """Register this area's commands on ``app.cli``."""
    app.cli.add_command(stamps)


def _user(email: str | None) -> User | None:
    if not email:
        return None
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.BadParameter(f"no user with e-mail {email!r}", param_hint="--by")
    return user


def _change(action, run_id: int, first: int | None, last: int | None, by: str | None, note: str):
    if (first is None) != (last is None):
        raise click.UsageError("give both --first and --last, or neither (the whole run)")
    try:
        change = action(db.session, run_id, first, last, user=_user(by), note=note)
    except runs.StampRunError as exc:
        raise click.ClickException(str(exc)) from None
    count = change.last_serial - change.first_serial + 1
    return change, count


range_options = [
    click.argument("run_id", type=click.IntRange(min=1)),
    click.option("--first", type=SERIAL, help="First serial of the range (as printed)."),
    click.option("--last", type=SERIAL, help="Last serial of the range (as printed)."),
    click.option("--by", help="E-mail of the staff member making the change."),
    click.option("--note", default="", help="Why (kept in the run's history)."),
]


def _with_range(func):
    for option in reversed(range_options):
        func = option(func)
    return func


@stamps.command("activate")
@_with_range
def activate_command(run_id, first, last, by, note) -> None:
    """Activate RUN_ID (or --first..--last of it) once the stamps are on the goods."""
    change, count = _change(runs.activate, run_id, first, last, by, note)
    click.echo(
        f"activated {count} stamps of run {run_id}: "
        f"{serial_label(change.first_serial)}-{serial_label(change.last_serial)}"
    )


@stamps.command("void")
@_with_range
def void_command(run_id, first, last, by, note) -> None:
    """Void RUN_ID (or --first..--last of it): lost, stolen or spoilt stamps answer 410."""
    change, count = _change(runs.void, run_id, first, last, by, note)
    click.echo(
        f"voided {count} stamps of run {run_id}: "
        f"{serial_label(change.first_serial)}-{serial_label(change.last_serial)}"
    )


@stamps.command("printed")
@click.argument("run_id", type=click.IntRange(min=1))
@click.option("--by", help="E-mail of the staff member making the change.")
def printed_command(run_id: int, by: str | None) -> None:
    """Record that RUN_ID was printed (e.g. by a print shop from the CSV)."""
    try:
        runs.mark_printed(db.session, run_id, user=_user(by))
    except runs.StampRunError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"run {run_id} marked as printed")


@stamps.command("show")
@click.argument("run_id", type=click.IntRange(min=1))
def show_command(run_id: int) -> None:
    """Show RUN_ID: its serials, state by range, scans, and every change with who/when."""
    run = runs.get_run(db.session, run_id)
    if run is None:
        raise click.ClickException(f"there is no stamp run {run_id}")
    summary = alerts.run_summary(db.session, run)
    click.echo(
        f"run {run.id}  batch {run.batch.ref}  {run.count} stamps "
        f"{serial_label(run.first_serial)}-{serial_label(run.last_serial)}  status {run.status}"
        f"{'  with PIN' if run.with_pin else ''}"
    )
    for part in summary.segments:
        click.echo(
            f"  {serial_label(part.first)}-{serial_label(part.last)}  {part.state:<9} "
            f"({part.count})"
        )
    click.echo(
        f"scanned stamps {summary.stamps_scanned}, scans {summary.scans}, "
        f"PINs confirmed {summary.pins_confirmed}, alerts {summary.alerts}"
    )
    users = {u.id: u.email for u in db.session.scalars(select(User))}
    for change in run.changes:
        who = users.get(change.user_id, "command line") if change.user_id else "command line"
        click.echo(
            f"  {local_time(change.at)}  {change.action:<8} "
            f"{serial_label(change.first_serial)}-{serial_label(change.last_serial)}  {who}"
            f"{'  ' + change.note if change.note else ''}"
        )


@stamps.command("list")
@click.option("--batch", "batch_ref", type=BATCH_REF, help="Only the runs of this batch.")
def list_command(batch_ref: str | None) -> None:
    """List stamp runs, newest first."""
    query = select(StampRun).join(Batch).order_by(StampRun.id.desc())
    if batch_ref:
        query = query.where(Batch.ref == batch_ref)
    for run in db.session.scalars(query):
        click.echo(
            f"{run.id:>6}  {run.batch.ref:<20} {run.status:<9} {run.count:>8}  "
            f"{serial_label(run.first_serial)}-{serial_label(run.last_serial)}"
        )


@stamps.command("alerts")
@click.option("--batch", "batch_ref", type=BATCH_REF, help="Only stamps of this batch.")
@click.option("--run", "run_id", type=click.IntRange(min=1), help="Only stamps of this run.")
def alerts_command(batch_ref: str | None, run_id: int | None) -> None:
    """List stamps that look copied, were scanned while void, or had their PIN guessed."""
    batch_id = None
    if batch_ref:
        batch_id = db.session.scalar(select(Batch.id).where(Batch.ref == batch_ref))
        if batch_id is None:
            raise click.ClickException(f"there is no batch {batch_ref!r}")
    found = alerts.counterfeit_alerts(db.session, batch_id=batch_id, run_id=run_id)
    for alert in found:
        click.echo(
            f"{alert.label}  run {alert.run_id}  {alert.batch_ref}  {alert.reason:<13} "
            f"scans {alert.scan_count}  first {local_time(alert.first_scan_at)}  "
            f"last {local_time(alert.last_scan_at)}"
        )
    click.echo(f"{len(found)} alert(s)")


@stamps.command("check")
@click.argument("code")
def check_command(code: str) -> None:
    """Tell whether CODE (a stamp URL or token) is genuine and its state; counts no scan."""
    token = code.strip().rstrip("/").rsplit("/", 1)[-1]
    try:
        serial = parse_token(current_app.config["STAMP_KEY"].encode(), token)
    except StampCodeError as exc:
        raise click.ClickException(f"not a genuine stamp: {exc}") from None
    run = runs.run_of_serial(db.session, serial)
    if run is None:
        raise click.ClickException(f"serial {serial_label(serial)} is signed but in no run")
    state, change = serial_state(serial, run.changes, base=base_state(run.status, run.changes))
    since = f" since {local_time(change.at)}" if change else ""
    click.echo(f"{serial_label(serial)}: run {run.id}, batch {run.batch.ref}, {state}{since}")


@stamps.command("prune-scans")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=7),
    default=365,
    show_default=True,
    help="Delete the detail of scans older than this many days.",
)
def prune_command(days: int) -> None:
    """Delete old per-scan rows (counts, first-scan times and alerts are kept)."""
    from qrsvc.stamps.counting import prune_scans

    click.echo(f"deleted {prune_scans(db.session, older_than_days=days)} scan rows")

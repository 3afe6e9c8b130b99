"""Commands of the transfer area: ``qrsvc export``, ``qrsvc import``, ``qrsvc backup``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from qrsvc.transfer.backup import BackupNotPossibleError, backup_database
from qrsvc.transfer.formats import TransferError, read_file, write_csv, write_json
from qrsvc.transfer.service import CSV_FIRST, export_records, exported_at, import_records

MAX_IMPORT_BYTES = 50 * 1024 * 1024


def init_app(app: Flask) -> None:
    """Register this area's commands on ``app.cli``."""
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
    app.cli.add_command(backup_command)


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option(
    "--kind",
    type=click.Choice(sorted(CSV_FIRST)),
    help="Write a CSV of one kind of record (default: the whole JSON document).",
)
@with_appcontext
def export_command(file: str, kind: str | None) -> None:
    """Export relics (with festivals and steles), producers and products to FILE
    (.json, or .csv with --kind)."""
    records = export_records()
    if file.lower().endswith(".csv"):
        if kind is None:
            raise click.UsageError(
                "A CSV file holds one kind of record: add --kind " + "|".join(CSV_FIRST) + "."
            )
        data = write_csv(records[kind], CSV_FIRST[kind])
    else:
        data = write_json(records, exported_at())
    Path(file).write_bytes(data)
    total = sum(len(v) for v in records.values())
    click.echo(f"exported {total} records to {file}")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row and report, store nothing.")
@with_appcontext
def import_command(file: str, dry_run: bool) -> None:
    """Import relics, festivals, steles, producers and products from FILE (.json or .csv):
    all rows or none."""
    path = Path(file)
    if path.stat().st_size > MAX_IMPORT_BYTES:
        raise click.ClickException(f"{file} is larger than {MAX_IMPORT_BYTES // 1048576} MB.")
    try:
        records = read_file(path.name, path.read_bytes())
    except TransferError as exc:
        raise click.ClickException(str(exc)) from None
    # The checks' messages go through Flask-Babel, whose locale selector reads the
    # request: give it one, in English, as a terminal is no browser.
    with current_app.test_request_context(headers={"Accept-Language": "en"}):
        report = import_records(records, None, apply=not dry_run)
    for row in report.rows:
        for error in row.errors:
            click.echo(f"{row.kind} line {row.line} ({row.key or '?'}): {error}", err=True)
    summary = (
        f"{report.count('create')} to create, {report.count('update')} to update, "
        f"{report.count('unchanged')} unchanged"
    )
    if not report.ok:
        raise click.ClickException(
            f"nothing imported: {sum(bool(r.errors) for r in report.rows)} rows have errors"
        )
    click.echo(("checked: " if dry_run else "imported: ") + summary)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(file: str) -> None:
    """Write a consistent copy of the database to FILE (SQLite; PostgreSQL: pg_dump)."""
    try:
        target = backup_database(current_app.config["SQLALCHEMY_DATABASE_URI"], file)
    except BackupNotPossibleError as exc:
        raise click.ClickException(str(exc)) from None
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"backup failed: {exc}") from None
    click.echo(f"backup written to {target} ({target.stat().st_size} bytes)")

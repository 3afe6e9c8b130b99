"""Commands of the transfer area: ``qrsvc export``, ``qrsvc import``, ``qrsvc backup``.

The commands speak English, whatever the interface's default language (Vietnamese): the
messages of the checks are translated for the admin, and a terminal, a cron mail and a
log are read by whoever runs the server.
"""

from __future__ import annotations

import functools
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import force_locale

from qrsvc.transfer.all_data import export_archive, import_archive
from qrsvc.transfer.archive import ZIP_MAGIC
from qrsvc.transfer.backup import BackupNotPossibleError, backup_database
from qrsvc.transfer.formats import TransferError, read_file, write_csv, write_json
from qrsvc.transfer.service import CSV_FIRST, export_records, exported_at, import_records

MAX_IMPORT_BYTES = 50 * 1024 * 1024


def in_english(command):
    """Run ``command`` (inside the app context) with its messages in English."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        with force_locale("en"):
            return command(*args, **kwargs)

    return run


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
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Write all data, media files included, as a ZIP archive (also for FILE.zip).",
)
@with_appcontext
@in_english
def export_command(file: str, kind: str | None, everything: bool) -> None:
    """Export relics (with festivals and steles), producers and products to FILE
    (.json, or .csv with --kind); with --all or FILE.zip, all data and media as an archive."""
    if everything or file.lower().endswith(".zip"):
        if kind is not None:
            raise click.UsageError("--kind writes one CSV; an archive holds all kinds.")
        _export_archive(Path(file))
        return
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


def _export_archive(path: Path) -> None:
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("wb") as out:
            summary = export_archive(out)
    except TransferError as exc:
        partial.unlink(missing_ok=True)
        raise click.ClickException(str(exc)) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)  # a half-written archive never carries the final name
    counts = ", ".join(f"{n} {kind}" for kind, n in summary.records.items())
    click.echo(f"exported {counts} and {summary.files} media files to {path}")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row and report, store nothing.")
@with_appcontext
@in_english
def import_command(file: str, dry_run: bool) -> None:
    """Import relics, festivals, steles, producers and products from FILE (.json or .csv),
    or restore all data from an archive (.zip) into a fresh instance: all rows or none."""
    path = Path(file)
    with path.open("rb") as head:
        archive = head.read(4) == ZIP_MAGIC or path.suffix.lower() == ".zip"
    if archive:
        with current_app.test_request_context(headers={"Accept-Language": "en"}):
            try:
                report = import_archive(path, apply=not dry_run)
            except TransferError as exc:
                raise click.ClickException(str(exc)) from None
        _report(report, dry_run, "record")
        return
    if path.stat().st_size > MAX_IMPORT_BYTES:
        raise click.ClickException(f"{file} is larger than {MAX_IMPORT_BYTES // 1048576} MB.")
    try:
        records = read_file(path.name, path.read_bytes())
    except TransferError as exc:
        raise click.ClickException(str(exc)) from None
    # The checks use the admin's forms, which expect a request: give them one (English,
    # as the rest of the command).
    with current_app.test_request_context(headers={"Accept-Language": "en"}):
        report = import_records(records, None, apply=not dry_run)
    _report(report, dry_run)


def _report(report, dry_run: bool, unit: str = "line") -> None:
    for row in report.rows:
        for error in row.errors:
            click.echo(f"{row.kind} {unit} {row.line} ({row.key or '?'}): {error}", err=True)
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
@in_english
def backup_command(file: str) -> None:
    """Write a consistent copy of the database to FILE (SQLite; PostgreSQL: pg_dump)."""
    try:
        target = backup_database(current_app.config["SQLALCHEMY_DATABASE_URI"], file)
    except BackupNotPossibleError as exc:
        raise click.ClickException(str(exc)) from None
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"backup failed: {exc}") from None
    click.echo(f"backup written to {target} ({target.stat().st_size} bytes)")

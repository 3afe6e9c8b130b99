"""``qrsvc formats``, ``qrsvc print ...``, ``qrsvc qr``, ``qrsvc worker``, ``qrsvc jobs``.

The print commands run in the foreground with a progress bar: the command line is
already the background for a print shop's 100,000 stamps. ``--verify`` decodes
every code of the PDF and exits non-zero unless all of them decode to their URL, and
every payment code parses as VietQR and pays the verified account.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from qrsvc.cli.identifiers import BATCH_REF, RELIC_CODE
from qrsvc.extensions import db
from qrsvc.generator import (
    FormatError,
    expected_codes,
    get_format,
    load_formats,
    qr_png,
    qr_svg,
    verify_pdf,
    write_pdf,
    write_stamps_csv,
)
from qrsvc.localtime import local_today
from qrsvc.models import Batch, Relic
from qrsvc.printing.queue_cli import jobs_group, worker_command
from qrsvc.printing.records import label_data, sign_data, stamp_records, verified_pair

MAX_LABELS = 10_000


def init_app(app: Flask) -> None:
    """Register the printing commands, and the print queue's (:mod:`qrsvc.printing.queue_cli`)."""
    for command in (formats_command, print_group, qr_command, worker_command, jobs_group):
        app.cli.add_command(command)


@click.command("formats")
def formats_command() -> None:
    """List the print formats found in printables/."""
    try:
        formats = load_formats()
    except FormatError as exc:
        raise click.ClickException(str(exc)) from None
    for name, fmt in sorted(formats.items()):
        per_page = fmt.columns * fmt.rows
        click.echo(f"{name:18} {fmt.kind:6} {per_page:3}/page  {fmt.description}")


print_group = AppGroup("print", help="Print signs, labels and stamp sheets to PDF.")


def _format(name: str, kinds: tuple[str, ...]):
    try:
        fmt = get_format(name)
    except (FormatError, KeyError, ValueError) as exc:
        known = ", ".join(sorted(n for n, f in load_formats().items() if f.kind in kinds))
        raise click.BadParameter(
            f"{exc}; formats of this kind: {known}", param_hint="--format"
        ) from None
    if fmt.kind not in kinds:
        raise click.BadParameter(
            f"{name} is a {fmt.kind} format, not {' or '.join(kinds)}", param_hint="--format"
        )
    return fmt


def _batch(ref: str) -> Batch:
    batch = db.session.scalar(select(Batch).where(Batch.ref == ref))
    if batch is None:
        raise click.BadParameter(f"no batch with reference {ref!r}", param_hint="BATCH_REF")
    return batch


def _verify(output: Path, urls: list[str], account: tuple[str, str] | None = None) -> None:
    result = verify_pdf(output, urls, account=account)
    click.echo(str(result))
    if not result.ok:
        for url in list(result.missing)[:10]:
            click.echo(f"  not decoded: {url}", err=True)
        for problem in result.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)


def _check_payment(fmt, record, what: str) -> None:
    """Refuse, before any file is written, a required payment slot without an account."""
    if fmt.payment is not None and fmt.payment.required and record.payment is None:
        raise click.ClickException(
            f"{fmt.name} prints a payment code and {what} has no verified account; "
            "verify one first, or choose a format without a payment slot"
        )


verify_option = click.option("--verify", is_flag=True, help="Decode every code of the PDF.")
output_option = click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True
)


@print_group.command("sign")
@click.argument("relic_code", type=RELIC_CODE)
@click.option("--format", "format_name", default="sign-a4", show_default=True)
@output_option
@verify_option
def print_sign(relic_code: str, format_name: str, output: Path, verify: bool) -> None:
    """Print the sign of relic RELIC_CODE."""
    fmt = _format(format_name, ("sign",))
    relic = db.session.scalar(select(Relic).where(func.upper(Relic.code) == relic_code.upper()))
    if relic is None:
        raise click.BadParameter(f"no relic with code {relic_code!r}", param_hint="RELIC_CODE")
    sign = sign_data(relic)
    _check_payment(fmt, sign, f"relic {relic.code}")
    with output.open("wb") as out:
        write_pdf(fmt, [sign], out)
    click.echo(f"wrote {output} (sign {relic.code}, {fmt.name})")
    if verify:
        _verify(output, expected_codes(fmt, [sign]), verified_pair(relic))


@print_group.command("labels")
@click.argument("batch_ref", type=BATCH_REF)
@click.option("--count", type=click.IntRange(1, MAX_LABELS), required=True)
@click.option("--format", "format_name", default="label-a4-3x7", show_default=True)
@click.option("--skip", type=click.IntRange(0), default=0, help="Cells already used on sheet 1.")
@output_option
@verify_option
def print_labels(
    batch_ref: str, count: int, format_name: str, skip: int, output: Path, verify: bool
) -> None:
    """Print COUNT labels of batch BATCH_REF."""
    fmt = _format(format_name, ("label",))
    batch = _batch(batch_ref)
    if batch.recalled:
        raise click.ClickException(f"batch {batch_ref} is recalled; its labels are not printed")
    label = label_data(batch, local_today())  # the admin prints with the same day
    _check_payment(fmt, label, f"producer {batch.product.producer.name}")
    with output.open("wb") as out:
        pages = write_pdf(fmt, [label] * count, out, skip_cells=skip)
    click.echo(f"wrote {output} ({count} labels on {pages} pages, {fmt.name})")
    if verify:
        _verify(output, expected_codes(fmt, [label] * count), verified_pair(batch.product.producer))


@print_group.command("stamps")
@click.argument("batch_ref", type=BATCH_REF)
@click.option("--count", type=click.IntRange(1, 1_000_000), required=True)
@click.option("--format", "format_name", default="stamp-20mm-a4", show_default=True)
@click.option(
    "--pin", "with_pin", is_flag=True, help="Print a scratch-off PIN (format permitting)."
)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path))
@output_option
@verify_option
def print_stamps(
    batch_ref: str,
    count: int,
    format_name: str,
    with_pin: bool,
    csv_path: Path | None,
    output: Path,
    verify: bool,
) -> None:
    """Allocate a new stamp run of COUNT serials for BATCH_REF and print it."""
    from qrsvc.stamps.runs import StampRunError, allocate_run

    fmt = _format(format_name, ("stamp",))
    if with_pin and "pin" not in fmt.fields:
        raise click.BadParameter(f"{fmt.name} has no PIN field", param_hint="--pin")
    _check_folders(output, csv_path)  # before a run is allocated, not after
    batch = _batch(batch_ref)
    try:
        run = allocate_run(db.session, batch, count, format_name=fmt.name, with_pin=with_pin)
    except StampRunError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"stamp run {run.id}: serials {run.first_serial}-{run.last_serial}")
    _print_run(run.id, fmt, output, csv_path, verify)


@print_group.command("run")
@click.argument("run_id", type=int)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path))
@output_option
@verify_option
def print_run(run_id: int, csv_path: Path | None, output: Path, verify: bool) -> None:
    """Print stamp run RUN_ID again (same serials), e.g. after a failed print."""
    from qrsvc.printing.records import stamp_format
    from qrsvc.stamps.runs import get_run

    run = get_run(db.session, run_id)
    if run is None:
        raise click.BadParameter(f"no stamp run {run_id}", param_hint="RUN_ID")
    _check_folders(output, csv_path)
    _print_run(run.id, get_format(stamp_format(run)), output, csv_path, verify)


def _check_folders(output: Path, csv_path: Path | None) -> None:
    """Refuse, before anything is allocated, files whose folder is missing or read-only."""
    for path, hint in ((output, "-o"), (csv_path, "--csv")):
        if path is None:
            continue
        folder = path.parent
        if not folder.is_dir():
            raise click.BadParameter(f"the folder {folder} does not exist", param_hint=hint)
        if not os.access(folder, os.W_OK):
            raise click.BadParameter(f"the folder {folder} cannot be written", param_hint=hint)


def _print_run(run_id: int, fmt, output: Path, csv_path: Path | None, verify: bool) -> None:
    """Write the run's PDF (and its CSV) whole, then mark it printed; on any failure, failed.

    Both files are written beside their names first and renamed at the end, so a run is
    never marked printed without the sheet a cooperative needs to match PINs to serials.
    """
    from qrsvc.stamps.runs import get_run, mark_failed, mark_printed

    run = get_run(db.session, run_id)
    partial = output.with_name(output.name + ".part")
    partial_csv = csv_path.with_name(csv_path.name + ".part") if csv_path else None
    rows = 0
    try:
        with partial.open("wb") as out, click.progressbar(length=run.count, label="stamps") as bar:
            seen = [0]

            def advance(done: int) -> None:
                bar.update(done - seen[0])
                seen[0] = done

            pages = write_pdf(fmt, stamp_records(run), out, progress=advance)
        if partial_csv:
            with partial_csv.open("w", encoding="utf-8", newline="") as handle:
                rows = write_stamps_csv(stamp_records(run), handle, with_pin=run.with_pin)
            partial_csv.replace(csv_path)
        partial.replace(output)
    except BaseException:
        partial.unlink(missing_ok=True)
        if partial_csv:
            partial_csv.unlink(missing_ok=True)
        mark_failed(db.session, run_id, note="printing from the command line failed")
        click.echo(f"printing failed; retry with: qrsvc print run {run_id} -o FILE.pdf", err=True)
        raise
    mark_printed(db.session, run_id)
    click.echo(f"wrote {output} ({run.count} stamps on {pages} pages, {fmt.name})")
    if csv_path:
        click.echo(f"wrote {csv_path} ({rows} rows)")
    if verify:
        _verify(output, [stamp.url for stamp in stamp_records(run)])


@click.command("qr")
@click.argument("url")
@output_option
@click.option("--ecc", type=click.Choice(["L", "M", "Q", "H"]), default="M", show_default=True)
@click.option(
    "--size-mm", type=click.FloatRange(5, 2000), help="Whole square, quiet zone included."
)
@click.option("--dpi", type=click.IntRange(72, 2400), default=300, show_default=True)
def qr_command(url: str, output: Path, ecc: str, size_mm: float | None, dpi: int) -> None:
    """Write one QR code as SVG or PNG (by the file's extension) for a designer."""
    suffix = output.suffix.lower()
    if suffix == ".svg":
        output.write_text(qr_svg(url, ecc, size_mm=size_mm), encoding="utf-8")
    elif suffix == ".png":
        output.write_bytes(qr_png(url, ecc, size_mm=size_mm, dpi=dpi))
    else:
        raise click.BadParameter("the file must end in .svg or .png", param_hint="--output")
    click.echo(f"wrote {output}")

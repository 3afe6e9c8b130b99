"""``qrsvc formats``, ``qrsvc print ...``, ``qrsvc qr``, ``qrsvc worker``, ``qrsvc jobs``.

The print commands run in the foreground with a progress bar: the command line is
already the background for a print shop's 100,000 stamps. ``--verify`` decodes
every code of the PDF and exits non-zero unless all of them decode to their URL.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from qrsvc.cli.identifiers import BATCH_REF, RELIC_CODE
from qrsvc.extensions import db
from qrsvc.generator import (
    FormatError,
    get_format,
    load_formats,
    qr_png,
    qr_svg,
    verify_pdf,
    write_pdf,
    write_stamps_csv,
)
from qrsvc.localtime import local_today
from qrsvc.models import Batch, PrintJob, Relic
from qrsvc.printing import jobs
from qrsvc.printing.records import label_data, sign_data, stamp_records

MAX_LABELS = 10_000


def init_app(app: Flask) -> None:
    """Register the printing commands."""
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


def _verify(output: Path, urls: list[str]) -> None:
    result = verify_pdf(output, urls)
    click.echo(str(result))
    if not result.ok:
        for url in list(result.missing)[:10]:
            click.echo(f"  not decoded: {url}", err=True)
        sys.exit(1)


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
    with output.open("wb") as out:
        write_pdf(fmt, [sign], out)
    click.echo(f"wrote {output} (sign {relic.code}, {fmt.name})")
    if verify:
        _verify(output, [sign.url])


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
    with output.open("wb") as out:
        pages = write_pdf(fmt, [label] * count, out, skip_cells=skip)
    click.echo(f"wrote {output} ({count} labels on {pages} pages, {fmt.name})")
    if verify:
        _verify(output, [label.url] * count)


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
    _print_run(run.id, get_format(stamp_format(run)), output, csv_path, verify)


def _print_run(run_id: int, fmt, output: Path, csv_path: Path | None, verify: bool) -> None:
    from qrsvc.stamps.runs import get_run, mark_failed, mark_printed

    run = get_run(db.session, run_id)
    partial = output.with_name(output.name + ".part")
    try:
        with partial.open("wb") as out, click.progressbar(length=run.count, label="stamps") as bar:
            seen = [0]

            def advance(done: int) -> None:
                bar.update(done - seen[0])
                seen[0] = done

            pages = write_pdf(fmt, stamp_records(run), out, progress=advance)
        partial.replace(output)
    except BaseException:
        partial.unlink(missing_ok=True)
        mark_failed(db.session, run_id, note="printing from the command line failed")
        click.echo(f"printing failed; retry with: qrsvc print run {run_id} -o FILE.pdf", err=True)
        raise
    mark_printed(db.session, run_id)
    click.echo(f"wrote {output} ({run.count} stamps on {pages} pages, {fmt.name})")
    if csv_path:
        with csv_path.open("w", encoding="utf-8", newline="") as handle:
            rows = write_stamps_csv(stamp_records(run), handle, with_pin=run.with_pin)
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


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run the background print worker (RQ; needs REDIS_URL)."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException("REDIS_URL is not set: without it print jobs run in-process")
    from redis import Redis
    from rq import Worker

    jobs.fail_interrupted_jobs(db.session)
    Worker([jobs.QUEUE], connection=Redis.from_url(url)).work(burst=burst)


jobs_group = AppGroup("jobs", help="Background print jobs.")


@jobs_group.command("list")
def jobs_list() -> None:
    """Show the latest print jobs and their progress."""
    jobs.fail_interrupted_jobs(db.session)
    rows = db.session.scalars(select(PrintJob).order_by(PrintJob.id.desc()).limit(30)).all()
    for job in rows:
        click.echo(f"{job.id:5} {job.kind:7} {job.status:8} {job.done}/{job.total} {job.error}")


@jobs_group.command("run")
@click.argument("job_id", type=click.IntRange(min=1))
def jobs_run(job_id: int) -> None:
    """Run queued job JOB_ID now, in this process (no Redis needed); exit 1 if it fails."""
    jobs.fail_interrupted_jobs(db.session)
    try:
        job = jobs.run_job(db.session, job_id)
    except jobs.PrintJobError as exc:
        raise click.ClickException(str(exc)) from None
    if job.status != "done":
        raise click.ClickException(f"job {job.id} {job.status}: {job.error}")
    click.echo(f"job {job.id} done: {jobs.job_pdf_path(job)}")


@jobs_group.command("retry")
@click.argument("job_id", type=int)
def jobs_retry(job_id: int) -> None:
    """Queue failed job JOB_ID again (it reprints the same serials)."""
    try:
        job = jobs.retry_job(db.session, job_id)
    except jobs.PrintJobError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"job {job.id} queued again")

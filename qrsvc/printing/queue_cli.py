"""The print queue's commands: the background worker, and the list, run and retry of jobs.

Print jobs are made in the admin (:mod:`qrsvc.printing.jobs`); these commands run them
where no Redis is at hand, show them, and queue a failed one again.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.models import PrintJob
from qrsvc.printing import jobs


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

"""Big print runs as background jobs: RQ when REDIS_URL is set, a thread otherwise.

A stamp job owns one stamp run, allocated before the job is queued. Rendering it
again after a failure prints the same serials, so a failed job never loses or
doubles serials; a job whose worker died is found by its silence (no progress for
a while) and marked failed, ready for a retry.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from qrsvc.database import begin_write
from qrsvc.generator import write_pdf
from qrsvc.models import Batch, PrintJob, StampRun, User, utcnow
from qrsvc.printing.records import stamp_format, stamp_records
from qrsvc.stamps.runs import allocate_run, mark_failed, mark_printed

log = logging.getLogger(__name__)
QUEUE = "qrsvc-print"
#: A running job that reported no progress for this long has lost its worker.
STALE_AFTER = timedelta(minutes=10)
_executor: ThreadPoolExecutor | None = None


class PrintJobError(ValueError):
    """A job that cannot be started or retried; the message says why."""


def start_stamp_job(
    session: Session,
    batch: Batch,
    count: int,
    *,
    format_name: str,
    with_pin: bool = False,
    user: User | None = None,
) -> PrintJob:
    """Allocate a stamp run for ``batch`` and queue the job that prints it."""
    run = allocate_run(session, batch, count, format_name=format_name, with_pin=with_pin, user=user)
    session = begin_write(session)
    job = PrintJob(
        kind="stamps",
        params={"format": format_name},
        total=count,
        stamp_run_id=run.id,
        created_by_id=user.id if user else None,
    )
    session.add(job)
    session.commit()
    enqueue(job.id)
    return job


def retry_job(session: Session, job_id: int) -> PrintJob:
    """Queue a failed (or silently dead) job again; it reprints the same serials."""
    fail_interrupted_jobs(session)
    session = begin_write(session)
    job = session.get(PrintJob, job_id)
    if job is None:
        session.rollback()
        raise PrintJobError(f"there is no print job {job_id}")
    if job.status != "failed":
        session.rollback()
        raise PrintJobError(f"job {job_id} is {job.status}; only a failed job can be retried")
    job.status, job.error, job.done = "queued", "", 0
    session.commit()
    enqueue(job.id)
    return job


def fail_interrupted_jobs(session: Session, stale_after: timedelta = STALE_AFTER) -> int:
    """Mark running jobs that stopped reporting progress as failed; return how many."""
    session = begin_write(session)
    cutoff = utcnow() - stale_after
    stale = session.scalars(
        select(PrintJob).where(PrintJob.status == "running", PrintJob.updated_at < cutoff)
    ).all()
    for job in stale:
        job.status = "failed"
        job.error = "interrupted: the worker stopped before the job finished"
    session.commit()
    return len(stale)


def job_pdf_path(job: PrintJob) -> Path:
    """Where a job's finished PDF is kept."""
    return Path(current_app.config["PRINTS_DIR"]) / f"job-{job.id}.pdf"


def run_job(session: Session, job_id: int) -> PrintJob:
    """Render job ``job_id`` now, in this process, reporting progress as it goes."""
    session = begin_write(session)
    job = session.get(PrintJob, job_id)
    if job is None or job.status != "queued":
        session.rollback()
        raise PrintJobError(f"job {job_id} is not waiting to run")
    job.status, job.attempts, job.done = "running", job.attempts + 1, 0
    session.commit()
    run = session.get(StampRun, job.stamp_run_id)
    target = job_pdf_path(job)
    target.parent.mkdir(parents=True, exist_ok=True)
    # One partial file per attempt: after a worker was killed its work horse may still
    # be writing the first attempt's file while the retry writes its own.
    partial = target.with_suffix(f".{job.attempts}.part")
    try:
        with partial.open("wb") as out:
            write_pdf(
                job.params.get("format") or stamp_format(run),
                stamp_records(run),
                out,
                progress=lambda done: _progress(session, job_id, done),
            )
        os.replace(partial, target)  # a reader never sees half a PDF
    except Exception as exc:
        log.exception("print job %s failed", job_id)
        partial.unlink(missing_ok=True)
        _finish(session, job_id, "failed", error=f"{type(exc).__name__}: {exc}")
        mark_failed(session, run.id, note=f"print job {job_id} failed")
        return session.get(PrintJob, job_id)
    mark_printed(session, run.id)
    return _finish(session, job_id, "done", result_key=target.name)


def _progress(session: Session, job_id: int, done: int) -> None:
    session = begin_write(session)
    job = session.get(PrintJob, job_id)
    job.done = done
    job.updated_at = utcnow()  # the heartbeat fail_interrupted_jobs() looks at
    session.commit()


def _finish(session: Session, job_id: int, status: str, **fields) -> PrintJob:
    session = begin_write(session)
    job = session.get(PrintJob, job_id)
    job.status = status
    if status == "done":
        job.done = job.total
    for name, value in fields.items():
        setattr(job, name, value)
    session.commit()
    return job


def enqueue(job_id: int) -> None:
    """Hand a queued job to RQ (with REDIS_URL) or to this process's print thread."""
    app = current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        from redis import Redis
        from rq import Queue

        queue = Queue(QUEUE, connection=Redis.from_url(app.config["REDIS_URL"]))
        queue.enqueue(run_job_in_worker, job_id, job_timeout=6 * 3600)
        return
    if app.config.get("PRINT_JOBS_INLINE"):  # tests: run now, in this request's session
        from qrsvc.extensions import db

        run_job(db.session, job_id)
        return
    global _executor
    if _executor is None:
        # One print thread per process: a print run is CPU-bound, two would only
        # share the same core and both finish later.
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qrsvc-print")
    _executor.submit(_run_in_app, app, job_id)


def _run_in_app(app: Flask, job_id: int) -> None:
    from qrsvc.extensions import db

    with app.app_context():
        try:
            run_job(db.session, job_id)
        except PrintJobError as exc:
            log.warning("%s", exc)
        finally:
            db.session.remove()


def run_job_in_worker(job_id: int) -> None:
    """RQ entry point: build the app in the worker process and run the job."""
    from qrsvc import create_app

    _run_in_app(create_app(), job_id)

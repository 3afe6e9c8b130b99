"""Big print runs as background jobs: RQ when REDIS_URL is set, a thread otherwise.

A stamp job owns one stamp run, allocated before the job is queued. Rendering it
again after a failure prints the same serials, so a failed job never loses or
doubles serials. While a job runs, its process writes a heartbeat every
``PRINT_HEARTBEAT_SECONDS``; a running job whose heartbeat is older than
``PRINT_JOB_TIMEOUT_SECONDS`` lost its worker (killed, out of memory, host gone).
Whoever looks next (the admin's job list, ``qrsvc jobs``, the worker starting, a
retry) marks it failed and removes its partial files, ready to print again.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qrsvc.database import begin_write
from qrsvc.generator import write_pdf
from qrsvc.models import Batch, PrintJob, StampRun, User, utcnow
from qrsvc.printing.heartbeat import Heartbeat
from qrsvc.printing.records import stamp_format, stamp_records
from qrsvc.stamps.runs import allocate_run, mark_failed, mark_printed

log = logging.getLogger(__name__)
QUEUE = "qrsvc-print"
INTERRUPTED = "interrupted: the worker stopped before the job finished"
_executor: ThreadPoolExecutor | None = None


class PrintJobError(ValueError):
    """A job that cannot be started or retried; the message says why."""


class JobTakenOverError(RuntimeError):
    """This attempt was declared dead (and maybe retried): it must stop writing."""


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
    job.status, job.error, job.done, job.heartbeat_at = "queued", "", 0, None
    session.commit()
    enqueue(job.id)
    return job


def job_timeout() -> timedelta:
    """How long a running job may stay silent before it counts as dead."""
    return timedelta(seconds=current_app.config["PRINT_JOB_TIMEOUT_SECONDS"])


def fail_interrupted_jobs(session: Session, timeout: timedelta | None = None) -> int:
    """Mark running jobs whose heartbeat went quiet as failed; return how many.

    Their partial files are removed and their stamp runs marked failed (the serials
    stay with the run for the retry). Cheap when nothing is stale: one indexed read,
    no write lock, so a page that lists jobs may call it on every view.
    """
    cutoff = utcnow() - (timeout if timeout is not None else job_timeout())
    # A job that never beat (it died before its first heartbeat) is judged by its start.
    quiet = (PrintJob.status == "running") & (
        func.coalesce(PrintJob.heartbeat_at, PrintJob.updated_at) < cutoff
    )
    if session.scalar(select(PrintJob.id).where(quiet).limit(1)) is None:
        return 0
    session = begin_write(session)
    stale = session.scalars(select(PrintJob).where(quiet)).all()
    for job in stale:
        job.status, job.error = "failed", INTERRUPTED
    failed = [(job.id, job.stamp_run_id) for job in stale]
    session.commit()
    for job_id, run_id in failed:
        log.warning("print job %s lost its worker; marked failed", job_id)
        remove_partial_files(job_id)
        if run_id is not None:
            mark_failed(session, run_id, note=f"print job {job_id} was interrupted")
    return len(failed)


def remove_partial_files(job_id: int) -> None:
    """Delete what unfinished attempts of job ``job_id`` left in the prints folder."""
    for path in Path(current_app.config["PRINTS_DIR"]).glob(f"job-{job_id}.*.part"):
        path.unlink(missing_ok=True)


def job_pdf_path(job: PrintJob) -> Path:
    """Where a job's finished PDF is kept."""
    return Path(current_app.config["PRINTS_DIR"]) / f"job-{job.id}.pdf"


def run_job(session: Session, job_id: int) -> PrintJob:
    """Render job ``job_id`` now, in this process, reporting progress as it goes.

    The job's heartbeat is written from a thread of its own every
    ``PRINT_HEARTBEAT_SECONDS`` for as long as this call works on it.
    """
    from qrsvc.extensions import db

    session = begin_write(session)
    job = session.get(PrintJob, job_id)
    if job is None or job.status != "queued":
        session.rollback()
        raise PrintJobError(f"job {job_id} is not waiting to run")
    job.status, job.attempts, job.done = "running", job.attempts + 1, 0
    job.heartbeat_at = utcnow()
    attempt = job.attempts
    session.commit()
    run = session.get(StampRun, job.stamp_run_id)
    target = job_pdf_path(job)
    target.parent.mkdir(parents=True, exist_ok=True)
    # One partial file per attempt: an attempt declared dead may still be writing its
    # own file (a stalled, not killed, process) while the retry writes the next one.
    partial = target.with_suffix(f".{attempt}.part")
    heartbeat = Heartbeat(db.engine, job_id, attempt, current_app.config["PRINT_HEARTBEAT_SECONDS"])
    try:
        with heartbeat, partial.open("wb") as out:
            write_pdf(
                job.params.get("format") or stamp_format(run),
                stamp_records(run),
                out,
                progress=lambda done: _progress(session, job_id, attempt, done),
            )
        if heartbeat.taken_over:
            raise JobTakenOverError(f"print job {job_id} attempt {attempt} was declared dead")
        os.replace(partial, target)  # a reader never sees half a PDF
    except JobTakenOverError as exc:
        # Someone else owns the job now: leave its state alone, only tidy up.
        log.warning("%s; stopping", exc)
        session.rollback()
        partial.unlink(missing_ok=True)
        return session.get(PrintJob, job_id)
    except Exception as exc:
        log.exception("print job %s failed", job_id)
        session.rollback()
        partial.unlink(missing_ok=True)
        if _finish(session, job_id, attempt, "failed", error=f"{type(exc).__name__}: {exc}"):
            mark_failed(session, run.id, note=f"print job {job_id} failed")
        return session.get(PrintJob, job_id)
    mark_printed(session, run.id)
    _finish(session, job_id, attempt, "done", result_key=target.name)
    return session.get(PrintJob, job_id)


def _own_job(session: Session, job_id: int, attempt: int) -> PrintJob:
    """The job, locked for writing, if it is still this attempt's to change."""
    session = begin_write(session)
    job = session.get(PrintJob, job_id)
    if job is None or job.attempts != attempt or job.status != "running":
        session.rollback()
        raise JobTakenOverError(f"print job {job_id} attempt {attempt} was declared dead")
    return job


def _progress(session: Session, job_id: int, attempt: int, done: int) -> None:
    job = _own_job(session, job_id, attempt)
    job.done, job.heartbeat_at = done, utcnow()
    session.commit()


def _finish(session: Session, job_id: int, attempt: int, status: str, **fields) -> bool:
    """End the attempt as ``status``; False (nothing changed) when it was taken over."""
    try:
        job = _own_job(session, job_id, attempt)
    except JobTakenOverError as exc:
        log.warning("%s; its result is not recorded", exc)
        return False
    job.status = status
    if status == "done":
        job.done = job.total
    for name, value in fields.items():
        setattr(job, name, value)
    session.commit()
    return True


def enqueue(job_id: int) -> None:
    """Hand a queued job to RQ (with REDIS_URL) or to this process's print thread."""
    app = current_app.app_context().app  # the application itself: the print thread keeps it
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

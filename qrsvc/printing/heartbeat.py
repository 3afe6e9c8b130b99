"""The heartbeat of a running print job, written from a thread of its own.

A job whose heartbeat is older than ``PRINT_JOB_TIMEOUT_SECONDS`` lost its worker
(:func:`qrsvc.printing.jobs.fail_interrupted_jobs`); this is what keeps a live one fresh.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from qrsvc.models import PrintJob, utcnow

log = logging.getLogger(__name__)


class Heartbeat:
    """A thread that writes a running job's heartbeat until the ``with`` block ends.

    It has its own connection, so a long render holding no transaction still beats.
    ``taken_over`` turns true when the job stopped being this attempt's (declared
    dead and retried meanwhile), and the render is then stopped at its next progress.
    """

    def __init__(self, engine: Engine, job_id: int, attempt: int, interval: float) -> None:
        """Beat for attempt ``attempt`` of job ``job_id`` every ``interval`` seconds."""
        self.engine, self.job_id, self.attempt, self.interval = engine, job_id, attempt, interval
        self.taken_over = False
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"qrsvc-heartbeat-{job_id}", daemon=True
        )

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()

    def beat(self) -> bool:
        """Write the heartbeat now; False when the job is no longer this attempt's."""
        with self.engine.connect() as conn:
            conn.execution_options(sqlite_immediate=True)  # see database.begin_write()
            with conn.begin():
                result = conn.execute(
                    update(PrintJob)
                    .where(
                        PrintJob.id == self.job_id,
                        PrintJob.attempts == self.attempt,
                        PrintJob.status == "running",
                    )
                    .values(heartbeat_at=utcnow())
                )
        return result.rowcount == 1

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                if not self.beat():
                    self.taken_over = True
                    return
            except SQLAlchemyError as exc:  # one missed beat; the timeout allows several
                log.warning("print job %s: heartbeat not written: %s", self.job_id, exc)

"""Printing from the database: the CLI (`qrsvc print ...`) and background print jobs."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.generator import verify_pdf
from qrsvc.models import (
    Batch,
    PrintJob,
    Producer,
    Product,
    Relic,
    RelicTranslation,
    SerialCounter,
    StampRun,
    utcnow,
)
from qrsvc.printing import jobs


@pytest.fixture
def goods(app):
    """A relic, and a product with a GTIN and two batches (one recalled)."""
    with app.app_context():
        relic = Relic(code="LK01", slug="lam-kinh", rank="special_national", status="published")
        relic.translations += [
            RelicTranslation(lang="vi", name="Khu di tích Lam Kinh"),
            RelicTranslation(lang="en", name="Lam Kinh Historical Site"),
        ]
        producer = Producer(ref="HTX-TUTRU", name="HTX Bánh gai Tứ Trụ", kind="cooperative")
        product = Product(
            producer=producer,
            ref="BGTT",
            gtin="08936001000010",
            name={"vi": "Bánh gai Tứ Trụ"},
            status="published",
            ocop_stars=4,
            ocop_cert_expiry=date.today() + timedelta(days=300),
        )
        batches = [
            Batch(ref="BGTT-BG2611A", product=product, lot="BG2611A"),
            Batch(ref="BGTT-OLD", product=product, lot="OLD1", status="recalled"),
        ]
        db.session.add_all([relic, product, *batches])
        db.session.commit()


def test_formats_lists_every_printable(runner):
    result = runner.invoke(args=["formats"])
    assert result.exit_code == 0
    for name in ("sign-a4", "sign-a5", "sign-a3-gate", "label-a4-3x7", "stamp-20mm-a4"):
        assert name in result.output


def test_print_sign_verified(runner, goods, tmp_path):
    out = tmp_path / "sign.pdf"
    result = runner.invoke(args=["print", "sign", "lk01", "--format", "sign-a5", "-o", str(out)])
    assert result.exit_code == 0, result.output
    check = verify_pdf(out, ["HTTP://QR.TEST/R/LK01"])
    assert check.ok, str(check)
    result = runner.invoke(args=["print", "sign", "LK01", "-o", str(out), "--verify"])
    assert "verified 1/1" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["print", "sign", "NOPE"], "no relic with code"),
        (["print", "sign", "LK01", "--format", "stamp-20mm-a4"], "is a stamp format"),
        (["print", "sign", "LK01", "--format", "../../etc/passwd"], "formats of this kind"),
        (["print", "labels", "BGTT-OLD", "--count", "3"], "recalled"),
        (["print", "labels", "x' OR 1=1 --", "--count", "3"], "cannot be used in a reference"),
        (["print", "labels", "BGTT-BG2611A", "--count", "0"], "Invalid value"),
        (["print", "stamps", "BGTT-BG2611A", "--count", "-5"], "Invalid value"),
        (["print", "stamps", "BGTT-BG2611A", "--count", "99999999999"], "Invalid value"),
        (["print", "stamps", "BGTT-BG2611A", "--count", "5", "--pin"], "has no PIN field"),
    ],
)
def test_bad_print_requests_change_nothing(runner, goods, tmp_path, app, args, message):
    out = tmp_path / "out.pdf"
    result = runner.invoke(args=[*args, "-o", str(out)])
    assert result.exit_code != 0
    assert message in result.output
    assert not out.exists()
    with app.app_context():
        assert db.session.scalar(select(StampRun)) is None


@pytest.mark.parametrize("where", ["csv", "output"])
def test_stamps_to_a_missing_folder_allocate_no_run(runner, goods, tmp_path, app, where):
    """A CSV (or PDF) that cannot be written is refused before serials are allocated: a
    run is never recorded as printed without the sheet that matches PINs to serials."""
    missing = tmp_path / "no-such-folder"
    out = (missing if where == "output" else tmp_path) / "stamps.pdf"
    sheet = (missing if where == "csv" else tmp_path) / "stamps.csv"
    args = ["print", "stamps", "BGTT-BG2611A", "--count", "5", "--format", "stamp-30x20-a4"]
    result = runner.invoke(args=[*args, "--pin", "--csv", str(sheet), "-o", str(out)])
    assert result.exit_code != 0
    assert "does not exist" in result.output
    assert not out.exists() and not sheet.exists()
    with app.app_context():
        assert db.session.scalar(select(StampRun)) is None


def test_print_labels_verified(runner, goods, tmp_path):
    out = tmp_path / "labels.pdf"
    result = runner.invoke(
        args=["print", "labels", "BGTT-BG2611A", "--count", "24", "--format", "label-a4-3x8"]
        + ["-o", str(out), "--verify"]
    )
    assert result.exit_code == 0, result.output
    assert "verified 24/24" in result.output


def test_print_stamps_allocates_prints_and_lists(runner, goods, tmp_path, app):
    out, sheet = tmp_path / "stamps.pdf", tmp_path / "stamps.csv"
    args = ["print", "stamps", "BGTT-BG2611A", "--count", "45", "--format", "stamp-30x20-a4"]
    result = runner.invoke(args=[*args, "--pin", "--csv", str(sheet), "-o", str(out), "--verify"])
    assert result.exit_code == 0, result.output
    assert "verified 45/45" in result.output
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    assert len(rows) == 45
    assert len({row["url"] for row in rows}) == 45
    assert all(row["pin"].isdigit() and len(row["pin"]) == 8 for row in rows)
    assert verify_pdf(out, [row["url"] for row in rows]).ok
    # A second run follows the first without overlap.
    result = runner.invoke(
        args=["print", "stamps", "BGTT-BG2611A", "--count", "10", "-o", str(tmp_path / "b.pdf")]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        runs = db.session.scalars(select(StampRun).order_by(StampRun.id)).all()
        assert [(r.first_serial, r.count, r.status) for r in runs] == [
            (1, 45, "printed"),
            (46, 10, "printed"),
        ]


def test_print_run_again_prints_the_same_serials(runner, goods, tmp_path, app):
    first, again = tmp_path / "a.pdf", tmp_path / "b.pdf"
    runner.invoke(args=["print", "stamps", "BGTT-BG2611A", "--count", "8", "-o", str(first)])
    sheet = tmp_path / "a.csv"
    result = runner.invoke(args=["print", "run", "1", "-o", str(again), "--csv", str(sheet)])
    assert result.exit_code == 0, result.output
    urls = [row["url"] for row in csv.DictReader(sheet.open(encoding="utf-8"))]
    assert verify_pdf(first, urls).ok and verify_pdf(again, urls).ok
    with app.app_context():
        assert db.session.get(SerialCounter, "stamp").next_value == 9


@pytest.fixture
def inline_jobs(app):
    app.config["PRINT_JOBS_INLINE"] = True
    return app


def _batch(session) -> Batch:
    return session.scalar(select(Batch).where(Batch.ref == "BGTT-BG2611A"))


def test_stamp_job_runs_and_reports_progress(inline_jobs, goods):
    with inline_jobs.app_context():
        job = jobs.start_stamp_job(db.session, _batch(db.session), 120, format_name="stamp-20mm-a4")
        job = db.session.get(PrintJob, job.id)
        assert (job.status, job.done, job.total, job.attempts) == ("done", 120, 120, 1)
        path = jobs.job_pdf_path(job)
        run = db.session.get(StampRun, job.stamp_run_id)
        assert run.status == "printed"
        from qrsvc.printing.records import stamp_records

        assert verify_pdf(path, [s.url for s in stamp_records(run)]).ok


def test_failed_job_keeps_its_serials_and_retries(inline_jobs, goods, monkeypatch):
    calls = {"n": 0}
    real_write_pdf = jobs.write_pdf

    def flaky_write_pdf(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError(28, "No space left on device")
        return real_write_pdf(*args, **kwargs)

    monkeypatch.setattr(jobs, "write_pdf", flaky_write_pdf)
    with inline_jobs.app_context():
        job = jobs.start_stamp_job(db.session, _batch(db.session), 40, format_name="stamp-20mm-a4")
        job = db.session.get(PrintJob, job.id)
        assert job.status == "failed"
        assert "No space left" in job.error
        assert not jobs.job_pdf_path(job).exists()
        assert not list(jobs.job_pdf_path(job).parent.glob("*.part"))
        run = db.session.get(StampRun, job.stamp_run_id)
        assert (run.status, run.first_serial, run.count) == ("failed", 1, 40)
        jobs.retry_job(db.session, job.id)
        job = db.session.get(PrintJob, job.id)
        assert (job.status, job.attempts) == ("done", 2)
        assert db.session.get(StampRun, job.stamp_run_id).status == "printed"
        # Nothing was allocated twice: the counter moved once, by 40.
        assert db.session.get(SerialCounter, "stamp").next_value == 41
        with pytest.raises(jobs.PrintJobError, match="only a failed job"):
            jobs.retry_job(db.session, job.id)
        with pytest.raises(jobs.PrintJobError, match="no print job"):
            jobs.retry_job(db.session, 999)


def test_a_job_whose_worker_died_is_marked_failed(app, goods):
    with app.app_context():
        job = PrintJob(kind="stamps", status="running", total=10, done=3)
        db.session.add(job)
        db.session.commit()
        assert jobs.fail_interrupted_jobs(db.session) == 0  # still fresh
        job.updated_at = utcnow() - timedelta(hours=1)
        db.session.commit()
        assert jobs.fail_interrupted_jobs(db.session) == 1
        job = db.session.get(PrintJob, job.id)
        assert job.status == "failed" and "interrupted" in job.error


def test_jobs_run_through_redis_and_rq(app, goods):
    redis = pytest.importorskip("redis")
    from rq import Queue, SimpleWorker

    connection = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    connection.ping()  # .ci/run makes sure Redis runs; a failure here is a real failure
    connection.flushdb()
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/15"
    with app.app_context():
        job = jobs.start_stamp_job(db.session, _batch(db.session), 40, format_name="stamp-20mm-a4")
        assert db.session.get(PrintJob, job.id).status == "queued"
        assert Queue(jobs.QUEUE, connection=connection).count == 1
    # The worker builds its own app from the environment; point it at this test's app.
    import qrsvc

    original = qrsvc.create_app
    try:
        qrsvc.create_app = lambda *a, **k: app
        SimpleWorker([jobs.QUEUE], connection=connection).work(burst=True)
    finally:
        qrsvc.create_app = original
        connection.flushdb()
    with app.app_context():
        db.session.expire_all()
        assert db.session.get(PrintJob, job.id).status == "done"

"""The dashboard: scans per day as inline SVG with a text table, alerts, silent signs, reports."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.models import (
    Batch,
    Producer,
    Product,
    Relic,
    RelicTranslation,
    ScanCount,
    SignReport,
    StampRun,
    StampState,
)
from qrsvc.templating import VIETNAM_TZ


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English (the admin speaks Vietnamese by default)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def today():
    return datetime.now(VIETNAM_TZ).date()


@pytest.fixture
def scans(app):
    with app.app_context():
        busy = Relic(
            code="LK01",
            slug="lk",
            status="published",
            translations=[RelicTranslation(lang="vi", name="Lam Kinh")],
        )
        silent = Relic(
            code="LH01",
            slug="lh",
            status="published",
            translations=[RelicTranslation(lang="vi", name="Đền Lê Hoàn")],
        )
        producer = Producer(ref="tu-tru", name="Tứ Trụ")
        product = Product(producer=producer, ref="banh-gai", name={"vi": "Bánh gai"})
        batch = Batch(product=product, ref="b1", lot="L1")
        db.session.add_all([busy, silent, product, batch])
        db.session.flush()
        rows = [
            ScanCount(
                day=today(),
                target_kind="relic",
                target_id=busy.id,
                lang="en",
                device="mobile",
                count=7,
            ),
            ScanCount(
                day=today() - timedelta(days=1),
                target_kind="relic",
                target_id=busy.id,
                lang="vi",
                device="mobile",
                count=3,
            ),
            ScanCount(
                day=today() - timedelta(days=40),
                target_kind="relic",
                target_id=silent.id,
                lang="vi",
                count=12,
            ),
            ScanCount(
                day=today(),
                target_kind="product",
                target_id=product.id,
                lang="ko",
                device="desktop",
                count=5,
            ),
        ]
        run = StampRun(batch=batch, first_serial=1, count=40)
        db.session.add_all([*rows, run])
        db.session.flush()
        db.session.add(StampState(serial=3, run_id=run.id, scan_count=11, alert_reason="copied"))
        db.session.add(
            SignReport(
                relic_id=silent.id, kind="covered", message="Có tờ quảng cáo dán đè <b>lên</b> mã"
            )
        )
        db.session.commit()
        return {"busy": busy.id, "silent": silent.id, "producer": producer.ref}


def test_scans_per_day_are_an_inline_svg_chart_with_a_table(client, accounts, scans):
    accounts.login("editor")
    html = client.get("/admin/").get_data(as_text=True)
    svg = html.split('<svg class="chart"', 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and "<title" in svg and "15 scans in all" in svg
    assert svg.count('<rect class="bar"') == 30
    assert f"<td>{today():%d/%m}</td><td>12</td>" in html  # today: 7 relic + 5 product
    assert "Lam Kinh" in html and "Bánh gai" in html  # most scanned, by name
    assert "한국어" in html or "ko" in html  # languages
    assert "<script" not in html and "http://" not in html.split("<body", 1)[1].replace(
        "http://www.w3.org", ""
    )


def test_signs_that_stopped_being_scanned_are_listed(client, accounts, scans):
    accounts.login("editor")
    html = client.get("/admin/").get_data(as_text=True)
    section = html.split('id="silent"', 1)[1].split("</section>", 1)[0]
    assert "LH01" in section and "LK01" not in section


def test_counterfeit_alerts_and_sign_reports(app, client, accounts, scans):
    accounts.login("editor")
    html = client.get("/admin/").get_data(as_text=True)
    alerts = html.split('id="alerts"', 1)[1].split("</section>", 1)[0]
    assert "b1" in alerts and "1 stamp needs a look (copied)" in alerts
    assert "dán đè &lt;b&gt;lên&lt;/b&gt; mã" in html  # visitors' text is escaped
    with app.app_context():
        report_id = db.session.scalar(select(SignReport.id))
    assert client.post(f"/admin/reports/{report_id}/handle").status_code == 302
    assert client.post("/admin/reports/99999/handle").status_code == 404
    with app.app_context():
        report = db.session.get(SignReport, report_id)
        assert report.status == "handled" and report.handled_at is not None
    assert "No report to handle" in client.get("/admin/").get_data(as_text=True)


def test_a_producer_sees_only_their_own_scans_and_no_signs(client, accounts, scans):
    accounts.login("producer", producer_ref=scans["producer"])
    html = client.get("/admin/").get_data(as_text=True)
    assert "5 scans in all" in html and "Lam Kinh" not in html
    assert 'id="silent"' not in html and 'id="reports"' not in html
    assert "b1" in html  # their own batch's alert
    assert client.post("/admin/reports/1/handle").status_code == 403


@pytest.mark.parametrize("days", ["-5", "abc", "100000", "7", "365", "1e9"])
def test_the_period_is_kept_within_bounds(client, accounts, scans, days):
    accounts.login("editor")
    response = client.get(f"/admin/?days={days}")
    assert response.status_code == 200
    bars = response.get_data(as_text=True).split("</svg>", 1)[0].count('<rect class="bar"')
    assert 7 <= bars <= 365

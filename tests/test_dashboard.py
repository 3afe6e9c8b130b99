"""The dashboard: scans per day as inline SVG with a text table, alerts, silent signs, reports.

Scans are scans of printed codes only; visits from the site (and bots) are shown apart.
Records are named in the admin's language (else Vietnamese), never by their ref alone.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.localtime import local_today
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
from qrsvc.scans import flush_now


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English (the admin speaks Vietnamese by default)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def today():
    return local_today()


@pytest.fixture
def scans(app):
    with app.app_context():
        busy = Relic(
            code="LK01",
            slug="lk",
            status="published",
            translations=[
                RelicTranslation(lang="vi", name="Khu di tích Lam Kinh"),
                RelicTranslation(lang="en", name="Lam Kinh Historic Site"),
            ],
        )
        silent = Relic(
            code="LH01",
            slug="lh",
            status="published",
            translations=[RelicTranslation(lang="vi", name="Đền Lê Hoàn")],
        )
        producer = Producer(ref="tu-tru", name="Tứ Trụ")
        product = Product(
            producer=producer, ref="banh-gai", name={"vi": "Bánh gai", "en": "Gai-leaf cake"}
        )
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
        # Visits from links inside the site and bots: never scans, whatever their number.
        rows += [
            ScanCount(
                day=today(),
                target_kind="relic",
                target_id=busy.id,
                lang="vi",
                source="site",
                device="mobile",
                count=100,
            ),
            ScanCount(
                day=today() - timedelta(days=2),
                target_kind="batch",
                target_id=batch.id,
                lang="vi",
                source="site",
                device="desktop",
                count=4,
            ),
            ScanCount(
                day=today(),
                target_kind="product",
                target_id=product.id,
                lang="",
                source="site",
                device="bot",
                count=500,
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
        return {
            "busy": busy.id,
            "silent": silent.id,
            "producer": producer.ref,
            "product": product.id,
            "batch": batch.id,
        }


def section(html: str, anchor: str) -> str:
    """The ``<section>`` whose heading has id ``anchor``."""
    return html.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]


def chart_labels(svg_html: str) -> list[str]:
    """The row labels of the horizontal bar charts in ``svg_html``, tags stripped."""
    labels = re.findall(r'<text class="label"[^>]*>(.*?)</text>', svg_html)
    return [unescape(re.sub(r"<[^>]+>", "", label)) for label in labels]


def test_scans_per_day_are_an_inline_svg_chart_with_a_table(client, accounts, scans):
    accounts.login("editor")
    html = client.get("/admin/").get_data(as_text=True)
    svg = html.split('<svg class="chart"', 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and "<title" in svg and "15 scans in all" in svg
    assert svg.count('<rect class="bar"') == 30
    assert f"<td>{today():%d/%m}</td><td>12</td>" in html  # today: 7 relic + 5 product
    assert "Lam Kinh Historic Site" in html and "Gai-leaf cake" in html  # most scanned, by name
    assert "한국어" in html or "ko" in html  # languages
    assert "<script" not in html and "http://" not in html.split("<body", 1)[1].replace(
        "http://www.w3.org", ""
    )


def test_signs_that_stopped_being_scanned_are_listed(client, accounts, scans):
    accounts.login("editor")
    html = client.get("/admin/").get_data(as_text=True)
    section = html.split('id="silent"', 1)[1].split("</section>", 1)[0]
    assert "LH01" in section and "LK01" not in section
    assert "Đền Lê Hoàn" in section  # by its name (no English name: the Vietnamese one)


def test_counterfeit_alerts_and_sign_reports(app, client, accounts, scans):
    accounts.login("editor")
    html = client.get("/admin/").get_data(as_text=True)
    alerts = html.split('id="alerts"', 1)[1].split("</section>", 1)[0]
    assert "b1" in alerts and "1 stamp needs a look (Maybe copied)" in alerts
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


def test_most_scanned_records_are_named_in_the_admins_language(client, accounts, scans):
    accounts.login("editor")
    html = client.get("/admin/").get_data(as_text=True)
    top = section(html, "top")
    # The name first, the ref after it as secondary text; never the ref alone.
    assert chart_labels(top) == ["Lam Kinh Historic Site LK01", "Gai-leaf cake banh-gai"]
    assert '<tspan class="ref">LK01</tspan>' in top
    rows = re.findall(r'<th scope="row">(.*?)</th>', top)
    assert [re.sub(r"<[^>]+>", "", row) for row in rows] == [
        "Lam Kinh Historic Site LK01",
        "Gai-leaf cake banh-gai",
    ]
    assert f'href="/admin/relics/{scans["busy"]}"' in top
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "vi"
    top = section(client.get("/admin/").get_data(as_text=True), "top")
    assert chart_labels(top) == ["Khu di tích Lam Kinh LK01", "Bánh gai banh-gai"]


def test_reports_name_relics_and_batches(client, accounts, scans):
    accounts.login("editor")
    html = client.get("/admin/").get_data(as_text=True)
    alerts = section(html, "alerts")
    assert 'Gai-leaf cake, lot L1</a> <span class="muted">b1</span>' in alerts
    silent = section(html, "silent")
    assert '>Đền Lê Hoàn</a> <span class="muted">LH01</span>' in silent
    reports = section(html, "reports")
    assert ">Đền Lê Hoàn</a>" in reports and f"#{scans['silent']}" not in reports


def test_a_record_without_a_name_falls_back_to_vietnamese_then_to_its_ref(app, client, accounts):
    with app.app_context():
        vi_only = Relic(
            code="TT01",
            slug="tt",
            status="published",
            translations=[RelicTranslation(lang="vi", name="Đình Thọ Xuân")],
        )
        nameless = Relic(code="QX01", slug="qx", status="draft")
        db.session.add_all([vi_only, nameless])
        db.session.flush()
        db.session.add_all(
            ScanCount(day=today(), target_kind="relic", target_id=r.id, count=n)
            for r, n in ((vi_only, 3), (nameless, 2))
        )
        db.session.add(ScanCount(day=today(), target_kind="batch", target_id=987654, count=1))
        db.session.commit()
    accounts.login("editor")
    top = section(client.get("/admin/").get_data(as_text=True), "top")
    assert chart_labels(top) == ["Đình Thọ Xuân TT01", "QX01", "batch #987654"]


def test_hostile_and_long_names_are_escaped_and_shortened_keeping_the_ref(app, client, accounts):
    name = "<script>alert(1)</script> Đền thờ " + "rất dài " * 20
    with app.app_context():
        relic = Relic(
            code="XX01",
            slug="xx",
            status="published",
            translations=[RelicTranslation(lang="vi", name=name)],
        )
        db.session.add(relic)
        db.session.flush()
        db.session.add(ScanCount(day=today(), target_kind="relic", target_id=relic.id, count=1))
        db.session.commit()
    accounts.login("editor")
    top = section(client.get("/admin/").get_data(as_text=True), "top")
    assert "<script>" not in top and "&lt;script&gt;" in top
    (label,) = chart_labels(top)
    assert label.startswith("<script>alert(1)</script> Đền") and label.endswith("… XX01")
    assert len(label) <= 40


def test_visits_from_the_site_and_bots_are_never_scans(client, accounts, scans):
    accounts.login("editor")
    html = client.get("/admin/").get_data(as_text=True)
    assert "15 scans in all" in html  # not the 100 site visits, not the 500 bot views
    totals = html.split('id="scan-totals">', 1)[1].split("</p>", 1)[0]
    assert totals == "15 scans · 104 visits from the site"
    site = html.split('id="site-visits"', 1)[1].split("</svg>", 1)[0]
    assert "104 visits from the site in all; they are not scans." in site
    assert f"<td>{today():%d/%m}</td><td>12</td><td>100</td>" in html
    two_days_ago = today() - timedelta(days=2)
    assert f"<td>{two_days_ago:%d/%m}</td><td>0</td><td>4</td>" in html
    top = section(html, "top")
    assert chart_labels(top) == ["Lam Kinh Historic Site LK01", "Gai-leaf cake banh-gai"]
    assert "lot L1" not in top  # the batch was only visited from the site
    assert "bot" not in section(html, "langs")


def test_the_counter_tells_scans_from_visits_from_the_site(app, client, accounts, scans):
    phone = {"User-Agent": "Mozilla/5.0 (Linux; Android 13) Mobile"}
    visitor = app.test_client()
    for url in ("/R/LK01", "/r/lk01/", "/r/LK01?via=site", "/r/LK01?lang=en&via=site"):
        assert visitor.get(url, headers=phone).status_code == 200
    assert visitor.get("/r/LK01", headers={"User-Agent": "curl/8"}).status_code == 200
    assert flush_now(app) == 5
    accounts.login("editor")
    html = client.get("/admin/").get_data(as_text=True)
    assert "17 scans in all" in html
    assert "106 visits from the site in all" in html

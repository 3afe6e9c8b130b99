"""Roles on every admin route and every query: anonymous, producer, editor, admin.

The walk takes the routes from ``app.url_map``, so a route added later without
being classified here makes the test fail instead of slipping through.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from qrsvc import admin_app
from qrsvc.extensions import db
from qrsvc.models import (
    Batch,
    BatchInput,
    Festival,
    Media,
    PaymentAccount,
    PrintJob,
    Producer,
    Product,
    Relic,
    RelicTranslation,
    RetailListing,
    Revision,
    SignReport,
    StampRun,
    StampState,
    Stele,
    TraceEvent,
    TraceLink,
)
from tests.conftest import sign_in


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English (the admin speaks Vietnamese by default)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


SECRET = "SECRET-OF-B"
ADMIN_ONLY = {
    "admin.user_list",
    "admin.user_edit",
    "admin.backup",
    "admin.transfer_archive",
    "admin.site_settings",
}
STAFF_ONLY = {
    "admin.relic_list",
    "admin.relic_new",
    "admin.relic_edit",
    "admin.relic_history",
    "admin.producer_new",
    "admin.transfer",
    "admin.transfer_confirm",
    "admin.transfer_export",
    "admin.report_handle",
    "admin.print_relic",
    *(
        f"admin.{kind}_{view}"
        for kind in ("festival", "stele")
        for view in ("list", "new", "edit", "history", "delete")
    ),
    "admin.print_relic_pdf",
    "admin.print_relic_preview",
    "admin.relic_payments",
    "admin.payment_review",
    "admin.payment_approve",
    "admin.payment_reject",
    "admin.relic_tampered",
    "admin.relic_replaced",
}
EVERYONE = {
    "admin.index",
    "admin.password",
    "admin.logout",
    "admin.restore",
    "admin.restore_before",
    *(
        f"admin.{kind}_{view}"
        for kind in ("producer", "product", "batch", "event", "link", "media")
        for view in ("list", "edit", "history")
    ),
    "admin.product_new",
    "admin.event_delete",
    "admin.link_delete",
    "admin.batch_new",
    "admin.event_new",
    "admin.link_new",
    "admin.media_upload",
    "admin.media_delete",
    "admin.media_detach",
    "admin.media_file",
    "admin.print_batch",
    "admin.print_batch_pdf",
    "admin.print_batch_preview",
    "admin.stamp_run_new",
    "admin.stamp_run",
    "admin.stamp_run_change",
    "admin.stamp_run_pdf",
    "admin.stamp_run_preview",
    "admin.stamp_run_csv",
    "admin.print_job_pdf",
    "admin.print_job_retry",
    "admin.batch_input_new",
    "admin.batch_input_remove",
    "admin.producer_payments",
    "admin.producer_listings",
    "admin.listing_remove",
}
OPEN = {"admin.login"}


def _records_of(producer: Producer, tag: str) -> dict[str, int]:
    secret = SECRET if tag == "b" else "own text"
    product = Product(producer=producer, ref=f"prod-{tag}", name={"vi": f"{secret} {tag}"})
    batch = Batch(product=product, ref=f"batch-{tag}", lot=f"LOT{tag}", notes={"vi": secret})
    event = TraceEvent(
        batch=batch,
        biz_step="packing",
        event_time=datetime(2026, 1, 1, tzinfo=UTC),
        description={"vi": secret},
    )
    media = Media(
        kind="image",
        storage_key=f"img/{tag}.jpg",
        mime_type="image/jpeg",
        sha256=tag * 8,
        alt={"vi": secret},
        producer_id=producer.id,
    )
    run = StampRun(batch=batch, first_serial=1000 if tag == "b" else 1, count=10)
    made_from = BatchInput(batch=batch, external_ref=f"INPUT{tag}")
    account = PaymentAccount(
        producer_id=producer.id,
        bank_bin="970436",
        account_number="0011001932418",
        holder_name=f"HTX {tag.upper()}",
    )
    shop = RetailListing(producer_id=producer.id, platform="Voso", url=f"https://voso.vn/{tag}")
    db.session.add_all([product, batch, event, media, run, made_from, account, shop])
    db.session.flush()
    link = TraceLink(
        product_id=product.id, link_type="gs1:pip", href="https://b.example/", title=secret
    )
    db.session.add(link)
    db.session.add(StampState(serial=run.first_serial, run_id=run.id, alert_reason="copied"))
    db.session.flush()
    job = PrintJob(kind="stamps", status="failed", total=10, stamp_run_id=run.id)
    db.session.add(job)
    revision = Revision(
        entity_type="product",
        entity_id=product.id,
        version=1,
        action="update",
        changes={"name.vi": ["x", secret]},
    )
    db.session.add(revision)
    db.session.flush()
    return {
        "producer": producer.id,
        "product": product.id,
        "batch": batch.id,
        "event": event.id,
        "link": link.id,
        "media": media.id,
        "revision": revision.id,
        "run": run.id,
        "job": job.id,
        "input": made_from.id,
        "account": account.id,
        "listing": shop.id,
    }


@pytest.fixture
def world(app, accounts):
    """Producer A (the logged-in producer) and producer B, each with a full set of records."""
    accounts.create("producer", email="a@coop.test", producer_ref="prod-a")
    with app.app_context():
        a = db.session.scalar(select(Producer).where(Producer.ref == "prod-a"))
        b = Producer(ref="prod-b", name=f"{SECRET} coop", kind="cooperative")
        db.session.add(b)
        db.session.flush()
        mine, theirs = _records_of(a, "a"), _records_of(b, "b")
        relic = Relic(
            code="LK01",
            slug="lam-kinh",
            translations=[RelicTranslation(lang="vi", name="Lam Kinh")],
        )
        db.session.add(relic)
        db.session.flush()
        report = SignReport(relic_id=relic.id, kind="damaged", message="broken")
        festival = Festival(relic_id=relic.id, lunar_month=1, lunar_day=10, name={"vi": "Lễ"})
        stele = Stele(relic_id=relic.id, title={"vi": "Bia"})
        db.session.add_all([festival, stele])
        db.session.add(report)
        db.session.commit()
        admin_id = accounts.create("admin")
        accounts.create("editor")
        return {
            "mine": mine,
            "theirs": theirs,
            "relic": relic.id,
            "festival": festival.id,
            "stele": stele.id,
            "report": report.id,
            "user": admin_id,
        }


def _url(app, rule, ids: dict, world: dict) -> str:
    values = {}
    endpoint = rule.endpoint.split(".", 1)[1]
    kind = endpoint.rsplit("_", 1)[0]
    if endpoint.startswith(("print_batch", "stamp_run_new", "batch_input")):
        kind = "batch"
    elif endpoint.startswith("print_relic"):
        kind = "relic"
    for arg in rule.arguments:
        if arg == "record_id":
            values[arg] = world[kind] if kind in ("relic", "festival", "stele") else ids[kind]
        elif arg == "parent_id" and kind in ("festival", "stele"):
            values[arg] = world["relic"]
        elif arg == "parent_id":
            parent = {
                "product": "producer",
                "batch": "product",
                "event": "batch",
                "link": "product",
            }[kind]
            values[arg] = ids[parent]
        elif arg == "revision_id":
            values[arg] = ids["revision"]
        elif arg == "report_id":
            values[arg] = world["report"]
        elif arg == "user_id":
            values[arg] = world["user"]
        elif arg == "media_id":
            values[arg] = ids["media"]
        elif arg == "kind":
            values[arg] = "product"
            values["record_id"] = ids["product"]
        elif arg == "fmt":
            values[arg] = "json"
        elif arg == "input_id":
            values[arg] = ids["input"]
        elif arg == "job_id":
            values[arg] = ids["job"]
        elif arg == "run_id":
            values[arg] = ids["run"]
        elif arg == "action":
            values[arg] = "activate"
        elif arg == "account_id":
            values[arg] = ids["account"]
        elif arg == "listing_id":
            values[arg] = ids["listing"]
    # The admin is an application of its own, mounted under /admin.
    with admin_app(app).test_request_context(base_url="http://localhost/admin"):
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _admin_rules(app):
    rules = [r for r in admin_app(app).url_map.iter_rules() if r.endpoint.startswith("admin.")]
    assert len(rules) > 50  # the walk is over the admin's routes, not an empty list
    return rules


def _login(client, app, email):
    sign_in(client, email)  # through the login form, whoever was signed in before


def test_every_admin_route_is_classified(app):
    known = ADMIN_ONLY | STAFF_ONLY | EVERYONE | OPEN
    unknown = {r.endpoint for r in _admin_rules(app)} - known
    assert not unknown, f"classify these routes in the role test: {sorted(unknown)}"


def test_anonymous_visitors_are_sent_to_the_login_page_everywhere(app, client, world):
    for rule in _admin_rules(app):
        if rule.endpoint in OPEN:
            continue
        url = _url(app, rule, world["mine"], world)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code == 302, (method, url)
            assert response.location.startswith("/admin/login"), (method, url)


@pytest.mark.parametrize("email", ["a@coop.test", "editor@test.local", "admin@test.local"])
def test_roles_on_every_route(app, client, world, email):
    _login(client, app, email)
    role = {"a@coop.test": "producer", "editor@test.local": "editor"}.get(email, "admin")
    for rule in _admin_rules(app):
        if rule.endpoint in OPEN or rule.endpoint == "admin.logout":
            continue
        url = _url(app, rule, world["mine"], world)
        allowed = (
            rule.endpoint in EVERYONE
            or (rule.endpoint in STAFF_ONLY and role != "producer")
            or (rule.endpoint in ADMIN_ONLY and role == "admin")
        )
        if not allowed:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(url, method=method)
                assert response.status_code == 403, (role, method, url)
        elif "GET" in rule.methods and rule.endpoint not in (
            "admin.media_file",
            "admin.print_job_pdf",
        ):
            response = client.get(url)
            if rule.endpoint == "admin.transfer_archive" and response.status_code == 302:
                # These records' media rows have no files: the archive is refused with a
                # reason on the transfer page (access itself was granted).
                assert response.location.endswith("/admin/transfer")
                continue
            assert response.status_code == 200, (role, url, response.status_code)


def test_a_producer_never_reaches_another_producers_records(app, client, world):
    _login(client, app, "a@coop.test")
    reached = 0
    for rule in _admin_rules(app):
        if rule.endpoint in OPEN or rule.endpoint == "admin.logout":
            continue
        if not (
            {"record_id", "parent_id", "revision_id", "media_id", "input_id", "listing_id"}
            & set(rule.arguments)
        ):
            continue
        url = _url(app, rule, world["theirs"], world)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={"name__vi": "hijack", "version": "1"})
            assert response.status_code in (403, 404), (method, url, response.status_code)
            assert SECRET not in response.get_data(as_text=True)
            reached += 1
    assert reached > 30
    with app.app_context():  # and nothing of B's changed
        product = db.session.get(Product, world["theirs"]["product"])
        assert product.name["vi"].startswith(SECRET) and product.version == 1


def test_lists_and_dashboard_show_a_producer_only_their_own(app, client, world):
    _login(client, app, "a@coop.test")
    for url in (
        "/admin/products/",
        "/admin/batches/",
        "/admin/events/",
        "/admin/links/",
        "/admin/media/",
        "/admin/producers/",
        "/admin/",
    ):
        html = client.get(url).get_data(as_text=True)
        assert SECRET not in html and "batch-b" not in html and "prod-b" not in html, url
    assert "batch-a" in client.get("/admin/").get_data(as_text=True)  # own alert shown
    assert "prod-a" in client.get("/admin/products/").get_data(as_text=True)


def test_staff_see_every_producer(app, client, world):
    _login(client, app, "editor@test.local")
    html = client.get("/admin/products/").get_data(as_text=True)
    assert "prod-a" in html and "prod-b" in html


def test_producer_cannot_move_a_record_to_another_producer_by_form_fields(app, client, world):
    _login(client, app, "a@coop.test")
    mine = world["mine"]
    # A product is created under the producer in the URL, whatever fields are posted.
    response = client.post(
        f"/admin/producers/{world['theirs']['producer']}/products/new",
        data={"ref": "sneaky", "name__vi": "x", "status": "draft", "producer_id": mine["producer"]},
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Product).where(Product.ref == "sneaky")) is None

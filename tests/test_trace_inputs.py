"""Input lots ("made from", one step back) recorded in the admin, shown to buyers and in
EPCIS; the EPCIS export as a download from the product page.

A producer picks inputs among its own batches only: another producer's batch is never
listed, and an id of one posted by hand is refused like an id that does not exist.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from jsonschema.validators import validator_for
from sqlalchemy import func, select

from qrsvc.extensions import db
from qrsvc.models import Batch, BatchInput, Producer, Product, Revision, TraceEvent
from tests.test_api import EPCIS_SCHEMA, FORMATS
from tests.test_trace_pages import page_text

GTIN = "08930000000019"


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English (the admin speaks Vietnamese by default)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def goods(app) -> SimpleNamespace:
    """Tứ Trụ's rice and cake (published, the cake with a transformation), and another
    producer's unpublished batch."""
    with app.app_context():
        tutru = Producer(ref="tu-tru", name="HTX Tứ Trụ", kind="cooperative")
        other = Producer(ref="other", name="Hộ khác", kind="household")
        rice = Product(producer=tutru, ref="nep", name={"vi": "Nếp cái"}, status="published")
        cake = Product(
            producer=tutru, ref="banh-gai", gtin=GTIN, name={"vi": "Bánh gai"}, status="published"
        )
        secret = Product(producer=other, ref="bi-mat", name={"vi": "Sản phẩm nháp"})
        rice_lot = Batch(product=rice, ref="NEP-1", lot="NEP1")
        cake_lot = Batch(product=cake, ref="BG-1", lot="BG1", quantity=900, unit="H87")
        secret_lot = Batch(product=secret, ref="SECRET-LOT", lot="SECRET9")
        made = TraceEvent(
            batch=cake_lot,
            event_type="TransformationEvent",
            biz_step="creating_class_instance",
            event_time=datetime(2026, 10, 2, 1, 0, tzinfo=UTC),
            quantity=900,
            unit="H87",
        )
        db.session.add_all([tutru, other, rice, cake, secret, rice_lot, cake_lot, secret_lot, made])
        db.session.commit()
        return SimpleNamespace(
            rice=rice_lot.id, cake=cake_lot.id, secret=secret_lot.id, event=made.id
        )


@pytest.fixture(scope="module")
def epcis_schema():
    """The official EPCIS 2.0 JSON schema (skipped where the reference folder is missing)."""
    if not EPCIS_SCHEMA.is_file():
        pytest.skip(f"EPCIS schema not found: {EPCIS_SCHEMA}")
    schema = json.loads(EPCIS_SCHEMA.read_text(encoding="utf-8"))
    return validator_for(schema)(schema, format_checker=FORMATS)


def add(client, batch_id: int, **fields):
    """Post the add-an-input form of a batch (field names as the page sends them)."""
    data = {f"input-{key}": value for key, value in fields.items()}
    return client.post(f"/admin/batches/{batch_id}/inputs/new", data=data)


def inputs(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            select(
                BatchInput.batch_id,
                BatchInput.input_batch_id,
                BatchInput.external_ref,
                BatchInput.quantity,
                BatchInput.unit,
            ).order_by(BatchInput.id)
        )
        return [tuple(row) for row in rows]


def test_an_input_lot_added_in_the_form_shows_to_buyers_and_in_epcis(
    app, client, accounts, goods, epcis_schema
):
    accounts.login("producer", producer_ref="tu-tru")
    form = client.get(f"/admin/batches/{goods.cake}").get_data(as_text=True)
    assert f'<option value="{goods.rice}">Nếp cái · NEP1 (NEP-1)</option>' in form
    answer = add(client, goods.cake, input_batch=str(goods.rice), quantity="140", unit="KGM")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/admin/batches/{goods.cake}")
    assert (
        add(client, goods.cake, external_lot="PN-0928/B", quantity="30", unit="XBE").status_code
        == 302
    )
    assert inputs(app) == [
        (goods.cake, goods.rice, "", 140.0, "KGM"),
        (goods.cake, None, "PN-0928/B", 30.0, "XBE"),
    ]
    client.get("/admin/logout")

    page = client.get(f"/01/{GTIN}/10/BG1?lang=vi")
    text = page_text(page)
    assert 'href="/p/nep/10/NEP1?via=site"' in page.get_data(as_text=True)
    assert "140 kg" in text and "PN-0928/B · 30 bó" in text
    assert "30 bundles" in page_text(client.get(f"/01/{GTIN}/10/BG1?lang=en"))
    # One step forward, from the rice lot's page.
    assert f'href="/01/{GTIN}/10/BG1?via=site"' in client.get("/p/nep/10/NEP1").get_data(
        as_text=True
    )

    doc = client.get("/api/v1/batches/BG-1/epcis").get_json(force=True)
    assert not [e.message for e in epcis_schema.iter_errors(doc)]
    (made,) = doc["epcisBody"]["eventList"]
    assert made["inputQuantityList"] == [
        {"epcClass": "http://qr.test/p/nep/10/NEP1", "quantity": 140, "uom": "KGM"}
    ]
    assert made["outputQuantityList"] == [
        {"epcClass": f"http://qr.test/01/{GTIN}/10/BG1", "quantity": 900, "uom": "H87"}
    ]


def test_each_change_of_inputs_is_in_the_batch_history_and_can_be_undone(
    app, client, accounts, goods
):
    accounts.login("producer", producer_ref="tu-tru")
    add(client, goods.cake, input_batch=str(goods.rice), quantity="140", unit="KGM")
    with app.app_context():
        input_id = db.session.scalar(select(BatchInput.id))
        version = db.session.get(Batch, goods.cake).version
    # A batch form opened before the input was added is out of date.
    assert version == 2
    assert client.post(f"/admin/batch-inputs/{input_id}/remove").status_code == 302
    assert inputs(app) == []
    with app.app_context():
        changes = db.session.scalars(
            select(Revision.changes).where(Revision.entity_type == "batch").order_by(Revision.id)
        ).all()
    assert changes == [{"input": [None, "NEP-1 · 140 KGM"]}, {"input": ["NEP-1 · 140 KGM", None]}]
    history = client.get(f"/admin/batches/{goods.cake}/history").get_data(as_text=True)
    assert "NEP-1 · 140 KGM" in history


def test_a_producer_cannot_see_or_link_another_producers_batch(app, client, accounts, goods):
    accounts.login("producer", producer_ref="tu-tru")
    form = client.get(f"/admin/batches/{goods.cake}").get_data(as_text=True)
    assert "SECRET" not in form and "Sản phẩm nháp" not in form
    assert "SECRET" not in client.get(f"/admin/batches/{goods.cake}/inputs/new").get_data(
        as_text=True
    )
    hostile = [
        str(goods.secret),  # another producer's, unpublished
        str(goods.cake),  # the batch itself
        "999999",
        "-1",
        "0x1",
        "1 OR 1=1",
        "9" * 40,
        "",
    ]
    for value in hostile:
        answer = add(client, goods.cake, input_batch=value, quantity="1", unit="KGM")
        assert answer.status_code == 400, value
        body = answer.get_data(as_text=True)
        assert "SECRET" not in body
    # Refused in the same words whether the batch exists or not: nothing is confirmed.
    foreign = add(client, goods.cake, input_batch=str(goods.secret)).get_data(as_text=True)
    missing = add(client, goods.cake, input_batch="999999").get_data(as_text=True)
    assert "Choose a batch from the list." in foreign and "Choose a batch from the list." in missing
    # Nor can it add to, or take from, another producer's batch.
    assert add(client, goods.secret, external_lot="L1").status_code == 404
    with app.app_context():
        db.session.add(BatchInput(batch_id=goods.secret, external_ref="THEIRS"))
        db.session.commit()
        theirs = db.session.scalar(select(BatchInput.id))
    assert client.post(f"/admin/batch-inputs/{theirs}/remove").status_code == 404
    assert client.post("/admin/batch-inputs/999999/remove").status_code == 404
    assert inputs(app) == [(goods.secret, None, "THEIRS", None, "")]


def test_staff_may_link_any_batch(app, client, accounts, goods):
    accounts.login("editor")
    form = client.get(f"/admin/batches/{goods.cake}").get_data(as_text=True)
    assert "SECRET9 (SECRET-LOT)" in form
    assert add(client, goods.cake, input_batch=str(goods.secret)).status_code == 302
    assert inputs(app) == [(goods.cake, goods.secret, "", None, "")]
    # The buyer sees the lot of an unpublished input, never a link to its page.
    html = client.get(f"/01/{GTIN}/10/BG1?lang=en").get_data(as_text=True)
    assert "SECRET9" in html and "bi-mat" not in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Choose a batch from the list or give a supplier"),
        ({"external_lot": "Lô ấy"}, "cannot be used in a lot number"),
        ({"external_lot": "A" * 21}, "20"),
        ({"external_lot": "X" * 100_000}, "20"),
        ({"external_lot": "L1\x00"}, "lot number"),
        ({"external_lot": "L 1"}, "a space cannot be used in a lot number"),
        ({"external_lot": "Lô\u0301"}, "lot number"),
        ({"external_lot": "L1", "input_batch": "RICE"}, "either a batch"),
        ({"external_lot": "L1", "quantity": "5"}, "Choose the unit of the quantity."),
        ({"external_lot": "L1", "quantity": "5", "unit": "bó lá"}, "Not a valid choice"),
        ({"external_lot": "L1", "quantity": "-5", "unit": "KGM"}, "Number must be between"),
        ({"external_lot": "L1", "quantity": "1e400", "unit": "KGM"}, "Number must be between"),
        ({"external_lot": "L1", "quantity": "nan", "unit": "KGM"}, "Number must be between"),
        ({"external_lot": "L1", "quantity": "mười", "unit": "KGM"}, "float"),
    ],
)
def test_a_malformed_input_is_refused_with_a_reason_and_stores_nothing(
    app, client, accounts, goods, fields, message
):
    accounts.login("producer", producer_ref="tu-tru")
    fields = {k: (str(goods.rice) if v == "RICE" else v) for k, v in fields.items()}
    answer = add(client, goods.cake, **fields)
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)
    assert inputs(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Revision)) == 0


def test_a_lot_with_gs1_signs_is_kept_and_shown_harmless(app, client, accounts, goods):
    accounts.login("producer", producer_ref="tu-tru")
    assert add(client, goods.cake, external_lot="<b>&'\"L1").status_code == 302
    client.get("/admin/logout")
    html = client.get(f"/01/{GTIN}/10/BG1").get_data(as_text=True)
    assert "&lt;b&gt;&amp;&#39;&#34;L1" in html and "<b>&" not in html


def test_one_batch_is_listed_once(app, client, accounts, goods):
    accounts.login("producer", producer_ref="tu-tru")
    assert add(client, goods.cake, input_batch=str(goods.rice)).status_code == 302
    again = add(client, goods.cake, input_batch=str(goods.rice))
    assert again.status_code == 400
    assert "already listed" in again.get_data(as_text=True)


def test_inputs_are_recorded_from_the_event_form_too(app, client, accounts, goods):
    accounts.login("producer", producer_ref="tu-tru")
    page = client.get(f"/admin/events/{goods.event}").get_data(as_text=True)
    assert f'action="/admin/batches/{goods.cake}/inputs/new"' in page
    assert f'name="input-event" type="hidden" value="{goods.event}"' in page
    answer = add(client, goods.cake, external_lot="DX-1102", event=str(goods.event))
    assert answer.headers["Location"].endswith(f"/admin/events/{goods.event}")
    assert "DX-1102" in client.get(f"/admin/events/{goods.event}").get_data(as_text=True)
    # An event of another batch (or a forged id) only leads back to the batch.
    answer = add(client, goods.cake, external_lot="DX-1103", event="999999")
    assert answer.headers["Location"].endswith(f"/admin/batches/{goods.cake}")


# --- the EPCIS export as a download -------------------------------------------------------


def test_the_product_page_links_its_epcis_export_as_a_download(client, goods):
    html = client.get("/p/nep?lang=en").get_data(as_text=True)
    link = '<a href="/api/v1/products/nep/epcis?download=1" download type="application/ld+json">'
    assert link + "Download the traceability data (EPCIS)</a>" in html
    vi = client.get("/p/nep?lang=vi").get_data(as_text=True)
    assert "Tải dữ liệu truy xuất nguồn gốc (EPCIS)" in vi
    batch = client.get(f"/01/{GTIN}/10/BG1?lang=en").get_data(as_text=True)
    assert 'href="/api/v1/batches/BG-1/epcis?download=1" download' in batch


@pytest.mark.parametrize("path", ["/api/v1/products/nep/epcis", "/api/v1/batches/BG-1/epcis"])
def test_the_download_link_answers_with_an_attachment_the_api_inline(client, goods, path):
    saved = client.get(path + "?download=1")
    assert saved.status_code == 200 and saved.mimetype == "application/ld+json"
    assert saved.headers["Content-Disposition"].startswith("attachment; filename=")
    assert ".jsonld" in saved.headers["Content-Disposition"]
    assert saved.get_json(force=True)["type"] == "EPCISDocument"
    shown = client.get(path)
    assert shown.headers["Content-Disposition"].startswith("inline;")
    assert shown.get_json(force=True)["epcisBody"] == saved.get_json(force=True)["epcisBody"]
    assert client.get(path + "?download=0").headers["Content-Disposition"].startswith("inline;")
    for bad in ("yes", "2", "1%00", "x" * 5000):
        answer = client.get(path, query_string={"download": bad})
        assert answer.status_code == 400, bad
        assert answer.get_json()["error"]["status"] == 400

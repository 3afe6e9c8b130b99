"""Units of measure: UN/ECE Rec. 20 codes with Vietnamese and English labels, chosen in
the admin, migrated from the free text of old records, and never lost in EPCIS."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade
from jsonschema.validators import validator_for
from sqlalchemy import select, text

from qrsvc.content.batches import batch_spec
from qrsvc.content.editing import InvalidRecordError, save_record
from qrsvc.epcis import UNITS, unit_code, unit_label
from qrsvc.extensions import db
from qrsvc.models import Batch, BatchInput, Producer, Product, Revision, TraceEvent, User
from tests.conftest import build_app
from tests.test_api import EPCIS_SCHEMA, FORMATS
from tests.test_migrations import empty_database  # noqa: F401 - the fixture, both databases

#: What a Vietnamese OCOP producer weighs, pours, counts and packs.
NEEDED = {"KGM", "GRM", "TNE", "LTR", "MLT", "H87", "XBX", "XBO", "XBG", "XPK", "XJR", "XCT"}
NEEDED |= {"XTN", "XSA", "MTR", "MTK"}


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English (the admin speaks Vietnamese by default)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


# --- the list -----------------------------------------------------------------------------


def test_every_code_has_vietnamese_and_english_labels():
    codes = [unit.code for unit in UNITS]
    assert len(codes) == len(set(codes))
    assert set(codes) >= NEEDED
    for unit in UNITS:
        assert re.fullmatch(r"[A-Z0-9]{2,3}", unit.code)  # EPCIS 2.0 schema's "uom" pattern
        assert unit.vi.strip() and unit.en.strip(), unit.code
        assert unicodedata.is_normalized("NFC", unit.vi), unit.code
        assert unit_label(unit.code, "vi") == unit.vi and unit_label(unit.code, "en") == unit.en
        assert unit_label(unit.code, "zh") == unit.en  # other languages read the English
        # Each label and spelling leads back to its own code.
        for written in (unit.code.lower(), unit.vi, unit.en.upper(), *unit.spellings):
            assert unit_code(written) == unit.code, written
    assert unit_label("XBX", "vi") == "hộp" and unit_label("H87", "en") == "pcs"


@pytest.mark.parametrize(
    ("written", "code"),
    [("kg", "KGM"), (" Kg ", "KGM"), ("g", "GRM"), ("lít", "LTR"), ("L", "LTR"), ("hộp", "XBX")]
    + [("chai", "XBO"), ("gói", "XPK"), ("túi", "XBG"), ("cái", "H87"), ("chiếc", "H87")]
    + [("Lít", "LTR"), ("li\u0301t", "LTR"), ("m2", "MTK"), ("tấn", "TNE")],
)
def test_units_as_people_write_them_have_a_code(written, code):
    assert unit_code(written) == code


@pytest.mark.parametrize(
    "written", ["", None, "bo", "bó lá", "yến", "kg\x00", "kg; DROP TABLE", "K" * 10_000, "ＫＧ"]
)
def test_anything_else_is_no_unit_rather_than_a_guess(written):
    assert unit_code(written) is None


# --- the admin and the services that save records ---------------------------------------


@pytest.fixture
def product(app) -> int:
    with app.app_context():
        producer = Producer(ref="tu-tru", name="HTX Tứ Trụ", kind="cooperative")
        made = Product(producer=producer, ref="banh-gai", name={"vi": "Bánh gai"})
        db.session.add_all([producer, made])
        db.session.commit()
        return made.id


def test_the_batch_and_event_forms_offer_the_list(client, accounts, product):
    accounts.login("producer", producer_ref="tu-tru")
    form = client.get(f"/admin/products/{product}/batches/new").get_data(as_text=True)
    assert '<option value="XBX">boxes (XBX)</option>' in form
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "vi"
    form = client.get(f"/admin/products/{product}/batches/new").get_data(as_text=True)
    assert '<option value="XBX">hộp (XBX)</option>' in form
    assert len(re.findall(r'<option value="[A-Z0-9]{2,3}">', form)) == len(UNITS)


@pytest.mark.parametrize(
    ("unit", "quantity", "message"),
    [
        ("hộp", "5", "Not a valid choice"),  # the form sends codes, not words
        ("bó lá", "5", "Not a valid choice"),
        ("KGM\r\nX", "5", "Not a valid choice"),
        ("X" * 100_000, "5", "Not a valid choice"),
        ("", "5", "Choose the unit of the quantity."),
    ],
)
def test_the_forms_refuse_an_unknown_unit(app, client, accounts, product, unit, quantity, message):
    accounts.login("producer", producer_ref="tu-tru")
    data = {"lot": "L1", "status": "active", "quantity": quantity, "unit": unit}
    answer = client.post(f"/admin/products/{product}/batches/new", data=data)
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Batch.id)) is None
        batch = Batch(product_id=product, ref="bg-1", lot="L0")
        db.session.add(batch)
        db.session.commit()
        batch_id = batch.id
    event = {
        "biz_step": "packing",
        "event_time": "2026-11-20T06:30",
        "event_type": "ObjectEvent",
        "action": "OBSERVE",
        "disposition": "",
        "quantity": quantity,
        "unit": unit,
    }
    answer = client.post(f"/admin/batches/{batch_id}/events/new", data=event)
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(TraceEvent.id)) is None


def test_an_old_record_with_a_unit_off_the_list_must_get_one_before_it_is_saved(
    app, client, accounts, product
):
    accounts.login("producer", producer_ref="tu-tru")
    with app.app_context():
        batch = Batch(product_id=product, ref="bg-1", lot="L1", quantity=12, unit="bó lá")
        db.session.add(batch)
        db.session.commit()
        batch_id, version = batch.id, batch.version
    data = {"lot": "L1", "status": "active", "quantity": "12", "version": str(version)}
    answer = client.post(f"/admin/batches/{batch_id}", data=data)
    assert answer.status_code == 400
    assert "Choose the unit of the quantity." in answer.get_data(as_text=True)
    answer = client.post(f"/admin/batches/{batch_id}", data={**data, "unit": "XBE"})
    assert answer.status_code == 302
    with app.app_context():
        assert db.session.get(Batch, batch_id).unit == "XBE"


def test_a_record_saved_without_the_form_gets_a_code_or_a_clear_refusal(app, product):
    """What an import does: values written as people write them, checked by the same spec."""
    with app.app_context():
        user = User(email="staff@test.local", role="admin")
        user.set_password("long enough password")
        db.session.add(user)
        db.session.commit()
        values = {"lot": "L1", "status": "active", "quantity": 3.5, "unit": "Lít"}
        saved = save_record(batch_spec, user, None, values, None, parent_id=product)
        assert saved.unit == "LTR"
        with pytest.raises(InvalidRecordError) as refused:
            bad = {"lot": "L2", "status": "active", "quantity": 2, "unit": "yến"}
            save_record(batch_spec, user, None, bad, None, parent_id=product)
        assert "“yến”" in refused.value.errors["unit"]  # named, in the reader's language
        assert db.session.scalar(select(Batch.lot).where(Batch.lot == "L2")) is None
        assert len(db.session.scalars(select(Revision)).all()) == 1


# --- EPCIS ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def epcis_schema():
    if not EPCIS_SCHEMA.is_file():
        pytest.skip(f"EPCIS schema not found: {EPCIS_SCHEMA}")
    schema = json.loads(EPCIS_SCHEMA.read_text(encoding="utf-8"))
    return validator_for(schema)(schema, format_checker=FORMATS)


def test_the_epcis_export_keeps_every_quantity(app, client, product, epcis_schema):
    with app.app_context():
        db.session.get(Product, product).status = "published"
        batch = Batch(product_id=product, ref="bg-1", lot="L1")
        for minute, unit in enumerate([u.code for u in UNITS] + ["hộp", "kg", ""]):
            batch.events.append(
                TraceEvent(
                    biz_step="packing",
                    event_time=datetime(2026, 11, 20, 1, minute, tzinfo=UTC),
                    quantity=minute + 0.5,
                    unit=unit,
                )
            )
        db.session.add(batch)
        db.session.commit()
    doc = client.get("/api/v1/batches/bg-1/epcis").get_json(force=True)
    assert not [e.message for e in epcis_schema.iter_errors(doc)]
    quantities = [event["quantityList"][0] for event in doc["epcisBody"]["eventList"]]
    expected = [u.code for u in UNITS] + ["XBX", "KGM", None]
    assert [q.get("uom") for q in quantities] == expected  # no unit: a count of items
    assert [q["quantity"] for q in quantities] == [n + 0.5 for n in range(len(expected))]


def test_a_quantity_in_a_unit_without_a_code_is_named_not_dropped(app, client, product):
    with app.app_context():
        db.session.get(Product, product).status = "published"
        batch = Batch(product_id=product, ref="bg-1", lot="L1")
        batch.events.append(
            TraceEvent(
                biz_step="packing",
                event_time=datetime(2026, 11, 20, 1, tzinfo=UTC),
                quantity=4,
                unit="yến",
                event_uri="urn:uuid:00000000-0000-4000-8000-000000000002",
            )
        )
        db.session.add(batch)
        db.session.commit()
    answer = client.get("/api/v1/batches/bg-1/epcis")
    assert answer.status_code == 422
    detail = answer.get_json()["error"]["detail"]
    assert "urn:uuid:00000000-0000-4000-8000-000000000002" in detail and "yến" in detail


# --- the migration ----------------------------------------------------------------------


def test_units_typed_before_0011_become_codes_where_they_map(empty_database, tmp_path):  # noqa: F811
    app = build_app(tmp_path, empty_database)
    with app.app_context():
        upgrade(revision="0010")
        # The producer and product as the schema of 0010 has them (the models have more).
        now = "2026-01-01 00:00:00"
        db.session.execute(
            text(
                "INSERT INTO producers (ref, name, kind, commune, commune_old, address, phone, "
                "email, website, tax_code, description, version, created_at, updated_at) "
                "VALUES ('p', 'HTX', 'household', '', '', '', '', '', '', '', '{}', 1, :t, :t)"
            ),
            {"t": now},
        )
        producer_id = db.session.execute(text("SELECT id FROM producers")).scalar_one()
        db.session.execute(
            text(
                "INSERT INTO products (producer_id, ref, name, category, description, "
                "ingredients, storage, net_content, ocop_cert_no, status, photo_ids, version, "
                "created_at, updated_at) VALUES (:p, 'sp', '{\"vi\": \"Sản phẩm\"}', '', '{}', "
                "'{}', '{}', '', '', 'draft', '[]', 1, :t, :t)"
            ),
            {"p": producer_id, "t": now},
        )
        product_id = db.session.execute(text("SELECT id FROM products")).scalar_one()
        written = ["kg", " Kg ", "lít", "l", "hộp", "chai", "gói", "túi", "cái", "chiếc"]
        written += ["g", "KGM", "bó lá", "", "yến"]
        batches = [
            Batch(product_id=product_id, ref=f"L{n}", lot=f"L{n}", unit=u)
            for n, u in enumerate(written)
        ]
        batches[0].inputs.append(BatchInput(external_ref="x", unit="Lít"))
        db.session.add_all(batches)
        db.session.commit()
        db.session.remove()
        upgrade()
        units = db.session.scalars(text("SELECT unit FROM batches ORDER BY id")).all()
        inputs = db.session.scalars(text("SELECT unit FROM batch_inputs")).all()
        db.session.remove()
        db.engine.dispose()
    assert units == ["KGM", "KGM", "LTR", "LTR", "XBX", "XBO", "XPK", "XBG", "H87", "H87"] + [
        "GRM",
        "KGM",
        "bó lá",  # no code: left for the admin to choose one
        "",
        "yến",
    ]
    assert inputs == ["LTR"]

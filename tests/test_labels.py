"""Every coded value a page shows has a label in vi and en, and pages show the label.

The values are read from where they are defined (the models' CHECK constraints and
enums, the EPCIS vocabulary, the stamp and scan rules, the import formats), so a new
status, role or step without a label fails here, not on a user's screen.
"""

from __future__ import annotations

import re

import pytest

from qrsvc import labels
from qrsvc.epcis.vocab import BIZ_STEPS, DISPOSITIONS
from qrsvc.extensions import db
from qrsvc.i18n import UI_LANGUAGES
from qrsvc.models import Batch, Producer, Product, Rank, Role, StampRun, StampState, Status
from qrsvc.models.base import Base
from qrsvc.scans.buffer import device_class
from qrsvc.stamps import states
from qrsvc.stamps.counting import REASONS
from qrsvc.transfer import formats, snapshot

#: The enumerated columns of the models (a CHECK ... IN (...) constraint) and their labels.
COLUMN_ENUMERATIONS = {
    ("relics", "rank"): "relic_rank",
    ("relics", "status"): "record_status",
    ("products", "status"): "record_status",
    ("batches", "status"): "batch_status",
    ("users", "role"): "role",
    ("producers", "kind"): "producer_kind",
    ("sign_reports", "kind"): "report_kind",
    ("sign_reports", "status"): "report_status",
    ("payment_accounts", "state"): "payment_account_state",
    ("areas", "kind"): "area_kind",
    ("print_jobs", "status"): "print_job_status",
    ("stamp_runs", "status"): "stamp_state",
    ("media", "kind"): "media_kind",
    ("trace_events", "event_type"): "event_type",
    ("trace_events", "action"): "epcis_action",
}
ONE_OF = re.compile(r"^\s*(\w+)\s+IN\s*\((.*)\)\s*$", re.IGNORECASE | re.DOTALL)


def enumerated_columns() -> dict[tuple[str, str], set[str]]:
    """``(table, column)`` → the values its CHECK constraint allows."""
    found = {}
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            match = ONE_OF.match(str(getattr(constraint, "sqltext", "")))
            if match:
                found[table.name, match[1]] = set(re.findall(r"'([^']*)'", match[2]))
    return found


def defined_values() -> dict[str, set[str]]:
    """Every enumeration → the values the code can store or show."""
    values: dict[str, set[str]] = {}
    for (table, column), allowed in enumerated_columns().items():
        assert (table, column) in COLUMN_ENUMERATIONS, (
            f"{table}.{column} is a new enumerated column: give its values labels in "
            "qrsvc/labels and name it in COLUMN_ENUMERATIONS"
        )
        values.setdefault(COLUMN_ENUMERATIONS[table, column], set()).update(allowed)
    values["relic_rank"] |= {str(rank) for rank in Rank}
    values["record_status"] |= {str(status) for status in Status}
    values["role"] |= {str(role) for role in Role}
    values["biz_step"] = set(BIZ_STEPS)
    values["disposition"] = set(DISPOSITIONS)
    values["stamp_state"] |= {
        states.ALLOCATED, states.PRINTED, states.ACTIVE, states.VOIDED, states.FAILED,
        *states.DECIDING.values(), "not_activated",
    }  # fmt: skip
    values["stamp_action"] = {"allocate", "print", "fail", *states.DECIDING}
    values["alert_reason"] = set(REASONS)
    values["device"] = {
        device_class(agent)
        for agent in (
            "",
            "Googlebot/2.1",
            "Mozilla/5.0 (Linux; Android 14) Mobile",
            "Mozilla/5.0 (X11)",
        )
    }
    values["import_kind"] = set(formats.KINDS) | set(snapshot.KINDS)
    return values


def test_the_models_enumerations_are_found():
    """The constraint reader itself: a few known columns and values."""
    columns = enumerated_columns()
    assert columns["users", "role"] == {"admin", "editor", "producer"}
    assert {"allocated", "voided"} <= columns["stamp_runs", "status"]
    assert defined_values()["device"] == {"bot", "mobile", "desktop"}


def test_every_defined_value_has_a_label():
    missing = {
        name: sorted(wanted - set(labels.values(name)))
        for name, wanted in defined_values().items()
        if wanted - set(labels.values(name))
    }
    assert not missing, f"values without a label in qrsvc/labels: {missing}"


@pytest.mark.parametrize("name", sorted(labels.ENUMERATIONS))
def test_every_label_is_translated_in_vi_and_en(app, name):
    """In each interface language the label is words, not the code; vi differs from en."""
    shown = {}
    for lang in UI_LANGUAGES:
        with app.test_request_context(f"/?lang={lang}"):
            shown[lang] = {value: labels.label(name, value) for value in labels.values(name)}
    for value in labels.values(name):
        english, vietnamese = shown["en"][value], shown["vi"][value]
        assert english.strip() and english != value.replace("_", " "), (name, value)
        assert vietnamese != english, f"{name}.{value} has no Vietnamese label: {english!r}"


def test_labels_follow_the_interface_language(app):
    with app.test_request_context("/?lang=vi"):
        assert labels.label("role", "editor") == "Biên tập viên"
        assert labels.label("relic_rank", "special_national") == "Di tích quốc gia đặc biệt"
    with app.test_request_context("/?lang=en"):
        assert labels.label("role", "editor") == "Editor"
        # One English word, two senses: each enumeration words it in its own context.
        assert labels.label("batch_status", "active") == "Active"
        assert labels.label("stamp_state", "active") == "Activated"


def test_an_unknown_code_shows_as_itself_and_an_unknown_enumeration_is_an_error(app):
    with app.test_request_context("/?lang=vi"):
        assert labels.label("biz_step", "urn:example:step:drying_beans") == (
            "urn:example:step:drying beans"
        )
        assert labels.label("role", None) == ""
        with pytest.raises(KeyError):
            labels.label("no_such_enumeration", "x")


def test_choices_put_the_named_values_first_and_skip_unknown_ones(app):
    values = [value for value, _text in labels.choices("role", ("producer", "nobody"))]
    assert values == ["producer", "admin", "editor"]
    assert len(labels.form_choices("biz_step")) == len(BIZ_STEPS)


def test_pages_show_labels_not_codes(app, client, accounts):
    """The users list, a stamp run and the counterfeit alerts speak Vietnamese."""
    accounts.login("admin")
    accounts.create("producer", email="p@coop.test")
    users = client.get("/admin/users/").get_data(as_text=True)
    assert "<td>Quản trị viên</td>" in users and "<td>Cơ sở sản xuất</td>" in users
    assert "<td>admin</td>" not in users and "<td>producer</td>" not in users
    with app.app_context():
        producer = db.session.query(Producer).filter_by(ref="p-p").one()
        product = Product(ref="gao", producer=producer, name={"vi": "Gạo"})
        batch = Batch(ref="gao-1", product=product, lot="L1")
        run = StampRun(batch=batch, first_serial=1, count=10, status="printed")
        db.session.add_all([product, batch, run])
        db.session.flush()
        db.session.add(
            StampState(serial=2, run_id=run.id, suspicious=True, alert_reason="far_apart")
        )
        db.session.commit()
        run_id, batch_id = run.id, batch.id
    page = client.get(f"/admin/stamp-runs/{run_id}").get_data(as_text=True)
    assert '<span class="badge">Đã in, chưa kích hoạt</span>' in page
    assert ">printed<" not in page
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "Được quét ở những nơi cách xa nhau" in dashboard and "far apart" not in dashboard
    english = client.get(f"/admin/batches/{batch_id}/stamps?lang=en").get_data(as_text=True)
    assert "Printed, not activated" in english


def test_product_categories_show_their_label_in_every_list(app, client, accounts):
    """The /products filter, the search and the admin filter name a category in words."""
    accounts.login("admin")
    accounts.create("producer", email="c@coop.test")
    with app.app_context():
        producer = db.session.query(Producer).filter_by(ref="p-c").one()
        product = Product(
            ref="tra", producer=producer, name={"vi": "Trà xanh"}, category="beverage"
        )
        product.status = "published"
        db.session.add(product)
        db.session.commit()
    admin = client.get("/admin/products/").get_data(as_text=True)
    assert ">Đồ uống</option>" in admin and ">beverage</option>" not in admin
    client.delete_cookie("session")
    listing = client.get("/products").get_data(as_text=True)
    assert 'value="beverage"' in listing and ">Đồ uống</option>" in listing
    assert ">beverage</option>" not in listing
    english = client.get("/products?lang=en").get_data(as_text=True)
    assert ">Beverages</option>" in english
    found = client.get("/search?q=tra+xanh&lang=vi").get_data(as_text=True)
    assert "Đồ uống" in found and "· beverage" not in found

"""The "Area" field of the relic and producer forms: chosen in the admin, limited per editor.

An admin puts a relic or a producer in any area, or in none; an editor limited to areas
creates records only in its own areas (the select offers nothing else and no "—"), and
whatever else is posted is the form's error, with nothing stored. The history names the
area, and the public list's area filter finds the record. An import's area code goes
through the same form check.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from qrsvc.extensions import db
from qrsvc.models import Area, Producer, Relic, Revision, User
from qrsvc.transfer.service import import_records
from tests.conftest import sign_in
from tests.test_admin_edit import RELIC, create_relic, relic_id

LIMITED = "area-limited@test.local"


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English (the admin speaks Vietnamese by default)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def areas(app, accounts) -> dict[str, int]:
    """Areas X and Y, and an editor limited to X."""
    with app.app_context():
        x = Area(code="20001", name="Xã Hòa Bình", province="Thanh Hóa")
        y = Area(code="20002", name="Phường Đông Sơn", province="Thanh Hóa")
        db.session.add_all([x, y])
        db.session.commit()
        limited_id = accounts.create("editor", email=LIMITED)
        limited = db.session.get(User, limited_id)
        limited.areas = [db.session.get(Area, x.id)]
        db.session.commit()
        return {"x": x.id, "y": y.id}


def _area_of(app, model, record_id):
    with app.app_context():
        return db.session.scalar(select(model.area_id).where(model.id == record_id))


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_an_admin_sets_and_clears_a_relics_area(app, client, accounts, areas):
    accounts.login("admin")
    page = client.get("/admin/relics/new").get_data(as_text=True)
    assert "Xã Hòa Bình — Thanh Hóa" in page and "Phường Đông Sơn — Thanh Hóa" in page
    assert page.index("Phường Đông Sơn") < page.index("Xã Hòa Bình")  # ordered by name
    assert create_relic(client, area_id=str(areas["y"])).status_code == 302
    rid = relic_id(app)
    assert _area_of(app, Relic, rid) == areas["y"]
    with app.app_context():
        version = db.session.get(Relic, rid).version
    data = {**RELIC, "code": "LK01", "version": str(version), "area_id": ""}
    assert client.post(f"/admin/relics/{rid}", data=data).status_code == 302
    assert _area_of(app, Relic, rid) is None
    history = client.get(f"/admin/relics/{rid}/history").get_data(as_text=True)
    assert "Phường Đông Sơn — Thanh Hóa" in history
    assert f">{areas['y']}<" not in history


def test_an_admin_sets_and_clears_a_producers_area(app, client, accounts, areas):
    accounts.login("admin")
    data = {"ref": "htx-a", "name": "HTX A", "kind": "cooperative", "area_id": str(areas["x"])}
    assert client.post("/admin/producers/new", data=data).status_code == 302
    with app.app_context():
        producer = db.session.scalar(select(Producer).where(Producer.ref == "htx-a"))
        pid, version = producer.id, producer.version
    assert _area_of(app, Producer, pid) == areas["x"]
    cleared = {**data, "area_id": "", "version": str(version)}
    assert client.post(f"/admin/producers/{pid}", data=cleared).status_code == 302
    assert _area_of(app, Producer, pid) is None
    history = client.get(f"/admin/producers/{pid}/history").get_data(as_text=True)
    assert "Xã Hòa Bình — Thanh Hóa" in history


def test_a_limited_editor_creates_a_relic_in_its_area(app, client, areas):
    sign_in(client, LIMITED)
    page = client.get("/admin/relics/new").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="area_id".*?</select>', page, re.S)[0]
    assert "Xã Hòa Bình" in select_html and "Đông Sơn" not in select_html
    assert 'value=""' not in select_html and "required" in select_html
    assert create_relic(client, area_id=str(areas["x"])).status_code == 302
    rid = relic_id(app)
    assert _area_of(app, Relic, rid) == areas["x"]
    assert client.get(f"/admin/relics/{rid}").status_code == 200
    history = client.get(f"/admin/relics/{rid}/history").get_data(as_text=True)
    assert "Xã Hòa Bình — Thanh Hóa" in history


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("other", "Not a valid choice."),
        ("abc", "Invalid Choice: could not coerce."),
        ("9" * 400, "Invalid Choice: could not coerce."),
        ("2147483647", "Not a valid choice."),
        ("-1", "Invalid Choice: could not coerce."),
        ("1 OR 1=1", "Invalid Choice: could not coerce."),
        ("", "This field is required."),
        (None, "This field is required."),
    ],
)
def test_a_limited_editor_cannot_pick_another_area(app, client, areas, value, message):
    sign_in(client, LIMITED)
    data = dict(RELIC)
    if value is not None:
        data["area_id"] = str(areas["y"]) if value == "other" else value
    response = client.post("/admin/relics/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count(app, Relic) == 0
    assert _count(app, Revision) == 0


def test_an_admin_cannot_post_an_area_that_does_not_exist(app, client, accounts, areas):
    accounts.login("admin")
    for value in ("999999", "x" * 10_000, "\x00", "1.5"):
        response = create_relic(client, area_id=value)
        assert response.status_code == 400, value
    assert _count(app, Relic) == 0


def test_the_public_area_filter_finds_the_relic_afterwards(app, client, accounts, areas):
    accounts.login("admin")
    published = {"status": "published", "name__en": "Lam Kinh relic site"}
    assert create_relic(client, area_id=str(areas["x"]), **published).status_code == 302
    found = client.get("/relics?area=20001&lang=en").get_data(as_text=True)
    assert "Lam Kinh" in found
    other = client.get("/relics?area=20002&lang=en").get_data(as_text=True)
    assert "Lam Kinh" not in other


def _producer_row(area) -> dict:
    return {"ref": "htx-b", "name": "HTX B", "kind": "cooperative", "area": area}


def test_an_import_sets_the_area_by_code_through_the_form(app, areas):
    with app.app_context():
        report = import_records({"producers": [_producer_row("20002")]}, None, apply=True)
        assert not any(row.errors for row in report.rows)
        producer = db.session.scalar(select(Producer).where(Producer.ref == "htx-b"))
        assert producer.area_id == areas["y"]


@pytest.mark.parametrize("area", ["99999", "abc", 12.5, ["20001"], "2" * 500])
def test_an_import_with_an_unknown_area_stores_nothing(app, areas, area):
    with app.app_context():
        report = import_records({"producers": [_producer_row(area)]}, None, apply=True)
        assert any(row.errors for row in report.rows)
        assert db.session.scalar(select(func.count()).select_from(Producer)) == 0


def test_an_import_cannot_name_an_area_by_its_id(app, areas):
    with app.app_context():
        row = {**_producer_row(""), "area_id": areas["x"]}
        report = import_records({"producers": [row]}, None, apply=True)
        assert any("area_id" in error for r in report.rows for error in r.errors)
        assert db.session.scalar(select(func.count()).select_from(Producer)) == 0

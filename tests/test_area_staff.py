"""Staff per area (issue 15): an editor limited to areas, on every admin route and list.

The role matrix of :mod:`tests.test_admin_roles` again, for an editor limited to one
area: the records of its area are reached as an unlimited editor reaches them, those of
another area are not found (404, as a producer gets), in the lists, edit pages, history,
print pages, dashboard, export and payment accounts. Then the admin lists' filters and
search, on SQLite and on PostgreSQL, and the accounts' areas (admin page and command).
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from qrsvc.extensions import db
from qrsvc.models import (
    Area,
    Festival,
    Producer,
    Product,
    Relic,
    RelicTranslation,
    SignReport,
    Stele,
    User,
)
from qrsvc.payments.access import may_propose, may_review, staff_covers
from tests.conftest import sign_in
from tests.test_admin_roles import (
    ADMIN_ONLY,
    EVERYONE,
    OPEN,
    SECRET,
    STAFF_ONLY,
    _admin_rules,
    _records_of,
    _url,
)

LIMITED = "limited@test.local"
#: Routes that reach a record by id (the others are lists, forms, the dashboard).
BY_ID = {"record_id", "parent_id", "revision_id", "media_id", "input_id", "listing_id"}


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English (the admin speaks Vietnamese by default)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def _relic(code: str, name: str, area: Area, rank: str = "provincial") -> dict[str, int]:
    relic = Relic(
        code=code,
        slug=code.lower(),
        rank=rank,
        area_id=area.id,
        translations=[RelicTranslation(lang="vi", name=name)],
    )
    db.session.add(relic)
    db.session.flush()
    report = SignReport(relic_id=relic.id, kind="damaged", message=f"{name} broken")
    festival = Festival(relic_id=relic.id, lunar_month=1, lunar_day=10, name={"vi": name})
    stele = Stele(relic_id=relic.id, title={"vi": name})
    db.session.add_all([report, festival, stele])
    db.session.flush()
    return {"relic": relic.id, "festival": festival.id, "stele": stele.id, "report": report.id}


@pytest.fixture
def world(app, accounts):
    """Areas X and Y; in each a producer with every kind of record and a relic; an editor
    limited to X, an unlimited editor and an admin."""
    with app.app_context():
        x = Area(code="10001", name="Xã Hòa Bình")
        y = Area(code="10002", name="Phường Đông Sơn")
        db.session.add_all([x, y])
        db.session.flush()
        a = Producer(ref="prod-a", name="HTX Hòa Bình", kind="cooperative", area_id=x.id)
        b = Producer(ref="prod-b", name=f"{SECRET} coop", kind="cooperative", area_id=y.id)
        db.session.add_all([a, b])
        db.session.flush()
        mine, theirs = _records_of(a, "a"), _records_of(b, "b")
        mine.update(_relic("LK01", "Đền Lê Hoàn", x, "special_national"))
        theirs.update(_relic("DS02", f"{SECRET} Đình Đông Sơn", y))
        db.session.commit()
        admin_id = accounts.create("admin")
        accounts.create("editor")
        limited_id = accounts.create("editor", email=LIMITED)
        limited = db.session.get(User, limited_id)
        limited.areas = [db.session.get(Area, x.id)]
        db.session.commit()
        mine["user"] = theirs["user"] = admin_id
        return {"mine": mine, "theirs": theirs, "x": x.id, "y": y.id, "limited": limited_id}


def _allowed_for_an_editor(endpoint: str) -> bool:
    return endpoint in EVERYONE or endpoint in STAFF_ONLY


def test_a_limited_editor_reaches_every_route_of_its_own_area(app, client, world):
    sign_in(client, LIMITED)
    checked = 0
    for rule in _admin_rules(app):
        if rule.endpoint in OPEN or rule.endpoint == "admin.logout":
            continue
        url = _url(app, rule, world["mine"], world["mine"])
        if rule.endpoint in ADMIN_ONLY:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                assert client.open(url, method=method).status_code == 403, (method, url)
            continue
        assert _allowed_for_an_editor(rule.endpoint), rule.endpoint
        if "GET" in rule.methods and rule.endpoint not in (
            "admin.media_file",
            "admin.print_job_pdf",
        ):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            checked += 1
    assert checked > 40


def test_a_limited_editor_never_reaches_another_areas_records(app, client, world):
    sign_in(client, LIMITED)
    reached = 0
    for rule in _admin_rules(app):
        if rule.endpoint in OPEN or rule.endpoint == "admin.logout":
            continue
        if not (BY_ID | {"report_id"}) & set(rule.arguments):
            continue
        url = _url(app, rule, world["theirs"], world["theirs"])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(
                url, method=method, data={"name__vi": "hijack", "version": "1", "confirm": "y"}
            )
            assert response.status_code in (403, 404), (method, url, response.status_code)
            assert SECRET not in response.get_data(as_text=True), (method, url)
            reached += 1
    assert reached > 40
    with app.app_context():  # nothing of area Y changed
        product = db.session.get(Product, world["theirs"]["product"])
        assert product.name["vi"].startswith(SECRET) and product.version == 1
        report = db.session.get(SignReport, world["theirs"]["report"])
        assert report.status == "new"
        assert db.session.get(Relic, world["theirs"]["relic"]) is not None


def test_lists_dashboard_and_export_show_a_limited_editor_only_its_area(app, client, world):
    sign_in(client, LIMITED)
    for url in (
        "/admin/relics/",
        "/admin/festivals/",
        "/admin/steles/",
        "/admin/producers/",
        "/admin/products/",
        "/admin/batches/",
        "/admin/events/",
        "/admin/links/",
        "/admin/media/",
        "/admin/",
        "/admin/transfer/export.json",
        "/admin/transfer/export.csv?kind=relics",
        "/admin/transfer/export.csv?kind=producers",
    ):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert SECRET not in html and "prod-b" not in html and "DS02" not in html, url
    assert "LK01" in client.get("/admin/relics/").get_data(as_text=True)
    assert "batch-a" in client.get("/admin/").get_data(as_text=True)  # own alert shown
    exported = json.loads(client.get("/admin/transfer/export.json").get_data(as_text=True))
    assert [r["code"] for r in exported["relics"]] == ["LK01"]
    assert [p["ref"] for p in exported["producers"]] == ["prod-a"]


def test_an_unlimited_editor_still_sees_every_area(app, client, world):
    sign_in(client, "editor@test.local")
    html = client.get("/admin/relics/").get_data(as_text=True)
    assert "LK01" in html and "DS02" in html
    html = client.get("/admin/products/").get_data(as_text=True)
    assert "prod-a" in html and "prod-b" in html


def test_payment_rules_follow_the_areas(app, world):
    with app.app_context():
        limited = db.session.get(User, world["limited"])
        editor = db.session.scalar(select(User).where(User.email == "editor@test.local"))
        own = db.session.get(Relic, world["mine"]["relic"])
        other = db.session.get(Relic, world["theirs"]["relic"])
        other_producer = db.session.get(Producer, world["theirs"]["producer"])
        assert staff_covers(limited, own) and may_review(limited, own)
        assert not staff_covers(limited, other) and not may_review(limited, other)
        assert not may_propose(limited, other_producer)
        assert staff_covers(editor, other) and may_propose(editor, other_producer)


def test_a_limited_editor_cannot_create_outside_its_areas_nor_import(app, client, world):
    sign_in(client, LIMITED)
    data = {"code": "nv09", "slug": "new-one", "status": "draft", "rank": "provincial"}
    data["area_id"] = str(world["y"])  # another area: not among the form's choices
    response = client.post("/admin/relics/new", data={**data, "name__vi": "Chùa Mới"})
    assert response.status_code == 400
    assert "Not a valid choice." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Relic).where(Relic.code == "NV09")) is None
    response = client.post(
        "/admin/producers/new", data={"ref": "prod-new", "name": "New", "kind": "household"}
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Producer).where(Producer.ref == "prod-new")) is None


# Lists: filters, search and pages ------------------------------------------------


def test_filters_and_accent_blind_search_on_the_admin_lists(app, client, world):
    sign_in(client, "editor@test.local")

    def codes(url: str) -> set[str]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        return {code for code in ("LK01", "DS02") if code in html}

    assert codes("/admin/relics/?area=10001") == {"LK01"}
    assert codes("/admin/relics/?area=10002") == {"DS02"}
    assert codes("/admin/relics/?rank=special_national") == {"LK01"}
    assert codes("/admin/relics/?status=draft") == {"LK01", "DS02"}
    assert codes("/admin/relics/?status=published") == set()
    assert codes("/admin/relics/?q=den+le+hoan") == {"LK01"}
    assert codes("/admin/relics/?q=%C4%90%E1%BB%81N%20L%C3%8A") == {"LK01"}  # "ĐỀN LÊ"
    assert codes("/admin/relics/?q=dinh+dong&area=10001") == set()
    html = client.get("/admin/producers/?q=hoa+binh").get_data(as_text=True)
    assert "HTX Hòa Bình" in html and "prod-b" not in html
    html = client.get("/admin/products/?area=10002").get_data(as_text=True)
    assert "prod-b" in html and "prod-a" not in html
    response = client.get("/admin/relics/?page=99")
    assert response.status_code == 200 and "There is no page 99" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "area=99999",
        "area=abc",
        "rank=imperial",
        "status=%27%20OR%201%3D1%20--",
        "stars=7",
        "category=nothing",
        "page=0",
        "page=-1",
        "page=1e3",
        "page=99999999999",
        "area=%00",
        "rank=" + "x" * 5000,
    ],
)
def test_bad_filter_values_are_refused_with_a_clear_400(app, client, world, query):
    sign_in(client, "editor@test.local")
    path = "/admin/products/" if query.split("=")[0] in ("stars", "category") else "/admin/relics/"
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400, query
    assert "not one of the choices" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "q", ["' OR 1=1 --", "%", "_", "\\", "<script>", "đ" * 100, "\u0301", "a" * 5000]
)
def test_hostile_searches_are_plain_text(app, client, world, q):
    sign_in(client, "editor@test.local")
    response = client.get("/admin/relics/", query_string={"q": q})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "LK01" not in html and "DS02" not in html
    if q == "<script>":
        assert "&lt;script&gt;" in html  # shown back escaped


def test_a_limited_editor_filters_only_among_its_areas(app, client, world):
    sign_in(client, LIMITED)
    html = client.get("/admin/relics/").get_data(as_text=True)
    assert 'value="10001"' in html and 'value="10002"' not in html
    assert "DS02" not in client.get("/admin/relics/?area=10002").get_data(as_text=True)


# Accounts: areas set by admins, checked -------------------------------------------


def _user_form(**changes) -> dict:
    return {
        "email": LIMITED,
        "display_name": "",
        "role": "editor",
        "producer_id": "",
        "password": "",
        "active": "y",
        **changes,
    }


def test_an_admin_sets_and_clears_an_editors_areas(app, client, world):
    sign_in(client, "admin@test.local")
    url = f"/admin/users/{world['limited']}"
    page = client.get(url).get_data(as_text=True)
    assert "Xã Hòa Bình (10001)" in page and "Phường Đông Sơn (10002)" in page
    both = [str(world["x"]), str(world["y"])]
    assert client.post(url, data=_user_form(areas=both)).status_code == 302
    with app.app_context():
        assert {a.code for a in db.session.get(User, world["limited"]).areas} == {
            "10001",
            "10002",
        }
    assert client.post(url, data=_user_form()).status_code == 302
    with app.app_context():
        assert db.session.get(User, world["limited"]).areas == []


@pytest.mark.parametrize(
    "areas",
    [["99999"], ["abc"], ["1' OR '1'='1"], ["\x00"], ["9" * 5000], [str(n) for n in range(500)]],
)
def test_unknown_areas_on_the_user_page_change_nothing(app, client, world, areas):
    sign_in(client, "admin@test.local")
    response = client.post(f"/admin/users/{world['limited']}", data=_user_form(areas=areas))
    assert response.status_code == 400
    with app.app_context():
        assert [a.code for a in db.session.get(User, world["limited"]).areas] == ["10001"]


def test_only_editors_are_limited_to_areas(app, client, world):
    sign_in(client, "admin@test.local")
    admin_id = world["mine"]["user"]
    with app.app_context():
        admin_email = db.session.get(User, admin_id).email
    response = client.post(
        f"/admin/users/{admin_id}",
        data=_user_form(email=admin_email, role="admin", areas=[str(world["x"])]),
    )
    assert response.status_code == 400
    assert "Only an editor" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, admin_id).areas == []


def test_users_create_with_areas(runner, app, world):
    args = ["users", "create", "--email", "area@y.vn", "--role", "editor"]
    result = runner.invoke(
        args=[*args, "--area", "10001", "--area", "10002"], input="long enough pw\n"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "area@y.vn"))
        assert [a.code for a in user.areas] == ["10001", "10002"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "editor", "--area", "99999"], "no area with code"),
        (["--role", "editor", "--area", "x" * 500], "no area with code"),
        (["--role", "editor", "--area", "10001 OR 1=1"], "no area with code"),
        (["--role", "admin", "--area", "10001"], "only an editor"),
    ],
)
def test_users_create_refuses_bad_areas(runner, app, world, args, message):
    result = runner.invoke(
        args=["users", "create", "--email", "bad@y.vn", *args], input="long enough pw\n"
    )
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "bad@y.vn")) is None

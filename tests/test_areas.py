"""Areas as data, lists that scale (filters, pages), search in the database, packs per area."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import select

from qrsvc.areas.listing import search_condition
from qrsvc.extensions import db
from qrsvc.models import Area, AreaOrigin, Producer, Product, Relic, RelicTranslation
from tests.browser.conftest import (
    live_server,  # noqa: F401 - the browser test's server
    new_phone_context,
)
from tests.browser.test_relic_browser import open_page, wait_for_service_worker


def _area(code: str, name: str, district: str) -> Area:
    area = Area(code=code, name=name, kind="commune", province="Thanh Hóa")
    area.origins = [AreaOrigin(former_commune=f"xã cũ {code}", former_district=district)]
    db.session.add(area)
    db.session.flush()
    return area


def _relic(code: str, name: str, area: Area | None, rank: str = "national", status="published"):
    relic = Relic(code=code, slug=code.lower(), rank=rank, status=status, commune="Xã")
    relic.area_id = area.id if area else None
    relic.translations = [RelicTranslation(lang="vi", name=name)]
    db.session.add(relic)
    return relic


@pytest.fixture
def places(app):
    """Two areas of two former districts, 30 relics in the first, 2 in the second."""
    with app.app_context():
        lam_son = _area("90101", "Xã Lam Sơn", "huyện Thọ Xuân")
        hac_thanh = _area("90102", "Phường Hạc Thành", "thành phố Thanh Hóa")
        for n in range(30):
            _relic(f"LS{n:02d}", f"Đình làng số {n}", lam_son)
        _relic("HT01", "Đền thờ Lê Hoàn", hac_thanh, rank="special_national")
        _relic("HT02", "Chùa Đông Sơn", hac_thanh, rank="provincial")
        _relic("DR01", "Bản nháp", hac_thanh, status="draft")
        maker = Producer(ref="tutru", name="HTX Bánh gai Tứ Trụ", area_id=lam_son.id)
        db.session.add(maker)
        db.session.add_all(
            [
                Product(
                    ref="banh-gai",
                    producer=maker,
                    name={"vi": "Bánh gai Tứ Trụ"},
                    category="Thực phẩm",
                    ocop_stars=4,
                    status="published",
                ),
                Product(
                    ref="che-lam",
                    producer=maker,
                    name={"vi": "Chè lam Phủ Quảng"},
                    category="Đồ uống",
                    ocop_stars=3,
                    status="published",
                ),
            ]
        )
        db.session.commit()
    return app


# The model and its stored folded text --------------------------------------------------


def test_search_text_is_folded_and_kept_up_to_date(places):
    with places.app_context():
        relic = db.session.scalar(select(Relic).where(Relic.code == "HT01"))
        assert "den tho le hoan" in relic.search_text and "ht01" in relic.search_text
        relic.translations[0].name = "Đền Đồng Cổ"  # a translation's change refolds its relic
        db.session.commit()
        assert "den dong co" in db.session.get(Relic, relic.id).search_text
        product = db.session.scalar(select(Product).where(Product.ref == "banh-gai"))
        assert product.search_text == "banh-gai banh gai tu tru thuc pham"
        assert "htx banh gai tu tru" in db.session.scalar(select(Producer)).search_text


@pytest.mark.parametrize("query", ["den tho le hoan", "ĐỀN THỜ", "Đền thờ Lê Hoàn", "le hoan"])
def test_search_ignores_accents_case_and_normal_form(places, client, query):
    for form in ("NFC", "NFD"):
        html = client.get("/search", query_string={"q": unicodedata.normalize(form, query)})
        assert "Đền thờ Lê Hoàn" in html.get_data(as_text=True)


def test_search_finds_products_by_their_producer_and_refuses_wildcards(places, client):
    html = client.get("/search?q=tu tru").get_data(as_text=True)
    assert "Bánh gai Tứ Trụ" in html and "Chè lam Phủ Quảng" in html  # the producer matches
    for hostile in ("%", "_", "%%%", "\\", "' OR 1=1 --"):
        html = client.get("/search", query_string={"q": hostile}).get_data(as_text=True)
        assert "Đền thờ Lê Hoàn" not in html  # wildcards are matched literally
    assert client.get("/search", query_string={"q": "x" * 100_000}).status_code == 200


def test_search_condition_for_the_admin(places):
    with places.app_context():
        condition = search_condition(Relic.search_text, "DINH LANG so 29")
        assert [r.code for r in db.session.scalars(select(Relic).where(condition))] == ["LS29"]
        assert search_condition(Relic.search_text, "   ") is None


# Public lists: filters and pages ----------------------------------------------------------


def test_relic_list_is_paginated_with_links(places, client):
    first = client.get("/relics?area=90101").get_data(as_text=True)
    assert "30 relics" in first or "30 di tích" in first
    assert first.count('class="card"') == 24 or first.count("/r/LS") == 24
    assert 'href="/relics?page=2&amp;area=90101"' in first or "page=2" in first
    second = client.get("/relics?area=90101&page=2").get_data(as_text=True)
    assert second.count("/r/LS") == 6


def test_relic_list_filters_by_former_district_and_rank(places, client):
    html = client.get("/relics", query_string={"district": "thành phố Thanh Hóa"}).get_data(
        as_text=True
    )
    assert "/r/HT01" in html and "/r/HT02" in html and "/r/LS01" not in html
    assert "/r/DR01" not in html  # drafts are never listed
    ranked = client.get("/relics?rank=provincial").get_data(as_text=True)
    assert "/r/HT02" in ranked and "/r/HT01" not in ranked


@pytest.mark.parametrize(
    "query",
    [
        "area=99999",
        "area=<script>alert(1)</script>",
        "area=" + "9" * 5000,
        "district=huyện Không Có",
        "rank=bogus",
        "page=abc",
        "page=-1",
        "page=0",
        "page=1e3",
        "page=99999999999",
        "area=%00",
    ],
)
def test_relic_list_refuses_values_that_are_not_choices(places, client, query):
    response = client.get(f"/relics?{query}")
    assert response.status_code == 400
    assert "<script>alert" not in response.get_data(as_text=True)


def test_a_page_past_the_end_is_empty_and_says_so(places, client):
    response = client.get("/relics?area=90102&page=50&lang=en")
    assert response.status_code == 200
    assert "past the end of the list" in response.get_data(as_text=True)
    products = client.get("/products?page=9&lang=en")
    assert products.status_code == 200 and "past the end" in products.get_data(as_text=True)


@pytest.mark.parametrize(
    "query, found, missing",
    [
        ("area=90101", ["/p/banh-gai", "/p/che-lam"], []),
        ("area=90102", [], ["/p/banh-gai", "/p/che-lam"]),
        ("district=huyện Thọ Xuân", ["/p/banh-gai"], []),
        ("stars=4", ["/p/banh-gai"], ["/p/che-lam"]),
        ("category=Đồ uống", ["/p/che-lam"], ["/p/banh-gai"]),
    ],
)
def test_product_list_filters(places, client, query, found, missing):
    html = client.get(f"/products?{query}").get_data(as_text=True)
    assert all(name in html for name in found) and not any(n in html for n in missing)


@pytest.mark.parametrize(
    "query", ["stars=6", "stars=x", "category=Vũ khí", "area=1", "page=x", "district=\x01"]
)
def test_product_list_refuses_values_that_are_not_choices(places, client, query):
    assert client.get(f"/products?{query}").status_code == 400


# The JSON API -----------------------------------------------------------------------------


def test_api_lists_take_the_same_filters(places, client):
    body = client.get("/api/v1/relics?area=90101&per_page=10&page=2").get_json()
    assert body["total"] == 30 and len(body["items"]) == 10
    assert "area=90101" in body["links"]["next"]
    body = client.get("/api/v1/products?stars=3").get_json()
    assert [p["ref"] for p in body["items"]] == ["che-lam"]
    for query in ("relics?area=nope", "relics?rank=x", "products?stars=9", "products?district=x"):
        response = client.get(f"/api/v1/{query}")
        assert response.status_code == 400, query
        assert "error" in response.get_json()
    spec = client.get("/api/v1/openapi.json").get_json()
    names = [p["name"] for p in spec["paths"]["/relics"]["get"]["parameters"]]
    assert {"area", "district", "rank"} <= set(names)
    area = next(p for p in spec["paths"]["/relics"]["get"]["parameters"] if p["name"] == "area")
    assert "90101" in area["schema"]["enum"]


# Offline packs per area -------------------------------------------------------------------


def test_offline_pack_of_one_area(places, client):
    whole = client.get("/offline-pack.json").get_json()
    one = client.get("/offline-pack.json?area=90102").get_json()
    assert set(one["pages"]) >= {"/r/HT01", "/r/HT02", "/relics?area=90102"}
    assert "/r/LS01" not in one["pages"] and "/r/LS01" in whole["pages"]
    assert 0 < one["bytes"] < whole["bytes"] and one["version"] != whole["version"]
    assert client.get("/offline-pack.json?area=00000").status_code == 400
    html = client.get("/relics?area=90102&lang=en").get_data(as_text=True)
    assert 'data-pack-url="/offline-pack.json?area=90102"' in html
    assert "Save the relics of Phường Hạc Thành for offline use (about" in html
    assert "Save all relics for offline use" not in html  # one offer per page


def test_demo_areas_are_loaded_and_assigned(app):
    from qrsvc.demo import load_demo
    from qrsvc.media import media_store_from_config

    with app.app_context():
        load_demo(db.session, media_store_from_config(app.config))
        lam_kinh = db.session.scalar(select(Relic).where(Relic.code == "LK01"))
        area = db.session.get(Area, lam_kinh.area_id)
        assert area.name == "Xã Lam Sơn" and "xã Xuân Lam" in [
            o.former_commune for o in area.origins
        ]
        assert db.session.scalar(select(Producer).where(Producer.area_id.is_(None))) is None


@pytest.mark.browser
def test_a_phone_saves_one_areas_pack_and_opens_its_relics_offline(live_server, chromium):  # noqa: F811
    """On the relic list of one area, the offer names the area and its size; once saved,
    that area's relics open offline by the form their signs carry, and no other's."""
    base = live_server.url
    with live_server.app.test_client() as plain:
        pack = plain.get("/offline-pack.json?area=90101").get_json()  # the demo's Xã Lam Sơn
        whole = plain.get("/offline-pack.json").get_json()
    ours = [p for p in pack["pages"] if p.startswith("/r/")]
    others = [p for p in whole["pages"] if p.startswith("/r/") and p not in ours]
    assert ours and others
    context = new_phone_context(chromium)
    try:
        page = context.new_page()
        open_page(page, base + "/relics?area=90101")
        wait_for_service_worker(page)
        button = page.locator("[data-pack-button]")
        button.wait_for(state="visible")
        assert "Xã Lam Sơn" in button.inner_text() and (
            "MB" in button.inner_text() or "kB" in button.inner_text()
        )
        button.click()
        status = page.locator("[data-pack-status]")
        page.wait_for_function(
            "el => el.textContent === el.dataset.done || el.textContent === el.dataset.fail",
            arg=status.element_handle(),
            timeout=60_000,
        )
        assert status.inner_text() == status.get_attribute("data-done")
        context.set_offline(True)
        for path in ours:
            page.goto(base + path.replace("/r/", "/R/"), wait_until="load")
            assert page.locator("article.relic h1").count() == 1, path
        page.goto(base + others[0].replace("/r/", "/R/"), wait_until="load")
        assert page.locator("article.relic h1").count() == 0  # not in this area's pack
    finally:
        context.close()

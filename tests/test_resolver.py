"""The GS1 Digital Link resolver: every rule of PRODUCT.md §2 "Resolver behaviour"."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qrsvc.extensions import db
from qrsvc.models import Batch, Product, Relic, RelicTranslation, StampRun, TraceLink
from tests.test_trace_pages import GTIN_CAKE, GTIN_DRAFT, GTIN_UNKNOWN, build_catalog

LINKSET = "application/linkset+json"
VOC = "https://ref.gs1.org/voc/"
CAKE = f"/01/{GTIN_CAKE}"
LOT = f"{CAKE}/10/BG0601"


@pytest.fixture
def app_config() -> dict:
    """No background scan flusher (see tests/test_trace_pages.py)."""
    return {"SCAN_FLUSH_SECONDS": 0}


@pytest.fixture
def catalog(app):
    """The sample catalog of tests/test_trace_pages.py."""
    with app.app_context():
        return build_catalog(db.session)


def linkset_of(response) -> dict:
    assert response.status_code == 200
    assert response.mimetype == LINKSET
    return json.loads(response.get_data(as_text=True))


def assert_links_header(response, path: str) -> None:
    assert f'<{path}?linkType=linkset>; rel="linkset"' in response.headers["Link"]


# --- the human page, directly ------------------------------------------------------------


@pytest.mark.parametrize(
    "path, expected",
    [
        (CAKE, "Bánh gai Tứ Trụ"),
        (f"/01/{GTIN_CAKE[1:]}", "Bánh gai Tứ Trụ"),  # GTIN-13, padded to 14
        (f"{CAKE}/", "Bánh gai Tứ Trụ"),  # trailing slash tolerated
        (f"/gtin/{GTIN_CAKE}", "Bánh gai Tứ Trụ"),  # legacy short name
        (f"/gtin/{GTIN_CAKE}/lot/BG0601", "lô BG0601"),
        (LOT, "lô BG0601"),
        (f"{LOT}/", "lô BG0601"),
        (f"{CAKE}/10/BG%2F07", "lô BG/07"),  # a slash inside a lot, percent-encoded
        (f"{LOT}/21/12345", "lô BG0601"),  # serial with no stamp: walks up to the batch
        (f"{CAKE}/22/V1/10/BG0601", "lô BG0601"),  # a CPV is still the product
        (f"{LOT}?17=250608&11=250601", "lô BG0601"),  # data attributes in the query
    ],
)
def test_a_scan_reaches_the_page_without_any_redirect(client, catalog, path, expected):
    response = client.get(path + ("&" if "?" in path else "?") + "lang=vi")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert expected in response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_unknown_lot_walks_up_to_the_product(client, catalog):
    response = client.get(f"{CAKE}/10/NOBODY?lang=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Tu Tru ramie-leaf cake" in html and "lot NOBODY" in html
    response = client.get(f"{CAKE}/10/NOBODY/21/1?lang=en")
    assert response.status_code == 200 and "Tu Tru ramie-leaf cake" in response.get_data(True)


def test_every_answer_links_to_its_linkset(client, catalog):
    assert_links_header(client.get(CAKE), CAKE)
    assert_links_header(client.get(f"{LOT}/21/9"), f"{LOT}/21/9")
    assert_links_header(client.get(f"/01/{GTIN_CAKE[1:]}/"), CAKE)  # the canonical form
    assert_links_header(client.get(f"{CAKE}/10/BG0515"), f"{CAKE}/10/BG0515")  # 410 too
    assert_links_header(client.get(f"{CAKE}?linkType=gs1:certificationInfo"), CAKE)
    assert_links_header(client.get(f"{CAKE}?linkType=linkset"), CAKE)


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, words",
    [
        ("/01/08931234567898", "check digit"),
        ("/01/", "GTIN"),
        ("/01", "GTIN"),
        ("/01/123", "GTIN"),
        (f"{CAKE}/21/1/10/BG0601", "10"),  # qualifiers out of order
        (f"{CAKE}/10/A/10/B", "twice"),
        (f"{CAKE}/99/x", "qualifier"),
        (f"{CAKE}/10", "no value"),
        (f"{CAKE}/10/" + "A" * 21, "20"),
        (f"{CAKE}//10/A", "empty"),
        (f"{CAKE}/10/%zz", "percent"),
        (f"{CAKE}?17=251399", "date"),
    ],
)
def test_syntax_errors_are_400_with_the_reason(client, catalog, path, words):
    response = client.get(path)
    assert response.status_code == 400
    assert words.lower() in response.get_data(as_text=True).lower()
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    as_json = client.get(path, headers={"Accept": "application/json"})
    assert as_json.status_code == 400
    assert words.lower() in as_json.get_json()["error"]["detail"].lower()


@pytest.mark.parametrize("gtin", [GTIN_UNKNOWN, GTIN_DRAFT])
def test_unknown_or_unpublished_gtin_is_404(client, catalog, gtin):
    response = client.get(f"/01/{gtin}/10/D1")
    assert response.status_code == 404
    assert gtin in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/01/" + "1" * 10_000,
        f"{CAKE}/10/" + "%41" * 3_400,
        f"{CAKE}?" + "x=1&" * 2_600,
        f"{CAKE}/10/%00",
        f"{CAKE}/10/A%00B",
        f"{CAKE}/10/..",
        f"{CAKE}/10/%2e%2e",
        "/01/../../etc/passwd",
        "/01/..%2F..%2Fetc%2Fpasswd",
        f"{CAKE}/10/b%C3%A1nh",
        f"{CAKE}/10/%ff",
        "/01/%E2%80%AE0893",
        f"{CAKE}/10/A%0D%0ASet-Cookie:x=1",
        "/01/08931234567897' OR '1'='1",
        "/gtin/" + "9" * 5_000,
    ],
)
def test_hostile_paths_are_refused_cleanly(client, catalog, path):
    response = client.get(path)
    assert response.status_code in (400, 404), (path[:60], response.status_code)
    assert "Set-Cookie" not in response.headers


def test_sql_like_lot_is_just_an_unknown_lot(client, catalog):
    response = client.get(f"{CAKE}/10/'OR'1'='1?lang=vi")
    assert response.status_code == 200 and "Bánh gai Tứ Trụ" in response.get_data(True)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    tail=st.lists(st.text(min_size=0, max_size=25), min_size=0, max_size=6),
    query=st.text(max_size=40),
)
def test_random_paths_never_crash_the_resolver(client, catalog, tail, query):
    from urllib.parse import quote

    path = CAKE + "".join("/" + quote(part, safe="/%") for part in tail)
    response = client.get(path + "?" + quote(query, safe="=&%"))
    assert response.status_code in (200, 400, 404, 410)


# --- linkType -----------------------------------------------------------------------------


def test_link_type_redirects_to_that_link_passing_the_query_on(client, catalog):
    response = client.get(f"{CAKE}?linkType=gs1:certificationInfo&utm_source=label&17=250608")
    assert response.status_code == 307
    assert response.headers["Location"] == (
        "https://ocop.example/cert/123?x=1&utm_source=label&17=250608"
    )


@pytest.mark.parametrize(
    "link_type", ["gs1:pip", "pip", "https://gs1.org/voc/pip", f"{VOC}pip", "gs1:defaultLink"]
)
def test_our_own_page_is_served_directly_for_its_link_type(client, catalog, link_type):
    response = client.get(f"{CAKE}?linkType={link_type}&lang=vi")
    assert response.status_code == 200
    assert "Bánh gai Tứ Trụ" in response.get_data(as_text=True)


def test_link_types_walk_up_from_the_batch_to_the_product(client, catalog):
    response = client.get(f"{LOT}?linkType=gs1:hasRetailers")
    assert response.status_code == 307
    assert response.headers["Location"] == "https://shop.example/banh-gai"
    batch_only = client.get(f"{LOT}?linkType=gs1:instructions")
    assert batch_only.headers["Location"] == "https://tutru.example/hap-banh"
    assert client.get(f"{CAKE}?linkType=gs1:instructions").status_code == 404


def test_traceability_link_by_media_type(client, catalog):
    page = client.get(f"{LOT}?linkType=gs1:traceability")
    assert page.status_code == 200 and "lô BG0601" in page.get_data(as_text=True)
    data = client.get(f"{LOT}?linkType=gs1:traceability", headers={"Accept": "application/ld+json"})
    assert data.status_code == 307
    assert data.headers["Location"] == "http://qr.test/api/v1/batches/BG0601/epcis"


@pytest.mark.parametrize("link_type", ["gs1:recipeInfo", "gs1:nonsense", "x" * 500, "%F0%9F%8D%9A"])
def test_missing_or_unknown_link_type_is_404(client, catalog, link_type):
    assert client.get(f"{CAKE}?linkType={link_type}").status_code == 404


def test_control_characters_in_the_query_are_a_syntax_error(client, catalog):
    assert client.get(f"{CAKE}?linkType=%00").status_code == 400


def test_unsafe_staff_links_are_never_served(client, catalog):
    body = client.get(f"{CAKE}?linkType=linkset").get_data(as_text=True)
    assert "javascript:" not in body


def test_staff_default_link_is_the_one_default(app, client, catalog):
    with app.app_context():
        db.session.add(
            TraceLink(
                product_id=catalog.cake_id,
                link_type="gs1:pip",
                href="https://tutru.example/",
                title="HTX Tứ Trụ",
                is_default=True,
            )
        )
        db.session.commit()
    response = client.get(f"{CAKE}?utm=1")
    assert response.status_code == 307
    assert response.headers["Location"] == "https://tutru.example/?utm=1"
    # The batch level has its own default: the batch page, still in one step.
    assert client.get(LOT).status_code == 200
    linkset = linkset_of(client.get(f"{CAKE}?linkType=linkset"))
    defaults = linkset["linkset"][0][f"{VOC}defaultLink"]
    assert [d["href"] for d in defaults] == ["https://tutru.example/"]


# --- recall -------------------------------------------------------------------------------


def test_recalled_batch_is_410_at_lot_and_serial_level(client, catalog):
    for path in (f"{CAKE}/10/BG0515", f"{CAKE}/10/BG0515/21/77"):
        response = client.get(path + "?lang=en")
        assert response.status_code == 410
        assert "This batch has been recalled" in response.get_data(as_text=True)
    # The data stays reachable for shops and scripts.
    linkset = linkset_of(client.get(f"{CAKE}/10/BG0515?linkType=linkset"))
    assert f"{VOC}recallStatus" in linkset["linkset"][0]


def test_recall_overrides_a_staff_default_link(app, client, catalog):
    with app.app_context():
        db.session.add(
            TraceLink(
                product_id=catalog.cake_id,
                batch_id=catalog.recalled_id,
                link_type="gs1:pip",
                href="https://tutru.example/promo",
                is_default=True,
            )
        )
        db.session.commit()
    assert client.get(f"{CAKE}/10/BG0515").status_code == 410


# --- linkset ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, headers",
    [
        ("?linkType=linkset", {}),
        ("?linkType=all", {}),
        ("", {"Accept": LINKSET}),
        ("", {"Accept": "application/json"}),
    ],
)
def test_linkset_lists_every_level_up_to_the_gtin(client, catalog, query, headers):
    linkset = linkset_of(client.get(f"{LOT}/21/5{query}", headers=headers))["linkset"]
    assert [c["anchor"] for c in linkset] == [f"http://qr.test{LOT}", f"http://qr.test{CAKE}"]
    lot, product = linkset
    assert {f"{VOC}defaultLink", f"{VOC}traceability", f"{VOC}instructions"} <= set(lot)
    assert {f"{VOC}pip", f"{VOC}hasRetailers", f"{VOC}certificationInfo"} <= set(product)
    for context in linkset:
        for relation, targets in context.items():
            if relation == "anchor":
                continue
            assert relation.startswith(VOC)
            for target in targets:
                assert set(target) >= {"href", "type", "title", "hreflang"}, target
                assert isinstance(target["hreflang"], list) and target["hreflang"]
    pip = product[f"{VOC}pip"][0]
    assert pip == {
        "href": f"http://qr.test{CAKE}",
        "title": "Bánh gai Tứ Trụ",
        "type": "text/html",
        "hreflang": ["vi", "en"],
    }
    epcis = [t for t in lot[f"{VOC}traceability"] if t["type"] == "application/ld+json"]
    assert epcis[0]["href"] == "http://qr.test/api/v1/batches/BG0601/epcis"
    cert = product[f"{VOC}certificationInfo"][0]
    assert cert["hreflang"] == ["en"] and cert["title"] == "OCOP certificate"


def test_linkset_of_an_unknown_lot_has_only_the_product_level(client, catalog):
    linkset = linkset_of(client.get(f"{CAKE}/10/NOBODY?linkType=linkset"))["linkset"]
    assert [c["anchor"] for c in linkset] == [f"http://qr.test{CAKE}"]


# --- methods, CORS, the description file ------------------------------------------------


def test_head_answers_like_get_without_a_body(client, catalog):
    response = client.head(LOT)
    assert response.status_code == 200
    assert response.get_data() == b""
    assert "linkset" in response.headers["Link"]
    assert client.head(f"{CAKE}/10/BG0515").status_code == 410
    assert client.head("/01/08931234567898").status_code == 400


def test_options_preflight(client, catalog):
    response = client.options(
        LOT,
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "Link" in response.headers["Access-Control-Expose-Headers"]
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}


def test_other_methods_are_not_allowed(client, catalog):
    assert client.post(LOT).status_code == 405
    assert client.delete(CAKE).status_code == 405


def test_resolver_description_file(client):
    response = client.get("/.well-known/gs1resolver")
    assert response.status_code == 200
    body = response.get_json()
    assert body["resolverRoot"] == "http://qr.test"
    assert body["supportedPrimaryKeys"] == ["01"]
    assert body["supportedLinkType"][0]["namespace"] == VOC
    assert "gs1:pip" in body["linkTypes"] and "gs1:traceability" in body["linkTypes"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_serial_level_asks_the_stamp_area_first(app, client, catalog, monkeypatch):
    seen = []

    def fake_stamp_page(batch, serial):
        seen.append((batch.lot, serial))
        return ("stamp page", 200) if serial == "S1" else None

    monkeypatch.setattr("qrsvc.resolver.views.render_item_stamp", fake_stamp_page)
    response = client.get(f"{LOT}/21/S1")
    assert response.get_data(as_text=True) == "stamp page"
    assert "linkset" in response.headers["Link"]
    assert client.get(f"{LOT}/21/S2").status_code == 200  # None: the batch page
    assert seen == [("BG0601", "S1"), ("BG0601", "S2")]


# --- qrsvc check-links --------------------------------------------------------------------


def test_check_links_passes_when_every_code_resolves(runner, catalog):
    result = runner.invoke(args=["check-links"])
    assert result.exit_code == 0, result.output
    # Products (2) and the batches of published products (4); drafts were never public.
    assert "checked 6 codes: 6 resolve, 0 failed" in result.output
    assert "FAIL" not in result.output


def test_check_links_reports_codes_that_no_longer_resolve(runner, catalog, monkeypatch):
    # As if an upgrade broke GTIN look-ups: every Digital Link answers 404.
    monkeypatch.setattr("qrsvc.trace.services.published_product_by_gtin", lambda gtin: None)
    result = runner.invoke(args=["check-links", "--verbose"])
    assert result.exit_code == 1
    assert f"FAIL product banh-gai-tu-tru  http://qr.test/01/{GTIN_CAKE}  answers 404" in (
        result.output
    )
    assert "FAIL batch BG0601" in result.output
    assert "ok   product nep-cai-hoa-vang" in result.output  # local paths still work
    assert "checked 6 codes: 2 resolve, 4 failed" in result.output


def test_a_lot_gs1_cannot_carry_still_gets_a_working_code(app, client, runner, catalog):
    with app.app_context():
        cake = db.session.get(Product, catalog.cake_id)
        db.session.add(Batch(product=cake, ref="BAD", lot="lô 7"))  # space, Vietnamese letter
        db.session.commit()
    page = client.get(f"{CAKE}?lang=vi")
    assert page.status_code == 200
    assert 'href="/p/banh-gai-tu-tru/10/l%C3%B4%207?via=site"' in page.get_data(as_text=True)
    assert "lô 7" in client.get("/p/banh-gai-tu-tru/10/l%C3%B4%207").get_data(as_text=True)
    result = runner.invoke(args=["check-links"])
    assert "checked 7 codes: 7 resolve, 0 failed" in result.output


def test_check_links_covers_printed_stamp_runs(app, runner, catalog):
    with app.app_context():
        db.session.add_all(
            [
                StampRun(
                    batch_id=catalog.cake_lot_id, first_serial=1000, count=500, status="active"
                ),
                # Allocated but never printed: nothing of it is out there to check.
                StampRun(batch_id=catalog.cake_lot_id, first_serial=1500, count=10),
            ]
        )
        db.session.commit()
    result = runner.invoke(args=["check-links", "--verbose"])
    assert result.exit_code == 0, result.output
    assert "stamp 1000" in result.output and "stamp 1499" in result.output
    assert "stamp 1500" not in result.output
    assert "checked 8 codes: 8 resolve" in result.output


def test_check_links_covers_relic_signs(app, runner, catalog):
    with app.app_context():
        for code, status in (("LK01", "published"), ("ZZ09", "draft")):
            relic = Relic(code=code, slug=code.lower(), status=status)
            relic.translations.append(RelicTranslation(lang="vi", name=f"Di tích {code}"))
            relic.translations.append(RelicTranslation(lang="en", name=f"Relic {code}"))
            db.session.add(relic)
        db.session.commit()
    result = runner.invoke(args=["check-links", "--verbose"])
    assert result.exit_code == 0, result.output
    assert "ok   relic LK01  http://qr.test/r/LK01" in result.output
    assert "ZZ09" not in result.output  # a draft was never put on a sign


def test_a_bad_check_digit_gets_advice_in_the_buyers_language_not_gs1_english(client):
    """Found by a walk: "GTIN check digit is 0, not 1" on a Vietnamese page."""
    answer = client.get("/01/08936001000011/10/BG2610A", headers={"Accept-Language": "vi"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    # Advice in the buyer's language first; GS1's technical reason only after it.
    assert "Hãy quét lại nhãn" in page
    assert page.index("Hãy quét lại nhãn") < page.index("Chi tiết kỹ thuật") < page.index("check")
    english = client.get("/01/08936001000011", headers={"Accept-Language": "en"})
    assert "Scan the label again" in english.get_data(as_text=True)

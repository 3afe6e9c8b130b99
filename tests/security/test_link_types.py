"""One link-type vocabulary: the GS1 Web Vocabulary's, for the admin, the resolver and
the linkset alike; a link the resolver would not serve cannot be stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

import qrsvc
from qrsvc.extensions import db
from qrsvc.gs1.link_vocabulary import LINK_VOCABULARY, stable_link_types
from qrsvc.models import Producer, Product, TraceLink
from qrsvc.resolver.linktypes import (
    LINK_TYPES,
    STORABLE_LINK_TYPES,
    link_type_choices,
    normalise_link_type,
    relation_uri,
)

REFERENCE = Path(qrsvc.__file__).parents[1].parent / "shared/reference/gs1-webvoc"
COPY = Path(qrsvc.__file__).parent / "gs1/webvoc"
GTIN = "08930000000019"


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English (the admin speaks Vietnamese by default)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.mark.parametrize("name", ["linktypes.json", "LICENSE"])
def test_the_packaged_vocabulary_is_the_reference_copy(name):
    if not (REFERENCE / name).is_file():
        pytest.skip(f"the reference file {REFERENCE / name} is absent (outside the project's CI)")
    assert (COPY / name).read_bytes() == (REFERENCE / name).read_bytes()


def test_the_vocabulary_is_read_whole():
    document = json.loads((COPY / "linktypes.json").read_text("utf-8"))
    assert len(LINK_VOCABULARY) == len(document["linkTypes"]) == 60
    assert LINK_VOCABULARY["gs1:productSustainabilityInfo"].status == "deprecated"
    assert LINK_VOCABULARY["gs1:relatedVideo"].label == "Related video"  # spaces tidied


def test_the_resolver_serves_every_stable_link_type_and_no_other():
    assert set(LINK_TYPES) == set(stable_link_types())
    assert "gs1:productSustainabilityInfo" not in LINK_TYPES
    for name in LINK_TYPES:
        assert normalise_link_type(name) == name
        assert normalise_link_type(relation_uri(name)) == name
        assert normalise_link_type(name.removeprefix("gs1:").upper()) == name


def test_the_admin_offers_exactly_the_storable_link_types():
    offered = [value for value, _label in link_type_choices()]
    assert len(offered) == len(set(offered))
    assert (
        set(offered)
        == set(STORABLE_LINK_TYPES)
        == set(LINK_TYPES)
        - {
            "gs1:defaultLink",
            "gs1:defaultLinkMulti",
        }
    )
    assert offered[0] == "gs1:pip"


def test_the_demo_links_are_all_of_served_types():
    from qrsvc.demo.content import BATCHES, PRODUCTS

    used = {link["link_type"] for item in (*PRODUCTS, *BATCHES) for link in item.get("links", [])}
    assert used and used <= set(STORABLE_LINK_TYPES)


def test_the_resolver_description_lists_the_vocabulary(client):
    body = client.get("/.well-known/gs1resolver").get_json()
    assert sorted(body["linkTypes"]) == sorted(LINK_TYPES)


@pytest.fixture
def product_id(app, accounts):
    """A published product with a GTIN, of the logged-in producer."""
    accounts.login("producer", producer_ref="tu-tru")
    with app.app_context():
        producer = db.session.scalar(select(Producer))
        product = Product(
            producer=producer,
            ref="banh-gai",
            gtin=GTIN,
            status="published",
            name={"vi": "Bánh gai", "en": "Gai leaf cake"},
        )
        db.session.add(product)
        db.session.commit()
        return product.id


def add_link(client, product_id: int, link_type: str, href: str = "https://shop.example/x"):
    data = {"link_type": link_type, "href": href, "title": "Link", "lang": "vi"}
    return client.post(f"/admin/products/{product_id}/links/new", data=data)


def links(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(TraceLink.id)))


@pytest.mark.parametrize(
    "link_type",
    [
        "gs1:buyOnline",  # offered by the admin before; never a GS1 term
        "gs1:productSustainabilityInfo",  # deprecated
        "gs1:defaultLink",  # made by the resolver from the default flag
        "gs1:defaultLinkMulti",
        "pip",
        "https://ref.gs1.org/voc/pip",
        "gs1:nonsense",
        "gs1:pip\n",
        "gs1:pip\x00",
        "",
        "x" * 5000,
    ],
)
def test_a_link_of_a_type_the_resolver_does_not_serve_cannot_be_stored(
    app, client, product_id, link_type
):
    response = add_link(client, product_id, link_type)
    assert response.status_code == 400
    assert links(app) == 0


def test_a_refused_link_type_is_explained(app, client, product_id):
    page = add_link(client, product_id, "gs1:buyOnline").get_data(as_text=True)
    assert "Not a valid choice" in page or "Choose one of the GS1 link types" in page


def test_the_link_check_refuses_what_the_form_cannot_send(app):
    """The rule is in the record's check too, for any path that skips the form."""
    from qrsvc.content.links import check_link

    with app.app_context():
        for link_type in ("gs1:buyOnline", "gs1:defaultLink", None, 3):
            values = {"link_type": link_type, "href": "https://a.example/"}
            assert "link_type" in check_link(db.session, TraceLink(), values)
        values = {"link_type": "gs1:paymentLink", "href": "https://a.example/"}
        assert check_link(db.session, TraceLink(), values) == {}


@pytest.mark.parametrize("link_type", ["gs1:paymentLink", "gs1:homepage", "gs1:whatsInTheBox"])
def test_every_stored_link_is_reachable_by_its_type_and_in_the_linkset(
    app, client, product_id, link_type
):
    href = f"https://shop.example/{link_type[4:]}"
    assert add_link(client, product_id, link_type, href).status_code == 302
    response = client.get(f"/01/{GTIN}?linkType={link_type}")
    assert response.status_code == 307 and response.location == href
    linkset = client.get(f"/01/{GTIN}?linkType=linkset").get_json()["linkset"][0]
    assert [target["href"] for target in linkset[relation_uri(link_type)]] == [href]


def test_each_offered_type_is_stored_and_served(app, client, product_id):
    """Every choice of the admin, stored through the form, answers a scan asking for it."""
    for value, _label in link_type_choices():
        href = f"https://shop.example/{value[4:]}"
        assert add_link(client, product_id, value, href).status_code == 302, value
        assert client.get(f"/01/{GTIN}?linkType={value}").status_code in (200, 307), value
    assert links(app) == len(STORABLE_LINK_TYPES)


def test_old_links_of_a_replaced_type_are_still_served(app, client, product_id):
    with app.app_context():
        db.session.add(
            TraceLink(
                product_id=product_id,
                link_type="gs1:productSustainabilityInfo",
                href="https://green.example/",
                title="Tái chế",
            )
        )
        db.session.commit()
    for asked in ("gs1:sustainabilityInfo", "gs1:productSustainabilityInfo"):
        response = client.get(f"/01/{GTIN}?linkType={asked}")
        assert response.status_code == 307 and response.location == "https://green.example/"
    linkset = client.get(f"/01/{GTIN}?linkType=linkset").get_json()["linkset"][0]
    assert relation_uri("gs1:sustainabilityInfo") in linkset
    assert relation_uri("gs1:productSustainabilityInfo") not in linkset


def test_choices_are_labelled_in_the_admins_language(app, client, product_id):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "vi"
    page = client.get(f"/admin/products/{product_id}/links/new").get_data(as_text=True)
    assert "Thanh toán (gs1:paymentLink)" in page
    assert "Thông tin sản phẩm (gs1:pip)" in page

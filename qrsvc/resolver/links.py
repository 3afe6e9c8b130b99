"""The links of a product and its batch, as the resolver serves and lists them.

Each level (batch, then product) has the links staff entered (``TraceLink`` rows)
and the ones this service provides itself: the product page (``gs1:pip``), the batch
page and the EPCIS exports (``gs1:traceability``). ``own`` marks a link to one of our
pages, which the resolver answers directly instead of redirecting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, url_for

from qrsvc.gs1 import DigitalLink
from qrsvc.models import Batch, Product, TraceLink
from qrsvc.payments import listings_of, verified_account
from qrsvc.resolver.linktypes import LINK_TYPES, normalise_link_type, relation_uri
from qrsvc.trace import services
from qrsvc.trace.identifiers import batch_uri, product_uri
from qrsvc.trace.product_pages import content_languages

HTML = "text/html"
LD_JSON = "application/ld+json"


@dataclass
class Link:
    """One target: a relation type, where it goes, and what it is."""

    link_type: str
    href: str
    title: str
    media_type: str = HTML
    hreflang: list[str] = field(default_factory=list)
    own: str = ""  # "product" or "batch" when the target is our own page

    def as_json(self) -> dict:
        """The RFC 9264 target object."""
        return {
            "href": self.href,
            "title": self.title,
            "type": self.media_type,
            "hreflang": self.hreflang or ["vi"],
        }


@dataclass
class Level:
    """The links of one identified thing (a lot or a product) and its URI (the anchor)."""

    anchor: str
    links: list[Link]


@dataclass
class Resolution:
    """What a Digital Link identifies here: the product, the batch if known, their links."""

    product: Product
    batch: Batch | None
    levels: list[Level]


def resolve(link: DigitalLink) -> Resolution | None:
    """Look a parsed Digital Link up; None when no published product has its GTIN.

    An unknown lot leaves ``batch`` empty: the resolver walks up to the product.
    """
    product = services.published_product_by_gtin(link.gtin)
    if product is None:
        return None
    batch = services.batch_of(product, link.lot) if link.lot is not None else None
    return Resolution(product, batch, levels_for(product, batch))


def levels_for(product: Product, batch: Batch | None) -> list[Level]:
    """The levels of a resolved identifier, most specific first, up to the GTIN."""
    base = current_app.config["PUBLIC_URL"]
    staff = services.links_of(product, batch)
    languages = content_languages(product.name, product.description)
    levels = []
    if batch is not None:
        levels.append(_batch_level(batch, base, languages, [s for s in staff if s.batch_id]))
    levels.append(_product_level(product, base, languages, [s for s in staff if not s.batch_id]))
    return levels


def _product_level(product: Product, base: str, langs: list[str], staff: list[TraceLink]):
    anchor = product_uri(product, base)
    name = product.display_name("vi")
    page = Link("gs1:pip", anchor, name, hreflang=langs, own="product")
    epcis = Link(
        "gs1:traceability",
        base + url_for("api.product_epcis", ref=product.ref),
        f"{name}: EPCIS 2.0",
        LD_JSON,
        ["vi"],  # the events' notes are written in Vietnamese
    )
    implicit = [page, epcis, *_payment_links(product, anchor)]
    return Level(anchor, _with_default(implicit, staff, page))


def _payment_links(product: Product, anchor: str) -> list[Link]:
    """Where to buy (one ``gs1:hasRetailers`` per listing of the producer), and
    ``gs1:paymentLink`` to the payment code on the product page when the producer has a
    verified account."""
    producer = product.producer
    links = [
        Link("gs1:hasRetailers", listing.url, listing.platform, HTML, ["vi"])
        for listing in listings_of(producer)
        if listing.url.startswith("https://")
    ]
    if verified_account(producer) is not None:
        title = f"{producer.name}: {LINK_TYPES['gs1:paymentLink']}"
        links.append(Link("gs1:paymentLink", f"{anchor}#pay", title, HTML, ["vi"]))
    return links


def _batch_level(batch: Batch, base: str, langs: list[str], staff: list[TraceLink]):
    anchor = batch_uri(batch, base)
    title = f"{batch.product.display_name('vi')} · {batch.lot}"
    page = Link("gs1:traceability", anchor, title, hreflang=langs, own="batch")
    epcis = Link(
        "gs1:traceability",
        base + url_for("api.batch_epcis", ref=batch.ref),
        f"{title}: EPCIS 2.0",
        LD_JSON,
        ["vi"],
    )
    implicit = [page, epcis]
    if batch.recalled:
        implicit.append(Link("gs1:recallStatus", anchor, title, hreflang=langs, own="batch"))
    return Level(anchor, _with_default(implicit, staff, page))


def _with_default(implicit: list[Link], staff: list[TraceLink], page: Link) -> list[Link]:
    links = list(implicit)
    default = page
    for row in staff:
        link_type = normalise_link_type(row.link_type)
        if link_type is None:
            continue  # a type outside the vocabulary cannot be asked for; skip it
        link = Link(
            link_type,
            row.href,
            row.title or str(LINK_TYPES[link_type]),
            row.media_type or HTML,
            [row.lang or "vi"],
        )
        links.append(link)
        if row.is_default and default is page:
            default = link
    links.insert(
        0,
        Link(
            "gs1:defaultLink",
            default.href,
            default.title,
            default.media_type,
            default.hreflang,
            default.own,
        ),
    )
    return links


def linkset(levels: list[Level]) -> dict:
    """The RFC 9264 linkset document: one context object per level."""
    contexts = []
    for level in levels:
        context: dict = {"anchor": level.anchor}
        for link in level.links:
            context.setdefault(relation_uri(link.link_type), []).append(link.as_json())
        contexts.append(context)
    return {"linkset": contexts}


def choose(levels: list[Level], link_type: str, lang: str, accept) -> Link | None:
    """The best link of ``link_type``: the most specific level first, then language, then type.

    ``accept`` is the request's Accept header (werkzeug MIMEAccept).
    """
    for level in levels:
        candidates = [link for link in level.links if link.link_type == link_type]
        if candidates:
            return max(
                candidates,
                key=lambda link: (
                    accept[link.media_type],
                    lang in link.hreflang,
                    "vi" in link.hreflang,
                ),
            )
    return None

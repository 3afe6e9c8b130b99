"""Rendering the product and batch pages; the resolver and the local paths both call these.

Both pages answer a scan directly (no redirect), so a buyer on a weak connection pays
for one round trip. A recalled batch is still shown, with its recall notice first and
the status 410 Gone, so that shops and scripts notice while people can read why.
"""

from __future__ import annotations

from urllib.parse import urlencode

import nh3
from flask import current_app, g, make_response, render_template, request
from flask.wrappers import Response

from qrsvc.i18n import (
    CONTENT_LANGUAGES,
    UI_LANGUAGES,
    content_language,
    requested_language,
    save_language_choice,
)
from qrsvc.models import Batch, Media, Product, localized
from qrsvc.payments import listings_of
from qrsvc.payments.display import payment_code
from qrsvc.public.relic_page import picture
from qrsvc.scans import count_view
from qrsvc.site import content_languages as content_languages_of_site
from qrsvc.trace import services
from qrsvc.trace.identifiers import batch_path, product_path

#: Link types shown under "Where to buy"; the other staff links go under "More".
SHOP_LINK_TYPES = frozenset({"gs1:hasRetailers", "gs1:purchaseSuppliesOrAccessories"})


def content_languages(*texts: dict | None) -> list[str]:
    """Languages the record has text in, Vietnamese first, in the switcher's order."""
    found = {lang for text in texts for lang, value in (text or {}).items() if value}
    found.add("vi")
    return [lang for lang in CONTENT_LANGUAGES if lang in found]


def choose_language(available: list[str]) -> tuple[str, bool]:
    """The language to show content in, and whether it is not the visitor's language.

    ``g.lang`` stays the visitor's language, so buttons and headings follow it even
    when the record itself has not been translated yet; the content is in the best
    language the record has (:func:`qrsvc.i18n.content_language`).
    """
    wanted = requested_language(available)
    g.lang = wanted
    shown = content_language(wanted, available)
    return shown, shown != wanted


def for_language(links: list, lang: str) -> list:
    """Per link type: the links in the visitor's language, else Vietnamese ones, else all."""
    by_type: dict[str, list] = {}
    for link in links:
        by_type.setdefault(link.link_type, []).append(link)
    chosen = []
    for group in by_type.values():
        mine = [link for link in group if link.lang == lang]
        chosen += mine or [link for link in group if link.lang == "vi"] or group
    return chosen


def view_source() -> str:
    """``"site"`` for links inside the site (``?via=site``), else ``"qr"`` (a printed code)."""
    return "site" if request.args.get("via") == "site" else "qr"


def _count(kind: str, target_id: int, lang: str) -> None:
    # HEAD is what link checkers and `qrsvc check-links` send: not a visit.
    if request.method == "GET":
        count_view(kind, target_id, lang=lang, source=view_source())


def language_links(path: str, languages: list[str]) -> list[tuple[str, str]]:
    """The language switch: this page (its canonical, still-encoded path) in each language."""
    root = request.script_root
    # The interface languages are always offered, even for a record only written in Vietnamese.
    # Visitors pick among the site's content languages (qrsvc.site), in its order, and the
    # interface languages after them.
    site_languages = content_languages_of_site()
    candidates = [*site_languages, *(code for code in UI_LANGUAGES if code not in site_languages)]
    offered = [code for code in candidates if code in languages or code in UI_LANGUAGES]
    return [(code, f"{root}{path}?{urlencode({'lang': code, 'via': 'site'})}") for code in offered]


def pictures_of(media: list[Media], lang: str) -> list:
    """Responsive pictures of the images that have variants (others are still processing)
    and alt text (others are not for the public)."""
    shown = [m for m in media if m.kind == "image" and m.variants and m.has_alt_text]
    return [picture(item, lang) for item in shown]


def remember_language(response: Response) -> Response:
    """Save ``?lang=`` in the cookie the public pages use, so the next page keeps it."""
    save_language_choice(response)
    # The language comes from the query, the cookie or the header: caches must tell them apart.
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def public_url(path: str) -> str:
    """``path`` on the configured public base URL (what printed codes carry)."""
    return current_app.config["PUBLIC_URL"] + path


def structured_data(product: Product, canonical: str, lang: str, pictures: list) -> dict:
    """schema.org Product for search engines and link previews."""
    producer = product.producer
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": localized(product.name, lang),
        "url": canonical,
        "manufacturer": {
            "@type": "Organization",
            "name": producer.name,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": producer.address,
                "addressLocality": producer.commune,
                "addressCountry": "VN",
            },
        },
    }
    if producer.phone:
        data["manufacturer"]["telephone"] = producer.phone
    if product.gtin:
        data["gtin14"] = product.gtin
    if product.category:
        data["category"] = product.category
    # Plain text: Markdown marks are harmless, tags are not (nh3 drops them and scripts).
    description = nh3.clean(localized(product.description, lang), tags=set()).strip()
    if description:
        data["description"] = description[:500]
    if pictures:
        data["image"] = [current_app.config["PUBLIC_URL"] + p.src for p in pictures[:3]]
    if product.ocop_valid_on(services.today_in_vietnam()):
        data["award"] = f"OCOP {product.ocop_stars}★"
    return data


def render_product(product: Product, *, unknown_lot: str | None = None) -> Response:
    """The product page; ``unknown_lot`` adds a note that this lot has no record yet."""
    available = content_languages(product.name, product.description)
    lang, fallback = choose_language(available)
    _count("product", product.id, lang)
    links = for_language(services.links_of(product), g.lang)
    path = product_path(product)
    pictures = pictures_of(services.photos_of(product), lang)
    html = render_template(
        "trace/product.html",
        structured=structured_data(product, public_url(path), lang, pictures),
        product=product,
        producer=product.producer,
        lang=lang,
        fallback=fallback,
        languages=available,
        pictures=pictures,
        switch=language_links(path, available),
        ocop_valid=product.ocop_valid_on(services.today_in_vietnam()),
        batches=services.published_batches(product),
        shop_links=[link for link in links if link.link_type in SHOP_LINK_TYPES],
        listings=listings_of(product.producer),
        payment=payment_code(product.producer),
        more_links=[link for link in links if link.link_type not in SHOP_LINK_TYPES],
        canonical=public_url(path),
        unknown_lot=unknown_lot,
    )
    return remember_language(make_response(html, 200))


def render_batch(batch: Batch) -> Response:
    """The batch page: timeline, one step back and forward; 410 Gone when recalled."""
    product = batch.product
    available = content_languages(product.name, product.description)
    lang, fallback = choose_language(available)
    _count("batch", batch.id, lang)
    story = services.batch_story(batch)
    path = batch_path(batch)
    html = render_template(
        "trace/batch.html",
        batch=batch,
        product=product,
        producer=product.producer,
        lang=lang,
        fallback=fallback,
        languages=available,
        story=story,
        pictures=pictures_of(services.photos_of(product)[:1], lang),
        evidence={e.id: pictures_of(e.evidence, lang) for e in story.events},
        switch=language_links(path, available),
        ocop_valid=product.ocop_valid_on(services.today_in_vietnam()),
        canonical=public_url(path),
        is_public=services.is_public,
        today=services.today_in_vietnam(),
    )
    return remember_language(make_response(html, 410 if batch.recalled else 200))

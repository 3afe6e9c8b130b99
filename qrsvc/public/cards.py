"""Lists of relics and products as cards: a name, a rank or stars, a small photo."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qrsvc.extensions import db
from qrsvc.localtime import local_today
from qrsvc.models import Media, Product, Relic, RelicMedia, Status
from qrsvc.public.relic_page import Picture, Text, pick, picture, relic_name


@dataclass(frozen=True)
class RelicCard:
    """A relic in a list."""

    code: str
    name: Text
    rank: str
    commune: str
    url: str
    thumb: Picture | None


@dataclass(frozen=True)
class ProductCard:
    """An OCOP product in a list; ``stars`` only while its certificate is valid."""

    name: Text
    stars: int | None
    url: str
    producer: str


def relic_cards(relics: Sequence[Relic], lang: str) -> list[RelicCard]:
    """Cards for ``relics`` with each one's first photo, in two queries in all."""
    first_photo: dict[int, Media] = {}
    if relics:
        rows = db.session.execute(
            select(RelicMedia.relic_id, Media)
            .join(Media, Media.id == RelicMedia.media_id)
            .where(RelicMedia.relic_id.in_([r.id for r in relics]), Media.kind == "image")
            .order_by(RelicMedia.relic_id, RelicMedia.position)
        )
        for relic_id, media in rows:
            if media.variants and media.has_alt_text:
                first_photo.setdefault(relic_id, media)
    return [
        RelicCard(
            code=relic.code,
            name=relic_name(relic, lang),
            rank=relic.rank,
            commune=relic.commune,
            url=f"/r/{relic.code}?via=site",
            thumb=picture(first_photo[relic.id], lang) if relic.id in first_photo else None,
        )
        for relic in relics
    ]


def product_cards(lang: str, limit: int = 12) -> list[ProductCard]:
    """Published OCOP products, best rated first; expired certificates show no stars."""
    today = local_today()
    products = db.session.scalars(
        select(Product)
        .where(Product.status == Status.PUBLISHED)
        .options(selectinload(Product.producer))
        .order_by(Product.ref)
    ).all()
    cards = [
        ProductCard(
            name=pick(product.name, lang),
            stars=product.ocop_stars if product.ocop_valid_on(today) else None,
            url=f"/01/{product.gtin}" if product.gtin else f"/p/{product.ref}",
            producer=product.producer.name if product.producer else "",
        )
        for product in products
    ]
    return sorted(cards, key=lambda c: -(c.stars or 0))[:limit]

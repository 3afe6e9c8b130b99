"""The offline pack: every published relic page and its small photos, to save at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qrsvc.extensions import db
from qrsvc.models import Relic, Status
from qrsvc.public.relic_page import media_url


def offline_pack() -> dict[str, list[str]]:
    """URLs the service worker saves: the pages, then the smallest variant of each photo.

    Pages are listed by their printed short URL (``/r/<CODE>``): that is what a scan
    opens, and the service worker files in-site links (``?via=site``) under it too.
    Only WebP variants are saved: every browser that has a service worker reads WebP.
    """
    relics = db.session.scalars(
        select(Relic)
        .where(Relic.status == Status.PUBLISHED)
        .options(selectinload(Relic.media))
        .order_by(Relic.code)
    ).all()
    pages = ["/", "/relics", "/offline"] + [f"/r/{relic.code}" for relic in relics]
    images: list[str] = []
    for relic in relics:
        for link in relic.media:
            variants = [v for v in link.media.variants if v.get("format") == "webp"]
            if link.media.kind == "image" and variants:
                smallest = min(variants, key=lambda v: v["width"])
                images.append(media_url(smallest["key"]))
    return {"pages": pages, "images": list(dict.fromkeys(images))}

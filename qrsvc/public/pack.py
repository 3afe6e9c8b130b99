"""The offline pack: every published relic page and the photos those pages show on a phone.

A photo is offered in several widths (``srcset``) and the phone picks one from the
slot's ``sizes``; the pack must hold the very file the phone will ask for once
offline, or the page opens with a hole where its photo was. The phone the pack is
made for is the common one: 360 CSS px wide at 2 device pixels per CSS px.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qrsvc.extensions import db
from qrsvc.models import Relic, Status
from qrsvc.public.relic_page import media_url

#: The phone the pack is made for: width in CSS px and device pixels per CSS px.
PHONE_WIDTH, PHONE_DENSITY = 360, 2.0
#: How wide each photo slot of the packed pages is on that phone, in CSS px: the
#: ``sizes`` of the ``picture`` macro (templates/macros/ui.html) at 360 px.
HERO_WIDTH = PHONE_WIDTH  # relic page, first photo: "(min-width: 44rem) 42rem, 100vw"
GALLERY_WIDTH = PHONE_WIDTH / 2  # relic page, other photos: "(min-width: 44rem) 20rem, 50vw"
CARD_WIDTH = 96  # home and relic list thumbnails: "6rem"


def chosen_width(widths: Sequence[int], slot: float, density: float = PHONE_DENSITY) -> int:
    """The ``w`` candidate of a srcset that a phone shows in a ``slot`` CSS px wide.

    Browsers take the narrowest file with at least one file pixel per device pixel
    (the largest when none is that wide). Chromium does so today: at 360 px and 2x a
    full-width photo offered at 320/640/1024 px is the 1024 px file, a half-width one
    the 640 px file (tests/browser/test_offline_codes_browser.py watches what it
    fetches).
    """
    ordered = sorted(set(widths))
    return next((width for width in ordered if width >= slot * density), ordered[-1])


def offline_pack() -> dict:
    """URLs the service worker saves: the pages, then the photo files those pages show.

    Pages are listed by their printed short URL in its canonical form (``/r/<CODE>``):
    the service worker files every other form of the code under it (static/sw.js).
    Only WebP files are listed: every browser that has a service worker reads WebP
    and takes the WebP ``<source>``. ``version`` changes whenever the content does,
    so a phone can tell a pack it saved from a newer one.
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
        photos = [
            link.media
            for link in relic.media
            if link.media.kind == "image" and link.media.variants and link.media.has_alt_text
        ]
        for position, media in enumerate(photos):
            webp = {v["width"]: v["key"] for v in media.variants if v.get("format") == "webp"}
            if not webp:
                continue
            slots = [HERO_WIDTH, CARD_WIDTH] if position == 0 else [GALLERY_WIDTH]
            images += [media_url(webp[chosen_width(list(webp), slot)]) for slot in slots]
    images = list(dict.fromkeys(images))
    version = hashlib.blake2b("\n".join(pages + images).encode(), digest_size=8).hexdigest()
    return {"version": version, "pages": pages, "images": images}

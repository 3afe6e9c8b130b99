"""The offline pack: the published relic pages (all, or one area's) and the photos they show.

A province has too many relics for one pack on a phone: a visitor picks an area and
saves its pack, told its size first (:func:`pack_size`). Without an area the pack
holds every published relic, as a district's site always did.

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
from qrsvc.models import Area, Media, Relic, Status
from qrsvc.public.relic_page import current_media_store, media_url

#: The phone the pack is made for: width in CSS px and device pixels per CSS px.
PHONE_WIDTH, PHONE_DENSITY = 360, 2.0
#: How wide each photo slot of the packed pages is on that phone, in CSS px: the
#: ``sizes`` of the ``picture`` macro (templates/macros/ui.html) at 360 px.
HERO_WIDTH = PHONE_WIDTH  # relic page, first photo: "(min-width: 44rem) 42rem, 100vw"
GALLERY_WIDTH = PHONE_WIDTH / 2  # relic page, other photos: "(min-width: 44rem) 20rem, 50vw"
CARD_WIDTH = 96  # home and relic list thumbnails: "6rem"
#: A saved page's size when its photos are not counted: compressed HTML with inline CSS.
PAGE_BYTES = 30_000
#: WebP photo bytes per pixel, for a store that cannot tell a file's size cheaply.
WEBP_BYTES_PER_PIXEL = 0.12


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


def _relics(area: Area | None) -> list[Relic]:
    query = (
        select(Relic)
        .where(Relic.status == Status.PUBLISHED)
        .options(selectinload(Relic.media))
        .order_by(Relic.code)
    )
    if area is not None:
        query = query.where(Relic.area_id == area.id)
    return list(db.session.scalars(query))


def _photos(relics: list[Relic]) -> list[tuple[Media, dict]]:
    """Each photo file the packed pages show: its media row and chosen WebP variant."""
    files: list[tuple[Media, dict]] = []
    for relic in relics:
        photos = [
            link.media
            for link in relic.media
            if link.media.kind == "image" and link.media.variants and link.media.has_alt_text
        ]
        for position, media in enumerate(photos):
            webp = {v["width"]: v for v in media.variants if v.get("format") == "webp"}
            if not webp:
                continue
            slots = [HERO_WIDTH, CARD_WIDTH] if position == 0 else [GALLERY_WIDTH]
            files += [(media, webp[chosen_width(list(webp), slot)]) for slot in slots]
    return list({variant["key"]: (media, variant) for media, variant in files}.values())


def _area(area_code: str | None) -> Area | None:
    if not area_code:
        return None
    return db.session.scalar(select(Area).where(Area.code == area_code))


def offline_pack(area_code: str | None = None) -> dict:
    """URLs the service worker saves: the pages, then the photo files those pages show.

    Pages are listed by their printed short URL in its canonical form (``/r/<CODE>``):
    the service worker files every other form of the code under it (static/sw.js).
    Only WebP files are listed: every browser that has a service worker reads WebP
    and takes the WebP ``<source>``. ``version`` changes whenever the content does,
    so a phone can tell a pack it saved from a newer one. With ``area_code`` (an
    existing area's code: the caller checks it) only that area's relics are packed;
    ``bytes`` is about what saving the pack costs.
    """
    area = _area(area_code)
    relics = _relics(area)
    pages = ["/", "/relics", "/offline"]
    if area is not None:
        pages.append(f"/relics?area={area.code}")
    pages += [f"/r/{relic.code}" for relic in relics]
    photos = _photos(relics)
    images = [media_url(variant["key"]) for _media, variant in photos]
    version = hashlib.blake2b("\n".join(pages + images).encode(), digest_size=8).hexdigest()
    size = len(pages) * PAGE_BYTES + sum(_file_bytes(variant) for _media, variant in photos)
    pack = {"version": version, "pages": pages, "images": images, "bytes": size}
    if area is not None:
        pack["area"] = area.code
    return pack


def pack_size(area_code: str | None = None) -> int:
    """About how many bytes the pack (of one area, or all) takes on the phone."""
    return offline_pack(area_code)["bytes"]


def _file_bytes(variant: dict) -> int:
    """The size of a stored photo file: measured when the store is local, else estimated."""
    local_path = getattr(current_media_store(), "path", None)
    if local_path is not None:
        try:
            return local_path(variant["key"]).stat().st_size
        except (OSError, ValueError):
            pass
    return int(variant.get("width", 0) * variant.get("height", 0) * WEBP_BYTES_PER_PIXEL)

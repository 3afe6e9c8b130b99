"""Demo photos, drawn by the project itself with Pillow (nothing is downloaded).

Each picture is a stylised scene: a sky gradient with a soft sun, layered hills, fields
or water, and a building silhouette (temple hall, gate, pagoda tower, communal house,
shrine, stele house) or a product still life (bánh gai, nem chua, rice, honey...).
:func:`render_photo` is deterministic: the same scene and seed give the same bytes on
the same Pillow version, so loading the demo twice stores each photo once.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from qrsvc.demo import photo_product_scenes, photo_relic_scenes
from qrsvc.demo.drawing import HEIGHT, WIDTH, Canvas
from qrsvc.media.images import own_copy, store_image
from qrsvc.media.storage import MediaStore
from qrsvc.models import Media

__all__ = ["CREDIT", "SCENES", "render_photo", "store_photo"]

CREDIT = "Ảnh minh họa do qrsvc vẽ / Illustration drawn by qrsvc"

#: scene name -> function drawing it on a canvas with a seeded random source
SCENES: dict[str, Callable[[Canvas, random.Random], None]] = {
    **photo_relic_scenes.SCENES,
    **photo_product_scenes.SCENES,
}


def render_photo(scene: str, seed: int = 0, size: tuple[int, int] = (WIDTH, HEIGHT)) -> bytes:
    """Draw demo ``scene`` (a key of :data:`SCENES`) as PNG bytes; ``seed`` varies it."""
    if scene not in SCENES:
        raise KeyError(f"unknown demo scene {scene!r}")
    canvas = Canvas(size)
    SCENES[scene](canvas, random.Random(f"{scene}:{seed}"))
    return canvas.png()


def store_photo(
    session: Session, store: MediaStore, spec: dict[str, Any], producer_id: int | None = None
) -> Media:
    """The demo photo ``spec`` (scene, seed, name, alt) as a Media row, stored only once.

    A photo already in the library (same bytes) is reused without being resized again.
    """
    data = render_photo(spec["scene"], spec["seed"])
    existing = own_copy(session, "image", hashlib.sha256(data).hexdigest(), producer_id)
    if existing is not None:
        return existing
    return store_image(
        session,
        store,
        data,
        spec["name"],
        spec["alt"],
        caption=spec.get("caption"),
        credit=CREDIT,
        producer_id=producer_id,
    )

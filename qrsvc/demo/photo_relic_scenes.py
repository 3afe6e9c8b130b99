"""Demo photo scenes of the relics: each one a building in its setting.

The buildings come from :mod:`qrsvc.demo.photo_buildings`; every scene takes a seeded
random source so the same seed draws the same picture.
"""

from __future__ import annotations

import random

from qrsvc.demo.drawing import Canvas, areca, fields, mix, sky_and_hills, tree
from qrsvc.demo.photo_buildings import (
    OLD_TILE,
    TILE,
    WALL,
    courtyard,
    flags,
    gate,
    hall,
    incense_burner,
    lotus_pond,
    stele_pavilion,
    tower,
)

__all__ = ["SCENES"]


def _hall_scene(c: Canvas, rng: random.Random) -> None:
    """Lam Kinh's main hall: a two-tier roof on a high platform between old trees."""
    palette = sky_and_hills(c, rng, 470)
    courtyard(c, 470)
    for x in (90, 230, 980, 1120):
        tree(c, rng, x + rng.uniform(-20, 20), 520, rng.uniform(90, 120), palette[4])
    hall(c, 600, 520, 520, 130, 110, tiers=2, bays=7)


def _gate_scene(c: Canvas, rng: random.Random) -> None:
    """A great gate reflected in the moat in front of it."""
    palette = sky_and_hills(c, rng, 470)
    c.gradient(470, 560, mix(palette[4], (200, 190, 150), 0.4), mix(palette[4], (0, 0, 0), 0.2))
    for x in (140, 1060):
        areca(c, rng, x, 545, 260)
    gate(c, 600, 545, 560, 230)
    lotus_pond(c, rng, 560)


def _festival_scene(c: Canvas, rng: random.Random) -> None:
    """A gate dressed for the festival with pennants across the courtyard."""
    sky_and_hills(c, rng, 480)
    courtyard(c, 480, (206, 176, 140))
    gate(c, 600, 560, 600, 250, roof_color=TILE)
    flags(c, 70, rng)
    flags(c, 170, rng)


def _stele_scene(c: Canvas, rng: random.Random) -> None:
    """A stele pavilion under trees."""
    palette = sky_and_hills(c, rng, 480)
    courtyard(c, 480, (176, 170, 150))
    for x in (200, 1000):
        tree(c, rng, x, 560, 140, palette[4])
    stele_pavilion(c, 600, 560, 260)


def _temple_scene(c: Canvas, rng: random.Random) -> None:
    """A temple hall behind a small three-entrance gate and a courtyard."""
    palette = sky_and_hills(c, rng, 430)
    courtyard(c, 430)
    tree(c, rng, 1060, 470, 150, palette[4])
    hall(c, 560, 470, 420, 105, 90, tiers=2)
    gate(c, 600, 760, 640, 170)


def _pond_temple_scene(c: Canvas, rng: random.Random) -> None:
    """A temple reflected in a lotus pond."""
    palette = sky_and_hills(c, rng, 460)
    c.gradient(460, 520, mix(palette[4], (200, 190, 150), 0.3), palette[4])
    for x in (120, 1090):
        tree(c, rng, x, 520, 130, palette[4])
    hall(c, 600, 488, 460, 110, 96, tiers=1)
    lotus_pond(c, rng, 545)


def _pagoda_scene(c: Canvas, rng: random.Random) -> None:
    """A village pagoda: a tower beside the main hall."""
    palette = sky_and_hills(c, rng, 480)
    fields(c, 480, palette[4])
    hall(c, 720, 560, 400, 100, 96, bays=5)
    tower(c, 300, 600, 150, 5, WALL)
    areca(c, rng, 1090, 600, 300)


def _dinh_scene(c: Canvas, rng: random.Random) -> None:
    """A communal house (đình): a low hall under a huge roof, a banyan beside it."""
    palette = sky_and_hills(c, rng, 470)
    courtyard(c, 470, (190, 120, 90))  # brick-paved yard
    tree(c, rng, 1040, 540, 190, palette[4])
    hall(c, 540, 560, 620, 90, 150, tiers=1, roof_color=OLD_TILE, bays=7)


def _shrine_scene(c: Canvas, rng: random.Random) -> None:
    """A small village shrine (nghè) under a banyan, an incense burner in front."""
    palette = sky_and_hills(c, rng, 470)
    fields(c, 470, palette[4])
    tree(c, rng, 600, 520, 250, mix(palette[4], (30, 70, 30), 0.4))
    hall(c, 600, 580, 240, 80, 70, bays=3)
    incense_burner(c, 600, 700)


def _village_gate_scene(c: Canvas, rng: random.Random) -> None:
    """An old village gate on a road between rice fields."""
    palette = sky_and_hills(c, rng, 450)
    fields(c, 450, palette[4])
    c.poly([(560, 450), (640, 450), (900, 800), (300, 800)], (170, 150, 120))  # the road
    gate(c, 600, 600, 420, 200)
    for x in (180, 1020):
        areca(c, rng, x, 640, 300)


SCENES = {
    "hall": _hall_scene,
    "gate": _gate_scene,
    "festival": _festival_scene,
    "stele": _stele_scene,
    "temple": _temple_scene,
    "pond_temple": _pond_temple_scene,
    "pagoda": _pagoda_scene,
    "dinh": _dinh_scene,
    "shrine": _shrine_scene,
    "village_gate": _village_gate_scene,
}

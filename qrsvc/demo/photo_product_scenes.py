"""Demo photo scenes of the products: still lifes on a wooden table.

The objects come from :mod:`qrsvc.demo.photo_products`; every scene takes a seeded
random source so the same seed draws the same picture.
"""

from __future__ import annotations

import math
import random

from qrsvc.demo.drawing import Canvas, mix
from qrsvc.demo.photo_products import (
    BANANA,
    banh_gai,
    bottle,
    bowl,
    box,
    cut_banh_gai,
    jar,
    leaf,
    rice_ear,
    studio,
)

__all__ = ["SCENES"]


def _banh_gai_scene(c: Canvas, rng: random.Random) -> None:
    """Bánh gai on a banana leaf: a pile, a row, or a close-up of a cut cake."""
    studio(c, rng)
    layout = rng.randrange(3)
    if layout == 0:  # a small pile and a cut cake in front
        leaf(c, 600, 640, 760, rng.uniform(-8, 8), BANANA)
        for x, y in [(560, 450), (400, 550), (650, 560)]:  # back to front
            c.blur_shadow(x + 110, y + 95, 150, 20)
            banh_gai(c, x, y, 180, rng)
        c.blur_shadow(300, 730, 120, 16)
        cut_banh_gai(c, 200, 650, 160, rng)
    elif layout == 1:  # a row for sale, as on a market stall
        leaf(c, 600, 610, 1000, rng.uniform(-3, 3), BANANA)
        for x in (120, 330, 540, 750, 960):
            c.blur_shadow(x + 80, 640, 110, 16)
            banh_gai(c, x, 560, 140, rng)
    else:  # a close-up of a cut cake with a whole one behind it
        leaf(c, 640, 690, 900, rng.uniform(-6, 6), BANANA)
        c.blur_shadow(760, 560, 190, 24)
        banh_gai(c, 620, 430, 240, rng)
        c.blur_shadow(480, 730, 230, 26)
        cut_banh_gai(c, 300, 560, 320, rng)


def _nem_chua_scene(c: Canvas, rng: random.Random) -> None:
    studio(c, rng)
    leaf(c, 600, 650, 820, 4, BANANA)
    for row, y in enumerate((560, 620)):
        for i in range(5 - row):
            x = 330 + row * 60 + i * 120
            box(c, x, y, 92, 46, 40, (96, 150, 70))
            c.line([(x + 46, y + 46), (x + 46, y), (x + 66, y - 24)], (200, 40, 40), 3)
    c.rect(850, 690, 980, 740, (226, 130, 130))  # one unwrapped: pink, with garlic and chilli
    for _ in range(6):
        c.ellipse(850 + rng.uniform(15, 115), 715 + rng.uniform(-12, 12), 6, 4, (250, 246, 230))
    c.ellipse(960, 700, 8, 8, (210, 30, 30))


def _ruou_scene(c: Canvas, rng: random.Random) -> None:
    studio(c, rng)
    c.blur_shadow(860, 520, 150, 26)
    c.ellipse(860, 400, 140, 130, (120, 86, 60))  # an earthenware jar behind
    c.rect(820, 250, 900, 290, (100, 70, 50))
    bottle(c, 560, 640, 400)
    for x in (360, 760):
        c.blur_shadow(x, 650, 50, 10)
        c.poly([(x - 40, 600), (x + 40, 600), (x + 26, 650), (x - 26, 650)], (238, 240, 236))
        c.ellipse(x, 600, 40, 10, (214, 220, 210))


def _mat_ong_scene(c: Canvas, rng: random.Random) -> None:
    studio(c, rng)
    jar(c, 520, 680, 240, 300, (214, 140, 30), (130, 90, 50))
    comb = (236, 186, 60)
    c.poly([(720, 700), (1000, 700), (1060, 620), (780, 620)], mix(comb, (0, 0, 0), 0.1))
    for row in range(5):
        for col in range(10):
            hx, hy = 790 + col * 26 + row * 12 + (13 if row % 2 else 0), 632 + row * 15
            c.poly(
                [
                    (hx + 9 * math.cos(a), hy + 6 * math.sin(a))
                    for a in (k * math.pi / 3 for k in range(6))
                ],
                comb,
            )
    c.line([(240, 720), (380, 610)], (150, 100, 60), 10)  # the dipper
    c.ellipse(385, 606, 22, 16, (200, 130, 40))


def _gao_scene(c: Canvas, rng: random.Random) -> None:
    studio(c, rng)
    bowl(c, 560, 700, 360, (244, 242, 232), rng)
    for x in (860, 900, 950):
        rice_ear(c, x, 720, 260, rng, (226, 196, 110))
    c.blur_shadow(260, 700, 110, 20)
    c.poly(
        [(160, 700), (360, 700), (340, 500), (300, 470), (220, 470), (180, 500)], (210, 190, 150)
    )


def _gao_nep_scene(c: Canvas, rng: random.Random) -> None:
    studio(c, rng)
    c.blur_shadow(600, 680, 330, 30)
    c.ellipse(600, 640, 330, 110, (170, 130, 70))  # a round bamboo tray (nia)
    c.ellipse(600, 636, 300, 96, (196, 156, 90))
    for _ in range(700):
        a, r = rng.uniform(0, math.tau), math.sqrt(rng.random())
        c.ellipse(
            600 + 270 * r * math.cos(a),
            636 + 82 * r * math.sin(a),
            5,
            2.6,
            mix((232, 190, 70), (250, 226, 150), rng.random()),
        )
    for x in (160, 1030):
        rice_ear(c, x, 760, 300, rng, (222, 176, 60))


def _che_lam_scene(c: Canvas, rng: random.Random) -> None:
    studio(c, rng)
    c.blur_shadow(600, 700, 320, 26)
    c.ellipse(600, 670, 320, 80, (240, 242, 246))
    c.ellipse(600, 664, 270, 62, (226, 232, 238))
    for x, y in [(380, 640), (520, 640), (660, 640), (450, 590), (590, 590)]:
        box(c, x, y, 120, 36, 50, (214, 180, 120))
        for _ in range(9):  # peanuts and sesame on top
            c.ellipse(x + rng.uniform(10, 150), y - rng.uniform(4, 26), 5, 3.5, (170, 110, 60))
    for _ in range(4):
        c.ellipse(860 + rng.uniform(-30, 30), 720 + rng.uniform(-10, 10), 16, 10, (236, 210, 130))


def _nghe_scene(c: Canvas, rng: random.Random) -> None:
    studio(c, rng)
    bowl(c, 520, 700, 340, (236, 170, 30), rng, grain=(0, 0))
    for _ in range(5):  # fresh turmeric roots
        x, y = rng.uniform(800, 1000), rng.uniform(660, 740)
        for k in range(3):
            c.ellipse(x + k * 24, y - k * 6, 22, 12, (186, 120, 50))


SCENES = {
    "banh_gai": _banh_gai_scene,
    "nem_chua": _nem_chua_scene,
    "ruou": _ruou_scene,
    "mat_ong": _mat_ong_scene,
    "gao": _gao_scene,
    "gao_nep": _gao_nep_scene,
    "che_lam": _che_lam_scene,
    "nghe": _nghe_scene,
}

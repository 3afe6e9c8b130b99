"""Buildings for the demo photos: halls, gates, pagoda towers, stele pavilions, ponds.

The roofs follow northern Vietnamese temple architecture in outline: a heavy tiled roof
whose corners curl up (đao cong), a ridge with a "moon" ornament between its ends, and
often a second tier above a band of wall (chồng diêm).
"""

from __future__ import annotations

import math
import random

from qrsvc.demo.drawing import (
    WIDTH,
    Canvas,
    Color,
    mix,
)

STONE: Color = (184, 176, 160)
WOOD: Color = (118, 48, 34)
DOOR: Color = (92, 30, 24)
GOLD: Color = (222, 178, 82)
TILE: Color = (120, 74, 58)
OLD_TILE: Color = (104, 96, 86)
WALL: Color = (214, 196, 160)


def roof(
    c: Canvas,
    cx: float,
    eave: float,
    half: float,
    height: float,
    color: Color,
    ridge: float = 0.55,
    curl: float = 26,
    crest: bool = True,
) -> None:
    """A tiled roof whose eave line sweeps up into curled corners.

    ``crest`` draws the ridge and its ornaments; the lower skirt of a two-tier roof has none.
    """
    steps = 24
    lower = [
        (cx + (-1 + 2 * i / steps) * half, eave - curl * abs(-1 + 2 * i / steps) ** 6)
        for i in range(steps + 1)
    ]
    tip_l, tip_r = (
        (cx - half - curl * 0.6, eave - curl * 1.6),
        (cx + half + curl * 0.6, eave - curl * 1.6),
    )
    top = eave - height
    c.poly([tip_l, *lower, tip_r, (cx + half * ridge, top), (cx - half * ridge, top)], color)
    rows = max(6, round(half / 14))
    for i in range(1, rows):
        t = -1 + 2 * i / rows
        c.line(
            [(cx + t * half, eave - curl * abs(t) ** 6), (cx + t * half * ridge, top)],
            mix(color, (0, 0, 0), 0.22),
            1.6,
        )
    c.line([tip_l, *lower, tip_r], mix(color, (255, 240, 220), 0.2), 5)
    if not crest:
        return
    ridge_color = mix(color, (0, 0, 0), 0.35)
    c.line([(cx - half * ridge - 12, top), (cx + half * ridge + 12, top)], ridge_color, 9)
    for side in (-1, 1):
        end = cx + side * (half * ridge + 12)
        c.line([(end, top), (end + side * 10, top - 16), (end, top - 26)], ridge_color, 6)
    c.ellipse(cx, top - 15, 11, 11, GOLD)


def hall(
    c: Canvas,
    cx: float,
    base: float,
    width: float,
    wall_h: float,
    roof_h: float,
    tiers: int = 1,
    roof_color: Color = TILE,
    bays: int = 5,
) -> None:
    """A temple hall on a stone platform: columns, lacquered doors, one or two roofs."""
    c.rect(cx - width / 2 - 34, base, cx + width / 2 + 34, base + 24, STONE)
    for i in range(4):  # front steps
        c.rect(
            cx - 70 - i * 6,
            base + 24 + i * 9,
            cx + 70 + i * 6,
            base + 33 + i * 9,
            mix(STONE, (255, 255, 255), 0.1 * (i % 2)),
        )
    c.rect(cx - width / 2, base - wall_h, cx + width / 2, base, DOOR)
    bay = width / bays
    for i in range(bays):
        x0 = cx - width / 2 + i * bay
        c.rect(x0 + bay * 0.16, base - wall_h * 0.82, x0 + bay * 0.84, base, mix(DOOR, WOOD, 0.6))
        c.line([(x0 + bay / 2, base - wall_h * 0.8), (x0 + bay / 2, base)], DOOR, 2)
    for i in range(bays + 1):
        x = cx - width / 2 + i * bay
        c.rect(x - 6, base - wall_h, x + 6, base, WOOD)
    if tiers == 2:
        # The band of wall between the tiers (cổ diêm) shows above the lower roof.
        upper_eave = base - wall_h + 6 - roof_h - 30
        c.rect(cx - width * 0.3, upper_eave - 6, cx + width * 0.3, base - wall_h, DOOR)
        for i in range(1, 8):
            x = cx - width * 0.3 + i * width * 0.6 / 8
            c.line([(x, upper_eave), (x, upper_eave + 30)], WOOD, 4)
        roof(c, cx, upper_eave, width * 0.3 + 40, roof_h * 0.7, roof_color, ridge=0.5, curl=20)
    roof(
        c,
        cx,
        base - wall_h + 6,
        width / 2 + 52,
        roof_h,
        roof_color,
        ridge=0.62 if tiers == 2 else 0.55,
        crest=tiers == 1,
    )


def arch(c: Canvas, x: float, base: float, w: float, h: float, color: Color) -> None:
    """An arched opening ``w`` wide and ``h`` high."""
    c.rect(x - w / 2, base - h + w / 2, x + w / 2, base, color)
    c.ellipse(x, base - h + w / 2, w / 2, w / 2, color)


def gate(
    c: Canvas, cx: float, base: float, width: float, height: float, roof_color: Color = OLD_TILE
) -> None:
    """A three-entrance gate (tam quan / Ngọ Môn): a tall centre and two lower sides."""
    side_w, centre_w = width * 0.3, width * 0.4
    for side in (-1, 1):
        x = cx + side * (centre_w / 2 + side_w / 2)
        c.rect(x - side_w / 2, base - height * 0.68, x + side_w / 2, base, WALL)
        arch(c, x, base, side_w * 0.42, height * 0.45, (40, 32, 28))
        roof(c, x, base - height * 0.68, side_w / 2 + 18, height * 0.22, roof_color, curl=14)
    c.rect(
        cx - centre_w / 2, base - height, cx + centre_w / 2, base, mix(WALL, (255, 255, 255), 0.1)
    )
    arch(c, cx, base, centre_w * 0.45, height * 0.62, (40, 32, 28))
    c.rect(cx - 40, base - height * 0.9, cx + 40, base - height * 0.78, GOLD)  # name board
    roof(c, cx, base - height, centre_w / 2 + 30, height * 0.3, roof_color, curl=20)


def tower(c: Canvas, cx: float, base: float, width: float, tiers: int, color: Color) -> None:
    """A pagoda tower: storeys narrowing upward, each under its own small roof."""
    y = base
    for i in range(tiers):
        w, h = width * (1 - i * 0.12), 72 * (1 - i * 0.07)
        c.rect(cx - w / 2, y - h, cx + w / 2, y, color)
        arch(c, cx, y - 8, w * 0.22, h * 0.6, (50, 36, 30))
        roof(c, cx, y - h + 4, w / 2 + 22, 26, TILE, ridge=0.8, curl=13)
        y -= h + 22
    c.line([(cx, y + 22), (cx, y - 36)], GOLD, 5)
    for r, dy in ((9, 0), (7, -14), (5, -26)):
        c.ellipse(cx, y + dy, r, r, GOLD)


def stele_pavilion(c: Canvas, cx: float, base: float, width: float) -> None:
    """An open pavilion (nhà bia) sheltering a stone stele standing on a tortoise."""
    c.rect(cx - width / 2 - 20, base, cx + width / 2 + 20, base + 18, STONE)
    c.ellipse(cx, base - 16, width * 0.26, 20, (120, 124, 110))  # the tortoise
    c.ellipse(cx - width * 0.3, base - 18, 14, 10, (120, 124, 110))
    c.rect(cx - width * 0.14, base - 190, cx + width * 0.14, base - 20, (150, 150, 138))
    c.ellipse(cx, base - 190, width * 0.14, 22, (150, 150, 138))
    for i in range(5):  # the carved columns of text
        x = cx - width * 0.1 + i * width * 0.05
        c.line([(x, base - 170), (x, base - 40)], (118, 118, 106), 2)
    for side in (-1, 1):
        c.rect(cx + side * width / 2 - 8, base - 200, cx + side * width / 2 + 8, base, WOOD)
    roof(c, cx, base - 236, width * 0.3 + 20, 60, OLD_TILE, ridge=0.5, curl=16)
    roof(c, cx, base - 196, width / 2 + 40, 62, OLD_TILE, ridge=0.7, curl=22)


def incense_burner(c: Canvas, x: float, base: float) -> None:
    """A bronze incense burner with a thread of smoke."""
    c.ellipse(x, base - 30, 40, 28, (96, 80, 48))
    c.ellipse(x, base - 54, 44, 10, (124, 104, 62))
    for dx in (-26, 0, 26):
        c.rect(x + dx - 5, base - 12, x + dx + 5, base, (80, 66, 40))
    smoke = [(x + 9 * math.sin(i / 3), base - 50 - i * 9) for i in range(18)]
    c.line(smoke, (236, 236, 236, 110), 3)


def flags(c: Canvas, y: float, rng: random.Random) -> None:
    """Festival pennants on a string across the picture."""
    colours = [(206, 40, 40), (240, 196, 40), (40, 120, 190), (60, 150, 80), (230, 110, 40)]
    points = [
        (x, y + 30 * ((x - WIDTH / 2) / (WIDTH / 2)) ** 2) for x in range(-20, WIDTH + 40, 40)
    ]
    c.line(points, (60, 50, 40), 2)
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        c.poly(
            [(x0 + 4, y0), (x1 - 4, y1), ((x0 + x1) / 2, (y0 + y1) / 2 + 38)], rng.choice(colours)
        )


def courtyard(c: Canvas, horizon: float, tone: Color = (200, 184, 150)) -> None:
    """A paved courtyard seen from its front edge."""
    c.gradient(horizon, 800, mix(tone, (255, 255, 255), 0.15), mix(tone, (60, 50, 40), 0.35))
    for i in range(-12, 13):
        c.line(
            [(WIDTH / 2 + i * 26, horizon), (WIDTH / 2 + i * 150, 800)],
            mix(tone, (80, 70, 60), 0.25),
            1.5,
        )


def lotus_pond(c: Canvas, rng: random.Random, water_y: float) -> None:
    """Reflect the scene into a pond and scatter lotus leaves and flowers on it."""
    c.reflect(water_y, (60, 96, 90))
    for _ in range(26):
        x, y = rng.uniform(0, WIDTH), rng.uniform(water_y + 40, 790)
        r = 16 + (y - water_y) * 0.12
        c.ellipse(x, y, r, r * 0.35, mix((60, 130, 60), (20, 60, 30), rng.random()))
        if rng.random() < 0.35:
            c.ellipse(x + r * 0.2, y - r * 0.5, r * 0.22, r * 0.3, (236, 130, 160))

"""Objects for the demo photos of OCOP products: a studio table, parcels, jars, bowls.

Boxes are drawn in a simple oblique projection (front face, top, right side), which is
enough to read as a parcel; the colours follow the real things (bánh gai is wrapped in
dried banana leaf and is nearly black inside, nem chua in green leaves tied with red).
"""

from __future__ import annotations

import math
import random

from qrsvc.demo.drawing import HEIGHT, WIDTH, Canvas, Color, mix

TABLE_Y = 440
LEAF_TAN: Color = (200, 160, 98)
BANANA: Color = (74, 138, 60)


def studio(c: Canvas, rng: random.Random) -> None:
    """A warm wall, window light and a wooden table top with its grain."""
    wall = rng.choice([(236, 222, 196), (226, 214, 200), (232, 216, 182)])
    c.gradient(0, TABLE_Y, mix(wall, (255, 255, 255), 0.3), wall)
    c.glow(rng.choice([200, 1000]), 140, 120, (255, 250, 236), disc=False)
    wood = rng.choice([(140, 92, 58), (120, 78, 50), (160, 112, 72)])
    c.gradient(TABLE_Y, HEIGHT, mix(wood, (255, 230, 200), 0.15), mix(wood, (0, 0, 0), 0.3))
    for _ in range(24):
        y = rng.uniform(TABLE_Y + 6, HEIGHT)
        c.line(
            [(0, y), (WIDTH / 2, y + rng.uniform(-6, 6)), (WIDTH, y + rng.uniform(-10, 10))],
            mix(wood, (0, 0, 0), 0.2),
            1.5,
        )


def box(c: Canvas, x: float, y: float, w: float, h: float, d: float, face: Color) -> None:
    """A parcel whose front face has its top-left corner at (x, y); ``d`` is its depth."""
    d, lift = d * 0.55, d * 0.45  # an oblique view from slightly above and to the right
    c.poly(
        [(x, y), (x + w, y), (x + w + d, y - lift), (x + d, y - lift)],
        mix(face, (255, 255, 255), 0.18),
    )
    c.poly(
        [(x + w, y), (x + w, y + h), (x + w + d, y + h - lift), (x + w + d, y - lift)],
        mix(face, (0, 0, 0), 0.22),
    )
    c.rect(x, y, x + w, y + h, face)


def banh_gai(c: Canvas, x: float, y: float, size: float, rng: random.Random) -> None:
    """One bánh gai: a square parcel of dried banana leaf tied with bamboo strips."""
    h = size * 0.45
    box(c, x, y, size, h, size * 0.6, LEAF_TAN)
    for _ in range(14):  # streaks of the dried leaf
        vx = x + rng.uniform(0.04, 0.9) * size
        tone = mix(LEAF_TAN, rng.choice([(90, 60, 30), (240, 220, 170)]), rng.uniform(0.2, 0.5))
        c.line([(vx, y + 2), (vx + size * 0.06, y + h - 2)], tone, rng.uniform(1, 3))
    strip = (236, 214, 160)
    dx, dy = size * 0.6 * 0.55, size * 0.6 * 0.45  # the top face's depth offset
    for t in (0.33, 0.66):
        c.line([(x + size * t, y + h), (x + size * t, y), (x + size * t + dx, y - dy)], strip, 4)
        c.line(
            [
                (x + dx * t, y - dy * t),
                (x + size + dx * t, y - dy * t),
                (x + size + dx * t, y + h - dy * t),
            ],
            strip,
            4,
        )


def cut_banh_gai(c: Canvas, x: float, y: float, size: float, rng: random.Random) -> None:
    """A bánh gai cut open: the ramie-leaf dough is nearly black, the filling golden."""
    h = size * 0.45
    box(c, x, y, size, h, size * 0.6, LEAF_TAN)
    c.rect(x + 6, y + 6, x + size - 6, y + h - 4, (40, 28, 34))
    c.ellipse(x + size / 2, y + h / 2 + 2, size * 0.3, h * 0.28, (232, 194, 92))
    for _ in range(40):  # sesame on the dough, lard and lotus seed in the filling
        c.ellipse(
            x + rng.uniform(10, size - 10), y + rng.uniform(8, h - 8), 2.2, 1.2, (236, 226, 200)
        )
    for _ in range(5):
        c.ellipse(
            x + size / 2 + rng.uniform(-0.2, 0.2) * size,
            y + h / 2 + rng.uniform(-6, 8),
            6,
            4,
            (250, 240, 220),
        )


def leaf(c: Canvas, cx: float, cy: float, length: float, angle: float, color: Color) -> None:
    """A long leaf (banana, guava) lying on the table."""
    a = math.radians(angle)
    ux, uy, vx, vy = math.cos(a), math.sin(a) * 0.45, -math.sin(a), math.cos(a) * 0.45
    outline = []
    for i in range(21):
        t = -1 + i / 10
        width = (1 - t * t) * length * 0.18
        outline.append(
            (cx + ux * t * length / 2 + vx * width, cy + uy * t * length / 2 + vy * width)
        )
    outline += [(2 * cx - px, 2 * cy - py) for px, py in outline[1:-1]]
    c.poly(outline, color)
    c.line(
        [
            (cx - ux * length / 2, cy - uy * length / 2),
            (cx + ux * length / 2, cy + uy * length / 2),
        ],
        mix(color, (255, 255, 220), 0.3),
        2,
    )


def jar(c: Canvas, cx: float, base: float, w: float, h: float, fill: Color, lid: Color) -> None:
    """A glass jar with its contents, a lid and a paper label."""
    c.blur_shadow(cx, base, w * 0.6, 16)
    c.rect(cx - w / 2, base - h, cx + w / 2, base, mix(fill, (255, 255, 255), 0.1))
    c.ellipse(cx, base, w / 2, w * 0.12, fill)
    c.rect(cx - w / 2 + 8, base - h + 10, cx - w / 2 + 20, base - 14, (255, 255, 255, 90))
    c.rect(cx - w / 2 - 4, base - h - 34, cx + w / 2 + 4, base - h, lid)
    c.rect(cx - w / 2, base - h * 0.62, cx + w / 2, base - h * 0.3, (246, 236, 210))
    c.rect(cx - w / 2, base - h * 0.62, cx + w / 2, base - h * 0.56, (176, 40, 40))


def bottle(c: Canvas, cx: float, base: float, h: float) -> None:
    """A rice-wine bottle: clear glass, a cork and a label."""
    w = h * 0.3
    c.blur_shadow(cx, base, w * 0.8, 14)
    glass = (226, 232, 224, 200)
    c.rect(cx - w / 2, base - h * 0.65, cx + w / 2, base, glass)
    c.poly(
        [
            (cx - w / 2, base - h * 0.65),
            (cx + w / 2, base - h * 0.65),
            (cx + w * 0.16, base - h * 0.86),
            (cx - w * 0.16, base - h * 0.86),
        ],
        glass,
    )
    c.rect(cx - w * 0.16, base - h, cx + w * 0.16, base - h * 0.86, glass)
    c.rect(cx - w * 0.18, base - h - 26, cx + w * 0.18, base - h + 4, (170, 120, 70))
    c.rect(cx - w / 2, base - h * 0.45, cx + w / 2, base - h * 0.15, (248, 240, 220))
    c.rect(cx - w / 2, base - h * 0.45, cx + w / 2, base - h * 0.39, (170, 36, 36))
    c.rect(cx - w / 2 + 8, base - h * 0.6, cx - w / 2 + 18, base - 12, (255, 255, 255, 110))


def bowl(
    c: Canvas,
    cx: float,
    base: float,
    w: float,
    heap: Color,
    rng: random.Random,
    grain: tuple[float, float] = (5, 2.4),
) -> None:
    """A glazed bowl heaped with grains (rice, sticky rice) or powder."""
    c.blur_shadow(cx, base, w * 0.6, 18)
    c.ellipse(cx, base - w * 0.2, w / 2, w * 0.3, heap)
    for _ in range(220 if grain[0] else 0):
        gx, gy = rng.uniform(-0.42, 0.42) * w, rng.uniform(-0.42, 0.1) * w * 0.5
        c.ellipse(
            cx + gx,
            base - w * 0.2 + gy,
            grain[0],
            grain[1],
            mix(heap, (255, 255, 255), rng.uniform(0, 0.5)),
        )
    rim = base - w * 0.2
    half_circle = [
        (cx + w / 2 * math.cos(math.pi * i / 20), rim + w * 0.32 * math.sin(math.pi * i / 20))
        for i in range(21)
    ]
    c.poly([(cx - w / 2, rim), *half_circle], (236, 240, 244))
    c.line([(cx - w * 0.46, base - w * 0.1), (cx + w * 0.46, base - w * 0.1)], (60, 90, 150), 4)


def rice_ear(
    c: Canvas, x: float, base: float, length: float, rng: random.Random, grain: Color
) -> None:
    """A ripe rice ear bending under its grains."""
    points = [
        (x + length * 0.5 * (t / 10) ** 2, base - length * math.sin(t / 10 * 1.2))
        for t in range(11)
    ]
    c.line(points, (170, 150, 80), 3)
    for px, py in points[3:]:
        for side in (-1, 1):
            c.ellipse(px + side * 7, py + rng.uniform(-3, 3), 5, 3, grain)

"""Drawing primitives for the demo photos: a supersampled canvas, skies, hills, trees.

Scenes are drawn on a 1200×800 design grid at twice that size, then scaled down, which
smooths every edge without an anti-aliasing library.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFilter

__all__ = [
    "HEIGHT",
    "WIDTH",
    "Canvas",
    "areca",
    "fields",
    "mix",
    "ridge",
    "sky_and_hills",
    "tree",
]

WIDTH, HEIGHT = 1200, 800
SUPERSAMPLE = 2

Color = tuple[int, int, int]
Point = tuple[float, float]

# (sky top, sky at the horizon, sun, far hills, near hills): morning, noon, dusk, overcast.
SKIES: tuple[tuple[Color, Color, Color, Color, Color], ...] = (
    ((92, 148, 214), (246, 214, 170), (255, 236, 190), (120, 150, 170), (62, 104, 84)),
    ((48, 112, 196), (190, 222, 240), (255, 252, 230), (110, 150, 175), (58, 110, 70)),
    ((64, 58, 120), (250, 150, 96), (255, 200, 120), (112, 86, 120), (52, 60, 70)),
    ((138, 156, 170), (214, 220, 218), (240, 240, 232), (140, 156, 160), (78, 104, 90)),
)


def mix(a: Sequence[int], b: Sequence[int], t: float) -> Color:
    """The colour a fraction ``t`` of the way from ``a`` to ``b``."""
    t = min(1.0, max(0.0, t))
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


class Canvas:
    """A picture being drawn, addressed in 1200×800 design units."""

    def __init__(self, size: tuple[int, int] = (WIDTH, HEIGHT)) -> None:
        """Start a black picture of ``size`` output pixels."""
        self.size = size
        self.k = size[0] / WIDTH * SUPERSAMPLE
        self.image = Image.new("RGB", (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE))
        self.draw = ImageDraw.Draw(self.image, "RGBA")

    def pts(self, points: Sequence[Point]) -> list[tuple[float, float]]:
        """Design units to pixels."""
        return [(x * self.k, y * self.k) for x, y in points]

    def poly(self, points: Sequence[Point], fill: Sequence[int]) -> None:
        """Fill a polygon."""
        self.draw.polygon(self.pts(points), fill=tuple(fill))

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: Sequence[int]) -> None:
        """Fill a rectangle."""
        self.draw.rectangle(self.pts([(x0, y0), (x1, y1)]), fill=tuple(fill))

    def ellipse(self, cx: float, cy: float, rx: float, ry: float, fill: Sequence[int]) -> None:
        """Fill an ellipse centred on (cx, cy)."""
        self.draw.ellipse(self.pts([(cx - rx, cy - ry), (cx + rx, cy + ry)]), fill=tuple(fill))

    def line(self, points: Sequence[Point], fill: Sequence[int], width: float) -> None:
        """Draw a polyline ``width`` design units thick."""
        self.draw.line(
            self.pts(points), fill=tuple(fill), width=max(1, round(width * self.k)), joint="curve"
        )

    def gradient(self, y0: float, y1: float, top: Color, bottom: Color) -> None:
        """Fill the band between ``y0`` and ``y1`` with a vertical gradient."""
        top_px, bottom_px = round(y0 * self.k), round(y1 * self.k)
        rows = max(1, bottom_px - top_px)
        column = Image.new("RGB", (1, rows))
        column.putdata([mix(top, bottom, i / rows) for i in range(rows)])
        self.image.paste(column.resize((self.image.width, rows)), (0, top_px))

    def glow(self, cx: float, cy: float, radius: float, color: Color, disc: bool = True) -> None:
        """A soft sun (a bright disc in a blurred halo), or only the halo of window light."""
        rings = [(radius * (1 + i * 0.6),) * 2 + ((*color, 22),) for i in range(6, 0, -1)]
        self.soft_ellipses(cx, cy, rings, radius * 0.6)
        if disc:
            self.ellipse(cx, cy, radius, radius, (*color, 255))

    def blur_shadow(self, cx: float, cy: float, rx: float, ry: float, strength: int = 90) -> None:
        """A soft contact shadow under an object standing on a table."""
        self.soft_ellipses(cx, cy, [(rx, ry, (30, 20, 10, strength))], ry * 0.5)

    def soft_ellipses(
        self, cx: float, cy: float, rings: list[tuple[float, float, tuple[int, ...]]], blur: float
    ) -> None:
        """Ellipses ``(rx, ry, rgba)`` centred on (cx, cy), blurred by ``blur`` design units.

        Only the area around them is blurred, and at a reduced scale (a blurred shape has
        no detail to lose): full-size blurs made drawing the demo photos several times slower.
        """
        k, pad = self.k, 3 * blur * self.k
        half_w = max(rx for rx, _, _ in rings) * k + pad
        half_h = max(ry for _, ry, _ in rings) * k + pad
        x0, y0 = round(cx * k - half_w), round(cy * k - half_h)
        size = (round(2 * half_w), round(2 * half_h))
        down = max(1, round(blur * k / 6))
        # Transparent pixels carry the colour too, so the blurred edge does not darken.
        layer = Image.new("RGBA", (size[0] // down + 1, size[1] // down + 1), (*rings[0][2][:3], 0))
        pen = ImageDraw.Draw(layer)
        mx, my = (cx * k - x0) / down, (cy * k - y0) / down
        for rx, ry, fill in rings:
            rx, ry = rx * k / down, ry * k / down
            pen.ellipse((mx - rx, my - ry, mx + rx, my + ry), fill=fill)
        layer = layer.filter(ImageFilter.GaussianBlur(blur * k / down))
        # Scale up only the part that falls on the canvas (a sun's halo is mostly sky-wide).
        vx0, vy0 = max(0, x0), max(0, y0)
        vx1 = min(self.image.width, x0 + size[0])
        vy1 = min(self.image.height, y0 + size[1])
        if vx1 <= vx0 or vy1 <= vy0:
            return
        source = ((vx0 - x0) / down, (vy0 - y0) / down, (vx1 - x0) / down, (vy1 - y0) / down)
        layer = layer.resize((vx1 - vx0, vy1 - vy0), Image.Resampling.BILINEAR, box=source)
        self.image.paste(layer, (vx0, vy0), layer)

    def reflect(self, water_y: float, tint: Color) -> None:
        """Mirror everything above ``water_y`` into water below it, darkened and softened."""
        y = round(water_y * self.k)
        depth = self.image.height - y
        above = self.image.crop((0, max(0, y - depth), self.image.width, y))
        mirrored = above.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
        mirrored = mirrored.filter(ImageFilter.GaussianBlur(3 * self.k))
        water = Image.blend(mirrored, Image.new("RGB", mirrored.size, tint), 0.45)
        self.image.paste(water, (0, y))

    def png(self) -> bytes:
        """The finished picture, scaled to its output size, as PNG bytes."""
        final = self.image.reduce(SUPERSAMPLE)  # a box filter: the usual supersampling
        out = io.BytesIO()
        final.save(out, "PNG", optimize=False, compress_level=6)
        return out.getvalue()


def sky_and_hills(c: Canvas, rng: random.Random, horizon: float) -> tuple[Color, ...]:
    """Sky gradient, sun and two ranges of hills down to ``horizon``; returns the palette."""
    palette = SKIES[rng.randrange(len(SKIES))]
    top, low, sun, far, near = palette
    c.gradient(0, horizon, top, low)
    if palette is not SKIES[3]:  # no sun on an overcast day
        # Left or right third: a sun right behind the building's ridge looks like an ornament.
        sun_x = rng.choice([rng.uniform(120, 360), rng.uniform(840, 1080)])
        c.glow(sun_x, rng.uniform(110, horizon - 230), 38, sun)
    ridge(c, rng, horizon - 120, 70, mix(far, low, 0.35))
    ridge(c, rng, horizon - 50, 50, mix(near, far, 0.3))
    return palette


def ridge(c: Canvas, rng: random.Random, base: float, amplitude: float, color: Color) -> None:
    """A hill range: a sum of three sine waves with random phases."""
    waves = [
        (rng.uniform(0.6, 1.4) * f, rng.uniform(0, math.tau), w)
        for f, w in ((1.0, 0.55), (2.7, 0.3), (7.3, 0.15))
    ]
    points = [
        (
            x,
            base
            - amplitude
            * sum(w * (0.5 + 0.5 * math.sin(f * x / WIDTH * math.tau + p)) for f, p, w in waves),
        )
        for x in range(0, WIDTH + 1, 8)
    ]
    c.poly([*points, (WIDTH, HEIGHT), (0, HEIGHT)], color)


def fields(c: Canvas, horizon: float, green: Color) -> None:
    """Rice fields running to the horizon, with the banks between paddies."""
    c.gradient(horizon, HEIGHT, mix(green, (200, 210, 150), 0.35), mix(green, (20, 40, 10), 0.3))
    for i in range(1, 9):
        y = horizon + (HEIGHT - horizon) * (i / 9) ** 1.8
        c.line([(0, y), (WIDTH, y + 4)], mix(green, (230, 220, 160), 0.35), 1.5 + i * 0.5)


def tree(c: Canvas, rng: random.Random, x: float, ground: float, size: float, green: Color) -> None:
    """A broad-leaved tree (banyan, longan): a trunk and a cluster of leafy blobs."""
    c.rect(x - size * 0.07, ground - size * 0.9, x + size * 0.07, ground, (74, 56, 40))
    for i in range(16):  # darker blobs first, sunlit ones on top
        dx, dy = rng.uniform(-0.7, 0.7) * size, rng.uniform(-1.6, -0.85) * size
        r = rng.uniform(0.22, 0.38) * size
        shade = (
            mix(green, (0, 0, 0), 0.3)
            if i < 8
            else mix(green, (200, 220, 120), rng.uniform(0, 0.18))
        )
        c.ellipse(x + dx, ground + dy, r, r * 0.85, shade)


def areca(c: Canvas, rng: random.Random, x: float, ground: float, height: float) -> None:
    """An areca palm (cây cau), common in village courtyards."""
    lean = rng.uniform(-0.08, 0.08) * height
    top = (x + lean, ground - height)
    c.line([(x, ground), (x + lean * 0.4, ground - height * 0.5), top], (96, 84, 62), 6)
    for angle in range(-170, 10, 24):
        a = math.radians(angle + rng.uniform(-6, 6))
        tip = (top[0] + math.cos(a) * height * 0.28, top[1] + math.sin(a) * height * 0.2 + 24)
        c.line([top, ((top[0] + tip[0]) / 2, min(top[1], tip[1]) - 10), tip], (52, 96, 46), 5)

"""The demo's cover pictures: flat illustrations, one composition per kind of building.

No photo ships with the project, so each site gets a drawing of what it used to be (offices,
factory, warehouse, school, university, barracks, clinic, control post, public building) in one
style: the palette of static/css/app.css, light from the left, soft shadows, a hint of depth on
the right-hand side. A seed varies colours, lit windows, trees and sky, so two sites of the
same kind differ. Drawn at twice the size and reduced, for smooth edges.
"""

from __future__ import annotations

import functools
import io
import random
import unicodedata
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFilter, ImageFont

WIDTH, HEIGHT = 960, 540
SCALE = 2
GROUND = 430  # the foot of the buildings
Colour = tuple[int, int, int]

# app.css tokens and colours drawn from them.
PRIMARY, PRIMARY_DARK, PRIMARY_LIGHT = (15, 92, 79), (9, 63, 54), (227, 241, 236)
ACCENT, AMBER, SURFACE, BORDER = (246, 231, 200), (242, 184, 75), (245, 243, 238), (201, 198, 189)
TEXT, INFO, DANGER = (29, 34, 38), (30, 58, 138), (163, 36, 27)
GLASS, GLASS_DARK, LIT = (164, 196, 204), (78, 108, 122), (250, 216, 128)
FOLIAGE = [(47, 122, 95), (63, 143, 106), (15, 92, 79), (88, 150, 96)]
TRUNK = (107, 74, 50)
SKIES = [  # top, horizon
    ((178, 214, 222), ACCENT),
    ((196, 224, 214), (250, 238, 214)),
    ((160, 196, 220), (240, 226, 214)),
    ((214, 226, 230), (246, 224, 190)),
]
FACADES = {
    "brick": [(168, 78, 56), (150, 70, 52), (184, 96, 64)],
    "stone": [(230, 218, 196), (220, 206, 182), (236, 226, 206)],
    "render": [(241, 228, 200), (232, 214, 188), (222, 230, 220)],
    "concrete": [(201, 198, 189), (186, 186, 180), (212, 206, 192)],
    "office": [(92, 127, 149), (70, 110, 120), (120, 134, 150)],
    "white": [(245, 243, 238), (236, 238, 236)],
    "metal": [(120, 138, 140), (150, 120, 86), (98, 120, 140)],
}


def shade(colour: Colour, factor: float) -> Colour:
    return tuple(max(0, min(255, round(c * factor))) for c in colour)  # type: ignore[return-value]


def mix(a: Colour, b: Colour, t: float) -> Colour:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's own font, present everywhere; it has no accented capitals, hence plain signs.
    return ImageFont.load_default(size=size)


class Scene:
    """A canvas in 960 × 540 units: objects on one layer, cast shadows on a mask under them."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        size = (WIDTH * SCALE, HEIGHT * SCALE)
        self.image = Image.new("RGB", size)
        self.layer = Image.new("RGBA", size, (0, 0, 0, 0))
        self.shadows = Image.new("L", size, 0)
        self.draw = ImageDraw.Draw(self.layer)
        self.base = ImageDraw.Draw(self.image)
        self.mask = ImageDraw.Draw(self.shadows)
        self.depth = (46, 26)  # the right-hand side recedes up and to the right
        # What stands on the ground moves sideways a little from one site to the next.
        self.shift = rng.randint(-36, 36)

    def _xy(self, points, on=None) -> list[tuple[float, float]]:
        shift = 0 if on is self.base else self.shift
        return [((x + shift) * SCALE, y * SCALE) for x, y in points]

    def poly(self, points, fill: Colour, *, on=None) -> None:
        (on or self.draw).polygon(self._xy(points, on), fill=fill)

    def rect(self, x0, y0, x1, y1, fill: Colour, *, on=None) -> None:
        (on or self.draw).rectangle(self._xy([(x0, y0), (x1, y1)], on), fill=fill)

    def ellipse(self, x0, y0, x1, y1, fill: Colour, *, on=None) -> None:
        (on or self.draw).ellipse(self._xy([(x0, y0), (x1, y1)], on), fill=fill)

    def line(self, points, fill: Colour, width: float = 1) -> None:
        self.draw.line(self._xy(points), fill=fill, width=max(1, round(width * SCALE)))

    def text(self, x, y, words: str, fill: Colour, size: int) -> None:
        font = _font(size * SCALE)
        self.draw.text(self._xy([(x, y)])[0], words, fill=fill, font=font, anchor="mm")

    def cast(self, x0: float, x1: float, height: float, ground: float = GROUND) -> None:
        """The shadow of something standing on the ground from x0 to x1, thrown right."""
        reach = height * 0.45
        self.poly(
            [(x0, ground), (x1, ground), (x1 + reach, ground + 18), (x0 + reach, ground + 18)],
            170,
            on=self.mask,
        )
        self.rect(x0 - 6, ground - 4, x1 + self.depth[0] + 8, ground + 8, 200, on=self.mask)

    def finish(self) -> bytes:
        # Blurred small and enlarged: soft shadows need no detail, and this is the slow step.
        small = self.shadows.reduce(4).filter(ImageFilter.GaussianBlur(9 * SCALE / 4))
        small = small.point(lambda v: v * 45 // 100)
        self.image.paste(
            shade(PRIMARY_DARK, 0.6), (0, 0, *self.image.size), small.resize(self.image.size)
        )
        self.image.paste(self.layer, (0, 0), self.layer)
        picture = self.image.reduce(SCALE)
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=84, optimize=True, progressive=True)
        return out.getvalue()


# Shared parts --------------------------------------------------------------------------------


def sky_and_ground(scene: Scene, *, rural: bool = False) -> None:
    rng = scene.rng
    top, horizon = rng.choice(SKIES)
    for y in range(0, GROUND * SCALE, 2):
        t = y / (GROUND * SCALE)
        scene.base.rectangle([0, y, WIDTH * SCALE, y + 2], fill=mix(top, horizon, t**1.4))
    sun_x = rng.randint(90, 260)
    scene.ellipse(sun_x - 60, 40, sun_x + 60, 160, mix(horizon, AMBER, 0.25), on=scene.base)
    scene.ellipse(sun_x - 34, 66, sun_x + 34, 134, mix(AMBER, (255, 255, 255), 0.35), on=scene.base)
    for _ in range(rng.randint(2, 4)):
        cx, cy = rng.randint(80, 900), rng.randint(50, 170)
        cloud = mix(horizon, (255, 255, 255), 0.7)
        for dx, dy, r in ((-34, 6, 20), (-8, -6, 28), (24, 4, 22), (0, 10, 22)):
            scene.ellipse(cx + dx - r, cy + dy - r, cx + dx + r, cy + dy + r, cloud, on=scene.base)
    far = mix(top, PRIMARY_LIGHT, 0.2)
    if rural:
        hills = [(0, 360)] + [(x, 330 + rng.randint(-30, 25)) for x in range(0, 1001, 125)]
        scene.poly([*hills, (960, GROUND), (0, GROUND)], mix(far, FOLIAGE[3], 0.35), on=scene.base)
    else:  # a far skyline, paler than anything in front
        x = -20
        while x < WIDTH:
            w, h = rng.randint(40, 90), rng.randint(50, 150)
            scene.rect(x, GROUND - h, x + w, GROUND, shade(far, 0.92), on=scene.base)
            x += w + rng.randint(-10, 6)
    grass = mix(FOLIAGE[3], (210, 220, 170), 0.45)
    scene.rect(0, GROUND, WIDTH, HEIGHT, grass, on=scene.base)
    if not rural:
        scene.rect(0, GROUND + 8, WIDTH, GROUND + 40, shade(SURFACE, 0.88), on=scene.base)
        scene.rect(0, GROUND + 40, WIDTH, HEIGHT, (122, 128, 132), on=scene.base)
        for x in range(20, WIDTH, 110):
            scene.rect(x, 495, x + 56, 500, (232, 228, 214), on=scene.base)
    else:
        scene.poly(
            [(430, HEIGHT), (560, HEIGHT), (505, GROUND), (470, GROUND)],
            (214, 200, 166),
            on=scene.base,
        )


def block(scene: Scene, x0, x1, top, colour: Colour, *, ground=GROUND, roof=True) -> None:
    """A box: front face, darker side face, lighter flat roof, and its shadow."""
    dx, dy = scene.depth
    scene.cast(x0, x1, ground - top, ground)
    scene.poly(
        [(x1, top), (x1 + dx, top - dy), (x1 + dx, ground - dy), (x1, ground)], shade(colour, 0.72)
    )
    if roof:
        scene.poly(
            [(x0, top), (x0 + dx, top - dy), (x1 + dx, top - dy), (x1, top)], shade(colour, 1.12)
        )
    scene.rect(x0, top, x1, ground, colour)


def gable_roof(scene: Scene, x0, x1, top, rise, colour: Colour, overhang=8) -> None:
    """A pitched roof whose ridge runs along the facade."""
    dx, dy = scene.depth
    ridge = (dx / 2, top - dy / 2 - rise)
    scene.poly([(x1, top), (x1 + dx, top - dy), (x1 + ridge[0], ridge[1])], shade(colour, 0.85))
    scene.poly(
        [
            (x0 - overhang, top + 2),
            (x1 + overhang, top + 2),
            (x1 + ridge[0], ridge[1]),
            (x0 + ridge[0], ridge[1]),
        ],
        colour,
    )


def windows(
    scene: Scene,
    x0,
    x1,
    top,
    bottom,
    *,
    rows: int,
    cols: int,
    size=(0.55, 0.55),
    arched=False,
    lit=0.15,
    frame=None,
) -> None:
    """A grid of windows, some lit, each with a sill."""
    cell_w, cell_h = (x1 - x0) / cols, (bottom - top) / rows
    w, h = cell_w * size[0], cell_h * size[1]
    for r in range(rows):
        for c in range(cols):
            cx, cy = x0 + cell_w * (c + 0.5), top + cell_h * (r + 0.5)
            glass = (
                LIT if scene.rng.random() < lit else scene.rng.choice((GLASS, GLASS, GLASS_DARK))
            )
            if frame:
                scene.rect(cx - w / 2 - 2, cy - h / 2 - 2, cx + w / 2 + 2, cy + h / 2 + 2, frame)
            if arched:
                scene.ellipse(cx - w / 2, cy - h / 2, cx + w / 2, cy - h / 2 + w, glass)
                scene.rect(cx - w / 2, cy - h / 2 + w / 2, cx + w / 2, cy + h / 2, glass)
            else:
                scene.rect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, glass)
            scene.rect(
                cx - w / 2,
                cy - h / 2,
                cx - w / 2 + max(2, w * 0.18),
                cy + h / 2,
                mix(glass, (255, 255, 255), 0.35),
            )
            scene.rect(
                cx - w / 2 - 2, cy + h / 2, cx + w / 2 + 2, cy + h / 2 + 3, shade(SURFACE, 0.9)
            )


def door(scene: Scene, cx, width, height, colour: Colour = PRIMARY_DARK, ground=GROUND) -> None:
    scene.rect(
        cx - width / 2 - 4, ground - height - 4, cx + width / 2 + 4, ground, shade(SURFACE, 0.85)
    )
    scene.rect(cx - width / 2, ground - height, cx + width / 2, ground, colour)
    scene.line([(cx, ground - height), (cx, ground)], shade(colour, 1.4), 1.5)


def sign(
    scene: Scene, cx, cy, words: str, *, fill: Colour = PRIMARY, ink: Colour = SURFACE, size=15
) -> None:
    width = len(words) * size * 0.68 + 22
    scene.rect(cx - width / 2, cy - size * 0.85, cx + width / 2, cy + size * 0.85, fill)
    scene.text(cx, cy + 1, words, ink, size)


def tree(scene: Scene, x, *, ground=GROUND + 14, size=1.0, poplar=False) -> None:
    rng = scene.rng
    green = rng.choice(FOLIAGE)
    trunk_h = 34 * size
    scene.ellipse(x - 8, ground - 6, x + 60 * size, ground + 8, 255, on=scene.mask)
    scene.rect(x - 3 * size, ground - trunk_h, x + 3 * size, ground, TRUNK)
    if poplar:
        scene.ellipse(
            x - 16 * size,
            ground - trunk_h - 110 * size,
            x + 16 * size,
            ground - trunk_h + 10,
            green,
        )
        scene.ellipse(
            x - 4 * size,
            ground - trunk_h - 100 * size,
            x + 14 * size,
            ground - trunk_h - 10,
            shade(green, 1.15),
        )
        return
    r = 34 * size
    for dx, dy, k in ((-0.6, 0.1, 0.75), (0.55, 0.15, 0.7), (0, -0.45, 0.85), (0, 0.05, 0.9)):
        cx, cy, rr = x + dx * r, ground - trunk_h - r * 0.6 + dy * r, r * k
        scene.ellipse(cx - rr, cy - rr, cx + rr, cy + rr, green)
    scene.ellipse(
        x - r * 0.7,
        ground - trunk_h - r * 1.35,
        x - r * 0.05,
        ground - trunk_h - r * 0.7,
        shade(green, 1.18),
    )


def trees(scene: Scene, spots: list[float], **kwargs) -> None:
    for x in spots:
        if scene.rng.random() < 0.8:
            tree(scene, x + scene.rng.randint(-14, 14), size=scene.rng.uniform(0.8, 1.2), **kwargs)


def lamp(scene: Scene, x) -> None:
    ground = GROUND + 30
    scene.rect(x - 1.5, ground - 90, x + 1.5, ground, TEXT)
    scene.line([(x, ground - 90), (x + 16, ground - 96)], TEXT, 3)
    scene.ellipse(x + 12, ground - 98, x + 24, ground - 90, LIT)


def facade_colour(scene: Scene, family: str) -> Colour:
    return scene.rng.choice(FACADES[family])


# One composition per kind --------------------------------------------------------------------


def offices(scene: Scene) -> None:
    rng = scene.rng
    sky_and_ground(scene)
    floors = rng.randint(5, 7)
    top = GROUND - 26 - floors * 40
    colour = facade_colour(scene, "office")
    block(scene, 560, 700, GROUND - 150, facade_colour(scene, "concrete"))
    block(scene, 270, 640, top, colour)
    scene.rect(270, top, 640, top + 10, shade(colour, 1.25))
    for f in range(floors):  # ribbon windows
        y = top + 20 + f * 40
        scene.rect(280, y, 630, y + 24, shade(colour, 0.82))
        windows(scene, 280, 630, y, y + 24, rows=1, cols=9, size=(0.9, 0.85), lit=0.2)
    scene.rect(240, GROUND - 58, 460, GROUND - 50, PRIMARY)  # entrance canopy
    door(scene, 350, 60, 46, GLASS_DARK)
    scene.rect(440, top - 30, 520, top, shade(colour, 0.7))  # rooftop plant room
    for x in range(446, 516, 12):
        scene.line([(x, top - 26), (x, top - 4)], shade(colour, 0.55), 2)
    sign(scene, 560, GROUND - 54, "M", fill=PRIMARY, size=18)  # the metro nearby
    scene.rect(558, GROUND - 40, 562, GROUND + 20, TEXT)
    trees(scene, [150, 210, 760, 840])
    lamp(scene, 720)


def public_building(scene: Scene) -> None:
    rng = scene.rng
    sky_and_ground(scene)
    colour = facade_colour(scene, "stone")
    top = GROUND - 200
    block(scene, 260, 700, top, colour, roof=False)
    gable_roof(scene, 260, 700, top, 38, (96, 110, 122), overhang=6)
    scene.rect(256, top - 2, 704, top + 10, shade(colour, 1.06))
    scene.rect(420, top + 10, 540, GROUND, shade(colour, 0.94))  # central bay
    windows(
        scene,
        270,
        420,
        top + 24,
        GROUND - 20,
        rows=3,
        cols=3,
        size=(0.46, 0.62),
        lit=0.2,
        frame=SURFACE,
    )
    windows(
        scene,
        540,
        690,
        top + 24,
        GROUND - 20,
        rows=3,
        cols=3,
        size=(0.46, 0.62),
        lit=0.2,
        frame=SURFACE,
    )
    windows(
        scene,
        420,
        540,
        top + 24,
        GROUND - 90,
        rows=2,
        cols=2,
        size=(0.46, 0.62),
        lit=0.3,
        frame=SURFACE,
    )
    door(scene, 480, 48, 66, PRIMARY_DARK, ground=GROUND - 12)
    for i in range(3):  # steps
        scene.rect(
            440 - i * 8,
            GROUND - 12 + i * 4,
            520 + i * 8,
            GROUND - 8 + i * 4,
            shade(SURFACE, 0.9 - i * 0.03),
        )
    scene.ellipse(464, top - 34, 496, top - 2, SURFACE)  # the clock
    scene.line([(480, top - 18), (480, top - 28)], TEXT, 2)
    scene.line([(480, top - 18), (488, top - 16)], TEXT, 2)
    x = 560 if rng.random() < 0.5 else 400  # flag
    scene.rect(x - 1, top - 70, x + 1, top + 4, TEXT)
    for i, stripe in enumerate(((30, 58, 138), (245, 243, 238), (163, 36, 27))):
        scene.rect(x + 2 + i * 12, top - 70, x + 14 + i * 12, top - 46, stripe)
    trees(scene, [150, 220, 780, 850])


def factory(scene: Scene) -> None:
    rng = scene.rng
    sky_and_ground(scene, rural=rng.random() < 0.5)
    colour = facade_colour(scene, "brick")
    dx, dy = scene.depth
    x0, x1, top, teeth = 240, 700, GROUND - 150, 5
    step, rise = (x1 - x0) / teeth, 44
    chimney_x = 176 + rng.randint(0, 30)
    scene.cast(chimney_x, chimney_x + 34, 300)
    scene.poly(
        [
            (chimney_x, GROUND),
            (chimney_x + 6, GROUND - 300),
            (chimney_x + 28, GROUND - 300),
            (chimney_x + 34, GROUND),
        ],
        shade(colour, 0.9),
    )
    for y in (GROUND - 290, GROUND - 270):
        scene.rect(chimney_x + 4, y, chimney_x + 30, y + 8, shade(colour, 0.7))
    for cx, cy, r in ((chimney_x + 26, GROUND - 326, 16), (chimney_x + 50, GROUND - 350, 22)):
        scene.ellipse(cx - r, cy - r, cx + r, cy + r, (236, 236, 232))
    block(scene, x0, x1, top, colour, roof=False)
    for i in reversed(range(teeth)):  # saw-tooth roof, glazed faces to the north
        xa, xb = x0 + i * step, x0 + (i + 1) * step
        scene.poly(
            [(xa, top - rise), (xb, top), (xb + dx, top - dy), (xa + dx, top - rise - dy)],
            (110, 118, 124),
        )
        scene.poly(
            [(xa, top), (xa, top - rise), (xa + dx, top - rise - dy), (xa + dx, top - dy)],
            GLASS_DARK,
        )
    for i in range(teeth):
        xa, xb = x0 + i * step, x0 + (i + 1) * step
        scene.poly([(xa, top + 1), (xa, top - rise), (xb, top + 1)], colour)
        scene.poly(
            [(xa + 10, top - 4), (xa + 10, top - rise + 14), (xa + step * 0.55, top - 4)], GLASS
        )
    for x in range(int(x0), int(x1) + 1, int(step)):  # pilasters
        scene.rect(x - 4, top, x + 4, GROUND, shade(colour, 0.86))
    windows(
        scene,
        x0 + 6,
        x1 - 6,
        top + 20,
        GROUND - 18,
        rows=2,
        cols=10,
        size=(0.56, 0.72),
        arched=True,
        lit=0.12,
    )
    door(scene, x0 + step * 2.5, 70, 90, PRIMARY)
    sign(
        scene,
        x0 + step * 2.5,
        top + 12,
        rng.choice(("FILATURE", "ATELIERS", "USINE")),
        fill=PRIMARY_DARK,
        size=13,
    )
    trees(scene, [760, 830, 890], poplar=True)


def warehouse(scene: Scene) -> None:
    rng = scene.rng
    sky_and_ground(scene)
    colour = facade_colour(scene, "metal")
    top = GROUND - 120
    block(scene, 150, 790, top, colour, roof=False)
    gable_roof(scene, 150, 790, top, 16, (138, 142, 146), overhang=10)
    for x in range(156, 790, 9):  # corrugated cladding
        scene.line([(x, top + 4), (x, GROUND)], shade(colour, 0.9), 1.5)
    scene.rect(150, top, 790, top + 26, shade(colour, 1.2))
    sign(
        scene,
        470,
        top + 13,
        rng.choice(("MESSAGERIES", "LOGISTIQUE", "HALLE 2")),
        fill=shade(colour, 1.2),
        ink=TEXT,
        size=14,
    )
    for i, x in enumerate(range(200, 760, 112)):  # loading bays with roller doors
        scene.rect(x - 6, GROUND - 16, x + 86, GROUND, shade(SURFACE, 0.78))
        if i == rng.randint(0, 4):
            scene.rect(x, GROUND - 86, x + 80, GROUND - 16, shade(TEXT, 2.2))
            scene.rect(x, GROUND - 86, x + 80, GROUND - 70, shade(colour, 0.75))
        else:
            scene.rect(x, GROUND - 86, x + 80, GROUND - 16, shade(colour, 0.8))
            for y in range(GROUND - 82, GROUND - 18, 7):
                scene.line([(x + 2, y), (x + 78, y)], shade(colour, 0.68), 1.5)
        scene.rect(x - 4, GROUND - 96, x + 84, GROUND - 90, AMBER)
    scene.cast(560, 660, 70, GROUND + 22)  # a van at the dock
    scene.rect(560, GROUND - 40, 660, GROUND + 14, SURFACE)
    scene.poly(
        [
            (660, GROUND - 22),
            (688, GROUND - 22),
            (700, GROUND),
            (700, GROUND + 14),
            (660, GROUND + 14),
        ],
        SURFACE,
    )
    scene.poly(
        [(664, GROUND - 18), (686, GROUND - 18), (694, GROUND - 2), (664, GROUND - 2)], GLASS_DARK
    )
    scene.rect(560, GROUND - 8, 700, GROUND - 2, PRIMARY)
    for wx in (586, 674):
        scene.ellipse(wx - 12, GROUND + 6, wx + 12, GROUND + 30, TEXT)
        scene.ellipse(wx - 5, GROUND + 13, wx + 5, GROUND + 23, BORDER)
    trees(scene, [80, 880])


def school(scene: Scene) -> None:
    sky_and_ground(scene)
    colour = facade_colour(scene, "render")
    top = GROUND - 170
    block(scene, 220, 740, top, colour, roof=False)
    gable_roof(scene, 220, 740, top, 40, (162, 82, 62))
    scene.rect(216, top, 744, top + 8, shade(colour, 0.9))
    windows(
        scene,
        230,
        730,
        top + 18,
        GROUND - 14,
        rows=2,
        cols=8,
        size=(0.56, 0.7),
        lit=0.1,
        frame=shade(colour, 0.86),
    )
    # the bell turret over the entrance
    bx = 480
    scene.rect(bx - 22, top - 70, bx + 22, top - 10, shade(colour, 1.04))
    scene.poly([(bx - 28, top - 70), (bx + 28, top - 70), (bx, top - 104)], (162, 82, 62))
    scene.ellipse(bx - 14, top - 60, bx + 14, top - 32, SURFACE)
    scene.line([(bx, top - 46), (bx, top - 56)], TEXT, 2)
    scene.line([(bx, top - 46), (bx + 8, top - 44)], TEXT, 2)
    scene.rect(bx - 60, GROUND - 110, bx + 60, GROUND, shade(colour, 0.96))
    sign(scene, bx, GROUND - 92, "GROUPE SCOLAIRE", fill=PRIMARY, size=14)
    door(scene, bx, 54, 66, PRIMARY_DARK)
    for x in range(40, 200, 14):  # the playground railings
        scene.rect(x, GROUND - 20, x + 3, GROUND + 14, PRIMARY_DARK)
    scene.rect(40, GROUND - 22, 200, GROUND - 18, PRIMARY_DARK)
    trees(scene, [120, 800, 880])


def university(scene: Scene) -> None:
    sky_and_ground(scene)
    colour = facade_colour(scene, "stone")
    top = GROUND - 210
    block(scene, 180, 780, top, colour)
    windows(
        scene,
        190,
        380,
        top + 20,
        GROUND - 20,
        rows=3,
        cols=4,
        size=(0.5, 0.64),
        arched=True,
        lit=0.2,
    )
    windows(
        scene,
        580,
        770,
        top + 20,
        GROUND - 20,
        rows=3,
        cols=4,
        size=(0.5, 0.64),
        arched=True,
        lit=0.2,
    )
    # the portico: pediment on six columns, on steps
    light = shade(colour, 1.06)
    scene.rect(380, top - 10, 580, GROUND - 20, shade(colour, 0.82))
    windows(
        scene,
        400,
        560,
        top + 40,
        GROUND - 40,
        rows=2,
        cols=3,
        size=(0.4, 0.6),
        arched=True,
        lit=0.35,
    )
    scene.poly([(366, top - 10), (594, top - 10), (480, top - 70)], light)
    scene.poly([(392, top - 18), (568, top - 18), (480, top - 58)], shade(colour, 0.9))
    scene.rect(366, top - 10, 594, top + 8, light)
    for i in range(6):
        x = 392 + i * 35
        scene.rect(x - 9, top + 8, x + 9, GROUND - 20, light)
        scene.rect(x - 9, top + 8, x - 4, GROUND - 20, shade(light, 1.05))
        scene.rect(x - 12, top + 8, x + 12, top + 14, light)
    for i in range(4):
        scene.rect(
            360 - i * 10,
            GROUND - 20 + i * 5,
            600 + i * 10,
            GROUND - 15 + i * 5,
            shade(SURFACE, 0.92 - i * 0.03),
        )
    scene.rect(180, top, 780, top + 8, shade(colour, 1.1))
    trees(scene, [100, 860])
    for x in (300, 640):
        lamp(scene, x)


def barracks(scene: Scene) -> None:
    sky_and_ground(scene)
    colour = facade_colour(scene, "stone")
    top = GROUND - 150
    block(scene, 170, 790, top, colour, roof=False)
    gable_roof(scene, 170, 790, top, 34, (86, 96, 110))
    for x in range(230, 760, 80):  # dormers
        scene.rect(x, top - 28, x + 24, top - 2, shade(colour, 1.05))
        scene.rect(x + 5, top - 22, x + 19, top - 6, GLASS_DARK)
    windows(
        scene,
        180,
        780,
        top + 14,
        GROUND - 10,
        rows=2,
        cols=12,
        size=(0.46, 0.64),
        lit=0.12,
        frame=SURFACE,
    )
    scene.rect(410, top - 20, 550, GROUND, shade(colour, 1.05))  # central pavilion
    scene.poly([(400, top - 20), (560, top - 20), (480, top - 60)], shade(colour, 1.1))
    door(scene, 480, 60, 80, PRIMARY_DARK)
    # the perimeter wall and gate in front
    scene.rect(-60, GROUND + 10, 420, GROUND + 34, shade(colour, 0.9))
    scene.rect(540, GROUND + 10, 1020, GROUND + 34, shade(colour, 0.9))
    for x in (410, 540):
        scene.rect(x - 8, GROUND - 30, x + 18, GROUND + 36, shade(colour, 0.8))
    for x in range(428, 536, 12):
        scene.rect(x, GROUND - 8, x + 3, GROUND + 34, TEXT)
    trees(scene, [90, 880])


def control_post(scene: Scene) -> None:
    rng = scene.rng
    sky_and_ground(scene)
    colour = facade_colour(scene, "concrete")
    block(scene, 300, 620, GROUND - 110, colour)
    windows(scene, 310, 610, GROUND - 100, GROUND - 10, rows=1, cols=5, size=(0.6, 0.56), lit=0.2)
    door(scene, 460, 44, 60, PRIMARY)
    # the control room: a glazed band on a shaft
    block(scene, 420, 520, GROUND - 220, shade(colour, 1.03), ground=GROUND - 110)
    block(scene, 390, 560, GROUND - 290, colour, ground=GROUND - 220)
    scene.rect(394, GROUND - 274, 556, GROUND - 236, GLASS_DARK)
    for x in range(394, 556, 27):
        scene.rect(x, GROUND - 274, x + 3, GROUND - 236, colour)
    for x in range(400, 550, 20):
        if rng.random() < 0.35:
            scene.rect(x + 4, GROUND - 256, x + 16, GROUND - 240, LIT)
    scene.rect(500, GROUND - 350, 503, GROUND - 290, TEXT)  # antenna
    scene.line([(490, GROUND - 336), (514, GROUND - 336)], TEXT, 2)
    scene.line([(494, GROUND - 320), (510, GROUND - 320)], TEXT, 2)
    # the tram line and a traffic light
    for y in (GROUND + 56, GROUND + 76):
        scene.rect(0, y, WIDTH, y + 3, (200, 200, 196))
    scene.rect(700, GROUND - 80, 704, GROUND + 30, TEXT)
    scene.rect(690, GROUND - 130, 714, GROUND - 76, TEXT)
    for i, light in enumerate(((90, 40, 36), (110, 90, 40), (80, 210, 140))):
        scene.ellipse(695, GROUND - 126 + i * 17, 709, GROUND - 112 + i * 17, light)
    trees(scene, [150, 230, 800, 870])


def clinic(scene: Scene) -> None:
    sky_and_ground(scene)
    colour = facade_colour(scene, "white")
    top = GROUND - 230
    block(scene, 250, 560, top, colour)
    block(scene, 560, 760, GROUND - 140, shade(colour, 0.95))
    windows(scene, 260, 550, top + 16, GROUND - 80, rows=4, cols=6, size=(0.62, 0.56), lit=0.2)
    windows(scene, 570, 750, GROUND - 128, GROUND - 70, rows=2, cols=4, size=(0.62, 0.56), lit=0.2)
    scene.rect(250, top, 560, top + 8, PRIMARY)
    scene.rect(560, GROUND - 140, 760, GROUND - 134, PRIMARY)
    scene.rect(540, GROUND - 62, 720, GROUND - 52, PRIMARY)  # entrance canopy
    door(scene, 630, 70, 50, GLASS_DARK)
    cx, cy = 405, top - 32  # the cross sign on the roof
    scene.rect(cx - 30, cy - 30, cx + 30, cy + 30, SURFACE)
    scene.rect(cx - 8, cy - 22, cx + 8, cy + 22, PRIMARY)
    scene.rect(cx - 22, cy - 8, cx + 22, cy + 8, PRIMARY)
    scene.rect(cx - 2, cy + 30, cx + 2, top, TEXT)
    trees(scene, [140, 200, 830])
    lamp(scene, 790)


COMPOSITIONS: dict[str, Callable[[Scene], None]] = {
    "bureaux": offices,
    "administration": public_building,
    "usine": factory,
    "entrepot": warehouse,
    "ecole": school,
    "universite": university,
    "caserne": barracks,
    "poste": control_post,
    "clinique": clinic,
}
# Words of a site's former use → its composition; the first match wins.
KIND_WORDS = [
    ("universit", "universite"),
    ("ecole", "ecole"),
    ("lycee", "ecole"),
    ("college", "ecole"),
    ("usine", "usine"),
    ("filature", "usine"),
    ("industri", "usine"),
    ("entrepot", "entrepot"),
    ("messagerie", "entrepot"),
    ("hangar", "entrepot"),
    ("caserne", "caserne"),
    ("clinique", "clinique"),
    ("hopital", "clinique"),
    ("regulation", "poste"),
    ("poste", "poste"),
    ("tresorerie", "administration"),
    ("mairie", "administration"),
    ("public", "administration"),
]


def picture_kind(former_use: str) -> str:
    """The composition that fits a site's former use ("Filature textile" → usine), offices
    when nothing matches."""
    plain = unicodedata.normalize("NFKD", former_use.lower()).encode("ascii", "ignore").decode()
    return next((kind for word, kind in KIND_WORDS if word in plain), "bureaux")


def site_picture(kind: str, seed: int = 0) -> bytes:
    """A JPEG drawing (960 × 540) of a building of this kind, varied by the seed."""
    scene = Scene(random.Random(f"{kind}-{seed}"))
    COMPOSITIONS[kind](scene)
    return scene.finish()

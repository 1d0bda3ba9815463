"""Simple generated cover pictures, so the demo shows photos without shipping any."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 960, 540


def building_picture(colour: tuple[int, int, int], floors: int = 5, seed: int = 0) -> bytes:
    """A flat drawing of a building front: sky gradient, facade, rows of windows (JPEG)."""
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    for y in range(HEIGHT):  # sky, light to slightly darker
        shade = 235 - y * 60 // HEIGHT
        draw.line([(0, y), (WIDTH, y)], fill=(shade - 20, shade - 5, shade + 15))
    floors = max(1, min(floors, 8))
    left, right = 180 + (seed % 5) * 20, WIDTH - 180 - (seed % 3) * 30
    top = HEIGHT - 60 - floors * 52
    draw.rectangle([left, top, right, HEIGHT - 60], fill=colour)
    window = tuple(min(255, c + 110) for c in colour)
    for floor in range(floors):
        y = top + 14 + floor * 52
        for x in range(left + 24, right - 40, 62):
            lit = (x // 62 + floor + seed) % 4 == 0
            draw.rectangle([x, y, x + 36, y + 28], fill=(250, 230, 150) if lit else window)
    draw.rectangle([0, HEIGHT - 60, WIDTH, HEIGHT], fill=(110, 140, 90))
    door = (left + right) // 2
    draw.rectangle([door - 26, HEIGHT - 110, door + 26, HEIGHT - 60], fill=(60, 40, 30))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()

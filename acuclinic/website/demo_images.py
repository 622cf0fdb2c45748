"""Pictures for the demo clinic, drawn here so there is nothing to license. Each one matches
the alt text the demo gives it."""

import hashlib
import io

from PIL import Image, ImageDraw

BACKGROUND = (228, 239, 233)
GREEN = (31, 95, 74)
AMBER = (199, 119, 0)
SKIN = (222, 184, 150)
WOOD = (120, 84, 56)


def _png(picture: Image.Image) -> bytes:
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def abstract_circles(seed: str, size: tuple[int, int]) -> bytes:
    """Soft overlapping circles in the clinic's colours, laid out from a hash of `seed`."""
    digest = hashlib.sha256(seed.encode()).digest()
    width, height = size
    picture = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(picture, "RGBA")
    palette = [GREEN, AMBER, (120, 160, 140), (60, 110, 150), (210, 180, 140)]
    for i in range(7):
        x = digest[i] * width // 255
        y = digest[i + 8] * height // 255
        r = 40 + digest[i + 16] * min(width, height) // 600
        colour = palette[digest[i + 24] % len(palette)]
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(*colour, 110))
    return _png(picture)


def needles_in_lower_back(size: tuple[int, int] = (1200, 630)) -> bytes:
    """A person lying face down on a treatment table, fine needles in the lower back."""
    width, height = size
    picture = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(picture)
    sx, sy = width / 1200, height / 630

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        return (x0 * sx, y0 * sy, x1 * sx, y1 * sy)

    # table: top and legs
    draw.rounded_rectangle(box(150, 400, 1050, 440), radius=12 * sx, fill=WOOD)
    for x in (210, 970):
        draw.rectangle(box(x, 440, x + 24, 590), fill=WOOD)
    # the person, face down: head, body, legs
    draw.ellipse(box(190, 300, 300, 400), fill=SKIN)
    draw.rounded_rectangle(box(290, 320, 760, 405), radius=40 * sx, fill=(90, 130, 160))
    draw.rounded_rectangle(box(740, 335, 1030, 400), radius=30 * sx, fill=(70, 90, 120))
    # bare lower back, and fine needles with round handles
    draw.rounded_rectangle(box(560, 315, 720, 360), radius=20 * sx, fill=SKIN)
    for x in (585, 620, 655, 690):
        draw.line(box(x, 330, x, 250), fill=(90, 90, 90), width=max(1, round(3 * sx)))
        draw.ellipse(box(x - 7, 238, x + 7, 252), fill=AMBER)
    return _png(picture)


def portrait_placeholder(size: tuple[int, int] = (600, 600)) -> bytes:
    """An outline of head and shoulders, where the practitioner's photo will go."""
    width, height = size
    picture = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(picture)
    draw.ellipse((width * 0.35, height * 0.18, width * 0.65, height * 0.48), fill=GREEN)
    draw.ellipse((width * 0.18, height * 0.52, width * 0.82, height * 1.1), fill=GREEN)
    return _png(picture)

"""Pillow-drawn pictures for the demo: author portraits and section-themed lead illustrations.

Drawn, not downloaded, so the demo needs no network and carries no one else's copyright. Each
picture comes from a random generator seeded with its number, so re-runs draw the same pictures.
"""

import colorsys
import io
import math
import random

from PIL import Image, ImageDraw, ImageFont
from text_unidecode import unidecode

from . import world

LEAD_SIZE = (1600, 900)
PORTRAIT_SIZE = (600, 600)
CREDIT = "Illustration: Newsroom demo"
SECTION_SLUGS = [slug for slug, _, _ in world.SECTIONS]

HUE_NAMES = [
    (0.04, "red"), (0.10, "orange"), (0.17, "amber"), (0.24, "yellow"), (0.40, "green"), (0.52, "teal"),
    (0.62, "blue"), (0.72, "indigo"), (0.83, "violet"), (0.94, "pink"), (1.01, "red"),
]  # fmt: skip


def hue_name(hue):
    return next(name for limit, name in HUE_NAMES if hue % 1 < limit)


def hsv(h, s, v):
    r, g, b = colorsys.hsv_to_rgb(h % 1, max(0, min(1, s)), max(0, min(1, v)))
    return int(r * 255), int(g * 255), int(b * 255)


def mix(a, b, t):
    return tuple(int(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def vertical_gradient(size, top, bottom):
    """A gradient drawn one pixel wide and stretched sideways: fast at any size."""
    width, height = size
    strip = Image.new("RGB", (1, height))
    strip.putdata([mix(top, bottom, y / max(1, height - 1)) for y in range(height)])
    return strip.resize(size, Image.Resampling.NEAREST)


def jpeg(image, quality=84):
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def font(size):
    """DejaVu Sans Bold where the system has it (it covers Ə, Ş, Ö…); Pillow's own font otherwise."""
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size), True
    except OSError:
        return ImageFont.load_default(size=size), False


# Portraits ---------------------------------------------------------------


def initials(name):
    parts = [part for part in name.split() if part[:1].isalpha()]
    return "".join(part[0] for part in parts[:1] + parts[-1:]).upper() if parts else "?"


def portrait_jpeg(name, index):
    """A head-and-shoulders silhouette on a colour of its own, with the author's initials."""
    rng = random.Random(f"portrait:{name}")
    width, height = PORTRAIT_SIZE
    hue = (index * 0.618034) % 1
    background = vertical_gradient(PORTRAIT_SIZE, hsv(hue, 0.45, 0.92), hsv(hue + 0.05, 0.6, 0.7))
    draw = ImageDraw.Draw(background)
    figure = hsv(hue + 0.5, 0.35 + rng.random() * 0.2, 0.28 + rng.random() * 0.12)
    head_r = int(width * (0.15 + rng.random() * 0.03))
    cx, cy = width // 2, int(height * 0.40)
    # Shoulders first, then neck and head over them.
    hair = mix(figure, (15, 15, 15), 0.45)
    style = rng.choice(["none", "short", "long"])
    shoulders = width * (0.34 + rng.random() * 0.08)
    if style == "long":  # behind the head, down to the shoulders
        draw.rounded_rectangle((cx - head_r * 1.3, cy - head_r * 1.3, cx + head_r * 1.3, cy + head_r * 1.9),
                               radius=int(head_r * 1.1), fill=hair)  # fmt: skip
    draw.ellipse((cx - shoulders, height * 0.66, cx + shoulders, height * 1.25), fill=figure)
    draw.rectangle((cx - head_r * 0.45, cy, cx + head_r * 0.45, height * 0.72), fill=figure)
    # A collar in a lighter shade, so the figures differ at a glance.
    collar = mix(figure, (255, 255, 255), 0.35 + rng.random() * 0.3)
    draw.polygon([(cx - head_r * 0.7, height * 0.68), (cx, height * 0.79), (cx + head_r * 0.7, height * 0.68)],
                 fill=collar)  # fmt: skip
    draw.ellipse((cx - head_r, cy - head_r * 1.15, cx + head_r, cy + head_r * 1.15), fill=figure)
    if style != "none":  # hair over the crown
        draw.chord(
            (cx - head_r * 1.06, cy - head_r * 1.22, cx + head_r * 1.06, cy + head_r * 0.35), 170, 370, fill=hair
        )
    text = initials(name)
    face, full = font(int(height * 0.13))
    if not full:
        text = unidecode(text).upper()[:2]
    draw.text((cx, height * 0.86), text, font=face, fill=(255, 255, 255), anchor="mm")
    return jpeg(background, quality=88)


def portrait_meta(name):
    return {
        "title": f"Portrait of {name}",
        "alt_text": f"Portrait of {name}",
        "caption": "",
        "credit": CREDIT,
    }


# Lead illustrations --------------------------------------------------------


def palette(rng, hue):
    return {
        "sky_top": hsv(hue, 0.55, 0.35 + rng.random() * 0.2),
        "sky_bottom": hsv(hue + 0.08, 0.5, 0.85 + rng.random() * 0.1),
        "accent": hsv(hue + 0.5, 0.7, 0.95),
        "dark": hsv(hue + 0.6, 0.5, 0.18),
        "mid": hsv(hue + 0.6, 0.35, 0.35),
        "light": hsv(hue + 0.1, 0.15, 0.97),
    }


def draw_skyline(image, rng, colours):
    draw = ImageDraw.Draw(image)
    width, height = image.size
    horizon = int(height * 0.72)
    sun_x, sun_r = rng.randint(200, width - 200), rng.randint(60, 120)
    draw.ellipse((sun_x - sun_r, horizon - 260 - sun_r, sun_x + sun_r, horizon - 260 + sun_r), fill=colours["accent"])
    for layer, colour in ((0, colours["mid"]), (1, colours["dark"])):
        x = -20
        while x < width:
            w = rng.randint(50, 150)
            h = rng.randint(120, 380) + layer * 60
            draw.rectangle((x, horizon - h, x + w, horizon), fill=colour)
            if layer and rng.random() < 0.8:
                for wy in range(horizon - h + 18, horizon - 12, 26):
                    for wx in range(x + 10, x + w - 14, 22):
                        if rng.random() < 0.35:
                            draw.rectangle((wx, wy, wx + 9, wy + 12), fill=colours["accent"])
            if layer and rng.random() < 0.15:  # a spire
                mid, top = x + w // 2, horizon - h
                draw.polygon([(mid - 8, top), (mid, top - 70), (mid + 8, top)], fill=colour)
            x += w + rng.randint(0, 18)
    water = vertical_gradient((width, height - horizon), colours["dark"], mix(colours["dark"], (0, 0, 0), 0.5))
    image.paste(water, (0, horizon))
    for _ in range(40):
        y = rng.randint(horizon + 8, height - 8)
        x = sun_x + rng.randint(-160, 160)
        draw.line((x - rng.randint(20, 90), y, x + rng.randint(20, 90), y), fill=colours["accent"], width=3)
    return "a city skyline at dusk above the water"


def draw_parliament(image, rng, colours):
    draw = ImageDraw.Draw(image)
    width, height = image.size
    stone, shade = colours["light"], mix(colours["light"], colours["mid"], 0.45)
    base_y, left, right = int(height * 0.84), int(width * 0.18), int(width * 0.82)
    top = int(height * 0.42)
    columns = rng.choice([6, 8, 10])
    span = (right - left) / columns
    draw.rectangle((left - 40, top - 40, right + 40, top), fill=stone)
    draw.polygon([(left - 60, top - 40), (width // 2, top - 190), (right + 60, top - 40)], fill=stone)
    draw.polygon([(left + 20, top - 55), (width // 2, top - 165), (right - 20, top - 55)], fill=shade)
    for i in range(columns):
        cx = int(left + span * (i + 0.5))
        draw.rectangle((cx - span * 0.22, top, cx + span * 0.22, base_y), fill=stone)
        draw.rectangle((cx + span * 0.08, top, cx + span * 0.22, base_y), fill=shade)
    for step in range(4):
        draw.rectangle((left - 80 - step * 30, base_y + step * 18, right + 80 + step * 30, base_y + (step + 1) * 18),
                       fill=mix(stone, shade, step / 4))  # fmt: skip
    pole_x = width // 2
    draw.line((pole_x, top - 190, pole_x, top - 320), fill=colours["dark"], width=6)
    draw.rectangle((pole_x, top - 320, pole_x + 110, top - 255), fill=colours["accent"])
    return "the columns and steps of the National Assembly"


def draw_chart(image, rng, colours):
    draw = ImageDraw.Draw(image)
    width, height = image.size
    base = int(height * 0.85)
    for y in range(120, base, 90):
        draw.line((90, y, width - 90, y), fill=mix(colours["sky_top"], colours["light"], 0.25), width=2)
    bars = rng.randint(9, 14)
    step = (width - 220) / bars
    level = rng.uniform(0.25, 0.45)
    points = []
    for i in range(bars):
        level = min(0.95, max(0.1, level + rng.uniform(-0.12, 0.16)))
        x0 = int(120 + i * step)
        y0 = int(base - level * (base - 140))
        draw.rectangle((x0, y0, x0 + int(step * 0.62), base), fill=mix(colours["light"], colours["sky_bottom"], 0.3))
        points.append((x0 + int(step * 0.31), y0 - 40))
    draw.line(points, fill=colours["accent"], width=10, joint="curve")
    for x, y in points:
        draw.ellipse((x - 14, y - 14, x + 14, y + 14), fill=colours["accent"])
    draw.line((90, base, width - 90, base), fill=colours["light"], width=4)
    return "a bar chart with a rising trend line"


def draw_hills(image, rng, colours):
    draw = ImageDraw.Draw(image)
    width, height = image.size
    sun_r = rng.randint(70, 130)
    sun_x, sun_y = rng.randint(250, width - 250), rng.randint(150, 330)
    draw.ellipse((sun_x - sun_r, sun_y - sun_r, sun_x + sun_r, sun_y + sun_r), fill=colours["light"])
    layers = 5
    for layer in range(layers):
        colour = mix(colours["sky_bottom"], colours["dark"], (layer + 1) / layers)
        y = height * (0.42 + layer * 0.1)
        points = [(0, height)]
        for x in range(0, width + 80, 80):
            y += rng.uniform(-38, 38) - (y - height * (0.42 + layer * 0.1)) * 0.2
            points.append((x, y))
        points.append((width, height))
        draw.polygon(points, fill=colour)
    return "layered hills and ridges under a pale sun"


def draw_orbits(image, rng, colours):
    draw = ImageDraw.Draw(image)
    width, height = image.size
    for _ in range(260):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.choice([1, 1, 2, 3])
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colours["light"])
    cx, cy = rng.randint(500, width - 500), rng.randint(350, height - 300)
    for ring in range(1, 5):
        rx, ry = 160 + ring * 120, 60 + ring * 48
        draw.ellipse(
            (cx - rx, cy - ry, cx + rx, cy + ry), outline=mix(colours["light"], colours["sky_top"], 0.5), width=3
        )
        angle = rng.uniform(0, 2 * math.pi)
        mx, my, mr = cx + rx * math.cos(angle), cy + ry * math.sin(angle), rng.randint(12, 30)
        draw.ellipse((mx - mr, my - mr, mx + mr, my + mr), fill=colours["accent"] if ring % 2 else colours["light"])
    planet_r = rng.randint(110, 150)
    draw.ellipse((cx - planet_r, cy - planet_r, cx + planet_r, cy + planet_r), fill=colours["sky_bottom"])
    draw.chord((cx - planet_r, cy - planet_r, cx + planet_r, cy + planet_r), 300, 120, fill=mix(colours["sky_bottom"],
               colours["dark"], 0.35))  # fmt: skip
    return "a planet with moons on their orbits among the stars"


def draw_shapes(image, rng, colours):
    width, height = image.size
    hues = [rng.random() for _ in range(3)]
    for i in range(rng.randint(6, 9)):
        layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        colour = hsv(hues[i % 3], 0.65, 0.9) + (rng.randint(150, 215),)
        x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(120, 380)
        shape = rng.choice(["circle", "square", "triangle", "arc"])
        if shape == "circle":
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        elif shape == "square":
            draw.rectangle((x - r, y - r * 0.6, x + r, y + r * 0.6), fill=colour)
        elif shape == "triangle":
            draw.polygon([(x, y - r), (x + r, y + r), (x - r, y + r)], fill=colour)
        else:
            draw.pieslice(
                (x - r, y - r, x + r, y + r), rng.choice([0, 90, 180, 270]), rng.choice([180, 270]), fill=colour
            )
        image.alpha_composite(layer)
    return "overlapping circles, squares and triangles in bright colours"


def draw_pitch(image, rng, colours):
    draw = ImageDraw.Draw(image)
    width, height = image.size
    grass = hsv(0.3 + rng.uniform(-0.03, 0.03), 0.55, 0.55)
    stripe = mix(grass, (255, 255, 255), 0.08)
    for i, x in enumerate(range(0, width, 100)):
        draw.rectangle((x, 0, x + 100, height), fill=stripe if i % 2 else grass)
    line, m = (245, 245, 240), 70
    draw.rectangle((m, m, width - m, height - m), outline=line, width=8)
    draw.line((width // 2, m, width // 2, height - m), fill=line, width=8)
    draw.ellipse((width // 2 - 130, height // 2 - 130, width // 2 + 130, height // 2 + 130), outline=line, width=8)
    for side in (m, width - m):
        direction = 1 if side == m else -1
        x0, x1 = sorted((side, side + direction * 240))
        draw.rectangle((x0, height // 2 - 230, x1, height // 2 + 230), outline=line, width=8)
    bx, by = rng.randint(400, width - 400), rng.randint(250, height - 250)
    draw.ellipse((bx - 22, by - 22, bx + 22, by + 22), fill=(255, 255, 255), outline=(30, 30, 30), width=3)
    return "a football pitch seen from above"


def draw_quotes(image, rng, colours):
    draw = ImageDraw.Draw(image)
    width, height = image.size
    x, y, r = rng.randint(180, 420), rng.randint(180, 300), rng.randint(70, 100)
    for dx in (0, int(r * 2.6)):
        cx = x + dx
        draw.ellipse((cx - r, y - r, cx + r, y + r), fill=colours["accent"])
        draw.polygon([(cx - r * 0.1, y + r * 0.4), (cx + r, y), (cx - r * 0.6, y + r * 1.7)], fill=colours["accent"])
    for i in range(rng.randint(4, 6)):
        ly = y + 260 + i * 70
        if ly > height - 60:
            break
        length = min(rng.randint(int(width * 0.4), int(width * 0.75)) if i else int(width * 0.8), width - 2 * (x - r))
        draw.rounded_rectangle((x - r, ly, x - r + length, ly + 26), radius=13, fill=colours["mid"])
    return "two speech bubbles above lines of text"


MOTIFS = {
    "news": draw_skyline,
    "politics": draw_parliament,
    "business": draw_chart,
    "world": draw_hills,
    "science": draw_orbits,
    "culture": draw_shapes,
    "sport": draw_pitch,
    "opinion": draw_quotes,
}
CAPTIONS = {
    "news": "Ardenport from the water.",
    "politics": "The National Assembly in Ardenport.",
    "business": "Markets and the economy.",
    "world": "The region’s hills and borders.",
    "science": "Science and research.",
    "culture": "Arts and culture.",
    "sport": "Sport.",
    "opinion": "Comment and analysis.",
}


def lead_section(index):
    """Lead image `index` belongs to a section in turn: 0 news, 1 politics, … 8 news again."""
    return SECTION_SLUGS[index % len(SECTION_SLUGS)]


def lead_image_title(index):
    return f"Demo illustration {index + 1:02d}: {lead_section(index)}"


def lead_image(index, seed):
    """(JPEG bytes, library metadata) of demo lead image `index`."""
    rng = random.Random(f"lead:{seed}:{index}")
    section = lead_section(index)
    hue = rng.random()
    colours = palette(rng, hue)
    if section in ("science", "opinion"):  # night sky, paper
        colours["sky_top"], colours["sky_bottom"] = hsv(hue, 0.6, 0.12), hsv(hue + 0.05, 0.5, 0.3)
        if section == "opinion":
            colours["sky_top"], colours["sky_bottom"] = hsv(hue, 0.08, 0.97), hsv(hue, 0.12, 0.9)
    image = vertical_gradient(LEAD_SIZE, colours["sky_top"], colours["sky_bottom"]).convert("RGBA")
    subject = MOTIFS[section](image, rng, colours)
    image = image.convert("RGB")
    colour = hue_name(hue + (0.5 if section in ("politics", "opinion") else 0))
    meta = {
        "title": lead_image_title(index),
        "alt_text": f"Illustration of {subject}, in {colour} tones",
        "caption": CAPTIONS[section],
        "credit": CREDIT,
    }
    return jpeg(image), meta

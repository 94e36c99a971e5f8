"""Offline image generator: a procedural Pillow render of the prompt, clearly labelled.

No model, no network. The prompt decides the picture deterministically: colour words pick
the palette (else the prompt's hash does), scene words add motifs (sun, sea, mountains,
city, stars, forest…), the hash places soft shapes. An uploaded reference image becomes
the base layer. The prompt is printed as a caption and an "OFFLINE GENERATOR" badge sits
in the corner, so nobody mistakes it for a model's output.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import math
import random
import re

from PIL import Image, ImageDraw, ImageFilter, ImageOps

from core import fonts
from core.errors import GenerationError
from core.images import decode_image
from core.media_gen import MediaOutput, MediaRequest, ShouldStop, never

LABEL = "OFFLINE GENERATOR"
COLOR_WORDS = {
    "red": (214, 48, 49), "crimson": (180, 20, 60), "orange": (240, 140, 40),
    "yellow": (245, 205, 60), "gold": (212, 175, 55), "golden": (212, 175, 55),
    "green": (60, 170, 90), "forest": (34, 100, 60), "teal": (0, 128, 128),
    "blue": (40, 110, 220), "ocean": (20, 90, 160), "sea": (30, 110, 170), "sky": (120, 180, 240),
    "navy": (20, 35, 90), "purple": (130, 60, 180), "violet": (140, 80, 200),
    "pink": (240, 120, 170), "magenta": (200, 40, 150), "brown": (130, 85, 50),
    "black": (20, 20, 24), "night": (15, 20, 50), "white": (240, 240, 236),
    "grey": (128, 128, 132), "gray": (128, 128, 132), "silver": (190, 194, 200),
    "sunset": (250, 110, 70), "neon": (57, 255, 20), "pastel": (250, 200, 220),
}
MOTIFS = {
    "sun": "sun", "sunny": "sun", "sunset": "sun", "sunrise": "sun", "moon": "moon",
    "sea": "waves", "ocean": "waves", "beach": "waves", "water": "waves", "lake": "waves",
    "wave": "waves", "waves": "waves", "river": "waves",
    "mountain": "mountains", "mountains": "mountains", "hill": "mountains", "hills": "mountains",
    "city": "city", "skyline": "city", "building": "city", "buildings": "city", "street": "city",
    "star": "stars", "stars": "stars", "night": "stars", "space": "stars", "galaxy": "stars",
    "forest": "trees", "tree": "trees", "trees": "trees", "garden": "trees", "park": "trees",
}
# back to front: sky things first, water last
MOTIF_ORDER = ("stars", "sun", "moon", "mountains", "city", "trees", "waves")
_WORD = re.compile(r"[\w']+", re.UNICODE)


def _rng(prompt: str, index: int) -> random.Random:
    digest = hashlib.sha256(f"{prompt}\x00{index}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def palette(prompt: str, rng: random.Random) -> list[tuple[int, int, int]]:
    """Three colours: the prompt's colour words first, then hash-picked harmonious hues."""
    words = [w.lower() for w in _WORD.findall(prompt)]
    colours = [COLOR_WORDS[w] for w in words if w in COLOR_WORDS][:3]
    hue = rng.random()
    while len(colours) < 3:
        h = (hue + 0.12 * len(colours) + rng.uniform(-0.03, 0.03)) % 1.0
        r, g, b = colorsys.hsv_to_rgb(h, rng.uniform(0.45, 0.8), rng.uniform(0.55, 0.95))
        colours.append((int(r * 255), int(g * 255), int(b * 255)))
    return colours


def _gradient(size: tuple[int, int], top: tuple, bottom: tuple) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _cover(img: Image.Image, size: tuple[int, int]) -> Image.Image:
    return ImageOps.fit(img.convert("RGB"), size, Image.Resampling.BILINEAR)


def _motifs(draw: ImageDraw.ImageDraw, kinds: list[str], w: int, h: int, cols: list,
            rng: random.Random) -> None:
    dark = tuple(int(c * 0.3) for c in cols[1])
    for kind in kinds:
        if kind in ("sun", "moon"):
            r = h * rng.uniform(0.09, 0.14)
            cx, cy = w * rng.uniform(0.2, 0.8), h * rng.uniform(0.15, 0.35)
            fill = (255, 220, 120, 230) if kind == "sun" else (235, 235, 225, 230)
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill)
        elif kind == "mountains":
            for layer in range(2):
                base = h * (0.62 + 0.08 * layer)
                pts = [(0, h)]
                for i in range(7):
                    pts.append((w * i / 6, base - h * rng.uniform(0.05, 0.25)))
                pts.append((w, h))
                draw.polygon(pts, fill=(*dark, 200 + 25 * layer))
        elif kind == "waves":
            for band in range(4):
                y0 = h * (0.68 + band * 0.07)
                amp, phase = h * 0.015, rng.uniform(0, math.tau)
                pts = [(x, y0 + amp * math.sin(x / w * math.tau * 3 + phase))
                       for x in range(0, w + 8, 8)]
                draw.polygon(pts + [(w, h), (0, h)], fill=(*cols[2], 110 + band * 30))
        elif kind == "city":
            x = 0.0
            while x < w:
                bw, bh = w * rng.uniform(0.04, 0.09), h * rng.uniform(0.15, 0.45)
                draw.rectangle((x, h * 0.8 - bh, x + bw, h), fill=(*dark, 235))
                x += bw + w * 0.008
        elif kind == "stars":
            for _ in range(60):
                sx, sy, sr = rng.uniform(0, w), rng.uniform(0, h * 0.6), rng.uniform(1, 3) * h / 768
                draw.ellipse((sx - sr, sy - sr, sx + sr, sy + sr), fill=(255, 255, 240, 220))
        elif kind == "trees":
            for _ in range(9):
                tx, th = rng.uniform(0, w), h * rng.uniform(0.15, 0.3)
                draw.polygon([(tx, h * 0.82 - th), (tx - th * 0.3, h * 0.82), (tx + th * 0.3, h * 0.82)],
                             fill=(20, 90 + rng.randint(0, 40), 50, 230))


def draw_scene(prompt: str, size: tuple[int, int], index: int = 0,
               reference: bytes | None = None) -> Image.Image:
    """The picture without caption or badge (RGB, ``size``)."""
    rng = _rng(prompt, index)
    cols = palette(prompt, rng)
    w, h = size
    base = _gradient(size, cols[0], cols[1])
    if reference is not None:
        try:
            ref = decode_image(reference, cover=size)  # header-checked, decoded small
            base = Image.blend(_cover(ref, size), base, 0.22)
        except Exception as exc:  # noqa: BLE001
            raise GenerationError("The reference image could not be read; upload it again") from exc
    # shapes are drawn small and blurred, then scaled up: soft and fast at any size
    sw, sh = max(w // 4, 1), max(h // 4, 1)
    layer = Image.new("RGBA", (sw, sh), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    words = _WORD.findall(prompt)
    for i in range(5 + len(words) % 7):
        c = cols[i % 3]
        x, y, r = rng.uniform(0, sw), rng.uniform(0, sh), rng.uniform(0.05, 0.22) * min(sw, sh)
        alpha = rng.randint(50, 120) if reference is None else rng.randint(20, 50)
        if i % 3 == 2:
            draw.regular_polygon((x, y, r), n_sides=rng.randint(3, 6), rotation=rng.uniform(0, 360),
                                 fill=(*c, alpha))
        else:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(*c, alpha))
    layer = layer.filter(ImageFilter.GaussianBlur(2))
    base = base.convert("RGBA")
    base.alpha_composite(layer.resize(size, Image.Resampling.BILINEAR))
    motifs = sorted({MOTIFS[wd.lower()] for wd in words if wd.lower() in MOTIFS},
                    key=MOTIF_ORDER.index)
    if reference is None and motifs:  # crisp, at full size, over the soft shapes
        sharp = Image.new("RGBA", size, (0, 0, 0, 0))
        _motifs(ImageDraw.Draw(sharp), motifs, w, h, cols, rng)
        base.alpha_composite(sharp)
    return base.convert("RGB")


def _wrap(text: str, size: int, max_width: float, max_lines: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and fonts.text_width(trial, size, False) > max_width:
            lines.append(current)
            current = word
            if len(lines) == max_lines:
                break
        else:
            current = trial
    if len(lines) < max_lines and current:
        lines.append(current)
    elif current and lines:
        lines[-1] = lines[-1].rstrip(".,;") + " …"
    return lines


def draw_overlay(prompt: str, size: tuple[int, int], label: str = LABEL) -> Image.Image:
    """Transparent RGBA layer: the badge naming the generator and the prompt as a caption."""
    w, h = size
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    unit = min(w, h)
    badge_size = max(12, unit // 40)
    pad = badge_size // 2
    bw = fonts.text_width(label, badge_size, True) + 2 * pad
    draw.rounded_rectangle((pad, pad, pad + bw, pad + badge_size * 2), radius=pad,
                           fill=(0, 0, 0, 170))
    fonts.draw_text(overlay, (2 * pad, pad + badge_size * 1.45), label, badge_size, True, "#FFFFFF")
    text_size = max(12, unit // 30)
    lines = _wrap(prompt, text_size, w - 4 * pad, 3)
    band = int(len(lines) * text_size * 1.35 + 2 * pad)
    draw.rectangle((0, h - band, w, h), fill=(0, 0, 0, 140))
    for i, line in enumerate(lines):
        fonts.draw_text(overlay, (2 * pad, h - band + pad + text_size * (1.0 + 1.35 * i)), line,
                        text_size, False, "#FFFFFF")
    return overlay


def render_image(prompt: str, size: tuple[int, int], index: int = 0,
                 reference: bytes | None = None) -> Image.Image:
    """The finished offline image (RGB): scene + caption + badge."""
    img = draw_scene(prompt, size, index, reference).convert("RGBA")
    img.alpha_composite(draw_overlay(prompt, size))
    return img.convert("RGB")


class OfflineImageGenerator:
    """PNG images drawn locally from the prompt (the default when no Gemini key is set)."""

    name = "offline"

    def generate(self, request: MediaRequest, *, should_stop: ShouldStop = never) -> list[MediaOutput]:
        """``number_of_outputs`` different PNGs at the aspect ratio's size."""
        outputs = []
        for i in range(request.number_of_outputs):
            if should_stop():
                break
            img = render_image(request.prompt, request.size, i, request.reference_image)
            buf = io.BytesIO()
            img.save(buf, "PNG", compress_level=1)  # speed over a few percent of size
            outputs.append(MediaOutput(buf.getvalue(), "image/png", img.width, img.height))
        return outputs

"""Colours: palette extraction from a photo and WCAG contrast helpers.

Pure functions over ``#RRGGBB`` strings and PIL images. The banner rule is WCAG AA for
normal text: text/background and button text/button must reach a contrast ratio of 4.5:1.
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass

from PIL import Image

AA_NORMAL = 4.5
BLACK = "#000000"
WHITE = "#FFFFFF"


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    """``#RRGGBB`` → (r, g, b)."""
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def rgb_to_hex(rgb: tuple[float, float, float]) -> str:
    """(r, g, b) → ``#RRGGBB`` (clamped, rounded)."""
    return "#" + "".join(f"{max(0, min(255, round(c))):02X}" for c in rgb[:3])


def _channel(c: float) -> float:
    c /= 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color: str) -> float:
    """WCAG 2.x relative luminance of ``#RRGGBB`` (0 = black, 1 = white)."""
    r, g, b = hex_to_rgb(color)
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours, from 1.0 to 21.0."""
    la, lb = luminance(a), luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def readable_on(background: str) -> str:
    """Black or white, whichever reads better on ``background``."""
    return BLACK if contrast_ratio(BLACK, background) >= contrast_ratio(WHITE, background) else WHITE


def ensure_contrast(fg: str, bg: str, minimum: float = AA_NORMAL) -> str:
    """``fg`` moved in lightness (keeping its hue) until it reaches ``minimum`` against ``bg``.

    Keeps the brand feel of a colour instead of jumping to black/white; black or white is
    the last resort (one of them always reaches 4.5:1 on any background).
    """
    if contrast_ratio(fg, bg) >= minimum:
        return fg.upper()
    h, l, s = colorsys.rgb_to_hls(*(c / 255 for c in hex_to_rgb(fg)))
    toward_dark = luminance(bg) > 0.18  # dark text on light backgrounds, light on dark
    for step in range(1, 21):
        nl = l * (1 - step / 20) if toward_dark else l + (1 - l) * step / 20
        candidate = rgb_to_hex(tuple(c * 255 for c in colorsys.hls_to_rgb(h, nl, s)))
        if contrast_ratio(candidate, bg) >= minimum:
            return candidate
    return readable_on(bg)


def adjust_lightness(color: str, lightness: float, saturation: float | None = None) -> str:
    """The same hue at an absolute HLS lightness (0..1), optionally a new saturation."""
    h, _, s = colorsys.rgb_to_hls(*(c / 255 for c in hex_to_rgb(color)))
    s = s if saturation is None else saturation
    return rgb_to_hex(tuple(c * 255 for c in colorsys.hls_to_rgb(h, lightness, s)))


def saturation(color: str) -> float:
    """HLS saturation of a colour (0 = grey)."""
    return colorsys.rgb_to_hls(*(c / 255 for c in hex_to_rgb(color)))[2]


@dataclass(frozen=True)
class Swatch:
    """One colour of a photo and the share of pixels it stands for."""

    color: str
    share: float


def extract_palette(image: Image.Image, count: int = 6) -> list[Swatch]:
    """The photo's main colours, most common first (median-cut on a 64 px thumbnail)."""
    thumb = image.convert("RGB")
    thumb.thumbnail((64, 64))  # a thumbnail keeps this ~1 ms even for a 2000 px photo
    quant = thumb.quantize(colors=count, method=Image.Quantize.MEDIANCUT)
    pal = quant.getpalette() or []
    counts = sorted(quant.getcolors() or [], reverse=True)
    total = sum(n for n, _ in counts) or 1
    return [
        Swatch(rgb_to_hex(tuple(pal[i * 3 : i * 3 + 3])), n / total) for n, i in counts
    ]


def accent_of(swatches: list[Swatch]) -> str:
    """The most vivid colour that covers a noticeable part of the photo."""
    scored = [
        (saturation(s.color) * (0.3 + min(s.share, 0.4)), s.color)
        for s in swatches
        if 0.05 < luminance(s.color) < 0.85  # near-white/near-black make dull buttons
    ]
    if not scored:
        return "#2563EB"
    best = max(scored)
    # a grey product gets a neutral-but-saturated accent rather than a grey button
    return best[1] if best[0] > 0.05 else adjust_lightness(best[1], 0.35, 0.6)


def banner_colors(swatches: list[Swatch], *, dark: bool) -> dict[str, str]:
    """A full banner palette from a photo's swatches, every text pairing ≥ 4.5:1.

    ``dark`` picks a deep panel with light text instead of a light one: variants alternate.
    """
    dominant = swatches[0].color if swatches else "#888888"
    accent = accent_of(swatches)
    if dark:
        background = adjust_lightness(dominant, 0.12, min(saturation(dominant), 0.45))
        text = ensure_contrast(adjust_lightness(dominant, 0.96, 0.25), background)
        secondary = ensure_contrast(adjust_lightness(accent, 0.82, 0.5), background)
    else:
        background = adjust_lightness(dominant, 0.96, min(saturation(dominant), 0.35))
        text = ensure_contrast(adjust_lightness(dominant, 0.12, 0.4), background)
        secondary = ensure_contrast(adjust_lightness(accent, 0.3, 0.5), background)
    button = accent if contrast_ratio(accent, background) >= 1.6 else adjust_lightness(
        accent, 0.6 if dark else 0.38
    )
    return {
        "primary": ensure_contrast(accent, background, 3.0),  # widget accents: graphics, 3:1
        "secondary": secondary,
        "background": background,
        "text": text,
        "button": button,
        "button_text": ensure_contrast(readable_on(button), button),
    }


def contrast_problems(colors: dict[str, str]) -> list[str]:
    """Human-readable list of the pairings below WCAG AA (empty when all pass)."""
    pairs = [
        ("text", "background", "Headline"),
        ("secondary", "background", "Subtitle"),
        ("button_text", "button", "Button text"),
    ]
    out = []
    for fg, bg, label in pairs:
        if fg in colors and bg in colors:
            ratio = contrast_ratio(colors[fg], colors[bg])
            if ratio < AA_NORMAL:
                out.append(f"{label} contrast is {ratio:.1f}:1, below 4.5:1 ({fg} on {bg})")
    return out

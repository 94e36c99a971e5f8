"""Colour helpers: WCAG contrast and palette extraction."""

from __future__ import annotations

import pytest
from PIL import Image

from core.palette import (
    banner_colors, contrast_problems, contrast_ratio, ensure_contrast, extract_palette, hex_to_rgb,
)


@pytest.mark.parametrize("a,b,expected", [
    ("#000000", "#FFFFFF", 21.0),
    ("#FFFFFF", "#FFFFFF", 1.0),
    ("#777777", "#FFFFFF", 4.48),   # the classic "just fails AA" grey
    ("#767676", "#FFFFFF", 4.54),   # ...and the one that passes
])
def test_contrast_ratio_matches_wcag(a, b, expected):
    assert contrast_ratio(a, b) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("fg,bg", [("#FF6666", "#FFFFFF"), ("#3344AA", "#111133"),
                                   ("#777777", "#808080"), ("#FFFF00", "#FFFFFF")])
def test_ensure_contrast_reaches_aa_and_keeps_the_hue_when_it_can(fg, bg):
    fixed = ensure_contrast(fg, bg)
    assert contrast_ratio(fixed, bg) >= 4.5
    r, g, b = hex_to_rgb(fixed)
    if fg == "#FF6666":
        assert r > g and r > b  # still a red


def test_palette_finds_the_photos_colours_by_share():
    img = Image.new("RGB", (100, 100), (10, 120, 200))
    img.paste((240, 200, 20), (0, 0, 30, 100))
    swatches = extract_palette(img)
    assert hex_to_rgb(swatches[0].color) == pytest.approx((10, 120, 200), abs=8)
    assert swatches[0].share == pytest.approx(0.7, abs=0.05)


@pytest.mark.parametrize("dark", [False, True])
def test_banner_colors_pass_every_contrast_pairing(dark):
    img = Image.new("RGB", (50, 50), (128, 128, 128))  # mid grey: the hardest case
    colors = banner_colors(extract_palette(img), dark=dark)
    assert contrast_problems(colors) == []


def test_contrast_problems_name_the_failing_pair():
    problems = contrast_problems({"text": "#777777", "background": "#808080",
                                  "button": "#000000", "button_text": "#FFFFFF"})
    assert len(problems) == 1 and "Headline" in problems[0]

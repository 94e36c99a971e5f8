"""Every ad format from one prefill, for products in Latin, CJK and Arabic script: each
format drawn in PNG and HTML with a layout for its shape, inside its safe zone, and the
quality gate passing."""

from __future__ import annotations

import base64
import io
from decimal import Decimal

import pytest
from PIL import Image, ImageDraw

from core.generators import ProductBrief
from core.generators.offline_background import OfflineBackgroundMaker
from core.generators.offline_copy import OfflineCopyWriter
from core.render import SIZES, compute_layout, render_banner_html, render_banner_png
from core.render.formats import ALIASES, FORMATS, format_for
from tests.factories import a_prefill

PRODUCTS = {
    "latin": ProductBrief(
        title="Trailblazer 2 Waterproof Hiking Boots for Men", brand="Alpina",
        description="Waterproof leather upper keeps feet dry. Grippy rubber outsole for rocks.",
        price=Decimal("129.00"), currency="EUR"),
    "cjk": ProductBrief(
        title="ステンレス製 真空断熱 タンブラー 500ml", brand="サーモ",
        description="真空断熱構造で飲み物の温度を長時間キープします。持ち運びに便利な軽量設計。",
        price=Decimal("2980"), currency="JPY"),
    "arabic": ProductBrief(
        title="سماعات لاسلكية بخاصية إلغاء الضوضاء", brand="صوت",
        description="صوت نقي وبطارية تدوم طويلا. تصميم مريح للاستخدام اليومي.",
        price=Decimal("349.00"), currency="SAR"),
}


def product_photo() -> bytes:
    img = Image.new("RGB", (800, 800), "white")
    ImageDraw.Draw(img).rounded_rectangle((220, 150, 580, 650), 40, fill=(30, 90, 200))
    out = io.BytesIO()
    img.save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(scope="module")
def banners() -> dict[tuple[str, int], dict]:
    """Three offline variants per product (three text positions), with their backgrounds."""
    photo = product_photo()
    out = {}
    for script, brief in PRODUCTS.items():
        for v in range(3):
            prefill = OfflineCopyWriter().write_prefill(brief, photo, variant_index=v,
                                                        batch_size=3, other_headlines=[])
            bg = OfflineBackgroundMaker().make_background(photo, variant_index=v, brief=brief)
            prefill["generated_background_url"] = ("data:image/jpeg;base64,"
                                                   + base64.b64encode(bg).decode())
            out[script, v] = prefill
    return out


def inside(outer, box) -> bool:
    return (box.x >= outer.x and box.y >= outer.y and box.right <= outer.right
            and box.bottom <= outer.bottom)


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("script", list(PRODUCTS))
def test_every_format_renders_every_script_with_the_gate_passing(banners, script, fmt):
    for v in range(3):
        result = render_banner_png(banners[script, v], fmt)
        f = FORMATS[fmt]
        assert Image.open(io.BytesIO(result.png)).size == f.size
        assert result.quality.passed, (v, result.quality.failures)
        lay = result.layout
        for box in [b.box for b in lay.blocks.values()] + [lay.button] + [c.box for c in lay.chips]:
            assert inside(lay.safe, box), (v, box)
        assert not any("does not fit" in w for w in result.warnings)
        html = render_banner_html(banners[script, v], fmt)
        assert f'data-width="{f.width}" data-height="{f.height}"' in html


def test_a_leaderboard_is_one_row_not_a_shrunken_square(banners):
    lay = compute_layout(banners["latin", 0], "iab_728x90")
    head, button = lay.blocks["headline"].box, lay.button
    assert lay.image_area.right <= head.x < head.right <= lay.chips[0].box.x < button.x
    for box in (head, button, lay.chips[0].box):  # side by side, all on the same band
        assert box.y < 45 < box.bottom
    assert "subtitle" not in lay.blocks
    assert any("subtitle" in n for n in lay.notes)


def test_a_skyscraper_stacks_picture_above_copy(banners):
    lay = compute_layout(banners["latin", 0], "iab_160x600")
    assert lay.text_position in ("top", "bottom") and lay.panel.w <= 160


def test_a_story_keeps_copy_and_button_out_of_the_app_overlays(banners):
    for v in range(3):
        lay = compute_layout(banners["latin", v], "social_1080x1920")
        assert lay.safe.y == 270 and lay.safe.bottom == 1920 - 380
        assert lay.button.bottom <= 1540 and min(b.box.y for b in lay.blocks.values()) >= 270
        assert lay.background.h > 0


def test_the_original_size_names_are_aliases_of_social_formats():
    assert SIZES == {"square": (1080, 1080), "landscape": (1200, 628), "story": (1080, 1920)}
    for alias, name in ALIASES.items():
        assert format_for(alias) is FORMATS[name]
        assert render_banner_png(a_prefill(), alias).quality.format == name
    with pytest.raises(ValueError, match="unknown banner size"):
        format_for("iab_1x1")


@pytest.mark.parametrize("size", ["iab_728x90", "iab_320x50", "iab_970x250"])
def test_a_strip_of_right_to_left_copy_reads_right_to_left(size):
    # a walk-through: an Arabic 728×90 strip put the photo at the left and the button at the far
    # right, as an English one: to a right-to-left reader, the button came first, the product last
    ltr = a_prefill(headline="Red ceramic coffee mug", cta_text="Shop now")
    rtl = a_prefill(headline="كوب قهوة سيراميك أحمر", cta_text="اشتر الآن",
                    layout={"text_position": "right", "alignment": "right", "direction": "rtl"})
    a, b = compute_layout(ltr, size), compute_layout(rtl, size)
    w = a.width
    assert a.image_area.x == 0 and b.image_area.x + b.image_area.w == w  # the photo starts each row
    head_a, head_b = a.blocks["headline"].box, b.blocks["headline"].box
    assert a.button.x > head_a.x and b.button.x < head_b.x  # the button ends it
    assert b.button.x + b.button.w <= head_b.x and head_b.x + head_b.w <= b.image_area.x
    for chip in b.chips:
        assert b.button.x + b.button.w <= chip.box.x and chip.box.x + chip.box.w <= head_b.x
    # the copy as it is now decides: an Arabic banner edited to English reads left to right
    edited = compute_layout({**rtl, "headline": "Red ceramic coffee mug", "cta_text": "Shop now"}, size)
    assert edited.image_area.x == 0

"""Text-only banners (issue 12): the layout draws no image, the colour schemes read well on
every part of the backdrop, and the pipeline's generators turn a text-only source into one."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from core.palette import AA_NORMAL, contrast_problems, contrast_ratio
from core.pipeline import stages
from core.prefill import validate_prefill
from core.render import SIZES, compute_layout, render_banner_html, render_banner_png
from core.render.layout import backdrop_colors
from tests.test_render_html import prefill


def text_only(**kw):
    return prefill(layout={"text_position": "left", "alignment": "left", "direction": "ltr",
                           "style": "text_only"}, **kw)


@pytest.mark.parametrize("scheme", stages.TEXT_ONLY_SCHEMES)
def test_every_scheme_reads_well_on_the_whole_backdrop(scheme):
    assert contrast_problems(scheme) == []
    for shade in backdrop_colors(scheme):  # gradient start, end, and the discs
        assert contrast_ratio(scheme["text"], shade) >= AA_NORMAL
        assert contrast_ratio(scheme["secondary"], shade) >= AA_NORMAL


@pytest.mark.parametrize("size", list(SIZES))
def test_the_layout_has_no_image_and_centres_the_copy(size):
    layout = compute_layout(text_only(), size)
    assert layout.style == "text_only" and layout.background is None
    # the copy covers the banner, less a story's safe zone (its top and bottom are app UI)
    w, h = layout.safe.w, layout.safe.h
    assert layout.panel.w > w * 0.8 and layout.panel.h > h * 0.7
    assert all(b.align == "center" for b in layout.blocks.values())
    for block in layout.blocks.values():
        assert layout.panel.contains(block.box)


@pytest.mark.parametrize("size", list(SIZES))
def test_html_and_png_draw_the_backdrop_and_no_image(size):
    p = text_only(generated_background_url="/media/previews/x/y/z/background.png")
    html = render_banner_html(p, size, resolve=lambda url: pytest.fail("no image is resolved"))
    assert "<img" not in html and "Background image unavailable" not in html
    assert "linear-gradient(135deg" in html and 'class="disc"' in html and 'class="panel"' not in html
    result = render_banner_png(p, size, resolve=lambda url: pytest.fail("no image is resolved"))
    assert result.warnings == []
    img = Image.open(io.BytesIO(result.png)).convert("RGB")
    assert img.size == SIZES[size]
    # the corners show the backdrop: the gradient's start top-left, a disc top-right
    start, _end, disc = backdrop_colors(p["colors"])
    rgb = lambda c: tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))  # noqa: E731
    assert max(abs(a - b) for a, b in zip(img.getpixel((2, 2)), rgb(start))) <= 3
    assert max(abs(a - b) for a, b in zip(img.getpixel((img.width - 3, 2)), rgb(disc))) <= 3


def test_the_style_is_a_prefill_field_with_photo_by_default():
    assert validate_prefill(prefill())["layout"]["style"] == "photo"
    assert validate_prefill(text_only())["layout"]["style"] == "text_only"


def test_generators_given_a_text_only_source_write_a_text_only_prefill():
    calls = []

    class Copy:
        name = "fake"

        def write_prefill(self, brief, image, **kw):
            calls.append(("copy", type(image).__name__))
            return validate_prefill(prefill())

    class Background:
        def make_background(self, image, **kw):
            calls.append(("background", type(image).__name__))
            return b"photo background"

    class Gens:
        copy, background = Copy(), Background()

    stages.override(generators=lambda: Gens)
    try:
        source = stages.fetch_image(stages.TEXT_ONLY_SOURCE)
        assert isinstance(source, stages.TextOnlySource) and source[:8] == b"\x89PNG\r\n\x1a\n"
        gens = stages.generators()
        out = [gens.copy.write_prefill(None, source, variant_index=i, batch_size=2,
                                       other_headlines=[]) for i in range(2)]
        background = gens.background.make_background(source, variant_index=0, brief=None)
        photo = gens.background.make_background(b"real photo", variant_index=0, brief=None)
    finally:
        stages.reset()
    assert [p["layout"]["style"] for p in out] == ["text_only", "text_only"]
    assert [p["colors"] for p in out] == stages.TEXT_ONLY_SCHEMES[:2]
    assert background == bytes(source) and photo == b"photo background"
    assert ("background", "TextOnlySource") not in calls  # no photo background is made
    assert validate_prefill(out[0])["layout"]["alignment"] == "center"


@pytest.mark.parametrize("fmt", ["AVIF", "GIF", "BMP"])
def test_photos_reach_the_generators_as_jpeg_or_png(fmt):
    buf = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 200, 90)).save(buf, fmt)
    out = stages.for_generators(buf.getvalue())
    assert Image.open(io.BytesIO(out)).format in ("JPEG", "PNG")
    jpeg = io.BytesIO()
    Image.new("RGB", (30, 20)).save(jpeg, "JPEG")
    assert stages.for_generators(jpeg.getvalue()) == jpeg.getvalue()  # unchanged
    assert stages.for_generators(b"<html>") == b"<html>"  # the generators say it is no picture

"""The banner as a PNG (Pillow), drawn from the same layout as the HTML preview."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw, ImageOps

from core import fonts
from core.generators.brief import is_rtl
from core.images import ImageTooLarge, decode_image
from core.palette import hex_to_rgb, readable_on
from core.render.layout import BannerLayout, Box, backdrop_colors, backdrop_discs
from core.render.safe import Resolver, background_source, safe_prefill

if TYPE_CHECKING:
    from core.render.quality import GateReport

PLACEHOLDER_TEXT = "Background image unavailable"


@dataclass
class RenderResult:
    """PNG bytes, the layout that was drawn, and what did not fit or was replaced."""

    png: bytes
    width: int
    height: int
    warnings: list[str] = field(default_factory=list)
    layout: BannerLayout | None = None
    quality: "GateReport | None" = None  # the quality gate's verdict (``core.render.quality``)


def prepare(prefill: dict, size, resolve: Resolver | None, fix: bool = True):
    """(drawable prefill, font family, layout, gate report, warnings): what both renderers
    draw — the safe prefill after the quality gate's automatic fixes."""
    from core.render.brand_assets import font_family
    from core.render.quality import gate

    data, warnings = safe_prefill(prefill)
    family, font_warnings = font_family(data.get("font", ""), resolve)
    data, layout, report = gate(data, size, family=family, fix=fix)
    return data, family, layout, report, warnings + font_warnings + layout.warnings


def _placeholder(canvas: Image.Image, area: Box, base: str) -> None:
    """Diagonal stripes and a label where the background should be: clearly "missing"."""
    draw = ImageDraw.Draw(canvas)
    light = hex_to_rgb(base)
    stripe = tuple(max(0, c - 18) for c in light)
    step = max(16, canvas.width // 36)
    for off in range(-canvas.height, canvas.width, step * 2):
        draw.polygon([(off, 0), (off + step, 0), (off + step + canvas.height, canvas.height),
                      (off + canvas.height, canvas.height)], fill=stripe)
    size = max(14, canvas.width // 40)
    text_w = fonts.text_width(PLACEHOLDER_TEXT, size, True)
    fonts.draw_text(canvas, (area.x + (area.w - text_w) / 2, area.y + area.h / 2), PLACEHOLDER_TEXT,
                    size, True, readable_on(base))


def _backdrop(canvas: Image.Image, layout: BannerLayout, colors: dict) -> None:
    """A text-only banner's backdrop (as the HTML draws it): a 135° gradient and two discs."""
    start, end, disc = backdrop_colors(colors)
    w, h = canvas.size
    # 135°: the mix depends on x + y; a 64 × 64 ramp stretched over the canvas
    ramp = Image.new("L", (64, 64))
    ramp.putdata([round(255 * (x + y) / 126) for y in range(64) for x in range(64)])
    mask = ramp.resize((w, h), Image.Resampling.BILINEAR)
    canvas.paste(Image.composite(Image.new("RGB", (w, h), hex_to_rgb(end)),
                                 Image.new("RGB", (w, h), hex_to_rgb(start)), mask))
    draw = ImageDraw.Draw(canvas)
    for box in backdrop_discs(layout):
        draw.ellipse(_xy(box), fill=hex_to_rgb(disc))


def _line_x(block, line: str) -> float:
    width = fonts.text_width(line, block.size, block.bold, block.family)
    align = block.align
    if align == "center":
        return block.box.x + (block.box.w - width) / 2
    if align == "right":
        return block.box.right - width
    return block.box.x


def render_banner_png(prefill: dict, size: str | tuple[int, int], *,
                      resolve: Resolver | None = None) -> RenderResult:
    """Draw the banner; ``warnings`` lists cut text, missing images and contrast problems,
    ``quality`` the gate's failures and the fixes applied to what is drawn."""
    data, family, layout, report, warnings = prepare(prefill, size, resolve)
    colors = data["colors"]
    canvas = Image.new("RGB", (layout.width, layout.height), hex_to_rgb(colors["background"]))
    text_only = layout.style == "text_only"
    _, raw = background_source(data, resolve) if not text_only else (None, None)
    bg, missing = None, "background image is missing: a placeholder is shown"
    if text_only:
        _backdrop(canvas, layout, colors)
    elif raw:
        try:
            area = layout.background
            # decoded just large enough to cover the area; a bomb is refused from its header
            bg = decode_image(raw, cover=(area.w, area.h))
            bg = ImageOps.fit(bg, (area.w, area.h), Image.Resampling.BILINEAR,
                              centering=layout.focus)
        except ImageTooLarge as exc:
            missing = f"background {exc.reason}: a placeholder is shown"
        except Exception:  # noqa: BLE001 - a corrupt file must not break the preview
            bg = None
    if bg is not None:
        canvas.paste(bg, (layout.background.x, layout.background.y))
    elif not text_only:
        warnings.append(missing)
        _placeholder(canvas, layout.image_area, colors["background"])
    draw = ImageDraw.Draw(canvas)
    radius = max(8, min(layout.width, layout.height) // 40)
    if not text_only:
        draw.rounded_rectangle(_xy(layout.panel), radius, fill=hex_to_rgb(colors["background"]))
    for block in layout.blocks.values():
        if block.name == "cta_text":
            continue
        _draw_block(canvas, block)
    chip_fill = colors["primary"]
    chip_text = readable_on(chip_fill)
    for chip in layout.chips:
        draw.rounded_rectangle(_xy(chip.box), chip.box.h // 2, fill=hex_to_rgb(chip_fill))
        x = chip.box.x + (chip.box.w - fonts.text_width(
            chip.label + (" " + chip.struck if chip.struck else ""), chip.size, True,
            family)) / 2
        base = chip.box.y + chip.box.h / 2 + chip.size * 0.36
        fonts.draw_text(canvas, (x, base), chip.label, chip.size, True, chip_text,
                        rtl=is_rtl(chip.label), family=family)  # as the HTML's dir="auto" lays it out
        if chip.struck:
            sx = x + fonts.text_width(chip.label + " ", chip.size, True, family)
            sw = fonts.text_width(chip.struck, chip.size, False, family)
            fonts.draw_text(canvas, (sx, base), chip.struck, chip.size, False, chip_text,
                            family=family)
            draw.line((sx, base - chip.size * 0.3, sx + sw, base - chip.size * 0.3),
                      fill=chip_text, width=max(1, chip.size // 12))
    if layout.button is not None:
        draw.rounded_rectangle(_xy(layout.button), layout.button.h // 2,
                               fill=hex_to_rgb(colors["button"]))
        _draw_block(canvas, layout.blocks["cta_text"])
    if layout.logo is not None:
        from core.render.brand_assets import logo_image, logo_source, paste_logo

        _, raw = logo_source(data.get("logo_url"), resolve)
        logo = logo_image(raw, (layout.logo.w * 2, layout.logo.h * 2)) if raw else None
        if logo is not None:
            paste_logo(canvas, logo, layout)
        else:
            warnings.append("brand logo is missing or unreadable: not shown")
    for text in (data["headline"], data["subtitle"], data["cta_text"]):
        if missing := fonts.missing_glyphs(text, family=family):
            warnings.append(f"no installed font can draw {missing[:10]!r}: install fonts-noto-*")
    out = io.BytesIO()
    canvas.save(out, "PNG", compress_level=1)  # speed over size: previews are re-rendered often
    return RenderResult(out.getvalue(), layout.width, layout.height, warnings, layout, report)


def _xy(box: Box) -> tuple[int, int, int, int]:
    return box.x, box.y, box.right - 1, box.bottom - 1


def _draw_block(canvas: Image.Image, block) -> None:
    for i, line in enumerate(block.lines):
        # baseline at ~80 % of the line box: ascenders sit inside it for Latin, CJK and Arabic
        baseline = block.box.y + i * block.line_height + round(block.line_height * 0.8)
        fonts.draw_text(canvas, (_line_x(block, line), baseline), line, block.size, block.bold,
                        block.color, rtl=block.rtl, family=block.family)

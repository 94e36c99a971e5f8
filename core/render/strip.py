"""The strip layout of wide formats (728×90, 320×50, 970×250): one row, read in the copy's
direction (left to right; mirrored for right-to-left copy).

A leaderboard is not a shrunken square: the product photo takes a near-square tile at the
start, then (logo) headline, the price chip and the button sit side by side. Subtitle,
brand line and legal line appear only where the strip is tall enough (970×250) and the
layout says so in ``notes`` otherwise.
"""

from __future__ import annotations

from core import fonts
from core.generators.brief import is_rtl
from core.wording import count
from core.render.formats import Format
from core.render.layout import BannerLayout, Box, WidgetChip, _chips, fit_text, floors


def _clamp(value: float, low: int, high: int) -> int:
    return int(max(low, min(high, round(value))))


def strip_layout(prefill: dict, fmt: Format, *, family: str = "",
                 compact: bool = False) -> BannerLayout:
    """Boxes of a one-row banner of format ``fmt``."""
    w, h = fmt.size
    tall = h >= 200  # a billboard has room for a subtitle under the headline
    floor = floors(fmt)
    colors = prefill.get("colors") or {}
    layout = prefill.get("layout") or {}
    align = layout.get("alignment", "left")  # right for right-to-left copy
    text_only = layout.get("style") == "text_only"
    m = max(4, round(h * 0.08))
    image_w = 0 if text_only else round(min(w * 0.32, h * 1.3))
    image_area = Box(0, 0, image_w, h)
    panel = Box(image_w, 0, w - image_w, h)
    out = BannerLayout(w, h, "right", panel, image_area, format=fmt, safe=Box(0, 0, w, h))
    out.style = "text_only" if text_only else "photo"
    out.background = None if text_only else image_area
    out.focus = {"left": (1.0, 0.5), "right": (0.0, 0.5), "top": (0.5, 1.0),
                 "bottom": (0.5, 0.0)}.get(layout.get("text_position"), (0.5, 0.5))
    content = Box(panel.x + m, m, panel.w - 2 * m, h - 2 * m)
    gap = max(4, round(h * 0.05))
    # the button, at the end of the row
    button_h = min(content.h, _clamp(h * 0.45, 24, 64))
    cta_size = _clamp(button_h * 0.42, 9, 28)
    cta = fit_text("cta_text", prefill.get("cta_text", ""),
                   Box(0, 0, round(w * (0.22 if w >= 600 else 0.3)), button_h - 4),
                   max_size=cta_size,
                   min_size=max(9, min(cta_size, floor["cta_text"] + 1)), max_lines=1, bold=True,
                   color=colors.get("button_text", "#FFFFFF"), align="center",
                   warnings=out.warnings, family=family,
                   floor=floor["cta_text"] if compact else None)
    bw = round(max(fonts.text_width(line, cta.size, True, family) for line in cta.lines or [""])
               + button_h)
    out.button = Box(content.right - bw, (h - button_h) // 2, bw, button_h)
    cta.box = Box(out.button.x, out.button.y + (button_h - cta.box.h) // 2, bw, cta.box.h)
    right = out.button.x - gap
    # one chip (the price, else the first widget) before the button
    widgets = prefill.get("widgets") or []
    shown = [wd for wd in widgets if wd.get("type") == "price_badge"][:1] or widgets[:1]
    chips: list[WidgetChip] = []
    if shown:
        chip_size = _clamp(h * 0.17, max(9, floor["cta_text"]), 30)
        area = Box(content.x, 0, max(1, right - content.x), h)
        placed, _ = _chips(shown, area, 1.0, "right", out.warnings, family, size=chip_size,
                           max_rows=1)
        chips = [WidgetChip(c.kind, c.label, Box(c.box.x, (h - c.box.h) // 2, c.box.w,
                                                 c.box.h), c.size, c.struck, family)
                 for c in placed]
    chips_w = (right - min(c.box.x for c in chips) + gap) if chips else 0
    logo_h = round(content.h * (0.22 if tall else 0.6)) if prefill.get("logo_url") else 0
    logo_w = 0 if tall else logo_h * 2  # a billboard puts it above the headline
    need = round(w * (0.2 if tall else 0.3))  # the headline's share; logo, then chip give way
    if logo_h and right - chips_w - content.x - logo_w - gap < need:
        out.notes.append(f"logo not shown at {w}×{h} (no room beside the headline)")
        logo_h = 0
    if chips and right - chips_w - content.x < need:
        out.notes.append(f"{chips[0].label} not shown at {w}×{h} (no room beside the headline)")
        chips, chips_w = [], 0
    out.chips = chips
    right -= chips_w
    dropped = len(widgets) - len(out.chips)
    if dropped and out.chips:
        out.notes.append(f"{count(dropped, 'widget')} not shown at {w}×{h} (a strip has room for one)")
    x = content.x
    if logo_h and tall:
        out.logo, out.logo_align = Box(x, content.y, logo_h * 3, logo_h), "left"
    elif logo_h:
        out.logo, out.logo_align = Box(x, (h - logo_h) // 2, logo_w, logo_h), "left"
        x += logo_w + gap
    text_box = Box(x, content.y, max(1, right - x), content.h)
    text = colors.get("text", "#111111")
    secondary = colors.get("secondary", text)
    blocks = []
    subtitle = (prefill.get("subtitle") or "").strip()
    brand = (prefill.get("brand") or "").strip()
    legal = (prefill.get("legal") or "").strip()
    if tall:
        top = out.logo.h + gap if out.logo else 0
        if brand:
            blocks.append(fit_text("brand", brand.upper(), Box(x, 0, text_box.w, round(h * 0.1)),
                                   max_size=_clamp(h * 0.07, 9, 20), min_size=floor["brand"],
                                   max_lines=1, bold=True, color=secondary, align=align,
                                   warnings=out.warnings, family=family))
        room = text_box.h - top - sum(b.box.h + gap for b in blocks) - (
            round(floor["legal"] * 1.22) + gap if legal else 0)
        head_room = round(room * (0.62 if subtitle else 1.0))
        blocks.append(fit_text("headline", prefill.get("headline", ""),
                               Box(x, 0, text_box.w, head_room), max_size=_clamp(h * 0.19, 14, 56),
                               min_size=max(fmt.floor + 4, round(h * 0.1)), max_lines=3,
                               bold=True, color=text, align=align, warnings=out.warnings,
                               family=family, floor=floor["headline"] if compact else None))
        if subtitle:
            blocks.append(fit_text("subtitle", subtitle,
                                   Box(x, 0, text_box.w, room - head_room - gap),
                                   max_size=_clamp(h * 0.09, 12, 28),
                                   min_size=floor["subtitle"] + 2, max_lines=2, bold=False,
                                   color=secondary, align=align, warnings=out.warnings,
                                   family=family, floor=floor["subtitle"] if compact else None))
        if legal:
            blocks.append(fit_text("legal", legal, Box(x, 0, text_box.w,
                                                       round(floor["legal"] * 1.22)),
                                   max_size=floor["legal"], min_size=floor["legal"],
                                   max_lines=1, bold=False, color=secondary, align=align,
                                   warnings=out.warnings, family=family))
        y0 = content.y + top
    else:
        omitted = [name for name, v in (("subtitle", subtitle), ("brand line", brand),
                                        ("legal line", legal)) if v]
        if omitted:
            out.notes.append(f"{', '.join(omitted)} not shown at {w}×{h} (no room in a strip)")
        blocks.append(fit_text("headline", prefill.get("headline", ""), text_box,
                               max_size=_clamp(h * 0.3, 12, 40),
                               min_size=max(fmt.floor + 1, round(h * 0.2)), max_lines=3,
                               bold=True, color=text, align=align, warnings=out.warnings,
                               family=family, floor=floor["headline"] if compact else None))
        y0 = content.y
    total = sum(b.box.h for b in blocks) + gap * (len(blocks) - 1)
    y = y0 + max(0, (content.bottom - y0 - total) // 2)
    for b in blocks:
        b.box = Box(b.box.x, y, b.box.w, b.box.h)
        out.blocks[b.name] = b
        y += b.box.h + gap
    out.blocks["cta_text"] = cta
    if is_rtl(prefill.get("headline") or ""):  # the copy as it is now (an edit may change its script)
        _mirror(out)
    return out


def _mirror(out: BannerLayout) -> None:
    """The row read right to left (Arabic, Hebrew, Persian copy): photo at the right, then
    headline, chip and button towards the left (a walk-through saw an Arabic strip ordered as an
    English one: button first, product last, to a right-to-left reader)."""
    def flip(box: Box) -> Box:
        return Box(out.width - box.x - box.w, box.y, box.w, box.h)

    out.panel, out.image_area = flip(out.panel), flip(out.image_area)
    out.background = flip(out.background) if out.background else None
    out.button = flip(out.button) if out.button else None
    if out.logo:
        out.logo, out.logo_align = flip(out.logo), "right"
    for block in out.blocks.values():
        block.box = flip(block.box)
    for chip in out.chips:
        chip.box = flip(chip.box)
    out.text_position = "left"  # (the focus stays: the product sits where it is in the picture)

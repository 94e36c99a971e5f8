"""Banner geometry shared by the HTML and PNG renderers: panel, text blocks, widgets, button.

Text is wrapped and shrunk to fit its box with the real fonts (``core.fonts``), so both
renderers break lines identically. Text that cannot fit at the minimum size is cut with an
ellipsis *and reported* in ``BannerLayout.warnings``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from core import fonts
from core.wording import count
from core.render.formats import ALL_SIZES, FORMATS, SIZES, Format, format_for, resolve_size
from core.render.geometry import Box, TextBlock, WidgetChip
from core.render.text_fit import fit_text

__all__ = ["ALL_SIZES", "FORMATS", "SIZES", "BannerLayout", "Box", "Format", "TextBlock",
           "WidgetChip", "compute_layout", "fit_text", "format_for", "resolve_size"]


@dataclass
class BannerLayout:
    """Everything the renderers draw, in banner pixels."""

    width: int
    height: int
    text_position: str
    panel: Box
    image_area: Box
    background: Box | None = None  # where the background image is drawn (cover)
    focus: tuple[float, float] = (0.5, 0.5)  # crop centring that keeps the product in view
    blocks: dict[str, TextBlock] = field(default_factory=dict)
    chips: list[WidgetChip] = field(default_factory=list)
    button: Box | None = None
    warnings: list[str] = field(default_factory=list)
    style: str = "photo"  # "text_only": no image; the renderers draw ``backdrop`` instead
    format: Format | None = None
    logo: Box | None = None  # the brand logo's slot (drawn "contain", aligned like the text)
    logo_align: str = "left"
    safe: Box | None = None  # where text, logo and button must stay (story overlays)
    notes: list[str] = field(default_factory=list)  # layout choices worth telling (omissions)


def widget_label(widget: dict) -> tuple[str, str]:
    """The text a widget shows (and a struck compare-at price, if any)."""
    from decimal import Decimal

    from core.generators.brief import format_price

    kind = widget.get("type")
    if kind == "price_badge":
        cur = widget.get("currency", "")
        compare = widget.get("compare_at")
        loc = widget.get("locale") or None  # the shop's locale: "24,99 €" on a German page
        return (format_price(Decimal(widget["price"]), cur, loc),
                format_price(Decimal(compare), cur, loc) if compare else "")
    if kind == "discount":
        return f"-{widget['percent']}%", ""
    if kind == "rating":
        count = widget.get("count")
        return f"★ {float(widget['value']):.1f}" + (f" ({count})" if count else ""), ""
    if kind == "countdown":
        ends = str(widget.get("ends_at", ""))[:10]
        return f"{widget.get('label', 'Ends in')} {ends}".strip(), ""
    if kind == "free_shipping":
        return widget.get("label") or "Free shipping", ""
    return str(widget.get("text", "")), ""


def _panel(position: str, w: int, h: int, margin: int,
           full: tuple[int, int] | None = None, grow: int = 0) -> tuple[str, Box, Box]:
    """Panel and image area for a text position (wide banners put top/bottom text aside).

    ``w`` × ``h`` is the safe area; band and column sizes follow the ``full`` banner; a band
    grows by ``grow`` pixels (room for a logo and a legal line)."""
    fw, fh = full or (w, h)
    if w / h > 1.4 and position in ("top", "bottom"):
        position = "left" if position == "top" else "right"  # a 1.91:1 band is too short
    if h / w > 1.4 and position in ("left", "right"):
        position = "bottom" if position == "left" else "top"  # a 9:16 column is too narrow
    side_w = min(w - 2 * margin, round(fw * (0.5 if fw >= fh else 0.56)) - margin)
    band_h = min(h - 2 * margin, round(fh * (0.46 if fh <= fw * 1.2 else 0.40)) + grow)
    if position == "left":
        return position, Box(margin, margin, side_w, h - 2 * margin), Box(side_w + margin, 0,
                                                                          w - side_w - margin, h)
    if position == "right":
        return position, Box(w - margin - side_w, margin, side_w, h - 2 * margin), Box(
            0, 0, w - side_w - margin, h)
    if position == "top":
        return position, Box(margin, margin, w - 2 * margin, band_h), Box(
            0, band_h + margin, w, h - band_h - margin)
    if position == "bottom":
        return position, Box(margin, h - margin - band_h, w - 2 * margin, band_h), Box(
            0, 0, w, h - band_h - margin)
    pw, ph = round(w * 0.76), round(h * 0.56)
    return "center", Box((w - pw) // 2, (h - ph) // 2, pw, ph), Box(0, 0, w, h)


def _chips(widgets: list[dict], content: Box, u: float, align: str,
           warnings: list[str], family: str = "", size: int | None = None,
           max_rows: int = 2) -> tuple[list[WidgetChip], int]:
    """Lay widgets out as pills in up to ``max_rows`` rows; report the ones that do not fit."""
    size = size or max(14, round(28 * u))
    chip_h, pad, gap = round(size * 1.9), round(size * 0.75), round(12 * u)
    rows: list[list[WidgetChip]] = [[]]
    x = 0
    dropped = 0
    for widget in widgets:
        label, struck = widget_label(widget)
        text_w = fonts.text_width(label, size, True, family)
        if struck:
            text_w += fonts.text_width(" " + struck, size, False, family)
        cw = min(content.w, round(text_w + 2 * pad))
        if x and x + cw > content.w:
            if len(rows) == max_rows:
                dropped += 1
                continue
            rows.append([])
            x = 0
        rows[-1].append(WidgetChip(widget["type"], label, Box(x, 0, cw, chip_h), size, struck,
                                   family))
        x += cw + gap
    if dropped:
        warnings.append(f"{count(dropped, 'widget')} {'does' if dropped == 1 else 'do'} not fit the banner and {'is' if dropped == 1 else 'are'} not shown")
    chips = []
    for r, row in enumerate(r for r in rows if r):
        used = row[-1].box.right
        off = {"left": 0, "center": (content.w - used) // 2, "right": content.w - used}[align]
        for c in row:
            chips.append(WidgetChip(c.kind, c.label, Box(content.x + off + c.box.x,
                                                         r * (chip_h + gap), c.box.w, chip_h),
                                    c.size, c.struck, family))
    height = 0 if not chips else (max(c.box.bottom for c in chips))
    return chips, height


def backdrop_colors(colors: dict) -> tuple[str, str, str]:
    """A text-only banner's backdrop: a diagonal gradient from the background colour to a
    faint tint of the primary one (text contrast is kept), and the colour of its two soft
    corner discs."""
    from core.palette import hex_to_rgb, rgb_to_hex

    bg = colors.get("background", "#FFFFFF")
    primary = colors.get("primary", "#1F2937")

    def mix(a: str, b: str, t: float) -> str:
        ra, rb = hex_to_rgb(a), hex_to_rgb(b)
        return rgb_to_hex(tuple(x + (y - x) * t for x, y in zip(ra, rb)))

    return bg, mix(bg, primary, 0.10), mix(bg, primary, 0.16)


def backdrop_discs(layout: "BannerLayout") -> list[Box]:
    """Two soft discs of a text-only backdrop, cut by the top-right and bottom-left corners."""
    w, h = layout.width, layout.height
    big, small = round(min(w, h) * 0.9), round(min(w, h) * 0.56)
    return [Box(w - big * 2 // 3, -big // 3, big, big), Box(-small // 3, h - small * 2 // 3, small, small)]


def type_unit(fmt: Format) -> float:
    """Banner pixels per design pixel (type and spacing were designed for 1080 px)."""
    return fmt.scale or min(fmt.width, fmt.height) / 1080


def floors(fmt: Format) -> dict[str, int]:
    """The smallest size per text the quality gate accepts in ``fmt`` (legibility floor)."""
    head = fmt.floor
    return {"headline": head, "subtitle": max(10, round(head * 0.75)),
            "cta_text": max(10, round(head * 0.8)), "brand": max(9, round(head * 0.6)),
            "legal": max(9, round(head * 0.5))}


def _inset(box: Box, safe: Box) -> Box:
    """``box`` moved/clipped into ``safe``."""
    x, y = max(box.x, safe.x), max(box.y, safe.y)
    return Box(x, y, max(1, min(box.right, safe.right) - x), max(1, min(box.bottom, safe.bottom) - y))


def compute_layout(prefill: dict, size: str | tuple[int, int], *, family: str = "",
                   compact: bool = False) -> BannerLayout:
    """Where everything of ``prefill`` goes on a banner of ``size``.

    ``layout.style == "text_only"``: no image area; the copy is centred in a panel covering
    the banner (the renderers draw a backdrop from the colours, and no panel fill).
    ``family``: the brand font's key; ``compact``: texts may shrink to the format's floor
    (the quality gate's font-size fix)."""
    fmt = format_for(size)
    if fmt.shape == "strip":
        from core.render.strip import strip_layout

        return strip_layout(prefill, fmt, family=family, compact=compact)
    w, h = fmt.size
    u = type_unit(fmt)
    floor = floors(fmt) if compact else {}
    colors = prefill.get("colors") or {}
    layout = prefill.get("layout") or {}
    text_only = layout.get("style") == "text_only"
    align = "center" if text_only else layout.get("alignment", "left")
    st, sr, sb, sl = fmt.safe
    safe = Box(sl, st, w - sl - sr, h - st - sb)
    if text_only:
        margin = round(72 * u)
        panel = Box(safe.x + margin, safe.y + margin, safe.w - 2 * margin, safe.h - 2 * margin)
        position, image_area = "center", Box(0, 0, 0, 0)
    else:
        position = layout.get("text_position", "left")
        if w / h > 1.4 and position in ("top", "bottom"):  # decided on the whole banner
            position = "left" if position == "top" else "right"
        if h / w > 1.4 and position in ("left", "right"):
            position = "bottom" if position == "left" else "top"
        if min(w, h) < 400 and w >= h and position in ("top", "bottom"):
            position = "left" if position == "top" else "right"  # a 300×250 band is too short
        grow = round((84 if prefill.get("logo_url") else 0) * u
                     + (64 if (prefill.get("legal") or "").strip() else 0) * u)
        position, panel, image_area = _panel(position, safe.w, safe.h, round(36 * u), (w, h),
                                             grow)
        panel = Box(panel.x + safe.x, panel.y + safe.y, panel.w, panel.h)
        if fmt.safe != (0, 0, 0, 0):  # the picture may fill the covered edges
            image_area = _grow_to_edges(Box(image_area.x + safe.x, image_area.y + safe.y,
                                            image_area.w, image_area.h), safe, w, h)
    out = BannerLayout(w, h, position, panel, image_area, format=fmt, safe=safe)
    if text_only:
        out.style = "text_only"
    # the background was composed with the product opposite the *requested* text position
    out.focus = {"left": (1.0, 0.5), "right": (0.0, 0.5), "top": (0.5, 1.0),
                 "bottom": (0.5, 0.0)}.get(layout.get("text_position"), (0.5, 0.5))
    # the background is square: when the area beside the panel is closer to square than the
    # whole banner (1.91:1 and 9:16), fill only that area so the panel never hides the product
    def squareness(box: Box) -> float:
        return abs(math.log(max(box.w, 1) / max(box.h, 1)))

    whole = Box(0, 0, w, h)
    if text_only:
        out.background = None
    else:
        out.background = image_area if squareness(image_area) < squareness(whole) else whole
    pad = min(round(48 * u), panel.w // 10, panel.h // 10)
    content = Box(panel.x + pad, panel.y + pad, panel.w - 2 * pad, panel.h - 2 * pad)
    gap = round(20 * u)
    chips, chips_h = _chips(prefill.get("widgets") or [], content, u, align, out.warnings, family)
    small = min(w, h) < 400  # display ads: sizes have floors, optional texts give way
    button_h = max(round(76 * u), 28 if small else 0)
    brand = (prefill.get("brand") or "").strip()
    brand_size = max(round(26 * u), floors(fmt)["brand"])
    brand_h = round(brand_size * 1.22) if brand else 0
    logo_h = round(64 * u) if prefill.get("logo_url") else 0
    legal = (prefill.get("legal") or "").strip()
    legal_size = max(floors(fmt)["legal"], round(18 * u))
    legal_h = round(legal_size * 1.22) * 2 if legal else 0
    fixed = (brand_h + chips_h + button_h + logo_h + legal_h
             + gap * (1 + bool(brand) + bool(chips) + bool(logo_h) + bool(legal)))
    subtitle = (prefill.get("subtitle") or "").strip()
    room = max(round(60 * u), content.h - fixed - (gap if subtitle else 0))
    head_room = round(room * 0.64) if subtitle else room
    text = colors.get("text", "#111111")
    blocks = []
    if brand:
        blocks.append(fit_text("brand", brand.upper(), Box(content.x, 0, content.w, brand_h),
                               max_size=brand_size, min_size=min(brand_size, max(
                                   round(18 * u), floors(fmt)["brand"])), max_lines=1,
                               bold=True, color=colors.get("secondary", text), align=align,
                               warnings=out.warnings, family=family, floor=floor.get("brand")))
    blocks.append(fit_text("headline", prefill.get("headline", ""),
                           Box(content.x, 0, content.w, head_room),
                           max_size=round((112 if text_only else 92) * u),
                           min_size=max(16, round(30 * u)), max_lines=4,
                           bold=True, color=text, align=align, warnings=out.warnings,
                           family=family, floor=floor.get("headline")))
    if subtitle:
        seen = len(out.warnings)
        block = fit_text("subtitle", subtitle, Box(content.x, 0, content.w, room - head_room),
                         max_size=round(40 * u), min_size=max(14, round(20 * u)),
                         max_lines=3, bold=False, color=colors.get("secondary", text),
                         align=align, warnings=out.warnings, family=family,
                         floor=floor.get("subtitle"))
        if small and len(out.warnings) > seen:  # a small ad is better without than cut
            del out.warnings[seen:]
            out.notes.append(f"subtitle not shown at {w}×{h} (no room)")
        else:
            blocks.append(block)
    cta = fit_text("cta_text", prefill.get("cta_text", ""),
                   Box(0, 0, content.w - round(64 * u), button_h - max(4, round(16 * u))),
                   max_size=round(34 * u), min_size=max(14, round(18 * u)), max_lines=1,
                   bold=True, color=colors.get("button_text", "#FFFFFF"), align="center",
                   warnings=out.warnings, family=family, floor=floor.get("cta_text"))
    legal_block = None
    if legal:
        legal_block = fit_text("legal", legal, Box(content.x, 0, content.w, legal_h),
                               max_size=legal_size, min_size=legal_size, max_lines=2,
                               bold=False, color=colors.get("secondary", text), align=align,
                               warnings=out.warnings, family=family)
    # stack: logo, brand, headline, subtitle, widgets, button, legal — centred in the panel
    total = (logo_h + sum(b.box.h for b in blocks) + chips_h + button_h
             + (legal_block.box.h + gap if legal_block else 0)
             + gap * (len(blocks) + bool(chips) + bool(logo_h)))
    y = content.y + max(0, (content.h - total) // 2)
    if logo_h:
        out.logo, out.logo_align = Box(content.x, y, content.w, logo_h), align
        y += logo_h + gap
    for b in blocks:
        b.box = Box(b.box.x, y, b.box.w, b.box.h)
        out.blocks[b.name] = b
        y += b.box.h + gap
    out.chips = [WidgetChip(c.kind, c.label, Box(c.box.x, y + c.box.y, c.box.w, c.box.h),
                            c.size, c.struck, family) for c in chips]
    y += chips_h + (gap if chips else 0)
    bw = min(content.w, round(max(fonts.text_width(l, cta.size, True, family)
                                  for l in cta.lines or [""]) + 64 * u))
    bx = {"left": content.x, "center": content.x + (content.w - bw) // 2,
          "right": content.right - bw}[align]
    out.button = Box(bx, y, bw, button_h)
    cta.box = Box(bx, y + (button_h - cta.box.h) // 2, bw, cta.box.h)
    out.blocks["cta_text"] = cta
    if legal_block:
        y += button_h + gap
        legal_block.box = Box(legal_block.box.x, y, legal_block.box.w, legal_block.box.h)
        out.blocks["legal"] = legal_block
    return out


def _grow_to_edges(area: Box, safe: Box, w: int, h: int) -> Box:
    """An image area touching the safe zone's edge extends to the banner's edge."""
    x0 = 0 if area.x <= safe.x else area.x
    y0 = 0 if area.y <= safe.y else area.y
    x1 = w if area.right >= safe.right else area.right
    y1 = h if area.bottom >= safe.bottom else area.bottom
    return Box(x0, y0, x1 - x0, y1 - y0)

"""The banner as self-contained HTML/CSS for a sandboxed iframe: no script, no network.

Every text is HTML-escaped, colours are re-checked as ``#RRGGBB``, image sources are only
``data:image/…;base64`` or https URLs, and a Content-Security-Policy forbids scripts
even if something slipped through. Lengths are multiples of ``--u`` (1 banner pixel =
100vw / width), so the banner scales to any iframe width without JavaScript; the page
sets the iframe height to ``width × height / width``.
"""

from __future__ import annotations

from html import escape

from core.palette import readable_on
from core.render.layout import Box, TextBlock, backdrop_colors, backdrop_discs
from core.render.png import PLACEHOLDER_TEXT, prepare
from core.render.safe import Resolver, background_source

FONT_STACK = ("'Noto Sans', 'Noto Sans Arabic', 'Noto Sans Hebrew', 'Noto Sans CJK SC', "
              "'Noto Sans CJK JP', 'Noto Color Emoji', 'Apple Color Emoji', 'Segoe UI Emoji', "
              "system-ui, sans-serif")
CSP = ("default-src 'none'; img-src data: https:; style-src 'unsafe-inline'; "
       "font-src data:; base-uri 'none'; form-action 'none'")


def _u(value: float) -> str:
    return f"calc({round(value, 2)}*var(--u))"


def _box(box: Box) -> str:
    return f"left:{_u(box.x)};top:{_u(box.y)};width:{_u(box.w)};height:{_u(box.h)};"


def _text(block: TextBlock, extra: str = "") -> str:
    # every line in its block's direction, as the PNG draws it ("Beardo 50 مل" on line 2 of an
    # Arabic headline was laid out left to right by dir="auto" — a walk-through)
    way = "rtl" if block.rtl else "ltr"
    lines = "".join(f'<span dir="{way}">{escape(line, quote=True)}</span>' for line in block.lines)
    style = (f"{_box(block.box)}font-size:{_u(block.size)};line-height:{_u(block.line_height)};"
             f"color:{block.color};text-align:{block.align};"
             f"font-weight:{700 if block.bold else 400};{extra}")
    return f'<div class="t {escape(block.name)}" style="{style}">{lines}</div>'


def render_banner_html(prefill: dict, size: str | tuple[int, int], *,
                       resolve: Resolver | None = None) -> str:
    """A complete HTML document showing the banner (for ``st.iframe`` / a sandboxed iframe).

    The same banner as ``render_banner_png``: the quality gate's fixes, brand font and logo."""
    data, family, layout, _report, _warnings = prepare(prefill, size, resolve)
    colors = data["colors"]
    src, _ = background_source(data, resolve) if layout.style != "text_only" else (None, None)
    fx, fy = layout.focus
    parts = []
    if layout.style == "text_only":  # no image at all: a backdrop drawn from the colours
        start, end, disc = backdrop_colors(colors)
        parts.append(f'<div class="bd" style="background:linear-gradient(135deg,{start},{end})">'
                     '</div>')
        for box in backdrop_discs(layout):
            parts.append(f'<div class="disc" style="{_box(box)}background:{disc}"></div>')
    elif src:
        parts.append(f'<img class="bg" alt="" src="{escape(src, quote=True)}" '
                     f'style="{_box(layout.background)}'
                     f'object-position:{fx * 100:.0f}% {fy * 100:.0f}%">')
    else:
        parts.append(f'<div class="bg ph"></div><div class="phl" style="{_box(layout.image_area)}'
                     f'color:{readable_on(colors["background"])}">{PLACEHOLDER_TEXT}</div>')
    radius = max(8, min(layout.width, layout.height) // 40)
    if layout.style != "text_only":
        parts.append(f'<div class="panel" style="{_box(layout.panel)}border-radius:{_u(radius)};'
                     f'background:{colors["background"]}"></div>')
    for block in layout.blocks.values():
        if block.name != "cta_text":
            parts.append(_text(block))
    chip_text = readable_on(colors["primary"])
    for chip in layout.chips:
        struck = (f' <s style="font-weight:400">{escape(chip.struck)}</s>' if chip.struck else "")
        parts.append(
            f'<div class="chip {escape(chip.kind)}" style="{_box(chip.box)}'
            f'font-size:{_u(chip.size)};line-height:{_u(chip.box.h)};'
            f'border-radius:{_u(chip.box.h / 2)};background:{colors["primary"]};color:{chip_text}">'
            f'<span dir="auto">{escape(chip.label, quote=True)}</span>{struck}</div>'
        )
    if layout.button is not None:
        parts.append(f'<div class="btn" style="{_box(layout.button)}'
                     f'border-radius:{_u(layout.button.h / 2)};background:{colors["button"]}">'
                     f'</div>')
        parts.append(_text(layout.blocks["cta_text"]))
    if layout.logo is not None:
        from core.render.brand_assets import logo_source

        logo_src, _ = logo_source(data.get("logo_url"), resolve)
        if logo_src:
            pos = {"left": "left", "center": "center", "right": "right"}[layout.logo_align]
            parts.append(f'<img class="logo" alt="" src="{escape(logo_src, quote=True)}" '
                         f'style="{_box(layout.logo)}object-position:{pos} center">')
    font_css, font_stack = "", FONT_STACK
    if family:
        from core.render.brand_assets import font_face_css

        shown = "".join("".join(b.lines) for b in layout.blocks.values())
        shown += "".join(c.label + c.struck for c in layout.chips)
        font_css = font_face_css(family, shown)
        font_stack = "'BrandFont', " + FONT_STACK if font_css else FONT_STACK
    label = escape(f"{data['headline']} — {data['cta_text']}", quote=True)
    w, h = layout.width, layout.height
    stripe = colors["background"]
    return (
        "<!doctype html><html><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<style>{font_css}html,body{{margin:0;padding:0;overflow:hidden;background:transparent}}"
        f".banner{{--u:calc(100vw / {w});position:relative;width:{_u(w)};height:{_u(h)};"
        f"overflow:hidden;background:{colors['background']};font-family:{font_stack}}}"
        ".bg{position:absolute;object-fit:cover}.ph{inset:0}"
        ".logo{position:absolute;object-fit:contain}"
        ".bd{position:absolute;inset:0}.disc{position:absolute;border-radius:50%}"
        f".ph{{background:repeating-linear-gradient(45deg,{stripe} 0 {_u(30)},"
        f"rgba(0,0,0,.07) {_u(30)} {_u(60)})}}"
        f".phl{{position:absolute;display:flex;align-items:center;justify-content:center;"
        f"font-weight:700;font-size:{_u(max(14, w // 40))}}}"
        ".panel,.t,.chip,.btn{position:absolute;box-sizing:border-box}"
        ".t span{display:block;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}"
        ".chip{text-align:center;font-weight:700;white-space:nowrap;overflow:hidden}"
        "</style></head><body>"
        f'<div class="banner" role="img" aria-label="{label}" '
        f'data-width="{w}" data-height="{h}">{"".join(parts)}</div></body></html>'
    )

"""The quality gate: is a banner shippable in a given format, and what could be fixed?

Checks, on the layout the renderers draw:

- **fit** — headline, subtitle and button text fit at the format's minimum size (no "…");
- **contrast** — WCAG 2: ≥ 4.5:1 for body text, ≥ 3:1 for large text (≥ 24 px, or ≥ 18.66 px
  bold), each text against what is behind it (panel, button, chip);
- **product** — the product region of the photo (estimated from where the background put
  it: opposite the text) is visible over at least the format's share of the banner;
- **price once** — the price appears once (a badge *and* the headline is once too many).

Fixable failures are fixed when ``fix=True`` and reported as fixes: text that does not fit
is set smaller down to the format's floor, a colour below the contrast floor is moved in
lightness (hue kept) until it passes. Both renderers draw the fixed banner.
"""

from __future__ import annotations

import math

import re
from dataclasses import dataclass, field

from core.palette import contrast_ratio, ensure_contrast, readable_on
from core.render.layout import BannerLayout, Box, compute_layout, widget_label

BODY, LARGE = 4.5, 3.0
FIT_CHECKED = ("headline", "subtitle", "cta_text")
_COLOR_OF = {"headline": "text", "subtitle": "secondary", "brand": "secondary",
             "legal": "secondary", "cta_text": "button_text"}
_LABEL = {"headline": "headline", "subtitle": "subtitle", "cta_text": "button text",
          "brand": "brand line", "legal": "legal line"}


@dataclass
class GateReport:
    """The gate's verdict for one banner in one format."""

    format: str
    failures: list[str] = field(default_factory=list)  # what still fails, and why
    fixes: list[str] = field(default_factory=list)  # what was fixed automatically
    notes: list[str] = field(default_factory=list)  # layout omissions worth knowing

    @property
    def passed(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict:
        return {"format": self.format, "passed": self.passed, "failures": self.failures,
                "fixes": self.fixes, "notes": self.notes}


def is_large(size: int, bold: bool) -> bool:
    """WCAG large text: 18 pt (24 px), or 14 pt (≈18.66 px) bold."""
    return size >= 24 or (bold and size >= 18.66)


def _cut_blocks(layout: BannerLayout) -> dict[str, str]:
    out = {}
    for warning in layout.warnings:
        name, sep, _ = warning.partition(" does not fit")
        if sep and name in FIT_CHECKED:
            out[name] = warning
    return out


def _fit(data: dict, size, family: str, fix: bool, report: GateReport) -> BannerLayout:
    layout = compute_layout(data, size, family=family)
    cut = _cut_blocks(layout)
    if cut and fix:
        compact = compute_layout(data, size, family=family, compact=True)
        still = _cut_blocks(compact)
        for name in cut:
            block = compact.blocks.get(name)
            if name not in still and block is not None:
                report.fixes.append(f"{_LABEL[name]} set at {block.size} px (below the usual "
                                    f"{block.natural_min} px) so it fits")
        layout, cut = compact, still
    for name, warning in cut.items():
        block = layout.blocks.get(name)
        at = f" at the minimum {block.size} px" if block else ""
        report.failures.append(f"{_LABEL[name]} does not fit{at}: shorten the {_LABEL[name]}")
    return layout


def _ratio(ratio: float) -> str:
    """A contrast ratio as said: cut (not rounded) to two decimals, so one below the need never
    reads as meeting it ("4.47:1", not "4.5:1" beside "needs 4.5:1")."""
    return f"{math.floor(ratio * 100) / 100:.2f}".rstrip("0").rstrip(".") + ":1"


def _contrast(data: dict, layout: BannerLayout, fix: bool, report: GateReport) -> None:
    colors = data["colors"]
    behind = colors["background"]
    for name, block in layout.blocks.items():
        key = _COLOR_OF.get(name)
        if key is None:
            continue
        bg = colors["button"] if name == "cta_text" else behind
        need = LARGE if is_large(block.size, block.bold) else BODY
        ratio = contrast_ratio(block.color, bg)
        if ratio >= need:
            continue
        if fix:
            new = ensure_contrast(block.color, bg, need)
            report.fixes.append(f"{_LABEL[name]} colour {block.color} changed to {new}: "
                                f"contrast {_ratio(ratio)} → {_ratio(contrast_ratio(new, bg))} "
                                f"(needs {need:g}:1)")
            for other in layout.blocks.values():  # one colour serves several texts
                if other.color == block.color and _COLOR_OF.get(other.name) == key:
                    other.color = new
            colors[key] = new
        else:
            report.failures.append(f"{_LABEL[name]} contrast {_ratio(ratio)} is below "
                                   f"{need:g}:1 ({block.color} on {bg})")
    if layout.chips:
        chip = min(layout.chips, key=lambda c: c.size)
        ink = readable_on(colors["primary"])
        need = LARGE if is_large(chip.size, True) else BODY
        ratio = contrast_ratio(ink, colors["primary"])
        if ratio < need:
            if fix:
                new = ensure_contrast(colors["primary"], ink, need)
                report.fixes.append(f"badge colour {colors['primary']} changed to {new}: "
                                    f"contrast {_ratio(ratio)} → "
                                    f"{_ratio(contrast_ratio(readable_on(new), new))}")
                colors["primary"] = new
            else:
                report.failures.append(f"badge text contrast {_ratio(ratio)} is below {need:g}:1")


def product_region(layout: BannerLayout, text_position: str) -> Box | None:
    """Where the product is on the banner: the background composes it opposite the text
    (centre for centred text), over ~55 % × 70 % of the square picture."""
    bg = layout.background
    if bg is None or layout.style == "text_only":
        return None
    side = max(bg.w, bg.h)  # the square picture, scaled to cover the box
    fx, fy = layout.focus
    ox, oy = bg.x - (side - bg.w) * fx, bg.y - (side - bg.h) * fy
    rx, ry, rw, rh = {"left": (0.42, 0.15, 0.55, 0.70), "right": (0.03, 0.15, 0.55, 0.70),
                      "top": (0.15, 0.42, 0.70, 0.55), "bottom": (0.15, 0.03, 0.70, 0.55)
                      }.get(text_position, (0.2, 0.2, 0.6, 0.6))
    x0, y0 = max(bg.x, ox + rx * side), max(bg.y, oy + ry * side)
    x1, y1 = min(bg.right, ox + (rx + rw) * side), min(bg.bottom, oy + (ry + rh) * side)
    if x1 <= x0 or y1 <= y0:
        return None
    return Box(round(x0), round(y0), round(x1 - x0), round(y1 - y0))


def visible_share(layout: BannerLayout, region: Box, steps: int = 48) -> float:
    """Share of the banner where the product region is not covered by panel, logo, chips
    or button (sampled on a grid)."""
    covers = [b for b in (layout.panel if layout.style != "text_only" else None, layout.logo,
                          layout.button, *(c.box for c in layout.chips)) if b is not None]
    seen = 0
    for i in range(steps):
        for j in range(steps):
            x = region.x + (i + 0.5) * region.w / steps
            y = region.y + (j + 0.5) * region.h / steps
            if not any(b.x <= x < b.right and b.y <= y < b.bottom for b in covers):
                seen += 1
    return seen / steps ** 2 * region.w * region.h / (layout.width * layout.height)


def _product(data: dict, layout: BannerLayout, report: GateReport) -> None:
    fmt = layout.format
    if layout.style == "text_only":  # chosen on purpose (no usable photo): a note, not a failure
        report.notes.append("no product photo: a text-only banner")
        return
    region = product_region(layout, data["layout"].get("text_position", "left"))
    share = visible_share(layout, region) if region else 0.0
    need = fmt.min_product_share if fmt else 0.12
    if share < need:
        report.failures.append(f"product visible over {share:.0%} of the banner, below "
                               f"{need:.0%}: choose another text position")


_NUMBER = re.compile(r"\d[\d.,\s]*\d|\d")


def _amounts(text: str) -> set[str]:
    return {re.sub(r"[^\d]", "", m.group()) for m in _NUMBER.finditer(text or "")}


def _price_once(data: dict, layout: BannerLayout, report: GateReport) -> None:
    prices = [w for w in data.get("widgets") or [] if w.get("type") == "price_badge"]
    if not prices:
        return
    label, _ = widget_label(prices[0])
    digits = re.sub(r"[^\d]", "", label)
    digits_short = digits[:-2] if digits.endswith("00") and len(digits) > 2 else digits
    shown = sum(1 for c in layout.chips if c.kind == "price_badge")
    where = []
    for name in ("headline", "subtitle", "cta_text"):
        block = layout.blocks.get(name)
        text = " ".join(block.lines) if block else ""
        if _amounts(text) & {digits, digits_short} - {""}:
            where.append(_LABEL[name])
    if shown + len(where) > 1:
        report.failures.append(f"price shown {shown + len(where)} times (badge and "
                               f"{', '.join(where)}): show it once")


def gate(data: dict, size, *, family: str = "", fix: bool = True
         ) -> tuple[dict, BannerLayout, GateReport]:
    """Check (and with ``fix``, fix) one safe prefill in one format.

    Returns the prefill to draw (colours fixed), its layout and the report."""
    from core.render.formats import format_for

    data = {**data, "colors": dict(data["colors"])}
    report = GateReport(format_for(size).name)
    layout = _fit(data, size, family, fix, report)
    _contrast(data, layout, fix, report)
    _product(data, layout, report)
    _price_once(data, layout, report)
    report.notes += layout.notes
    return data, layout, report


def check_formats(prefill: dict, formats=None, resolve=None, fix: bool = True
                  ) -> list[GateReport]:
    """The gate's report for ``prefill`` in each of ``formats`` (default: every format)."""
    from core.render.brand_assets import font_family
    from core.render.formats import FORMATS
    from core.render.safe import safe_prefill

    data, _ = safe_prefill(prefill)
    family, _ = font_family(data.get("font", ""), resolve)
    return [gate(data, name, family=family, fix=fix)[2] for name in (formats or FORMATS)]


def summarize(reports: list[GateReport]) -> dict[str, list[tuple[str, list[str]]]]:
    """Findings grouped by message, each with the formats it applies to:
    ``{"failures": [(message, [format, …]), …], "fixes": […], "notes": […]}``."""
    from core.render.formats import FORMATS

    out: dict[str, list[tuple[str, list[str]]]] = {}
    for kind in ("failures", "fixes", "notes"):
        grouped: dict[str, list[str]] = {}
        for report in reports:
            fmt = FORMATS.get(report.format)
            label = f"{fmt.width}×{fmt.height}" if fmt else report.format
            for message in getattr(report, kind):
                # "… at 728×90 …" notes name their format already
                grouped.setdefault(re.sub(r" at \d+×\d+", "", message), []).append(label)
        out[kind] = list(grouped.items())
    return out

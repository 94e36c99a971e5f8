"""How the variants of one product differ: angle, tone, layout and background style.

Both generator families read the same plan, so a variant's copy (text on the left) and
its background (product on the right) agree, and N variants never repeat one answer.
"""

from __future__ import annotations

from dataclasses import dataclass

ANGLES = ("benefit", "value", "quality", "lifestyle", "urgency", "gift")
TONES = ("confident", "friendly", "premium", "playful", "direct", "warm")
# text position, alignment; the product sits on the opposite side of the background
LAYOUTS = (
    ("left", "left"),
    ("right", "left"),
    ("bottom", "center"),
    ("top", "center"),
)  # "center" stays valid for edits, but a centred card would cover the product
BACKGROUND_STYLES = ("blur", "gradient", "spotlight", "duotone", "split")
CTA_BY_ANGLE = {
    "benefit": ("Shop now", "Discover more", "See how"),
    "value": ("Get the deal", "Buy now", "Save today"),
    "quality": ("Explore it", "See details", "Shop the range"),
    "lifestyle": ("Get yours", "Try it today", "Make it yours"),
    "urgency": ("Order today", "Grab it now", "Don't miss out"),
    "gift": ("Gift it", "Shop gifts", "Treat someone"),
}


@dataclass(frozen=True)
class VariantPlan:
    """The creative direction of one variant."""

    index: int
    angle: str
    tone: str
    text_position: str
    alignment: str
    background_style: str
    dark_panel: bool

    @property
    def product_side(self) -> str:
        """Where the product goes on the background: opposite the text."""
        return {"left": "right", "right": "left", "top": "bottom", "bottom": "top"}.get(
            self.text_position, "center"
        )

    def cta_options(self) -> tuple[str, ...]:
        """CTA phrasings for this angle, the variant's own first."""
        opts = CTA_BY_ANGLE[self.angle]
        k = (self.index // len(ANGLES)) % len(opts)
        return opts[k:] + opts[:k]


def plan_variant(index: int) -> VariantPlan:
    """The plan for variant ``index`` (0-based). Deterministic: a retry redoes the same look."""
    index = max(0, int(index))
    pos, align = LAYOUTS[index % len(LAYOUTS)]
    return VariantPlan(
        index=index,
        angle=ANGLES[index % len(ANGLES)],
        tone=TONES[(index * 5) % len(TONES)],  # stride 5 so angle/tone pairs vary
        text_position=pos,
        alignment=align,
        background_style=BACKGROUND_STYLES[index % len(BACKGROUND_STYLES)],
        dark_panel=index % 2 == 1,
    )

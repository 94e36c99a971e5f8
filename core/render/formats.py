"""Ad formats: every banner size a prefill is rendered in, with its safe zone and type scale.

``FORMATS`` holds the IAB display sizes and the social ones. The three original size names
(``square``, ``landscape``, ``story``) stay as aliases of their social formats, so the
API's ``size`` parameter, stored choices and file names keep working.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    """One ad format.

    ``safe`` is (top, right, bottom, left) in pixels that platform UI may cover (story
    overlays): text, logo and button stay out of it, the background fills it. ``scale``
    is the type unit (1 = sizes designed for 1080 px); ``floor`` the smallest headline
    size the quality gate accepts; ``min_product_share`` the visible product area the
    gate asks for, as a share of the banner.
    """

    name: str
    label: str
    width: int
    height: int
    kind: str  # "iab" | "social"
    safe: tuple[int, int, int, int] = (0, 0, 0, 0)
    scale: float | None = None
    floor: int = 12
    min_product_share: float = 0.12

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    @property
    def shape(self) -> str:
        """``strip`` (≥ 2.5:1), ``column`` (≤ 1:2.5) or ``block``: the layout family."""
        ratio = self.width / self.height
        return "strip" if ratio >= 2.5 else "column" if ratio <= 0.4 else "block"


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("iab_300x250", "Medium rectangle 300×250", 300, 250, "iab", floor=12),
    Format("iab_728x90", "Leaderboard 728×90", 728, 90, "iab", floor=11,
           min_product_share=0.05),
    Format("iab_160x600", "Wide skyscraper 160×600", 160, 600, "iab", scale=0.25, floor=12),
    Format("iab_300x600", "Half page 300×600", 300, 600, "iab", floor=12),
    Format("iab_320x50", "Mobile leaderboard 320×50", 320, 50, "iab", floor=10,
           min_product_share=0.05),
    Format("iab_970x250", "Billboard 970×250", 970, 250, "iab", floor=14,
           min_product_share=0.08),
    Format("social_1080x1080", "Square post 1080×1080", 1080, 1080, "social", floor=28),
    Format("social_1080x1350", "Portrait post 1080×1350", 1080, 1350, "social", floor=28),
    # Stories: the top ~14 % (profile, progress bar) and bottom ~20 % (reply box) are covered
    Format("social_1080x1920", "Story 1080×1920", 1080, 1920, "social",
           safe=(270, 0, 380, 0), floor=28),
    Format("social_1200x628", "Link / landscape 1200×628", 1200, 628, "social", floor=20),
)}

ALIASES: dict[str, str] = {
    "square": "social_1080x1080",
    "landscape": "social_1200x628",
    "story": "social_1080x1920",
}

# the original three names: what the API and the dashboard's size pickers have always offered
SIZES: dict[str, tuple[int, int]] = {alias: FORMATS[name].size for alias, name in ALIASES.items()}
ALL_SIZES: tuple[str, ...] = (*ALIASES, *FORMATS)


def format_for(size: str | tuple[int, int]) -> Format:
    """The format of a named size (a format name or an alias) or of an explicit (w, h)."""
    if isinstance(size, str):
        name = ALIASES.get(size, size)
        if name not in FORMATS:
            raise ValueError(f"unknown banner size {size!r}; use one of {', '.join(ALL_SIZES)}")
        return FORMATS[name]
    w, h = (int(v) for v in size)
    if not (200 <= w <= 4000 and 200 <= h <= 4000):
        raise ValueError("banner sizes must be between 200 and 4000 pixels per side")
    for f in FORMATS.values():  # a known size keeps its safe zone
        if f.size == (w, h):
            return f
    return Format(f"custom_{w}x{h}", f"{w}×{h}", w, h, "custom",
                  floor=max(10, round(min(w, h) / 1080 * 28)))


def resolve_size(size: str | tuple[int, int]) -> tuple[int, int]:
    """A named size (see ``ALL_SIZES``) or an explicit (width, height) within sane bounds."""
    return format_for(size).size

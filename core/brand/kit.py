"""The brand kit's fields, and how a kit changes a banner's prefill and a Gemini prompt."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticValidationError

from core.errors import ValidationError, plain_words
from core.palette import readable_on
from core.prefill import CTA_MAX, HEX_RE, LEGAL_MAX, VIBE_MAX, _check_url, check_font_ref, validate_prefill

KIT_COLORS = ("primary", "secondary", "text", "button")


class BrandKit(BaseModel):
    """One workspace's brand. Empty fields leave the generators' choices alone."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    logo_url: str | None = Field(default=None, description="/media/ URL of the logo PNG")
    colors: dict[str, str] = Field(default_factory=dict,
                                   description="primary, secondary, text, button as #RRGGBB")
    font: str = Field(default="", description="installed family or /media/ URL of a font file")
    font_name: str = Field(default="", max_length=80, description="shown in the kit page")
    cta_words: list[str] = Field(default_factory=list, max_length=12,
                                 description="call-to-action phrases the brand uses")
    tone_words: list[str] = Field(default_factory=list, max_length=8,
                                  description="how the brand sounds (e.g. warm, expert)")
    legal: str = Field(default="", max_length=LEGAL_MAX, description="small print on every banner")

    @field_validator("logo_url")
    @classmethod
    def _logo(cls, v: str | None) -> str | None:
        return _check_url(v)

    @field_validator("colors")
    @classmethod
    def _colors(cls, v: dict) -> dict:
        out = {}
        for key, value in (v or {}).items():
            if key not in KIT_COLORS:
                raise ValueError(f"{key} is not a brand colour ({', '.join(KIT_COLORS)})")
            if value:
                if not isinstance(value, str) or not HEX_RE.match(value):
                    raise ValueError(f"{key} must be a colour like #1A2B3C")
                out[key] = value.upper()
        return out

    @field_validator("font")
    @classmethod
    def _font(cls, v: str) -> str:
        return check_font_ref(v)

    @field_validator("cta_words", "tone_words")
    @classmethod
    def _words(cls, v: list[str]) -> list[str]:
        seen, out, long = set(), [], []
        for word in v or []:
            word = " ".join(str(word).split())
            if word and word.lower() not in seen:
                if len(word) > CTA_MAX:  # every one named, not the first only (a walk-through)
                    long.append(f"“{word if len(word) <= 30 else word[:29] + '…'}” ({len(word)})")
                seen.add(word.lower())
                out.append(word)
        if long:
            raise ValueError(f"{', '.join(long)} {'is' if len(long) == 1 else 'are'} longer than "
                             f"{CTA_MAX} characters")
        return out

    @property
    def empty(self) -> bool:
        return self == BrandKit()


def parse_kit(data: object) -> BrandKit:
    """A kit from JSON-ready data (raises ValidationError naming each bad field)."""
    try:
        return BrandKit.model_validate(data or {})
    except PydanticValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {plain_words(e)}" for e in exc.errors()]
        raise ValidationError("Invalid brand kit: " + "; ".join(problems), problems) from None


def brand_patch(prefill: dict, kit: BrandKit) -> dict:
    """The prefill fields the kit sets on a finished banner: colours, logo, font and legal
    line. Copy is left as written."""
    colors = dict(prefill.get("colors") or {})
    colors.update(kit.colors)
    if "button" in kit.colors:  # the generator matched button_text to its own button
        colors["button_text"] = readable_on(colors["button"])
    # a brand colour unreadable on this banner's background is fixed, and said so, by the
    # quality gate when the banner is drawn (core.render.quality)
    return {"colors": colors, "logo_url": kit.logo_url, "font": kit.font, "legal": kit.legal}


def apply_kit(prefill: dict, kit: BrandKit | None, variant_index: int = 0) -> dict:
    """A generated prefill in the brand: ``brand_patch`` plus the CTA from the kit's
    vocabulary (variant *i* takes phrase *i*, so variants still differ)."""
    if kit is None or kit.empty:
        return prefill
    out = {**prefill, **brand_patch(prefill, kit)}
    if kit.cta_words:
        out["cta_text"] = kit.cta_words[variant_index % len(kit.cta_words)][:CTA_MAX]
    if kit.tone_words:  # the brand's voice leads the banner's vibe (both generators)
        vibe = ", ".join(kit.tone_words)
        rest = (prefill.get("visual_vibe") or "").split(",", 1)[-1].strip() if prefill.get("visual_vibe") else ""
        out["visual_vibe"] = (f"{vibe} · {rest}" if rest else vibe)[:VIBE_MAX].rstrip(" ·")
    return validate_prefill(out)


def prompt_lines(kit: BrandKit | None) -> list[str]:
    """What a copywriting model is told about the brand (nothing for an empty kit)."""
    if kit is None or kit.empty:
        return []
    lines = []
    if kit.tone_words:
        lines.append(f"Brand voice: {', '.join(kit.tone_words)}. Write in that tone.")
    if kit.cta_words:
        lines.append("cta_text must be one of the brand's phrases: "
                     + "; ".join(f'"{w}"' for w in kit.cta_words) + ".")
    if kit.colors:
        lines.append("Brand colours (use them): "
                     + ", ".join(f"{k} {v}" for k, v in kit.colors.items()) + ".")
    return lines

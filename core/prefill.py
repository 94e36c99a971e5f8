"""The Prefill: one schema for a banner's copy, colours, widgets and layout.

Shared by the generators (they produce it), the services (validation, partial edits),
the dashboard (editing) and the renderers. Unknown keys are refused.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic import ValidationError as PydanticValidationError

from core.errors import ValidationError, plain_words

HEX_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
HEADLINE_MAX = 40
SUBTITLE_MAX = 90
CTA_MAX = 20
VIBE_MAX = 80
LEGAL_MAX = 160
FONT_FAMILIES = ("NotoSans", "NotoSansDisplay", "NotoSerif", "NotoSerifDisplay")


def check_font_ref(value: str | None) -> str:
    """A brand font: "" (the default Noto chain), an installed family name, or the
    ``/media/…`` URL of an uploaded font."""
    value = (value or "").strip()
    if not value or value in FONT_FAMILIES:
        return value
    if value.startswith("/media/") and ".." not in value and len(value) <= 512:
        return value
    raise ValueError(f"must be one of {', '.join(FONT_FAMILIES)} or a /media/ font URL")


def _check_url(value: str | None) -> str | None:
    """Only http(s) URLs, site-relative media paths or inline image data are allowed."""
    if value in (None, ""):
        return None
    value = value.strip()
    if value.startswith(("http://", "https://")) and len(value) <= 2048 and " " not in value:
        return value
    if value.startswith("/media/") and ".." not in value and len(value) <= 512:
        return value
    if re.match(r"^data:image/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/=]+$", value):
        return value
    raise ValueError("must be an http(s) URL, a /media/ path or a data:image URI")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Colors(_Strict):
    """Banner palette, each ``#RRGGBB``."""

    primary: str = "#1F2937"
    secondary: str = "#6B7280"
    background: str = "#FFFFFF"
    text: str = "#111827"
    button: str = "#2563EB"
    button_text: str = "#FFFFFF"

    @field_validator("*")
    @classmethod
    def _hex(cls, v: str) -> str:
        if not isinstance(v, str) or not HEX_RE.match(v):
            raise ValueError("must be a colour like #1A2B3C")
        return v.upper()


def _is_currency(code: str) -> bool:
    """A currency Babel (CLDR) knows: the codes the extractor reads (XXX, "no currency",
    is drawn as "¤")."""
    from babel.numbers import list_currencies

    return code in list_currencies()


class PriceBadge(_Strict):
    type: Literal["price_badge"] = "price_badge"
    price: str = Field(description="decimal string, e.g. 129.00")
    currency: str = Field(default="", max_length=3)
    compare_at: str | None = Field(default=None, description="struck list price")
    locale: str = Field(default="", max_length=35,
                        description='the shop\'s locale, BCP 47 ("de-DE" prints 24,99 €)')

    @field_validator("locale")
    @classmethod
    def _locale(cls, v: str) -> str:
        if v and not re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", v):
            raise ValueError('must be a language tag like de-DE')
        return v

    @field_validator("price", "compare_at")
    @classmethod
    def _decimal(cls, v: str | None) -> str | None:
        if v is None:
            return None
        try:
            d = Decimal(str(v))
        except InvalidOperation:
            raise ValueError("must be a decimal number like 129.00") from None
        if d < 0 or not d.is_finite():
            raise ValueError("must be a positive number")
        if d.adjusted() >= 12:  # "1E+26" overflowed the rounding below (a 500, a crashed form)
            raise ValueError("must be less than 1,000,000,000,000")
        if d.as_tuple().exponent < -4:  # "1E-999999" would be written out in a million digits
            d = d.quantize(Decimal("0.0001"))
        return str(d)  # written with the currency's minor units below, once it is known

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str) -> str:
        if v and not re.match(r"^[A-Za-z]{3}$", v):
            raise ValueError("must be a 3-letter ISO 4217 code like EUR")
        if v and not _is_currency(v.upper()):  # a walk-through: "QQQ" drew "QQQ9.99"
            raise ValueError(f"{v.upper()} is not an ISO 4217 currency code (like EUR, USD, CLP)")
        return v.upper()

    @model_validator(mode="after")
    def _minor_units(self) -> "PriceBadge":
        """Write amounts with the currency's own minor units: CLP "24990", not "24990.00"
        (what the edit form and the API showed); KWD "1.250". A fraction the currency does
        not have is kept rather than rounded away."""
        from core.extract.prices import minor_units  # the one ISO 4217 minor-units lookup

        digits = minor_units(self.currency)
        for name in ("price", "compare_at"):
            value = getattr(self, name)
            if value is not None:
                amount = Decimal(value)
                if amount != round(amount, digits):  # 24.999 EUR: said as written
                    digits_here = max(digits, -amount.normalize().as_tuple().exponent)
                else:
                    digits_here = digits
                object.__setattr__(self, name, f"{amount:.{digits_here}f}")
        return self


class Discount(_Strict):
    type: Literal["discount"] = "discount"
    percent: int = Field(ge=1, le=99)


class Rating(_Strict):
    type: Literal["rating"] = "rating"
    value: float = Field(ge=0, le=5)
    count: int | None = Field(default=None, ge=0)


class FreeShipping(_Strict):
    type: Literal["free_shipping"] = "free_shipping"
    label: str = Field(default="Free shipping", max_length=30)


class Countdown(_Strict):
    type: Literal["countdown"] = "countdown"
    ends_at: dt.datetime
    label: str = Field(default="Ends in", max_length=30)


class Badge(_Strict):
    type: Literal["badge"] = "badge"
    text: str = Field(min_length=1, max_length=24)


Widget = Annotated[
    Union[PriceBadge, Discount, Rating, FreeShipping, Countdown, Badge],
    Field(discriminator="type"),
]


class ProductFidelity(_Strict):
    """How faithfully a generated background kept the product (core.generators.fidelity)."""

    score: float = Field(ge=0, le=1, description="similarity of the product region, 1 = same")
    threshold: float = Field(ge=0, le=1)
    method: str = Field(max_length=60, description="ssim+colour, or clip when CLIP is loaded")
    attempts: int = Field(ge=1, le=10, description="backgrounds generated to reach this one")
    passed: bool
    note: str = Field(default="", max_length=300, description="why the preview is flagged")


class Layout(_Strict):
    text_position: Literal["left", "right", "center", "top", "bottom"] = "left"
    alignment: Literal["left", "center", "right"] = "left"
    direction: Literal["ltr", "rtl"] = "ltr"
    # "text_only": no photo at all — the copy centred on a backdrop drawn from the colours
    # (the way out for a product whose images cannot be downloaded)
    style: Literal["photo", "text_only"] = "photo"


class Prefill(_Strict):
    """Everything a banner needs besides its size."""

    headline: str = Field(min_length=1, max_length=HEADLINE_MAX)
    subtitle: str = Field(default="", max_length=SUBTITLE_MAX)
    cta_text: str = Field(min_length=1, max_length=CTA_MAX)
    colors: Colors = Field(default_factory=Colors)
    widgets: list[Widget] = Field(default_factory=list, max_length=6)
    visual_vibe: str = Field(default="", max_length=VIBE_MAX)
    layout: Layout = Field(default_factory=Layout)
    brand: str = Field(default="", max_length=40)
    original_background_url: str | None = None
    generated_background_url: str | None = None
    product_image_url: str | None = None
    cta_url: str | None = None
    # set for generated (image-to-image) backgrounds: a flag when the product was changed
    product_fidelity: ProductFidelity | None = None
    # from the workspace's brand kit (core/brand): drawn by both renderers
    logo_url: str | None = None
    font: str = Field(default="", max_length=512, description="brand font: an installed family "
                      "(NotoSerif, …) or the /media/ URL of an uploaded TTF/OTF")
    legal: str = Field(default="", max_length=LEGAL_MAX)

    _urls = field_validator(
        "original_background_url", "generated_background_url", "product_image_url", "cta_url",
        "logo_url",
    )(classmethod(lambda cls, v: _check_url(v)))

    @field_validator("font")
    @classmethod
    def _font(cls, v: str) -> str:
        return check_font_ref(v)


PREFILL_KEYS = frozenset(Prefill.model_fields)
_NESTED = {"colors", "layout"}


def _describe(exc: PydanticValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "prefill"
        msg = plain_words(err)
        if err["type"] == "extra_forbidden":
            msg = "is not a prefill field"
        out.append(f"{where}: {msg}")
    return out


def validate_prefill(data: Any) -> dict:
    """Validate a whole prefill; return it normalised as JSON-ready data."""
    if not isinstance(data, dict):
        raise ValidationError("The prefill must be a JSON object")
    try:
        model = Prefill.model_validate(data)
    except PydanticValidationError as exc:
        problems = _describe(exc)
        raise ValidationError("Invalid prefill: " + "; ".join(problems), problems) from None
    return model.model_dump(mode="json")


def merge_prefill(current: dict | None, patch: Any) -> dict:
    """Apply a partial edit: only the given keys change; ``colors``/``layout`` merge per key."""
    if not isinstance(patch, dict) or not patch:
        raise ValidationError("The edit must be a non-empty JSON object of prefill fields")
    unknown = sorted(set(patch) - PREFILL_KEYS)
    merged = dict(current or {})
    for key, value in patch.items():
        if key in unknown:
            continue
        if key in _NESTED and isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    problems = [f"{k}: is not a prefill field" for k in unknown]
    try:
        valid = validate_prefill(merged)
    except ValidationError as exc:  # every problem at once: the known fields' too, beside an unknown one
        problems += list(exc.problems)
    if len(problems) > len(unknown):
        raise ValidationError("Invalid prefill: " + "; ".join(problems), problems)
    if unknown:
        raise ValidationError(
            f"Unknown prefill field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}", problems)
    return valid

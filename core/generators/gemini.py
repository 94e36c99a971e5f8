"""Gemini generators (google-genai): structured-JSON copy and image-to-image backgrounds.

One client per process and configuration (``genai_client``). Every SDK failure goes
through ``classify_genai_error``; a reply that is not usable JSON gets exactly one repair
request before it becomes a permanent error.
"""

from __future__ import annotations

import io
import json
import threading
from decimal import Decimal
from typing import Literal

from google import genai
from google.genai import types
from PIL import Image
from pydantic import BaseModel, Field
from pydantic import ValidationError as PydanticValidationError

from core.errors import GenerationError, ValidationError
from core.generators.brief import ProductBrief, clean_text, format_price, is_rtl, rating_worth_showing
from core.generators.gemini_errors import SAFETY_REASONS, classify_genai_error, safety_error
from core.generators.variants import plan_variant
from core.images import ImageTooLarge, decode_image
from core.locale import language_name
from core.palette import AA_NORMAL, ensure_contrast
from core.generators.price_once import price_once
from core.prefill import CTA_MAX, HEADLINE_MAX, SUBTITLE_MAX, VIBE_MAX, validate_prefill

_clients: dict[tuple, genai.Client] = {}
_clients_lock = threading.Lock()


def genai_client(settings) -> genai.Client:
    """The process-wide client for these settings (built once; the key is never logged)."""
    key = (str(settings.gemini_api_key), settings.gemini_base_url,
           settings.generation_timeout_seconds)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            options = types.HttpOptions(
                api_version="v1beta",  # pinned: newer SDKs default to v1, which lacks some models
                base_url=settings.gemini_base_url or None,
                timeout=int(settings.generation_timeout_seconds * 1000),  # milliseconds
            )
            client = _clients[key] = genai.Client(
                api_key=str(settings.gemini_api_key), http_options=options
            )
        return client


class GeminiWidget(BaseModel):
    """A flat widget the model can fill; converted to the Prefill's typed widgets."""

    type: Literal["price_badge", "discount", "rating", "free_shipping", "badge"]
    price: str | None = Field(default=None, description="price_badge: decimal like 129.00")
    currency: str | None = Field(default=None, description="price_badge: ISO code like EUR")
    percent: int | None = Field(default=None, description="discount: 1-99")
    value: float | None = Field(default=None, description="rating: 0-5")
    label: str | None = Field(default=None, description="free_shipping: short label")
    text: str | None = Field(default=None, description="badge: up to 24 characters")


class GeminiColors(BaseModel):
    """Banner colours as #RRGGBB."""

    primary: str
    secondary: str
    background: str
    text: str
    button: str
    button_text: str


class GeminiCopy(BaseModel):
    """The response schema: the Prefill's copy fields, in a shape Gemini's JSON mode accepts."""

    headline: str = Field(description=f"at most {HEADLINE_MAX} characters")
    subtitle: str = Field(description=f"one benefit-led line, at most {SUBTITLE_MAX} characters")
    cta_text: str = Field(description=f"button label, at most {CTA_MAX} characters")
    colors: GeminiColors
    widgets: list[GeminiWidget]
    visual_vibe: str = Field(description=f"mood in a few words, at most {VIBE_MAX} characters")


_WIDGET_FIELDS = {
    "price_badge": ("price", "currency"), "discount": ("percent",), "rating": ("value",),
    "free_shipping": ("label",), "badge": ("text",),
}


def _image_part(data: bytes, max_side: int) -> types.Part:
    """The photo re-encoded as a JPEG no larger than ``max_side`` (fewer tokens, faster upload);
    an image over the pixel budget is refused from its header (core/images.py)."""
    try:
        img = decode_image(data, fit=(max_side, max_side))
    except ImageTooLarge as exc:  # "image is 13000 × 13000 px, over the 40 MP limit"
        raise GenerationError(f"The product {exc.reason}; choose another image") from exc
    except Exception as exc:  # noqa: BLE001
        raise GenerationError("The product image could not be read; choose another image") from exc
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return types.Part.from_bytes(data=out.getvalue(), mime_type="image/jpeg")


def _first_candidate(resp: types.GenerateContentResponse, what: str):
    """The reply's first candidate; a blocked prompt or candidate raises a safety error."""
    feedback = getattr(resp, "prompt_feedback", None)
    if feedback is not None and feedback.block_reason:
        raise safety_error(str(getattr(feedback.block_reason, "value", feedback.block_reason)), what)
    if not resp.candidates:
        raise GenerationError(f"Gemini returned no {what}; the preview will retry.", transient=True)
    cand = resp.candidates[0]
    reason = str(getattr(cand.finish_reason, "value", cand.finish_reason) or "")
    if reason in SAFETY_REASONS:
        raise safety_error(reason, what)
    return cand


def _language_line(brief: ProductBrief) -> str:
    """The language to write in: the shop page's, named explicitly when it is known."""
    name = language_name(brief.language)
    if not name:
        return "Write in the language of the product title."
    return (f"Write the headline, subtitle, cta_text and any widget label in {name} "
            f"(the shop's page is in {brief.language}), whatever language the title is in; "
            "write a price the way the shop prints it, as given above.")


def _copy_prompt(brief: ProductBrief, variant_index: int, batch_size: int,
                 other_headlines: list[str]) -> str:
    plan = plan_variant(variant_index)
    others = "; ".join(f'"{h}"' for h in other_headlines if h) or "none yet"
    return "\n".join([
        "Write the copy for one call-to-action banner advertising this product.",
        f"Product title: {clean_text(brief.title)[:300]}",
        f"Brand: {clean_text(brief.brand)[:80] or 'unknown'}",
        f"Price: {format_price(brief.price, brief.currency, brief.language) or 'unknown'}",
        *([f"List price (struck through on the shop): "
           f"{format_price(brief.list_price, brief.currency, brief.language)}"]
          if brief.list_price else []),
        *([f"Rating: {brief.rating} of 5" + (f" from {brief.rating_count} ratings" if brief.rating_count else "")]
          if brief.rating is not None and rating_worth_showing(brief.rating) else []),
        f"Description: {clean_text(brief.description)[:1500] or 'none'}",
        f"This is variant {variant_index + 1} of {batch_size}. Angle: {plan.angle}. "
        f"Tone: {plan.tone}. The text sits on the {plan.text_position} of the banner.",
        f"Headlines already used by the other variants (yours must differ clearly): {others}.",
        f"Limits: headline ≤ {HEADLINE_MAX} characters, subtitle ≤ {SUBTITLE_MAX}, "
        f"cta_text ≤ {CTA_MAX}, visual_vibe ≤ {VIBE_MAX}.",
        _language_line(brief),
        "Only use facts from the product data: "
        "add a price_badge only if a price is given, no invented discounts or ratings. "
        "State the price once: either in the headline/subtitle or in a price_badge, not both.",
        "Colours: #RRGGBB taken from the photo; text on background and button_text on button "
        "must have a WCAG contrast of at least 4.5:1.",
        *([f"The editor reviewed an earlier version and asks (follow it within the limits and "
           f"the facts above): {clean_text(brief.instruction)[:500]}"] if brief.instruction else []),
        *_brand_lines(brief),
        "Answer with JSON only.",
    ])


def _brand_lines(brief: ProductBrief) -> list[str]:
    """The workspace's brand kit (voice, CTA phrases, colours) as prompt lines."""
    from core.brand import prompt_lines

    return prompt_lines(brief.brand_kit)


def _same_amount(text, amount) -> bool:
    try:
        return Decimal(str(text)) == amount
    except (ArithmeticError, ValueError, TypeError):
        return False


def copy_to_prefill(data: dict, brief: ProductBrief, variant_index: int) -> dict:
    """Turn the model's JSON into a validated prefill (layout from the variant plan)."""
    if not isinstance(data, dict):
        raise ValidationError("the reply is not a JSON object")
    try:
        copy = GeminiCopy.model_validate(data)
    except PydanticValidationError as exc:
        raise ValidationError(f"the reply does not match the schema: {exc.errors()[:3]}") from None
    widgets = []
    for w in copy.widgets:
        fields = {k: getattr(w, k) for k in _WIDGET_FIELDS[w.type] if getattr(w, k) is not None}
        if w.type == "rating" and not rating_worth_showing(fields.get("value")):
            continue  # no low (or NaN, or missing) rating on an ad, whatever the model wrote
        if w.type == "price_badge" and brief.list_price and brief.price is not None \
                and brief.list_price > brief.price and _same_amount(fields.get("price"), brief.price):
            fields["compare_at"] = str(brief.list_price)  # the shop's struck price, not the model's
        if w.type == "price_badge" and brief.language:
            fields["locale"] = brief.language  # printed as the shop prints prices
        widgets.append({"type": w.type, **fields})
    plan = plan_variant(variant_index)
    rtl = is_rtl(copy.headline)
    colors = copy.colors.model_dump()
    prefill = validate_prefill(price_once({  # the price once: copy or badge
        "headline": copy.headline, "subtitle": copy.subtitle, "cta_text": copy.cta_text,
        "colors": colors, "widgets": widgets, "visual_vibe": copy.visual_vibe,
        # the background model is asked to keep this side free: the copy must agree with it
        "layout": {"text_position": plan.text_position,
                   "alignment": "right" if rtl and plan.alignment == "left" else plan.alignment,
                   "direction": "rtl" if rtl else "ltr"},
        "brand": clean_text(brief.brand)[:40],
        "cta_url": brief.url if brief.url.startswith(("http://", "https://")) else None,
    }))
    c = prefill["colors"]
    # models often miss the contrast rule by a little: nudge rather than reject
    c["text"] = ensure_contrast(c["text"], c["background"], AA_NORMAL)
    c["secondary"] = ensure_contrast(c["secondary"], c["background"], AA_NORMAL)
    c["button_text"] = ensure_contrast(c["button_text"], c["button"], AA_NORMAL)
    return prefill


class GeminiCopyWriter:
    """Copy from ``generate_content`` with JSON output against the prefill schema."""

    name = "gemini"

    def __init__(self, settings) -> None:
        self.settings = settings
        self.model = settings.gemini_text_model

    def _call(self, contents: list) -> types.GenerateContentResponse:
        config = types.GenerateContentConfig(
            response_mime_type="application/json", response_schema=GeminiCopy, temperature=0.9,
        )
        from core.usage import provider_call

        try:
            with provider_call("gemini", self.model, "copy") as used:
                resp = genai_client(self.settings).models.generate_content(
                    model=self.model, contents=contents, config=config
                )
                used.reply(resp)
                return resp
        except Exception as exc:  # noqa: BLE001 - classified in one place
            raise classify_genai_error(exc, model=self.model,
                                       secret=str(self.settings.gemini_api_key)) from exc

    def write_prefill(self, brief: ProductBrief, source_image: bytes, *, variant_index: int,
                      batch_size: int, other_headlines: list[str]) -> dict:
        """A validated prefill for one variant, without background URLs."""
        prompt = _copy_prompt(brief, variant_index, batch_size, other_headlines)
        contents: list = [_image_part(source_image, 768), prompt]
        text = ""
        for attempt in range(2):  # the first answer, then one repair request
            resp = self._call(contents)
            cand = _first_candidate(resp, "copy")
            text = "".join(p.text or "" for p in (cand.content.parts if cand.content else []) or [])
            try:
                return copy_to_prefill(json.loads(text), brief, variant_index)
            except (json.JSONDecodeError, ValidationError) as exc:
                problem = str(getattr(exc, "message", exc))[:500]
            if attempt == 0:
                contents = contents + [
                    types.Content(role="model", parts=[types.Part.from_text(text=text[:4000])]),
                    f"That answer cannot be used: {problem}. Reply again with corrected JSON "
                    "only, following the schema and the character limits.",
                ]
        raise GenerationError(
            f"Gemini's copy could not be used even after a repair request ({problem}). "
            "Retry the preview or write the copy by hand in the editor.",
            transient=False,
        )


class GeminiBackgroundMaker:
    """Image-to-image backgrounds from a Gemini image model, the product kept intact."""

    name = "gemini"
    generative = True  # the model redraws the photo: core.generators.fidelity checks the product

    def __init__(self, settings) -> None:
        self.settings = settings
        self.model = settings.gemini_image_model

    def make_background(self, source_image: bytes, *, variant_index: int,
                        brief: ProductBrief) -> bytes:
        """PNG/JPEG bytes of a new square background around the unchanged product."""
        plan = plan_variant(variant_index)
        prompt = (
            f"Create a square 1:1 advertising background from this product photo of "
            f"'{clean_text(brief.title)[:120]}'. Keep the product itself exactly as it is "
            "(shape, colours, logos and text unchanged), sharp and fully visible, placed on the "
            f"{plan.product_side} side. Replace the surroundings with a {plan.tone}, "
            f"{plan.background_style}-style backdrop that suits a {plan.angle}-led campaign. "
            f"Leave the {plan.text_position} side calm and uncluttered for text. "
            "Add no text, logos or watermarks."
            + (f" The editor asks: {clean_text(brief.instruction)[:500]}" if brief.instruction else "")
        )
        config = types.GenerateContentConfig(response_modalities=["TEXT", "IMAGE"])
        from core.usage import provider_call

        contents = [_image_part(source_image, 1536), prompt]
        try:
            with provider_call("gemini", self.model, "background") as used:
                resp = genai_client(self.settings).models.generate_content(
                    model=self.model, contents=contents, config=config
                )
                used.reply(resp)
        except Exception as exc:  # noqa: BLE001 - classified in one place
            raise classify_genai_error(exc, model=self.model,
                                       secret=str(self.settings.gemini_api_key)) from exc
        cand = _first_candidate(resp, "background image")
        for part in (cand.content.parts if cand.content else None) or []:
            if part.inline_data is not None and part.inline_data.data:
                data = part.inline_data.data
                try:
                    Image.open(io.BytesIO(data)).verify()
                except Exception as exc:  # noqa: BLE001
                    raise GenerationError(
                        "Gemini returned an image that cannot be decoded; retry the preview.",
                        transient=False,
                    ) from exc
                return data
        # image models sometimes answer with text only; a new attempt usually draws
        raise GenerationError(
            f"Gemini ({self.model}) answered without an image; the preview will retry.",
            transient=True,
        )

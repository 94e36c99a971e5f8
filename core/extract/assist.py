"""A Gemini structured-output pass for the fields the page reading left missing or in conflict.

Runs only with a ``GEMINI_API_KEY`` (and ``EXTRACTION_ASSIST`` not switched off), only when a
field a banner needs is missing (title, price, currency, brand) or the sources disagree on the
price. Gemini is given the text of the product's own region of the page (the block around the
product's heading, at most ``REGION_CHARS`` characters, never the whole page), the shop's
domain and the question; its answer is JSON against :class:`GeminiReading`.

Nothing Gemini says is taken on trust: a price must be printed in the region it was given,
a brand or title must appear there, a currency must be an ISO 4217 code. What passes is
recorded as its own source (``gemini``) in ``sources`` and ``provenance``. A price conflict
stays flagged for a person to check, with Gemini's reading ("JSON-LD 150.00, page shows
120.00; Gemini reads 120.00"); Gemini moves the price only towards the one the page visibly
shows, never to a figure only the markup states.

A failing pass (no answer, refusal, quota, bad JSON) never fails the scrape: the page-only
reading is kept and the failure logged. Offline mode never calls it.

Each call is one start of the global generation rate limit, like a background or a prefill:
the scrape waits in the limit's line at most ``SLOT_WAIT_SECONDS``; when the slot would come
later, the page-only reading stands (logged ``extract.assist_skipped``; a price conflict stays
flagged for a person).
"""

from __future__ import annotations

import json
import logging
import re
from decimal import Decimal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from core.extract.base import HTML
from core.extract.prices import normalize_currency, parse_amount
from core.extract.text import clean_text, strip_unsafe, tokens

log = logging.getLogger(__name__)

GEMINI = "gemini"
REGION_CHARS = 4000
SLOT_WAIT_SECONDS = 20.0  # longest a scrape waits for a start of the generation limit
_DROP = ("script", "style", "noscript", "template", "svg", "nav", "footer", "header", "iframe",
         "select", "option")
_NEEDED = ("title", "price", "currency", "brand")


class GeminiReading(BaseModel):
    """What Gemini reads in the product region (every field null when the text does not say)."""

    title: str | None = Field(default=None, description="the product's name as the page shows it, "
                                                        "without the shop's name")
    price: str | None = Field(default=None, description="the price a shopper pays now, as printed "
                                                        "in the text (sale price, not the struck-through one)")
    list_price: str | None = Field(default=None, description="the struck-through / was / RRP price "
                                                             "as printed, if one is shown")
    currency: str | None = Field(default=None, description="ISO 4217 code of the price, e.g. EUR")
    brand: str | None = Field(default=None, description="the product's brand or manufacturer as "
                                                        "printed, null if the text names none")


def needed_fields(product) -> list[str]:
    """The fields worth asking about: missing ones, and the price when sources disagree."""
    need = [name for name in _NEEDED if not getattr(product, name)]
    if product.price_conflict and "price" not in need:
        need.append("price")
    if "price" in need and "currency" not in need and product.currency is None:
        need.append("currency")
    return need


def _text(el) -> str:
    return re.sub(r"\s+", " ", el.text_content() or "").strip()


def product_region(doc, title: str | None) -> str:
    """The text of the product's own block: the product heading's smallest ancestor holding
    a price-like figure and a few hundred characters, at most ``REGION_CHARS`` long.

    ``doc`` is modified (scripts, styles, navigation, headers and footers dropped): pass a
    tree parsed for this purpose.
    """
    for bad in doc.xpath("//" + " | //".join(_DROP)):
        if bad.getparent() is not None:
            bad.drop_tree()
    # the text loses the strike-through a shopper sees: say it in words
    for el in doc.xpath("//del | //s | //strike | //*[contains(translate(@style, ' ', ''), "
                        "'line-through')]"):
        text = _text(el)
        if text and el.getparent() is not None:
            tail = el.tail
            el.clear()
            el.text, el.tail = f" (struck through: {text}) ", tail
    body = doc.find(".//body")
    root = body if body is not None else doc
    want = tokens(title or "")
    anchor, best = None, 0.0
    for el in root.xpath(".//h1 | .//h2 | .//*[@itemprop='name']")[:40]:
        words = tokens(_text(el))
        if not words:
            continue
        score = len(words & want) / max(len(want), 1) if want else (1.0 if el.tag == "h1" else 0.0)
        if el.tag == "h1":
            score += 0.1
        if score > best:
            anchor, best = el, score
    if anchor is None:
        return _text(root)[:REGION_CHARS]
    anchor_text = _text(anchor)
    node, text = anchor, anchor_text
    while node.getparent() is not None and node is not root:
        if len(text) >= 600 and re.search(r"\d", text.replace(anchor_text, "")):
            break
        parent = node.getparent()
        parent_text = _text(parent)  # each ancestor's text read once
        if len(parent_text) > REGION_CHARS * 3 and len(text) >= 200:
            break
        node, text = parent, parent_text
    return text[:REGION_CHARS]


def _prompt(region: str, url: str, need: list[str], product) -> str:
    host = urlsplit(url).hostname or ""
    lines = [
        "You read one product page of an online shop. Below is the text of the product's own "
        "part of the page (not the whole page).",
        f"Shop domain: {host}",
        f"Fields wanted: {', '.join(need)}. Answer null for anything the text does not state; "
        "never guess. Copy prices exactly as printed.",
    ]
    if product.price_conflict:
        lines.append("The page's markup and its visible text disagree on the price "
                     f"({product.price_conflict}); report the price a shopper pays now.")
    lines += ["", "Product text:", '"""', region, '"""']
    return "\n".join(lines)


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _printed(amount: Decimal, region: str) -> bool:
    """True when ``amount`` is printed in ``region`` in some notation ("1.234,56", "229.990",
    "120", "120.00", "NT$2,320")."""
    forms = {_digits(f"{amount:.2f}")}
    if amount == amount.to_integral_value():
        forms.add(str(int(amount)))
    numbers = re.findall(r"\d[\d.,'\s\u00a0\u202f]*\d|\d", region)
    return any(_digits(n) in forms for n in numbers)


def _appears(value: str, region: str) -> bool:
    return bool(value) and re.sub(r"\s+", " ", value).casefold() in region.casefold()


def validate(reading: GeminiReading, region: str, *, country: str | None = None) -> dict:
    """The fields of ``reading`` the region text backs up: ``{"price": Decimal, …}``."""
    out: dict = {}
    currency = normalize_currency(reading.currency, country=country) if reading.currency else None
    if currency:
        out["currency"] = currency
    for name in ("price", "list_price"):
        raw = getattr(reading, name)
        if not raw:
            continue
        amount = parse_amount(str(raw), structured=True, currency=currency)
        if amount is None:
            amount = parse_amount(str(raw), currency=currency)
        if amount is not None and _printed(amount, region):
            out[name] = amount
    if "list_price" in out and ("price" not in out or out["list_price"] <= out["price"]):
        out.pop("list_price")
    for name, limit in (("title", 250), ("brand", 80)):
        value = clean_text(getattr(reading, name))
        if value and len(value) <= limit and _appears(value, region):
            out[name] = strip_unsafe(value)
    return out


def apply(product, found: dict, need: list[str]):
    """Fill the ``need``-ed fields of ``product`` from ``found`` (validated), recording
    ``gemini`` as their source; a price conflict stays flagged, with Gemini's reading."""
    for name, value in found.items():
        shown = f"{value:.2f}" if isinstance(value, Decimal) else str(value)
        product.provenance.setdefault(name, {})[GEMINI] = shown
    if "price" in need and "price" in found:
        price = found["price"]
        if product.price_conflict:
            # Gemini only moves the price towards the one the page visibly shows (never to a
            # markup-only figure); either way the flag stays for a person, with its reading.
            shown = {Decimal(v.strip()) for v in product.provenance.get("price", {}).get(HTML, "").split(",")
                     if _is_number(v)}
            note = f"; Gemini reads {price:.2f}"
            if price in shown and price != product.price:
                product.price = price
                product.sources["price"] = GEMINI
                if product.list_price is not None and product.list_price <= price:
                    product.list_price = None
                    product.sources.pop("list_price", None)
                if found.get("list_price"):
                    product.list_price = found["list_price"]
                    product.sources["list_price"] = GEMINI
            elif price != product.price:
                note += f", {product.price:.2f} kept" if product.price is not None else ""
            product.price_conflict = product.price_conflict + note
        elif product.price is None:
            product.price = price
            product.sources["price"] = GEMINI
            if found.get("list_price"):
                product.list_price = found["list_price"]
                product.sources["list_price"] = GEMINI
    if "currency" in need and found.get("currency") and product.price is not None and not product.currency:
        product.currency = found["currency"]
        product.sources["currency"] = GEMINI
    for name in ("title", "brand"):
        if name in need and found.get(name) and not getattr(product, name):
            setattr(product, name, found[name])
            product.sources[name] = GEMINI
    return product


def _is_number(text: str) -> bool:
    try:
        Decimal(text.strip())
    except (ArithmeticError, ValueError):
        return False
    return True


def ask_gemini(prompt: str, settings) -> GeminiReading:
    """One ``generate_content`` call with JSON output against :class:`GeminiReading`."""
    from google.genai import types

    from core.generators.gemini import _first_candidate, genai_client
    from core.generators.gemini_errors import classify_genai_error
    from core.usage import provider_call

    model = settings.gemini_text_model
    config = types.GenerateContentConfig(response_mime_type="application/json",
                                         response_schema=GeminiReading, temperature=0.0)
    try:
        with provider_call("gemini", model, "extract") as used:
            resp = genai_client(settings).models.generate_content(model=model, contents=[prompt],
                                                                  config=config)
            used.reply(resp)
    except Exception as exc:  # noqa: BLE001 - classified in one place
        raise classify_genai_error(exc, model=model, secret=str(settings.gemini_api_key)) from exc
    cand = _first_candidate(resp, "product reading")
    text = "".join(p.text or "" for p in (cand.content.parts if cand.content else []) or [])
    return GeminiReading.model_validate(json.loads(text))


def enabled(settings) -> bool:
    return bool(settings.use_gemini and settings.extraction_assist)


def assist(product, html_text: str, settings=None):
    """``product`` with its missing / conflicting fields read by Gemini where the page's own
    text backs the answer up; unchanged when nothing is needed, the pass is off, or it fails."""
    from core.extract import parse_html
    from core.extract.prices import country_hint
    from core.settings import get_settings

    settings = settings or get_settings()
    if not enabled(settings):
        return product
    need = needed_fields(product)
    if not need:
        return product
    region = product_region(parse_html(html_text), product.title)
    if not region:
        return product
    from core.ratelimit import take_slot

    if not take_slot(SLOT_WAIT_SECONDS):
        log.info("extract.assist_skipped", extra={"url": product.url, "fields": need,
                                                  "reason": "generation rate limit busy"})
        return product
    try:
        reading = ask_gemini(_prompt(region, product.url, need, product), settings)
    except Exception as exc:  # noqa: BLE001 - the page-only reading stands
        log.warning("extract.assist_failed", extra={"url": product.url, "fields": need,
                                                    "error_class": exc.__class__.__name__})
        return product
    found = validate(reading, region, country=country_hint(product.url))
    apply(product, found, need)
    log.info("extract.assisted", extra={"url": product.url, "asked": need, "accepted": sorted(found)})
    return product


"""OpenGraph (``og:*`` via extruct, ``product:*``/``og:price:*``) and Twitter card tags."""

from __future__ import annotations

from extruct.opengraph import OpenGraphExtractor

from core.extract.base import OPENGRAPH, TWITTER, Found, PageContext, PriceCandidate
from core.extract.images import absolute_url
from core.extract.prices import currency_in_text, in_rials, normalize_currency, parse_amount
from core.extract.text import clean_text, html_to_text, is_placeholder

# Sale price first: where a page states both, the sale price is what a shopper pays.
_PRICE_KEYS = ("product:sale_price:amount", "og:sale_price:amount", "product:price:amount",
               "og:price:amount", "product:price", "og:price")
_CURRENCY_KEYS = {"product:sale_price:amount": "product:sale_price:currency",
                  "og:sale_price:amount": "og:sale_price:currency",
                  "product:original_price:amount": "product:original_price:currency"}
_LIST_KEYS = ("product:original_price:amount", "og:original_price:amount",
              "og:price:standard_amount", "product:price:standard_amount")


def meta_tags(doc) -> list[tuple[str, str]]:
    """Every ``<meta property|name|itemprop=… content=…>`` as (lower-case key, content). A page
    re-serialised by cheerio-based savers may carry ``value=`` instead of ``content=``."""
    out = []
    for el in doc.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop")
        content = el.get("content", el.get("value"))
        if key and content is not None:
            out.append((key.strip().lower(), content))
    return out


def _first(pairs: list[tuple[str, str]], *keys: str) -> str | None:
    for key in keys:
        for k, v in pairs:
            if k == key and clean_text(v):
                return v
    return None


def _prices(pairs, ctx: PageContext) -> list[PriceCandidate]:
    out = []
    for key in _PRICE_KEYS + _LIST_KEYS:
        raw = _first(pairs, key)
        if raw is None:
            continue
        cur_key = _CURRENCY_KEYS.get(key, key.rsplit(":", 1)[0] + ":currency")
        raw_cur = _first(pairs, cur_key, "product:price:currency", "og:price:currency")
        currency = normalize_currency(raw_cur, country=ctx.country) or currency_in_text(raw, country=ctx.country)
        amount = parse_amount(raw, structured=True, currency=currency)
        if amount is None:
            continue
        out.append(PriceCandidate(in_rials(amount, raw_cur), currency, key,
                                  role="list" if key in _LIST_KEYS else "current"))
    return out


def extract(doc, ctx: PageContext, metas: list[tuple[str, str]]) -> Found | None:
    """OpenGraph fields (``og:*`` read by extruct; ``product:*`` from the same meta tags)."""
    pairs: list[tuple[str, str]] = []
    for item in OpenGraphExtractor().extract_items(doc):
        pairs.extend((k.lower(), v) for k, v in item.get("properties", []))
    # product:* and og:* written outside <head> or without a prefix declaration
    pairs.extend((k, v) for k, v in metas if k.startswith(("product:", "og:")) and (k, v) not in pairs)
    if not pairs:
        return None
    found = Found(OPENGRAPH)
    title = clean_text(_first(pairs, "og:title"))
    found.title = None if is_placeholder(title) else title
    found.description = html_to_text(_first(pairs, "og:description"))
    brand = clean_text(_first(pairs, "product:brand", "og:brand"))
    found.brand = None if is_placeholder(brand) else brand
    found.prices = _prices(pairs, ctx)
    found.currency = normalize_currency(_first(pairs, "product:price:currency", "og:price:currency"),
                                        country=ctx.country)
    for key in ("og:image:secure_url", "og:image", "og:image:url"):
        for k, v in pairs:
            if k == key:
                url = absolute_url(v, ctx.base_url)
                if url and url not in found.images:
                    found.images.append(url)
        if found.images:
            break
    return found


def extract_twitter(metas: list[tuple[str, str]], ctx: PageContext) -> Found | None:
    """Twitter card fields (title, description, image, a ``Price`` label/data pair)."""
    pairs = [(k, v) for k, v in metas if k.startswith("twitter:")]
    if not pairs:
        return None
    found = Found(TWITTER)
    found.title = clean_text(_first(pairs, "twitter:title"))
    found.description = html_to_text(_first(pairs, "twitter:description"))
    for k, v in pairs:
        if k in ("twitter:image", "twitter:image:src"):
            url = absolute_url(v, ctx.base_url)
            if url:
                found.images.append(url)
    for n in range(1, 5):
        label = (_first(pairs, f"twitter:label{n}") or "").lower()
        data = _first(pairs, f"twitter:data{n}")
        if "price" in label or "prix" in label or "preis" in label:
            amount = parse_amount(data)
            if amount is not None:
                found.prices.append(PriceCandidate(amount, currency_in_text(data, country=ctx.country), "data"))
    return found

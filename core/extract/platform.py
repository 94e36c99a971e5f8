"""Shop-platform product JSON: Shopify (``/products/<handle>.js``, inline analytics meta)
and the WooCommerce Store API (``/wp-json/wc/store/v1/products/<id>``).

These are the strongest sources because the shop's own backend writes them. Finding their URLs
and parsing them are pure functions here; ``core.scrape`` does the fetching.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from urllib.parse import quote, urlsplit

from core.extract.base import PLATFORM, Found, PageContext, PriceCandidate
from core.extract.images import absolute_url
from core.extract.prices import normalize_currency, parse_amount
from core.extract.text import clean_text, html_to_text, is_placeholder

_SHOPIFY_MARK = re.compile(r"cdn\.shopify\.com|Shopify\.shop\s*=|shopify-checkout-api-token|ShopifyAnalytics")
_SHOPIFY_PRODUCT_PATH = re.compile(r"/products/([^/?#.]+)")
_SHOPIFY_META = re.compile(r"var meta\s*=\s*(\{.*?\});\s*(?:\n|for\s*\(|var\s|window\.)", re.S)
_SHOPIFY_CURRENCY = re.compile(r'Shopify\.currency\s*=\s*\{\s*"active"\s*:\s*"([A-Z]{3})"')
_WOO_MARK = re.compile(r"woocommerce|wc-block|wp-content/plugins/woocommerce", re.I)
_WOO_POSTID = re.compile(r'<body[^>]*class="[^"]*\bpostid-(\d+)', re.I)
_WOO_JSON_LINK = re.compile(r'wp-json/wp/v2/product/(\d+)')


def json_urls(html: str, page_url: str) -> list[tuple[str, str]]:
    """(platform, URL) of product JSON the page's platform exposes, strongest first."""
    parts = urlsplit(page_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return []
    origin = f"{parts.scheme}://{parts.netloc}"
    head = html[:400_000]
    urls: list[tuple[str, str]] = []
    m = _SHOPIFY_PRODUCT_PATH.search(parts.path)
    if m and _SHOPIFY_MARK.search(head):
        urls.append(("shopify", f"{origin}/products/{m.group(1)}.js"))
    if _WOO_MARK.search(head):
        pid = _WOO_POSTID.search(head) or _WOO_JSON_LINK.search(head)
        if pid:
            urls.append(("woocommerce", f"{origin}/wp-json/wc/store/v1/products/{pid.group(1)}"))
        else:
            slug = [s for s in parts.path.split("/") if s]
            if slug:
                urls.append(("woocommerce", f"{origin}/wp-json/wc/store/v1/products?slug={quote(slug[-1])}"))
    return urls


def parse_shopify(data: dict, ctx: PageContext, currency: str | None = None) -> Found | None:
    """A Shopify ``/products/<handle>.js`` (prices in cents) or ``.json`` (``{"product": …}``)."""
    if not isinstance(data, dict):
        return None
    cents = "product" not in data
    data = data.get("product", data)
    if not isinstance(data, dict) or not data.get("title"):
        return None
    found = Found(PLATFORM, title=clean_text(data.get("title")))
    found.description = html_to_text(data.get("description") or data.get("body_html"))
    vendor = clean_text(data.get("vendor"))
    found.brand = None if is_placeholder(vendor) else vendor
    variants = [v for v in data.get("variants") or [] if isinstance(v, dict)]
    available = [v for v in variants if v.get("available", True)] or variants
    raw_prices = [v.get("price") for v in available] or [data.get("price")]
    amounts = []
    for raw in raw_prices:
        amount = parse_amount(raw, structured=True)
        if amount is not None:
            amounts.append(amount / 100 if cents and isinstance(raw, int) else amount)
    if amounts:
        found.prices.append(PriceCandidate(min(amounts), currency, "variants"))
    for image in data.get("images") or []:
        url = absolute_url(image.get("src") if isinstance(image, dict) else image, ctx.base_url)
        if url:
            found.images.append(url)
    return found


def parse_woocommerce(data, ctx: PageContext) -> Found | None:
    """A WooCommerce Store API product (or the first of a ``?slug=`` list)."""
    if isinstance(data, list):
        data = data[0] if data else None
    if not isinstance(data, dict) or not data.get("name"):
        return None
    found = Found(PLATFORM, title=clean_text(data.get("name")))
    found.description = html_to_text(data.get("short_description") or data.get("description"))
    prices = data.get("prices") or {}
    raw = prices.get("sale_price") or prices.get("price")
    if raw not in (None, ""):
        minor = int(prices.get("currency_minor_unit", 2) or 0)
        try:
            amount = Decimal(str(raw)) / (Decimal(10) ** minor)
            found.prices.append(PriceCandidate(amount, normalize_currency(prices.get("currency_code")), "store-api"))
        except ArithmeticError:
            pass
    brands = data.get("brands") or []
    if brands and isinstance(brands[0], dict):
        found.brand = clean_text(brands[0].get("name"))
    for image in data.get("images") or []:
        url = absolute_url(image.get("src") if isinstance(image, dict) else None, ctx.base_url)
        if url:
            found.images.append(url)
            if image.get("alt"):
                found.image_alts[url] = clean_text(image["alt"]) or ""
    return found


def parse_inline(html: str, ctx: PageContext) -> Found | None:
    """Shopify's inline analytics ``var meta = {"product": …}`` (vendor, price in cents)."""
    m = _SHOPIFY_META.search(html)
    if not m:
        return None
    try:
        meta = json.loads(m.group(1))
    except ValueError:
        return None
    product = meta.get("product") if isinstance(meta, dict) else None
    if not isinstance(product, dict):
        return None
    cur = _SHOPIFY_CURRENCY.search(html)
    found = Found(PLATFORM, currency=cur.group(1) if cur else None)
    vendor = clean_text(product.get("vendor"))
    found.brand = None if is_placeholder(vendor) else vendor
    variants = [v for v in product.get("variants") or [] if isinstance(v, dict)]
    cents = [v.get("price") for v in variants if isinstance(v.get("price"), int) and v.get("price") > 0]
    if cents:
        found.prices.append(PriceCandidate(Decimal(min(cents)) / 100, cur.group(1) if cur else None, "meta"))
    return found

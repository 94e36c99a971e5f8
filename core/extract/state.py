"""The price a client-rendered storefront keeps in its page state when the HTML shows none.

Next.js (``<script id="__NEXT_DATA__">``), Nuxt 2 (``window.__NUXT__={…}``), Apollo
(``window.__APOLLO_STATE__``), Redux (``window.__PRELOADED_STATE__``, ``__INITIAL_STATE__``)
serialise the data a page was rendered from; a price component rendered only in the browser
(ZIP-based pricing, a ``<client-only>`` island, a Suspense fallback) leaves an empty box in the
HTML while the state holds the product's price. Read only when nothing else gives a price: the
object whose name is the page's product name, and the price it carries.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from core.extract.base import PriceCandidate
from core.extract.prices import normalize_currency, parse_amount
from core.extract.text import squash

_STATE_SCRIPT = re.compile(
    r'<script[^>]*\bid="__NEXT_DATA__"[^>]*>(\{.*?\})</script>|'
    r"window\.(?:__NUXT__|__APOLLO_STATE__|__PRELOADED_STATE__|__INITIAL_STATE__)\s*=\s*(\{.*?\})\s*;?\s*</script>",
    re.S)
_NAME_KEYS = ("name", "title", "productName", "product_name")
# a price object's current amount, strongest first; the struck one's keys
_CURRENT_KEYS = ("current", "sale", "salePrice", "final", "finalPrice", "now", "value", "amount", "price", "raw")
_LIST_KEYS = ("regular", "regularPrice", "strikePrice", "strikethrough", "was", "list", "listPrice", "original",
              "originalPrice", "compareAtPrice", "compare_at_price", "rrp", "msrp")
_CURRENCY_KEYS = ("currency", "currencyCode", "priceCurrency", "currency_code")
_MAX_NODES = 20_000
_NOT_FOR_SALE_TRUE = ("requiresLogin", "loginRequired", "login_required", "discontinued", "isDiscontinued", "priceHidden",
                      "hidePrice", "callForPrice")
_FOR_SALE = ("purchasable", "isPurchasable", "available_for_sale", "availableForSale", "buyable", "isBuyable")


def state_prices(html_text: str, name: str | None, country: str | None = None) -> list[PriceCandidate]:
    """The product's current price (and list price) from the page state, [] when none is sure."""
    key = squash(name or "")
    if len(key) < 4 or "__" not in html_text:
        return []
    for m in _STATE_SCRIPT.finditer(html_text):
        try:
            data = json.loads(m.group(1) or m.group(2))
        except ValueError:
            continue  # a JavaScript object literal, not JSON (Nuxt's function form)
        found = _find(data, key, country)
        if found:
            return found
    return []


def _find(data, key: str, country: str | None) -> list[PriceCandidate]:
    stack, seen = [data], 0
    while stack and seen < _MAX_NODES:
        node = stack.pop()
        seen += 1
        if isinstance(node, dict):
            if any(isinstance(node.get(k), str) and squash(node[k]) == key for k in _NAME_KEYS):
                prices = _prices(node, country)
                if prices:
                    return prices
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))
    return []


def _amount(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return Decimal(str(value)) if value > 0 else None
    if isinstance(value, str):
        amount = parse_amount(value, structured=True)  # JSON: '125.00' has a decimal point
        return amount if amount and amount > 0 else None
    return None


def _currency(*nodes, country: str | None) -> str | None:
    for node in nodes:
        for k in _CURRENCY_KEYS:
            code = normalize_currency(node.get(k), country=country) if isinstance(node, dict) else None
            if code:
                return code
    return None


def _prices(product: dict, country: str | None) -> list[PriceCandidate]:
    """The product object's price: a number under "price", or a price object's current amount (none for
    an object the shop marks as not for sale to this visitor: log-in prices, discontinued)."""
    if any(product.get(k) is True for k in _NOT_FOR_SALE_TRUE) or any(product.get(k) is False for k in _FOR_SALE):
        return []
    price = product.get("price")
    if isinstance(price, dict):
        current = next((a for k in _CURRENT_KEYS if (a := _amount(price.get(k))) is not None), None)
        struck = next((a for k in _LIST_KEYS if (a := _amount(price.get(k))) is not None), None)
    else:
        current = _amount(price)
        struck = None
    if current is None:
        return []
    struck = struck or next((a for k in _LIST_KEYS if (a := _amount(product.get(k))) is not None
                             and not isinstance(product.get(k), dict)), None)
    code = _currency(price, product, country=country)
    out = [PriceCandidate(current, code, "page state")]
    if struck is not None and struck > current:
        out.append(PriceCandidate(struck, code, "page state", role="list"))
    return out

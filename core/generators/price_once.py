"""A banner states its price once: in the copy or in the price badge, never both.

Applied to every generated prefill (offline and Gemini). When the headline or subtitle
already says the badge's amount (``Retro console for €24.99`` beside a €24.99 badge), the
badge goes: the copy was written around the price, the badge would repeat it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from price_parser import Price

_NUMBER = re.compile(r"\d[\d.,\u00a0\u202f' ]*\d|\d")


def _amount(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def amounts_in(text: str | None) -> set[Decimal]:
    """Every amount written in ``text`` (``€1,299``, ``24,99 €``, ``129.00``)."""
    found: set[Decimal] = set()
    for m in _NUMBER.finditer(text or ""):
        amount = Price.fromstring(m.group(0)).amount
        if amount is not None:
            found.add(amount)
    return found


def states_price(text: str | None, price: Decimal) -> bool:
    return any(a == price for a in amounts_in(text))


def price_once(prefill: dict) -> dict:
    """``prefill`` without a price badge whose amount the headline or subtitle states."""
    widgets = prefill.get("widgets") or []
    keep = []
    for w in widgets:
        price = _amount(w.get("price")) if isinstance(w, dict) and w.get("type") == "price_badge" else None
        if price is not None and (states_price(prefill.get("headline"), price)
                                  or states_price(prefill.get("subtitle"), price)):
            continue
        keep.append(w)
    if len(keep) != len(widgets):
        prefill = {**prefill, "widgets": keep}
    return prefill

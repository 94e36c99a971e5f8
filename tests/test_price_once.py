"""Issue 14, item 6: a banner prints its price once (headline or badge, not both)."""

from __future__ import annotations

from decimal import Decimal

from core.generators.brief import ProductBrief
from core.generators.gemini import copy_to_prefill
from core.generators.offline_copy import OfflineCopyWriter
from core.generators.price_once import price_once
from tests.productsite import product_photo


def brief(**kw):
    data = dict(url="https://shop.example.com/p/console", title="Retro Game Console",
                description="Plug into any TV and play tonight. Two wireless controllers.",
                price=Decimal("24.99"), currency="EUR", brand="PlayBox")
    data.update(kw)
    return ProductBrief(**data)


def shown_prices(prefill) -> int:
    badges = [w for w in prefill["widgets"] if w["type"] == "price_badge"]
    in_text = any(t in (prefill["headline"] + " " + prefill["subtitle"]) for t in ("24.99", "24,99"))
    return len(badges) + int(in_text)


def test_every_offline_variant_shows_the_price_exactly_once():
    writer = OfflineCopyWriter()
    photo = product_photo(((200, 40, 50), (20, 20, 20)), 64)
    taken: list[str] = []
    for i in range(6):
        p = writer.write_prefill(brief(), photo, variant_index=i, batch_size=6, other_headlines=taken)
        taken.append(p["headline"])
        assert shown_prices(p) == 1, (i, p["headline"], p["widgets"])
    assert any("24.99" in h for h in taken)  # the value-led variant says it in the headline


def test_a_gemini_reply_with_the_price_in_headline_and_badge_keeps_one():
    reply = {"headline": "Retro console, now €24.99", "subtitle": "Play tonight",
             "cta_text": "Shop now", "visual_vibe": "neon",
             "colors": {"primary": "#112233", "secondary": "#445566", "background": "#FFFFFF",
                        "text": "#111111", "button": "#0044CC", "button_text": "#FFFFFF"},
             "widgets": [{"type": "price_badge", "price": "24.99", "currency": "EUR"},
                         {"type": "free_shipping", "label": "Free shipping"}]}
    p = copy_to_prefill(reply, brief(), 0)
    assert [w["type"] for w in p["widgets"]] == ["free_shipping"]
    assert shown_prices(p) == 1


def test_other_numbers_and_other_prices_keep_the_badge():
    pre = {"headline": "620 games, 2 controllers", "subtitle": "Was 39.99",
           "widgets": [{"type": "price_badge", "price": "24.99", "currency": "EUR"}]}
    assert price_once(pre) == pre
    assert price_once({**pre, "subtitle": "Only 24,99 €"})["widgets"] == []

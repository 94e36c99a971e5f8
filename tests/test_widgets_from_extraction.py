"""The shop's own list price and rating reach the banner widgets (and nothing is invented)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from core.generators import ProductBrief
from core.generators.gemini import copy_to_prefill
from core.generators.offline_copy import OfflineCopyWriter
from core.prefill import validate_prefill
from tests.test_generators_offline import product_photo

BRIEF = ProductBrief(title="Garden Bench Oak 150 cm", description="Solid oak bench for two.",
                     price=Decimal("120.00"), currency="EUR", brand="Holm", url="https://garden.example/bench",
                     list_price=Decimal("150.00"), rating=Decimal("4.6"), rating_count=212)


def widgets(brief: ProductBrief) -> dict:
    prefill = OfflineCopyWriter().write_prefill(brief, product_photo(300), variant_index=0, batch_size=1,
                                                other_headlines=[])
    assert validate_prefill(prefill) == prefill
    return {w["type"]: w for w in prefill["widgets"]}


def test_the_price_badge_shows_the_shops_list_price_struck_through():
    badge = widgets(BRIEF)["price_badge"]
    assert (badge["price"], badge["currency"], badge["compare_at"]) == ("120.00", "EUR", "150.00")


def test_the_rating_widget_shows_the_shops_aggregate_rating():
    assert widgets(BRIEF)["rating"] == {"type": "rating", "value": 4.6, "count": 212}


def test_without_a_list_price_or_rating_nothing_is_invented():
    plain = widgets(replace(BRIEF, list_price=None, rating=None, rating_count=None))
    assert plain["price_badge"].get("compare_at") is None and "rating" not in plain


def test_a_list_price_below_the_price_is_not_shown():
    assert widgets(replace(BRIEF, list_price=Decimal("99.00")))["price_badge"].get("compare_at") is None


def test_geminis_price_badge_gets_the_shops_list_price():
    reply = {"headline": "Oak for two", "subtitle": "Solid oak", "cta_text": "Shop now", "visual_vibe": "calm",
             "colors": {"primary": "#AA5500", "background": "#FFFFFF", "text": "#111111", "secondary": "#333333",
                        "button": "#AA5500", "button_text": "#FFFFFF"},
             "widgets": [{"type": "price_badge", "price": "120.00", "currency": "EUR"}]}
    prefill = copy_to_prefill(reply, BRIEF, 0)
    assert prefill["widgets"][0]["compare_at"] == "150.00"


def test_a_low_rating_is_no_widget_on_an_ad():
    # a walk-through: a Persian bookshop's banner showed "★ 2.0 (5)", advertising against the book
    assert "rating" not in widgets(replace(BRIEF, rating=Decimal("2.0"), rating_count=5))
    assert "rating" not in widgets(replace(BRIEF, rating=Decimal("3.9")))
    assert widgets(replace(BRIEF, rating=Decimal("4.0")))["rating"]["value"] == 4.0
    # nor one read from the description's words
    text = replace(BRIEF, rating=None, rating_count=None, description="Rated 2.5 out of 5 by buyers.")
    assert "rating" not in widgets(text)
    assert widgets(replace(text, description="Rated 4.5 out of 5 by buyers."))["rating"]["value"] == 4.5


def test_geminis_low_rating_widget_is_dropped_and_a_low_rating_is_not_offered_to_it():
    from core.generators.gemini import _copy_prompt

    reply = {"headline": "Oak for two", "subtitle": "Solid oak", "cta_text": "Shop now", "visual_vibe": "calm",
             "colors": {"primary": "#AA5500", "background": "#FFFFFF", "text": "#111111", "secondary": "#333333",
                        "button": "#AA5500", "button_text": "#FFFFFF"},
             "widgets": [{"type": "rating", "value": 2.0}, {"type": "price_badge", "price": "120.00",
                                                              "currency": "EUR"}]}
    low = replace(BRIEF, rating=Decimal("2.0"), rating_count=5)
    assert [w["type"] for w in copy_to_prefill(reply, low, 0)["widgets"]] == ["price_badge"]
    reply["widgets"][0]["value"] = float("nan")  # a review: NaN raised InvalidOperation past the repair loop
    assert [w["type"] for w in copy_to_prefill(reply, BRIEF, 0)["widgets"]] == ["price_badge"]
    reply["widgets"][0]["value"] = 4.6
    assert [w["type"] for w in copy_to_prefill(reply, BRIEF, 0)["widgets"]] == ["rating", "price_badge"]
    assert "Rating:" not in _copy_prompt(low, 0, 1, [])
    assert "Rating: 4.6 of 5" in _copy_prompt(BRIEF, 0, 1, [])

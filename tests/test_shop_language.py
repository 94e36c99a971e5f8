"""The shop's language and money format (issue 15, item 6)."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from core.extract import extract_product
from core.generators.brief import ProductBrief, format_price
from core.generators.copy_i18n import WORDS, copy_words
from core.generators.offline_copy import OfflineCopyWriter
from core.locale import guess_language, page_locale
from core.render.layout import widget_label
from tests.conftest import SHARED, shared_path
from tests.productsite import product_photo

NB = "\u00a0"


@pytest.mark.parametrize("locale, amount, currency, shown", [
    ("de-DE", "24.99", "EUR", f"24,99{NB}€"),
    ("de-CH", "19.50", "CHF", f"CHF{NB}19.50"),
    ("fr-FR", "20", "EUR", f"20,00{NB}€"),
    ("it-IT", "1599", "EUR", f"1.599,00{NB}€"),
    ("es-CL", "24990", "CLP", "$24.990"),  # no decimals, the dot groups thousands
    ("ko-KR", "30000", "KRW", "₩30,000"),
    ("ja-JP", "1200", "JPY", "￥1,200"),
    ("pl-PL", "997", "PLN", f"997,00{NB}zł"),
    ("pt-BR", "1759.99", "BRL", f"R${NB}1.759,99"),
    ("he-IL", "1679", "ILS", f"1,679.00{NB}₪"),  # no bidi marks: the renderer shapes RTL
    ("en-US", "98.99", "USD", "$98.99"),
    ("", "24.99", "EUR", "€24.99"),  # unknown locale: English
    ("en", "130", "EGP", f"EGP{NB}130.00"),  # letters and number apart (Babel gave "EGP130.00")
])
def test_prices_are_printed_as_the_shops_locale_prints_them(locale, amount, currency, shown):
    assert format_price(Decimal(amount), currency, locale) == shown


def test_the_price_badge_carries_the_locale_to_the_renderer():
    badge = {"type": "price_badge", "price": "24.99", "currency": "EUR", "compare_at": "29.99",
             "locale": "de-DE"}
    assert widget_label(badge) == (f"24,99{NB}€", f"29,99{NB}€")
    assert widget_label({"type": "price_badge", "price": "24990.00", "currency": "CLP",
                         "locale": "es-CL"})[0] == "$24.990"


@pytest.mark.parametrize("declared, country, locale", [
    ("de", "ch", "de-CH"), ("it-it", "it", "it-IT"), ("en_GB", None, "en-GB"),
    (None, "pl", "pl-PL"), (None, "br", "pt-BR"), ("", "ar", "es-AR"), (None, None, None),
    ("not a tag!", "hr", "hr-HR"),
])
def test_the_page_locale_completes_the_declared_language_with_the_shops_country(declared, country, locale):
    assert page_locale(declared, country) == locale


def test_a_page_that_declares_nothing_on_a_com_is_guessed_from_its_words():
    assert guess_language("Brassière de sport - Noir. Livraison gratuite dès 25 euros et retours") == "fr"
    assert guess_language("월간 잡지 정기구독") == "ko"
    assert guess_language("Hi") is None


def _truth() -> list[dict]:
    path = SHARED / "fixtures" / "truth.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


# the language each fixture shop writes in (its notes say so)
FIXTURE_LANGUAGES = {
    "01": "es", "02": "pt", "03": "pt", "04": "hr", "05": "ru", "06": "en", "07": "es", "08": "ko",
    "09": "it", "10": "he", "11": "pt", "12": "de", "13": "en", "14": "it", "15": "pl", "16": "en",
    "17": "ru", "18": "sl", "19": "fr", "20": "en", "21": "lv", "22": "en", "23": "et", "24": "fr",
    "25": "it", "26": "sk", "27": "de", "28": "en", "29": "en", "30": "en",
}


@pytest.mark.parametrize("entry", _truth(), ids=lambda e: e["file"][:2])
def test_extraction_finds_each_fixture_shops_language(entry):
    text = shared_path("fixtures", "pages", entry["file"]).read_text(encoding="utf-8", errors="replace")
    language = extract_product(text, entry["page_url"]).language
    assert language and language.split("-")[0] == FIXTURE_LANGUAGES[entry["file"][:2]]


def test_the_offline_copy_has_words_for_every_fixture_shops_language():
    assert set(FIXTURE_LANGUAGES.values()) <= set(WORDS)
    for words in WORDS.values():
        assert all(len(c) <= 20 for ctas in words.ctas.values() for c in ctas)
        assert any("{p}" in h for h in words.headlines["value"])


def _variants(brief: ProductBrief, n: int = 6) -> list[dict]:
    photo = product_photo(((200, 40, 50), (20, 20, 20)), 64)
    taken: list[str] = []
    out = []
    for i in range(n):
        p = OfflineCopyWriter().write_prefill(brief, photo, variant_index=i, batch_size=n,
                                              other_headlines=taken)
        taken.append(p["headline"])
        out.append(p)
    return out


@pytest.mark.parametrize("locale", sorted(set(FIXTURE_LANGUAGES.values())))
def test_offline_copy_is_written_in_the_pages_language(locale):
    words = copy_words(locale)
    brief = ProductBrief(title="Roborock S8", description="", price=Decimal("499.00"),
                         currency="EUR", brand="Roborock", language=locale)
    english = {c for ctas in WORDS["en"].ctas.values() for c in ctas}
    frames = {h.replace("{t}", "Roborock S8").replace("{p}", format_price(Decimal("499"), "EUR", locale))
              for hs in words.headlines.values() for h in hs}
    for p in _variants(brief):
        assert p["cta_text"] in {c for ctas in words.ctas.values() for c in ctas}
        assert p["headline"] in frames | {"S8", "Roborock S8"}
        if locale != "en":
            assert p["cta_text"] not in english
        badge = [w for w in p["widgets"] if w["type"] == "price_badge"]
        assert all(w["locale"] == locale for w in badge)


def test_a_german_shop_gets_german_copy_and_german_prices():
    brief = ProductBrief(title="Weleda Skin Food Körperlotion", price=Decimal("8.71"), currency="EUR",
                         description="Pflegt trockene Haut intensiv. Kostenloser Versand.",
                         language="de-DE")
    variants = _variants(brief)
    assert [p["cta_text"] for p in variants] == ["Jetzt kaufen", "Zum Angebot", "Details ansehen",
                                                 "Jetzt holen", "Heute bestellen", "Verschenken"]
    assert f"8,71{NB}€" in variants[1]["headline"]  # the value-led variant names the price
    assert not any("#" in p["headline"] for p in variants)  # every variant got a frame that fits
    shipping = [w for p in variants for w in p["widgets"] if w["type"] == "free_shipping"]
    assert shipping and all(w["label"] == "Kostenloser Versand" for w in shipping)
    # "ab 29 €" is a condition (this lotion costs 8,71 €): no free-shipping chip then
    conditional = _variants(ProductBrief(title=brief.title, price=brief.price, currency="EUR",
                                         description="Kostenloser Versand ab 29 €.", language="de-DE"))
    assert not [w for p in conditional for w in p["widgets"] if w["type"] == "free_shipping"]


def test_a_chilean_shop_prints_pesos_without_decimals_in_the_headline():
    brief = ProductBrief(title="Consola Retro Tipo Joypad", price=Decimal("24990"), currency="CLP",
                         language="es-CL")
    assert "$24.990" in _variants(brief, 2)[1]["headline"]


def test_a_page_of_unknown_language_keeps_the_english_copy():
    p = _variants(ProductBrief(title="Thermo Bottle", price=Decimal("29.90"), currency="EUR"), 1)[0]
    assert p["cta_text"] == "Shop now"


from tests.fakes.gemini_server import default_copy, gemini_fake, gemini_settings  # noqa: E402,F401


def test_the_gemini_prompt_asks_for_the_pages_language_and_its_price_format(gemini_fake, gemini_settings):
    from core.generators import get_generators

    gemini_fake.reply_json({**default_copy(0), "widgets": [
        {"type": "price_badge", "price": "24.99", "currency": "EUR"}]})
    brief = ProductBrief(title="Weleda Skin Food", price=Decimal("24.99"), currency="EUR",
                         url="https://www.amazon.de/dp/B006V2OP48", language="de-DE")
    photo = product_photo(((200, 40, 50), (20, 20, 20)), 64)
    prefill = get_generators().copy.write_prefill(brief, photo, variant_index=0, batch_size=1,
                                                  other_headlines=[])
    prompt = "\n".join(gemini_fake.calls("generate")[0].texts())
    assert "in German (the shop's page is in de-DE)" in prompt
    assert f"Price: 24,99{NB}€" in prompt
    assert [w["locale"] for w in prefill["widgets"] if w["type"] == "price_badge"] == ["de-DE"]


def test_an_edit_through_the_form_keeps_the_price_badges_locale():
    from pages.prefill_form import widgets_from_rows

    rows = [{"type": "price_badge", "price": "19.99", "currency": "EUR", "locale": "de-DE",
             "label": None}]
    assert widgets_from_rows(rows) == [{"type": "price_badge", "price": "19.99", "currency": "EUR",
                                        "locale": "de-DE"}]


def test_an_english_page_in_a_country_cldr_has_no_english_locale_for_stays_english():
    # a walk-through: Jumia's and Oriflame's English pages in Egypt (lang="en-EG", no such CLDR
    # locale) were taken as Arabic: Arabic buttons and "Natural Jojoba Beard Oil بـ 130.00 ج.م."
    from core.locale import language_of

    assert page_locale("en-EG", "EG") == "en" and language_of("en-EG") == "en"
    assert page_locale(None, "EG") == "ar-EG"  # a page that declares nothing: the country's language
    assert copy_words("en-EG") is WORDS["en"]
    brief = ProductBrief(title="Natural Jojoba Beard Oil", description="", price=Decimal("130"),
                         currency="EGP", brand="", language=page_locale("en-EG", "EG"))
    for p in _variants(brief):
        assert not re.search(r"[\u0600-\u06ff]", p["headline"] + p["cta_text"]), p

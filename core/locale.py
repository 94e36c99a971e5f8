"""The shop's language and money format (Babel / CLDR).

A product carries the page's locale as a BCP 47 tag ("de-CH", "es-CL", "he-IL"): the language
the page declares (``<html lang>``, ``og:locale``, a Content-Language meta), completed with the
country of the shop's domain; a page that declares nothing gets its domain country's official
language (``.pl`` → "pl-PL"). Prices are then printed as that shop prints them — "24,99 €" on a
German page, "CHF 19.50" on a Swiss one, "$24.990" in Chile — with the currency's own minor
units (no decimals for JPY, KRW, CLP).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.languages import get_official_languages
from babel.numbers import format_currency, get_currency_precision

DEFAULT_LOCALE = "en"
_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


@lru_cache(maxsize=512)
def _parse(tag: str) -> Locale | None:
    tag = (tag or "").strip().replace("_", "-")
    if not tag or not _TAG.match(tag):
        return None
    try:
        return Locale.parse(tag, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        pass
    # a language CLDR has no locale for in that country ("en-EG": Jumia's and Oriflame's English
    # pages in Egypt) is still that language: not the country's official one (a walk-through got
    # Arabic buttons and "Beard Oil بـ 130.00 ج.م." on English pages)
    language = tag.split("-", 1)[0]
    if language != tag:
        try:
            return Locale.parse(language)
        except (UnknownLocaleError, ValueError, TypeError):
            return None
    return None


@lru_cache(maxsize=512)
def page_locale(declared: str | None, country: str | None = None) -> str | None:
    """The page's locale as a BCP 47 tag, or None when neither the page nor its country says.

    ``declared``: what the page states (``<html lang>``, ``og:locale``: "it-it", "en_GB",
    "pt"); ``country``: the shop's country (two letters, from its domain), used to complete a
    tag without region ("de" on a .ch shop → "de-CH") and as the only clue on a page that
    declares no language (its first official language)."""
    country = (country or "").upper() or None
    loc = _parse(declared or "")
    if loc is None and country:
        langs = get_official_languages(country, de_facto=True)
        loc = _parse(f"{langs[0]}-{country}") if langs else None
    if loc is None:
        return None
    if not loc.territory and country:
        with_region = _parse(f"{loc.language}-{country}")
        if with_region is not None:
            loc = with_region
    return "-".join(p for p in (loc.language, loc.script, loc.territory) if p)


def language_of(locale: str | None) -> str:
    """The two/three-letter language of a locale tag ("de-CH" → "de"); "" when unknown."""
    loc = _parse(locale or "")
    return loc.language if loc else ""


def language_name(locale: str | None) -> str:
    """The language's English name ("de-CH" → "German"), for a prompt; "" when unknown."""
    loc = _parse(locale or "")
    if loc is None:
        return ""
    return Locale("en").languages.get(loc.language, loc.language)


def format_money(amount: Decimal | None, currency: str, locale: str | None = None) -> str:
    """``amount`` in ``currency`` as the page's locale prints it ("24,99 €" for de-DE).

    The currency's minor units come from ISO 4217 (JPY, KRW, CLP: none), and a whole amount
    in a currency with cents keeps them ("499,00 €"), as shops print prices. Without a
    currency the bare number is printed in the locale's digits. Without a locale: English."""
    if amount is None:
        return ""
    loc = _parse(locale or "") or Locale.parse(DEFAULT_LOCALE)
    code = (currency or "").upper()
    if not re.match(r"^[A-Z]{3}$", code):
        from babel.numbers import format_decimal

        return format_decimal(amount, format="#,##0.##", locale=loc)
    digits = get_currency_precision(code)
    amount = Decimal(amount).quantize(Decimal(1).scaleb(-digits)) if digits else \
        Decimal(amount).quantize(Decimal(1))
    shown = format_currency(amount, code, locale=loc)
    # a currency shown by its letters gets a space from the number, as CLDR's currency spacing
    # says and shops print it ("EGP 130.00", not "EGP130.00" in English)
    shown = re.sub(r"^([A-Z]{2,3})(?=[-\d])", "\\1\u00a0", shown)
    return re.sub(r"(?<=\d)([A-Z]{2,3})$", "\u00a0\\1", shown)


def plain_money(amount: Decimal | None, currency: str | None) -> str:
    """``24.99 EUR``, ``24,990 CLP``: the amount with its currency's ISO 4217 minor units
    (none for JPY/KRW/CLP) and the code after it — for lists mixing shops of many locales."""
    if amount is None:
        return ""
    from babel.numbers import format_decimal

    from core.extract.prices import minor_units  # the one ISO 4217 minor-units lookup

    code = (currency or "").upper()
    digits = minor_units(code)
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    value = Decimal(amount).quantize(Decimal(1).scaleb(-digits)) if digits else Decimal(amount).quantize(Decimal(1))
    text = format_decimal(value, format=pattern, locale=DEFAULT_LOCALE)
    return f"{text} {code}".strip()


# Short, frequent words that tell the languages of our shops apart (written without accents
# where the language also writes them so on the web). A guess only for a page that declares
# no language on a domain that names no country (a .com).
_STOPWORDS = {
    "en": "the and with for your you this from are free our all".split(),
    "es": "el los las con para por una del que envío y tu más".split(),
    "pt": "o os as com para por uma do da que não em você".split(),
    "it": "il gli con per una del della che di non spedizione".split(),
    "fr": "le les des avec pour une du de et vous livraison est".split(),
    "de": "der die das und mit für ein eine nicht versand ist sie".split(),
    "pl": "i w z na do dla jest nie się oraz".split(),
    "nl": "de het een met voor van en niet je".split(),
}
_SCRIPTS = (("HANGUL", "ko"), ("HEBREW", "he"), ("ARABIC", "ar"), ("CYRILLIC", "ru"),
            ("HIRAGANA", "ja"), ("KATAKANA", "ja"), ("THAI", "th"), ("GREEK", "el"),
            ("CJK", "zh"))


def guess_language(text: str) -> str | None:
    """The language of ``text`` from its script, else its most frequent short words; None
    when unsure (too few words, or two languages tie)."""
    import unicodedata

    letters = [c for c in (text or "")[:2000] if c.isalpha()]
    if not letters:
        return None
    counts: dict[str, int] = {}
    for c in letters:
        name = unicodedata.name(c, "")
        for script, lang in _SCRIPTS:
            if name.startswith(script):
                counts[lang] = counts.get(lang, 0) + 1
                break
    if counts:
        lang, n = max(counts.items(), key=lambda kv: kv[1])
        if lang == "zh" and counts.get("ja"):
            lang = "ja"  # kana beside kanji: Japanese
        if n >= 0.3 * len(letters):
            return lang
    words = re.findall(r"[^\W\d_]+", (text or "")[:2000].casefold())
    scores = {lang: sum(1 for w in words if w in set(stop)) for lang, stop in _STOPWORDS.items()}
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if ranked[0][1] >= 2 and ranked[0][1] > ranked[1][1]:
        return ranked[0][0]
    return None

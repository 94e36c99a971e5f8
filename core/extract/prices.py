"""Prices and currencies: string/number -> Decimal, symbol/code -> ISO 4217.

Amount parsing is ``price-parser``'s job; what is hand-written here is the mapping from the
symbols it returns ("$", "Kn", "б.р.", "원") to ISO 4217 codes, which needs the page's country
for ambiguous symbols ("$" is CLP on a .cl shop, "kr" is SEK on a .se shop).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from price_parser import Price

MAX_PRICE = Decimal("1000000000")
_PLAIN_NUMBER = re.compile(r"^\d+(\.\d+)?$")

# ISO codes that pages still use after the currency was renamed or redenominated.
_LEGACY_CODES = {"RUR": "RUB", "BYR": "BYN", "NIS": "ILS", "YTL": "TRY", "TL": "TRY", "UKP": "GBP"}
_KNOWN_CODES = set(
    "AED ARS AUD BAM BGN BHD BRL BYN CAD CHF CLP CNY COP CRC CZK DKK DOP EGP EUR GBP GEL HKD HRK "
    "HUF IDR ILS INR ISK JPY KES KRW KWD KZT LKR MAD MDL MKD MXN MYR NGN NOK NZD PEN PHP PKR PLN "
    "QAR RON RSD RUB SAR SEK SGD THB TND TRY TWD UAH USD UYU VND ZAR".split()
)
# Unambiguous symbols and local abbreviations (compared case-insensitively, dots kept).
_SYMBOLS = {
    "€": "EUR", "£": "GBP", "₩": "KRW", "원": "KRW", "₪": "ILS", "₽": "RUB", "руб": "RUB",
    "руб.": "RUB", "р.": "RUB", "₴": "UAH", "грн": "UAH", "грн.": "UAH", "₺": "TRY", "₹": "INR",
    "zł": "PLN", "zl": "PLN", "kn": "HRK", "kč": "CZK", "kc": "CZK", "ft": "HUF", "lei": "RON",
    "лв": "BGN", "лв.": "BGN", "r$": "BRL", "fr.": "CHF", "₫": "VND", "₱": "PHP", "฿": "THB",
    "rm": "MYR", "s$": "SGD", "a$": "AUD", "au$": "AUD", "c$": "CAD", "ca$": "CAD",
    "us$": "USD", "hk$": "HKD", "nt$": "TWD", "mx$": "MXN", "₦": "NGN", "円": "JPY",
    "元": "CNY", "б.р.": "BYN", "бел. руб.": "BYN", "br": "BYN", "₸": "KZT", "дин.": "RSD",
    "ден": "MKD", "ls": "LVL", "lt": "LTL", "kr.": None, "kr": None, "$": None, "¥": None,
    "￥": None, "rs": None, "rs.": None, "₨": None,
}
# Country (from the shop's domain or language tag) for the ambiguous symbols.
_DOLLAR = {"ca": "CAD", "au": "AUD", "nz": "NZD", "cl": "CLP", "ar": "ARS", "mx": "MXN",
           "co": "COP", "sg": "SGD", "hk": "HKD", "tw": "TWD", "uy": "UYU", "br": "BRL"}
_KRONE = {"se": "SEK", "no": "NOK", "dk": "DKK", "is": "ISK", "fo": "DKK", "gl": "DKK"}
_RUPEE = {"pk": "PKR", "in": "INR", "lk": "LKR", "np": "NPR"}
_YEN = {"cn": "CNY", "jp": "JPY"}
_EURO_TLDS = set("at be cy de ee es fi fr gr ie it lt lu lv mt nl pt si sk hr".split())


def parse_amount(value: object, *, structured: bool = False) -> Decimal | None:
    """A positive Decimal from a number or price string ("1.299,00 €", "$45", "34.000").

    ``structured`` values (schema.org/OpenGraph fields) use "." as the decimal point, so a
    plain "34.000" there means 34; in visible text it means 34000.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        amount = Decimal(str(value))
    else:
        text = str(value).strip().replace("\u00a0", " ")
        if not text:
            return None
        try:
            if structured and _PLAIN_NUMBER.match(text):
                amount = Decimal(text)
            else:
                amount = Price.fromstring(text).amount
        except (InvalidOperation, ValueError):
            return None
    if amount is None or not (Decimal(0) < amount < MAX_PRICE):
        return None
    return amount


def country_hint(url: str | None, lang: str | None = None) -> str | None:
    """Two-letter country from the URL's TLD, else from a language tag like ``es-CL``."""
    host = (urlsplit(url).hostname or "") if url else ""
    tld = host.rsplit(".", 1)[-1].lower() if "." in host else ""
    if len(tld) == 2 and tld not in ("io", "co", "tv", "me", "ai"):
        return "gb" if tld == "uk" else tld
    if tld == "co" and host.endswith(".com.co"):
        return "co"
    if lang:
        m = re.search(r"[-_]([A-Za-z]{2})\b", lang)
        if m:
            return m.group(1).lower()
    return None


def normalize_currency(value: object, *, country: str | None = None) -> str | None:
    """ISO 4217 code for a code or symbol ("eur", "RUR", "€", "Kn", "$" on a .cl page)."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    upper = text.upper()
    if re.fullmatch(r"[A-Z]{3}", upper):
        upper = _LEGACY_CODES.get(upper, upper)
        return upper if upper in _KNOWN_CODES else None
    key = text.casefold()
    if upper in _LEGACY_CODES:
        return _LEGACY_CODES[upper]
    if key not in _SYMBOLS:
        return None
    code = _SYMBOLS[key]
    if code is not None:
        return code
    if key == "$":
        return _DOLLAR.get(country or "", "USD")
    if key.startswith("kr"):
        return _KRONE.get(country or "")
    if key in ("¥", "￥"):
        return _YEN.get(country or "", "JPY")
    return _RUPEE.get(country or "", "INR" if key == "₹" else None)


_CODE_IN_TEXT = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")
_SYMBOL_IN_TEXT = re.compile(
    r"(б\.\s?р\.|бел\.\s?руб\.|руб\.?|грн\.?|лв\.?|дин\.|R\$|[A-Z]{1,2}\$|\$|€|£|₩|원|₪|₽|₴|₺|₹|₫|₱|฿|₦|₸|¥|￥|円|元|"
    r"(?<![A-Za-z])(?:zł|zl|kn|kč|Kč|ft|Ft|lei|kr\.?|Rs\.?|Fr\.|RM|р\.)(?![A-Za-z]))",
    re.I,
)


def currency_in_text(text: str | None, *, country: str | None = None) -> str | None:
    """The currency written next to an amount in ``text`` ("30,000원~", "270,00 Kn", "EUR15.99")."""
    if not text:
        return None
    for m in _CODE_IN_TEXT.finditer(text):
        code = normalize_currency(m.group(1))
        if code:
            return code
    for m in _SYMBOL_IN_TEXT.finditer(text):
        code = normalize_currency(re.sub(r"\s", "", m.group(1)), country=country)
        if code:
            return code
    return None


def default_currency(country: str | None) -> str | None:
    """Currency of a country when the page states none (only where there is one obvious)."""
    if country in _EURO_TLDS:
        return "EUR"
    return None


def looks_like_price(text: str | None) -> bool:
    """True when ``text`` is short and carries an amount next to a currency marker."""
    if not text or len(text) > 60 or not re.search(r"\d", text):
        return False
    return currency_in_text(text) is not None or bool(_SYMBOL_IN_TEXT.search(text))

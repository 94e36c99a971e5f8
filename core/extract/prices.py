"""Prices and currencies: string/number -> Decimal, symbol/code -> ISO 4217.

Amount parsing is ``price-parser``'s job; minor units (CLP and JPY have none, KWD has three),
the list of ISO 4217 codes and which currency a country uses (and how it writes its symbol) come
from Babel's CLDR data. What is hand-written here is the table of symbols and local
abbreviations ("Kn", "б.р.", "원", "₸") and the rule for ambiguous ones: "$" or "kr" mean the
currency of the shop's country (TLD, else page language) when that currency is written so there,
else USD for "$" and nothing for "kr".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.numbers import (get_currency_precision, get_currency_symbol, get_territory_currencies,
                           list_currencies)
from price_parser import Price

MAX_PRICE = Decimal("1000000000")
_SEPARATORS = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u066c": ",", "\u066b": ".",
                             # Switzerland's thousands mark as typeset ("CHF 1’049.–"): the apostrophe
                             "\u2019": "'", "\u02bc": "'",
                             # full-width digits and separators of Japanese and Chinese text ("１，９８０円")
                             **{chr(0xFF10 + i): str(i) for i in range(10)}, "，": ",", "．": "."})
_PLAIN_NUMBER = re.compile(r"^\d+(\.\d+)?$")
# One separator followed by exactly three digits: "24.990", "12.500", "1,500" (ambiguous).
_ONE_GROUP = re.compile(r"^\D*?(\d{1,3})([.,])(\d{3})(?!\d)[^\d.,]*$")
_GROUPS = re.compile(r"^\D*?\d{1,3}(?:([.,\s'’])\d{3})(?:\1\d{3})*[^\d.,]*$")

# ISO codes that pages still use after the currency was renamed or redenominated.
_LEGACY_CODES = {"RMB": "CNY", "NTD": "TWD", "RUR": "RUB", "BYR": "BYN", "NIS": "ILS", "YTL": "TRY", "TL": "TRY", "UKP": "GBP",
                 "IRT": "IRR", "TOMAN": "IRR"}  # (toman: ten rials, see ``in_rials``)
_KNOWN_CODES = frozenset(list_currencies()) - set(_LEGACY_CODES)


def _codes_in_use(since: dt.date = dt.date(2005, 1, 1)) -> frozenset:
    """Codes some territory has had as legal tender since ``since`` (babel's CLDR data). A code
    in a page's text counts only if it is one of these: "PES 600D" in a spec table is
    polyester, not the Peruvian sol of 1985; "ESP" is Spain, not its peseta."""
    out: set = set()
    for territory in get_global("territory_currencies"):
        out |= set(get_territory_currencies(territory, start_date=since, end_date=dt.date.today(), tender=True))
    return frozenset(out)


_TEXT_CODES = _codes_in_use()
# Unambiguous symbols and local abbreviations (compared case-insensitively, dots kept).
_SYMBOLS = {
    "€": "EUR", "£": "GBP", "₩": "KRW", "원": "KRW", "₪": "ILS", "₽": "RUB", "₴": "UAH", "грн": "UAH", "грн.": "UAH", "₺": "TRY", "₹": "INR",
    "zł": "PLN", "zl": "PLN", "kn": "HRK", "kč": "CZK", "kc": "CZK", "ft": "HUF",
    "лв": "BGN", "лв.": "BGN", "r$": "BRL", "fr.": "CHF", "₫": "VND", "₱": "PHP", "฿": "THB",
    "rm": "MYR", "s$": "SGD", "a$": "AUD", "au$": "AUD", "ca$": "CAD",
    "us$": "USD", "hk$": "HKD", "nt$": "TWD", "mx$": "MXN", "₦": "NGN", "円": "JPY",
    "б.р.": "BYN", "бел. руб.": "BYN", "₸": "KZT", "тг": "KZT",
    "тг.": "KZT", "тенге": "KZT", "₾": "GEL", "₼": "AZN", "֏": "AMD", "₮": "MNT", "сом": "KGS",
    "дин.": "RSD", "ден": "MKD", "s/": "PEN", "s/.": "PEN", "ksh": "KES", "₵": "GHS",
    "ls": "LVL", "lt": "LTL", "l.e": "EGP", "l.e.": "EGP", "ج.م": "EGP", "ج.م.": "EGP", "جنيه": "EGP",
    "rp": "IDR", "rp.": "IDR", "tl": "TRY", "tsh": "TZS", "ush": "UGX", "৳": "BDT", "ر.س": "SAR", "ر.س.": "SAR",
    "د.إ": "AED", "د.إ.": "AED", "ر.ق": "QAR", "د.ك": "KWD", "ر.ع": "OMR", "د.ب": "BHD", "lek": "ALL",
    "ден.": "MKD", "сум": "UZS", "kz": "AOA", "تومان": "IRR", "تومن": "IRR",
    "nz$": "NZD", "ar$": "ARS", "u$s": "USD", "cn¥": "CNY", "rmb": "CNY", "đ": "VND", "vnđ": "VND", "vnd": "VND",
    "₲": "PYG", "gs.": "PYG", "บาท": "THB", "ש\"ח": "ILS", "ש״ח": "ILS", "रू": "NPR", "php": "PHP",
    "₡": "CRC", "b/.": "PAB", "b/": "PAB", "៛": "KHR", "n$": "NAD", "frw": "RWF",
}
# Iran's shops price in toman (ten rials); ISO 4217 has only the rial: "525٬000 تومان" is 5,250,000 IRR.
_TOMAN = re.compile(r"تومان|تومن|\btomans?\b", re.I)
_FIRST_NUMBER = re.compile(r"[\d۰-۹٠-٩][\d۰-۹٠-٩,.٬٫'\s]*")


def in_rials(amount: Decimal, code: object) -> Decimal:
    """A markup amount in ISO 4217's IRR: one whose currency says toman ("IRT", Iranian
    WooCommerce plugins; "Toman") is ten times fewer rials, so it is multiplied by ten."""
    toman = isinstance(code, str) and code.strip().upper() in ("IRT", "TOMAN", "تومان")
    return amount * 10 if toman else amount


def _in_toman(text: str) -> bool:
    """The first amount of ``text`` is written in toman: the word right after it (or before it,
    "تومان ۱۲۵,۰۰۰"), not a rial price with its toman figure in brackets after it."""
    m = _FIRST_NUMBER.search(text)
    if not m:
        return False
    return bool(_TOMAN.match(text[m.end():].lstrip(" \u00a0\u200c)")) or _TOMAN.search(text[:m.start()][-12:]))
# Symbols several currencies share: the country decides among the family's members.
_AMBIGUOUS = {
    "$": ("$", None), "kr": ("kr", None), "kr.": ("kr", None), "¥": ("yen", "JPY"),
    "￥": ("yen", "JPY"), "rs": ("rupee", None), "rs.": ("rupee", None), "₨": ("rupee", None),
    "bs": ("bolivar", "VES"), "bs.": ("bolivar", "VES"), "﷼": ("rial", "SAR"), "ريال": ("rial", "SAR"),
    "درهم": ("dirham", "AED"), "ریال": ("rial", "IRR"), "r": ("rand", None), "dh": ("dirham", None), "dhs": ("dirham", None),
    # Romania's and Moldova's lei; Russia's and Belarus's rubles (by the shop's country)
    "lei": ("leu", "RON"), "руб": ("ruble", "RUB"), "руб.": ("ruble", "RUB"), "р.": ("ruble", "RUB"),
    "din": ("dinar", None), "din.": ("dinar", None),
    "sr": ("rial", None), "qr": ("rial", None), "kd": ("dinar", None),
    "tk": ("taka", None), "tk.": ("taka", None), "le": ("pound", None), "le.": ("pound", None),
    # Guatemala's quetzal "Q1,899.00", Honduras' lempira "L 12,999.00" (Albania's lek): their country only
    "q": ("quetzal", None), "l": ("lempira", None), "k": ("kwacha", None), "ks": ("kyat", None),
    "mt": ("metical", None), "br": ("birr", "BYN"), "p": ("pula", None),
    # the CFA francs: West Africa's XOF, Central Africa's XAF (by the shop's country)
    "fcfa": ("cfa", None), "f cfa": ("cfa", None), "cfa": ("cfa", None), "f.cfa": ("cfa", None),
    # Algeria's DA, Tunisia's DT, Bahrain's BD beside an amount
    "da": ("dinar", None), "dt": ("dinar", None), "bd": ("dinar", None),
    # Canada's C$, and Nicaragua's córdoba in Nicaragua
    "c$": ("$", "CAD"),
    # 元 is the yuan, and Taiwan's, Hong Kong's and Macau's dollar in their own shops
    "元": ("yuan", "CNY"),
}
_FAMILY_CODES = {"yen": {"JPY", "CNY"}, "rupee": {"INR", "PKR", "LKR", "NPR", "MUR", "SCR"},
                 "bolivar": {"VES", "VEF", "BOB"}, "rial": {"SAR", "IRR", "OMR", "YER", "QAR"}, "rand": {"ZAR"},
                 "dirham": {"AED", "MAD"}, "leu": {"RON", "MDL"}, "ruble": {"RUB", "BYN"},
                 "dinar": {"RSD", "KWD", "BHD", "JOD", "IQD", "LYD", "TND", "DZD"},
                 "taka": {"BDT"}, "pound": {"EGP"}, "quetzal": {"GTQ"}, "lempira": {"HNL", "ALL"}, "kwacha": {"ZMW", "MWK", "PGK"}, "kyat": {"MMK"}, "metical": {"MZN"}, "pula": {"BWP", "PHP"},
                 "cfa": {"XOF", "XAF"},
                 "birr": {"BYN", "ETB"},
                 "yuan": {"CNY", "TWD", "HKD", "MOP"}}
# Language tags too widely spread to name a country by themselves.
_WORLD_LANGUAGES = {"en", "es", "fr", "ar", "pt"}


@lru_cache(maxsize=512)
def minor_units(code: str | None) -> int:
    """ISO 4217 minor units of ``code`` (CLDR via Babel): CLP 0, EUR 2, KWD 3; 2 when unknown."""
    if not code:
        return 2
    try:
        return int(get_currency_precision(code))
    except (KeyError, ValueError):
        return 2


def _apply_minor_units(text: str, amount: Decimal, currency: str | None, structured: bool) -> Decimal:
    """Settle "24.990" / "12.500" by the currency's minor units.

    A currency without minor units (CLP, JPY, KRW…) cannot have "24.990" mean 24.99: the
    separators group thousands, also in structured data. One with three (KWD, BHD…) reads
    "12.500" as 12.5 where text parsing took the dot for a thousands separator.
    """
    digits = minor_units(currency)
    if digits == 0 and (m := _GROUPS.match(text)) and amount != amount.to_integral_value():
        return Decimal(re.sub(r"\D", "", text))
    m = _ONE_GROUP.match(text)
    if digits == 3 and m and (m.group(2) == "." or currency == "TND"):  # (Tunisia writes "849,000 DT": 849)
        return Decimal(f"{m.group(1)}.{m.group(3)}")
    return amount


def money_text(value: Decimal) -> str:
    """An amount as text with two decimals ("129.00"), or all it has when it has more (a component
    seller's "5.2607", a petrol station's "1.799"): never rounded away."""
    if value == value.quantize(Decimal("0.01")):
        return f"{value:.2f}"
    return format(value.normalize(), "f")


_FULL_STOP = re.compile(r"(\d)\.(?=\s+[^\d\s]|\s*$)")


def parse_amount(value: object, *, structured: bool = False, currency: str | None = None) -> Decimal | None:
    """A positive Decimal from a number or price string ("1.299,00 €", "$45", "34.000").

    ``structured`` values (schema.org/OpenGraph fields) use "." as the decimal point, so a
    plain "34.000" there means 34; in visible text it means 34000. ``currency`` (ISO code),
    when known, settles separators by its minor units: "24.990" CLP is 24990 even in markup,
    "12.500 KWD" is 12.5.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        amount = Decimal(str(value))
        text = None
    else:
        # Arabic thousands and decimal separators ("525٬000", "12٫5"), spaces that do not break
        text = str(value).strip().translate(_SEPARATORS)
        if not text:
            return None
        # a full stop after the amount ends a sentence ("Now £52.00. Was £75.00.": price-parser read 5200)
        text = _FULL_STOP.sub(r"\1", text)
        try:
            if structured and _PLAIN_NUMBER.match(text):
                amount = Decimal(text)
            else:
                amount = Price.fromstring(text).amount
        except (InvalidOperation, ValueError):
            return None
    if amount is not None and text and currency:
        amount = _apply_minor_units(text, amount, currency, structured)
        if currency == "IRR" and _in_toman(text):
            amount *= 10
    if amount is None or not (Decimal(0) < amount < MAX_PRICE):
        return None
    if amount.as_tuple().exponent < -4:  # a float's residue (85.60000000000001): four places at most
        amount = amount.quantize(Decimal("0.0001"))
    return amount


@lru_cache(maxsize=256)
def language_country(lang: str | None) -> str | None:
    """Two-letter country of a language tag: its region ("es-CL"), else the language's most
    likely one per CLDR ("kk" → KZ, "zh-Hant" → TW); None for world languages without region."""
    if not lang:
        return None
    tag = lang.strip().replace("-", "_")
    m = re.search(r"_([A-Za-z]{2})(?:_|$)", tag)
    if m:
        return m.group(1).lower()
    base = tag.split("_")[0].lower()
    if not base or base in _WORLD_LANGUAGES:
        return None
    likely = get_global("likely_subtags").get(tag) or get_global("likely_subtags").get(base)
    m = re.search(r"_([A-Z]{2})$", likely or "")
    return m.group(1).lower() if m else None


_VANITY_TLDS = frozenset({"io", "co", "tv", "me", "ai", "eu", "nu", "fm", "ly", "to", "cc", "ws", "sh", "gg", "vc", "la", "st"})


def country_hint(url: str | None, lang: str | None = None) -> str | None:
    """Two-letter country from the URL's TLD, else from the page language (see ``language_country``)."""
    host = (urlsplit(url).hostname or "") if url else ""
    tld = host.rsplit(".", 1)[-1].lower() if "." in host else ""
    # country codes sold as generic names (.io, .tv, .fm; Sweden's .nu "now", Niue's)
    if len(tld) == 2 and tld not in _VANITY_TLDS:
        return "gb" if tld == "uk" else tld
    if tld == "co" and host.endswith(".com.co"):
        return "co"
    return language_country(lang)


# a storefront's country as the first folder of a .com address: "/au/en/", "/en-au/", "/ca/shop"
_PATH_LOCALE = re.compile(r"^/(?:([a-z]{2})[-_])?([a-z]{2})(?:/|$)", re.I)
# two letters alone are a language as often as a country ("/de/", "/fr/"): only these count alone
_PATH_COUNTRIES = frozenset({"au", "ca", "mx", "nz", "sg", "hk", "us", "uk", "gb", "cl", "ar", "ie", "za", "ae", "my",
                             "ph", "tw", "in", "br", "jp", "kr", "ch", "at", "be", "dk", "se", "no", "pl", "cz", "co"})


# country folders that are also language codes ("/ar/" Arabic, "/ca/" Catalan, "/pl/" Polish):
# countries only when a language folder follows ("/ca/en/", "/ar/es/")
_PATH_LANGUAGES = frozenset({"ar", "ca", "my", "in", "no", "se", "be", "co", "ch", "br", "pl", "tw", "za", "ae", "ie",
                             "sg", "uk"})
_LANGUAGE_NEXT = re.compile(r"^/[a-z]{2}/(en|fr|es|de|it|pt|nl|ar|zh|ja|ko|ru|pl|sv|da|fi|nb|no|cs|tr|he|el|hu|ro)(/|$)", re.I)


def path_country(url: str | None) -> str | None:
    """The country a .com storefront names in its first folder (``/au/en/p/…``, ``/en-ca/``)."""
    path = urlsplit(url).path if url else ""
    m = _PATH_LOCALE.match(path)
    if not m:
        return None
    code = m.group(2).lower()
    if not m.group(1) and (code not in _PATH_COUNTRIES or code in _PATH_LANGUAGES and not _LANGUAGE_NEXT.match(path)):
        return None
    code = "gb" if code == "uk" else code
    return code if code.upper() in Locale("en").territories else None


@lru_cache(maxsize=1)
def _country_names() -> tuple[re.Pattern, dict[str, str]]:
    """Every country's name in English and in its own main language (CLDR): one pattern, and
    each name (casefolded) → its two-letter code."""
    names: dict[str, str] = {}
    english = Locale("en").territories
    for code, name in english.items():
        if len(code) != 2 or not code.isalpha() or code in ("EU", "EZ", "UN", "ZZ"):
            continue
        own = None
        likely = get_global("likely_subtags").get(f"und_{code}")
        if likely:
            with contextlib.suppress(UnknownLocaleError, ValueError):
                own = Locale.parse(likely).territories.get(code)
        for n in (name, own):
            if n and len(n) >= 4 and "(" not in n:
                names.setdefault(n.casefold(), code.lower())
    pattern = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)({pattern})(?!\w)", re.I), names


def site_country(*site_names: str | None) -> str | None:
    """The country a shop's name ends with ("PC Case Gear Australia", "Best Buy Canada", not
    "Canada Goose"): the one country that ``site_names`` (og:site_name, the page title's last
    part) end with."""
    found = set()
    pattern, by_name = _country_names()
    for text in site_names:
        text = (text or "").strip(" .!")
        m = None
        for m in pattern.finditer(text):
            pass
        if m and m.end() == len(text) and m.start() > 0 and not re.search(r"\b(new|nova|nueva|nouvelle|west|east|north|south)\s+$", text[:m.start()], re.I):
            found.add(by_name[m.group(1).casefold()])  # (not "New Mexico", "West Virginia" …)
    return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=256)
def _country_currencies(country: str | None) -> tuple[tuple[str, str], ...]:
    """(code, local symbol) of the currencies legal in ``country`` today, per CLDR."""
    if not country or len(country) != 2:
        return ()
    try:
        codes = get_territory_currencies(country.upper())
        locale = Locale.parse(f"und_{country.upper()}")
    except (UnknownLocaleError, ValueError, KeyError):
        return ()
    return tuple((c, get_currency_symbol(c, locale=locale)) for c in codes)


def _resolve_ambiguous(key: str, country: str | None) -> str | None:
    family, default = _AMBIGUOUS[key]
    if key == "c$":
        return "NIO" if (country or "").upper() == "NI" else "CAD"
    for code, local in _country_currencies(country):
        local = local.casefold().rstrip(".")
        if family == "$" and local.endswith("$"):
            return code
        if family == "kr" and local == "kr":
            return code
        if family in _FAMILY_CODES and code in _FAMILY_CODES[family]:
            return code
    if family == "$":
        return "USD"
    if family == "rand" and not country:
        return "ZAR"  # "R 3,499" on a .com page in English: nothing else writes R before a price-sized amount
    if family == "rupee" and key == "₹":
        return "INR"
    return default


def normalize_currency(value: object, *, country: str | None = None) -> str | None:
    """ISO 4217 code for a code or symbol ("eur", "RUR", "€", "Kn", "$" on a .cl page)."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    upper = text.upper()
    if upper in _LEGACY_CODES:
        return _LEGACY_CODES[upper]
    if re.fullmatch(r"[A-Z]{3}", upper) and upper in _KNOWN_CODES:
        return upper
    key = text.casefold()  # "KSh", "Lek", "Rp.": three letters that are a symbol, not a code
    if key in _SYMBOLS:
        return _SYMBOLS[key]
    if key in _AMBIGUOUS:
        return _resolve_ambiguous(key, country)
    return None


_CODE_IN_TEXT = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")
_SYMBOL_IN_TEXT = re.compile(
    r"(б\.\s?р\.|бел\.\s?руб\.|руб\.?|грн\.?|лв\.?|дин\.|тенге|тг\.?|R\$|U\$S|[A-Z]{1,2}\$|\$|€|£|₩|원|₪|₽|₴|₺|₹|₫|₱|฿|₦|₲|"
    r"CN¥|ש[\"״]ח|रू|(?<![^\W\d_])บาท|"
    r"₸|₾|₼|֏|₮|₵|₡|៛|¥|￥|円|(?:(?<=[万千百亿])|(?<![\u3040-\u30ff\u4e00-\u9fff]))元|S/\.?|(?<![\w/])(?-i:B)/\.?(?=\s?\d)|ج\.\s?م\.?|جنيه|"
    r"(?<![A-Za-z])L\.\s?E\.?(?![A-Za-z])|৳|﷼|₨|ر\.س\.?|د\.إ\.?|ر\.ق|د\.ك|ر\.ع|د\.ب|ريال|ریال|تومان|تومن|درهم|"
    # letters as signs: no letter of any script beside them ("Сумка" is a bag, not сум)
    r"(?<![^\W\d_])(?:zł|zl|kn|kč|Kč|(?-i:Ft)|lei|kr\.?|Rs\.?|Fr\.|RM|KSh|TSh|USh|р\.|сом|сум|ден\.?|Rp\.?|"
    r"vnđ|đ|(?-i:Gs)\.|(?-i:Php)|"
    r"(?-i:Lek)|(?-i:Kz)|(?-i:Bs)\.?|"
    # Morocco's and the Emirates' "DH", "Dhs": only beside an amount, in those countries (not the
    # DH-IPC-… cameras, DHS table-tennis rubbers); so also Serbia's din (not "KM": kilometres),
    # the Gulf's SR/KD/QR, Bangladesh's Tk, Egypt's LE (see _AMBIGUOUS: their country only)
    r"(?:(?<=\d)|(?<=\d\s))(?-i:DH|Dh|Dhs|DHS|din|SR|KD|QR|Tk|LE|Ks|MT|Br|DA|DT|BD|F\s?CFA|FCFA|F\.CFA|CFA)\.?(?![\w-])|"
    r"(?<![\w-])(?-i:DH|Dh|Dhs|DHS|din|SR|KD|QR|Tk|LE|Br|BD|FRw|Frw|FCFA)\.?(?=\s?\d[\d.,\s]*(?![\w.,-]))|"  # (not "KD75X85J")
    # Turkish "TL" only next to an amount (not TP-Link's "TL-WR841N", Philips' "TL-D")
    r"(?:(?<=\d)|(?<=\d\s))(?-i:TL)(?![\w-])|(?-i:TL)(?=\s?\d)|"
    # South Africa's "R 1 299.00": only before a price-sized amount ("R16" tyres, "R32" refrigerant
    # and "DZK4R2MBM" codes are none)
    r"(?<![0-9/])(?-i:R)(?=\s?(?:\d{1,3}(?:[ ,.\u00a0]\d{3})+|\d{3,}|\d+[.,]\d{2})(?![\dA-Za-z]))|"
    # so also Guatemala's "Q1,899.00" and Honduras' "L 12,999.00" (not "Q3 2024", "N95", "L 42")
    r"(?<![0-9/])(?-i:Q|L|K|P)(?=\s?(?:\d{1,3}(?:[ ,.\u00a0]\d{3})+(?:[.,]\d{2})?|\d+[.,]\d{2})(?![\dA-Za-z])))(?![^\W\d_]))",
    re.I,
)


def currency_in_text(text: str | None, *, country: str | None = None) -> str | None:
    """The currency written next to an amount in ``text`` ("30,000원~", "270,00 Kn", "EUR15.99")."""
    if not text:
        return None
    codes = [m for m in _CODE_IN_TEXT.finditer(text) if m.group(1) in _TEXT_CODES or m.group(1) in _LEGACY_CODES]
    beside = [m for m in codes if re.match(r"\s?\d", text[m.end():m.end() + 2])
              or re.search(r"\d\s?$", text[max(0, m.start() - 2):m.start()])]
    sign, sign_code = None, None
    for m in _SYMBOL_IN_TEXT.finditer(text):
        sign = re.sub(r"\s", "", m.group(1))
        sign_code = normalize_currency(sign, country=country)
        if sign_code:
            break
    # a code beside the amount ("EUR 15.99", "$15.99 CAD": it settles an ambiguous sign), else the
    # sign (a "TOP" badge before "499,00 €", "GEL" beside "$12.95" are no codes), else a code anywhere
    if beside and (not sign_code or sign.casefold() in _AMBIGUOUS):
        return normalize_currency(beside[0].group(1))
    if sign_code:
        return sign_code
    return normalize_currency(codes[0].group(1)) if codes else None


def default_currency(country: str | None) -> str | None:
    """The currency of the shop's country when the page states none (only where there is one)."""
    codes = [c for c, _ in _country_currencies(country)]
    return codes[0] if len(codes) == 1 else None


# An amount written with a dash for its (zero) cents, "5.299,-", "49.–", "8 490:-": a price in the
# Nordic, Central European and Swiss way even with no currency beside it (Proshop's
# "site-currency-attention"); its currency is the shop country's.
DASH_PRICE = re.compile(r"(?<![\w.,])\d{1,3}(?:[.\s\u00a0']\d{3})*[,.:][-–](?![\w-])")


def looks_like_price(text: str | None) -> bool:
    """True when ``text`` is short and carries an amount next to a currency marker."""
    if not text or len(text) > 60 or not re.search(r"\d", text):
        return False
    return currency_in_text(text) is not None or bool(_SYMBOL_IN_TEXT.search(text))


def money_in(text: str) -> bool:
    """Cheap test: ``text`` holds a currency symbol or an ISO 4217 code."""
    if _SYMBOL_IN_TEXT.search(text):
        return True
    return any(code in _TEXT_CODES or code in _LEGACY_CODES for code in _CODE_IN_TEXT.findall(text))

"""The product facts a generator works from, and text helpers shared by the generators."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation


@dataclass(frozen=True)
class ProductBrief:
    """What the scraper learnt about one product (plain data, no ORM rows)."""

    title: str
    description: str = ""
    price: Decimal | None = None
    currency: str = ""
    brand: str = ""
    url: str = ""
    list_price: Decimal | None = None  # the struck "was"/RRP price the shop shows, when above price
    rating: Decimal | None = None  # average rating on a 0-5 scale, from the shop's markup
    rating_count: int | None = None
    # a regeneration: the user's instruction ("shorter headline, mention free shipping")
    instruction: str = ""
    language: str = ""  # the page's locale, BCP 47 ("de-CH"); "" when unknown (English copy)
    # the workspace's core.brand.BrandKit, when it has one (not part of equality/hash)
    brand_kit: object = field(default=None, compare=False, hash=False)


# a rating is shown on a banner (a widget, or told to Gemini) from this average of 5 up: a
# lower one is no selling point ("★ 2.0 (5)" advertises against the product)
RATING_SHOWN_FROM = Decimal("4.0")


def rating_worth_showing(value: object) -> bool:
    """Whether a rating (an average of 5: a number, or its text "4,5") goes on a banner: a
    finite one from RATING_SHOWN_FROM up (the one rule for both generators)."""
    try:
        rating = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        return False
    return rating.is_finite() and rating >= RATING_SHOWN_FROM

_RTL_BIDI = {"R", "AL"}


def is_rtl(text: str) -> bool:
    """True when the first strongly directional character is right-to-left (Arabic, Hebrew)."""
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi in _RTL_BIDI:
            return True
        if bidi == "L":
            return False
    return False


def is_latin(text: str) -> bool:
    """True when most letters are Latin (English templates only suit those titles)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return True
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    return latin / len(letters) >= 0.7


def clean_text(text: str | None) -> str:
    """Collapse whitespace and drop control characters (scraped text is messy)."""
    text = "".join(c for c in (text or "") if unicodedata.category(c)[0] != "C" or c in "\n\t")
    return re.sub(r"\s+", " ", text).strip()


# where a Chinese/Japanese text may be cut: a space or a full-width punctuation mark
_CJK_BREAK = re.compile(r"[\s，、。；：！？）】」』〉》·・]")


def clip_words(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary. Chinese/Japanese text (which
    writes words without spaces) is cut after a space or punctuation mark when one leaves at
    least half the room used, else inside the run, marked "…" (a walk-through saw
    "…安卓智能高清播" — 播放器, "player", cut in two with nothing to say so)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if any(_is_cjk(c) for c in cut) and not _CJK_BREAK.match(text[limit]):
        breaks = [m.end() for m in _CJK_BREAK.finditer(cut)]
        at = next((b for b in reversed(breaks) if b >= limit // 2), None)
        kept = cut[:at].rstrip(" ,;:-–—|/(，、；：·・").strip() if at is not None else ""
        if kept:
            return kept
        head = cut[: limit - 1].rstrip(" ,;:-–—|/(，、；：·・").strip()
        # (nothing left but punctuation, or no room for a mark: the characters as they come)
        return head + "…" if head and limit > 1 else cut
    if " " in cut and not _is_cjk(cut[-1]):
        cut = without_dangling_words(cut[: cut.rfind(" ")])
    return cut.rstrip(" ,;:-–—|/(").strip()


def with_ellipsis(cut: str) -> str:
    """A cut text marked "…" once (clip_words marks a Chinese/Japanese cut inside a run itself)."""
    return cut if cut.endswith("…") else cut + "…"


# words a cut must not end on: articles, conjunctions, prepositions (the languages shops write in)
_FUNCTION_WORDS = frozenset("""
    the and for with from into onto over under without per via than plus
    der die das den dem des ein eine einen und oder mit von vom für zum zur aus bei ohne
    les des une avec pour sans sur aux par dans chez
    los las una uno del con por para sin sobre entre
    gli una con per del dei della delle senza
    com uma dos das para sem pelo pela
    het een van met voor bij naar
    och med för till utan eller
    dla lub oraz bez przy pod nad ze
    pro nebo při
""".split())


def without_dangling_words(cut: str) -> str:
    """A cut text that never ends on a dangling word: "… ZARĘCZYNOWY Z" (of "… Z
    BRYLANTAMI"), "on the", "Base cab for" (a letter or two, or an article, conjunction or
    preposition; a short noun such as "mug" or "cab" stays)."""
    for _ in range(3):
        head, _, last = cut.rpartition(" ")
        # (lower case only: "Pro", "Plus", "Uno", "Van" in a product's name are no function words)
        if head and (len(last) <= 2 and not last.isdigit() or last in _FUNCTION_WORDS):
            cut = head.rstrip(" ,;:-–—|/(")
    return cut.rstrip(" ,;:-–—|/(").strip()


def _is_cjk(ch: str) -> bool:
    return "CJK" in unicodedata.name(ch, "") or "HIRAGANA" in unicodedata.name(ch, "")


_SEPARATORS = re.compile(r"\s[-–—|:•·]\s|\s\(|\s\[|,\s|，|、|｜")
_SPEC_TAIL = re.compile(
    r"\s+(\d+([.,]\d+)?\s?(ml|l|g|kg|oz|cm|mm|m|in|inch|gb|tb|w|v|mah|pcs|pack|x\s?\d+)\b.*)$",
    re.IGNORECASE,
)


def short_title(title: str, brand: str = "", limit: int = 40) -> str:
    """A banner-friendly product name: no brand prefix, no SKU/spec tail, ≤ ``limit``."""
    title = clean_text(title)
    if brand and title.lower().startswith(brand.lower() + " ") and len(title) > len(brand) + 3:
        # "Eau Duelle | Diptyque | Women" with brand "Eau Duelle": not "| Diptyque"
        title = title[len(brand) :].strip().lstrip("-–—|:•·,/ ").strip() or title
    head = _SEPARATORS.split(title, maxsplit=1)[0].strip()
    if len(head) >= 3:
        title = head
    title = _SPEC_TAIL.sub("", title).strip() or title
    return clip_words(title, limit)


_LIST_MARKER = re.compile(r"(^|[.!?:]\s+|\n)(\d{1,2})[.)](?:\s+(?=[^\W\d_])|\s*$)")
_NUMBER_WORD = re.compile(r"(?:\bNo|\bNr|#|№)\.?\s*$", re.I)  # "No. 1." is a rank, not a list's item


def _in_sequence(numbers: set[int]) -> set[int]:
    """The numbers that have a neighbour in ``numbers`` (list items 3 and 4; not a lone 49 or 99)."""
    return {n for n in numbers if n - 1 in numbers or n + 1 in numbers}


_GLUED = re.compile(r"(?<![A-Za-z])([a-z]{3,}|\d+%)([A-Z][a-z]{2,})")


def sentences(text: str) -> list[str]:
    """Split a description into sentences (Latin, CJK and Arabic full stops). A Latin stop
    ends a sentence only before a space and a word that does not go on in lower case or with
    a digit: "3.7V", "3.4 oz", "ca. 50 cm", "z.B. aus" stay inside their sentence."""
    # a numbered list's markers ("…every day. 3. Pairs in seconds", "1) Light") start their
    # sentence and are no part of it (else "3." joined the sentence before it)
    text = clean_text(text)
    numbers = {int(m.group(2)) for m in _LIST_MARKER.finditer(text)}
    if any(n + 1 in numbers for n in numbers):  # a sequence ("3." then "4."), not "No. 1." or "49. 99."
        text = _LIST_MARKER.sub(lambda m: m.group(1) if int(m.group(2)) in _in_sequence(numbers)
                                and not _NUMBER_WORD.search(text[:m.start(2)]) else m.group(0), text)
    # list items a shop ran together when it stripped its HTML ("Jojoba ExtractNatural 100%Promotes
    # healthier beardEnhances growth", Jumia's JSON-LD): a lower-case word or a number glued to a
    # capitalised word, twice or more in the text, parts it as a line end (names glue capitals or
    # digits: "PlayStation", "YouTube", "iPhone", "S23Ultra", "100Pcs" stay whole)
    if len(_GLUED.findall(text)) >= 2:
        text = _GLUED.sub("\\1\u2029\\2", text)
    parts = re.split(r"(?<=[.!?])\s+|(?<=[。！？؟])\s*|\n+|\s•\s|\u2029", text)
    merged: list[str] = []
    for part in parts:
        if merged and part and (part[0].islower() or part[0].isdigit()) and merged[-1].endswith("."):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return [p.strip(" -•*") for p in merged if len(p.strip()) >= 8]


def format_price(price: Decimal | None, currency: str, locale: str | None = None) -> str:
    """The price as the shop's locale prints it ("24,99 €" on a German page, "$24.990" in
    Chile, no decimals for JPY/KRW/CLP); English style when the locale is unknown."""
    if price is None:
        return ""
    from core.locale import format_money

    # bidi marks (Hebrew's RLM) are for layout engines we do not use: the renderer shapes RTL
    return "".join(c for c in format_money(price, currency, locale or None)
                   if c not in "\u200e\u200f\u061c")

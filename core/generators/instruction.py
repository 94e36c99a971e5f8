"""A user's instruction for a regenerated banner ("shorter headline, mention free shipping").

Gemini gets the instruction verbatim in its prompt. The offline generator cannot read free
text, so it follows the instructions people actually give in review, recognised by phrase
(each clause separated by commas, "and" or ";"):

* ``shorter headline`` / ``short headline`` — the product's name alone when the headline
  frames it ("Don't miss the Brass Desk Lamp" → "Brass Desk Lamp"; never a frame without the
  name), else the headline cut to about half at a word, never ending on a short word such as
  "for" or "&" (a name of up to four words stays)
* ``longer subtitle`` is not possible offline and is ignored
* ``mention free shipping`` — a free-shipping chip (the subtitle does not say it again)
* ``mention <anything>`` — the subtitle leads with it
* ``headline: <text>`` / ``subtitle: <text>`` / ``button: <text>`` (or ``cta: <text>``) — that text
* ``no price`` / ``hide the price`` — the price badge is dropped, and a headline or subtitle
  that prints the price gives way to the name / loses that sentence
* ``uppercase headline`` — the headline in capitals
"""

from __future__ import annotations

import re

from core.generators.brief import clip_words, sentences, with_ellipsis, without_dangling_words
from core.prefill import CTA_MAX, HEADLINE_MAX, SUBTITLE_MAX

_CLAUSES = re.compile(r"\s*(?:[,;\n]|\band\b|\.\s)\s*", re.I)


def clauses(instruction: str) -> list[str]:
    return [c.strip(" .") for c in _CLAUSES.split(instruction or "") if c and c.strip(" .")]


def apply_instruction(prefill: dict, instruction: str, *, title: str | None = None,
                      price: str | None = None, free_shipping: str = "Free shipping") -> dict:
    """``prefill`` changed as the recognised clauses of ``instruction`` say (a copy).
    ``title``: the product's short name; ``price``: its price as printed in the copy;
    ``free_shipping``: the words for it in the banner's language ("Kostenloser Versand")."""
    out = dict(prefill)
    widgets = [dict(w) for w in out.get("widgets") or []]
    for clause in clauses(instruction):
        low = clause.casefold()
        if m := re.match(r"(headline|title|subtitle|button|cta)\s*[:=]\s*(.+)", clause, re.I):
            field = {"title": "headline", "button": "cta_text", "cta": "cta_text"}.get(
                m.group(1).lower(), m.group(1).lower())
            limit = {"headline": HEADLINE_MAX, "subtitle": SUBTITLE_MAX, "cta_text": CTA_MAX}[field]
            out[field] = clip_words(m.group(2).strip().strip("\"'“”"), limit)
        elif "short" in low and ("headline" in low or "title" in low):
            head = out.get("headline") or ""
            if title and title.casefold() in head.casefold() and len(title) < len(head):
                out["headline"] = title  # the frame goes, the name stays
            else:  # a long name is cut to about half, but to no fewer than three words
                words = head.split()
                if len(words) > 4:
                    out["headline"] = without_dangling_words(" ".join(words[:max(3, (len(words) + 1) // 2)]))
        elif "upper" in low and "headline" in low:
            out["headline"] = (out.get("headline") or "").upper()
        elif re.search(r"\b(no|hide|without|drop|remove)\b.*\bprice\b", low):
            widgets = [w for w in widgets if w.get("type") != "price_badge"]
            if price and price in (out.get("headline") or ""):
                out["headline"] = title or (out.get("headline") or "").replace(price, "").strip(" ,:;–-")
            if price and price in (out.get("subtitle") or ""):
                kept = [x for x in sentences(out["subtitle"]) if price not in x]
                out["subtitle"] = clip_words(" ".join(kept), SUBTITLE_MAX)
        elif m := re.match(r"(?:mention|say|add|include|highlight)\s+(?:the\s+)?(.+)", clause, re.I):
            thing = m.group(1).strip()
            if "free shipping" in thing.casefold() or "free delivery" in thing.casefold():
                # the chip says it; the subtitle saying it too was said twice (two walk-throughs)
                if not any(w.get("type") == "free_shipping" for w in widgets):
                    widgets.append({"type": "free_shipping", "label": free_shipping})
                continue
            thing = thing[:1].upper() + thing[1:]
            sub = out.get("subtitle") or ""
            if thing.casefold() not in sub.casefold():
                joined = f"{thing} · {sub}" if sub else thing
                cut = clip_words(joined, SUBTITLE_MAX - 1)
                # a subtitle cut to make room says so ("… breathable mesh" ended mid-phrase)
                out["subtitle"] = (joined if len(joined) <= SUBTITLE_MAX
                                   else with_ellipsis(cut) if cut and len(cut) > len(thing)
                                   else clip_words(thing, SUBTITLE_MAX))
    out["widgets"] = widgets
    return out

"""Fitting text into a box with the real fonts: break opportunities (spaces, CJK characters),
greedy wrapping, shrinking from a maximum to a minimum size, an ellipsis as the last resort
(always reported)."""

from __future__ import annotations

import unicodedata

from core import fonts
from core.generators.brief import is_rtl
from core.render.geometry import Box, TextBlock


def _tokens(text: str) -> list[str]:
    """Break opportunities: after spaces, and between CJK characters (no spaces there)."""
    out: list[str] = []
    buf = ""
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in ("W", "F") and not fonts.is_emoji(ch)
        if wide:
            if buf:
                out.append(buf)
            out.append(ch)
            buf = ""
        elif ch == " ":
            out.append(buf + ch)
            buf = ""
        else:
            buf += ch
    if buf:
        out.append(buf)
    # CJK punctuation, the long-vowel mark and small kana must not start a line (kinsoku):
    # glue them to the character before; an amount keeps its currency or unit on its line
    glued: list[str] = []
    for tok in out:
        if glued and (tok in "，。、！？：；）」』】ーぁぃぅぇぉっゃゅょァィゥェォッャュョ"
                      or glued[-1] in _NO_LINE_END or _with_amount(glued[-1], tok)):
            glued[-1] += tok
        else:
            glued.append(tok)
    return glued


def _with_amount(before: str, tok: str) -> bool:
    """True where ``tok`` belongs on the line of ``before``: a currency or unit after a number
    ("130.00 ج.م." left "ج.م." alone on a strip's second line — a walk-through; "42 cm"), or a
    number after a currency ("EGP 130.00", "$ 10")."""
    word = tok.strip()
    if not word or not before.endswith(" ") or not before.split():
        return False
    last = before.split()[-1]
    if last[-1].isdigit():  # a currency sign or code, a unit, an abbreviation ("ج.م.", "руб.", "cm")
        return len(word) <= 4 and not any(c.isdigit() for c in word) and (
            any(unicodedata.category(c) == "Sc" for c in word) or not word.isascii()
            or word.endswith(".") or (word.isalpha() and (len(word) <= 2 or word.isupper())))
    if word[0].isdigit() or unicodedata.category(word[0]) == "Sc":  # "EGP 130.00", "$ 10"
        return unicodedata.category(last[-1]) == "Sc" or (len(last) == 3 and last.isalpha()
                                                          and last.isupper() and last.isascii())
    return False


# …and a currency sign or an opening bracket must not end one ("￥" alone, "1,296" below)
_NO_LINE_END = frozenset("￥＄￡￦¥（「『【〈《")


def _wrap_words(text: str, size: int, bold: bool, width: int, family: str = "") -> tuple[list[str], bool]:
    """Greedy wrap, and whether a word longer than the line had to be broken by characters."""
    broke = False
    lines: list[str] = []
    line = ""
    tokens = _tokens(text)
    while tokens:
        tok = tokens.pop(0)
        if fonts.text_width((line + tok).rstrip(), size, bold, family) <= width:
            line += tok
            continue
        if " " in tok.rstrip() and fonts.text_width(tok.rstrip(), size, bold, family) > width:
            # an amount kept together ("EGP 1,299.00") that no line holds: its words part again
            # before any is broken by characters (a review saw "EGP 1,2" / "99.00")
            parts = tok.split(" ")
            tokens[:0] = [p + " " for p in parts[:-1] if p] + ([parts[-1]] if parts[-1] else [])
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        while fonts.text_width(tok.rstrip(), size, bold, family) > width and len(tok) > 1:
            cut = len(tok) - 1
            while cut > 1 and fonts.text_width(tok[:cut], size, bold, family) > width:
                cut = max(1, int(cut * 0.8)) if cut > 8 else cut - 1
            lines.append(tok[:cut])
            tok = tok[cut:]
            broke = True
        line = tok
    if line.strip():
        lines.append(line.rstrip())
    return lines, broke


def _ellipsize(line: str, size: int, bold: bool, width: int, family: str = "") -> str:
    while line and fonts.text_width(line + "…", size, bold, family) > width:
        line = line[:-1]
    return line.rstrip() + "…"


def fit_text(name: str, text: str, box: Box, *, max_size: int, min_size: int, max_lines: int,
             bold: bool, color: str, align: str, warnings: list[str], family: str = "",
             floor: int | None = None) -> TextBlock:
    """The largest size (max → min) at which ``text`` fits ``box`` in ≤ ``max_lines`` lines.

    ``floor`` (the quality gate's fix) lets the size go below ``min_size`` down to it."""
    rtl = is_rtl(text)
    natural_min = min_size
    if floor is not None:
        min_size = min(min_size, floor)
    max_size = max(max_size, min_size)
    size = max_size
    while True:
        lh = round(size * 1.22)
        lines, broke = _wrap_words(text, size, bold, box.w, family) if text else ([], False)
        # a word broken by characters ("Nachtkomm/ode") does not fit: a smaller size is tried
        if len(lines) <= max_lines and len(lines) * lh <= box.h and (not broke or size <= min_size):
            if broke:
                warnings.append(f"{name} does not fit its box without breaking a word, even at "
                                f"the minimum size {size}px: it is broken across lines — shorten "
                                f"the {name}")
            break
        if size <= min_size:
            keep = max(1, min(max_lines, box.h // lh))
            shown = lines[:keep]
            shown[-1] = _ellipsize(shown[-1], size, bold, box.w, family)
            hidden = len(" ".join(lines)) - len(" ".join(lines[:keep]))
            warnings.append(
                f"{name} does not fit its box at the minimum size {size}px: "
                f"{hidden} characters are cut — shorten the {name}"
            )
            lines = shown
            break
        size = max(min_size, int(size * 0.9))
    lh = round(size * 1.22)
    return TextBlock(name, Box(box.x, box.y, box.w, len(lines) * lh), lines, size, bold,
                     color, align, rtl, lh, family, natural_min)

"""A long word shrinks the text instead of being broken (found walking through production:
a text-only square banner printed "Nachtkomm / ode JULIETTA" while its fit check passed)."""

from __future__ import annotations

import pytest

from core import fonts
from core.render.geometry import Box
from core.render.text_fit import fit_text


def test_a_long_word_shrinks_the_size_rather_than_being_broken():
    width = fonts.text_width("Nachtkommode", 70, True) + 2  # fits at 70 px, not at 96
    warnings: list[str] = []
    block = fit_text("headline", "Nachtkommode JULIETTA", Box(0, 0, width, 1000), max_size=96,
                     min_size=30, max_lines=3, bold=True, color="#000", align="left", warnings=warnings)
    assert block.size <= 70 and block.size >= 30
    assert all(word in ("Nachtkommode", "JULIETTA") for line in block.lines for word in line.split())
    assert warnings == []


def test_a_word_too_long_even_at_the_minimum_size_is_broken_and_reported():
    width = fonts.text_width("Nachtkommode", 20, True)
    warnings: list[str] = []
    block = fit_text("headline", "Nachtkommode", Box(0, 0, width, 1000), max_size=60, min_size=30,
                     max_lines=4, bold=True, color="#000", align="left", warnings=warnings)
    assert block.size == 30 and len(block.lines) > 1
    assert warnings and "broken across lines" in warnings[0]


def test_a_yen_sign_never_ends_a_line_away_from_its_amount():
    # a walk-through saw a story banner break "… ￥" / "1,296": the sign goes with its number
    text = "異世界おもいで食堂 ￥1,296"
    price = fonts.text_width("￥1,296", 40, True)
    for width_chars in range(3, 12):
        width = max(price, fonts.text_width("異" * width_chars, 40, True))  # the amount fits a line
        block = fit_text("headline", text, Box(0, 0, width, 2000), max_size=40, min_size=40,
                         max_lines=10, bold=True, color="#000", align="left", warnings=[])
        assert all(not line.rstrip().endswith("￥") for line in block.lines), block.lines
        assert any("￥1,296" in line for line in block.lines), block.lines


@pytest.mark.parametrize("text,amount", [("كوب قهوة سيراميك أحمر بـ 130.00 ج.م.", "130.00 ج.م."),
                                         ("Beard Oil for a soft beard EGP 130.00", "EGP 130.00"),
                                         ("Tasse aus Ton für 1.224,99 €", "1.224,99 €")])
def test_an_amount_keeps_its_currency_on_its_line(text, amount):
    # a walk-through: a 728×90 strip's Arabic headline wrapped so that "ج.م." sat alone on line 2
    from core.render.text_fit import _wrap_words

    full = fonts.text_width(text, 30, True)
    for width in range(int(full * 0.45), int(full), 7):
        lines, _broke = _wrap_words(text, 30, True, width)
        assert any(amount in line for line in lines), (width, lines)
    # an amount no line holds parts at its own space, not inside the number (a review: "EGP 1,2")
    amount_w = fonts.text_width(amount, 30, True)
    widest = max(fonts.text_width(word, 30, True) for word in text.split())
    assert widest < amount_w - 5
    lines, broke = _wrap_words(text, 30, True, int((widest + amount_w) / 2))
    assert not broke and all(not line.startswith(" ") for line in lines), lines
    assert " ".join(lines).split() == text.split(), lines
    # words after an amount still wrap as words ("2 get", "3 you" are no unit)
    from core.render.text_fit import _tokens

    assert _tokens("Buy 2 get one free") == ["Buy ", "2 ", "get ", "one ", "free"]
    assert _tokens("Size 42 cm only") == ["Size ", "42 cm ", "only"]

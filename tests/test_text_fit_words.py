"""A long word shrinks the text instead of being broken (found walking through production:
a text-only square banner printed "Nachtkomm / ode JULIETTA" while its fit check passed)."""

from __future__ import annotations

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

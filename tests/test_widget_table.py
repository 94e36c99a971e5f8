"""The Edit form's widget table: empty cells are empty, not "None" (walk-through), and an
untouched table saves the same widgets."""

from __future__ import annotations

from pages.prefill_form import _widget_frame, widgets_from_rows


def test_empty_cells_are_blank_and_the_table_round_trips():
    widgets = [{"type": "price_badge", "price": "19.90", "currency": "EUR", "locale": "de-DE"},
               {"type": "discount", "percent": 20}]
    frame = _widget_frame(widgets)
    assert frame.loc[0, "percent"] == "" and frame.loc[1, "price"] == ""
    assert "None" not in frame.astype(str).to_string()
    assert widgets_from_rows(frame.to_dict("records")) == widgets

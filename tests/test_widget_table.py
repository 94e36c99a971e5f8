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


def test_price_badge_amounts_carry_the_currencys_minor_units():
    """Walk-through: a Chilean product's badge read "24990.00" in the Edit form and the
    API; pesos have no minor units. Dinars have three; a fraction the currency lacks is
    kept as written, never rounded away."""
    from core.prefill import PriceBadge

    def said(price, currency, compare_at=None):
        badge = PriceBadge(price=price, currency=currency, compare_at=compare_at)
        return badge.price, badge.compare_at

    assert said("24990.00", "CLP", "29990") == ("24990", "29990")
    assert said("1000", "jpy") == ("1000", None)
    assert said("1.25", "KWD") == ("1.250", None)
    assert said("24.9", "EUR", "30") == ("24.90", "30.00")
    assert said("24.999", "EUR") == ("24.999", None)
    assert said("24990.5", "CLP") == ("24990.5", None)
    assert said("5", "") == ("5.00", None)
    frame = _widget_frame([PriceBadge(price="24990.00", currency="CLP").model_dump()])
    assert frame.loc[0, "price"] == "24990"


def test_a_price_badge_currency_must_be_a_real_currency():
    # a walk-through: PATCH with currency "QQQ" was accepted and the banner drew "QQQ9.99"
    import pytest

    from core.errors import ValidationError
    from core.prefill import validate_prefill
    from tests.factories import a_prefill

    for code in ("QQQ", "ABC"):
        with pytest.raises(ValidationError, match=f"{code} is not an ISO 4217 currency code"):
            validate_prefill({**a_prefill(), "widgets": [{"type": "price_badge", "price": "9.99",
                                                          "currency": code.lower()}]})
    ok = validate_prefill({**a_prefill(), "widgets": [{"type": "price_badge", "price": "9.99",
                                                       "currency": "vES"}]})
    assert ok["widgets"][0]["currency"] == "VES"


def test_a_price_badge_amount_out_of_range_is_refused_or_rounded_not_a_crash():
    # the code review: "1E+26" raised decimal.InvalidOperation past the validator (a 500 and a
    # crashed form); "1E-999999" was written out as a million-character price
    import pytest

    from core.errors import ValidationError
    from core.prefill import PriceBadge, validate_prefill
    from tests.factories import a_prefill

    with pytest.raises(ValidationError, match="must be less than 1,000,000,000,000"):
        validate_prefill({**a_prefill(), "widgets": [{"type": "price_badge", "price": "1E+26",
                                                      "currency": "EUR"}]})
    assert PriceBadge(price="1E-999999", currency="EUR").price == "0.00"
    assert PriceBadge(price="999999999999", currency="CLP").price == "999999999999"
    assert PriceBadge(price="9.99", currency="xxx").currency == "XXX"



def test_the_columns_holding_values_come_first():
    # a walk-through: in a 370 px card the price badge's currency and struck price were out of
    # sight, to the right of the empty "text" and "label" columns
    from pages.prefill_form import WIDGET_COLUMNS, widget_column_order

    frame = _widget_frame([{"type": "price_badge", "price": "24.99", "currency": "EUR", "compare_at": "29.99"},
                           {"type": "rating", "value": 4.5, "count": 12}])
    order = widget_column_order(frame)
    assert order[:6] == ["type", "price", "currency", "compare_at", "value", "count"], order
    assert sorted(order) == sorted(WIDGET_COLUMNS)  # every column still there, for new rows
    assert widget_column_order(_widget_frame([])) == WIDGET_COLUMNS  # nothing filled: the usual order

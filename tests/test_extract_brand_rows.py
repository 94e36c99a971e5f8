"""Brand rows of real shop templates seen on pages first scored in the twenty-second session:
a label indented past 80 characters, a maker's link followed by its country's flag, and a
classified site's "Other" chosen as the brand (formasaurus22.json: 853.html, 646.html)."""

from __future__ import annotations

import pytest

from core.extract import extract_product

PAGE = """<!DOCTYPE html><html><head><title>{name} / shop.example</title></head><body>
<div class="item"><h2>{name}</h2>
<div class="price"><span class="price2">{price}&nbsp;руб.</span> <a href="/basket/" class="buy">В корзину</a></div>
<div class="maker">
{indent}
{indent}{row}
</div>
<img src="/dbpics/1001_350px.jpg" alt="{name}"></div></body></html>"""


def brand(row: str, indent: str = " " * 32, name: str = "Эхолот Humminbird 788cxi HD DI Combo") -> str | None:
    html = PAGE.format(name=name, price="41 990.00", row=row, indent=indent)
    return extract_product(html, "http://www.shop.example/item/788cxi.html").brand


def test_a_label_row_is_read_whatever_the_template_s_indentation():
    row = 'Производитель:<a href="/manufacturer/humminbird_49.html">Humminbird</a>'
    assert brand(row, indent=" " * 32) == "Humminbird"  # the label's text node: 80 characters with its indent
    assert brand(row, indent=" " * 4) == "Humminbird"


def test_the_maker_s_link_is_the_value_not_the_country_after_its_flag():
    row = ('Производитель:<a href="/manufacturer/humminbird_49.html">Humminbird</a> '
           '<img src="/dbpics/53273.GIF" align="absmiddle">&nbsp;США')
    assert brand(row) == "Humminbird"
    # a value in words after the label stays whole
    assert brand("Производитель: Minn Kota", name="Эхолот 788cxi") == "Minn Kota"


@pytest.mark.parametrize("placeholder", ["Egyéb", "Other", "Sonstige", "Otros", "Autre", "Другое"])
def test_other_chosen_as_the_brand_is_no_brand(placeholder):
    html = f"""<html><head><title>Hat pólusú vízálló stekker</title></head><body>
    <h1>Hat pólusú vízálló stekker áron alul</h1>
    <div class="adparams adparams-brand">Márka: <strong> {placeholder} </strong></div>
    <span class="price">2 000&nbsp;Ft</span></body></html>"""
    assert extract_product(html, "http://www.jofogas.hu/bekes/x_19574450.htm").brand is None
    named = html.replace(placeholder, "Bosch")
    assert extract_product(named, "http://www.jofogas.hu/bekes/x_19574450.htm").brand == "Bosch"

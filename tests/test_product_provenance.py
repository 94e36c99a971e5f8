"""A product keeps the shop's list price, rating, per-field provenance and price conflict."""

from __future__ import annotations

from decimal import Decimal

from core.extract import extract_product
from core.pipeline.sources import _upsert_product
from db.engine import unit_of_work
from db.models import Product

PAGE = """<html><head><script type="application/ld+json">{"@type": "Product", "name": "Desk Lamp",
  "aggregateRating": {"ratingValue": "4.4", "reviewCount": "31"},
  "offers": {"price": "150.00", "priceCurrency": "USD"}}</script></head>
  <body><div class="product"><h1>Desk Lamp</h1><del>$180.00</del> <span class="price">$120.00</span>
  <button class="add-to-cart">Add to cart</button></div></body></html>"""


def test_a_scraped_product_stores_list_price_rating_provenance_and_conflict(db, workspace):
    extracted = extract_product(PAGE, "https://lamps.example.com/desk")
    assert extracted.price_conflict == "JSON-LD 150.00, page shows 120.00"
    values = dict(title=extracted.title, price=extracted.price, currency=extracted.currency,
                  list_price=extracted.list_price, rating=extracted.rating, rating_count=extracted.rating_count,
                  field_provenance=extracted.provenance, price_conflict=extracted.price_conflict,
                  field_sources=extracted.sources)
    product_id = _upsert_product(workspace, "https://lamps.example.com/desk", values)
    with unit_of_work() as session:
        row = session.get(Product, product_id)
        assert (row.rating, row.rating_count, row.price_conflict) == (Decimal("4.4"), 31, extracted.price_conflict)
        assert row.field_provenance["price"] == {"json-ld": "150.00", "html": "120.00"}

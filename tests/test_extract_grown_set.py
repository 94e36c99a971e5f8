"""The grown development set (tests/fixtures/extraction) and the page-only measure on the shared
pages, held to issue 12's targets: price, title and currency ≥ 0.95, brand and first image ≥ 0.92."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from w3lib.encoding import html_to_unicode

from bench.extraction import page_only
from core.extract import extract_product
from tests.conftest import shared_path
from tests.test_extract_fixtures import FIELDS, _check

GROWN = Path(__file__).parent / "fixtures" / "extraction"
TARGETS = {"title": 0.95, "price": 0.95, "currency": 0.95, "brand": 0.92, "first_image": 0.92}
# Structured data switched off, the page alone: what a shop without markup gets. Floors set
# one page under the figures of 2026-12-01 (title, price, first image 0.967 = 29/30; currency
# 0.933; brand 0.867), so losing two pages of any field fails.
PAGE_ONLY_FLOORS = {"title": 0.93, "price": 0.93, "currency": 0.9, "brand": 0.83, "first_image": 0.93}


def _rates(entries: list[dict], pages: Path) -> dict[str, float]:
    hits = dict.fromkeys(FIELDS, 0)
    for entry in entries:
        _, text = html_to_unicode(None, (pages / entry["file"]).read_bytes())
        got = extract_product(text, entry["page_url"]).to_json()
        for field in FIELDS:
            hits[field] += _check(entry, field, got)
    return {f: hits[f] / len(entries) for f in FIELDS}


def test_the_grown_set_reaches_the_issues_targets():
    entries = json.loads((GROWN / "truth.json").read_text(encoding="utf-8"))
    if not entries:
        pytest.skip("tests/fixtures/extraction holds no page yet (see its README)")
    rates = _rates(entries, GROWN / "pages")
    assert all(rates[f] >= TARGETS[f] for f in FIELDS), rates


def test_every_grown_page_is_recorded_with_its_source_and_hash():
    import hashlib

    for entry in json.loads((GROWN / "truth.json").read_text(encoding="utf-8")):
        data = (GROWN / "pages" / entry["file"]).read_bytes()
        assert entry["source_repo"] != "scrapinghub/product-extraction-benchmark", entry["file"]
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"], entry["file"]


def test_the_page_alone_still_gives_the_product_on_the_shared_pages():
    truth = json.loads(shared_path("fixtures", "truth.json").read_text(encoding="utf-8"))
    with page_only():
        rates = _rates(truth, shared_path("fixtures", "pages"))
    assert all(rates[f] >= PAGE_ONLY_FLOORS[f] for f in FIELDS), rates

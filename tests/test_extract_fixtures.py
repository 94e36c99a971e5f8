"""Golden tests on the real pages in ../shared/fixtures (truth.json), matched as its README says."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from decimal import Decimal

import pytest
from w3lib.encoding import html_to_unicode

from core.extract import extract_product
from tests.conftest import SHARED, shared_path

FIELDS = ("title", "price", "currency", "brand", "first_image")
# Known misses, kept visible: the brand appears only inside the product name on this page.
KNOWN_MISSES: set[tuple[str, str]] = set()  # none since 2026-12-01 (page 29: brand before its model code)


def _truth() -> list[dict]:
    path = SHARED / "fixtures" / "truth.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _norm(text):
    if text is None:
        return None
    text = unicodedata.normalize("NFKC", html.unescape(str(text)))
    text = text.replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text).strip().casefold()


def _text_ok(got, truth, alternatives) -> bool:
    wanted = [_norm(a) for a in alternatives or []]
    if truth is None:
        return _norm(got) in (None, "") or _norm(got) in wanted
    return _norm(got) in [_norm(truth)] + wanted


_cache: dict[str, dict] = {}


def _extract(entry: dict) -> dict:
    if entry["file"] not in _cache:
        raw = shared_path("fixtures", "pages", entry["file"]).read_bytes()
        _, text = html_to_unicode(None, raw)
        _cache[entry["file"]] = extract_product(text, entry["page_url"]).to_json()
    return _cache[entry["file"]]


def _check(entry: dict, field: str, got: dict) -> bool:
    if field == "title":
        return _text_ok(got["title"], entry["title"], entry.get("title_alternatives"))
    if field == "price":  # a null truth: the page shows no price, and none may be invented
        if entry["price"] is None:
            return got["price"] in (None, "")
        return got["price"] is not None and Decimal(got["price"]) == Decimal(entry["price"])
    if field == "currency":
        return (got["currency"] or None) == entry["currency"]
    if field == "brand":
        return _text_ok(got["brand"], entry["brand"], entry.get("brand_alternatives"))
    if not entry.get("first_images"):
        return not got["images"]
    first = html.unescape(got["images"][0]).casefold() if got["images"] else ""
    ident, regex = entry.get("first_image_id"), entry.get("first_image_regex")
    return bool(first) and bool((ident and ident.casefold() in first) or (regex and re.search(regex, first, re.I)))


CASES = [
    pytest.param(e, f, id=f"{e['file'][:2]}-{f}",
                 marks=[pytest.mark.xfail(strict=True, reason="known miss")] if (e["file"], f) in KNOWN_MISSES else [])
    for e in _truth() for f in FIELDS
] or [pytest.param(None, None, id="fixtures-absent")]


@pytest.mark.parametrize("entry,field", CASES)
def test_real_pages_match_their_truth(entry, field):
    if entry is None:
        shared_path("fixtures", "truth.json")  # skips locally, fails under CI
        return
    got = _extract(entry)
    assert _check(entry, field, got), f"{entry['file']} {field}: got {got.get(field if field != 'first_image' else 'images')!r}"


def test_every_field_reaches_95_percent_on_the_fixture_set():
    truth = json.loads(shared_path("fixtures", "truth.json").read_text(encoding="utf-8"))
    for field in FIELDS:
        hits = sum(_check(e, field, _extract(e)) for e in truth)
        assert hits / len(truth) >= 0.95, f"{field}: {hits}/{len(truth)}"


def test_every_page_records_where_its_fields_came_from():
    truth = json.loads(shared_path("fixtures", "truth.json").read_text(encoding="utf-8"))
    for entry in truth:
        got = _extract(entry)
        assert {"title", "price", "images"} <= set(got["sources"]), entry["file"]

"""A review's counter-examples (2026-12-03, eleventh session): realistic product pages written from
real storefronts' templates (SAP Spartacus, Amazon.co.jp, Coupang, Jumia, Flipkart, Next.js with
Emotion CSS…) on which the extractor read a field wrong. Each entry keeps what it read before the
fix (``was``), why that is wrong, and what a shopper sees (``want``); the pages are in
``tests/fixtures/extraction/review_eleventh.json``."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from core.extract import extract_product

_HERE = Path(__file__).parent / "fixtures" / "extraction"
# the review's cases, then a second review's: pages on which this session's own new rules misfired;
# then the twelfth session's (the kinds the eleventh left: "5.299,-" prices, background-image galleries…)
# and its regressions; then the thirteenth session's, and the pages its regression and code reviews built;
# then the fourteenth's (a brand's own shop: its label is the brand; a struck price then the sale price in
# pieces) and the price boxes its regression review built; then the fifteenth's (prices in pieces: split
# cents with the sign after them, a sign in its own span before the amount, ranges, prices for some
# shoppers only) and its regression review's price boxes; then the sixteenth's (a broad review's pages) and
# the pages its regression review built to break this session's rules, and the broad review's pages (each
# field it reads right now); then the seventeenth's regression review (pages built to break its rules, some
# of them the session's real JD and Bandcamp pages with a few lines changed: ``base`` and line ``edits``); then
# the eighteenth's (pages built to break its brand-heading, logo-host, own-label and main-part rules: each
# field it reads right now); then the nineteenth's (pages built to break a byline rule, withdrawn, and its
# publisher-link rule: each field read right now, the shopper's brand in ``why`` where it differs); then the
# twentieth's (pages built to break its brand-refinement link and "Studio:" rules, each field read right now)
CASES = [case for name in ("review_eleventh.json", "review_eleventh_regressions.json", "review_twelfth.json",
                                   "review_twelfth_regressions.json", "review_thirteenth.json",
                                   "review_thirteenth_regressions.json", "review_fourteenth.json",
                                   "review_fourteenth_regressions.json", "review_fifteenth.json",
                                   "review_fifteenth_regressions.json", "review_sixteenth.json",
                                   "review_sixteenth_regressions.json", "review_sixteenth_broad.json",
                                   "review_seventeenth_regressions.json", "review_eighteenth_regressions.json",
                                   "review_nineteenth_regressions.json", "review_twentieth_regressions.json")
         for case in json.loads((_HERE / name).read_text(encoding="utf-8"))]


def _html(case: dict) -> str:
    """The case's page: its own HTML, or a committed real page with the case's line edits applied."""
    if "html" in case:
        return case["html"]
    lines = (_HERE / "github" / case["base"]).read_text(encoding="utf-8").splitlines(keepends=True)
    out, pos = [], 0
    for start, end, new in case["edits"]:
        out += lines[pos:start] + new
        pos = end
    return "".join(out + lines[pos:])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_review_case_reads_what_a_shopper_sees(case):
    got = extract_product(_html(case), case["url"]).to_json()
    got["image"] = (got["images"] or [None])[0]  # the first gallery image
    for field, want in case["want"].items():
        if field in ("price", "list_price") and want is not None:
            assert got[field] is not None and Decimal(got[field]) == Decimal(want), (field, got[field], case["why"])
        else:
            assert got[field] == want, (field, got[field], case["why"])

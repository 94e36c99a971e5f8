"""Issue 12 in a real browser: a shop page whose markup and visible text disagree on the price.

The dashboard runs as ``make run`` does, with a Gemini key pointed at the fake Gemini server
(the real SDK underneath). The page's JSON-LD says 150.00, the page shows $120.00 beside a
struck-through $180.00. The Previews page must flag the disagreement with what Gemini read,
print the price the banners use, and the list price as "was".
"""

from __future__ import annotations

import re

import pytest

from tests.browser.harness import dashboard, wait_ready
from tests.fakes.gemini_server import FakeGemini
from tests.httpserver import LocalServer
from tests.productsite import product_photo

HTML = {"Content-Type": "text/html; charset=utf-8"}
PNG = {"Content-Type": "image/png"}

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Desk Lamp | Lamps</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Product",
 "name": "Arc Desk Lamp", "brand": "Lumo", "image": ["/img/lamp-0.png", "/img/lamp-1.png"],
 "offers": {"@type": "Offer", "price": "150.00", "priceCurrency": "USD"}}</script></head>
<body><div class="product"><h1>Arc Desk Lamp</h1>
<img src="/img/lamp-0.png" width="800" height="800" alt="Arc Desk Lamp">
<img src="/img/lamp-1.png" width="800" height="800" alt="Arc Desk Lamp">
<del>$180.00</del> <span class="price">$120.00</span>
<button class="add-to-cart">Add to cart</button></div></body></html>"""


@pytest.fixture(scope="module")
def shop():
    with LocalServer() as site:
        site.routes["/lamp"] = (200, HTML, PAGE.encode())
        for i in range(2):
            site.routes[f"/img/lamp-{i}.png"] = (200, PNG, product_photo(((240, 190, 40), (40, 40, 40)), variant=i))
        yield site


@pytest.fixture(scope="module")
def gemini():
    with FakeGemini() as fake:
        fake.default_reading = {"title": None, "price": "$120.00", "list_price": "$180.00",
                                "currency": "USD", "brand": None}
        yield fake


@pytest.fixture(scope="module")
def app(shop, gemini, tmp_path_factory):
    env = {"GEMINI_API_KEY": "AIzaTEST-not-a-real-key-0123456789", "GEMINI_BASE_URL": gemini.base_url,
           "GENERATION_TIMEOUT_SECONDS": "20"}
    with dashboard(env, workdir=tmp_path_factory.mktemp("price-check")) as base:
        yield base


def test_a_price_the_sources_disagree_on_is_flagged_with_gemini_s_reading(browser, app, shop, gemini):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{app}/new_batch")
    wait_ready(page, 60_000)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        files=[{"name": "urls.csv", "mimeType": "text/csv",
                "buffer": f"url,batch_size\n{shop.url('/lamp')},1\n".encode()}])
    page.wait_for_selector("text=1 URL → 1 preview", timeout=30_000)
    page.get_by_role("button", name="Generate").click()
    page.wait_for_url(re.compile(r".*/previews\?batch=[0-9a-f-]{36}"), timeout=30_000)
    page.wait_for_selector("text=1/1 finished", timeout=180_000)
    wait_ready(page)
    heading = page.locator("h3", has_text="Arc Desk Lamp").first.inner_text()
    assert "120.00 USD" in heading and "was 180.00 USD" in heading, heading
    flag = page.get_by_text("Check the price.").locator("xpath=ancestor::*[@data-testid='stMarkdownContainer']")
    text = flag.inner_text()
    assert "JSON-LD 150.00, page shows 120.00; Gemini reads 120.00" in text, text
    # the page's own price is used (markup's 150.00 is shown nowhere), Gemini's reading agrees
    assert "The banners use 120.00 USD; compare with the shop page" in text, text
    # Gemini was asked once for the price, with the product's text only
    reads = [c for c in gemini.calls("generate")
             if "list_price" in (c.body.get("generationConfig", {}).get("responseSchema", {})
                                 .get("properties") or {})]
    assert len(reads) == 1
    prompt = "\n".join(reads[0].texts())
    assert "(struck through: $180.00)" in prompt and "@context" not in prompt
    page.close()

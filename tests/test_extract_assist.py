"""The Gemini extraction pass (core.extract.assist) through the real google-genai SDK against
the fake Gemini server: asked only for missing or conflicting fields, fed only the product's
region of the page, its answers checked against that text, recorded as its own source."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from core.extract import extract_product
from core.extract.assist import GEMINI, REGION_CHARS, assist
from core.scrape import scrape_product
from core.settings import get_settings, reset_settings
from tests.fakes.gemini_server import gemini_fake, gemini_settings  # noqa: F401 - fixtures
from tests.httpserver import local_server  # noqa: F401 - fixture

HTML = {"Content-Type": "text/html; charset=utf-8"}
URL = "https://narzedzia.example.pl/p/x200"

# The price is only in a spec table, its currency only in a sentence below it: the page
# reading finds no price (no currency beside the amount, no price markup).
NO_PRICE = """<html lang="pl"><head><title>Wiertarka Udarowa X200 | Sklep Narzędzia</title>
<script>var tracking = {"secret_session": "do-not-send-me"};</script></head><body>
<header><nav>Home · Narzędzia · Promocje · Nowości tygodnia</nav></header>
<main><div class="product"><h1>Wiertarka Udarowa X200</h1>
<p>Mocna wiertarka do betonu, 800 W, dwa biegi.</p>
<table class="specs"><tr><td>Producent</td><td>Borix</td></tr><tr><td>Moc</td><td>800 W</td></tr>
<tr><td>Cena brutto</td><td>1299</td></tr></table><p>Wszystkie ceny w PLN.</p>
<button>Do koszyka</button><img src="/img/x200.jpg" alt="Wiertarka"></div></main>
<footer>FOOTER-MARKER © Sklep Narzędzia 2026 · Regulamin · Kontakt 22 123 45 67</footer>
</body></html>"""

NO_BRAND = """<html lang="en"><head><title>Linen Shirt</title></head><body><div class="product">
<h1>Linen Shirt</h1><p class="price">$49.00</p><p>Made by Harbor &amp; Pine in Portugal, in washed
linen that softens with every wear.</p><img src="/a.jpg"></div></body></html>"""

CONFLICT = """<html><head><script type="application/ld+json">{"@type": "Product", "name": "Desk Lamp",
  "brand": "Lumo", "offers": {"price": "150.00", "priceCurrency": "USD"}}</script></head>
  <body><div class="product"><h1>Desk Lamp</h1><del>$180.00</del> <span class="price">$120.00</span>
  <button class="add-to-cart">Add to cart</button></div></body></html>"""


def reading(**fields) -> dict:
    out = {"title": None, "price": None, "list_price": None, "currency": None, "brand": None}
    out.update(fields)
    return out


def sent_prompt(fake) -> str:
    calls = fake.calls("generate")
    assert len(calls) == 1
    return "\n".join(calls[0].texts())


@pytest.fixture(autouse=True)
def fresh_settings():
    reset_settings()
    yield
    reset_settings()


def test_a_price_only_the_text_states_is_read_and_recorded_as_its_own_source(gemini_settings, gemini_fake):
    page_only = extract_product(NO_PRICE, URL)
    assert page_only.price is None and page_only.brand == "Borix"  # what the page reading misses
    gemini_fake.reply_json(reading(price="1299", currency="PLN", brand="Borix"))
    product = assist(extract_product(NO_PRICE, URL), NO_PRICE)
    assert (product.price, product.currency) == (Decimal("1299"), "PLN")
    assert product.sources["price"] == GEMINI and product.sources["currency"] == GEMINI
    assert product.sources["brand"] == "html"  # a field the page gave is never replaced
    assert product.provenance["price"] == {GEMINI: "1299.00"}
    prompt = sent_prompt(gemini_fake)
    # only the product's region: its heading, table and note; not scripts, navigation, footer
    assert "Cena brutto" in prompt and "Wszystkie ceny w PLN" in prompt
    assert "do-not-send-me" not in prompt and "FOOTER-MARKER" not in prompt
    assert "Nowości tygodnia" not in prompt
    assert "price" in prompt.split("Fields wanted:")[1].split("\n")[0]
    cfg = gemini_fake.calls("generate")[0].body["generationConfig"]
    assert cfg["responseMimeType"] == "application/json"
    assert set(cfg["responseSchema"]["properties"]) == {"title", "price", "list_price", "currency", "brand"}


def test_answers_the_text_does_not_back_up_are_refused(gemini_settings, gemini_fake):
    gemini_fake.reply_json(reading(price="1199.00", currency="PLN", brand="Bosch", title="Wiertarka Pro"))
    product = assist(extract_product(NO_PRICE, URL), NO_PRICE)
    assert product.price is None  # 1199 is printed nowhere in the product's text
    assert product.brand == "Borix" and product.title == "Wiertarka Udarowa X200"
    assert GEMINI not in product.sources.values()
    assert "price" not in product.provenance


def test_a_missing_brand_is_read_from_the_product_text(gemini_settings, gemini_fake):
    url = "https://shirts.example.com/linen"
    assert extract_product(NO_BRAND, url).brand is None
    gemini_fake.reply_json(reading(brand="Harbor & Pine", price="49.00", currency="USD"))
    product = assist(extract_product(NO_BRAND, url), NO_BRAND)
    assert (product.brand, product.sources["brand"]) == ("Harbor & Pine", GEMINI)
    assert product.price == Decimal("49.00") and product.sources["price"] == "html"
    assert "Fields wanted: brand." in sent_prompt(gemini_fake)  # only what is missing


def test_a_price_conflict_stays_flagged_with_what_gemini_reads(gemini_settings, gemini_fake):
    url = "https://lamps.example.com/desk"
    first = extract_product(CONFLICT, url)
    # markup's 150.00 appears nowhere on the page, which shows 120.00 as its price: the page's
    assert first.price_conflict == "JSON-LD 150.00, page shows 120.00" and first.price == Decimal("120.00")
    gemini_fake.reply_json(reading(price="$120.00", list_price="$180.00", currency="USD"))
    product = assist(extract_product(CONFLICT, url), CONFLICT)
    assert (product.price, product.sources["price"]) == (Decimal("120.00"), "html")
    assert product.price_conflict == "JSON-LD 150.00, page shows 120.00; Gemini reads 120.00"
    assert product.provenance["price"] == {"json-ld": "150.00", "html": "120.00", GEMINI: "120.00"}
    assert "disagree" in sent_prompt(gemini_fake)


def test_gemini_never_moves_a_conflicting_price_to_a_markup_only_figure(gemini_settings, gemini_fake):
    url = "https://lamps.example.com/desk"
    page = CONFLICT.replace("<button", "<p>Cable 150.00 cm</p><button")
    first = extract_product(page, url)
    assert (first.price, first.sources["price"]) == (Decimal("120.00"), "html")
    gemini_fake.reply_json(reading(price="150.00", currency="USD"))
    product = assist(extract_product(page, url), page)
    assert (product.price, product.sources["price"]) == (Decimal("120.00"), "html")
    assert product.price_conflict == "JSON-LD 150.00, page shows 120.00; Gemini reads 150.00, 120.00 kept"


def test_struck_prices_are_marked_in_the_text_gemini_reads(gemini_settings, gemini_fake):
    url = "https://lamps.example.com/desk"
    gemini_fake.reply_json(reading(price="180.00", currency="USD"))
    product = assist(extract_product(CONFLICT, url), CONFLICT)
    assert "(struck through: $180.00)" in sent_prompt(gemini_fake)
    assert product.price == Decimal("120.00") and product.sources["price"] == "html"
    assert product.price_conflict.endswith("; Gemini reads 180.00, 120.00 kept")


def test_a_complete_reading_asks_nothing(gemini_settings, gemini_fake):
    page = NO_BRAND.replace("Made by", "Brand: Harbor &amp; Pine. Made by")
    product = extract_product(page, "https://shirts.example.com/linen")
    if product.brand is None:  # the page reading may not see this brand: give it one
        product.brand = "Harbor & Pine"
    assist(product, page)
    assert gemini_fake.calls("generate") == []


@pytest.mark.parametrize("code", [500, 429, 403])
def test_a_failing_pass_keeps_the_page_reading(gemini_settings, gemini_fake, code):
    gemini_fake.reply_error(code)
    product = assist(extract_product(NO_PRICE, URL), NO_PRICE)
    assert product.price is None and product.brand == "Borix" and product.title
    assert GEMINI not in product.sources.values()


def test_broken_json_keeps_the_page_reading(gemini_settings, gemini_fake):
    gemini_fake.reply_text('{"price": "1299", ')
    product = assist(extract_product(NO_PRICE, URL), NO_PRICE)
    assert product.price is None


def test_off_without_a_key_or_when_switched_off(gemini_fake, settings_env):
    settings_env(GEMINI_API_KEY="", GEMINI_BASE_URL=gemini_fake.base_url)
    assert assist(extract_product(NO_PRICE, URL), NO_PRICE).price is None
    settings_env(GEMINI_API_KEY="AIzaTEST-not-a-real-key-0123456789", GEMINI_BASE_URL=gemini_fake.base_url,
                 EXTRACTION_ASSIST="false")
    assert not get_settings().extraction_assist
    assert assist(extract_product(NO_PRICE, URL), NO_PRICE).price is None
    assert gemini_fake.calls("generate") == []


def test_the_region_is_bounded_on_a_huge_page(gemini_settings, gemini_fake):
    filler = "".join(f"<p>Paragraph {i} about shipping, returns and the shop's history.</p>" for i in range(3000))
    page = NO_PRICE.replace("<p>Wszystkie ceny w PLN.</p>", "<p>Wszystkie ceny w PLN.</p>" + filler)
    gemini_fake.reply_json(reading(price="1299", currency="PLN"))
    product = assist(extract_product(page, URL), page)
    assert product.price == Decimal("1299")
    prompt = sent_prompt(gemini_fake)
    assert len(prompt) < REGION_CHARS + 1000 and len(page) > 100_000


def test_scrape_product_runs_the_pass_over_http(gemini_settings, gemini_fake, local_server, settings_env):
    settings_env(GEMINI_API_KEY="AIzaTEST-not-a-real-key-0123456789", GEMINI_BASE_URL=gemini_fake.base_url,
                 GENERATION_TIMEOUT_SECONDS="5", ALLOW_PRIVATE_FETCH="true")
    local_server.routes["/p/x200"] = (200, HTML, NO_PRICE.encode("utf-8"))
    gemini_fake.reply_json(reading(price="1299", currency="PLN"))
    product = scrape_product(local_server.url("/p/x200"))
    assert (product.price, product.currency, product.sources["price"]) == (Decimal("1299"), "PLN", GEMINI)
    assert json.loads(json.dumps(product.to_json()))["sources"]["price"] == GEMINI


def test_in_the_pipeline_the_reading_is_stored_with_its_source_and_billed_to_the_batch(
        db, gemini_settings, gemini_fake, settings_env, local_server, workspace):
    from core import usage
    from core.batches import create_batch, get_batch
    from core.pipeline import stages
    from db.engine import unit_of_work
    from db.models import Product
    from tests.stages import FakeStages, embedded_worker, wait_for

    settings_env(ALLOW_PRIVATE_FETCH="true", GENERATION_RATE_LIMIT="0/m")
    page = NO_PRICE.replace('alt="Wiertarka"', 'alt="Wiertarka Udarowa X200"')
    local_server.routes["/p/x200"] = (200, HTML, page.encode("utf-8"))
    gemini_fake.default_reading = reading(price="1299", currency="PLN")
    url = local_server.url("/p/x200")
    with embedded_worker():
        FakeStages().install()
        stages._overrides.pop("scrape")  # the real scrape (fetch, extract, Gemini's reading)
        info = create_batch(workspace, "alice", [{"url": url, "batch_size": 1}])
        wait_for(lambda: get_batch(workspace, info.id).batch.status in ("done", "failed"), timeout=60)
    with unit_of_work() as session:
        row = session.query(Product).filter(Product.url == url).one()
        assert (row.price, row.currency) == (Decimal("1299"), "PLN")
        assert row.field_sources["price"] == GEMINI and row.field_provenance["price"] == {GEMINI: "1299.00"}
    detail = get_batch(workspace, info.id)
    assert (detail.sources[0].price_source, detail.sources[0].price) == (GEMINI, Decimal("1299"))
    reads = [e for e in usage.events(workspace, batch_id=info.id) if e["kind"] == "extract"]
    assert len(reads) == 1 and reads[0]["provider"] == "gemini" and reads[0]["outcome"] == "ok"


# --- Gemini's reading is a start of the one global generation limit -------------------------


@pytest.fixture
def limiter_in_use():
    """Register a limiter as this process's generation limit (as the worker's middleware
    does) and restore what was registered before."""
    from core import ratelimit

    before = ratelimit._current

    def use(limiter):
        ratelimit.use_limiter(lambda: limiter)
        return limiter

    yield use
    ratelimit._current = before


def test_each_reading_takes_a_start_of_the_generation_limit_and_waits_no_longer_than_allowed(
        gemini_settings, gemini_fake, limiter_in_use, monkeypatch, caplog):
    from core import ratelimit
    from core.extract import assist as assist_module
    from core.ratelimit import MemoryRateLimiter
    from core.settings import RateLimit

    limiter = limiter_in_use(MemoryRateLimiter(RateLimit(limit=2, window_seconds=60)))
    monkeypatch.setattr(assist_module, "SLOT_WAIT_SECONDS", 0.3)
    gemini_fake.default_reading = reading(price="1299", currency="PLN")
    ratelimit.set_grant_time(123.0)  # the thread's own grant (a preview's start) is kept
    for _ in range(2):
        assert assist(extract_product(NO_PRICE, URL), NO_PRICE).price == Decimal("1299")
    assert ratelimit.last_grant_time() == 123.0
    assert len(gemini_fake.calls("generate")) == 2
    # the limit's two starts are used: the third reading is not asked, the page's stands
    with caplog.at_level("INFO", logger="core.extract.assist"):
        product = assist(extract_product(NO_PRICE, URL), NO_PRICE)
    assert product.price is None and GEMINI not in product.sources.values()
    assert len(gemini_fake.calls("generate")) == 2
    assert any(r.message == "extract.assist_skipped" for r in caplog.records)
    assert limiter._waiters == {}  # the skipped reading left the waiting line
    assert limiter.acquire() > 30  # and took nothing: still full


def test_a_reading_waits_in_the_line_for_a_start_that_comes_soon(
        gemini_settings, gemini_fake, limiter_in_use):
    import time

    from core.ratelimit import MemoryRateLimiter
    from core.settings import RateLimit

    limiter = limiter_in_use(MemoryRateLimiter(RateLimit(limit=1, window_seconds=1)))
    assert limiter.acquire() == 0  # a generation took the only start of this second
    gemini_fake.reply_json(reading(price="1299", currency="PLN"))
    started = time.monotonic()
    product = assist(extract_product(NO_PRICE, URL), NO_PRICE)
    assert product.price == Decimal("1299") and time.monotonic() - started >= 0.5
    assert len(gemini_fake.calls("generate")) == 1


def test_in_production_the_reading_counts_in_the_shared_redis_limit(
        gemini_settings, gemini_fake, limiter_in_use, redis_url, redis_prefix):
    import redis

    from core.ratelimit import RedisRateLimiter
    from core.settings import RateLimit

    client = redis.Redis.from_url(redis_url)
    limiter_in_use(RedisRateLimiter(client, f"{redis_prefix}:ratelimit:generation", RateLimit(20, 60)))
    gemini_fake.reply_json(reading(price="1299", currency="PLN"))
    assert assist(extract_product(NO_PRICE, URL), NO_PRICE).price == Decimal("1299")
    # one start in the log every worker process on every host reads
    assert client.zcard(f"{redis_prefix}:ratelimit:generation") == 1
    client.close()


def test_the_worker_middleware_is_the_limit_the_reading_uses(settings_env, redis_url, redis_prefix):
    from actors.ratelimit import GenerationRateLimit
    from core import ratelimit
    from core.ratelimit import RedisRateLimiter

    before = ratelimit._current
    try:
        settings_env(REDIS_URL=redis_url, REDIS_PREFIX=redis_prefix, GENERATION_RATE_LIMIT="20/m")
        middleware = GenerationRateLimit()
        assert ratelimit.current_limiter() is middleware.limiter
        assert isinstance(middleware.limiter, RedisRateLimiter)
        assert middleware.limiter.key == f"{redis_prefix}:ratelimit:generation"
    finally:
        ratelimit._current = before

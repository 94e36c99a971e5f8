"""Cancelling a batch stops its URL preparation: between the stages, and inside a page fetch
that is still waiting for a slow server (both database backends)."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from core.batches import cancel_batch, create_batch
from core.pipeline import stages
from core.pipeline.sources import prepare_source, start_batch
from db.engine import unit_of_work
from db.models import Preview, Product
from tests.slowserver import TrickleServer, endless_headers
from tests.stages import Product as FakeProduct
from tests.stages import Ranking


@pytest.fixture
def prepared(db, settings_env, sent):
    settings_env(ALLOW_PRIVATE_FETCH="true", FETCH_TIMEOUT_SECONDS="60")
    yield
    stages.reset()


def running_batch(workspace: str, url: str) -> str:
    info = create_batch(workspace, "alice", [{"url": url, "batch_size": 2}])
    assert start_batch(str(info.id)) == [("source", (str(info.id), url), 0.0)]
    return str(info.id)


def statuses(batch_id: str) -> set[str]:
    with unit_of_work() as s:
        return set(s.scalars(sa.select(Preview.status).where(Preview.batch_id == uuid.UUID(batch_id))))


def products(workspace: str) -> int:
    with unit_of_work() as s:
        return len(s.scalars(sa.select(Product.id).where(Product.workspace == workspace)).all())


def test_a_batch_cancelled_while_scraping_is_not_ranked(prepared, workspace):
    url = "https://shop.example.com/products/cancel-me"
    batch_id = running_batch(workspace, url)
    ranked = []

    def scrape(u):
        cancel_batch(workspace, batch_id)  # the user presses Cancel while the page loads
        return FakeProduct(url=u, images=["https://cdn.example.com/a.jpg"])

    def rank(product, urls):
        ranked.append(urls)
        return Ranking(ranked=list(urls), scores=[1.0] * len(urls))

    stages.override(scrape=scrape, rank=rank)
    assert prepare_source(batch_id, url) == []
    assert ranked == []  # stopped before ranking
    assert statuses(batch_id) == {"cancelled"}
    assert products(workspace) == 0


def test_a_batch_cancelled_before_its_url_starts_fetches_nothing(prepared, workspace):
    url = "https://shop.example.com/products/never-fetched"
    batch_id = running_batch(workspace, url)
    scraped = []
    stages.override(scrape=lambda u: scraped.append(u))
    cancel_batch(workspace, batch_id)
    assert prepare_source(batch_id, url) == []
    assert scraped == []


def test_cancel_ends_an_in_flight_fetch_of_a_slow_page(prepared, workspace):
    with TrickleServer() as server:
        server.routes["/p"] = lambda s: endless_headers(every=0.5)
        url = server.url("/p")
        batch_id = running_batch(workspace, url)
        outcome: dict = {}

        def run():
            outcome["sends"] = prepare_source(batch_id, url)
            outcome["finished"] = time.monotonic()

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        deadline = time.monotonic() + 10
        while not server.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.requests, "the page was never requested"
        time.sleep(0.5)  # well into the slow headers
        cancelled = time.monotonic()
        cancel_batch(workspace, batch_id)
        worker.join(5)
        assert not worker.is_alive(), "prepare_source still fetching 5 s after the cancel"
    assert outcome["sends"] == []
    assert outcome["finished"] - cancelled < 2.0
    assert statuses(batch_id) == {"cancelled"}  # not failed, not retrying
    assert products(workspace) == 0

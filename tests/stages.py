"""Scriptable pipeline stages for tests of the pipeline's mechanics (retry, cancel, crash).

They replace only the boundaries (scraping, ranking, image download, generators, storage)
so the real actors, middleware, state machine and database run. End-to-end tests use the
real stages against a local HTTP server instead.
"""

from __future__ import annotations

import io
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal

from PIL import Image

from core.errors import GenerationError, ScrapeError
from core.pipeline import stages


def png_bytes(color=(200, 30, 30), size=(64, 64)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


@dataclass
class Product:
    url: str
    title: str = "Retro Console 620 Games"
    description: str = "Plug and play console with two controllers."
    price: Decimal | None = Decimal("24.99")
    currency: str | None = "EUR"
    brand: str | None = "Retro"
    images: list = field(default_factory=list)
    sources: dict = field(default_factory=lambda: {"title": "json-ld"})


@dataclass
class Ranking:
    ranked: list
    method: str = "test-order"
    scores: list = field(default_factory=list)
    dropped: list = field(default_factory=list)


class MemoryStorage:
    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.lock = threading.Lock()

    def put(self, key, data, content_type):
        with self.lock:
            self.files[key] = data
        return f"/media/{key}"

    def get(self, url_or_key):
        return self.files.get(url_or_key.removeprefix("/media/"))

    def delete_prefix(self, prefix):
        with self.lock:
            gone = [k for k in self.files if k.startswith(prefix)]
            for k in gone:
                del self.files[k]
        return len(gone)


class FakeStages:
    """Records every call; ``fail_*`` and ``block`` script the next outcomes."""

    def __init__(self, images_per_page: int = 3, work_seconds: float = 0.0):
        self.images_per_page = images_per_page
        self.work_seconds = work_seconds
        self.scrapes: list[str] = []
        self.generated: list[tuple[str, int, float]] = []  # (product title, variant, time)
        self.fail_scrape: dict[str, Exception] = {}  # url substring -> error
        self.generation_errors: list[Exception] = []  # raised in order, one per call
        self.block = threading.Event()
        self.block.set()
        self.scrape_gate = threading.Event()
        self.scrape_gate.set()
        self.started = threading.Event()
        self.storage = MemoryStorage()
        self.lock = threading.Lock()

    def scrape(self, url):
        self.scrape_gate.wait(30)
        self.scrapes.append(url)
        for key, exc in self.fail_scrape.items():
            if key in url:
                raise exc
        return Product(url=url, images=[f"https://cdn.example.com/{abs(hash(url))}/{i}.jpg"
                                         for i in range(self.images_per_page)])

    def rank(self, product, urls):
        return Ranking(ranked=list(urls), scores=[1.0] * len(urls))

    def fetch_image(self, url):
        return png_bytes()

    def write_prefill(self, brief, image, *, variant_index, batch_size, other_headlines):
        self.started.set()
        self.block.wait(30)
        with self.lock:
            self.generated.append((brief.title, variant_index, time.monotonic()))
            if self.generation_errors:
                raise self.generation_errors.pop(0)
        time.sleep(self.work_seconds)
        return {"headline": f"{brief.title[:30]} #{variant_index}", "cta_text": "Shop now"}

    def make_background(self, image, *, variant_index, brief):
        return png_bytes((variant_index * 20 % 255, 100, 100))

    def install(self):
        fake = self

        class Gens:
            class copy:  # noqa: N801
                write_prefill = staticmethod(fake.write_prefill)

            class background:  # noqa: N801
                make_background = staticmethod(fake.make_background)

        stages.override(scrape=self.scrape, rank=self.rank, fetch_image=self.fetch_image,
                        generators=lambda: Gens, storage=lambda: self.storage)
        return self


TRANSIENT = lambda: GenerationError("The image service is busy (HTTP 429)", transient=True)  # noqa: E731
PERMANENT = lambda: GenerationError("The prompt was blocked by the safety filter", transient=False)  # noqa: E731
NOT_FOUND = lambda: ScrapeError("page returned HTTP 404", transient=False)  # noqa: E731


def wait_for(predicate, timeout: float = 20.0, every: float = 0.05, explain=None):
    """Poll ``predicate`` until it returns something truthy (returned); fail after ``timeout``
    seconds, with ``explain()`` in the message when given."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("condition not reached in time" + (f" ({explain()})" if explain else ""))


class embedded_worker:  # noqa: N801 - used as a context manager like a function
    """The real actors + middleware on the stub broker, worked by an in-process worker.

    The periodic reconciler is off (RECONCILE_INTERVAL_SECONDS=0): it would also pick up
    other tests' unfinished rows in the shared test database. Tests call it directly.
    """

    def __enter__(self):
        import os

        from core.settings import reset_settings

        self._old_interval = os.environ.get("RECONCILE_INTERVAL_SECONDS")
        os.environ["RECONCILE_INTERVAL_SECONDS"] = "0"
        reset_settings()
        import dramatiq

        import actors.worker  # noqa: F401  (broker, middleware, actors)
        from actors.broker import broker
        from actors.pipeline import send
        from core import dispatch

        self.broker = broker
        dispatch.register(lambda kind, args: send(kind, args))
        broker.flush_all()
        self.worker = dramatiq.Worker(broker, worker_threads=4, worker_timeout=50)
        self.worker.start()
        return self

    def __exit__(self, *exc):
        from core import dispatch

        import os

        from core.settings import reset_settings

        self.worker.stop()
        self.broker.flush_all()
        stages.reset()
        dispatch.unregister()
        if self._old_interval is None:
            os.environ.pop("RECONCILE_INTERVAL_SECONDS", None)
        else:
            os.environ["RECONCILE_INTERVAL_SECONDS"] = self._old_interval
        reset_settings()


def own_the_line(*, and_window: bool = False) -> None:
    """The calling test owns the waiting line of the shared test database: earlier tests'
    waiting previews and jobs are cancelled; ``and_window`` also moves their recent starts
    out of the rate window (they would count against this test's limit and ETAs)."""
    import datetime as dt

    import sqlalchemy as sa

    from db.engine import unit_of_work
    from db.models import GenerationJob, Preview

    with unit_of_work() as s:
        s.execute(sa.update(Preview).where(Preview.status.in_(["queued", "retrying"])).values(status="cancelled"))
        s.execute(sa.update(GenerationJob).where(GenerationJob.status.in_(["pending", "retrying"]))
                  .values(status="cancelled"))
        if and_window:
            long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)
            s.execute(sa.update(Preview).where(Preview.started_at > long_ago).values(started_at=long_ago))
            s.execute(sa.update(GenerationJob).where(GenerationJob.started_at > long_ago)
                      .values(started_at=long_ago))
    if and_window:
        forget_rate_window()


def forget_rate_window() -> None:
    """Empty the generation limiter's sliding window. The worker's limiter lives as long as the
    process (in memory) or the run's Redis prefix, so an earlier test with the same rate setting
    left its grants in it, and they counted against the calling test's limit (the 429 ledger
    test waited a whole minute for a slot on CI)."""
    import sys

    if "actors.broker" not in sys.modules:
        return
    from actors.broker import broker
    from actors.ratelimit import GenerationRateLimit

    for m in broker.middleware:
        if isinstance(m, GenerationRateLimit):
            key = getattr(m._limiter, "key", None)
            if key:  # Redis: this run's own prefix
                m._limiter._client.delete(key, key + ":waiting")
            m._limiter = None  # built afresh on the next grant

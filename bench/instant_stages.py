"""Instant pipeline stages for orchestration benchmarks and multi-process drills.

Installed in worker processes with ``PIPELINE_STAGES=bench.instant_stages:install``:
scraping, ranking and generation take no time (or BENCH_WORK_SECONDS of sleep), so what
is measured is the pipeline itself — broker, middleware, database, state machine.
"""

from __future__ import annotations

import io
import os
import time
from dataclasses import dataclass, field
from decimal import Decimal

from core.pipeline import stages


@dataclass
class _Product:
    url: str
    title: str = "Benchmark product"
    description: str = "A product used to measure the pipeline."
    price: Decimal | None = Decimal("10.00")
    currency: str | None = "EUR"
    brand: str | None = "Bench"
    images: list = field(default_factory=list)
    sources: dict = field(default_factory=dict)


@dataclass
class _Ranking:
    ranked: list
    method: str = "instant"
    scores: list = field(default_factory=list)


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(buf, "PNG")
    return buf.getvalue()


_PNG = None


class _Copy:
    @staticmethod
    def write_prefill(brief, image, *, variant_index, batch_size, other_headlines):
        work = float(os.environ.get("BENCH_WORK_SECONDS", "0") or 0)
        if work:
            time.sleep(work)
        return {"headline": f"Variant {variant_index}", "cta_text": "Shop now"}


class _Background:
    @staticmethod
    def make_background(image, *, variant_index, brief):
        return image


class _Generators:
    copy = _Copy
    background = _Background


def install() -> None:
    global _PNG
    _PNG = _png()
    stages.override(
        scrape=lambda url: _Product(url=url, images=[f"{url}/img{i}.jpg" for i in range(3)]),
        rank=lambda product, urls: _Ranking(ranked=list(urls), scores=[1.0] * len(urls)),
        fetch_image=lambda url: _PNG,
        generators=lambda: _Generators,
    )

"""The pluggable boundaries of the pipeline: scraping, ranking, images, generators, storage.

Production code uses the real implementations; tests may swap one stage (e.g. an instant
generator for benchmarks) with :func:`override`.
"""

from __future__ import annotations

from typing import Any

_overrides: dict[str, Any] = {}


def override(**stages: Any) -> None:
    """Replace stages by name (``scrape``, ``rank``, ``fetch_image``, ``generators``, ``storage``)."""
    _overrides.update(stages)


def reset() -> None:
    _overrides.clear()


def scrape(url: str, should_stop=None):
    """``should_stop``: a ``() -> bool`` the real scraper polls while fetching (cancel)."""
    if "scrape" in _overrides:
        return _overrides["scrape"](url)
    from core.scrape import scrape_product

    return scrape_product(url, should_stop=should_stop)


def rank(product, image_urls: list[str]):
    if "rank" in _overrides:
        return _overrides["rank"](product, image_urls)
    from core.rank import rank_images

    return rank_images(product, image_urls)


def fetch_image(url: str) -> bytes:
    if "fetch_image" in _overrides:
        return _overrides["fetch_image"](url)
    from core.rank import load_image_bytes  # reuses the bytes ranking just downloaded

    return load_image_bytes(url)


def generators():
    if "generators" in _overrides:
        return _overrides["generators"]()
    from core.generators import get_generators

    return get_generators()


def storage():
    if "storage" in _overrides:
        return _overrides["storage"]()
    from core.storage import get_storage

    return get_storage()

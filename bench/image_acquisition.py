"""Image acquisition success on a local shop whose CDN behaves like real ones (issue 12).

    python -m bench.image_acquisition [--images 12] [--runs 3]

``tests/fakes/cdn_server.ShopCDN`` serves one product page per behaviour — ``plain``,
``referer`` (403 without the page as Referer), ``avif`` (AVIF only; 406 without it in
Accept), ``slow`` (1 s before the answer), ``flaky`` (429 + Retry-After: 1, then 200),
``bot`` (403 unless the request looks like a browser's <img>) — and one page mixing all
six. Each page's images are acquired:

- **before**: the request issue 12 started from — ``Accept: image/avif,image/webp,image/*``,
  no Referer, no Sec-Fetch-*, one attempt, 6 in parallel (``core.fetch._get`` with those
  headers, as ``rank_images`` called it);
- **after**: ``core.rank.rank_images`` as the pipeline calls it (browser-like headers with the
  product page as Referer, one quick retry of a 429/5xx after Retry-After ≤ 2 s).

An image is acquired when it downloads and decodes. Prints one JSON object: per behaviour
and overall, acquired/total and the rate, and the median seconds per page, for both.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

KINDS = ("plain", "referer", "avif", "slow", "flaky", "bot")
OLD_ACCEPT = "image/avif,image/webp,image/*;q=0.8,*/*;q=0.5"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=12, help="images per page")
    ap.add_argument("--runs", type=int, default=3, help="pages per behaviour and client")
    args = ap.parse_args()
    os.environ["ALLOW_PRIVATE_FETCH"] = "true"  # the shop is on 127.0.0.1
    os.environ.setdefault("CLIP_WEIGHTS_PATH", "")
    os.environ["CLIP_PRETRAINED"] = ""  # heuristic ranking: this measures downloads, not CLIP

    from core import fetch, rank
    from core.errors import ScrapeError
    from core.images import ImageRejected, probe
    from core.scrape import scrape_product
    from tests.fakes.cdn_server import ShopCDN

    def old_fetch(url: str) -> bool:
        try:
            raw = fetch._get(url, accept=OLD_ACCEPT, max_bytes=fetch.IMAGE_MAX_BYTES, kind="image",
                             allow_private=True, check_type=fetch._image_type)
            probe(raw.body)
            return True
        except (ScrapeError, ImageRejected):
            return False

    def before(page: str, urls: list[str]) -> int:
        scrape_product(page)  # as the pipeline does before the images
        with ThreadPoolExecutor(max_workers=rank.MAX_DOWNLOADS) as pool:  # as rank_images did
            return sum(pool.map(old_fetch, urls))

    def after(page: str, urls: list[str]) -> int:
        rank.load_image_bytes.cache_clear()
        product = scrape_product(page)
        return len(rank.rank_images(product, urls).ranked)

    pages = {kind: {"kinds": {kind: args.images}} for kind in KINDS}
    pages["mixed"] = {"kinds": {kind: max(1, args.images // len(KINDS)) for kind in KINDS}}
    out: dict = {"images_per_page": args.images, "runs": args.runs, "before": {}, "after": {}}
    with ShopCDN(slow_seconds=1.0) as shop:
        for client, acquire in (("before", before), ("after", after)):
            total = acquired = 0
            for name, spec in pages.items():
                got = n = 0
                seconds = []
                for _ in range(args.runs):
                    page = shop.page_of(spec["kinds"])  # a fresh page: flaky images 429 again
                    urls = shop.images_of(page)
                    started = time.monotonic()
                    got += acquire(page, urls)
                    seconds.append(time.monotonic() - started)
                    n += len(urls)
                out[client][name] = {"acquired": got, "total": n, "rate": round(got / n, 3),
                                     "median_s_per_page": round(statistics.median(seconds), 2)}
                total, acquired = total + n, acquired + got
            out[client]["overall"] = {"acquired": acquired, "total": total,
                                      "rate": round(acquired / total, 3)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()

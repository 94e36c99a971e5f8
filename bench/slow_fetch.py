"""A slow-header URL's total fetch time against FETCH_TIMEOUT_SECONDS.

    python -m bench.slow_fetch [--byte-every 2] [--cancel-after 1]

Starts a local server that sends a status line and then header bytes for ever, one byte every
``--byte-every`` seconds (no single read waits long enough to trip ``httpx.Timeout``), and
fetches it once with the configured ``FETCH_TIMEOUT_SECONDS`` (default 15) and once with a
``should_stop`` that turns true after ``--cancel-after`` seconds. Prints one JSON line:
fetch_timeout_s, slow_header_total_s, overshoot_s, error, transient, cancel_after_s,
cancel_total_s.
"""

from __future__ import annotations

import argparse
import json
import os
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--byte-every", type=float, default=2.0, help="seconds between header bytes")
    ap.add_argument("--cancel-after", type=float, default=1.0, help="should_stop turns true after")
    args = ap.parse_args()
    os.environ["ALLOW_PRIVATE_FETCH"] = "true"  # the server is on 127.0.0.1

    from core.errors import ScrapeError
    from core.fetch import fetch_page
    from core.settings import get_settings
    from tests.slowserver import TrickleServer, endless_headers

    timeout = get_settings().fetch_timeout_seconds
    with TrickleServer() as server:
        server.routes["/slow"] = lambda s: endless_headers(every=args.byte_every)
        started = time.monotonic()
        error: ScrapeError | None = None
        try:
            fetch_page(server.url("/slow"))
        except ScrapeError as exc:
            error = exc
        total = time.monotonic() - started

        started = time.monotonic()
        try:
            fetch_page(server.url("/slow"),
                       should_stop=lambda: time.monotonic() - started >= args.cancel_after)
        except ScrapeError:
            pass
        cancel_total = time.monotonic() - started
    print(json.dumps({
        "fetch_timeout_s": timeout, "byte_every_s": args.byte_every,
        "slow_header_total_s": round(total, 3), "overshoot_s": round(total - timeout, 3),
        "error": error.message if error else None, "transient": error.transient if error else None,
        "cancel_after_s": args.cancel_after, "cancel_total_s": round(cancel_total, 3),
    }))


if __name__ == "__main__":
    main()

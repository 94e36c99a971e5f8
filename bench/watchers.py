"""Browser sessions that watch a page, in a process of their own (used by bench.dashboard).

``python -m bench.watchers URL N CARDS_JS [CPU ...]`` opens N pages of URL in one headless
chromium, waits until ``CARDS_JS`` is true on each, prints ``ready`` and watches until a
line arrives on stdin. It then prints, as one JSON line, when each page first showed each
``Finished <i>`` banner (epoch milliseconds), so the caller can tell how long a change took
to reach every watcher.

Given CPUs, the process (its chromium and Playwright driver included) runs on those only:
the bench puts the watchers on one core and the server with the measured browser on the
other, the nearest this one machine comes to other people's browsers on their own machines.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

# When each watcher first shows a finished banner: an in-page check every 100 ms
# (the banners are data: URLs, their text base64 inside).
SPY = r"""() => { window.__seen = {}; setInterval(() => {
  for (const f of document.querySelectorAll('iframe')) {
    if (!f.src.startsWith('data:')) continue;
    const m = atob(f.src.split(',')[1]).match(/Finished (\d+)</);
    if (m && !(m[1] in window.__seen)) window.__seen[m[1]] = performance.timeOrigin + performance.now();
  } }, 100); }"""


def main(argv: list[str]) -> None:
    url, n, cards_js, *cpus = argv
    if cpus:
        os.sched_setaffinity(0, {int(c) for c in cpus})
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.browser.harness import chromium

    with chromium() as browser:
        pages = []
        for _ in range(int(n)):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            pages.append(page)
        for page in pages:
            page.wait_for_function(cards_js, timeout=120_000)
            page.evaluate(SPY)
        print("ready", flush=True)
        sys.stdin.readline()
        print(json.dumps([page.evaluate("window.__seen") for page in pages]), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

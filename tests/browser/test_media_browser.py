"""The image & video queue in a real browser: submit an image job and a video job, see the
form reset at once, and both jobs finish and preview without reloading the page.

Runs the dashboard as ``make run`` does (``streamlit run app.py``, embedded worker, offline
generators). Set ``CTABS_SCREENSHOTS=1`` to save ``docs/screenshots/media_queue.png``.
"""

from __future__ import annotations

import os
import time

import pytest

from tests.browser.harness import ROOT, dashboard, wait_ready


@pytest.fixture(scope="module")
def media_app(tmp_path_factory):
    with dashboard({"DUPLICATE_WINDOW_SECONDS": "5"},
                   workdir=tmp_path_factory.mktemp("media-dashboard")) as base:
        yield base


def prompt_box(page):
    return page.get_by_label("Prompt", exact=True)


def submit(page, prompt: str) -> tuple[float, float]:
    """Type a prompt, press Generate. Returns seconds until the prompt box was empty, and
    until the rerun had finished with the job in the queue (ready for the next submit)."""
    wait_ready(page)
    prompt_box(page).fill(prompt)
    start = time.monotonic()
    page.get_by_role("button", name="Generate").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('textarea[aria-label=\"Prompt\"]')]"
        ".every(t => t.value === '')", timeout=5_000)
    cleared = time.monotonic() - start
    page.get_by_text(prompt, exact=True).first.wait_for(timeout=10_000)  # in the queue
    wait_ready(page)
    return cleared, time.monotonic() - start


def test_an_image_job_and_a_video_job_finish_and_preview_live(browser, media_app):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{media_app}/media")
    wait_ready(page, 60_000)
    page.get_by_role("heading", name="Image & video queue").wait_for()
    image_reset = submit(page, "A red sunset over the ocean")
    page.locator("[data-testid='stRadio'] label").filter(has_text="Video").click()
    wait_ready(page)
    page.get_by_text("Duration (seconds)").wait_for()
    video_reset = submit(page, "Waves rolling in at dusk")
    # the form empties and is ready for the next job without waiting for the generation
    # (bounds are loose: a busy CI machine; bench/media.py measures the real figure)
    assert image_reset[1] < 15.0 and video_reset[1] < 15.0

    # No reload from here: the queue refreshes itself while a job is unfinished.
    page.wait_for_selector("[data-testid='stImage'] img", timeout=60_000)
    page.wait_for_selector("[data-testid='stVideo']", timeout=120_000)
    natural = page.eval_on_selector("[data-testid='stImage'] img",
                                    "img => img.complete ? img.naturalWidth : 0")
    assert natural > 0  # the PNG reached the browser and decoded
    size = page.eval_on_selector("[data-testid='stVideo']", """v => new Promise(resolve => {
        const done = () => resolve([v.videoWidth, v.videoHeight, Math.round(v.duration)]);
        if (v.readyState >= 1) { done(); } else {
            v.addEventListener('loadedmetadata', done);
            v.addEventListener('error', () => resolve([0, 0, 0]));
            v.load(); } })""")
    assert size == [1280, 720, 6]  # chromium decoded the MP4's header: 720p, 6 s
    buttons = page.get_by_role("button", name="Download")
    assert buttons.count() == 2
    files = []
    for i in range(2):
        with page.expect_download() as info:
            buttons.nth(i).click()
        files.append(open(info.value.path(), "rb").read())
    # newest first: the video, then the full-size PNG (the page shows a thumbnail)
    assert files[0][4:8] == b"ftyp" and files[1][:8] == b"\x89PNG\r\n\x1a\n"
    assert page.locator("text=done").count() >= 2
    if os.environ.get("CTABS_SCREENSHOTS") == "1":
        (ROOT / "docs" / "screenshots").mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": 1280, "height": 2300})  # the app scrolls inside itself
        time.sleep(1.0)
        page.screenshot(path=str(ROOT / "docs" / "screenshots" / "media_queue.png"))
    page.close()

"""A day's work in a real browser at 1280 × 800 (issue 14): two batches, approve three
previews, reject one, regenerate one with an instruction, swap a photo, undo an edit,
archive the batch, find it again by a product's title, export the approved banners and
check the ZIP's contents.

The wall time of the whole run is written to ``$CTABS_DAY_TIMING`` when set (bench)."""

from __future__ import annotations

import base64
import html
import io
import json
import os
import re
import sqlite3
import time
import zipfile
from pathlib import Path

import pytest

from tests.browser.harness import dashboard, wait_ready
from tests.productsite import ProductSite

WIDTH, HEIGHT = 1280, 800
INSTRUCTION = "shorter headline, mention free shipping"


@pytest.fixture(scope="module")
def shop():
    with ProductSite() as site:
        yield site


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("day")


@pytest.fixture(scope="module")
def app_url(shop, workdir):
    with dashboard(workdir=workdir) as base:
        yield base


class Db:
    """Reads the dashboard's own SQLite file (ids and states to aim and check at)."""

    def __init__(self, path: Path):
        self.path = path

    def rows(self, sql: str, *args) -> list[tuple]:
        with sqlite3.connect(self.path) as con:
            return con.execute(sql, args).fetchall()

    def previews(self, batch_id: str) -> list[dict]:
        out = []
        for pid, status, review, prefill, version, image, partial in self.rows(
                "SELECT id, status, review_status, prefill, prefill_version, source_image_url, "
                "partial FROM previews WHERE batch_id = ? ORDER BY variant_index",
                batch_id.replace("-", "")):
            out.append({"id": pid, "hex": pid.replace("-", ""), "status": status, "review": review,
                        "prefill": json.loads(prefill) if prefill else None, "version": version,
                        "image": image, "regenerating": bool(partial and "regen" in partial)})
        return out


def wait_until(check, timeout: float = 120, what: str = "") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


BANNER_HAS = """(text) => [...document.querySelectorAll('iframe')].some(f => f.src.startsWith('data:')
    && new TextDecoder().decode(Uint8Array.from(atob(f.src.split(',')[1]), c => c.charCodeAt(0)))
       .includes(text))"""


def banner_texts(page) -> list[str]:
    srcs = page.eval_on_selector_all("iframe", "els => els.map(e => e.src)")
    return [base64.b64decode(s.split(",", 1)[1]).decode() for s in srcs
            if s.startswith("data:text/html;base64,")]


def new_batch(page, app_url: str, url: str, n: int) -> str:
    page.goto(f"{app_url}/new_batch")
    wait_ready(page, 60_000)
    csv = f"url,batch_size\n{url},{n}\n".encode()
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        files=[{"name": "urls.csv", "mimeType": "text/csv", "buffer": csv}])
    page.wait_for_selector(f"text=1 URL → {n} previews", timeout=30_000)
    wait_ready(page)
    page.get_by_role("button", name="Generate", exact=True).click()
    page.wait_for_url(re.compile(r".*/previews\?batch=[0-9a-f-]{36}"), timeout=30_000)
    return page.url.split("batch=", 1)[1].split("&", 1)[0]


def card(page, p: dict):
    return page.locator(f".st-key-preview_{p['hex']}")


def click(page, locator) -> None:
    locator.click()
    time.sleep(0.3)
    wait_ready(page, 60_000)


def popover_body(page, text: str):
    """The open popover holding ``text``."""
    body = page.locator("[data-testid='stPopoverBody']").filter(has_text=text)
    try:
        body.first.wait_for(timeout=15_000)
    except Exception:
        ids = page.eval_on_selector_all("[data-testid]", "els => [...new Set(els.map(e => e.dataset.testid))]")
        raise AssertionError(f"no popover with {text!r}; test ids on the page: {ids}")
    return body.first


def test_a_day_in_the_life(browser, shop, app_url, workdir):
    started = time.monotonic()
    db = Db(workdir / "app.db")
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.set_default_timeout(60_000)

    # two batches
    other = new_batch(page, app_url, shop.product_urls[1], 2)
    bid = new_batch(page, app_url, shop.product_urls[0], 4)
    assert other != bid
    page.wait_for_selector("text=4/4 finished · 4 done", timeout=180_000)
    wait_ready(page)
    ps = db.previews(bid)
    assert [p["status"] for p in ps] == ["done"] * 4

    # approve three, reject one
    for p in ps[:3]:
        click(page, card(page, p).get_by_role("button", name="Approve", exact=True))
        wait_until(lambda p=p: db.previews(bid)[ps.index(p)]["review"] == "approved", 30,
                   "an approval")
    click(page, card(page, ps[3]).get_by_role("button", name="Reject", exact=True))
    wait_until(lambda: db.previews(bid)[3]["review"] == "rejected", 30, "the rejection")
    assert card(page, ps[0]).get_by_text("Approved").count() >= 1

    # regenerate the rejected one with an instruction: its banner stays until the new one
    target = ps[3]
    click(page, card(page, target).get_by_role("button", name="Regenerate"))
    body = popover_body(page, "Instruction (optional)")
    body.get_by_text("New copy", exact=True).click()
    body.get_by_label("Instruction (optional)").fill(INSTRUCTION)
    click(page, body.get_by_role("button", name="Regenerate"))
    regenerated = wait_until(
        lambda: (r := db.previews(bid)[3])["status"] == "done" and not r["regenerating"]
        and r["version"] > target["version"] and r, 120, "the regeneration")
    # free shipping said once, by its chip (the subtitle said it too)
    assert [w["type"] for w in regenerated["prefill"]["widgets"]].count("free_shipping") == 1
    assert "Free shipping" not in regenerated["prefill"]["subtitle"]
    assert regenerated["prefill"]["headline"] != target["prefill"]["headline"]
    page.wait_for_function(BANNER_HAS, arg=html.escape(regenerated["prefill"]["headline"], quote=True),
                           timeout=60_000)

    # swap the photo of the second banner to the product's image #3, then it regenerates
    swap = ps[1]
    click(page, card(page, swap).get_by_role("button", name="Photo"))
    body = popover_body(page, "Use this photo and regenerate")
    body.get_by_role("combobox", name="Use the product's image").click()
    page.get_by_role("option", name="#3").click()
    click(page, body.get_by_role("button", name="Use this photo and regenerate"))
    swapped = wait_until(
        lambda: (r := db.previews(bid)[1])["status"] == "done" and not r["regenerating"]
        and r["image"] != swap["image"] and r, 120, "the photo swap")
    assert swapped["image"].endswith("-2.png") and swapped["review"] is None
    assert swapped["prefill"]["original_background_url"] == swapped["image"]

    # edit a headline, then undo it from the history
    first = ps[0]
    wait_ready(page)
    click(page, card(page, first).get_by_text("Edit", exact=True))
    headline = card(page, first).get_by_label("Headline")
    headline.fill("Edited, then undone")
    click(page, card(page, first).get_by_role("button", name="Save changes"))
    wait_until(lambda: db.previews(bid)[0]["prefill"]["headline"] == "Edited, then undone", 30,
               "the edit")
    click(page, card(page, first).get_by_role("button", name="History"))
    click(page, popover_body(page, "Undo to this version").get_by_role("button", name="Undo to this version").first)
    wait_until(lambda: db.previews(bid)[0]["prefill"]["headline"] == first["prefill"]["headline"],
               30, "the undo")
    page.wait_for_function(BANNER_HAS, arg=first["prefill"]["headline"].replace("&", "&amp;"),
                           timeout=60_000)
    # an edited (and undone) banner needs a new review: its approval was of the words before
    wait_until(lambda: db.previews(bid)[0]["review"] is None, 30, "the edit clearing the review")
    click(page, card(page, first).get_by_role("button", name="Approve", exact=True))
    wait_until(lambda: db.previews(bid)[0]["review"] == "approved", 30, "the new approval")

    # archive the batch; find it again by a product's title
    page.goto(f"{app_url}/batches")
    wait_ready(page, 60_000)
    row = page.locator(f".st-key-batch_{bid}")
    click(page, row.get_by_role("button", name="Archive"))
    assert page.locator(f".st-key-batch_{bid}").count() == 0
    page.get_by_text("Show archived").click()
    wait_ready(page)
    search = page.get_by_label("Search")
    search.fill("Retro Game Console")
    search.press("Enter")
    wait_ready(page)
    page.wait_for_selector(f".st-key-batch_{bid}", timeout=30_000)
    assert page.locator(f".st-key-batch_{other}").count() == 0
    click(page, page.locator(f".st-key-batch_{bid}").get_by_role("link", name="View"))
    page.wait_for_url(re.compile(rf".*/previews\?batch={bid}.*"), timeout=30_000)
    wait_ready(page, 60_000)

    # export the approved banners: the two still approved (the swapped one is new again)
    with page.expect_download(timeout=120_000) as dl:
        page.get_by_role("button", name="Approved ZIP").click()
    data = Path(dl.value.path()).read_bytes()
    approved = [p for p in db.previews(bid) if p["review"] == "approved"]
    assert [p["id"] for p in approved] == [ps[0]["id"], ps[2]["id"]]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        prefills = [json.loads(zf.read(n)) for n in names if n.startswith("prefill/")]
        (csv_name,) = [n for n in names if n.endswith("-approved-prefills.csv")]  # as the batch ZIP's
        csv_text = zf.read(csv_name).decode("utf-8-sig")
    assert len([n for n in names if n.endswith(".png")]) == 2 * 3
    assert len([n for n in names if n.startswith("html/")]) == 2 * 3
    assert sorted(p["headline"] for p in prefills) == sorted(
        p["prefill"]["headline"] for p in approved)
    assert first["prefill"]["headline"] in [p["headline"] for p in prefills]
    assert ps[3]["hex"][:8] not in " ".join(names) and ps[1]["hex"][:8] not in " ".join(names)
    assert csv_text.count("\n") == 3  # header + 2 rows
    page.close()
    if os.environ.get("CTABS_DAY_TIMING"):
        Path(os.environ["CTABS_DAY_TIMING"]).write_text(
            json.dumps({"wall_seconds": round(time.monotonic() - started, 1)}))

"""No exception text, stack trace or SQL ever reaches a user: a page whose database
vanished under it shows a sentence with a reference; the detail is in the server's log."""

from __future__ import annotations

import json

from tests.browser.harness import dashboard, wait_ready


def test_a_failing_page_shows_words_not_a_traceback_or_sql(browser, tmp_path):
    with dashboard(workdir=tmp_path) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{base}/batches")
        wait_ready(page, 60_000)
        page.wait_for_selector("text=Batches", timeout=30_000)
        # the schema goes away under the running server: SQLite then answers "no such
        # table" with the SQL in the exception
        from sqlalchemy import create_engine, text

        eng = create_engine(f"sqlite:///{tmp_path / 'app.db'}")
        with eng.begin() as conn:
            conn.execute(text("ALTER TABLE batches RENAME TO batches_gone"))
        eng.dispose()
        page.reload()
        wait_ready(page, 60_000)
        page.wait_for_selector("text=it was logged for the operators", timeout=30_000)
        body = page.inner_text("body")
        for leak in ("Traceback", "SELECT", "sqlite3", "OperationalError", "no such table", "[SQL"):
            assert leak not in body, f"{leak!r} reached the user:\n{body[-2000:]}"
        page.close()
    log = (tmp_path / "streamlit.log").read_text(errors="replace")
    errors = [json.loads(x) for x in log.splitlines() if x.startswith("{") and "page.uncaught_error" in x]
    assert errors and "no such table" in errors[0]["exc"]
    assert errors[0]["reference"] in body

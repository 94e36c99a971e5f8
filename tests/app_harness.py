"""Shared by the page tests: a workspace of one's own and an AppTest opened on a page.

The embedded worker is replaced by a no-op (tests drive preview states through services
and ``tests.factories``); what the pages dispatch is recorded by the ``sent`` fixture.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60  # seconds: a 2-core CI machine renders 100 previews in well under this


@pytest.fixture
def app_ws(sqlite_db, workspace, settings_env, monkeypatch, sent):
    """Point the app at a fresh workspace on SQLite; returns the workspace name."""
    from actors import embedded

    monkeypatch.setattr(embedded, "start_embedded_worker", lambda: None)
    settings_env(DEFAULT_WORKSPACE=workspace, GENERATION_RATE_LIMIT="20/m",
                 MAX_URLS_PER_BATCH="5", BATCH_SIZE_MAX="10", BATCH_SIZE_DEFAULT="3",
                 DUPLICATE_WINDOW_SECONDS="5")
    return workspace


def open_page(page: str | None = None, /, **query: str) -> AppTest:
    """Run the app, switch to ``page`` (``pages/x.py``) with ``query`` params, run again."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.run()
    if page:
        at.switch_page(page)
        for k, v in query.items():
            at.query_params[k] = v
        at.run()
    assert not at.exception, at.exception
    return at


def texts(elements) -> str:
    """All values of a list of text elements, joined (for `in` assertions)."""
    return "\n".join(str(e.value) for e in elements)


def headers(at) -> list[str]:
    """The page's subheaders as read, without the isolates that set shop text apart."""
    return [s.value.replace("\u2068", "").replace("\u2069", "") for s in at.subheader]

"""Shared by the browser tests: one headless Debian chromium per module."""

import pytest

from tests.browser.harness import chromium, missing_browser
from tests.conftest import unavailable


@pytest.fixture(scope="module")
def browser():
    """Chromium, or (locally) a skip with the reason; under CI=true a missing one fails."""
    reason = missing_browser()
    if reason:
        unavailable(reason)
    with chromium() as b:
        yield b

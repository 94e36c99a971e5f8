"""Where the grown extraction set's pages live: the data folder of the pinned PyPI release
``formasaurus==0.10.0`` (``tests/fixtures/extraction/requirements.txt``, installed by ``make
install`` without its dependencies). Its ``formasaurus/data/html/N.html`` files are real shop
pages saved in 2015-16; ``tests/fixtures/extraction/truth.json`` names each by ``file`` and
pins its bytes by ``sha256``."""

from __future__ import annotations

import importlib.util
from pathlib import Path

PACKAGE = "formasaurus"
TRUTH = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "extraction" / "truth.json"


def pages_dir() -> Path | None:
    """The folder holding the pages, or None when the package is not installed."""
    spec = importlib.util.find_spec(PACKAGE)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "data" / "html"
    return folder if folder.is_dir() else None

"""The uploader's stated limit is the one the app applies (walk-through: the photo uploader
said "20MB per file" while photos over 15 MB were refused)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from core.previews import PHOTO_MAX_BYTES

CONFIG = Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml"


def test_streamlit_s_upload_limit_is_the_photo_limit():
    limit_mb = tomllib.loads(CONFIG.read_text())["server"]["maxUploadSize"]
    assert limit_mb * 1024 * 1024 == PHOTO_MAX_BYTES

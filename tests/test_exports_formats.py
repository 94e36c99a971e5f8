"""The batch ZIP in a chosen set of formats; single banners in any format (API and core)."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from core.errors import ValidationError
from core.exports import batch_export, check_formats, preview_banner
from core.previews import list_previews
from tests.factories import a_prefill, create_user_batch, set_preview_state


def test_chosen_formats_are_checked_and_default_to_the_original_three():
    # by their format names, as the dashboard's ZIP names them (a walk-through: the API's ZIP of the same
    # batch said "square" where the dashboard's said "social_1080x1080")
    assert check_formats(None) == ["social_1080x1080", "social_1200x628", "social_1080x1920"]
    assert check_formats(["iab_728x90", "square", "iab_728x90"]) == ["iab_728x90", "square"]
    with pytest.raises(ValidationError, match="size must be one of"):
        check_formats(["iab_1x1"])


def test_the_batch_zip_holds_every_banner_in_each_chosen_format(sqlite_db, workspace):
    batch = create_user_batch(workspace, n_urls=1, batch_size=2)
    ids = [p.id for p in list_previews(workspace, batch_id=batch.id).items]
    for pid in ids:
        set_preview_state(pid, "done", prefill=a_prefill())
    _, data = batch_export(workspace, batch.id, ["iab_320x50", "social_1080x1350"])
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    pngs = [n for n in names if n.startswith("png/")]
    assert len(pngs) == 4 and all(n.endswith(("-iab_320x50.png", "-social_1080x1350.png"))
                                  for n in pngs)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        first = next(n for n in pngs if n.endswith("-iab_320x50.png"))
        assert Image.open(io.BytesIO(zf.read(first))).size == (320, 50)
    png = preview_banner(workspace, ids[0], "iab_160x600", "png")
    assert Image.open(io.BytesIO(png)).size == (160, 600)
    assert preview_banner(workspace, ids[0], "story", "png")  # the old names still work


def test_the_api_offers_every_format_and_a_formats_choice_for_the_zip():
    from api.app import app

    spec = app.openapi()
    png = spec["paths"]["/llm-editor/cta/previews/{preview_id}/banner.png"]["get"]["parameters"]
    size = next(p for p in png if p["name"] == "size")["schema"]
    assert {"square", "landscape", "story", "iab_728x90", "social_1080x1920"} <= set(size["enum"])
    zip_params = spec["paths"]["/llm-editor/cta/batch/{batch_id}/download/"]["get"]["parameters"]
    assert any(p["name"] == "formats" for p in zip_params)


def test_the_csv_names_each_chosen_formats_files():
    import csv

    from core.exports import prefills_csv
    from tests.test_exports import a_preview

    p = a_preview(a_prefill())
    text = prefills_csv([p], sizes=["iab_728x90"]).lstrip("\ufeff")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["png_iab_728x90"].endswith("-iab_728x90.png") and "png_square" not in row

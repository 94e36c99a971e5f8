"""Download files: banner PNG/HTML, the batch ZIP and the prefills CSV (pure functions)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
import zipfile

from core.exports import banner_html, banner_png, batch_zip, file_stem, prefills_csv, slug
from core.render import SIZES
from core.views import PreviewInfo
from tests.factories import a_prefill

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def a_preview(prefill=None, variant=0, status="done", url="https://shop.example.com/p/1"):
    now = dt.datetime(2026, 1, 28, 10, 30, tzinfo=dt.timezone.utc)
    return PreviewInfo(
        id=uuid.uuid4(), workspace="w", batch_id=uuid.uuid4(), product_id=None, source_url=url,
        variant_index=variant, source_image_url=None, prefill=prefill, prefill_version=1,
        status=status, stage=None, error_message=None, retry_count=0, next_retry_at=None,
        created_at=now, started_at=now, finished_at=now,
    )


def test_file_names_are_safe_and_unique_per_preview():
    p = a_preview(a_prefill(), variant=1)
    assert slug("Retro Console — 620 Games!") == "retro-console-620-games"
    assert slug("") == "banner" and slug("!!!") == "banner"
    # other scripts keep their letters (walk-through: every Japanese product's files were "banner-…")
    assert slug("京都茶舗 / 宇治抹茶 雲鶴 40g缶") == "京都茶舗-宇治抹茶-雲鶴-40g缶"
    assert slug("Сумка КОЖАНАЯ") == "сумка-кожаная" and slug("हिंदी किताब") == "हिंदी-किताब"
    assert slug("Ｇａｍｅ　ＢＯＹ") == "game-boy"
    # accented Latin keeps its letters (walk-through: "pier-cionek-z-oty" in the ZIP)
    assert slug("PIERŚCIONEK ZŁOTY ZARĘCZYNOWY") == "pierscionek-zloty-zareczynowy"
    assert slug("Müllermöbel Straße") == "mullermobel-strasse"
    assert file_stem(p, "Retro Console") == f"retro-console-v2-{p.id.hex[:8]}"


def test_a_banner_downloads_as_png_and_html():
    prefill = a_prefill(headline="Play <tonight>")
    assert banner_png(prefill, "square").startswith(PNG_MAGIC)
    html = banner_html(prefill, "landscape")
    assert "Play &lt;tonight&gt;" in html and "<script" not in html.lower()


def test_the_batch_zip_holds_every_size_html_and_prefill_json():
    done = [a_preview(a_prefill(headline=f"Headline {i}"), variant=i) for i in range(2)]
    waiting = a_preview(None, variant=2, status="running")
    data = batch_zip([*done, waiting], {done[0].source_url: "Retro console"})
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        for p in done:
            stem = file_stem(p, "Retro console")
            for size in SIZES:
                assert zf.read(f"png/{stem}-{size}.png").startswith(PNG_MAGIC)
                assert f"html/{stem}-{size}.html" in names
            assert json.loads(zf.read(f"prefill/{stem}.json")) == p.prefill
        assert not any(waiting.id.hex[:8] in n for n in names)
        rows = list(csv.DictReader(io.StringIO(zf.read("prefills.csv").decode())))
    assert [r["headline"] for r in rows] == ["Headline 0", "Headline 1"]
    assert len(names) == 2 * (2 * len(SIZES) + 1) + 1


def test_prefills_csv_flattens_colours_and_keeps_widgets_as_json():
    p = a_preview(a_prefill(headline="=HYPERLINK(\"x\")"))
    rows = list(csv.DictReader(io.StringIO(prefills_csv([p], {p.source_url: "Console"}).lstrip("\ufeff"))))
    row = rows[0]
    assert row["preview_id"] == str(p.id) and row["product"] == "Console"
    assert row["colors.primary"] == "#112233"
    assert json.loads(row["widgets"])[0]["type"] == "price_badge"
    # every layout choice has its column: a text-only banner is told apart (a walk-through found no style column)
    from core.prefill import Layout

    assert {f"layout.{k}" for k in Layout.model_fields} <= set(row)
    text_only = a_preview(a_prefill(layout={"style": "text_only"}))
    (only,) = csv.DictReader(io.StringIO(prefills_csv([text_only]).lstrip("\ufeff")))
    assert only["layout.style"] == "text_only"
    # a cell a spreadsheet would run as a formula is quoted
    assert row["headline"] == "'=HYPERLINK(\"x\")"


def test_prefills_csv_lists_previews_without_prefill_too():
    rows = list(csv.DictReader(io.StringIO(prefills_csv([a_preview(None, status="failed")]).lstrip("\ufeff"))))
    assert rows[0]["status"] == "failed" and rows[0]["headline"] == ""


# --- issue 14, item 5 ------------------------------------------------------------------


def test_the_csv_is_in_product_then_variant_order_with_a_bom_and_no_internal_path():
    u1, u2 = "https://shop.example.com/p/a", "https://shop.example.com/p/b"
    bg = "/media/previews/b1/p1/0/background.png"
    made = [a_preview(a_prefill(headline=f"{u[-1]}{v}", generated_background_url=bg,
                                original_background_url="https://cdn.shop/x.jpg"), variant=v, url=u)
            for u, v in [(u2, 1), (u1, 2), (u2, 0), (u1, 0), (u1, 1)]]
    text = prefills_csv(made, {u1: "Alpha", u2: "Beta"})
    assert text.startswith("\ufeffpreview_id,")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [r["headline"] for r in rows] == ["a0", "a1", "a2", "b0", "b1"]
    assert "/media/" not in text
    first = rows[0]
    stem = file_stem(made[3], "Alpha")
    assert first["generated_background_url"] == first["background_file"] == f"backgrounds/{stem}.png"
    assert first["original_background_url"] == "https://cdn.shop/x.jpg"  # public: kept
    assert first["png_landscape"] == f"png/{stem}-landscape.png"
    assert first["prefill_file"] == f"prefill/{stem}.json"


def test_the_zip_holds_every_file_its_csv_names():
    bg = "/media/previews/b1/p1/0/background.png"
    made = [a_preview(a_prefill(generated_background_url=bg), variant=v) for v in (1, 0)]
    data = batch_zip(made, {made[0].source_url: "Console"}, read=lambda url: PNG_MAGIC + b"bg",
                     csv_name="spring-sale-prefills.csv")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        raw = zf.read("spring-sale-prefills.csv").decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(raw[1:])))
    assert [r["variant"] for r in rows] == ["1", "2"]
    named = {v for r in rows for k, v in r.items()
             if k.startswith(("png_", "html_")) or k in ("prefill_file", "background_file")}
    assert named and named <= names
    assert names - named == {"spring-sale-prefills.csv"}


def test_a_download_name_in_any_script_makes_a_latin_1_header():
    from core.exports import attachment

    assert attachment("retro-console.zip") == 'attachment; filename="retro-console.zip"'
    value = attachment("宇治抹茶.zip")
    value.encode("latin-1")  # what an HTTP header must be
    assert value == "attachment; filename=\"download.zip\"; filename*=UTF-8''%E5%AE%87%E6%B2%BB%E6%8A%B9%E8%8C%B6.zip"
    assert 'filename="a-b.zip"' in attachment('a"b.zip') and "a%22b.zip" in attachment('a"b.zip')

"""Files users download: one banner as PNG/HTML, a whole batch as ZIP, prefills as CSV.

Pure functions over plain data (``PreviewInfo``); the caller passes ``resolve`` (usually
``get_storage().data_uri``) so the files are self-contained and need no server.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable

from core.render import SIZES, render_banner_html, render_banner_png
from core.views import PreviewInfo

Resolver = Callable[[str], str | None]

CSV_FIELDS = [
    "preview_id", "product", "source_url", "variant", "status", "headline", "subtitle",
    "cta_text", "brand", "visual_vibe", "colors.primary", "colors.secondary",
    "colors.background", "colors.text", "colors.button", "colors.button_text",
    "layout.text_position", "layout.alignment", "layout.direction", "widgets", "cta_url",
    "product_image_url", "generated_background_url", "original_background_url",
]


def slug(text: str | None, fallback: str = "banner") -> str:
    """A file-name-safe slug (ASCII letters, digits, dashes), at most 40 characters."""
    cleaned = re.sub(r"[^A-Za-z0-9]+", "-", text or "").strip("-").lower()[:40].strip("-")
    return cleaned or fallback


def file_stem(preview: PreviewInfo, title: str | None = None) -> str:
    """``retro-console-v2-1a2b3c4d``: product, variant number, short id (unique per preview)."""
    return f"{slug(title)}-v{preview.variant_index + 1}-{preview.id.hex[:8]}"


def banner_png(prefill: dict, size: str, resolve: Resolver | None = None) -> bytes:
    """The banner in ``size`` as PNG bytes."""
    return render_banner_png(prefill, size, resolve=resolve).png


def banner_html(prefill: dict, size: str, resolve: Resolver | None = None) -> str:
    """The banner in ``size`` as a self-contained HTML document."""
    return render_banner_html(prefill, size, resolve=resolve)


def batch_zip(
    previews: Iterable[PreviewInfo],
    titles: dict[str, str] | None = None,
    resolve: Resolver | None = None,
    sizes: Iterable[str] = tuple(SIZES),
) -> bytes:
    """A ZIP of every preview with a prefill: ``png/<stem>-<size>.png`` for each size,
    ``html/<stem>-<size>.html``, ``prefill/<stem>.json`` and ``prefills.csv``."""
    titles = titles or {}
    sizes = list(sizes)
    previews = [p for p in previews if p.prefill]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in previews:
            stem = file_stem(p, titles.get(p.source_url))
            for size in sizes:
                # PNGs are already compressed: store them, deflate only the text files.
                zf.writestr(f"png/{stem}-{size}.png", banner_png(p.prefill, size, resolve),
                            compress_type=zipfile.ZIP_STORED)
                zf.writestr(f"html/{stem}-{size}.html", banner_html(p.prefill, size, resolve))
            zf.writestr(f"prefill/{stem}.json", json.dumps(p.prefill, indent=2, ensure_ascii=False))
        zf.writestr("prefills.csv", prefills_csv(previews, titles))
    return buf.getvalue()


def _flatten(prefill: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in prefill.items():
        if isinstance(value, dict):
            for sub, v in value.items():
                out[f"{key}.{sub}"] = "" if v is None else str(v)
        elif isinstance(value, list):
            out[key] = json.dumps(value, ensure_ascii=False)
        else:
            out[key] = "" if value is None else str(value)
    return out


def _cell(value: str) -> str:
    # Spreadsheets run cells starting with = + - @ as formulas (CSV injection): quote them.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def prefills_csv(previews: Iterable[PreviewInfo], titles: dict[str, str] | None = None) -> str:
    """One row per preview with its prefill flattened (``colors.primary``, widgets as JSON)."""
    titles = titles or {}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for p in previews:
        row = {
            "preview_id": str(p.id), "product": titles.get(p.source_url, ""),
            "source_url": p.source_url, "variant": str(p.variant_index + 1), "status": p.status,
            **_flatten(p.prefill or {}),
        }
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


# --- services for callers that hold only ids (the HTTP API) ----------------------------


def _check_size(size: str) -> str:
    if size not in SIZES:
        from core.errors import ValidationError

        raise ValidationError(f"size must be one of {', '.join(SIZES)} (got {size!r})",
                              [f"size: must be one of {', '.join(SIZES)}"])
    return size


def preview_banner(workspace: str, preview_id: object, size: str, fmt: str) -> bytes | str:
    """One of this workspace's banners as PNG bytes (``fmt="png"``) or an HTML document."""
    from core.errors import ConflictError
    from core.previews import get_preview
    from core.storage import get_storage

    _check_size(size)
    p = get_preview(workspace, preview_id)
    if not p.prefill:
        raise ConflictError(f"Preview {p.id} has no banner yet (it is {p.status})", preview_id=p.id)
    resolve = get_storage().data_uri
    return banner_png(p.prefill, size, resolve) if fmt == "png" else banner_html(p.prefill, size, resolve)


def batch_export(workspace: str, batch_id: object) -> tuple[str, bytes]:
    """(file name, ZIP bytes) of one of this workspace's batches, as the Previews page's ZIP."""
    from core.batches import get_batch
    from core.errors import ConflictError
    from core.previews import list_previews
    from core.storage import get_storage

    detail = get_batch(workspace, batch_id)
    titles = {s.url: s.title or "" for s in detail.sources}
    items, cursor = [], None
    while True:
        page = list_previews(workspace, batch_id=detail.batch.id, page_size=500, cursor=cursor)
        items.extend(page.items)
        cursor = page.next_cursor
        if not cursor:
            break
    if not any(p.prefill for p in items):
        raise ConflictError("This batch has no finished banner yet", batch_id=detail.batch.id)
    return f"{slug(detail.batch.name, 'batch')}.zip", batch_zip(items, titles, get_storage().data_uri)

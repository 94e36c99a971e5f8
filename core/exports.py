"""Files users download: one banner as PNG/HTML, a whole batch as ZIP, prefills as CSV.

Pure functions over plain data (``PreviewInfo``); the caller passes ``resolve`` (usually
``get_storage().data_uri``) so the files are self-contained and need no server.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from urllib.parse import quote

from core.render import SIZES, render_banner_html, render_banner_png
from core.render.formats import ALIASES
from core.views import PreviewInfo

Resolver = Callable[[str], str | None]

CSV_FIELDS = [
    "preview_id", "product", "source_url", "variant", "status", "headline", "subtitle",
    "cta_text", "brand", "visual_vibe", "colors.primary", "colors.secondary",
    "colors.background", "colors.text", "colors.button", "colors.button_text",
    "layout.text_position", "layout.alignment", "layout.direction", "layout.style", "widgets", "cta_url",
    "product_image_url", "generated_background_url", "original_background_url",
    "background_file", "prefill_file", *[f"{kind}_{size}" for kind in ("png", "html") for size in SIZES],
]
CSV_NAME = "prefills.csv"
BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only with it


def ordered(previews: Iterable[PreviewInfo], titles: dict[str, str] | None = None) -> list[PreviewInfo]:
    """Product by product in the batch's order (``titles`` is keyed by URL in submission
    order), then variant by variant: the order of the Previews page."""
    order = {url: i for i, url in enumerate(titles or {})}
    return sorted(previews, key=lambda p: (order.get(p.source_url, len(order)), p.source_url,
                                           p.variant_index))


def _is_internal(url: object) -> bool:
    return isinstance(url, str) and bool(url) and not url.startswith(("http://", "https://"))


def background_file(preview: PreviewInfo, title: str | None = None) -> str | None:
    """Where the preview's generated background is in the ZIP (``backgrounds/<stem>.<ext>``),
    or None when it has none stored."""
    url = (preview.prefill or {}).get("generated_background_url")
    if not _is_internal(url):
        return None
    ext = url.rsplit(".", 1)[-1].lower() if "." in url.rsplit("/", 1)[-1] else "png"
    ext = ext if ext in ("png", "jpg", "jpeg", "webp") else "png"
    return f"backgrounds/{file_stem(preview, title)}.{ext}"


def files_of(preview: PreviewInfo, title: str | None = None, sizes: Iterable[str] = tuple(SIZES)) -> dict[str, str]:
    """The ZIP's file names for one preview, as the CSV lists them."""
    if not preview.prefill:
        return {}
    stem = file_stem(preview, title)
    out = {"prefill_file": f"prefill/{stem}.json"}
    for size in sizes:
        out[f"png_{size}"] = f"png/{stem}-{size}.png"
        out[f"html_{size}"] = f"html/{stem}-{size}.html"
    if bg := background_file(preview, title):
        out["background_file"] = bg
    return out


# Latin letters Unicode does not decompose into a base letter and a mark
_LATIN_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss",
                              "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH",
                              "ı": "i", "ħ": "h", "Ħ": "H"})


def slug(text: str | None, fallback: str = "banner") -> str:
    """A file-name-safe slug (letters, digits, dashes), at most 40 characters. Accented Latin
    letters keep their base letter ("Pierścionek złoty" → "pierscionek-zloty", not
    "pier-cionek-z-oty"); other scripts keep their letters ("抹茶 雲鶴 40g缶" →
    "抹茶-雲鶴-40g缶", "Сумка кожаная" → "сумка-кожаная"), so a Japanese or Russian shop's
    files are not all called "banner"."""
    out = []
    for ch in unicodedata.normalize("NFC", (text or "").translate(_LATIN_EXTRA)):
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base.isascii():
            out.append(base if base.isalnum() else "-")  # é → e, ｇ → g; punctuation → dash
        elif ch.isalnum() or unicodedata.category(ch).startswith("M"):  # a letter or its sign (हिंदी)
            out.append(ch)
        else:
            out.append("-")
    cleaned = re.sub(r"-+", "-", "".join(out)).strip("-").lower()[:40].strip("-")
    return cleaned or fallback


def attachment(name: str) -> str:
    """A ``Content-Disposition`` value for downloading ``name``: non-ASCII names in the RFC
    6266/5987 ``filename*`` form (HTTP headers are Latin-1), with an ASCII fallback name."""
    if name.isascii() and not re.search(r'["\\\x00-\x1f\x7f]', name):
        return f'attachment; filename="{name}"'
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    plain = re.sub(r"[^A-Za-z0-9]+", "-", unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode())
    plain = (plain.strip("-") or "download") + (f".{ext}" if ext.isascii() and ext.isalnum() else "")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


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
    *,
    read: Callable[[str], bytes | None] | None = None,
    csv_name: str = CSV_NAME,
) -> bytes:
    """A ZIP of every preview with a prefill: ``png/<stem>-<size>.png`` for each size,
    ``html/<stem>-<size>.html``, ``prefill/<stem>.json``, the generated background as
    ``backgrounds/<stem>.<ext>`` (when ``read`` gives its bytes) and the CSV (``csv_name``),
    whose file columns name exactly these files."""
    titles = titles or {}
    sizes = list(sizes)
    previews = ordered([p for p in previews if p.prefill], titles)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in previews:
            title = titles.get(p.source_url)
            stem = file_stem(p, title)
            for size in sizes:
                # PNGs are already compressed: store them, deflate only the text files.
                zf.writestr(f"png/{stem}-{size}.png", banner_png(p.prefill, size, resolve),
                            compress_type=zipfile.ZIP_STORED)
                zf.writestr(f"html/{stem}-{size}.html", banner_html(p.prefill, size, resolve))
            zf.writestr(f"prefill/{stem}.json", json.dumps(p.prefill, indent=2, ensure_ascii=False))
            bg = background_file(p, title)
            data = read(p.prefill["generated_background_url"]) if bg and read else None
            if data:
                zf.writestr(bg, data, compress_type=zipfile.ZIP_STORED)
        zf.writestr(csv_name, prefills_csv(previews, titles, sizes=sizes,
                                           with_backgrounds=read is not None))
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


def prefills_csv(previews: Iterable[PreviewInfo], titles: dict[str, str] | None = None, *,
                 sizes: Iterable[str] = tuple(SIZES), with_backgrounds: bool = True) -> str:
    """One row per preview with its prefill flattened (``colors.primary``, widgets as JSON),
    product by product then variant (``ordered``), UTF-8 BOM first for Excel.

    No internal storage path is written: ``generated_background_url`` is the background's
    file in the batch ZIP (``backgrounds/<stem>.png``), and the ``png_*``, ``html_*``,
    ``prefill_file`` and ``background_file`` columns name the ZIP's files of that row."""
    titles = titles or {}
    sizes = list(sizes)
    out = io.StringIO()
    out.write(BOM)
    # one png_/html_ column per chosen format (the ZIP may hold any set of formats)
    fields = [f for f in CSV_FIELDS if not f.startswith(("png_", "html_"))] + [
        f"{kind}_{size}" for kind in ("png", "html") for size in sizes]
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    for p in ordered(previews, titles):
        title = titles.get(p.source_url)
        files = files_of(p, title, sizes)
        if not with_backgrounds:
            files.pop("background_file", None)
        row = {
            "preview_id": str(p.id), "product": titles.get(p.source_url, ""),
            "source_url": p.source_url, "variant": str(p.variant_index + 1), "status": p.status,
            **_flatten(p.prefill or {}), **files,
        }
        for key in ("generated_background_url", "original_background_url", "product_image_url"):
            if _is_internal(row.get(key)):  # a path inside this server means nothing outside
                row[key] = files.get("background_file", "") if key == "generated_background_url" else ""
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


# --- services for callers that hold only ids (the HTTP API) ----------------------------


def _check_size(size: str) -> str:
    from core.render.formats import ALL_SIZES

    if size not in ALL_SIZES:
        from core.errors import ValidationError

        raise ValidationError(f"size must be one of {', '.join(ALL_SIZES)} (got {size!r})",
                              [f"size: must be one of {', '.join(ALL_SIZES)}"])
    return size


def check_formats(formats: Iterable[str] | None) -> list[str]:
    """The chosen formats (names or the original three aliases), each once, in order; the
    original three sizes when none is chosen, by their format names as the dashboard's ZIP
    names them (the API's ZIP said "square" where the dashboard's said "social_1080x1080")."""
    chosen = list(dict.fromkeys(formats or ()))
    return [_check_size(f) for f in chosen] or [ALIASES[s] for s in SIZES]


def preview_banner(workspace: str, preview_id: object, size: str, fmt: str) -> bytes | str:
    """One of this workspace's banners as PNG bytes (``fmt="png"``) or an HTML document."""
    from core.errors import ConflictError
    from core.previews import get_preview
    from core.storage import get_storage

    _check_size(size)
    p = get_preview(workspace, preview_id)
    if not p.prefill:
        raise ConflictError(f"Preview {p.id} has no banner yet (it is {p.status})", preview_id=p.id)
    from core.media_owner import scoped

    resolve = scoped(workspace, get_storage().data_uri)  # only the workspace's own files
    return banner_png(p.prefill, size, resolve) if fmt == "png" else banner_html(p.prefill, size, resolve)


def batch_export(workspace: str, batch_id: object,
                 formats: Iterable[str] | None = None) -> tuple[str, bytes]:
    """(file name, ZIP bytes) of one of this workspace's batches, as the Previews page's ZIP,
    with banners in the chosen ``formats`` (default: the original square, landscape and story, by
    their format names)."""
    sizes = check_formats(formats)
    from core.batches import get_batch
    from core.errors import ConflictError
    from core.previews import all_previews
    from core.storage import get_storage

    detail = get_batch(workspace, batch_id)
    titles = {s.url: s.title or "" for s in detail.sources}
    items = all_previews(workspace, detail.batch.id)
    if not any(p.prefill for p in items):
        raise ConflictError("This batch has no finished banner yet", batch_id=detail.batch.id)
    name = slug(detail.batch.name, "batch")
    from core.media_owner import scoped

    storage = get_storage()
    return f"{name}.zip", batch_zip(items, titles, scoped(workspace, storage.data_uri),
                                    read=scoped(workspace, storage.get),
                                    csv_name=f"{name}-prefills.csv", sizes=sizes)

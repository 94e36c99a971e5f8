"""Make any prefill safe to draw: colours, URLs, layout values and widgets are checked.

Renderers accept prefills that would fail ``validate_prefill`` (an over-long scraped title,
a hand-edited colour) and draw what is safe, listing what they replaced.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Callable

from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from core.palette import contrast_problems
from core.prefill import HEX_RE, Colors, Layout, Widget, _check_url, check_font_ref

_DEFAULT_COLORS = Colors().model_dump()
_LAYOUT_CHOICES = {k: f.annotation.__args__ for k, f in Layout.model_fields.items()}
_WIDGET = TypeAdapter(Widget)
_DATA_URI = re.compile(r"^data:(image/(?:png|jpeg|webp|gif));base64,([A-Za-z0-9+/=]+)$")
TEXT_CAP = 600  # longer text is cut before layout: nobody reads it, and wrapping costs time

Resolver = Callable[[str], "str | bytes | None"]


def safe_prefill(prefill: dict | None) -> tuple[dict, list[str]]:
    """A drawable copy of ``prefill`` and warnings about what had to be replaced."""
    src = prefill if isinstance(prefill, dict) else {}
    warnings: list[str] = []
    colors = {}
    raw_colors = src.get("colors") if isinstance(src.get("colors"), dict) else {}
    for name, default in _DEFAULT_COLORS.items():
        value = raw_colors.get(name)
        if isinstance(value, str) and HEX_RE.match(value):
            colors[name] = value.upper()
        else:
            if value is not None:
                warnings.append(f"colour {name} {str(value)[:20]!r} is not #RRGGBB; default used")
            colors[name] = default
    warnings += contrast_problems(colors)
    raw_layout = src.get("layout") if isinstance(src.get("layout"), dict) else {}
    layout = {k: raw_layout.get(k) if raw_layout.get(k) in choices else choices[0]
              for k, choices in _LAYOUT_CHOICES.items()}
    widgets = []
    for w in src.get("widgets") or []:
        try:
            widgets.append(_WIDGET.validate_python(w).model_dump(mode="json"))
        except PydanticValidationError:
            warnings.append(f"a widget could not be shown: {str(w)[:60]}")
    out = {
        key: " ".join(str(src.get(key) or "").split())[:TEXT_CAP]
        for key in ("headline", "subtitle", "cta_text", "brand", "legal")
    }
    out.update(colors=colors, layout=layout, widgets=widgets[:6])
    try:
        out["font"] = check_font_ref(src.get("font")) if isinstance(src.get("font"),
                                                                    (str, type(None))) else ""
    except ValueError:
        out["font"] = ""
        warnings.append("font is not an installed family or a /media/ font; default used")
    for key in ("generated_background_url", "original_background_url", "cta_url", "logo_url"):
        try:
            out[key] = _check_url(src.get(key)) if isinstance(src.get(key), (str, type(None))) \
                else None
        except ValueError:
            out[key] = None
            warnings.append(f"{key} is not an allowed URL and was ignored")
    return out, warnings


def background_source(prefill: dict, resolve: Resolver | None) -> tuple[str | None, bytes | None]:
    """The background as (data URI or https URL for HTML, raw bytes for PNG), or (None, None).

    ``/media/`` URLs go through ``resolve`` (default: the configured media storage).
    """
    url = prefill.get("generated_background_url") or prefill.get("original_background_url")
    return media_source(url, resolve)


def media_source(url: str | None, resolve: Resolver | None) -> tuple[str | None, bytes | None]:
    """An image URL of a prefill as (data URI or https URL for HTML, raw bytes for PNG)."""
    if not url:
        return None, None
    if url.startswith("/media/"):
        if resolve is None:
            from core.storage import get_storage

            resolve = get_storage().data_uri
        try:
            got = resolve(url)
        except Exception:  # noqa: BLE001 - a broken store must show a placeholder, not crash
            got = None
        if isinstance(got, bytes):
            from core.storage import sniff_content_type

            mime = sniff_content_type(got)
            return f"data:{mime};base64," + base64.b64encode(got).decode(), got
        url = got or ""
    if m := _DATA_URI.match(url or ""):
        try:
            return url, base64.b64decode(m.group(2))
        except binascii.Error:
            return None, None
    if url and url.startswith("https://"):
        return url, None  # the browser may load it; the PNG renderer does no network I/O
    return None, None

"""One preview on the Previews page: the banner, its status, actions, downloads, editor.

The banner is shown as a ``data:text/html`` iframe: such a document gets an opaque origin,
so it cannot reach the dashboard even though Streamlit's iframe allows same-origin
content; the renderer's Content-Security-Policy forbids scripts on top of that.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import streamlit as st

from core.errors import AppError
from core.exports import banner_html, banner_png, file_stem
from core.previews import EDITABLE, cancel_preview, retry_preview, try_preview_now
from core.render import render_banner_html
from core.render.formats import resolve_size
from core.storage import get_storage
from core.thumbnails import THUMB_SIDE, thumbnail_data_uri, thumbnail_url
from core.views import PreviewInfo
from db.base import utcnow
from pages import prefill_form, quality_findings, review, ui

# On-screen width per banner size, in CSS pixels: two landscape banners fit side by side
# on a 1280 px screen with the sidebar open.
DISPLAY_WIDTH = {"landscape": 440, "square": 300, "story": 220}


@st.cache_data(max_entries=2000, show_spinner=False)
def _thumbnail(url: str, stamp: str) -> str | None:
    """A small inline copy of a stored image (``stamp`` changes when the image is remade).

    The pipeline stores one next to each generated background; others are shrunk here.
    """
    stored = thumbnail_url(url)
    if stored:
        uri = get_storage().data_uri(stored)
        if uri:
            return uri
    return thumbnail_data_uri(get_storage().get(url), THUMB_SIDE)


@st.cache_data(max_entries=4000, show_spinner=False)
def _banner_src(content_key: str, size: str, _prefill: dict, _stamp: str, _workspace: str) -> str:
    # cached on ``content_key`` (a digest of prefill + stamp): Streamlit's own hashing of
    # the prefill dict cost more than a hundred cached lookups together
    from core.media_owner import scoped

    # only the workspace's own files (a prefill stored before edits were checked may hold another's key)
    html = render_banner_html(_prefill, size, resolve=scoped(_workspace, lambda url: _thumbnail(url, _stamp)))
    return "data:text/html;base64," + base64.b64encode(html.encode()).decode("ascii")


def _content_key(p: PreviewInfo) -> str:
    """A digest of what the banner is made of: the prefill and when its images were made, and
    whose it is (the images it may draw are its workspace's)."""
    return hashlib.blake2b(
        json.dumps(p.prefill, sort_keys=True, default=str).encode() + _stamp(p).encode() + p.workspace.encode(),
        digest_size=16).hexdigest()


def banner_src(p: PreviewInfo, size: str) -> str:
    """The banner as a ``data:text/html`` URL with downscaled images (cached per content)."""
    return _banner_src(_content_key(p), size, p.prefill, _stamp(p), p.workspace)


# Banners warmed in this process (bounded, oldest dropped first), and the threads that warm
# them: kept for the server's life, since starting threads on every run of a watched page
# cost more than its cached banner lookups.
_WARMED: dict[tuple[str, str], None] = {}
_WARMED_MAX = 8000
_WARMED_LOCK = threading.Lock()
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="banners")


def warm_banners(previews: list[PreviewInfo], size: str) -> None:
    """Render the banners not cached yet on a few threads before the cards are drawn.

    A cold page of 100 previews spends most of its time laying out text and shrinking
    backgrounds; Pillow releases the GIL for decoding and encoding, so threads overlap them.
    A page whose banners were all warmed before goes straight to its cards.
    """
    todo = [(p, key) for p in previews if p.prefill
            and (key := (_content_key(p), size)) not in _WARMED]
    if len(todo) >= 4:
        list(_POOL.map(lambda item: banner_src(item[0], size), todo))
    with _WARMED_LOCK:
        for _, key in todo:
            _WARMED[key] = None
        while len(_WARMED) > _WARMED_MAX:
            del _WARMED[next(iter(_WARMED))]


def _stamp(p: PreviewInfo) -> str:
    """Changes when the stored images may have been remade (a retry, a new finish)."""
    return f"{p.finished_at.isoformat() if p.finished_at else ''}:{p.retry_count}"


def _act(label: str, action, workspace: str, p: PreviewInfo) -> None:
    try:
        action(workspace, p.id)
    except AppError as exc:
        ui.show_error(exc)
        return
    st.toast(label)
    st.rerun()  # full run: the live refresh may need to start again


def _summary(p: PreviewInfo, said_above: frozenset[str] = frozenset()) -> str:
    """Heading, status (and stage), facts and error of a card as one markdown element:
    a page of 100 cards pays per element, so the card keeps few. An error the product's
    header already shows (the page could not be read: every variant failed the same way) is
    pointed to, not repeated on each card."""
    lines = [f"**Variant {p.variant_index + 1}** {ui.badge_md(p.status, p.stage or '')}"]
    facts = []
    if p.failures:
        # failed tries, counted apart from the schedule's place ("retried 2×" after one retry; one
        # less after "Try now": a walk-through)
        facts.append(f"failed {p.failures}×" if p.status in ("retrying", "failed") else
                     f"after {p.failures} failed {'try' if p.failures == 1 else 'tries'}")
    if p.next_retry_at and p.status == "retrying":
        facts.append(f"next try {ui.when(p.next_retry_at)}")
    if p.status == "running" and p.lease_expires_at and p.lease_expires_at < utcnow():
        # the worker died (or hangs): the reconciler gives the work to another within a minute
        facts.append(f"its worker stopped answering {ui.when(p.lease_expires_at)}; another takes it "
                     "up shortly")
    if p.status == "queued":
        from core.fairshare import place_text

        facts.append(place_text("preview", p.id) or "waiting for a slot")  # "#14 in line · about 40 s"
    if p.finished_at:
        facts.append(f"finished {ui.when(p.finished_at)}")
    if facts:
        lines.append(":gray[:small[" + " · ".join(facts) + "]]")
    if p.error_message and p.status == "failed":
        lines.append(":red[Failed: the product's message above says why]" if p.error_message in said_above
                     else f":red[{ui.md_escape(p.error_message)}]")
    elif p.error_message and p.status == "retrying":  # not failed: it will try again
        lines.append(":orange[Last try: the product's message above says why]" if p.error_message in said_above
                     else f":orange[Last try: {ui.md_escape(p.error_message)}]")
    # (pending, queued, running: an earlier try's error is history, not the card's state)
    fidelity = (p.prefill or {}).get("product_fidelity") or {}
    if fidelity and not fidelity.get("passed", True):  # the generated background changed the product
        lines.append(f":orange[:material/warning: {ui.md_escape(fidelity.get('note') or 'The product looks changed')}]")
    return "  \n".join(lines)


_WAITING = {"pending": "Waiting for the product page", "queued": "Waiting for a slot",
            "running": "Generating…", "retrying": "Will try again"}
# (margin-bottom: a markdown element pulls what follows up by 1rem, for its paragraph's margin, which
# a <div> has not: the card's buttons sat on the box's border — walk-through)
_PLACEHOLDER = ('<div style="height:{height}px;border:1px dashed rgba(128,128,128,.45);'
                'border-radius:.5rem;display:flex;align-items:center;justify-content:center;'
                'color:rgba(128,128,128,.9);font-size:.875rem;margin-bottom:1rem">{text}</div>')


def display_width(size: str) -> int:
    """On-screen width of a banner of ``size`` (a size name or any ad format's name): the
    three classic sizes as before; other formats fit a 440 × 440 px box."""
    if size in DISPLAY_WIDTH:
        return DISPLAY_WIDTH[size]
    w, h = resolve_size(size)
    return max(80, round(w * min(440 / w, 440 / h)))


# A card's inner width (px) by cards per row, in the page's centred layout: a banner wider
# than its card is shrunk to the card's width by the browser while its frame keeps the
# height asked for, leaving a blank band below it (~36 px under landscape, ~100 px under story)
CARD_WIDTH = {1: 760, 2: 368, 3: 228, 4: 160}


def _banner(p: PreviewInfo, size: str, per_row: int | None = None) -> None:
    width = min(display_width(size), CARD_WIDTH.get(per_row or 0, 10_000))
    w, h = resolve_size(size)
    if p.prefill:
        st.iframe(banner_src(p, size), width=width,
                  height=round(width * h / w), alt=f"Banner: {p.prefill.get('headline', '')}")
    else:  # one element, not a bordered container with a caption inside
        st.markdown(_PLACEHOLDER.format(height=round(width * h / w),
                                        text=_WAITING.get(p.status, "No banner")),
                    unsafe_allow_html=True)


def _downloads(p: PreviewInfo, size: str, title: str | None) -> None:
    from core.media_owner import scoped

    stem = f"{file_stem(p, title)}-{size}"
    resolve = scoped(p.workspace, get_storage().data_uri)
    # Deferred data: the PNG is drawn only when the user clicks, off the page's run.
    st.download_button(
        "PNG", data=functools.partial(banner_png, p.prefill, size, resolve),
        file_name=f"{stem}.png", mime="image/png", key=f"png_{p.id.hex}",
        on_click="ignore", icon=":material/image:")
    st.download_button(
        "HTML", data=functools.partial(banner_html, p.prefill, size, resolve),
        file_name=f"{stem}.html", mime="text/html", key=f"html_{p.id.hex}",
        on_click="ignore", icon=":material/code:")


def card(p: PreviewInfo, workspace: str, size: str, title: str | None,
         per_row: int | None = None, said_above: frozenset[str] = frozenset()) -> None:
    """Render one preview: summary, banner, one row of actions, the editor when open.
    ``per_row``: cards in its row (the banner is drawn no wider than the card);
    ``said_above``: errors the product's header shows already."""
    with st.container(border=True, key=f"preview_{p.id.hex}"):
        st.markdown(_summary(p, said_above))
        _banner(p, size, per_row)
        quality_findings.show(p.prefill, p.id.hex)
        editing = False
        unfinished = p.status in ui.UNFINISHED
        # an unfinished card has only its Cancel (and a retrying one Try now): no row container
        with (contextlib.nullcontext() if unfinished and p.status != "retrying" else
              st.container(horizontal=True, gap="small", vertical_alignment="center")):
            if unfinished:
                if st.button("Cancel", key=f"pcancel_{p.id.hex}", icon=":material/stop:"):
                    _act("Preview cancelled", cancel_preview, workspace, p)
                if p.status == "retrying" and st.button(  # no need to wait for the schedule
                        "Try now", key=f"pnow_{p.id.hex}", icon=":material/replay:",
                        help="Try again now, as an extra try: the scheduled retries stay as they are"):
                    _act("Trying again now", try_preview_now, workspace, p)
            if p.status == "cancelled" or p.status == "failed" and not p.failed_for_good:
                # a failure for good (a search page, no photo that can be downloaded) would fail
                # the same way: its message says what to do instead, no Retry is offered
                if st.button("Retry", key=f"pretry_{p.id.hex}", icon=":material/replay:"):
                    _act("Preview queued again", retry_preview, workspace, p)
            if p.prefill:
                _downloads(p, size, title)
            if p.status in EDITABLE and p.prefill:  # no banner yet: nothing to edit
                editing = st.toggle("Edit", key=f"pedit_{p.id.hex}")
        review.card_controls(p, workspace)  # approve / reject, regenerate, photo, history
        if editing:
            prefill_form.editor(p, workspace)
        else:
            prefill_form.close(p.id)

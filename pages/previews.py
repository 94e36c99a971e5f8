"""Previews of one batch (``?batch=<id>``, bookmarkable): grouped by product, live while
any preview is unfinished, each editable inline; downloads for one banner or the batch.

Live refresh: a small fragment polls while the batch runs and redraws the page only when a
preview changed (see ``_watch``).
"""

from __future__ import annotations

import functools
import time

import streamlit as st

from core.wording import count
from core.batches import cancel_batch, list_batches, resume_cancelled, retry_failed
from core.errors import AppError, NotFoundError
from core.exports import batch_zip, ordered, prefills_csv, slug
from core.previews import (
    all_previews,
    give_product_photo,
    previews_signature,
    progress_of,
    screen_signature,
    use_text_only,
    watched_batch,
)
from core.render import SIZES
from core.render.formats import ALIASES, FORMATS, format_for
from core.states import BatchStatus, PreviewStatus
from core.storage import get_storage
from core.views import BatchDetail, SourceSummary
from pages import review as review_ui
from pages import ui, zip_formats
from pages.preview_card import card, warm_banners

ALL = "All"
PER_ROW = {"landscape": 2, "square": 3, "story": 4}
PER_PAGE = [24, 48, 96, ALL]  # cards per screen (multiples of every PER_ROW)


# the classic three names first, then every other ad format (IAB display, social)
SIZE_CHOICES = [*SIZES, *(name for name in FORMATS if name not in ALIASES.values())]


def per_row_of(size: str) -> int:
    """Cards per row: the classic sizes as before; other formats by their shape (wide
    strips 2, tall columns 4, the rest 3 — all divide every PER_PAGE)."""
    if size in PER_ROW:
        return PER_ROW[size]
    return {"strip": 2, "column": 4}.get(format_for(size).shape, 3)


def _size_label(size: str) -> str:
    """Short enough for the picker's width: a classic name, or the format's pixels."""
    if size in ALIASES:
        return size
    w, h = FORMATS[size].size
    return f"{w}×{h}"


def _pick_batch(workspace: str) -> None:
    """No batch in the URL: offer the recent ones."""
    st.title("Previews")
    recent = list_batches(workspace, page_size=50, archived=None).items  # archived too
    if not recent:
        st.info("No batches yet. Create one on **New batch** and its previews appear here.")
        st.page_link(ui.NEW_BATCH, label="New batch", icon=":material/add_circle:")
        return
    names = {str(b.id): f"{b.name} · {b.status}" + (" · archived" if b.archived_at else "")
             for b in recent}
    chosen = st.selectbox("Choose a batch", list(names), format_func=names.get, index=None,
                          key="previews_pick", placeholder="Recent batches")
    if chosen:
        st.query_params["batch"] = chosen
        st.rerun()


# A shorter page top and title on this page only (the elements go when the page does):
# with the filters in one row, a banner is on the first screen at 1280 × 800.
_COMPACT_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.9rem; padding: 0.25rem 0; }
[data-testid="stMainBlockContainer"] h3 { font-size: 1.15rem; padding: 0.25rem 0 0; }
/* the heading's container keeps Streamlit's -1rem for an h3 bottom padding we took away:
   without this the product's photo strip overlapped the name's descenders */
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"]:has(> [data-testid="stHeadingWithActionElements"] > h3) { margin-bottom: 0; }
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.6rem; }
</style>"""


def _ranking(method: str | None) -> str:
    if not method:
        return "not ranked yet"
    if method == "uploaded":
        return "the photo you gave this product"
    if method.startswith("clip"):
        return f"ranked by CLIP image–title similarity ({method.split(':', 1)[-1]})"
    return "ranked by a heuristic (image size, position on the page, file name)"


# a product's errors shown in its header (its cards point there instead of repeating them)
SAID_ABOVE = 3


@st.cache_data(max_entries=2000, ttl=120, show_spinner=False)
def _strip_image(url: str) -> str | bytes:
    """What the product strip shows for one image: a small copy of the stored photo (a photo
    given on this page, or the copy the pipeline kept of a shop photo: shops that refuse
    hotlinks would show the browser a broken image), else the shop's URL."""
    from core.pipeline.stages import photo_key
    from core.thumbnails import thumbnail_jpeg

    storage = get_storage()
    data = storage.get(url) if url.startswith("/media/") else storage.get(photo_key(url))
    small = thumbnail_jpeg(data, 160) if data else None
    if small:
        return small
    return url if url.startswith(("http://", "https://")) else ""


def _product_header(workspace: str, batch_id, src: SourceSummary) -> None:
    from core.locale import plain_money

    # the shop's text, shown literally; a page not read (yet) by its address, shortened: the
    # whole address is the link below
    title = ui.isolated(ui.md_escape(src.title or ui.short_url(src.url)))
    price = f" · {plain_money(src.price, src.currency)}" if src.price is not None else ""
    if price and src.list_price is not None and src.list_price > src.price:
        price += f" (was {plain_money(src.list_price, src.currency)})"
    # two short lines (title; images beside the link and facts): banners above the fold
    st.subheader(f"{title}{price}", anchor=False)
    if src.price_conflict:
        used = plain_money(src.price, src.currency) if src.price is not None else "no price"
        how = " as Gemini read the page" if src.price_source == "gemini" else ""
        st.markdown(f":orange[:material/warning: **Check the price.** This page's sources "
                    f"disagree: {ui.md_escape(src.price_conflict)}. The banners use {used}{how}; "
                    "compare with the shop page before they ship.]")
    elif src.price_source == "gemini" and src.price is not None:
        st.caption("Price read by Gemini from the page's text (the page has no price markup)")
    elif src.price_source == "page-state" and src.price is not None:
        st.caption("Price read from the page's script data: the shop draws its price in the browser, "
                   "so the saved page shows none. Compare with the shop page.")
    shown = [(u, img) for u in src.ranked_image_urls[:8] if (img := _strip_image(u))]
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        for _, img in shown:
            st.image(img, width=32)
        st.caption(f"{ui.md_link(src.url)} · {ui.progress_text(src.progress)}"
                   + (f" · now: {ui.md_escape(src.stage)}" if src.stage else "")
                   + (f" · {'image' if src.ranking_method == 'uploaded' else 'images best first'}: "
                      f"{_ranking(src.ranking_method)}"
                      + (f", {src.images_found} found on the page" if src.images_found else "")
                      if shown else ""),
                   width="content")
    if not shown and src.product_id and src.images_found:
        gave_up = src.progress.total and src.progress.failed == src.progress.total
        tail = ": its banners are text-only" if src.progress.all_done else "" if gave_up else " yet"
        st.caption(f"{count(src.images_found, 'image')} found on the page; none could be used{tail}")
    for err in src.errors[:SAID_ABOVE]:  # orange while nothing failed yet: it will try again
        st.markdown(f":red[{ui.md_escape(err)}]" if src.progress.failed
                    else f":orange[Last try: {ui.md_escape(err)}]")
    # a page never read has nothing to put on a banner: no photo or text-only offer for it
    if src.title and (src.progress.failed or src.progress.retrying
                      or (src.product_id and not src.ranked_image_urls)):
        _way_out(workspace, batch_id, src)


def _way_out(workspace: str, batch_id, src: SourceSummary) -> None:
    """Give the product a photo (file or image URL) or make its banners text-only; either
    re-runs its previews that did not finish."""
    k = ui.url_key(src.url)
    no_photo = not src.ranked_image_urls
    label = ("No usable photo? Give this product one, or make text-only banners" if no_photo
             else "Use another photo, or make text-only banners")
    # open while the product's banners need it; once they all finished (e.g. text-only) it
    # stays at hand, closed, instead of pushing the banners down
    with st.expander(label, expanded=no_photo and not src.progress.all_done,
                     icon=":material/add_photo_alternate:"):
        file = st.file_uploader("Upload a product photo",
                                type=["jpg", "jpeg", "png", "webp", "avif", "gif", "bmp"],
                                key=f"photo_file_{k}")
        link = st.text_input("…or paste an image URL", key=f"photo_url_{k}",
                             placeholder="https://…/photo.jpg")
        cols = st.columns(2)
        if cols[0].button("Use this photo and re-run", key=f"photo_use_{k}",
                          icon=":material/photo_camera:", disabled=not (file or link.strip())):
            try:
                with st.spinner("Saving the photo…"):
                    n = give_product_photo(workspace, batch_id, src.url,
                                           data=file.getvalue() if file else None,
                                           image_url=None if file else link.strip())
            except AppError as exc:
                ui.show_error(exc)
            else:
                st.toast(f"Photo saved: {count(n, 'preview')} re-run with it" if n
                         else "Photo saved for this product. Its previews are finished, so none "
                              "was re-run: regenerate a preview's background to use it")
                st.rerun()
        if cols[1].button("Text-only banners", key=f"text_only_{k}", icon=":material/title:",
                          help="Banners without a photo: the product's copy on a backdrop "
                               "drawn from colours"):
            try:
                n = use_text_only(workspace, batch_id, src.url)
            except AppError as exc:
                ui.show_error(exc)
            else:
                # (0: a double click's second, or nothing left to re-run: "0 previews re-run" read as
                # if nothing happened — a walk-through)
                st.toast(f"{count(n, 'preview')} re-run as text-only banners" if n
                         else "Text-only banners chosen for this product: its previews are already "
                              "queued, running or finished, none was started again")
                st.rerun()


def _batch_action(done, action, *args) -> None:
    """Run a batch action from its button: its confirmation (``done``, or ``done(result)``) shown
    by the run it starts; its error in words otherwise."""
    try:
        result = action(*args)
    except AppError as exc:
        ui.show_error(exc)
        return
    ui.flash(done(result) if callable(done) else done)
    st.rerun()


TITLE_MAX = 60  # characters of a batch's name in the page's title


def _batch_actions(workspace: str, detail: BatchDetail) -> None:
    b = detail.batch
    # Drawn into the caller's horizontal row: each button as wide as its label (never cut).
    if b.status in (BatchStatus.PENDING, BatchStatus.RUNNING):
        if st.button("Cancel batch", key="batch_cancel", icon=":material/stop_circle:"):
            st.session_state[f"cancelled_at_{b.id}"] = time.monotonic()
            _batch_action("Batch cancelled: unfinished previews will not run", cancel_batch, workspace, b.id)
    elif b.progress.cancelled:  # in Cancel's place, as on the Batches page
        if st.button(f"Resume {b.progress.cancelled} cancelled", key="batch_resume",
                     icon=":material/play_circle:",
                     help="Queue the cancelled previews again; finished banners stay"):
            since = time.monotonic() - st.session_state.get(f"cancelled_at_{b.id}", float("-inf"))
            if since >= ui.DOUBLE_CLICK_SECONDS:  # (not a second click on Cancel: told so; a second press is meant)
                _batch_action(lambda n: f"{count(n, 'preview')} queued again", resume_cancelled, workspace, b.id)
            else:
                st.session_state.pop(f"cancelled_at_{b.id}", None)
                st.toast(ui.RESUME_HELD)
    if b.progress.retryable:  # not those a retry cannot change (their cards say why)
        if st.button(f"Retry {b.progress.retryable} failed", key="batch_retry",
                     icon=":material/replay:", help=ui.retry_failed_help(b.progress)):
            _batch_action(lambda n: f"{count(n, 'failed preview')} queued again", retry_failed, workspace, b.id)
    titles = {s.url: s.title or "" for s in detail.sources}
    name = slug(b.name, "batch")
    if b.progress.done:
        previews = functools.partial(all_previews, workspace, b.id)
        sizes = zip_formats.picker()
        st.download_button(
            "ZIP", key="batch_zip", icon=":material/folder_zip:", on_click="ignore",
            data=lambda: batch_zip(previews(), titles, get_storage().data_uri,
                                   read=get_storage().get, csv_name=f"{name}-prefills.csv",
                                   sizes=sizes),
            file_name=f"{name}.zip", mime="application/zip",
            help="PNG in every size, HTML and the prefill JSON of every finished preview")
        st.download_button(
            "CSV", key="batch_csv", icon=":material/table:", on_click="ignore",
            data=lambda: prefills_csv(previews(), titles, sizes=sizes),
            file_name=f"{name}-prefills.csv", mime="text/csv",
            help="The prefills, one row each (the same file as in the ZIP)")


def _page_number(pages: int) -> int:
    """The grid page in the URL (``&page=2``), kept within 1..pages."""
    try:
        page = int(st.query_params.get("page", 1))
    except ValueError:
        page = 1
    return min(max(page, 1), pages)


def _go(page: int) -> None:
    st.query_params["page"] = str(page)


def _per_page_in_url():
    """``&per_page=48`` / ``all`` from the URL (bookmarkable), else the first choice."""
    wanted = st.query_params.get("per_page", "").lower()
    return next((c for c in PER_PAGE if str(c).lower() == wanted), PER_PAGE[0])


def _per_page_changed() -> None:
    st.query_params["per_page"] = str(st.session_state["previews_per_page"]).lower()
    _go(1)


def _pager(page: int, pages: int, first: int, last: int, total: int, where: str = "") -> None:
    """Previous / Next and where the user is; the page number lives in the URL. Drawn
    above the cards and again below them (``where``: a key suffix)."""
    with st.container(horizontal=True, vertical_alignment="center", key=f"grid_pager{where}"):
        st.button("Previous", key=f"grid_prev{where}", icon=":material/chevron_left:",
                  disabled=page <= 1, on_click=_go, args=(page - 1,))
        st.markdown(f"Previews **{first}–{last}** of {total} · page {page} of {pages}",
                    width="content")
        st.button("Next", key=f"grid_next{where}", icon=":material/chevron_right:",
                  disabled=page >= pages, on_click=_go, args=(page + 1,))


def _screen(workspace: str, detail: BatchDetail, product, status,
            per_page: int | None, review: str | None = None) -> tuple[list, int, list, int, int]:
    """The previews matching the filters on the current screen, in source order then
    variant: (shown, index of the first, all that match, page, pages)."""
    previews = all_previews(workspace, detail.batch.id, product_id=product, status=status, review=review)
    previews = ordered(previews, {src.url: "" for src in detail.sources})
    per_page = per_page or max(len(previews), 1)
    pages = max(-(-len(previews) // per_page), 1)
    page = _page_number(pages)
    start = (page - 1) * per_page
    return previews[start:start + per_page], start, previews, page, pages


def _grid(workspace: str, detail: BatchDetail, shown: list, size: str) -> None:
    """The cards of the screen, grouped by product."""
    by_url: dict[str, list] = {}
    for p in shown:
        by_url.setdefault(p.source_url, []).append(p)
    per_row = per_row_of(size)
    warm_banners(shown, size)
    for src in detail.sources:
        items = by_url.get(src.url)
        if not items:
            continue
        # keyed by the full URL's digest: the source has no id of its own and its product
        # id appears only once the page is scraped (a key must not change under the user)
        with st.container(key=f"product_{ui.url_key(src.url)}"):
            _product_header(workspace, detail.batch.id, src)
            for row in range(0, len(items), per_row):
                cols = st.columns(per_row)
                for col, p in zip(cols, items[row:row + per_row]):
                    with col:
                        card(p, workspace, size, src.title, per_row,
                             frozenset(src.errors[:SAID_ABOVE]))


def _live_progress(workspace: str, detail: BatchDetail, marks: tuple, urls: set[str]) -> None:
    """The progress bar; while the batch runs it polls every ``ui.WATCH_SECONDS``.

    A poll is one narrow query. It moves the bar itself, and redraws the whole page only
    when something on this screen changed (or the batch finished): redrawing a screen of
    cards costs the browser far more than the poll (see docs/DASHBOARD.md). Declared only
    while something is unfinished, so polling stops with the batch and when the user
    leaves the page (fragments belong to the page that declared them).
    """
    progress = detail.batch.progress
    shown = screen_signature(marks, urls)

    @st.fragment(run_every=ui.WATCH_SECONDS if progress.finished < progress.total else None)
    def live() -> None:
        current = progress
        if ui.in_fragment_run():
            now = previews_signature(workspace, detail.batch.id)
            current = progress_of(now)
            if screen_signature(now, urls) != shown or current.finished >= current.total:
                st.rerun()
        ui.progress_bar(current)

    live()


def render() -> None:
    who = ui.identity()
    batch_id = st.query_params.get("batch")
    if not batch_id:
        _pick_batch(who.workspace)
        return
    try:
        # ``marks``: what the cards show, read before the batch (see watched_batch)
        marks, first = watched_batch(who.workspace, batch_id)
    except NotFoundError:
        st.title("Previews")
        st.error("This batch does not exist in your workspace (it may have been deleted). "
                 "Pick one from the list of batches.")
        st.page_link(ui.BATCHES, label="All batches", icon=":material/list:")
        return
    if st.query_params.get("notice") == "duplicate":
        st.info("You submitted the same URLs a moment ago: this is that batch, nothing new "
                "was created.")
        del st.query_params["notice"]
    b = first.batch
    # A compact header (issue 14): name, then status and facts on one line, then one
    # wrapping row of actions and filters, so a banner is on the first screen at 1280 × 800.
    st.html(_COMPACT_CSS)
    with st.container(key="batch_status", horizontal=True, gap="small",
                      vertical_alignment="center"):
        # a name users choose: literal; a long one shortened to a line or two, so the first banner
        # stays on the first screen (a 192-character name wrapped to four lines), whole in its tooltip
        shown = ui.shorten(b.name, TITLE_MAX)
        st.title(ui.md_escape(shown), width="content", help=None if shown == b.name else ui.md_escape(b.name))
        ui.batch_badge(b)
        st.caption(f"Created {ui.when(b.created_at)} · {count(len(b.sources), 'URL')}"
                   + (" · archived" if b.archived_at else "")
                   + (f" · {ui.md_escape(b.error_message)}" if b.error_message else ""),
                   width="content")
    with st.container(key="batch_actions", horizontal=True, gap="small",
                      vertical_alignment="center"):
        _batch_actions(who.workspace, first)
    with st.container(key="previews_toolbar", horizontal=True, gap="small",
                      vertical_alignment="bottom"):
        products = {str(s.product_id): s.title or s.url for s in first.sources if s.product_id}
        product = st.selectbox("Product", [ALL, *products], key="previews_product",
                               on_change=_go, args=(1,), width=220,
                               format_func=lambda v: products.get(v, v))
        status = st.selectbox("Status", [ALL, *[str(s) for s in PreviewStatus]],
                              key="previews_status", on_change=_go, args=(1,), width=120)
        # the review workflow's filter (pages/review.py) in the same row
        reviewed = review_ui.review_filter(st.container(width=130), _go)
        size = st.selectbox("Banner size", SIZE_CHOICES, index=SIZE_CHOICES.index("landscape"),
                            key="previews_size", width=120, format_func=_size_label,
                            help="Every ad format the banners come in (IAB display and social)")
        per_page = st.selectbox("Per page", PER_PAGE, index=PER_PAGE.index(_per_page_in_url()),
                                key="previews_per_page", on_change=_per_page_changed, width=90,
                                help="Banners drawn at once; every banner is a small web page "
                                     "of its own, so long pages cost the browser more.")
    # the review workflow (pages/review.py): Review filter, approve/reject what is shown,
    # approved banners as ZIP / CSV
    shown, start, matching, page, pages = _screen(
        who.workspace, first, None if product == ALL else product,
        None if status == ALL else status, None if per_page == ALL else per_page, reviewed)
    with st.container(horizontal=True, gap="small", vertical_alignment="bottom",
                      key="review_row"):
        review_ui.toolbar(who.workspace, first, None if product == ALL else product,
                          None if status == ALL else status, reviewed, who.user,
                          matching=sum(p.status == "done" for p in matching),
                          on_screen=sum(p.status == "done" for p in shown),
                          decided=tuple(sum(p.status == "done" and p.review_status == d for p in matching)
                                        for d in ("approved", "rejected")))
    total = len(matching)
    # Without a status filter a screen always holds the same previews: watch their
    # products. With one, previews move in and out of it: watch the whole batch.
    watched = ({s.url for s in first.sources} if status != ALL or reviewed
               else {p.source_url for p in shown})
    _live_progress(who.workspace, first, marks, watched)
    if not shown:
        st.info("No previews match these filters." if (product != ALL or status != ALL or reviewed)
                else "This batch has no previews.")
        return
    if pages > 1:
        _pager(page, pages, start + 1, start + len(shown), total)
    _grid(who.workspace, first, shown, size)
    if pages > 1:
        _pager(page, pages, start + 1, start + len(shown), total, where="_bottom")
    with st.expander("Usage and estimated cost of this batch", icon=":material/payments:"):
        from pages.queue_panels import usage_panel  # issue 16: the usage ledger

        usage_panel(who.workspace, batch_id=b.id, key="batch_usage")


render()

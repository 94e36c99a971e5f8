"""Batches: every batch of the workspace, newest first, live while any is unfinished.

Search by name, URL or product title; "Show archived" lists the archived batches (restore
brings one back). Each row shows the batch's products (title and a thumbnail), and its
name can be changed in place.

The list is a fragment that polls the database every ``ui.LIVE_SECONDS`` only while a
batch on screen is pending or running; it stops by itself when all are finished and
when the user leaves the page (fragments belong to the page that declared them).
"""

from __future__ import annotations

import time

import streamlit as st

from core.wording import count
from core.batches import (
    NAME_MAX,
    SEARCH_MAX,
    archive_batch,
    archive_finished,
    batch_products,
    cancel_batch,
    delete_batch,
    list_batches,
    rename_batch,
    restore_batch,
    resume_cancelled,
    retry_failed,
)
from core.errors import AppError
from core.states import BatchStatus
from core.views import BatchInfo
from pages import ui

PAGE_SIZE = 25
CURSOR = "batches_cursor"  # navigation: which page of the list is shown
STATUS_FILTER = "batches_status"
SEARCH = "batches_search"
SHOW_ARCHIVED = "batches_archived"
ALL = "All"
THUMBS = 5  # product thumbnails shown per batch


def _act(label, action, *args, popover: str | None = None) -> None:
    """Run a service action from a button's callback: a toast on success (shown by the
    run the click starts), the popover it came from closed; the error where it happened
    otherwise (``<popover or 'batches'>_error``)."""
    where = f"{popover or 'batches'}_error"
    st.session_state.pop("batches_error", None)  # the user acted: an older error on the page is answered
    try:
        result = action(*args)
    except AppError as exc:
        st.session_state[where] = exc.message
        return
    st.session_state.pop(where, None)
    # no str.format: a batch name in the label may hold braces; toasts are markdown
    ui.flash(label(result) if callable(label) else label.replace("{result}", ui.md_escape(result)))
    if popover:
        ui.close_popover(popover)


def _queued_again(n: int) -> str:
    return f"{count(n, 'preview')} queued again"


def _cancel(workspace: str, bid) -> None:
    st.session_state[f"cancelled_at_{bid}"] = time.monotonic()
    _act("Batch cancelled", cancel_batch, workspace, bid)


def _resume(workspace: str, bid) -> None:
    since = time.monotonic() - st.session_state.get(f"cancelled_at_{bid}", float("-inf"))
    if since < ui.DOUBLE_CLICK_SECONDS:
        st.session_state.pop(f"cancelled_at_{bid}", None)  # a second press is meant
        st.toast(ui.RESUME_HELD)
        return  # a second click on Cancel, which Resume now stands in for
    _act(_queued_again, resume_cancelled, workspace, bid)


def _error_here(where: str) -> None:
    """The last action's error where it happened. It stays until the user acts again (the next
    action, or the popover closed): the list's refresh every few seconds must not wipe it."""
    if msg := st.session_state.get(f"{where}_error"):
        st.error(msg)


def _forget_error(popover: str) -> None:
    """A popover opened or closed: the error of its last action is answered."""
    st.session_state.pop(f"{popover}_error", None)


def _rename(workspace: str, bid: str, popover: str) -> None:
    _act("Renamed to “{result}”", rename_batch, workspace, bid,
         st.session_state.get(f"rename_text_{bid}", ""), popover=popover)


def _products(products: list[tuple[str, str | None]]) -> None:
    """The batch's products: a row of thumbnails and their titles (escaped)."""
    images = [(title, img) for title, url in products[:THUMBS] if url and (img := ui.small_image(url, 96))]
    more = f" · +{len(products) - THUMBS} more" if len(products) > THUMBS else ""
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        for title, img in images:
            st.image(img, width=36)
        st.caption(" · ".join(ui.isolated(ui.md_escape(t)) for t, _ in products[:THUMBS]) + more,
                   width="content")


def _batch_row(who, b: BatchInfo, products: list[tuple[str, str | None]]) -> None:
    bid = str(b.id)
    with st.container(border=True, key=f"batch_{bid}"):
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            st.markdown(f"**{ui.md_escape(b.name)}**", width="content")
            ui.batch_badge(b)
            if b.archived_at:
                st.badge("archived", icon=":material/inventory_2:", color="gray")
        urls = len(b.sources)
        st.caption(f"Created {ui.when(b.created_at)} · {urls} URL{'s' if urls != 1 else ''}"
                   + (f" · {ui.md_escape(b.error_message)}" if b.error_message else ""))
        _products(products)
        ui.progress_bar(b.progress)
        # a wrapping row sized to its labels: no label is ever cut ("C..", "Retry f…")
        with st.container(horizontal=True, gap="small", vertical_alignment="center",
                          key=f"batch_actions_{bid}"):
            st.page_link(ui.PREVIEWS, label="View", icon=":material/visibility:",
                         query_params={"batch": bid}, width="content")
            rename_key = f"rename_{bid}"
            with st.popover("Rename", icon=":material/edit:", key=rename_key, on_change=_forget_error,
                            args=(rename_key,)):
                st.text_input("Batch name", value=b.name, key=f"rename_text_{bid}",
                              max_chars=NAME_MAX)
                _error_here(rename_key)
                st.button("Save name", key=f"rename_save_{bid}", type="primary",
                          on_click=_rename, args=(who.workspace, bid, rename_key))
            if b.archived_at:
                st.button("Restore", key=f"restore_{bid}", icon=":material/unarchive:",
                          on_click=_act, args=(f"Restored {ui.md_escape(b.name)}", restore_batch, who.workspace, b.id),
                          help="Back into the list of active batches")
            else:
                st.button("Archive", key=f"archive_{bid}", icon=":material/archive:",
                          on_click=_act, args=(f"Archived {ui.md_escape(b.name)}", archive_batch, who.workspace, b.id),
                          help="Out of this list; still found with Show archived, by search and "
                               "on its Previews page")
            delete_key = f"delete_pop_{bid}"
            with st.popover("Delete", icon=":material/delete:", key=delete_key, on_change=_forget_error,
                            args=(delete_key,)):
                st.write(f"Delete **{ui.md_escape(b.name)}** and its "
                         f"{count(b.progress.total, 'preview')}? This cannot be undone.")
                _error_here(delete_key)
                st.button("Delete for good", key=f"delete_{bid}", type="primary", on_click=_act,
                          args=("Batch deleted", delete_batch, who.workspace, b.id),
                          kwargs={"popover": delete_key})
            # the buttons that come and go with the batch's state last: when Cancel goes, no
            # other action slides under the pointer (a second click archived the batch)
            if b.status in (BatchStatus.PENDING, BatchStatus.RUNNING):
                st.button("Cancel", key=f"cancel_{bid}", icon=":material/stop_circle:",
                          on_click=_cancel, args=(who.workspace, b.id))
            elif b.progress.cancelled:
                st.button(f"Resume {b.progress.cancelled} cancelled", key=f"resume_{bid}",
                          icon=":material/play_circle:", on_click=_resume,
                          args=(who.workspace, b.id),
                          help="Queue the cancelled previews again; finished banners stay")
            if b.progress.retryable:  # not those a retry cannot change (their cards say why)
                st.button(f"Retry {b.progress.retryable} failed", key=f"retry_{bid}",
                          icon=":material/replay:", on_click=_act, help=ui.retry_failed_help(b.progress),
                          args=(_queued_again, retry_failed, who.workspace, b.id))


def _unfinished(items: list[BatchInfo]) -> bool:
    return any(b.status in (BatchStatus.PENDING, BatchStatus.RUNNING) for b in items)


def _load(who, status: str | None, archived: bool, search: str):
    """The current page of batches, or None (after saying why) when it cannot be read."""
    try:
        return list_batches(who.workspace, status, PAGE_SIZE, st.session_state.get(CURSOR),
                            archived=archived, search=search)
    except AppError as exc:  # e.g. a stale cursor: start again from the first page
        ui.show_error(exc)
        st.session_state[CURSOR] = None
        return None


def _empty(status: str | None, archived: bool, search: str) -> None:
    if search:
        st.info(f"No {'archived ' if archived else ''}batch matches “{ui.md_escape(search)}” "
                "(searched: names, URLs and product titles)."
                + ("" if archived else " Archived batches are searched with **Show archived**."))
    elif archived:
        st.info("No archived batches." + (f" None is {status}." if status else ""))
    elif status:
        st.info(f"No {status} batches. Choose another status above.")
    else:
        st.info("No batches yet. Start one on **New batch**: paste product URLs or upload a CSV.")
        st.page_link(ui.NEW_BATCH, label="New batch", icon=":material/add_circle:")


def _listing(who, status: str | None, archived: bool, search: str, page=None) -> bool:
    """Render one page of batches; True while any batch shown is unfinished."""
    cursor = st.session_state.get(CURSOR)
    page = page or _load(who, status, archived, search)
    if page is None:
        return False
    if not page.items:
        if cursor:
            st.session_state[CURSOR] = None
            ui.rerun_view()
        _empty(status, archived, search)
        return False
    _error_here("batches")
    products = batch_products(who.workspace, page.items)
    for b in page.items:
        _batch_row(who, b, products.get(b.id, []))
    with st.container(horizontal=True, horizontal_alignment="distribute"):
        if page.prev_cursor and st.button("← Newer", key="batches_prev"):
            st.session_state[CURSOR] = page.prev_cursor
            ui.rerun_view()
        if page.next_cursor and st.button("Older →", key="batches_next"):
            st.session_state[CURSOR] = page.next_cursor
            ui.rerun_view()
    return _unfinished(page.items)


def _reset_cursor() -> None:
    st.session_state[CURSOR] = None
    st.session_state.pop("batches_error", None)  # another search or filter: an older action's error is past


def render() -> None:
    who = ui.identity()
    st.title("Batches")
    with st.container(horizontal=True, vertical_alignment="bottom", gap="small"):
        search = st.text_input("Search", key=SEARCH, on_change=_reset_cursor, max_chars=SEARCH_MAX,
                               placeholder="Name, URL or product title", icon=":material/search:",
                               width=320)
        choice = st.selectbox("Status", [ALL, *[str(s) for s in BatchStatus]],
                              key=STATUS_FILTER, on_change=_reset_cursor, width=180)
        archived = st.toggle("Show archived", key=SHOW_ARCHIVED, on_change=_reset_cursor)
        with st.popover("Archive finished", icon=":material/archive:", key="batches_archive_pop",
                        on_change=_forget_error, args=("batches_archive_pop",)):
            st.write("Archive every done, failed and cancelled batch? They leave this list "
                     "but keep their previews: **Show archived** lists them, search finds "
                     "them, their links keep working, and **Restore** brings one back.")
            st.button("Archive them", key="batches_clear", type="primary", on_click=_act,
                      args=(lambda n: count(n, "finished batch", "finished batches") + " archived",
                            archive_finished, who.workspace),
                      kwargs={"popover": "batches_archive_pop"})
            _error_here("batches_archive_pop")
    status = None if choice == ALL else choice
    search = (search or "").strip()
    # The first page is read here so the polling decision matches what is on screen.
    page = _load(who, status, archived, search)
    live = page is not None and _unfinished(page.items)

    @st.fragment(run_every=ui.LIVE_SECONDS if live else None)
    def listing() -> None:
        unfinished = _listing(who, status, archived, search,
                              None if ui.in_fragment_run() else page)
        if unfinished != live:
            # run_every is fixed when declared: a full rerun re-declares it (and shows the
            # confirmation of the click that started or finished a batch: a toast made in this
            # run would be dropped by the rerun)
            st.rerun()
        ui.show_flashes()  # a click inside the list reruns only the list

    listing()


render()

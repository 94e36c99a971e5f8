"""Batches: every batch of the workspace, newest first, live while any is unfinished.

The list is a fragment that polls the database every ``ui.LIVE_SECONDS`` only while a
batch on screen is pending or running; it stops by itself when all are finished and
when the user leaves the page (fragments belong to the page that declared them).
"""

from __future__ import annotations

import streamlit as st

from core.batches import cancel_batch, clear_completed, delete_batch, list_batches, retry_failed
from core.errors import AppError
from core.states import BatchStatus
from core.views import BatchInfo
from pages import ui

PAGE_SIZE = 25
CURSOR = "batches_cursor"  # navigation: which page of the list is shown
STATUS_FILTER = "batches_status"
ALL = "All"


def _act(label: str, action, *args) -> bool:
    """Run a service action; report the outcome where the user clicked. True on success."""
    try:
        result = action(*args)
    except AppError as exc:
        ui.show_error(exc)
        return False
    st.toast(label.format(result=result))
    return True


def _batch_row(who, b: BatchInfo) -> None:
    bid = str(b.id)
    with st.container(border=True, key=f"batch_{bid}"):
        head, actions = st.columns([3, 2], vertical_alignment="center")
        with head:
            title, badge = st.columns([3, 1], vertical_alignment="center")
            title.markdown(f"**{b.name}**")
            with badge:
                ui.status_badge(b.status)
            urls = len(b.sources)
            st.caption(f"Created {ui.when(b.created_at)} · {urls} URL{'s' if urls != 1 else ''}"
                       + (f" · {ui.md_escape(b.error_message)}" if b.error_message else ""))
            ui.progress_bar(b.progress)
        with actions:
            a, c, r, d = st.columns(4)
            a.page_link(ui.PREVIEWS, label="View", icon=":material/visibility:",
                        query_params={"batch": bid})
            if b.status in (BatchStatus.PENDING, BatchStatus.RUNNING):
                if c.button("Cancel", key=f"cancel_{bid}", icon=":material/stop_circle:"):
                    if _act("Batch cancelled", cancel_batch, who.workspace, b.id):
                        ui.rerun_view()
            if b.progress.failed:
                if r.button("Retry failed", key=f"retry_{bid}", icon=":material/replay:"):
                    if _act("{result} preview(s) queued again", retry_failed, who.workspace, b.id):
                        st.rerun()
            with d.popover("Delete", icon=":material/delete:"):
                st.write(f"Delete **{b.name}** and its {b.progress.total} preview(s)? "
                         "This cannot be undone.")
                if st.button("Delete for good", key=f"delete_{bid}", type="primary"):
                    if _act("Batch deleted", delete_batch, who.workspace, b.id):
                        ui.rerun_view()


def _unfinished(items: list[BatchInfo]) -> bool:
    return any(b.status in (BatchStatus.PENDING, BatchStatus.RUNNING) for b in items)


def _load(who, status: str | None):
    """The current page of batches, or None (after saying why) when it cannot be read."""
    try:
        return list_batches(who.workspace, status, PAGE_SIZE, st.session_state.get(CURSOR))
    except AppError as exc:  # e.g. a stale cursor: start again from the first page
        ui.show_error(exc)
        st.session_state[CURSOR] = None
        return None


def _listing(who, status: str | None, page=None) -> bool:
    """Render one page of batches; True while any batch shown is unfinished."""
    cursor = st.session_state.get(CURSOR)
    page = page or _load(who, status)
    if page is None:
        return False
    if not page.items:
        if cursor:
            st.session_state[CURSOR] = None
            ui.rerun_view()
        if status:
            st.info(f"No {status} batches. Choose another status above.")
        else:
            st.info("No batches yet. Start one on **New batch**: paste product URLs or upload a CSV.")
            st.page_link(ui.NEW_BATCH, label="New batch", icon=":material/add_circle:")
        return False
    for b in page.items:
        _batch_row(who, b)
    prev_col, _, next_col = st.columns([1, 4, 1])
    if page.prev_cursor and prev_col.button("← Newer", key="batches_prev"):
        st.session_state[CURSOR] = page.prev_cursor
        ui.rerun_view()
    if page.next_cursor and next_col.button("Older →", key="batches_next"):
        st.session_state[CURSOR] = page.next_cursor
        ui.rerun_view()
    return _unfinished(page.items)


def _reset_cursor() -> None:
    st.session_state[CURSOR] = None


def render() -> None:
    who = ui.identity()
    st.title("Batches")
    top = st.columns([2, 3, 1], vertical_alignment="bottom")
    choice = top[0].selectbox("Status", [ALL, *[str(s) for s in BatchStatus]],
                              key=STATUS_FILTER, on_change=_reset_cursor)
    with top[2].popover("Clear completed", icon=":material/clear_all:"):
        st.write("Hide every done, failed and cancelled batch from this list? "
                 "Their previews are kept.")
        if st.button("Clear them", key="batches_clear", type="primary"):
            _act("{result} finished batch(es) cleared", clear_completed, who.workspace)
    status = None if choice == ALL else choice
    # The first page is read here so the polling decision matches what is on screen.
    page = _load(who, status)
    live = page is not None and _unfinished(page.items)

    @st.fragment(run_every=ui.LIVE_SECONDS if live else None)
    def listing() -> None:
        unfinished = _listing(who, status, None if ui.in_fragment_run() else page)
        if unfinished != live:
            st.rerun()  # run_every is fixed when declared: a full rerun re-declares it

    listing()


render()

"""Home: what is running now, how much of the generation rate limit is used, what failed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.activity import Overview, overview
from core import fairshare
from core.batches import list_batches
from core.sources_csv import rate_text
from pages import ui
from pages.queue_panels import queue_panel, usage_panel


def rate_line(o: Overview, view) -> str:
    """How much of the limit is used: the limit is shared by every worker and workspace, so the
    window's starts are everyone's (read from the queue); this workspace's own are beside them."""
    everyone = f" · limit {rate_text(o.rate)}, shared by every worker and workspace"
    if view is None:  # the shared window cannot be read: say whose starts these are
        return f"{o.in_current_window} starts by this workspace in the current window{everyone}"
    return (f"{view.starts_in_window} of {o.rate.limit} starts used in the current window "
            f"({o.in_current_window} by this workspace){everyone}")


def _figures(o: Overview, workspace: str) -> bool:
    """Render the live figures; True while anything is unfinished."""
    tz = ui.user_tz()
    cols = st.columns(4)
    for col, name in zip(cols, ("pending", "queued", "running", "retrying")):
        col.metric(name.capitalize(), o.counts.get(name, 0))
    st.subheader("Generation rate limit, last hour")
    if o.rate.unlimited:
        st.caption("No generation rate limit is configured (GENERATION_RATE_LIMIT=0/…).")
    else:
        st.caption(rate_line(o, fairshare.cached_view()))
    chart = pd.DataFrame(
        {"minute": [m.astimezone(tz).replace(tzinfo=None) for m, _ in o.starts_per_minute],
         "starts": [n for _, n in o.starts_per_minute]}
    )
    st.altair_chart(ui.starts_chart(chart), height=180, width="stretch")
    queue_panel(workspace)  # the workspace's line beside the others' and the provider's slow-down (issue 16)
    st.subheader("Recent failures")
    if not o.failures:
        st.caption("No failed previews. Failures show here with their reason.")
    # one line per product and reason: the variants of one URL fail alike ("10 previews")
    for f in o.failures:
        with st.container(border=True):
            left, right = st.columns([4, 1])
            many = f" · {f.count} previews" if f.count > 1 else ""
            # the product's title where the page was read (a walk-through saw raw URLs), linked
            left.markdown(f"**{ui.md_escape(f.batch_name)}** · {ui.md_link(f.preview.source_url, ui.shorten(f.title, 100))}{many}")
            left.caption(f"{ui.md_escape(f.preview.error_message or 'No reason recorded')} · "
                         f"{ui.when(f.preview.finished_at)}")
            right.page_link(ui.PREVIEWS, label="Open", icon=":material/open_in_new:",
                            query_params={"batch": str(f.preview.batch_id)})
    return o.unfinished > 0


def _recent(workspace: str) -> None:
    """The latest batches, archived ones too, each a link to its previews."""
    recent = list_batches(workspace, page_size=5, archived=None).items
    if not recent:
        return
    st.subheader("Recent batches")
    for b in recent:
        st.page_link(ui.PREVIEWS, label=f"{ui.md_escape(b.name)} · {ui.batch_status(b)}"
                     + (" · archived" if b.archived_at else ""),
                     icon=":material/grid_view:", query_params={"batch": str(b.id)})


def render() -> None:
    who = ui.identity()
    st.title("CTA Batch Studio")
    st.caption("Turn product pages into ready-to-edit call-to-action banners, in batches.")
    links = st.columns(3)
    links[0].page_link(ui.NEW_BATCH, label="New batch", icon=":material/add_circle:")
    links[1].page_link(ui.BATCHES, label="All batches", icon=":material/list:")
    if ui.page_exists(ui.MEDIA):
        links[2].page_link(ui.MEDIA, label="Image & video queue", icon=":material/movie:")
    _recent(who.workspace)
    st.subheader("Running now")

    first = overview(who.workspace)
    live = first.unfinished > 0

    @st.fragment(run_every=ui.LIVE_SECONDS if live else None)
    def figures() -> None:
        unfinished = _figures(overview(who.workspace) if ui.in_fragment_run() else first, who.workspace)
        if unfinished != live:
            st.rerun()  # run_every is fixed when declared: a full rerun re-declares it

    figures()
    st.subheader("Usage, last 14 days")
    usage_panel(who.workspace, key="home_usage")


render()

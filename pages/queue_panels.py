"""Issue 16's panels, shared by Home and the batch page: the waiting line per workspace,
the provider's backoff, and usage (calls, tokens, estimated cost) with a chart and CSV."""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import streamlit as st

from core import fairshare, usage
from core.sources_csv import duration_text
from core.wording import count


def queue_rows(view, workspace: str) -> list[dict]:
    """The line as this workspace may see it: its own row by name, every other workspace's
    folded into one unnamed row (how many wait ahead or beside it, not who)."""
    def row(name, waiting, nxt, drains, note=""):
        return {"workspace": name, "waiting": waiting, "next in line": f"#{nxt}" if nxt else "—",
                "all started in": duration_text(drains) if drains is not None else "—", "note": note}

    rows = [row(w.workspace, w.waiting, w.next_position, w.drains_in_seconds, w.note)
            for w in view.workspaces if w.workspace == workspace]
    others = [w for w in view.workspaces if w.workspace != workspace]
    if others:
        nexts = [w.next_position for w in others if w.next_position]
        drains = [w.drains_in_seconds for w in others if w.drains_in_seconds is not None]
        rows.append(row(f"other workspaces ({len(others)})", sum(w.waiting for w in others),
                        min(nexts) if nexts else None, max(drains) if drains else None))
    return rows


def queue_panel(workspace: str) -> None:
    """This workspace's line (counts and when it drains) beside the others' in one row, and
    any provider slow-down."""
    st.subheader("Queue")
    view = fairshare.cached_view()
    if view is None:
        st.caption("The queue cannot be read right now.")
        return
    reading = view.reading.get(workspace, 0)
    if not view.workspaces:
        st.caption("Nothing is waiting for a generation slot" + (" yet." if reading else "."))
    else:
        st.dataframe(pd.DataFrame(queue_rows(view, workspace)), hide_index=True, width="stretch")
        st.caption("Fair share: the next free slot goes to the workspace that used the fewest "
                   "in the last minute, round-robin across its batches.")
    if reading:  # not in line yet, whatever else waits (a review: said only when nothing did)
        st.caption(f"{count(reading, 'preview')} of this workspace {'waits' if reading == 1 else 'wait'} "
                   f"for {'its' if reading == 1 else 'their'} product page to be read first.")
    if view.hold and (view.workspaces or reading):
        st.warning(f"On hold: {view.hold}.", icon=":material/pause_circle:")
    now = time.time()
    slowed = [s for s in view.backoff.values() if s.factor < 1 or s.blocked(now)]
    if view.limit and view.effective_limit < view.limit:
        st.warning(f"The provider asked us to slow down: starting at most {view.effective_limit} "
                   f"of {view.limit} per window until calls succeed again.",
                   icon=":material/speed:")
    for s in slowed:
        paused = f"paused for {s.blocked_until - now:.0f} s more · " if s.blocked(now) else ""
        st.caption(f"`{s.model}`: {paused}rate at {s.factor:.0%} after {s.throttled} × 429 "
                   f"(recovers as calls succeed)")


def usage_panel(workspace: str, *, batch_id=None, days: int = 14, key: str = "usage") -> None:
    """Calls, tokens and estimated cost; per day (chart) for the workspace, or one batch."""
    try:
        if batch_id is None:
            since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)
            per_day = usage.totals(workspace, group_by="day", since=since)
            models = usage.totals(workspace, group_by="model", since=since)
        else:
            per_day = []
            models = usage.totals(workspace, group_by="model", batch_id=batch_id)
    except Exception:  # noqa: BLE001 - a page never fails over the ledger
        st.caption("Usage cannot be read right now.")
        return
    if not models:
        st.caption("No generation calls recorded yet.")
        return
    calls = sum(t.calls for t in models)
    cost = sum(t.cost_usd for t in models)
    tokens = sum(t.total_tokens for t in models)
    cols = st.columns(3)
    cols[0].metric("Generation calls", calls)
    cols[1].metric("Tokens", f"{tokens:,}")
    cols[2].metric("Estimated cost", f"${cost:,.4f}")
    if per_day:
        import altair as alt

        chart = pd.DataFrame({"day": [t.key for t in reversed(per_day)],
                              "cost": [round(t.cost_usd, 4) for t in reversed(per_day)]})
        # dollars as dollars ($0.0042), not "0.000000 USD / day" on an idle day
        st.altair_chart(alt.Chart(chart).mark_bar().encode(
            x=alt.X("day:O", title=None),
            y=alt.Y("cost:Q", title="USD / day", axis=alt.Axis(format="$,.4~f", tickCount=4),
                    scale=alt.Scale(domainMin=0)),
            tooltip=["day:O", alt.Tooltip("cost:Q", format="$,.4f")]), height=160, width="stretch")
    st.dataframe(pd.DataFrame([{
        "model": t.key, "calls": t.calls, "ok": t.ok, "429": t.rate_limited, "errors": t.errors,
        "input tokens": t.input_tokens, "output tokens": t.output_tokens, "images": t.images,
        "video s": t.video_seconds, "avg latency ms": round(t.latency_ms_avg),
        "cost USD": round(t.cost_usd, 4)} for t in models]), hide_index=True, width="stretch")
    st.caption("Cost is an estimate from the price table (PRICE_TABLE overrides the defaults).")
    st.download_button("Usage CSV", lambda: usage.events_csv(
        workspace, batch_id=batch_id,
        since=None if batch_id else dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)),
        file_name=f"usage-{batch_id or workspace}.csv", mime="text/csv", on_click="ignore",
        icon=":material/download:", key=f"{key}_csv")

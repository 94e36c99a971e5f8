"""Webhooks: register URLs the workers POST to when a batch or media job finishes, see every
delivery and each of its attempts, disable or delete a webhook.

A new webhook's secret is shown once, right after it is registered (kept in the session
until the user dismisses it); afterwards only its first characters. The list is a fragment
that polls every ``ui.LIVE_SECONDS`` only while a delivery shown is still waiting.
"""

from __future__ import annotations

import streamlit as st

from core import webhooks as service
from core.errors import AppError
from core.webhooks import DeliveryView, WebhookView
from pages import ui

NEW_SECRET = "webhooks_new_secret"  # (url, secret, id) of the webhook just registered
DELIVERIES_SHOWN = 20
WAITING = {"pending", "delivering", "retrying"}
DELIVERY_COLORS = {"pending": "gray", "delivering": "violet", "retrying": "orange",
                   "done": "green", "failed": "red"}
DELIVERY_ICONS = {"pending": ":material/hourglass_empty:", "delivering": ":material/send:",
                  "retrying": ":material/replay:", "done": ":material/check_circle:",
                  "failed": ":material/error:"}


def _act(label: str, action, *args) -> bool:
    """Run a service action; report the outcome where the user clicked. True on success."""
    try:
        action(*args)
    except AppError as exc:
        ui.show_error(exc)
        return False
    st.toast(label)
    return True


def _register(who) -> None:
    """Form callback: runs before the rerun, so the new secret shows in that same rerun."""
    state = st.session_state
    try:
        hook = service.register_webhook(who.workspace, state.get("webhooks_url", ""),
                                        state.get("webhooks_description", ""))
    except AppError as exc:
        shown = state.get(NEW_SECRET)
        if shown and exc.ids.get("webhook_id") == shown[2]:
            # a double click's second: "already receives…" of the webhook whose secret is on
            # screen — its secret stays, no error over it (a walk-through lost the secret so)
            return
        state["webhooks_error"] = exc
        return
    state.pop("webhooks_error", None)
    state[NEW_SECRET] = (hook.url, hook.secret, hook.id)
    state["webhooks_url"] = ""
    state["webhooks_description"] = ""


def _form(who) -> None:
    with st.form("webhooks_form", border=True):
        st.text_input("Endpoint URL", key="webhooks_url", placeholder="https://example.com/hooks/ctabs",
                      help="A public http(s) address. The same rules as product pages apply: "
                           "addresses on this machine or a private network are refused.")
        st.text_input("Description (optional)", key="webhooks_description", max_chars=120)
        st.form_submit_button("Register webhook", key="webhooks_register", type="primary",
                              icon=":material/add_link:", on_click=_register, args=(who,))
    error = st.session_state.pop("webhooks_error", None)
    if error is not None:
        ui.show_error(error)
    new = st.session_state.get(NEW_SECRET)
    if new:
        url, secret = new[0], new[1]
        with st.container(border=True, key="webhooks_secret_box"):
            st.success(f"Webhook registered for {ui.md_link(url)}. Copy its signing secret "
                       "now: it is not shown again.")
            st.code(secret, language=None)
            if st.button("I have copied it", key="webhooks_secret_done"):
                st.session_state.pop(NEW_SECRET, None)
                st.rerun()


def _delivery_badge(status: str) -> str:
    return (f":{DELIVERY_COLORS.get(status, 'gray')}-badge[{DELIVERY_ICONS.get(status, '')} "
            f"{status}]")


def _delivery(d: DeliveryView) -> None:
    tries = len(d.attempts)
    line = (f"{_delivery_badge(d.status)} **{d.event}** · {ui.md_escape(str(d.subject_id))} · "
            f"{ui.when(d.created_at)} · {tries} attempt{'s' if tries != 1 else ''}")
    if d.status == "retrying" and d.next_attempt_at:
        line += f" · next {ui.when(d.next_attempt_at)}"
    st.markdown(line)
    if d.status == "failed" and not d.attempts and d.last_error:
        st.caption(ui.md_escape(d.last_error))
    if d.attempts:
        st.dataframe(
            [{"at": ui.when(a.at), "status": str(a.status_code) if a.status_code is not None else "—",
              "error": a.error or "", "ms": a.ms} for a in d.attempts],
            hide_index=True, width="stretch")


def _webhook(who, hook: WebhookView, deliveries: list[DeliveryView]) -> None:
    wid = str(hook.id)
    with st.container(border=True, key=f"webhook_{wid}"):
        head, actions = st.columns([4, 2], vertical_alignment="center")
        with head:
            st.markdown(f"**{ui.md_link(hook.url)}**")  # (a bare URL is auto-linked with its escapes: "hook\\#frag")
            state = ":green-badge[active]" if hook.active else \
                f":gray-badge[disabled {ui.md_escape(ui.when(hook.disabled_at))}]"
            st.markdown(state + (f" · {ui.md_escape(hook.description)}" if hook.description else "")
                        + f" · secret `{hook.secret_hint}` · created {ui.when(hook.created_at)}")
        with actions:
            off, delete = st.columns(2)
            if hook.active and off.button("Disable", key=f"webhook_disable_{wid}",
                                          icon=":material/link_off:"):
                if _act("Webhook disabled", service.disable_webhook, who.workspace, hook.id):
                    ui.rerun_view()
            with delete.popover("Delete", icon=":material/delete:"):
                st.write("Delete this webhook and its delivery history? This cannot be undone.")
                if st.button("Delete for good", key=f"webhook_delete_{wid}", type="primary"):
                    if _act("Webhook deleted", service.delete_webhook, who.workspace, hook.id):
                        ui.rerun_view()
        label = f"Deliveries ({len(deliveries)}{'+' if len(deliveries) >= DELIVERIES_SHOWN else ''})"
        with st.expander(label, expanded=any(d.status in WAITING for d in deliveries)):
            if not deliveries:
                st.caption("Nothing sent yet: a delivery appears when a batch or media job "
                           "finishes.")
            for d in deliveries:
                _delivery(d)


def _load(who):
    """Every webhook of the workspace with its latest deliveries, or None (after saying why)."""
    try:
        hooks = service.list_webhooks(who.workspace)
        return [(h, service.list_deliveries(who.workspace, h.id, DELIVERIES_SHOWN)) for h in hooks]
    except AppError as exc:
        ui.show_error(exc)
        return None


def _waiting(data) -> bool:
    return bool(data) and any(d.status in WAITING for _, ds in data for d in ds)


def _listing(who, data=None) -> bool:
    """Render every webhook with its latest deliveries; True while a delivery shown waits."""
    data = data if data is not None else _load(who)
    if data is None:
        return False
    if not data:
        st.info("No webhooks yet. Register an endpoint above to be told when work finishes.")
        return False
    for hook, deliveries in data:
        _webhook(who, hook, deliveries)
    return _waiting(data)


def render() -> None:
    who = ui.identity()
    st.title("Webhooks")
    st.caption(
        "When a batch finishes (`batch.finished`: done or failed) or an image/video job "
        "finishes (`media_job.finished`), the workers POST a JSON event to every active "
        "webhook of this workspace. Each request is signed: `X-CTABS-Signature: sha256=<hex>` "
        "is the HMAC-SHA256, with the webhook's secret, of `<X-CTABS-Timestamp>.<raw body>`; "
        "`X-CTABS-Delivery` is the same on every attempt. A receiver that does not answer 2xx "
        "is tried again on the generation retry schedule.")
    _form(who)
    st.subheader("Endpoints")
    # read here so the polling decision matches what is on screen
    first = _load(who)
    if first is None:
        return
    live = _waiting(first)

    @st.fragment(run_every=ui.LIVE_SECONDS if live else None)
    def listing() -> None:
        if _listing(who, None if ui.in_fragment_run() else first) != live:
            st.rerun()  # run_every is fixed when declared: a full rerun re-declares it

    listing()


render()

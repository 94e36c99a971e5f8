"""API keys: create (the key is shown once), list (prefix only) and revoke the workspace's
keys for the JSON API (``/api``, see README "The JSON API")."""

from __future__ import annotations

import streamlit as st

from core.api_keys import create_key, list_keys, revoke_key
from core.errors import AppError
from pages import ui

NEW_KEY = "api_keys_new"  # the key just created: shown once, then forgotten


def main() -> None:
    who = ui.identity()
    st.title("API keys")
    st.caption("Programs use the JSON API at `/api` with `Authorization: Bearer <key>`; "
               "its reference is at [/api/docs](/api/docs). A key acts for this workspace only.")
    shown = st.session_state.pop(NEW_KEY, None)
    if shown:
        st.success("New key created. Copy it now: it is not shown again.")
        st.code(shown, language=None)
    with st.form("api_key_create", clear_on_submit=True, border=True):
        name = st.text_input("Name", max_chars=120, placeholder="e.g. feed exporter (production)",
                             help="Who or what uses the key, so you know which one to revoke")
        if st.form_submit_button("Create key", icon=":material/key:", type="primary"):
            try:
                _view, raw = create_key(who.workspace, name, created_by=who.user)
            except AppError as exc:
                ui.show_error(exc)
            else:
                st.session_state[NEW_KEY] = raw
                st.rerun()
    keys = list_keys(who.workspace)
    if not keys:
        st.info("No API keys yet.")
        return
    for k in keys:
        with st.container(border=True, key=f"api_key_{k.id}"):
            text, action = st.columns([4, 1], vertical_alignment="center")
            state = f"revoked {ui.when(k.revoked_at)}" if k.revoked_at else "active"
            used = f"last used {ui.when(k.last_used_at)}" if k.last_used_at else "never used"
            text.markdown(f"**{ui.md_escape(k.name)}** · `{k.prefix}…` · {state} · {used} · "
                          f"created {ui.when(k.created_at)}")
            if k.revoked_at:
                continue
            # one click would break every program using the key, for good: asked first
            with action.popover("Revoke…", icon=":material/block:", key=f"api_key_revoke_pop_{k.id}"):
                st.markdown(f"Programs using **{ui.md_escape(k.name)}** (`{k.prefix}…`) get "
                            "*401 unauthorized* from now on. This cannot be undone: make a new key "
                            "for them first if they are still needed.")
                if st.button("Revoke this key", key=f"api_key_revoke_{k.id}", icon=":material/block:",
                             type="primary"):
                    try:
                        revoke_key(who.workspace, k.id)
                        st.toast(f"Key {k.prefix}… revoked")
                        st.rerun()
                    except AppError as exc:
                        ui.show_error(exc)


main()

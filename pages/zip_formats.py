"""The batch ZIP's format choice: a small popover next to the ZIP button."""

from __future__ import annotations

import streamlit as st

from core.render.formats import ALIASES, FORMATS, SIZES

KEY = "batch_zip_formats"


def chosen() -> list[str]:
    """The formats the batch's ZIP holds now (what ``picker`` shows), for other downloads of
    the page (the approved ZIP) to hold the same."""
    if KEY not in st.session_state:
        return [ALIASES[s] for s in SIZES]
    return list(st.session_state[KEY]) or [ALIASES[s] for s in SIZES]  # (emptied: the default, by format name)


def picker() -> list[str]:
    """The formats the ZIP holds (default: the original square, landscape and story)."""
    if KEY not in st.session_state:
        st.session_state[KEY] = chosen()
    with st.popover("Formats", icon=":material/aspect_ratio:",
                    help="Which ad formats the ZIP holds"):
        st.multiselect("ZIP formats", list(FORMATS), key=KEY,
                       format_func=lambda f: FORMATS[f].label)
    return chosen()

"""The quality gate's findings on a preview card: what fails in which format, what was fixed.

One function for the card (``show``); the checks themselves are ``core.render.quality``.
"""

from __future__ import annotations

import json

import streamlit as st

from core.render.quality import check_formats, summarize
from core.storage import get_storage
from pages import ui


@st.cache_data(max_entries=2000, show_spinner=False)
def _findings(prefill_json: str) -> dict:
    reports = check_formats(json.loads(prefill_json), resolve=get_storage().data_uri)
    return {"count": len(reports), "passed": sum(r.passed for r in reports),
            **summarize(reports)}


def _lines(items: list[tuple[str, list[str]]], color: str) -> str:
    return "  \n".join(f":{color}[{ui.md_escape(msg)}] :gray[:small[({', '.join(where)})]]"
                       for msg, where in items)


def show(prefill: dict | None, key: str) -> None:
    """A one-line verdict over every format and, when anything failed or was fixed, the
    details in an expander."""
    if not prefill:
        return
    found = _findings(json.dumps(prefill, sort_keys=True, ensure_ascii=False))
    failed = found["count"] - found["passed"]
    fixes, failures = found["fixes"], found["failures"]
    if not failed and not fixes:
        st.markdown(f":green-badge[:material/verified: Quality gate passed in all "
                    f"{found['count']} formats]")
        return
    title = (f"Quality gate: fails in {failed} of {found['count']} formats" if failed else
             f"Quality gate passed in all {found['count']} formats")
    if fixes:
        title += f" · {len(fixes)} fixed automatically"
    with st.expander(title, icon=":material/error:" if failed else ":material/build:"), \
            st.container(key=f"quality_{key}"):
        if failures:
            st.markdown(_lines(failures, "red"))
        if fixes:
            st.markdown("Fixed automatically:  \n" + _lines(fixes, "orange"))
        if found["notes"]:
            st.markdown(_lines(found["notes"], "gray"))

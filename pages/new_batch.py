"""New batch: a table of product URLs (or a CSV), a live summary, Generate.

The table starts from the uploaded CSV (if any) and is edited in place. Every widget key
carries a form version: bumping it after a successful submit gives fresh, empty widgets.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import streamlit as st

from core.batches import create_batch, validate_sources
from core.errors import ValidationError
from core.settings import get_settings
from core.sources_csv import parse_batch_size, parse_sources_csv, split_sources, summary_text
from pages import ui

FORM_VERSION = "new_batch_form"
_ROW_RE = re.compile(r"\bRow (\d+)\b")


def editor_key(version: int, upload_id: str | None) -> str:
    """The table's widget key: a new upload (or a reset) starts a new table."""
    return f"new_batch_rows_{version}_{upload_id or 'blank'}"


def _table_rows(table: pd.DataFrame, default: int) -> tuple[list[dict], list[int]]:
    """Non-blank rows as ``{url, batch_size}`` and their 1-based row numbers in the table."""
    rows, numbers = [], []
    for n, rec in enumerate(table.to_dict("records"), start=1):
        url = rec.get("url")
        if url is None or (isinstance(url, float) and math.isnan(url)) or not str(url).strip():
            continue  # blank rows are just unused lines of the table
        size = rec.get("batch_size")
        size = default if size is None or (isinstance(size, float) and math.isnan(size)) else size
        rows.append({"url": str(url).strip(), "batch_size": size})
        numbers.append(n)
    return rows, numbers


def _renumber(problems: list[str], numbers: list[int]) -> list[str]:
    """The service counts submitted rows; users see table rows (blank ones skipped)."""
    def fix(m: re.Match) -> str:
        i = int(m.group(1)) - 1
        return f"Row {numbers[i]}" if 0 <= i < len(numbers) else m.group(0)

    return [_ROW_RE.sub(fix, p) for p in problems]


def _submit(who, groups: list[tuple[list[dict], list[int]]]) -> None:
    """Validate every group first (nothing is created unless all are valid), then create."""
    problems: list[str] = []
    for rows, numbers in groups:
        try:
            validate_sources(rows)
        except ValidationError as exc:
            problems += _renumber(exc.problems, numbers)
    if problems:
        st.error("Nothing was created. Fix these rows and press Generate again:\n"
                 + "\n".join(f"- {p}" for p in problems))
        return
    created = []
    for rows, numbers in groups:
        try:
            created.append(create_batch(who.workspace, who.user, rows, tz=ui.user_tz()))
        except ValidationError as exc:  # settings changed between check and create
            ui.show_error(ValidationError(exc.message, _renumber(exc.problems, numbers)))
            return
    st.session_state[FORM_VERSION] = st.session_state.get(FORM_VERSION, 0) + 1
    if len(created) == 1:
        params = {"batch": str(created[0].id)}
        if not created[0].created:
            params["notice"] = "duplicate"
        st.switch_page(ui.PREVIEWS, query_params=params)
    st.switch_page(ui.BATCHES)


def render() -> None:
    who = ui.identity()
    s = get_settings()
    default, maximum, per_batch = s.batch_size_default, s.batch_size_max, s.max_urls_per_batch
    version = st.session_state.setdefault(FORM_VERSION, 0)
    st.title("New batch")
    st.caption(f"One row per product page. Each URL makes 1–{maximum} banner previews "
               f"(default {default}); up to {per_batch} URLs per batch.")

    upload = st.file_uploader(
        "Or upload a CSV: a `url[,batch_size]` header or one URL per line",
        type=["csv", "txt"], key=f"new_batch_csv_{version}",
    )
    base = [{"url": "", "batch_size": default}]
    if upload is not None:
        parsed = parse_sources_csv(upload.getvalue(), default_size=default, max_size=maximum,
                                   allow_private=s.allow_private_fetch)
        if parsed.rows:
            base = [{"url": r["url"], "batch_size": r["batch_size"]} for r in parsed.rows]
            st.success(f"Read {len(parsed.rows)} row(s) from {upload.name}; edit them below.")
        if parsed.problems:
            st.warning(f"{len(parsed.problems)} line(s) of {upload.name} were left out:\n"
                       + "\n".join(f"- {p}" for p in parsed.problems))

    table = st.data_editor(
        pd.DataFrame(base, columns=["url", "batch_size"]),
        key=editor_key(version, upload.file_id if upload is not None else None),
        num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            "url": st.column_config.TextColumn(
                "Product page URL", width="large", validate=r"^\s*https?://.+",
                help="The product's page on the shop, starting with https://"),
            "batch_size": st.column_config.NumberColumn(
                "Previews", min_value=1, max_value=maximum, step=1, default=default,
                help=f"How many banner variants to make for this URL (1–{maximum})"),
        },
    )
    rows, numbers = _table_rows(table, default)
    sizes = [parse_batch_size(r["batch_size"], default, maximum) or default for r in rows]
    st.info(summary_text(sizes, s.generation_rate_limit), icon=":material/functions:")

    split = False
    too_many = len(rows) > per_batch
    if too_many:
        chunks = split_sources(list(zip(rows, numbers)), per_batch)
        st.warning(f"{len(rows)} URLs is more than the {per_batch} allowed in one batch. "
                   f"Split them into {len(chunks)} batches of up to {per_batch}?")
        split = st.button(f"Split into {len(chunks)} batches and generate", key="new_batch_split",
                          type="primary", icon=":material/call_split:")
    generate = st.button("Generate", key="new_batch_generate", type="primary",
                         disabled=too_many, icon=":material/auto_awesome:")
    if generate:
        if not rows:
            st.error("Add at least one product URL to the table (or upload a CSV).")
        else:
            _submit(who, [(rows, numbers)])
    elif split:
        _submit(who, [([r for r, _ in c], [n for _, n in c]) for c in chunks])


render()

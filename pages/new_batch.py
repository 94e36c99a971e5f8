"""New batch: a table of product URLs (or a CSV), a live summary, Generate.

The table keeps every row as typed (both columns are text: nothing is reverted, clamped or
turned into "None") and shows, per row, what is wrong with it in the same words the CSV
path uses. A URL typed without its scheme (``www.shop.com/item``) gets an offer to use
https://. Every widget key carries a form version: bumping it after a successful submit
gives fresh, empty widgets.
"""

from __future__ import annotations

import math
import re
import time

import pandas as pd
import streamlit as st

from core.wording import count
from core.batches import NAME_MAX, clean_batch_name, create_batch, same_url_as, validate_sources
from core.errors import ValidationError
from core.fairshare import new_batch_text
from core.settings import get_settings
from core.sources_csv import (
    MAX_CSV_MB,
    not_csv_reason,
    parse_batch_size,
    parse_sources_csv,
    row_problems,
    scheme_fix,
    split_sources,
    summary_text,
)
from core.urls import normalize_url, url_problem
from pages import ui

FORM_VERSION = "new_batch_form"
BASE = "new_batch_base"  # (upload id, rows) the table starts from
FIXES = "new_batch_fixes"  # bumped when the page rewrites the table (https:// offer)
LAST = "new_batch_last"  # (time, page params) of the last Generate that created a batch
LAST_SECONDS = 10.0  # extra clicks on Generate within this time open the batch just made
_ROW_RE = re.compile(r"\bRow (\d+)\b")


def editor_key(version: int, upload_id: str | None, fixes: int = 0) -> str:
    """The table's widget key: a new upload, a reset (or a fix the page made) starts a new
    table."""
    return f"new_batch_rows_{version}_{upload_id or 'blank'}" + (f"_{fixes}" if fixes else "")


def _cell(value) -> str:
    """A table cell as the text the user typed ('' for an empty cell)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table_rows(table: pd.DataFrame, default: int) -> tuple[list[dict], list[int]]:
    """Rows with a URL as ``{url, batch_size}`` (cells as typed) and their 1-based row
    numbers in the table. A row with neither a URL nor a size is an unused line; a row with
    only a size is kept, so it is reported ("URL is empty") instead of dropped."""
    rows, numbers = [], []
    for n, rec in enumerate(table.to_dict("records"), start=1):
        url, size = _cell(rec.get("url")), _cell(rec.get("batch_size"))
        if not url and (not size or size == str(default)):
            continue
        rows.append({"url": url, "batch_size": size or default})
        numbers.append(n)
    return rows, numbers


def _renumber(problems: list[str], numbers: list[int]) -> list[str]:
    """The service counts submitted rows; users see table rows (blank ones skipped)."""
    def fix(m: re.Match) -> str:
        i = int(m.group(1)) - 1
        return f"Row {numbers[i]}" if 0 <= i < len(numbers) else m.group(0)

    return [_ROW_RE.sub(fix, p) for p in problems]


def _row_checks(rows: list[dict], numbers: list[int], s) -> tuple[list[str], dict[int, str]]:
    """Per-row problems in the CSV path's words (``Row 3: URL must start with…``) and the
    https:// offers: {table row: fixed URL}."""
    problems, offers = [], {}
    seen: dict[str, int] = {}
    for row, n in zip(rows, numbers):
        bad, _ = row_problems(row["url"], row["batch_size"], default_size=s.batch_size_default,
                              max_size=s.batch_size_max, allow_private=s.allow_private_fetch)
        # the same page twice is refused on Generate: say so while typing, by Generate's rule (a
        # row whose URL is fine counts even when its batch_size is not: a walk-through saw
        # Generate name a duplicate the live list had not)
        if not url_problem(row["url"], allow_private=s.allow_private_fetch):
            norm = normalize_url(row["url"])
            if norm in seen:
                bad = [*bad, same_url_as(seen[norm])]
            seen.setdefault(norm, n)
        problems.extend(f"Row {n}: {p}" for p in bad)
        if bad and (fixed := scheme_fix(row["url"], allow_private=s.allow_private_fetch)):
            offers[n] = fixed
    return problems, offers


def _apply_fixes(table: pd.DataFrame, offers: dict[int, str], upload_id: str | None) -> None:
    """Rewrite the offered rows with https:// (the other cells as they are) and start the
    table again from the result."""
    rows = [{"url": _cell(r.get("url")), "batch_size": _cell(r.get("batch_size"))}
            for r in table.to_dict("records")]
    for n, url in offers.items():
        rows[n - 1]["url"] = url
    st.session_state[BASE] = (upload_id, rows)
    st.session_state[FIXES] = st.session_state.get(FIXES, 0) + 1
    ui.flash(f"https:// added to {count(len(offers), 'row')}")


def _submit(who, groups: list[tuple[list[dict], list[int]]], name: str = "") -> None:
    """Validate every group first (nothing is created unless all are valid), then create.
    ``name``: the user's name for the batch (blank: one from the date and time)."""
    problems: list[str] = []
    if name.strip():
        longest = f"{name} ({len(groups)}/{len(groups)})" if len(groups) > 1 else name  # as the parts are named
        try:
            clean_batch_name(longest)
        except ValidationError as exc:
            problems.append(f"Batch name: {exc.problems[0].split(': ', 1)[-1]}"
                            + (" with the part's number after it" if longest != name else ""))
    for rows, numbers in groups:
        try:
            validate_sources(rows)
        except ValidationError as exc:
            problems += _renumber(exc.problems, numbers)
    if problems:
        st.error("Nothing was created. Fix these rows and press Generate again:\n"
                 + "\n".join(f"- {ui.md_escape(p)}" for p in problems))
        return
    created = []
    for i, (rows, numbers) in enumerate(groups, 1):
        part = f"({i}/{len(groups)})" if len(groups) > 1 else ""  # split batches tell apart
        # a name given is the batches' name, "(1/2)" after it when the list was split
        named = f"{' '.join(name.split())} {part}".strip() if name.strip() else None
        try:
            created.append(create_batch(who.workspace, who.user, rows, tz=ui.user_tz(), part=part,
                                        name=named))
        except ValidationError as exc:  # settings changed between check and create
            ui.show_error(ValidationError(exc.message, _renumber(exc.problems, numbers)))
            return
    st.session_state[FORM_VERSION] = st.session_state.get(FORM_VERSION, 0) + 1
    st.session_state.pop(BASE, None)
    st.session_state.pop(FIXES, None)
    if len(created) == 1:
        params = {"batch": str(created[0].id)}
        if not created[0].created:
            params["notice"] = "duplicate"
        else:
            ui.flash(f"Batch created: {count(created[0].progress.total, 'preview')} queued")
        st.session_state[LAST] = (time.monotonic(), params)
        st.switch_page(ui.PREVIEWS, query_params=params)
    ui.flash(f"{len(created)} batches created")
    st.session_state[LAST] = (time.monotonic(), None)
    st.switch_page(ui.BATCHES)


def _just_created() -> None:
    """Generate pressed again right after it made a batch (a double or triple click
    arrives after the form was reset): open what the first click made, no error."""
    at, params = st.session_state.get(LAST, (0.0, None))
    if time.monotonic() - at > LAST_SECONDS:
        return
    if params:
        st.switch_page(ui.PREVIEWS, query_params={"batch": params["batch"]})
    st.switch_page(ui.BATCHES)


def render() -> None:
    who = ui.identity()
    s = get_settings()
    default, maximum, per_batch = s.batch_size_default, s.batch_size_max, s.max_urls_per_batch
    version = st.session_state.setdefault(FORM_VERSION, 0)
    st.title("New batch")
    st.caption(f"One row per product page. Each URL makes 1–{maximum} banner previews "
               f"(default {default}); up to {per_batch} URLs per batch.")

    batch_name = st.text_input(
        "Batch name (optional)", key=f"new_batch_name_{version}", max_chars=NAME_MAX - 8,  # room for " (10/12)"
        placeholder="e.g. Spring sale shoes — else the date and time",
        help="How the batch is listed on Home, Batches and Previews; you can rename it later")
    upload = st.file_uploader(
        "Or upload a CSV: a `url[,batch_size]` header or one URL per line",
        type=["csv", "txt"], key=f"new_batch_csv_{version}",
        max_upload_size=MAX_CSV_MB,  # the widget says "1MB per file", not Streamlit's 200 (or 15) MB
    )
    upload_id = upload.file_id if upload is not None else None
    base = [{"url": "", "batch_size": str(default)}]
    if upload is not None:
        data = upload.getvalue()
        file_name = ui.md_escape(upload.name)
        if reason := not_csv_reason(data, file_name):
            st.error(reason)
        else:
            parsed = parse_sources_csv(data, default_size=default, max_size=maximum,
                                       allow_private=s.allow_private_fetch)
            # lines the table can fix (a good URL with a bad batch_size, a URL without https://) are
            # kept as typed, in the file's order, and named under the table; the others are left out
            table_rows = sorted(parsed.rows + parsed.fixable, key=lambda r: r["line"])
            if table_rows:
                base = [{"url": r["url"], "batch_size": _cell(r["batch_size"])} for r in table_rows]
                # every row in the table counted, then how many of them need a fix (a walk-through read
                # "Read 1 row …; 3 lines with a problem are kept" above a table of 4)
                st.success(f"Read {count(len(table_rows), 'row')} from {file_name}"
                           + (f": {len(parsed.rows)} ready, {len(parsed.fixable)} with a problem to fix or delete "
                              "in the table (named under it)." if parsed.fixable else "; edit them below."))
            kept = {f"Line {r['line']}:" for r in parsed.fixable}
            left = [p for p in parsed.problems if not p.startswith(tuple(kept))] if kept else parsed.problems
            if parsed.file_problem:  # the file as a whole: no line was "left out"
                problem = parsed.file_problem
                st.error(f"{file_name} was not read: {ui.md_escape(problem[:1].lower() + problem[1:])}")
            elif left:
                st.warning(f"{count(len(left), 'line')} of {file_name} {'was' if len(left) == 1 else 'were'} left out:\n"
                           + "\n".join(f"- {ui.md_escape(p)}" for p in left))
            for note in parsed.notes:  # e.g. a "qty" column not read as the number of previews
                st.warning(ui.md_escape(note), icon=":material/info:")
    saved = st.session_state.get(BASE)
    fixes = 0
    if saved and saved[0] == upload_id:  # the page rewrote the table (https:// offer)
        base, fixes = saved[1], st.session_state.get(FIXES, 0)

    table = st.data_editor(
        # (empty cells as "", not None: the editor greys "None" into a new row's URL cell)
        pd.DataFrame(base, columns=["url", "batch_size"]).fillna("").astype(str),
        key=editor_key(version, upload_id, fixes),
        num_rows="dynamic", hide_index=True, width="stretch",
        column_config={
            "url": st.column_config.TextColumn(
                "Product page URL", width="large", default="",
                help="The product's page on the shop, starting with https://"),
            "batch_size": st.column_config.TextColumn(
                "Previews", default=str(default),
                help=f"How many banner variants to make for this URL (1–{maximum})"),
        },
    )
    rows, numbers = _table_rows(table, default)
    problems, offers = _row_checks(rows, numbers, s)
    if problems:
        with st.container(key="new_batch_row_problems"):
            st.warning(f"{count(len(problems), 'problem')} in the table; these rows are not "
                       "generated until fixed:\n" + "\n".join(f"- {ui.md_escape(p)}" for p in problems))
            if offers:
                listed = ", ".join(f"row {n}: {ui.md_escape(u)}" for n, u in offers.items())
                st.button(f"Use https:// ({listed})", key="new_batch_https",
                          icon=":material/lock:", on_click=_apply_fixes,
                          args=(table, offers, upload_id))
    good = [r for r, n in zip(rows, numbers)
            if not any(p.startswith(f"Row {n}:") for p in problems)]
    sizes = [parse_batch_size(r["batch_size"], default, maximum) or default for r in good]
    # sizes as numbers for the service ("2.0" typed is 2); bad cells stay as typed, so the
    # service names them
    rows = [{"url": r["url"], "batch_size": parse_batch_size(r["batch_size"], default, maximum)
             or r["batch_size"]} for r in rows]
    estimate = new_batch_text(who.workspace, sum(sizes))  # from the queue: one figure, not two
    st.info(summary_text(sizes, s.generation_rate_limit, with_time=not estimate) + estimate,
            icon=":material/functions:")

    split = False
    # counted on the rows that can be generated: bad rows are fixed (or removed) first, and
    # the split is offered on what remains
    too_many = len(good) > per_batch
    if too_many:
        chunks = split_sources(list(zip(rows, numbers)), per_batch)
        st.warning(f"{len(good)} URLs is more than the {per_batch} allowed in one batch. "
                   f"Split them into {len(chunks)} batches of up to {per_batch}?"
                   + (" Fix or remove the rows named above first." if problems else ""))
        split = st.button(f"Split into {len(chunks)} batches and generate", key="new_batch_split",
                          type="primary", icon=":material/call_split:", disabled=bool(problems))
    generate = st.button("Generate", key="new_batch_generate", type="primary",
                         disabled=too_many, icon=":material/auto_awesome:")
    if generate:
        if not rows:
            _just_created()
            st.error("Add at least one product URL to the table (or upload a CSV).")
        else:
            _submit(who, [(rows, numbers)], batch_name)
    elif split:
        _submit(who, [([r for r, _ in c], [n for _, n in c]) for c in chunks], batch_name)


render()

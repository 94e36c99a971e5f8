"""Inline prefill editing for one preview: a fields form (partial save) and a JSON form
(whole replace). Both call ``core.previews.update_prefill``; validation is the service's.

The form shows the prefill as it was when the form was opened (kept in the session until this
user saves or closes the editor), and widget keys carry that version: a change made elsewhere
meanwhile (a colleague, the API) neither resets what is being typed nor loses the Save press
(a walk-through: the form's keys moved with the live version, the submitted form was gone, the
edit vanished without a word). A partial save then sends only the fields changed here, so the
other edit's fields survive; a whole replace made on an older version is refused.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import re

import streamlit as st
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from core.errors import AppError, PreconditionFailedError, ValidationError
from core.prefill import CTA_MAX, HEADLINE_MAX, SUBTITLE_MAX, VIBE_MAX, Colors, Layout, Widget
from core.previews import update_prefill
from core.views import PreviewInfo
from pages import ui

TEXT_FIELDS = {"headline": HEADLINE_MAX, "subtitle": SUBTITLE_MAX, "cta_text": CTA_MAX,
               "brand": 40, "visual_vibe": VIBE_MAX}
TEXT_LABELS = {"headline": "Headline", "subtitle": "Subtitle", "cta_text": "Button text",
               "brand": "Brand", "visual_vibe": "Visual vibe"}
FIELD_LABELS = {**TEXT_LABELS, "cta_url": "Button link", "widgets": "The widget list"}  # (as the form names them)
COLOR_NAMES = list(Colors.model_fields)
LAYOUT_CHOICES = {k: list(f.annotation.__args__) for k, f in Layout.model_fields.items()}
WIDGET_COLUMNS = ["type", "text", "label", "price", "currency", "compare_at", "locale", "percent",
                  "value", "count", "ends_at"]  # locale: the price badge's shop locale (de-DE → 24,99 €)
WIDGET_TYPES = ["price_badge", "discount", "rating", "free_shipping", "countdown", "badge"]
_WIDGETS = TypeAdapter(list[Widget])


def key(preview: PreviewInfo, name: str) -> str:
    """Widget key of field ``name`` in this preview's form (changes with each save)."""
    return f"pf_{preview.id.hex}_{preview.prefill_version}_{name}"


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def widgets_from_rows(rows: list[dict]) -> list[dict]:
    """Editor rows → widget dicts: only the fields the row's type has, blanks dropped."""
    out = []
    for row in rows:
        kind = row.get("type")
        if _blank(kind):
            continue
        item = {"type": kind}
        for col in WIDGET_COLUMNS[1:]:
            value = row.get(col)
            if not _blank(value):
                if col in ("percent", "count") and isinstance(value, float) and value.is_integer():
                    value = int(value)
                item[col] = value
        out.append(item)
    return out


def _widget_frame(widgets: list[dict]) -> "pd.DataFrame":
    rows = [{c: w.get(c) for c in WIDGET_COLUMNS} for w in widgets]
    import pandas as pd  # here: only an open editor needs it (~0.3 s to import)

    frame = pd.DataFrame(rows, columns=WIDGET_COLUMNS)
    # Mixed widget types leave holes: object columns keep text editable where a number
    # would be inferred (price "24.99" must stay a string for the schema). Holes are empty
    # strings, not None (the editor printed "None" in every empty cell); both read as blank.
    return frame.astype(object).where(frame.notna(), "")


def widget_column_order(frame: "pd.DataFrame") -> list[str]:
    """The widget table's columns, those holding a value first: a card is about 370 px wide,
    so the table scrolls sideways, and a price badge's currency and struck price were out of
    sight behind the empty text and label columns (a walk-through at 1280 px)."""
    filled = [c for c in WIDGET_COLUMNS[1:] if (frame[c].astype(str).str.strip() != "").any()]
    return ["type"] + filled + [c for c in WIDGET_COLUMNS[1:] if c not in filled]


def changed_keys(current: dict, edited: dict) -> dict:
    """The partial edit: only top-level keys whose value changed; ``colors``/``layout``
    carry only their changed sub-keys; ``widgets`` is sent whole when it changed."""
    patch: dict = {}
    for name, value in edited.items():
        old = current.get(name)
        if name in ("colors", "layout"):
            old = old or {}
            sub = {k: v for k, v in value.items()
                   if str(v).upper() != str(old.get(k, "")).upper()}
            if sub:
                patch[name] = sub
        elif name == "widgets":
            try:
                same = _WIDGETS.dump_python(_WIDGETS.validate_python(value), mode="json") == old
            except PydanticValidationError:
                same = False  # let the service explain what is wrong
            if not same:
                patch[name] = value
        elif (value or None) != (old or None):
            patch[name] = value
    return patch


def in_form_words(exc: AppError, table_rows: list[int] | None = None) -> AppError:
    """The service names prefill fields as the API does ("cta_text: must not be empty");
    the form says "Button text: must not be empty". ``table_rows``: the widget table's row
    (0-based) of each widget sent (rows without a type are not sent)."""
    def row(index: str) -> int:
        n = int(index)
        return (table_rows[n] if table_rows is not None and n < len(table_rows) else n) + 1

    def say(text: str) -> str:
        for name, label in FIELD_LABELS.items():
            text = re.sub(rf"\b{name}\b(?=:)", label, text)
        # "widgets.0.price_badge.price: …" is a row of the table: "Widget 1 (price badge): price …"
        return re.sub(r"\bwidgets\.(\d+)\.(\w+)\.(\w+): ",
                      lambda m: f"Widget {row(m.group(1))} ({m.group(2).replace('_', ' ')}): "
                                f"{m.group(3).replace('_', ' ')} ", text).replace("Invalid prefill: ", "")

    if not isinstance(exc, ValidationError):
        return exc
    return ValidationError(say(exc.message), [say(p) for p in exc.problems or []])


def _opened_slot(preview_id) -> str:
    return f"pf_opened_{preview_id.hex}"


def opened(preview: PreviewInfo) -> PreviewInfo:
    """The preview as the form was opened: its prefill and version then (kept in the session),
    whatever was saved elsewhere since."""
    slot = _opened_slot(preview.id)
    held = st.session_state.get(slot)
    if held is None:
        held = st.session_state[slot] = (preview.prefill_version, copy.deepcopy(preview.prefill))
    return dataclasses.replace(preview, prefill_version=held[0], prefill=held[1])


def close(preview_id) -> None:
    """The editor is closed: the next opening starts from the banner as it is then."""
    st.session_state.pop(_opened_slot(preview_id), None)


def _save(preview: PreviewInfo, workspace: str, patch, replace: bool,
          table_rows: list[int] | None = None) -> None:
    try:
        # a whole replace must be of the version the form showed (else it would undo an edit
        # made elsewhere meanwhile); a partial save carries only the fields changed here
        update_prefill(workspace, preview.id, patch, replace=replace,
                       expected_version=preview.prefill_version if replace else None)
    except PreconditionFailedError:
        st.error("The banner was changed elsewhere since you opened this form, so replacing it whole "
                 "would undo that change. Nothing was saved: press “Show the latest”, then edit again.")
        return
    except AppError as exc:
        ui.show_error(exc if replace else in_form_words(exc, table_rows))  # the JSON editor keeps JSON names
        return
    close(preview.id)  # the next run opens the saved version
    st.toast("Saved: the banner is re-rendered with your changes.")
    st.rerun()  # full run: the banner above the form must show the new prefill


def _clashes(patch: dict, seen: dict, live: dict | None) -> list[str]:
    """The fields this edit changes that were also changed elsewhere since the form was opened
    (colours and layout by their own keys; the widget list as a whole), by their labels."""
    if live is None:
        return []
    out = []
    for name, value in patch.items():
        if name in ("colors", "layout"):
            mine, theirs = seen.get(name) or {}, live.get(name) or {}
            out += [f"{name[:-1] if name == 'colors' else name} {k.replace('_', ' ')}".capitalize()
                    for k in value if str(mine.get(k, "")).upper() != str(theirs.get(k, "")).upper()]
        elif (seen.get(name) or None) != (live.get(name) or None):
            out.append(FIELD_LABELS.get(name, name))
    return out


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _changed_elsewhere(seen: PreviewInfo, live: PreviewInfo) -> None:
    """Say so when the banner changed since the form was opened, with a way to the latest."""
    if (live.prefill_version or 0) == (seen.prefill_version or 0):
        return
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.warning("This banner was changed elsewhere since you opened this form. Saving the fields "
                   "sends only what you change here; the other fields keep their new values (a field "
                   "changed in both places is not saved over).",
                   icon=":material/sync_problem:", width="stretch")
        if st.button("Show the latest", key=f"pf_latest_{live.id.hex}", icon=":material/refresh:"):
            close(live.id)
            st.rerun()


def fields_form(preview: PreviewInfo, workspace: str, live: dict | None = None) -> None:
    """Text fields, colour pickers, layout and the widget list; saves changed keys only.
    ``live``: the prefill as it is now, when it changed since the form was opened."""
    p = preview.prefill or {}
    with st.form(key=key(preview, "form"), border=False):
        edited: dict = {}
        for name, limit in TEXT_FIELDS.items():
            edited[name] = st.text_input(TEXT_LABELS[name], value=p.get(name) or "",
                                         max_chars=limit, key=key(preview, name))
        colors = p.get("colors") or {}
        cols = st.columns(3)
        edited["colors"] = {
            name: cols[i % 3].color_picker(name.replace("_", " ").capitalize(),
                                           value=colors.get(name) or Colors().model_dump()[name],
                                           key=key(preview, f"color_{name}"))
            for i, name in enumerate(COLOR_NAMES)
        }
        layout = p.get("layout") or {}
        cols = st.columns(2)  # two a row: four in a card's width cut their values ("photc", "cente")
        edited["layout"] = {
            name: cols[i % 2].selectbox(name.replace("_", " ").capitalize(), choices,
                                    index=choices.index(layout.get(name, choices[0]))
                                    if layout.get(name, choices[0]) in choices else 0,
                                    key=key(preview, f"layout_{name}"))
            for i, (name, choices) in enumerate(LAYOUT_CHOICES.items())
        }
        st.caption("Widgets: price badge, discount, rating, free shipping, countdown, badge")
        frame = _widget_frame(p.get("widgets") or [])
        table = st.data_editor(
            frame, key=key(preview, "widgets"), column_order=widget_column_order(frame),
            num_rows="dynamic", hide_index=True, width="stretch",
            column_config={"type": st.column_config.SelectboxColumn(
                "type", options=WIDGET_TYPES, required=True)},
        )
        records = table.to_dict("records")
        edited["widgets"] = widgets_from_rows(records)
        table_rows = [n for n, r in enumerate(records) if not _blank(r.get("type"))]  # a widget's row
        url = st.text_input("Button link (https://…)", value=p.get("cta_url") or "",
                            key=key(preview, "cta_url"))
        edited["cta_url"] = url.strip() or None
        # text fit: the saved copy's on opening, the typed copy's after "Check text fit"
        from pages.review import fit_report

        checking = st.form_submit_button("Check text fit", icon=":material/format_size:")
        fit_report({**p, "headline": edited["headline"], "subtitle": edited["subtitle"],
                    "widgets": edited["widgets"], "brand": edited["brand"],
                    "layout": {**(p.get("layout") or {}), **edited["layout"]}}
                   if checking else p)
        if st.form_submit_button("Save changes", type="primary", icon=":material/save:"):
            patch = changed_keys(p, edited)
            if not patch:
                st.info("Nothing changed.")
            elif clashes := _clashes(patch, p, live):
                # a field changed here AND elsewhere since the form was opened: saving would silently undo
                # the other edit (a walk-through: "A second" became "B second", both told "Saved")
                st.error(f"{_and(clashes)} {'was' if len(clashes) == 1 else 'were'} changed elsewhere since you "
                         "opened this form, so saving would undo that change. Nothing was saved: press "
                         "“Show the latest”, then edit again.")
            elif not p:
                _save(preview, workspace, edited, replace=True)
            else:
                _save(preview, workspace, patch, replace=False, table_rows=table_rows)


def json_form(preview: PreviewInfo, workspace: str) -> None:
    """The whole prefill as JSON; replaces it after validation."""
    with st.form(key=key(preview, "json_form"), border=False):
        text = st.text_area("Prefill JSON", height=320, key=key(preview, "json"),
                            value=json.dumps(preview.prefill or {}, indent=2, ensure_ascii=False))
        if st.form_submit_button("Replace the whole prefill", icon=":material/data_object:"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                st.error(f"The JSON is not valid: {exc.msg} at line {exc.lineno}, "
                         f"column {exc.colno}. Nothing was saved.")
                return
            _save(preview, workspace, data, replace=True)


def editor(preview: PreviewInfo, workspace: str) -> None:
    """Both forms, in tabs, on the prefill as it was when the editor was opened."""
    seen = opened(preview)
    _changed_elsewhere(seen, preview)
    fields_tab, json_tab = st.tabs(["Fields", "JSON"])
    with fields_tab:
        fields_form(seen, workspace, live=None if seen.prefill_version == preview.prefill_version
                    else preview.prefill or {})
    with json_tab:
        json_form(seen, workspace)

"""Issue 14, item 7: a short confirmation (toast) after every action, and popovers close
after use. AppTest sees toasts and the popovers' open state (``st.session_state[key]``)."""

from __future__ import annotations

from core.batches import list_batches
from core.previews import list_previews
from tests.app_harness import app_ws, open_page, texts  # noqa: F401
from tests.factories import create_user_batch, set_preview_state


def test_previews_page_cancel_and_retry_confirm_with_a_toast(app_ws):
    b = create_user_batch(app_ws, n_urls=1, batch_size=2, user="local")
    first, second = list_previews(app_ws, b.id).items
    set_preview_state(first.id, "failed", error_message="Page answered 404")
    at = open_page("pages/previews.py", batch=str(b.id))
    at.button(key="batch_retry").click().run()
    assert not at.exception
    assert "1 failed preview queued again" in texts(at.toast)
    at.button(key="batch_cancel").click().run()
    assert "Batch cancelled" in texts(at.toast)


def test_batches_popovers_close_after_their_action(app_ws):
    a = create_user_batch(app_ws, n_urls=1, batch_size=1, user="local")
    b = create_user_batch(app_ws, n_urls=1, batch_size=1, user="local")
    at = open_page("pages/batches.py")
    at.session_state[f"rename_{a.id}"] = True  # the user opened "Rename"
    at.text_input(key=f"rename_text_{a.id}").input("Autumn shoes")
    at.button(key=f"rename_save_{a.id}").click().run()
    assert at.session_state[f"rename_{a.id}"] is False  # closed after saving
    assert "Renamed to “Autumn shoes”" in texts(at.toast)
    at.session_state[f"delete_pop_{b.id}"] = True
    at.button(key=f"delete_{b.id}").click().run()
    assert "Batch deleted" in texts(at.toast)
    assert [x.id for x in list_batches(app_ws).items] == [a.id]
    at.session_state["batches_archive_pop"] = True
    at.button(key=f"cancel_{a.id}").click().run()
    assert "Batch cancelled" in texts(at.toast)
    at.button(key="batches_clear").click().run()
    assert at.session_state["batches_archive_pop"] is False
    assert "1 finished batch archived" in texts(at.toast)


def test_generate_confirms_on_the_page_it_opens(app_ws):
    at = open_page("pages/new_batch.py")
    key = at.data_editor[0].key
    at.session_state[key] = {"edited_rows": {0: {"url": "https://shop.example.com/p/1"}},
                             "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="new_batch_generate").click().run()
    assert not at.exception
    assert "Batch created: 3 previews queued" in texts(at.toast)


def test_a_name_with_markdown_and_braces_is_shown_literally_everywhere(app_ws):
    from core.batches import rename_batch

    a = create_user_batch(app_ws, n_urls=1, batch_size=1, user="local")
    rename_batch(app_ws, a.id, "Sale {x} **50%** <b>")
    at = open_page("pages/batches.py")
    at.button(key=f"archive_{a.id}").click().run()
    assert not at.exception
    assert "Archived Sale {x} \\*\\*50%\\*\\* \\<b\\>" in texts(at.toast)
    previews = open_page("pages/previews.py", batch=str(a.id))
    assert previews.title[0].value == "Sale {x} \\*\\*50%\\*\\* \\<b\\>"
    home = open_page()
    assert any("Sale {x} \\*\\*50%\\*\\* \\<b\\>" in str(link.proto.label)
               for link in home.get("page_link"))


def test_the_previews_page_resumes_what_it_cancelled(app_ws, monkeypatch):
    # a walk-through: after "Cancel batch" the Previews page offered no way back; Resume was only on /batches
    import pages.ui

    b = create_user_batch(app_ws, n_urls=1, batch_size=2, user="local")
    at = open_page("pages/previews.py", batch=str(b.id))
    at.button(key="batch_cancel").click().run()
    assert {p.status for p in list_previews(app_ws, b.id).items} == {"cancelled"}
    keys = {x.key for x in at.button}
    assert "batch_cancel" not in keys and "batch_resume" in keys
    assert at.button(key="batch_resume").label == "Resume 2 cancelled"
    at.button(key="batch_resume").click().run()  # at once: the second click of a double click on Cancel
    assert {p.status for p in list_previews(app_ws, b.id).items} == {"cancelled"}
    monkeypatch.setattr(pages.ui, "DOUBLE_CLICK_SECONDS", 0.0)
    at.button(key="batch_resume").click().run()
    assert not at.exception
    assert "2 previews queued again" in texts(at.toast)
    assert {p.status for p in list_previews(app_ws, b.id).items} == {"pending"}
    assert "batch_cancel" in {x.key for x in at.button}

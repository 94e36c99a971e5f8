"""The API keys page: create (shown once), list by prefix, revoke — and the key works."""

from __future__ import annotations

from tests.app_harness import app_ws, open_page, texts  # noqa: F401  (fixture)


def test_create_list_and_revoke_a_key(app_ws):
    from core.api_keys import authenticate, list_keys

    at = open_page("pages/api_keys.py")
    assert "No API keys yet." in texts(at.info)
    at.text_input[0].input("feed exporter")
    at.button[0].click().run()
    assert not at.exception
    shown = [c.value for c in at.code]
    assert len(shown) == 1 and shown[0].startswith("ctabs_")
    key = shown[0]
    assert authenticate(key).workspace == app_ws
    [view] = list_keys(app_ws)
    assert view.prefix in texts(at.markdown) and key not in texts(at.markdown)
    at.run()  # shown once: gone on the next run
    assert not at.code
    # revoking breaks every program using the key: asked first, in a popover (a walk-through
    # revoked a key with one click)
    assert [p.proto.popover.label for p in at.get("popover")] == ["Revoke…"]
    assert "get *401 unauthorized* from now on" in texts(at.markdown)
    at.button(key=f"api_key_revoke_{view.id}").click().run()
    assert authenticate(key) is None
    assert "revoked" in texts(at.markdown)


def test_a_key_needs_a_name(app_ws):
    at = open_page("pages/api_keys.py")
    at.button[0].click().run()
    assert not at.code and "name" in texts(at.error).lower()



def test_a_key_name_too_long_says_the_limit_and_the_length(app_ws):
    # a walk-through (the keys command): a 500-character name was told "Give the key a name (1 to
    # 120 characters)"; the page's field stops at 120 characters
    import pytest

    from core.api_keys import create_key, list_keys
    from core.errors import ValidationError

    with pytest.raises(ValidationError, match=r"A key name has at most 120 characters \(got 500\)"):
        create_key(app_ws, "x" * 500)
    with pytest.raises(ValidationError, match="Give the key a name"):
        create_key(app_ws, "   ")
    assert list_keys(app_ws) == []

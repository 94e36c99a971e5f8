"""The preview card's quality-gate line (AppTest on the one function the card calls)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app_harness import TIMEOUT, texts


def card_script(prefill_json: str) -> None:
    import json

    from pages import quality_findings

    quality_findings.show(json.loads(prefill_json), "p1")


def run(prefill: dict) -> AppTest:
    import json

    at = AppTest.from_function(card_script, args=(json.dumps(prefill),), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_banner_passing_everywhere_says_so_in_one_line(sqlite_db):
    from tests.factories import a_prefill

    at = run(a_prefill())
    assert "Quality gate passed in all 10 formats" in texts(at.markdown)
    assert not at.expander


def test_failures_and_fixes_are_listed_with_their_formats(sqlite_db):
    from tests.factories import a_prefill

    pale = a_prefill(layout={"text_position": "center"},
                     colors={**a_prefill()["colors"], "secondary": "#CCCCCC"})
    at = run(pale)
    (exp,) = at.expander
    assert exp.label.startswith("Quality gate: fails in ") and "fixed automatically" in exp.label
    shown = texts(at.markdown)
    assert "product visible over" in shown and "(1080×1080" in shown
    assert "subtitle colour \\#CCCCCC changed to" in shown  # markdown-escaped

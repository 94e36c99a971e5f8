"""Webhooks page (AppTest): register (secret shown once), refusals, deliveries with their
attempts, disable, delete. The page is opened on its own (navigation is dashboard.py's)."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from core.webhooks import enqueue_event, list_deliveries, list_webhooks, register_webhook
from db.base import utcnow
from db.engine import unit_of_work
from db.models import WebhookDelivery
from tests.app_harness import ROOT, TIMEOUT, app_ws, texts  # noqa: F401

PAGE = "pages/webhooks.py"


@pytest.fixture
def ws(app_ws, settings_env):
    settings_env(ALLOW_PRIVATE_FETCH="true")
    return app_ws


def open_webhooks() -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def register(at: AppTest, url: str, description: str = "") -> AppTest:
    at.text_input(key="webhooks_url").input(url)
    at.text_input(key="webhooks_description").input(description)
    at.button(key="webhooks_register").click().run()
    assert not at.exception, at.exception
    return at


def test_an_empty_workspace_is_invited_to_register(ws):
    at = open_webhooks()
    assert at.title[0].value == "Webhooks"
    assert "No webhooks yet" in texts(at.info)
    assert "X-CTABS-Signature" in texts(at.caption)


def test_registering_shows_the_secret_once_and_lists_the_webhook(ws):
    at = open_webhooks()
    register(at, "http://127.0.0.1:9/hooks", "CI receiver")
    (hook,) = list_webhooks(ws)
    assert hook.url == "http://127.0.0.1:9/hooks" and hook.description == "CI receiver"
    secret = at.code[0].value
    assert secret.startswith(hook.secret_hint[:-1]) and len(secret) > 40
    assert "not shown again" in texts(at.success)
    assert at.text_input(key="webhooks_url").value == ""  # the form is reset
    assert "http://127.0.0.1:9/hooks" in texts(at.markdown)
    at.button(key="webhooks_secret_done").click().run()
    assert not at.code and secret not in texts(at.markdown)


def test_a_double_click_on_register_keeps_the_secret_on_screen(ws):
    # a second walk-through: the double click's second submit met "This URL already receives this
    # workspace's events…", shown instead of the new webhook's secret (never shown again)
    at = register(open_webhooks(), "http://127.0.0.1:9/twice", "double")
    secret = at.code[0].value
    register(at, "http://127.0.0.1:9/twice", "double")  # the second click, the form as it was
    assert not at.error, texts(at.error)
    assert at.code and at.code[0].value == secret and len(list_webhooks(ws)) == 1
    # a later, deliberate second registration is still told
    at.button(key="webhooks_secret_done").click().run()
    register(at, "http://127.0.0.1:9/twice")
    assert "already receives this workspace's events" in texts(at.error)


def test_a_private_url_is_refused_with_the_reason_and_kept_in_the_form(ws, settings_env):
    settings_env(ALLOW_PRIVATE_FETCH="false")
    at = open_webhooks()
    register(at, "http://169.254.169.254/latest/meta-data/")
    assert "Webhook URL refused" in texts(at.error) and "private" in texts(at.error)
    assert list_webhooks(ws) == [] and not at.code
    assert at.text_input(key="webhooks_url").value == "http://169.254.169.254/latest/meta-data/"


def test_deliveries_show_each_attempt_and_disable_and_delete_work(ws, sent):
    hook = register_webhook(ws, "http://127.0.0.1:9/hooks")
    subject = uuid.uuid4()
    with unit_of_work() as s:
        (did,) = enqueue_event(s, ws, "batch.finished", subject, {"id": str(subject)})
        s.flush()
        attempts = [{"at": utcnow().isoformat(), "status_code": 500, "error": "HTTP 500: boom", "ms": 12},
                    {"at": utcnow().isoformat(), "status_code": 200, "error": None, "ms": 8}]
        s.execute(sa.update(WebhookDelivery).where(WebhookDelivery.id == did)
                  .values(status="done", attempts=attempts, finished_at=utcnow()))
    at = open_webhooks()
    shown = texts(at.markdown)
    assert "batch.finished" in shown and str(subject) in shown and "2 attempts" in shown
    table = at.dataframe[0].value
    assert list(table["status"]) == ["500", "200"] and list(table["error"]) == ["HTTP 500: boom", ""]
    at.button(key=f"webhook_disable_{hook.id}").click().run()
    assert not at.exception, at.exception
    assert not list_webhooks(ws)[0].active
    assert "disabled" in texts(at.markdown)
    at.button(key=f"webhook_delete_{hook.id}").click().run()
    assert not at.exception, at.exception
    assert list_webhooks(ws) == [] and list_deliveries(ws) == []

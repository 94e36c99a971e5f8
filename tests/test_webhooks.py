"""Webhooks: registration (SSRF rules, workspace isolation), signing, events in the finishing
transaction, delivery with retries from the workers, the reconciler, end to end."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler

import pytest
import sqlalchemy as sa

from core import fetch, webhooks
from core.batches import cancel_batch, create_batch, get_batch
from core.errors import NotFoundError, ValidationError
from core.jobs import get_job, submit_job
from core.webhooks import (
    DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, delete_webhook,
    disable_webhook, enqueue_event, get_delivery, get_webhook, list_deliveries, list_webhooks,
    reconcile_deliveries, register_webhook,
)
from db.base import utcnow
from db.engine import unit_of_work
from db.models import WebhookDelivery
from tests.factories import urls
from tests.httpserver import BackgroundHTTPServer
from tests.stages import PERMANENT, FakeStages, embedded_worker, wait_for


# --- a local receiver ---------------------------------------------------------------------


class Receiver(BackgroundHTTPServer):
    """Takes POSTs; answers each with the next scripted status (then ``default``); records
    every request and whether its signature verified with ``secret``."""

    def __init__(self, statuses=(), default: int = 200, delay: float = 0.0):
        self.statuses = list(statuses)
        self.default = default
        self.delay = delay
        self.secret: str | None = None
        self.received: list[dict] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k: v for k, v in self.headers.items()}
                with server.lock:
                    status = server.statuses.pop(0) if server.statuses else server.default
                    server.received.append({"path": self.path, "headers": headers, "body": body,
                                            "verified": server.verifies(headers, body),
                                            "status": status, "at": time.monotonic()})
                if server.delay:
                    time.sleep(server.delay)
                answer = b"ok" if status < 300 else b"receiver says no"
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                try:
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        super().__init__(Handler)

    def verifies(self, headers: dict, body: bytes) -> bool:
        """The receiver's own check, written from the documentation (not with core)."""
        if self.secret is None:
            return False
        low = {k.lower(): v for k, v in headers.items()}
        ts = low.get("x-ctabs-timestamp", "")
        expected = hmac.new(self.secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
        return (low.get("x-ctabs-signature") == f"sha256={expected}"
                and abs(time.time() - int(ts)) < 300)

    def url(self, path: str = "/hook") -> str:
        return self.base_url + path


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


@pytest.fixture
def private_ok(db, settings_env):
    """Loopback receivers allowed; short retries."""
    settings_env(ALLOW_PRIVATE_FETCH="true", RETRY_SCHEDULE_SECONDS="0.2,0.2,0.2",
                 FETCH_TIMEOUT_SECONDS="3")


def hook_for(workspace: str, receiver: Receiver, path: str = "/hook"):
    hook = register_webhook(workspace, receiver.url(path), "test receiver")
    receiver.secret = hook.secret
    return hook


def an_event(workspace, subject=None, data=None) -> list[uuid.UUID]:
    with unit_of_work() as s:
        return enqueue_event(s, workspace, "batch.finished", subject or uuid.uuid4(),
                             data or {"status": "done"})


# --- signing ------------------------------------------------------------------------------


def test_signature_is_hmac_sha256_over_timestamp_dot_body():
    body = b'{"event":"batch.finished"}'
    assert webhooks.sign("whsec_k", body) == hmac.new(b"whsec_k", body, hashlib.sha256).hexdigest()
    headers = webhooks.signature_headers("whsec_k", body, event="batch.finished",
                                         delivery_id="d-1", timestamp=1_700_000_000)
    assert headers[SIGNATURE_HEADER] == "sha256=" + hmac.new(
        b"whsec_k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert headers[EVENT_HEADER] == "batch.finished" and headers[DELIVERY_HEADER] == "d-1"
    assert headers[TIMESTAMP_HEADER] == "1700000000"
    assert headers["Content-Type"] == "application/json"
    assert webhooks.verify("whsec_k", body, headers, now=1_700_000_010)
    lower = {k.lower(): v for k, v in headers.items()}
    assert webhooks.verify("whsec_k", body, lower, now=1_700_000_010)
    assert not webhooks.verify("whsec_other", body, headers, now=1_700_000_010)
    assert not webhooks.verify("whsec_k", body + b" ", headers, now=1_700_000_010)
    assert not webhooks.verify("whsec_k", body, headers, now=1_700_000_000 + 301)  # stale
    assert not webhooks.verify("whsec_k", body, {**headers, TIMESTAMP_HEADER: "1700000001"},
                               now=1_700_000_010)


# --- registration -------------------------------------------------------------------------


@pytest.mark.parametrize("url, words", [
    ("http://127.0.0.1/hook", "private"),
    ("http://169.254.169.254/latest/meta-data/", "private"),
    ("http://localhost:8080/hook", "this machine"),
    ("http://10.1.2.3/hook", "private"),
    ("http://[::1]/hook", "private"),
    ("ftp://example.com/hook", "http:// or https://"),
    ("https://user:pw@example.com/hook", "user name or password"),
    ("", "empty"),
])
def test_private_and_malformed_urls_are_refused(db, settings_env, workspace, url, words):
    settings_env(ALLOW_PRIVATE_FETCH="false")
    with pytest.raises(ValidationError) as err:
        register_webhook(workspace, url)
    assert words in err.value.message and err.value.message.startswith("Webhook URL refused")
    assert list_webhooks(workspace) == []


def test_a_name_resolving_to_a_private_address_is_refused(db, settings_env, workspace, monkeypatch):
    settings_env(ALLOW_PRIVATE_FETCH="false")
    answers = {"metadata.example.com": ["169.254.169.254"], "intranet.example.com": ["93.184.216.34", "10.0.0.7"],
               "hooks.example.com": ["93.184.216.34"]}
    monkeypatch.setattr(fetch, "resolve_host", lambda host, port: answers[host])
    for name in ("metadata.example.com", "intranet.example.com"):
        with pytest.raises(ValidationError) as err:
            register_webhook(workspace, f"https://{name}/hook")
        assert "only public addresses" in err.value.message
    hook = register_webhook(workspace, "https://hooks.example.com/hook")  # public: accepted
    assert hook.url == "https://hooks.example.com/hook"


def test_register_list_disable_delete(db, settings_env, workspace):
    settings_env(ALLOW_PRIVATE_FETCH="true")
    hook = register_webhook(workspace, " http://127.0.0.1:9/hook?token=abc ", "  CI  ")
    assert hook.secret.startswith("whsec_") and len(hook.secret) > 40
    assert hook.url == "http://127.0.0.1:9/hook?token=abc" and hook.description == "CI"
    assert hook.active and hook.secret_hint == hook.secret[:10] + "…"
    listed = list_webhooks(workspace)
    assert [h.id for h in listed] == [hook.id] and listed[0].secret is None  # shown once
    assert get_webhook(workspace, hook.id).secret is None
    off = disable_webhook(workspace, hook.id)
    assert not off.active and off.disabled_at is not None
    assert disable_webhook(workspace, hook.id).disabled_at == off.disabled_at  # idempotent
    delete_webhook(workspace, hook.id)
    assert list_webhooks(workspace) == []
    with pytest.raises(NotFoundError):
        delete_webhook(workspace, hook.id)
    with pytest.raises(ValidationError):
        register_webhook(workspace, "http://127.0.0.1:9/hook", "x" * 121)


def test_one_url_is_registered_once_per_workspace(db, settings_env, workspace, sent):
    # a walk-through registered one URL three times: every event arrived three times, each under
    # its own delivery id, so the receiver could not drop the repeats
    from core.errors import ConflictError

    settings_env(ALLOW_PRIVATE_FETCH="true")
    first = register_webhook(workspace, "http://127.0.0.1:9/ok", "good one")
    with pytest.raises(ConflictError) as err:
        register_webhook(workspace, " http://127.0.0.1:9/ok ", "dup")
    assert err.value.message == (f"This URL already receives this workspace's events: webhook {first.id} "
                                 "(“good one”). One is enough; disable or delete it to register the URL again")
    assert [h.id for h in list_webhooks(workspace)] == [first.id]
    for spelling in ("HTTP://127.0.0.1:9/ok", "http://127.0.0.1:9/ok#x"):  # one address, other spellings
        with pytest.raises(ConflictError):
            register_webhook(workspace, spelling)
    register_webhook("another-" + workspace, "http://127.0.0.1:9/ok")  # another workspace's own
    register_webhook(workspace, "http://127.0.0.1:9/ok?v=2")  # another URL
    disable_webhook(workspace, first.id)
    again = register_webhook(workspace, "http://127.0.0.1:9/ok")  # the old one disabled: fine
    assert len(an_event(workspace)) == 2 and again.id != first.id


def test_registrations_at_once_make_one_webhook(db, settings_env, workspace, sent):
    # a second walk-through: four parallel POSTs of one URL answered 201 201 409 409
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from core.errors import ConflictError

    settings_env(ALLOW_PRIVATE_FETCH="true")
    start = threading.Barrier(4)

    def one(_):
        start.wait()
        try:
            return register_webhook(workspace, "http://127.0.0.1:9/race").id
        except ConflictError:
            return None

    with ThreadPoolExecutor(4) as pool:
        made = [x for x in pool.map(one, range(4)) if x is not None]
    assert len(made) == 1 and len(list_webhooks(workspace)) == 1


def test_at_most_ten_enabled_webhooks_and_delete_takes_the_deliveries(db, settings_env, workspace, sent):
    settings_env(ALLOW_PRIVATE_FETCH="true")
    hooks = [register_webhook(workspace, f"http://127.0.0.1:9/{i}") for i in range(webhooks.MAX_WEBHOOKS)]
    with pytest.raises(ValidationError) as err:
        register_webhook(workspace, "http://127.0.0.1:9/one-more")
    assert "already has 10 webhooks" in err.value.message
    disable_webhook(workspace, hooks[0].id)
    register_webhook(workspace, "http://127.0.0.1:9/one-more")  # a disabled one does not count
    assert len(an_event(workspace)) == webhooks.MAX_WEBHOOKS
    delete_webhook(workspace, hooks[1].id)
    assert len(list_deliveries(workspace)) == webhooks.MAX_WEBHOOKS - 1
    assert hooks[1].id not in {d.webhook_id for d in list_deliveries(workspace)}


def test_another_workspaces_webhooks_and_deliveries_are_not_found(db, settings_env, workspace, sent):
    settings_env(ALLOW_PRIVATE_FETCH="true")
    other = workspace + "-other"
    mine = register_webhook(workspace, "http://127.0.0.1:9/mine")
    theirs = register_webhook(other, "http://127.0.0.1:9/theirs")
    [delivery] = an_event(other)
    assert [h.id for h in list_webhooks(workspace)] == [mine.id]
    assert list_deliveries(workspace) == []
    for call in (lambda: get_webhook(workspace, theirs.id), lambda: disable_webhook(workspace, theirs.id),
                 lambda: delete_webhook(workspace, theirs.id),
                 lambda: list_deliveries(workspace, webhook_id=theirs.id),
                 lambda: get_delivery(workspace, delivery), lambda: get_webhook(workspace, "not-a-uuid")):
        with pytest.raises(NotFoundError):
            call()
    assert get_webhook(other, theirs.id).active  # untouched
    assert [d.id for d in list_deliveries(other, webhook_id=theirs.id)] == [delivery]


# --- events -------------------------------------------------------------------------------


def test_an_event_makes_one_delivery_per_enabled_webhook_and_wakes_after_commit(db, settings_env, workspace, sent):
    settings_env(ALLOW_PRIVATE_FETCH="true")
    a = register_webhook(workspace, "http://127.0.0.1:9/a")
    b = register_webhook(workspace, "http://127.0.0.1:9/b")
    off = register_webhook(workspace, "http://127.0.0.1:9/off")
    disable_webhook(workspace, off.id)
    register_webhook(workspace + "-x", "http://127.0.0.1:9/elsewhere")
    subject = uuid.uuid4()
    with unit_of_work() as s:
        ids = enqueue_event(s, workspace, "batch.finished", subject, {"id": subject, "n": 1})
        assert sent == []  # not before the commit
    assert sorted(sent) == sorted(("webhook", (str(i),)) for i in ids)
    deliveries = list_deliveries(workspace)
    assert {d.webhook_id for d in deliveries} == {a.id, b.id}
    event_ids = {d.payload["id"] for d in deliveries}
    assert len(event_ids) == 1  # one event, told to two webhooks
    d = deliveries[0]
    assert d.status == "pending" and d.attempts == [] and d.subject_id == subject
    assert d.payload["event"] == "batch.finished" and d.payload["workspace"] == workspace
    assert d.payload["data"] == {"id": str(subject), "n": 1}
    # rolled back: no rows, no messages
    sent.clear()
    with pytest.raises(RuntimeError):
        with unit_of_work() as s:
            enqueue_event(s, workspace, "batch.finished", uuid.uuid4(), {})
            raise RuntimeError("the finishing transaction failed")
    assert sent == [] and len(list_deliveries(workspace)) == 2
    with unit_of_work() as s:
        with pytest.raises(ValueError):
            enqueue_event(s, workspace, "batch.started", uuid.uuid4(), {})


def test_a_workspace_without_webhooks_gets_no_rows(db, workspace, sent):
    assert an_event(workspace) == [] and sent == []


def test_disabling_fails_the_waiting_deliveries(db, settings_env, workspace, sent):
    settings_env(ALLOW_PRIVATE_FETCH="true")
    hook = register_webhook(workspace, "http://127.0.0.1:9/a")
    [did] = an_event(workspace)
    disable_webhook(workspace, hook.id)
    d = get_delivery(workspace, did)
    assert d.status == "failed" and d.finished_at and "disabled" in d.last_error
    assert webhooks.deliver(str(did)) == []  # a late message changes nothing


# --- delivery -----------------------------------------------------------------------------


def test_a_delivery_is_posted_signed_and_recorded(private_ok, workspace, receiver, sent):
    hook = hook_for(workspace, receiver)
    subject = uuid.uuid4()
    [did] = an_event(workspace, subject, {"id": str(subject), "status": "done", "name": "Ünïcode ✓"})
    assert webhooks.deliver(str(did)) == []
    [got] = receiver.received
    assert got["verified"] and got["path"] == "/hook"
    assert got["headers"]["X-CTABS-Event"] == "batch.finished"
    assert got["headers"]["X-CTABS-Delivery"] == str(did)
    assert got["headers"]["Content-Type"] == "application/json"
    body = json.loads(got["body"])
    assert body["event"] == "batch.finished" and body["workspace"] == workspace
    assert body["data"] == {"id": str(subject), "status": "done", "name": "Ünïcode ✓"}
    d = get_delivery(workspace, did)
    assert d.status == "done" and d.finished_at and d.webhook_id == hook.id
    [attempt] = d.attempts
    assert attempt.status_code == 200 and attempt.error is None and attempt.ok and attempt.ms >= 0
    assert webhooks.deliver(str(did)) == [] and len(receiver.received) == 1  # a repeat: nothing


def test_a_receiver_that_fails_twice_gets_it_on_the_third_attempt(private_ok, workspace):
    with Receiver(statuses=[500, 503]) as rcv, embedded_worker():
        hook_for(workspace, rcv)
        [did] = an_event(workspace)
        d = wait_for(lambda: (x := get_delivery(workspace, did)).status in ("done", "failed") and x)
    assert d.status == "done"
    assert [a.status_code for a in d.attempts] == [500, 503, 200]
    assert d.attempts[0].error == "HTTP 500: receiver says no" and d.attempts[2].error is None
    assert [r["status"] for r in rcv.received] == [500, 503, 200]
    assert all(r["verified"] for r in rcv.received)
    assert len({r["headers"]["X-CTABS-Delivery"] for r in rcv.received}) == 1  # one delivery id
    gaps = [b["at"] - a["at"] for a, b in zip(rcv.received, rcv.received[1:])]
    assert all(g >= 0.18 for g in gaps)  # RETRY_SCHEDULE_SECONDS apart


def test_a_receiver_that_never_accepts_fails_after_the_last_retry(private_ok, workspace):
    with Receiver(default=404) as rcv, embedded_worker():
        hook_for(workspace, rcv)
        [did] = an_event(workspace)
        d = wait_for(lambda: (x := get_delivery(workspace, did)).status in ("done", "failed") and x)
    assert d.status == "failed" and d.finished_at
    assert [a.status_code for a in d.attempts] == [404] * 4  # the first try + 3 retries
    assert len(rcv.received) == 4 and d.last_error.startswith("HTTP 404")


def test_a_private_address_is_refused_again_at_delivery_time(private_ok, settings_env, workspace, receiver):
    hook_for(workspace, receiver)  # registered while private addresses were allowed
    [did] = an_event(workspace)
    settings_env(ALLOW_PRIVATE_FETCH="false")
    sends = webhooks.deliver(str(did))
    assert receiver.received == []  # never connected
    d = get_delivery(workspace, did)
    assert d.status == "retrying" and sends == [("webhook", (str(did),), 0.2)]
    assert d.attempts[0].status_code is None and "loopback" in d.attempts[0].error


def test_a_redirect_is_not_followed(private_ok, workspace):
    with Receiver(statuses=[307]) as rcv:
        hook_for(workspace, rcv)
        [did] = an_event(workspace)
        webhooks.deliver(str(did))
    d = get_delivery(workspace, did)
    assert d.status == "retrying" and d.attempts[0].status_code == 307
    assert "HTTP 307" in d.attempts[0].error


def test_a_receiver_slower_than_the_deadline_is_a_failed_attempt(private_ok, settings_env, workspace):
    settings_env(FETCH_TIMEOUT_SECONDS="0.5")
    with Receiver(delay=3) as rcv:
        hook_for(workspace, rcv)
        [did] = an_event(workspace)
        started = time.monotonic()
        webhooks.deliver(str(did))
        took = time.monotonic() - started
    assert took < 2.0
    d = get_delivery(workspace, did)
    assert d.status == "retrying" and d.attempts[0].error == "no answer within 0.5 s"


def test_a_retry_is_not_attempted_before_it_is_due(private_ok, settings_env, workspace):
    settings_env(RETRY_SCHEDULE_SECONDS="30")
    with Receiver(statuses=[500]) as rcv:
        hook_for(workspace, rcv)
        [did] = an_event(workspace)
        assert webhooks.deliver(str(did)) == [("webhook", (str(did),), 30.0)]
        assert webhooks.deliver(str(did)) == []  # an early (duplicate) message
        assert len(rcv.received) == 1
        with unit_of_work() as s:
            s.execute(sa.update(WebhookDelivery).where(WebhookDelivery.id == did)
                      .values(next_attempt_at=utcnow()))
        webhooks.deliver(str(did))
    assert get_delivery(workspace, did).status == "done" and len(rcv.received) == 2


# --- the reconciler -----------------------------------------------------------------------


def test_the_reconciler_resends_lost_messages_and_frees_dead_workers_deliveries(private_ok, workspace, sent):
    hook = register_webhook(workspace, "http://127.0.0.1:9/a")
    lost, retry, dead, fresh = (an_event(workspace)[0] for _ in range(4))
    long_ago = utcnow() - dt.timedelta(minutes=10)
    with unit_of_work() as s:
        D = WebhookDelivery
        s.execute(sa.update(D).where(D.id == lost).values(next_attempt_at=long_ago))
        s.execute(sa.update(D).where(D.id == retry).values(status="retrying", next_attempt_at=long_ago))
        s.execute(sa.update(D).where(D.id == dead).values(status="delivering", lease_owner="gone",
                                                           lease_expires_at=long_ago))
    calls = []
    out = reconcile_deliveries(send=lambda kind, args, delay: calls.append((kind, args)))
    mine = {a[0] for k, a in calls if k == "webhook"} & {str(lost), str(retry), str(dead), str(fresh)}
    assert mine == {str(lost), str(retry), str(dead)}  # not the fresh one
    assert {a[0] for _, a, _ in out} >= mine
    assert get_delivery(workspace, dead).status == "pending"
    assert get_delivery(workspace, retry).status == "retrying"
    calls.clear()
    reconcile_deliveries(send=lambda kind, args, delay: calls.append((kind, args)))
    assert not {a[0] for _, a in calls} & mine  # recorded: not sent again within the grace

    # a broker that is down: nothing is recorded, so the next pass tries again at once
    with unit_of_work() as s:
        s.execute(sa.update(WebhookDelivery).where(WebhookDelivery.id == lost)
                  .values(next_attempt_at=long_ago))

    def down(kind, args, delay):
        raise ConnectionError("broker down")

    reconcile_deliveries(send=down)
    calls.clear()
    reconcile_deliveries(send=lambda kind, args, delay: calls.append((kind, args)))
    assert ("webhook", (str(lost),)) in calls

    # a webhook disabled while its event was being committed: the delivery fails
    with unit_of_work() as s:
        s.execute(sa.update(WebhookDelivery).where(WebhookDelivery.id == fresh)
                  .values(status="pending"))
        from db.models import Webhook
        s.execute(sa.update(Webhook).where(Webhook.id == hook.id).values(disabled_at=utcnow()))
    reconcile_deliveries(send=lambda *a: None)
    assert get_delivery(workspace, fresh).status == "failed"


# --- end to end ---------------------------------------------------------------------------


@pytest.fixture
def pipeline(db, settings_env):
    settings_env(ALLOW_PRIVATE_FETCH="true", RETRY_SCHEDULE_SECONDS="0.2,0.2,0.2",
                 GENERATION_RATE_LIMIT="0/m", LEASE_SECONDS="6", FETCH_TIMEOUT_SECONDS="3")
    with embedded_worker():
        fake = FakeStages().install()
        yield fake
        fake.block.set()


def received_event(rcv: Receiver, event: str, subject) -> dict:
    for r in rcv.received:
        body = json.loads(r["body"])
        if body["event"] == event and body["data"]["id"] == str(subject) and r["status"] < 300:
            return {**r, "json": body}
    return {}


def test_a_finished_batch_is_posted_signed(pipeline, workspace):
    with Receiver(statuses=[502]) as rcv:
        hook_for(workspace, rcv)
        info = create_batch(workspace, "alice", [{"url": u, "batch_size": 2} for u in urls(2)])
        got = wait_for(lambda: received_event(rcv, "batch.finished", info.id))
    assert got["verified"] and got["headers"]["X-CTABS-Event"] == "batch.finished"
    data = got["json"]["data"]
    batch = get_batch(workspace, info.id).batch
    assert data["status"] == "done" == batch.status and data["name"] == batch.name
    assert data["progress"] == batch.progress.as_dict()
    assert data["progress"]["done"] == 4 and data["total_count"] == 4 and data["success_count"] == 4
    assert data["failed_count"] == 0 and data["finished_at"] == batch.finished_at.isoformat()
    assert [s["url"] for s in data["sources"]] == [s["url"] for s in batch.sources]
    [d] = list_deliveries(workspace)
    assert d.status == "done" and [a.status_code for a in d.attempts] == [502, 200]
    assert d.subject_id == info.id


def test_a_failed_batch_is_posted_and_a_cancelled_one_is_not(pipeline, workspace):
    with Receiver() as rcv:
        hook_for(workspace, rcv)
        pipeline.generation_errors = [PERMANENT() for _ in range(2)]
        failed = create_batch(workspace, "alice", [{"url": urls(1)[0], "batch_size": 2}])
        got = wait_for(lambda: received_event(rcv, "batch.finished", failed.id))
        assert got["json"]["data"]["status"] == "failed"
        assert got["json"]["data"]["failed_count"] == 2
        assert got["json"]["data"]["error_message"] == "All 2 previews failed"
        pipeline.block.clear()
        stopped = create_batch(workspace, "alice", [{"url": urls(1)[0], "batch_size": 1}])
        pipeline.started.wait(10)
        cancel_batch(workspace, stopped.id)
        pipeline.block.set()
        time.sleep(1.0)
    assert not received_event(rcv, "batch.finished", stopped.id)
    assert {d.subject_id for d in list_deliveries(workspace)} == {failed.id}


def test_a_finished_media_job_is_posted_signed(db, settings_env, workspace):
    settings_env(ALLOW_PRIVATE_FETCH="true", RETRY_SCHEDULE_SECONDS="0.2,0.2,0.2",
                 GENERATION_RATE_LIMIT="0/m", LEASE_SECONDS="6")
    with Receiver() as rcv, embedded_worker():
        hook_for(workspace, rcv)
        job = submit_job(workspace, "alice", "image", {"prompt": "A lighthouse at dawn",
                                                       "number_of_outputs": 1})
        got = wait_for(lambda: received_event(rcv, "media_job.finished", job.id), timeout=60)
    assert got["verified"]
    data = got["json"]["data"]
    done = get_job(workspace, job.id)
    assert data["status"] == "done" == done.status and data["kind"] == "image"
    assert data["prompt"] == "A lighthouse at dawn"
    assert [r["url"] for r in data["results"]] == [r.url for r in done.results]
    assert data["finished_at"] == done.finished_at.isoformat()


# --- production: worker processes on Redis + PostgreSQL -----------------------------------


def test_production_workers_deliver_a_finished_batchs_webhook(production, workspace, settings_env):
    settings_env(ALLOW_PRIVATE_FETCH="true")
    production(1, ALLOW_PRIVATE_FETCH="true", GENERATION_RATE_LIMIT="0/m",
               RETRY_SCHEDULE_SECONDS="0.5,0.5,0.5")
    with Receiver(statuses=[500]) as rcv:
        hook_for(workspace, rcv)
        info = create_batch(workspace, "alice",
                            [{"url": f"https://shop.example.com/{workspace}/w", "batch_size": 2}])
        got = wait_for(lambda: received_event(rcv, "batch.finished", info.id), timeout=60)
    assert got["verified"] and got["json"]["data"]["status"] == "done"
    [d] = list_deliveries(workspace)
    assert d.status == "done" and [a.status_code for a in d.attempts] == [500, 200]

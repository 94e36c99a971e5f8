"""Webhooks: a workspace's URLs told, by a signed POST from the workers, when work finishes.

Services (workspace-scoped, plain views, ``NotFoundError`` for another workspace's ids):
:func:`register_webhook`, :func:`list_webhooks`, :func:`get_webhook`,
:func:`disable_webhook`, :func:`delete_webhook`, :func:`list_deliveries`,
:func:`get_delivery`. Inside the pipeline: :func:`enqueue_event` (one ``pending`` delivery
per enabled webhook, in the caller's transaction), :func:`batch_finished`,
:func:`media_job_finished`; on the workers: :func:`deliver` and
:func:`reconcile_deliveries`.

Events
    ``batch.finished`` — a batch moved to ``done`` or ``failed`` (every preview terminal).
    ``media_job.finished`` — an image/video job moved to ``done``, or to ``failed`` for good
    (after its last retry, or a permanent error). Cancelling sends no event: a batch or job
    ends as ``cancelled`` only by a user's own request, answered on the spot. A batch that a
    user retries and that finishes again sends a new event.

Body (JSON, UTF-8, keys sorted)::

    {"id": "<event id, shared by every webhook told of this event>",
     "event": "batch.finished", "created_at": "<ISO 8601 UTC>", "workspace": "<workspace>",
     "data": {...}}

Headers: ``X-CTABS-Event`` (the event), ``X-CTABS-Delivery`` (this delivery's id: the same on
every attempt — receivers use it to ignore a repeat), ``X-CTABS-Timestamp`` (Unix seconds of
this attempt) and ``X-CTABS-Signature: sha256=<hex>``, the HMAC-SHA256 with the webhook's
secret of ``<timestamp>.<body>`` (the timestamp header's value, a dot, the raw body bytes).
A receiver recomputes it over the raw body, compares in constant time and refuses stale
timestamps (:func:`verify` does exactly that).

Delivery: at least once. A delivery is claimed with a lease (``pending``, or ``retrying``
and due → ``delivering``), POSTed without following redirects under one total deadline
(``FETCH_TIMEOUT_SECONDS``) with the product pages' SSRF rules applied again at send time
(the name resolved once, every address public unless ``ALLOW_PRIVATE_FETCH``, the
connection pinned to it); a 2xx answer → ``done``; anything else (another status, a
refused address, a time-out, a broken connection) → ``retrying`` after
``RETRY_SCHEDULE_SECONDS[n]``, and after the last → ``failed``. Every attempt is appended
to ``attempts`` as ``{at, status_code, error, ms}``. The wake-up message is sent after the
commit that created the delivery; the reconciler re-sends overdue ones and frees the
deliveries of a worker that died mid-attempt (such an attempt is not recorded and may have
reached the receiver: hence the delivery id header).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets as secrets_mod
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import sqlalchemy as sa

from core.dispatch import dispatch
from core.errors import ConflictError, NotFoundError, ValidationError
from core.scope import as_uuid, check_scope
from core.settings import get_settings
from core.urls import url_problem
from core.views import Progress
from db.base import utcnow
from db.engine import unit_of_work
from db.models import Webhook, WebhookDelivery
from db.repositories import batches as batch_repo
from db.repositories import webhooks as repo

log = logging.getLogger(__name__)

Sends = list[tuple[str, tuple, float]]

BATCH_FINISHED = "batch.finished"
MEDIA_JOB_FINISHED = "media_job.finished"
EVENTS = (BATCH_FINISHED, MEDIA_JOB_FINISHED)

SIGNATURE_HEADER = "X-CTABS-Signature"
EVENT_HEADER = "X-CTABS-Event"
DELIVERY_HEADER = "X-CTABS-Delivery"
TIMESTAMP_HEADER = "X-CTABS-Timestamp"
USER_AGENT = "CTABS-Webhooks/1"
SECRET_PREFIX = "whsec_"
SIGNATURE_TOLERANCE_SECONDS = 300  # what verify() accepts as the timestamp's age by default

MAX_WEBHOOKS = 10  # enabled webhooks per workspace: each event is one POST per webhook
MAX_DESCRIPTION = 120
ERROR_BODY_CHARS = 200  # how much of a refusing receiver's answer an attempt keeps
STATUSES = ("pending", "delivering", "retrying", "done", "failed")


# --- views --------------------------------------------------------------------------------


@dataclass(frozen=True)
class WebhookView:
    """A webhook as callers see it. ``secret`` is set only in :func:`register_webhook`'s
    answer (shown once); afterwards only ``secret_hint`` (its first characters)."""

    id: uuid.UUID
    workspace: str
    url: str
    description: str
    created_at: dt.datetime
    disabled_at: dt.datetime | None
    secret_hint: str
    secret: str | None = None

    @property
    def active(self) -> bool:
        return self.disabled_at is None


@dataclass(frozen=True)
class DeliveryAttempt:
    """One POST: when, the receiver's status code (None when no answer), why it failed
    (None on a 2xx) and how long it took."""

    at: dt.datetime
    status_code: int | None
    error: str | None
    ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class DeliveryView:
    id: uuid.UUID
    webhook_id: uuid.UUID
    workspace: str
    event: str
    subject_id: uuid.UUID
    payload: dict
    status: str  # pending | delivering | retrying | done | failed
    attempts: list[DeliveryAttempt] = field(default_factory=list)
    next_attempt_at: dt.datetime | None = None  # retrying: when the next attempt is due
    created_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None

    @property
    def last_error(self) -> str | None:
        if self.attempts and not self.attempts[-1].ok:
            return self.attempts[-1].error
        if self.status == "failed" and not self.attempts:
            return "the webhook was disabled before this event could be delivered"
        return None


def _hint(secret: str) -> str:
    return secret[: len(SECRET_PREFIX) + 4] + "…"


def _webhook_view(hook: Webhook, secret: str | None = None) -> WebhookView:
    return WebhookView(id=hook.id, workspace=hook.workspace, url=hook.url,
                       description=hook.description or "", created_at=hook.created_at,
                       disabled_at=hook.disabled_at, secret_hint=_hint(hook.secret), secret=secret)


def _parse_at(value: object) -> dt.datetime:
    try:
        at = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return dt.datetime.fromtimestamp(0, dt.timezone.utc)
    return at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)


def _delivery_view(d: WebhookDelivery) -> DeliveryView:
    attempts = [DeliveryAttempt(at=_parse_at(a.get("at")), status_code=a.get("status_code"),
                                error=a.get("error"), ms=int(a.get("ms") or 0))
                for a in (d.attempts or []) if isinstance(a, dict)]
    return DeliveryView(
        id=d.id, webhook_id=d.webhook_id, workspace=d.workspace, event=d.event,
        subject_id=d.subject_id, payload=dict(d.payload or {}), status=d.status,
        attempts=attempts, next_attempt_at=d.next_attempt_at if d.status == "retrying" else None,
        created_at=d.created_at, finished_at=d.finished_at)


# --- services -----------------------------------------------------------------------------




def check_url(url: object) -> str:
    """The webhook URL, stripped, if it passes the product pages' SSRF rules; else
    ``ValidationError`` saying why. Unless ALLOW_PRIVATE_FETCH, the host name must resolve,
    and only to public addresses (it is resolved again at every delivery)."""
    allow_private = get_settings().allow_private_fetch
    problem = url_problem(url, allow_private=allow_private)
    if problem:
        raise ValidationError(f"Webhook URL refused: {problem}")
    url = str(url).strip()
    if not allow_private:
        from core import fetch
        from core.errors import ScrapeError

        try:
            fetch._pinned(url, False)
        except ScrapeError as exc:
            raise ValidationError(f"Webhook URL refused: {exc.message}") from None
    return url


def _target(url: str) -> tuple:
    """Where a webhook URL posts, as two spellings of one address compare equal: scheme and host
    in any case, the default port written or not, no path or "/", a #fragment (never sent)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    port = port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").rstrip(".").lower(), port, parts.path or "/", parts.query


def register_webhook(workspace: str, url: str, description: str = "") -> WebhookView:
    """Store a webhook for ``workspace``; the answer carries its secret (``whsec_…``), the
    only time it is shown."""
    check_scope(workspace)
    clean = check_url(url)
    if description is None:
        description = ""
    if not isinstance(description, str):
        raise ValidationError("The description must be text")
    description = description.strip()
    if len(description) > MAX_DESCRIPTION:
        raise ValidationError(f"The description is longer than {MAX_DESCRIPTION} characters")
    secret = SECRET_PREFIX + secrets_mod.token_urlsafe(32)
    with unit_of_work() as session:
        # one registration at a time per workspace: two at once both saw no duplicate (a walk-
        # through's double click and four parallel POSTs made two webhooks of one URL)
        batch_repo.lock_submission(session, f"webhooks:{workspace}")
        target = _target(clean)
        if (same := next((h for h in repo.active(session, workspace) if _target(h.url) == target),
                         None)) is not None:
            # each copy got every event under its own delivery id: a receiver could not drop the
            # repeats (a walk-through registered one URL three times)
            named = f" (“{same.description}”)" if same.description else ""
            raise ConflictError(f"This URL already receives this workspace's events: webhook "
                                f"{same.id}{named}. One is enough; disable or delete it to register "
                                "the URL again", webhook_id=same.id)
        if repo.count_active(session, workspace) >= MAX_WEBHOOKS:
            raise ValidationError(f"This workspace already has {MAX_WEBHOOKS} webhooks: disable "
                                  "or delete one first")
        hook = repo.add_webhook(session, id=uuid.uuid4(), workspace=workspace, url=clean,
                                secret=secret, description=description, created_at=utcnow())
        view = _webhook_view(hook, secret=secret)
    log.info("webhook.registered", extra={"webhook_id": str(view.id), "workspace": workspace})
    return view


def list_webhooks(workspace: str) -> list[WebhookView]:
    """The workspace's webhooks, newest first (secrets never included)."""
    check_scope(workspace)
    with unit_of_work() as session:
        return [_webhook_view(h) for h in repo.webhooks_of(session, workspace)]


def get_webhook(workspace: str, webhook_id: object) -> WebhookView:
    check_scope(workspace)
    wid = as_uuid(webhook_id, "Webhook")
    with unit_of_work() as session:
        hook = repo.get_webhook(session, workspace, wid)
        if hook is None:
            raise NotFoundError(f"Webhook {wid} was not found", webhook_id=wid)
        return _webhook_view(hook)


def disable_webhook(workspace: str, webhook_id: object) -> WebhookView:
    """Stop telling this webhook: no new deliveries; waiting ones fail (one already being
    POSTed finishes). Disabling a disabled webhook changes nothing."""
    check_scope(workspace)
    wid = as_uuid(webhook_id, "Webhook")
    now = utcnow()
    with unit_of_work() as session:
        if repo.disable(session, workspace, wid, now) == 1:
            repo.close_open_deliveries(session, workspace, wid, now)
        hook = repo.get_webhook(session, workspace, wid)
        if hook is None:
            raise NotFoundError(f"Webhook {wid} was not found", webhook_id=wid)
        session.refresh(hook)
        view = _webhook_view(hook)
    log.info("webhook.disabled", extra={"webhook_id": str(wid), "workspace": workspace})
    return view


def delete_webhook(workspace: str, webhook_id: object) -> None:
    """Delete a webhook and its delivery history."""
    check_scope(workspace)
    wid = as_uuid(webhook_id, "Webhook")
    with unit_of_work() as session:
        if repo.delete(session, workspace, wid) != 1:
            raise NotFoundError(f"Webhook {wid} was not found", webhook_id=wid)
    log.info("webhook.deleted", extra={"webhook_id": str(wid), "workspace": workspace})


def list_deliveries(workspace: str, webhook_id: object | None = None,
                    limit: int = 50) -> list[DeliveryView]:
    """The workspace's deliveries (of one webhook when given), newest first, each with every
    attempt."""
    check_scope(workspace)
    limit = max(1, min(int(limit), 500))
    with unit_of_work() as session:
        wid = None
        if webhook_id is not None:
            wid = as_uuid(webhook_id, "Webhook")
            if repo.get_webhook(session, workspace, wid) is None:
                raise NotFoundError(f"Webhook {wid} was not found", webhook_id=wid)
        return [_delivery_view(d) for d in repo.deliveries_of(session, workspace, wid, limit)]


def get_delivery(workspace: str, delivery_id: object) -> DeliveryView:
    check_scope(workspace)
    did = as_uuid(delivery_id, "Delivery")
    with unit_of_work() as session:
        d = repo.get_delivery(session, workspace, did)
        if d is None:
            raise NotFoundError(f"Delivery {did} was not found", delivery_id=did)
        return _delivery_view(d)


# --- signing ------------------------------------------------------------------------------


def sign(secret: str, body: bytes) -> str:
    """HMAC-SHA256 of ``body`` with ``secret``, hex."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signed_content(timestamp: int | str, body: bytes) -> bytes:
    """What the signature covers: ``<timestamp>.<body>``."""
    return f"{timestamp}.".encode("ascii") + body


def signature_headers(secret: str, body: bytes, *, event: str, delivery_id: object,
                      timestamp: int | None = None) -> dict[str, str]:
    """Every header of one attempt (content type and user agent included)."""
    ts = int(time.time()) if timestamp is None else int(timestamp)
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: event,
        DELIVERY_HEADER: str(delivery_id),
        TIMESTAMP_HEADER: str(ts),
        SIGNATURE_HEADER: "sha256=" + sign(secret, signed_content(ts, body)),
    }


def verify(secret: str, body: bytes, headers: Mapping[str, str], *,
           tolerance_seconds: float = SIGNATURE_TOLERANCE_SECONDS, now: float | None = None) -> bool:
    """A receiver's check: the signature matches the raw ``body`` and the timestamp is
    recent. ``headers`` may use any letter case."""
    low = {k.lower(): v for k, v in headers.items()}
    ts, given = low.get(TIMESTAMP_HEADER.lower(), ""), low.get(SIGNATURE_HEADER.lower(), "")
    if not ts.isdigit() or not given.startswith("sha256="):
        return False
    if abs((time.time() if now is None else now) - int(ts)) > tolerance_seconds:
        return False
    return hmac.compare_digest(given.removeprefix("sha256="), sign(secret, signed_content(ts, body)))


def encode(payload: dict) -> bytes:
    """The body of a delivery: the stored event as compact JSON with sorted keys (the same
    bytes on every attempt, whatever order the database returns the keys in)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode("utf-8")


# --- events (inside the transaction that finished the work) ------------------------------

_WAKE = "ctabs.webhook_wakeups"


def enqueue_event(session, workspace: str, event: str, subject_id: object,
                  payload: dict) -> list[uuid.UUID]:
    """One ``pending`` delivery per enabled webhook of ``workspace``, in ``session``'s
    transaction; their wake-up messages are sent once it commits (nothing if it rolls
    back). ``payload`` becomes the body's ``data``. Returns the delivery ids."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    hooks = repo.active_ids(session, workspace)
    if not hooks:
        return []
    now = utcnow()
    body = {"id": str(uuid.uuid4()), "event": event, "created_at": now.isoformat(),
            "workspace": workspace, "data": json.loads(encode(payload))}
    rows = [dict(id=uuid.uuid4(), webhook_id=wid, workspace=workspace, event=event,
                 subject_id=as_uuid(subject_id, "Subject"), payload=body, status="pending",
                 attempts=[], next_attempt_at=now, created_at=now) for wid in hooks]
    repo.add_deliveries(session, rows)
    ids = [r["id"] for r in rows]
    _wake_after_commit(session, ids)
    log.info("webhook.event", extra={"event": event, "subject_id": str(subject_id),
                                     "deliveries": len(ids)})
    return ids


def _wake_after_commit(session, ids: list[uuid.UUID]) -> None:
    if _WAKE not in session.info:
        session.info[_WAKE] = []
        sa.event.listen(session, "after_commit", _send_wakeups)
        sa.event.listen(session, "after_rollback", _drop_wakeups)
    session.info[_WAKE].extend(ids)


def _send_wakeups(session) -> None:
    ids, session.info[_WAKE] = session.info.get(_WAKE) or [], []
    for did in ids:  # a failed send is logged by dispatch; the reconciler sends it later
        dispatch("webhook", str(did))


def _drop_wakeups(session) -> None:
    session.info[_WAKE] = []


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def batch_finished(session, batch_id: uuid.UUID) -> list[uuid.UUID]:
    """``batch.finished`` for a batch just closed in ``session``'s transaction."""
    row = repo.batch_summary(session, batch_id)
    if row is None or not repo.active_ids(session, row.workspace):
        return []
    progress = Progress.from_counts(batch_repo.status_counts(session, batch_id))
    data = {
        "id": str(row.id), "name": row.name, "status": row.status,
        "error_message": row.error_message, "sources": list(row.sources or []),
        "created_at": _iso(row.created_at), "started_at": _iso(row.started_at),
        "finished_at": _iso(row.finished_at), "progress": progress.as_dict(),
        "success_count": progress.done, "failed_count": progress.failed,
        "total_count": progress.total,
    }
    return enqueue_event(session, row.workspace, BATCH_FINISHED, row.id, data)


def media_job_finished(session, job_id: uuid.UUID) -> list[uuid.UUID]:
    """``media_job.finished`` for a job just done or failed for good in ``session``'s
    transaction."""
    row = repo.job_summary(session, job_id)
    if row is None or not repo.active_ids(session, row.workspace):
        return []
    params = dict(row.params or {})
    data = {
        "id": str(row.id), "kind": row.kind, "status": row.status,
        "prompt": params.get("prompt", ""), "params": params, "generator": row.generator,
        "results": [{k: r.get(k) for k in ("url", "content_type", "format", "size", "width",
                                           "height", "duration_seconds")}
                    for r in (row.results or [])],
        "error_message": row.error_message, "retry_count": row.retry_count or 0,
        "created_at": _iso(row.created_at), "started_at": _iso(row.started_at),
        "finished_at": _iso(row.finished_at),
    }
    return enqueue_event(session, row.workspace, MEDIA_JOB_FINISHED, row.id, data)


# --- delivery (workers) -------------------------------------------------------------------


def deliver(delivery_id: str, *, owner: str | None = None) -> Sends:
    """One attempt at one delivery. Returns the messages to send (the delayed retry)."""
    from core.pipeline.lease import worker_id

    try:
        did = uuid.UUID(str(delivery_id))
    except ValueError:
        return []
    settings = get_settings()
    owner = owner or worker_id()
    now = utcnow()
    lease_until = now + dt.timedelta(seconds=settings.fetch_timeout_seconds + settings.lease_seconds)
    with unit_of_work() as session:
        if repo.claim(session, did, owner, now, lease_until) != 1:
            return []  # done, failed, not due yet, held by another worker or webhook disabled
        payload, attempts, event, url, secret = repo.claimed(session, did)
    body = encode(payload)
    at = utcnow()
    started = time.monotonic()
    status_code, error = post(url, body, signature_headers(secret, body, event=event,
                                                           delivery_id=did))
    attempt = {"at": at.isoformat(), "status_code": status_code, "error": error,
               "ms": int((time.monotonic() - started) * 1000)}
    history = list(attempts or []) + [attempt]
    now = utcnow()
    sends: Sends = []
    if error is None:
        values = dict(status="done", finished_at=now, next_attempt_at=None)
    else:
        schedule = settings.retry_schedule_seconds
        retries_done = len(history) - 1  # every earlier attempt failed
        if retries_done < len(schedule):
            delay = schedule[retries_done]
            values = dict(status="retrying", next_attempt_at=now + dt.timedelta(seconds=delay))
            sends.append(("webhook", (str(did),), delay))
        else:
            values = dict(status="failed", finished_at=now, next_attempt_at=None)
    with unit_of_work() as session:
        won = repo.finish(session, did, owner, dict(values, attempts=history)) == 1
    if not won:  # the lease expired and the reconciler handed it on: its attempt counts
        log.warning("webhook.attempt_lost", extra={"delivery_id": str(did)})
        return []
    log.info(f"webhook.{values['status']}", extra={
        "delivery_id": str(did), "status_code": status_code, "error": error,
        "attempt": len(history)})
    return sends


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str | None]:
    """POST ``body`` to ``url`` under one total deadline with the fetcher's SSRF rules
    (resolved once, public addresses only unless ALLOW_PRIVATE_FETCH, connection pinned,
    redirects not followed). Returns (status code or None, error or None for a 2xx)."""
    import httpx

    from core import fetch
    from core.errors import ScrapeError

    timeout = get_settings().fetch_timeout_seconds
    watch = fetch._Watchdog(time.monotonic() + timeout, None, "webhook")
    try:
        try:
            pinned, host_header, host = fetch._pinned(url, fetch._allow_private(None), watch)
            watch.check()
            remaining = watch.deadline - time.monotonic()
            if remaining <= 0:
                return None, f"no answer within {timeout:g} s"
            with fetch.http_client().stream(
                "POST", pinned, content=body, headers={**headers, "Host": host_header},
                extensions={"sni_hostname": host, "trace": watch.trace},
                timeout=httpx.Timeout(remaining),
            ) as resp:
                watch.check()
                if 200 <= resp.status_code < 300:
                    return resp.status_code, None
                return resp.status_code, _refusal(resp, watch)
        except ScrapeError as exc:
            if watch.reason == "timeout":
                return None, f"no answer within {timeout:g} s"
            return None, exc.message
        except httpx.TimeoutException:
            return None, f"no answer within {timeout:g} s"
        except httpx.HTTPError as exc:
            if watch.reason == "timeout":
                return None, f"no answer within {timeout:g} s"
            return None, f"connection failed ({exc.__class__.__name__})"
        finally:
            watch.release()
    finally:
        watch.finish()


def _refusal(resp, watch) -> str:
    """``HTTP 500: <the start of the answer>`` (a refusing receiver often says why)."""
    text = ""
    try:
        head = bytearray()
        for chunk in resp.iter_bytes():
            head.extend(chunk)
            if len(head) >= 1024 or time.monotonic() > watch.deadline:
                break
        text = head.decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - the status code is what counts
        text = ""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    where = f" (redirect to {resp.headers.get('location', '')[:200]}; not followed)" \
        if 300 <= resp.status_code < 400 else ""
    return f"HTTP {resp.status_code}{where}" + (f": {text[:ERROR_BODY_CHARS]}" if text else "")


# --- the reconciler -----------------------------------------------------------------------


def reconcile_deliveries(send: Callable[[str, tuple, float], None] | None = None,
                         grace_seconds: float | None = None, limit: int = 500) -> Sends:
    """Deliveries whose worker died mid-attempt wait again; waiting deliveries whose message
    is overdue by RECONCILE_GRACE_SECONDS are sent again (recorded only once sent, as the
    pipelines' reconciler does); those of webhooks disabled meanwhile fail."""
    from core.pipeline.lease import send_and_record

    if grace_seconds is None:
        grace_seconds = get_settings().reconcile_grace_seconds
    now = utcnow()
    before = now - dt.timedelta(seconds=grace_seconds)
    out: Sends = []
    with unit_of_work() as session:
        repo.close_disabled(session, now, limit)
        expired = repo.expired(session, now, limit)
    for did in expired:  # back to pending with no send recorded: found as overdue below
        with unit_of_work() as session:
            repo.release_expired(session, did, now)
    with unit_of_work() as session:
        late = repo.overdue(session, before, limit)
    for did in late:
        def record(did=did) -> int:
            with unit_of_work() as session:
                return repo.touch_sent(session, did, now, before)

        if send is None:
            if record() == 1:
                out.append(("webhook", (str(did),), 0.0))
        elif send_and_record(send, "webhook", (str(did),), record):
            out.append(("webhook", (str(did),), 0.0))
    if out or expired:
        log.info("reconcile.webhooks_resent", extra={"count": len(out), "expired": len(expired)})
    return out

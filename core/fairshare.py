"""The waiting line as the database sees it: fair picks, positions, ETAs, quotas, backoff.

The database is the truth: the line is every queued preview and pending media job (and
retries that are due), read afresh each time — a restart or a lost message loses no place.
:mod:`core.fairqueue` orders it (pure); this module feeds it from the database and the
provider backoff (:mod:`core.provider_backoff`), and answers three questions:

- ``snapshot().pick()`` — which item takes the slot a worker was just granted
  (:class:`actors.ratelimit.GenerationRateLimit`);
- ``queue_view()`` — each waiting item's place and ETA ("#14 in line · about 40 s"), the
  line per workspace (Home), the effective rate;
- ``estimate_new(workspace, n)`` — how long n new previews would take from the current line
  (New batch).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from core.fairqueue import Waiting, eta_text, fair_order, next_starts, parse_quotas, quota_block
from core.settings import get_settings

ACTOR_KIND = {"generate_preview": "preview", "generate_media_job": "job"}
HORIZON_SECONDS = 60.0  # how far back starts count as "used" (at least one rate window)


def item_key(kind: str, item_id) -> str:
    return f"{kind}:{item_id}"


def fmt_time_utc(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%H:%M:%S UTC")


def _ts(value: dt.datetime | None) -> float:
    return value.timestamp() if value is not None else 0.0


def _models(settings) -> dict[str, tuple[str, ...]]:
    """Which provider models an item of each kind calls (none offline: never throttled)."""
    if not settings.use_gemini:
        return {"preview": (), "image": (), "video": ()}
    return {"preview": (settings.gemini_text_model, settings.gemini_image_model),
            "image": (settings.gemini_image_model,), "video": (settings.gemini_video_model,)}


@dataclass
class Snapshot:
    now: float
    waiting: list[Waiting]
    models: dict[str, tuple[str, ...]]  # item key -> provider models it will call
    starts: list[tuple[float, str, str]]  # recent starts (time, workspace, group), one horizon
    quota_starts: dict[str, list[float]]  # workspace -> starts inside its longest quota window
    backoff: dict  # model -> ModelState
    limit: int
    window: float
    fifo: bool = False
    quota_blocked: dict[str, tuple[float, str]] = field(default_factory=dict)
    reading: dict[str, int] = field(default_factory=dict)  # workspace -> previews whose page is not read yet

    def __post_init__(self) -> None:
        self.quotas = parse_quotas(get_settings().workspace_quotas)
        self._quota_check()

    def _quota_check(self) -> None:
        self.quota_blocked = {}
        if self.quotas:
            for ws in {w.workspace for w in self.waiting}:
                block = quota_block(self.quotas, ws, self.quota_starts.get(ws, []), self.now)
                if block:
                    self.quota_blocked[ws] = block

    def over_quota_with(self, held: set[str], workspace: str) -> bool:
        """Would ``workspace`` be over a quota counting its ``held`` (picked, not yet
        started) items as starts? (Concurrent picks must not overshoot a quota.)"""
        if not self.quotas:
            return False
        extra = [self.now] * sum(1 for w in self.waiting if w.workspace == workspace and w.key in held)
        starts = list(self.quota_starts.get(workspace, [])) + extra[:-1]  # the pick itself may start
        return quota_block(self.quotas, workspace, starts, self.now) is not None

    # --- who may start ----------------------------------------------------------------
    def blocked(self, w: Waiting) -> tuple[float, str] | None:
        """(until, why) when ``w`` cannot start now."""
        if w.workspace in self.quota_blocked:
            return self.quota_blocked[w.workspace]
        for m in self.models.get(w.key, ()):
            s = self.backoff.get(m)
            if s is not None and s.blocked(self.now):
                return s.blocked_until, f"Gemini asked to wait ({m} answered 429)"
        return None

    def eligible(self) -> list[Waiting]:
        return [w for w in self.waiting if self.blocked(w) is None]

    def factor(self, items: list[Waiting]) -> float:
        """The lowest backoff factor of the models these items call (1 = full rate)."""
        f = 1.0
        for w in items:
            for m in self.models.get(w.key, ()):
                s = self.backoff.get(m)
                if s is not None:
                    f = min(f, s.factor)
        return f

    def served(self) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
        sw: dict[str, int] = defaultdict(int)
        sg: dict[tuple[str, str], int] = defaultdict(int)
        horizon = max(self.window, HORIZON_SECONDS)
        for t, ws, g in self.starts:
            if t > self.now - horizon:
                sw[ws] += 1
                sg[(ws, g)] += 1
        return sw, sg

    def order(self, items: list[Waiting] | None = None) -> list[Waiting]:
        sw, sg = self.served()
        return fair_order(self.eligible() if items is None else items, sw, sg, fifo=self.fifo)

    def next_unblock(self) -> float | None:
        times = [b[0] for w in self.waiting if (b := self.blocked(w)) is not None]
        return min(times) if times else None

    def has(self, key: str) -> bool:
        return any(w.key == key for w in self.waiting)


def snapshot(now: float | None = None) -> Snapshot:
    """The line, recent starts, quotas and provider backoff, read now."""
    from core import provider_backoff
    from db.engine import unit_of_work
    from db.models import GenerationJob as J
    from db.models import Preview as P

    s = get_settings()
    now = time.time() if now is None else now
    at = dt.datetime.fromtimestamp(now, dt.timezone.utc)
    due = at + dt.timedelta(seconds=1)
    window = float(s.generation_rate_limit.window_seconds)
    since = at - dt.timedelta(seconds=max(window, HORIZON_SECONDS))
    kinds = _models(s)
    quotas = parse_quotas(s.workspace_quotas)
    qwin = max((q.window_seconds for q in quotas), default=0)
    waiting: list[Waiting] = []
    models: dict[str, tuple[str, ...]] = {}
    starts: list[tuple[float, str, str]] = []
    quota_starts: dict[str, list[float]] = defaultdict(list)
    with unit_of_work() as session:
        for pid, ws, bid, created, variant in session.execute(
                sa.select(P.id, P.workspace, P.batch_id, P.created_at, P.variant_index).where(sa.or_(
                    P.status == "queued",
                    sa.and_(P.status == "retrying", P.next_retry_at <= due,
                            P.source_image_url.is_not(None))))):
            key = item_key("preview", pid)
            waiting.append(Waiting(key, ws, str(bid), _ts(created), variant or 0))
            models[key] = kinds["preview"]
        for jid, ws, kind, created in session.execute(
                sa.select(J.id, J.workspace, J.kind, J.created_at).where(sa.or_(
                    J.status == "pending", sa.and_(J.status == "retrying", J.next_retry_at <= due)))):
            key = item_key("job", jid)
            waiting.append(Waiting(key, ws, "media", _ts(created)))
            models[key] = kinds.get(kind, ())
        # previews whose product page is not read yet: not in line for a slot, but waiting too
        reading = dict(session.execute(sa.select(P.workspace, sa.func.count()).where(
            P.status == "pending").group_by(P.workspace)).all())
        oldest = min(since, at - dt.timedelta(seconds=qwin)) if qwin else since
        for t, ws, bid in session.execute(
                sa.select(P.started_at, P.workspace, P.batch_id).where(P.started_at > oldest)):
            _add_start(starts, quota_starts, _ts(t), ws, str(bid), now, max(window, HORIZON_SECONDS), qwin)
        for t, ws in session.execute(
                sa.select(J.started_at, J.workspace).where(J.started_at > oldest)):
            _add_start(starts, quota_starts, _ts(t), ws, "media", now, max(window, HORIZON_SECONDS), qwin)
    try:
        backoff = provider_backoff.states()
    except Exception:  # noqa: BLE001 - no backoff known: full rate (the limiter still holds)
        backoff = {}
    return Snapshot(now, waiting, models, starts, dict(quota_starts), backoff,
                    s.generation_rate_limit.limit, window, fifo=not s.fair_queue, reading=reading)


def _add_start(starts, quota_starts, t, ws, group, now, window, qwin) -> None:
    if t > now - window:
        starts.append((t, ws, group))
    if qwin and t > now - qwin:
        quota_starts[ws].append(t)


# --- positions and ETAs --------------------------------------------------------------------


@dataclass
class Place:
    key: str
    workspace: str
    position: int | None  # 1-based place in the whole line; None while blocked
    eta_seconds: float | None
    note: str  # "#14 in line · about 40 s", or why it waits

    @property
    def text(self) -> str:
        return self.note


@dataclass
class WorkspaceLine:
    workspace: str
    waiting: int = 0
    blocked: int = 0
    next_position: int | None = None
    drains_in_seconds: float | None = None
    note: str = ""


@dataclass
class QueueView:
    now: float
    places: dict[str, Place]
    workspaces: list[WorkspaceLine]
    limit: int
    effective_limit: int
    window: float
    backoff: dict
    starts_in_window: int
    reading: dict[str, int] = field(default_factory=dict)  # workspace -> previews whose page is not read yet
    hold: str | None = None  # why nothing can start now (production: Redis down, no worker)

    def place(self, kind: str, item_id) -> Place | None:
        return self.places.get(item_key(kind, item_id))

    @property
    def total(self) -> int:
        return len(self.places)


def _etas(snap: Snapshot, order: list[Waiting]) -> list[float]:
    from core.provider_backoff import effective_limit

    eff = effective_limit(snap.limit, snap.factor(order)) if snap.limit > 0 else 0
    return next_starts([t for t, _, _ in snap.starts], eff, snap.window, snap.now, len(order))


_HOLD_SECONDS = 10.0  # how long one answer of on_hold() serves (every live page asks every 2 s)
_hold: dict[str, tuple[float, str | None]] = {}


def on_hold() -> str | None:
    """Why nothing in line can start now, in production: Redis does not answer, or no worker
    process runs (a walk-through: "#1 in line · starting now" during a Redis outage); None
    when work goes on, or when the workers cannot be counted (no guess). One answer per
    process serves ``_HOLD_SECONDS``: a Redis that hangs costs its timeout once, not per page."""
    s = get_settings()
    if s.embedded:  # the in-process worker starts with the server
        return None
    now = time.monotonic()
    cached = _hold.get(s.redis_url or "")
    if cached and now - cached[0] < _HOLD_SECONDS:
        return cached[1]
    answer = _hold_now()
    _hold[s.redis_url or ""] = (time.monotonic(), answer)
    return answer


def _hold_now() -> str | None:
    from core import health

    try:
        health.redis_client().ping()
    except Exception:  # noqa: BLE001 - any failure to reach it is an outage to a user
        return "the queue's broker (Redis) does not answer; it starts once it is back"
    try:
        workers = len(health.live_workers())
    except Exception:  # noqa: BLE001
        return None
    return None if workers else "no worker process is running; it starts once one does"


def queue_view(snap: Snapshot | None = None) -> QueueView:
    """Every waiting item's place and ETA, and the line per workspace."""
    from core.provider_backoff import effective_limit
    snap = snap or snapshot()
    order = snap.order()
    etas = _etas(snap, order)
    places: dict[str, Place] = {}
    lines: dict[str, WorkspaceLine] = {}
    hold = on_hold() if snap.waiting or snap.reading else None  # (nothing waits: nothing to hold)
    for i, (w, t) in enumerate(zip(order, etas), start=1):
        eta = max(t - snap.now, 0.0)
        places[w.key] = (Place(w.key, w.workspace, i, None, f"#{i} in line · on hold: {hold}") if hold
                         else Place(w.key, w.workspace, i, eta, eta_text(i, eta)))
        line = lines.setdefault(w.workspace, WorkspaceLine(w.workspace))
        line.waiting += 1
        line.next_position = line.next_position or i
        line.drains_in_seconds = None if hold else eta
        if hold:
            line.note = f"on hold: {hold}"
    for w in snap.waiting:
        if w.key in places:
            continue
        until, why = snap.blocked(w) or (snap.now, "waiting")
        places[w.key] = Place(w.key, w.workspace, None, max(until - snap.now, 0.0),
                              f"Waiting: {why}; resumes {fmt_time_utc(until)}")
        line = lines.setdefault(w.workspace, WorkspaceLine(w.workspace))
        line.waiting += 1
        line.blocked += 1
        line.note = f"{why}; resumes {fmt_time_utc(until)}"
    return QueueView(snap.now, places, sorted(lines.values(), key=lambda x: x.workspace),
                     snap.limit, effective_limit(snap.limit, snap.factor(snap.waiting))
                     if snap.limit > 0 else 0, snap.window, snap.backoff,
                     sum(1 for t, _, _ in snap.starts if t > snap.now - snap.window), snap.reading, hold)


def estimate_new(workspace: str, count: int, snap: Snapshot | None = None) -> tuple[float, int]:
    """(seconds until the last of ``count`` new previews of ``workspace`` starts, how many
    items in the line would go before its first) — from the current line, not only the limit."""
    if count <= 0:
        return 0.0, 0
    snap = snap or snapshot()
    now = snap.now
    new = [Waiting(f"new:{i}", workspace, "__new__", now + 1e-6 * i) for i in range(count)]
    if workspace in snap.quota_blocked:
        until = snap.quota_blocked[workspace][0]
    else:
        until = now
    order = snap.order(snap.eligible() + new)
    etas = _etas(snap, order)
    last, ahead = now, None
    for i, (w, t) in enumerate(zip(order, etas)):
        if w.key.startswith("new:"):
            ahead = i if ahead is None else ahead
            last = t
    return max(last, until) - now, ahead or 0


# --- for pages: one view per process every couple of seconds, not one per card -------------

_cache: dict[str, object] = {}


def cached_view(max_age: float = 2.0) -> QueueView | None:
    """The latest :func:`queue_view`, at most ``max_age`` seconds old (None if it failed)."""
    import threading

    lock = _cache.setdefault("lock", threading.Lock())
    with lock:  # type: ignore[attr-defined]
        got = _cache.get("view")
        fresh = time.monotonic() - _cache.get("at", 0.0) < max_age  # type: ignore[operator]
        if got is not None and fresh and _cache.get("settings") is get_settings():
            return got  # type: ignore[return-value]
        try:
            view = queue_view()
        except Exception:  # noqa: BLE001 - a page never fails over an estimate
            import logging

            logging.getLogger(__name__).warning("fairshare.view_failed", exc_info=True)
            view = None
        _cache.update(view=view, at=time.monotonic(), settings=get_settings())
        return view


def place_text(kind: str, item_id) -> str:
    """'#14 in line · about 40 s' for a waiting preview/job ('' when it is not in line)."""
    view = cached_view()
    place = view.place(kind, item_id) if view else None
    return place.note if place else ""


def new_batch_text(workspace: str, count: int) -> str:
    """The New batch page's estimate from the current line (fair share included)."""
    from core.sources_csv import duration_text

    if count <= 0:
        return ""
    try:
        snap = snapshot()
        seconds, ahead = estimate_new(workspace, count, snap)
    except Exception:  # noqa: BLE001 - a page never fails over an estimate
        return ""
    queued = len(snap.waiting)
    line = f"{queued} item{'s' if queued != 1 else ''} in the queue now" if queued else "the queue is empty"
    return f" · from the current queue ({line}, {ahead} ahead of yours): {duration_text(seconds)}"

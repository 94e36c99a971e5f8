"""The usage ledger: every generation call, what it used, what it cost (an estimate).

One row per call to a generator's provider (``usage_events``): provider, model, tokens from
the reply's ``usageMetadata``, images and seconds of video made, latency and outcome
(``ok`` / ``rate_limited`` / ``error``). Gemini calls are recorded where they are made
(:func:`provider_call`); a generator that calls no provider (offline) is recorded once per
call by :func:`scope`, which the pipelines wrap around every generator call.

Which item a call belongs to travels in a context variable bound by the actor
(:func:`bind`) and copied into the generation pool threads (:class:`ContextPool`). Totals
per batch / workspace / day / model and their cost come from a price table (defaults
below, ``PRICE_TABLE`` overrides: inline JSON or a JSON file).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import contextvars
import csv
import datetime as dt
import io
import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

log = logging.getLogger(__name__)

_item: contextvars.ContextVar[dict | None] = contextvars.ContextVar("ctabs_usage_item", default=None)
_scope: contextvars.ContextVar[list | None] = contextvars.ContextVar("ctabs_usage_scope", default=None)

# USD, estimates from the public price list (2026-11); PRICE_TABLE overrides per model.
DEFAULT_PRICES: dict[str, dict[str, float]] = {
    "gemini-2.5-flash": {"input_per_million": 0.30, "output_per_million": 2.50},
    "gemini-2.5-flash-image": {"input_per_million": 0.30, "per_image": 0.039},
    "veo-3.0-generate-001": {"per_video_second": 0.40},
    "veo-3.0-fast-generate-001": {"per_video_second": 0.15},
}
PRICE_KEYS = ("input_per_million", "output_per_million", "per_image", "per_video_second", "per_call")


class ContextPool(cf.ThreadPoolExecutor):
    """A thread pool whose tasks see the submitter's context (the item being generated)."""

    def submit(self, fn, /, *args, **kwargs):
        ctx = contextvars.copy_context()
        return super().submit(ctx.run, fn, *args, **kwargs)


@contextlib.contextmanager
def bind(*, preview_id=None, job_id=None):
    """Calls made inside (and in ContextPool tasks submitted inside) belong to this item."""
    token = _item.set({"preview_id": str(preview_id) if preview_id else None,
                       "job_id": str(job_id) if job_id else None})
    try:
        yield
    finally:
        _item.reset(token)


def set_item(kind: str, item_id) -> None:
    """Bind the rest of this thread's context to one item (``preview`` or ``job``)."""
    _item.set({"preview_id": str(item_id) if kind == "preview" else None,
               "job_id": str(item_id) if kind == "job" else None})


def clear_item() -> None:
    """The item this thread worked on is over: later calls in the thread are no one's."""
    _item.set(None)


def bound() -> dict | None:
    return _item.get()


@dataclass
class Call:
    """What one call used; filled in by the caller, written on exit."""

    provider: str
    model: str
    kind: str
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    images: int = 0
    video_seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    def reply(self, resp) -> None:
        """Tokens and images of a ``generate_content`` reply."""
        meta = getattr(resp, "usage_metadata", None)
        if meta is not None:
            self.input_tokens += int(getattr(meta, "prompt_token_count", None) or 0)
            self.output_tokens += int(getattr(meta, "candidates_token_count", None) or 0)
            total = getattr(meta, "total_token_count", None)
            self.total_tokens += int(total) if total else 0
        for cand in getattr(resp, "candidates", None) or []:
            content = getattr(cand, "content", None)
            for part in (getattr(content, "parts", None) or []) if content else []:
                inline = getattr(part, "inline_data", None)
                if inline is not None and getattr(inline, "data", None):
                    self.images += 1


@contextlib.contextmanager
def provider_call(provider: str, model: str, kind: str):
    """Record one call to a provider: latency, outcome; a 429 also slows the model's
    shared limiter (:mod:`core.provider_backoff`), a success lets it recover."""
    from core import provider_backoff

    call = Call(provider, model, kind)
    started = time.monotonic()
    scope = _scope.get()
    if scope is not None:
        scope.append(call)
    try:
        yield call
    except BaseException as exc:
        code = _status_code(exc)
        outcome = "rate_limited" if code == 429 else "error"
        if code == 429:
            provider_backoff.note_429(model, provider_backoff.retry_delay(exc))
        _write(call, started, outcome, f"{exc.__class__.__name__} {code or ''}".strip())
        raise
    provider_backoff.note_success(model)
    _write(call, started, "ok", None)


def _status_code(exc: BaseException) -> int:
    for e in (exc, exc.__cause__):
        code = getattr(e, "code", None) if e is not None else None
        if isinstance(code, int):
            return code
    return 0


@contextlib.contextmanager
def scope(kind: str, generator):
    """Around one generator call: when nothing inside recorded a provider call (an offline
    generator), record the call itself (provider = the generator's name)."""
    calls: list = []
    own = _own(kind, generator)  # the caller may set its images / video_seconds
    own.images = -1
    token = _scope.set(calls)
    started = time.monotonic()
    try:
        yield own
    except BaseException as exc:
        if not calls:
            own.images = 0
            _write(own, started, "error", exc.__class__.__name__)
        raise
    finally:
        _scope.reset(token)
    if not calls:
        if own.images < 0:
            own.images = 1 if kind in ("background", "image") else 0
        _write(own, started, "ok", None)


def _own(kind: str, generator) -> Call:
    name = str(getattr(generator, "name", "offline") or "offline")
    model = str(getattr(generator, "model", "") or f"{name}-{kind}")
    return Call(name, model, kind)


def _write(call: Call, started: float, outcome: str, error: str | None) -> None:
    item = _item.get()
    if not item:
        return  # not inside a pipeline item (a direct call, e.g. a unit test): nothing to bill
    latency = int((time.monotonic() - started) * 1000)
    try:
        record(call, latency_ms=latency, outcome=outcome, error=error, **item)
    except Exception as exc:  # noqa: BLE001 - the ledger never fails a generation
        # the class only: the exception chain may quote a provider's answer (and a key)
        log.warning("usage.not_recorded", extra={"error_class": exc.__class__.__name__,
                                                 "model": call.model, "outcome": outcome})


def record(call: Call, *, latency_ms: int, outcome: str, error: str | None = None,
           preview_id: str | None = None, job_id: str | None = None) -> None:
    from db.base import utcnow
    from db.engine import unit_of_work
    from db.models import GenerationJob, Preview, UsageEvent

    with unit_of_work() as session:
        workspace, batch_id = "", None
        if preview_id:
            row = session.execute(sa.select(Preview.workspace, Preview.batch_id)
                                  .where(Preview.id == uuid.UUID(preview_id))).first()
            if row:
                workspace, batch_id = row
        elif job_id:
            workspace = session.scalar(sa.select(GenerationJob.workspace)
                                       .where(GenerationJob.id == uuid.UUID(job_id))) or ""
        total = call.total_tokens or (call.input_tokens + call.output_tokens)
        session.add(UsageEvent(
            at=utcnow(), workspace=workspace, batch_id=batch_id,
            preview_id=uuid.UUID(preview_id) if preview_id else None,
            job_id=uuid.UUID(job_id) if job_id else None, kind=call.kind, provider=call.provider,
            model=call.model[:128], input_tokens=call.input_tokens, output_tokens=call.output_tokens,
            total_tokens=total, images=call.images, video_seconds=float(call.video_seconds or 0),
            latency_ms=latency_ms, outcome=outcome, error=(error or None) and error[:300]))


# --- prices and totals -------------------------------------------------------------------


def price_table() -> dict[str, dict[str, float]]:
    """DEFAULT_PRICES with ``PRICE_TABLE`` (JSON, inline or a file path) merged over it."""
    from core.errors import ValidationError
    from core.settings import get_settings

    raw = get_settings().price_table.strip()
    table = {k: dict(v) for k, v in DEFAULT_PRICES.items()}
    if not raw:
        return table
    try:
        text = raw if raw.startswith("{") else Path(raw).expanduser().read_text()
        data = json.loads(text)
        for model, prices in data.items():
            table[str(model)] = {k: float(v) for k, v in dict(prices).items() if k in PRICE_KEYS}
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise ValidationError(f"PRICE_TABLE is not a JSON object of model → prices ({exc})") from None
    return table


def cost(model: str, input_tokens: float, output_tokens: float, images: float, video_seconds: float,
         calls: float, table: dict | None = None) -> float:
    p = (table if table is not None else price_table()).get(model) or {}
    return (input_tokens / 1e6 * p.get("input_per_million", 0.0)
            + output_tokens / 1e6 * p.get("output_per_million", 0.0)
            + images * p.get("per_image", 0.0) + video_seconds * p.get("per_video_second", 0.0)
            + calls * p.get("per_call", 0.0))


@dataclass
class Totals:
    key: str
    calls: int = 0
    ok: int = 0
    rate_limited: int = 0
    errors: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    images: int = 0
    video_seconds: float = 0.0
    latency_ms_total: int = 0
    cost_usd: float = 0.0

    @property
    def latency_ms_avg(self) -> float:
        return self.latency_ms_total / self.calls if self.calls else 0.0

    def as_dict(self) -> dict:
        return {"key": self.key, "calls": self.calls, "ok": self.ok,
                "rate_limited": self.rate_limited, "errors": self.errors,
                "input_tokens": self.input_tokens, "output_tokens": self.output_tokens,
                "total_tokens": self.total_tokens, "images": self.images,
                "video_seconds": round(self.video_seconds, 3),
                "latency_ms_avg": round(self.latency_ms_avg, 1), "cost_usd": round(self.cost_usd, 6)}


GROUPS = ("day", "batch", "model", "workspace", "total")


def totals(workspace: str | None, *, group_by: str = "day", batch_id=None,
           since: dt.datetime | None = None) -> list[Totals]:
    """Usage summed per ``group_by`` (day | batch | model | workspace | total), newest/biggest
    first; ``workspace=None`` = every workspace (operators' view)."""
    from core.errors import ValidationError
    from db.engine import get_engine, unit_of_work
    from db.models import UsageEvent as U

    if group_by not in GROUPS:
        raise ValidationError(f"group_by must be one of {', '.join(GROUPS)}")
    if get_engine().dialect.name == "postgresql":
        day = sa.func.to_char(sa.func.timezone("UTC", U.at), "YYYY-MM-DD")
    else:
        day = sa.func.strftime("%Y-%m-%d", U.at)
    key = {"day": day, "batch": U.batch_id, "model": U.model,
           "workspace": U.workspace, "total": sa.literal("total")}[group_by]
    q = sa.select(
        key.label("k"), U.model, sa.func.count(),
        sa.func.sum(sa.case((U.outcome == "ok", 1), else_=0)),
        sa.func.sum(sa.case((U.outcome == "rate_limited", 1), else_=0)),
        sa.func.sum(sa.case((U.outcome == "error", 1), else_=0)),
        sa.func.sum(U.input_tokens), sa.func.sum(U.output_tokens), sa.func.sum(U.total_tokens),
        sa.func.sum(U.images), sa.func.sum(U.video_seconds), sa.func.sum(U.latency_ms),
    ).group_by(key, U.model)
    if workspace is not None:
        q = q.where(U.workspace == workspace)
    if batch_id is not None:
        q = q.where(U.batch_id == uuid.UUID(str(batch_id)))
    if since is not None:
        q = q.where(U.at >= since)
    table = price_table()
    out: dict[str, Totals] = {}
    with unit_of_work() as session:
        rows = session.execute(q).all()
    for k, model, n, ok, rl, err, it, ot, tt, im, vs, lat in rows:
        t = out.setdefault(str(k) if k is not None else "-", Totals(str(k) if k is not None else "-"))
        t.calls += int(n)
        t.ok += int(ok or 0)
        t.rate_limited += int(rl or 0)
        t.errors += int(err or 0)
        t.input_tokens += int(it or 0)
        t.output_tokens += int(ot or 0)
        t.total_tokens += int(tt or 0)
        t.images += int(im or 0)
        t.video_seconds += float(vs or 0)
        t.latency_ms_total += int(lat or 0)
        t.cost_usd += cost(model, it or 0, ot or 0, im or 0, vs or 0, int(n), table)
    if group_by == "day":
        return sorted(out.values(), key=lambda t: t.key, reverse=True)
    return sorted(out.values(), key=lambda t: (-t.cost_usd, -t.calls, t.key))


CSV_COLUMNS = ("at", "workspace", "batch_id", "preview_id", "job_id", "kind", "provider", "model",
               "input_tokens", "output_tokens", "total_tokens", "images", "video_seconds",
               "latency_ms", "outcome", "error", "cost_usd")


def events(workspace: str, *, batch_id=None, since: dt.datetime | None = None,
           limit: int = 100_000) -> list[dict]:
    from db.engine import unit_of_work
    from db.models import UsageEvent as U

    q = sa.select(U).where(U.workspace == workspace).order_by(U.at, U.id).limit(limit)
    if batch_id is not None:
        q = q.where(U.batch_id == uuid.UUID(str(batch_id)))
    if since is not None:
        q = q.where(U.at >= since)
    table = price_table()
    with unit_of_work() as session:
        rows = session.scalars(q).all()
        return [{
            "at": r.at.isoformat(), "workspace": r.workspace,
            "batch_id": str(r.batch_id) if r.batch_id else "",
            "preview_id": str(r.preview_id) if r.preview_id else "",
            "job_id": str(r.job_id) if r.job_id else "", "kind": r.kind, "provider": r.provider,
            "model": r.model, "input_tokens": r.input_tokens, "output_tokens": r.output_tokens,
            "total_tokens": r.total_tokens, "images": r.images, "video_seconds": r.video_seconds,
            "latency_ms": r.latency_ms, "outcome": r.outcome, "error": r.error or "",
            "cost_usd": round(cost(r.model, r.input_tokens, r.output_tokens, r.images,
                                   r.video_seconds, 1, table), 6),
        } for r in rows]


def events_csv(workspace: str, *, batch_id=None, since: dt.datetime | None = None) -> str:
    """The ledger as CSV (one row per call, with its estimated cost)."""
    from core.exports import _cell as safe_cell  # quotes cells a spreadsheet would run

    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(CSV_COLUMNS)
    for e in events(workspace, batch_id=batch_id, since=since):
        w.writerow([safe_cell(str(e[c])) if isinstance(e[c], str) else e[c] for c in CSV_COLUMNS])
    return out.getvalue()

"""Fair share of the one global generation limit: who gets the next free slot (pure functions).

The sliding log (:mod:`core.ratelimit`) says *when* a start may happen; this module says
*which* waiting item takes it. Rule (least-recently-served fair queueing, a deficit
round-robin whose quantum is one start):

1. the workspace that has used the fewest starts in the recent horizon (the last minute, or
   one rate window if longer) goes first; ties go to the workspace whose oldest item has waited longest;
2. inside that workspace, the batch (or the media queue, one group) with the fewest recent
   starts, ties to the oldest waiting item — round-robin across batches;
3. inside the group, oldest first.

Each pick counts as a start for the next, so ``fair_order`` is the whole waiting line in
the order the slots will go (positions and ETAs come from it) and its first item is the
next grant. With one active workspace the order is plain FIFO over its batches in turn,
so the limit is used fully; the limit itself is never touched here (the log enforces it).

Everything is a pure function of its arguments — the database supplies the waiting items
and recent starts (it is the truth: a restart or a lost message loses nothing), the tests
drive :func:`simulate` with hypothesis.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from core.errors import ValidationError


@dataclass(frozen=True)
class Waiting:
    """One item waiting for a slot."""

    key: str  # "preview:<id>" or "job:<id>"
    workspace: str
    group: str  # the batch id, or "media" for the workspace's image/video jobs
    since: float  # when it started waiting (epoch seconds): ties go to the oldest
    order: int = 0  # then to the first in its batch: the preview's variant (a batch's previews share a time)


def fair_order(waiting: Iterable[Waiting], served_ws: Mapping[str, int] | None = None,
               served_group: Mapping[tuple[str, str], int] | None = None, *,
               fifo: bool = False) -> list[Waiting]:
    """The waiting line in the order slots will be granted.

    ``served_ws`` / ``served_group``: starts in the recent horizon per workspace and per
    (workspace, group). ``fifo=True`` is the old first-come first-served order (kept for
    the benchmark's comparison and ``FAIR_QUEUE=false``).
    """
    items = list(waiting)
    if fifo:
        return sorted(items, key=lambda w: (w.since, w.order, w.key))
    sw: dict[str, int] = defaultdict(int, served_ws or {})
    sg: dict[tuple[str, str], int] = defaultdict(int, served_group or {})
    groups: dict[tuple[str, str], list[Waiting]] = defaultdict(list)
    for w in sorted(items, key=lambda w: (w.since, w.order, w.key), reverse=True):
        groups[(w.workspace, w.group)].append(w)  # oldest last: pop() takes it
    by_ws: dict[str, list] = defaultdict(list)  # workspace -> heap of (served, since, group)
    for (ws, g), line in groups.items():
        heapq.heappush(by_ws[ws], (sg[(ws, g)], line[-1].since, g))
    ws_heap = [(sw[ws], heap[0][1], ws) for ws, heap in by_ws.items()]
    heapq.heapify(ws_heap)
    out: list[Waiting] = []
    while ws_heap:
        _, _, ws = heapq.heappop(ws_heap)
        served, _, g = heapq.heappop(by_ws[ws])
        line = groups[(ws, g)]
        out.append(line.pop())
        sw[ws] += 1
        if line:
            heapq.heappush(by_ws[ws], (served + 1, line[-1].since, g))
        if by_ws[ws]:
            oldest = min(groups[(ws, gg)][-1].since for _, _, gg in by_ws[ws])
            heapq.heappush(ws_heap, (sw[ws], oldest, ws))
    return out


def next_starts(recent_starts: Sequence[float], limit: int, window: float, now: float,
                count: int, *, not_before: float = 0.0) -> list[float]:
    """When the next ``count`` starts can happen under a sliding log of ``limit`` per
    ``window`` that already holds ``recent_starts`` (any order; older ones are ignored):
    the k-th returned time is when the k-th item in line can start."""
    if count <= 0:
        return []
    start = max(now, not_before)
    if limit <= 0:  # unlimited
        return [start] * count
    log = sorted(t for t in recent_starts if t > now - window)
    out: list[float] = []
    for _ in range(count):
        i = len(log) - limit  # the start that must leave the window first
        t = start if i < 0 else max(start, log[i] + window)
        log.append(t)
        out.append(t)
    return out


def eta_text(position: int, seconds: float) -> str:
    """'#14 in line · about 40 s' (1-based position)."""
    return f"#{position} in line · {about(seconds)}"


def about(seconds: float) -> str:
    if seconds < 1.5:
        return "starting now"
    if seconds < 90:
        return f"about {int(math.ceil(seconds / 5) * 5) if seconds > 10 else int(round(seconds))} s"
    if seconds < 90 * 60:
        return f"about {int(round(seconds / 60))} min"
    return f"about {seconds / 3600:.1f} h"


# --- quotas ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Quota:
    workspace: str  # "*" = every workspace without its own entry
    limit: int
    window_seconds: int

    def label(self) -> str:
        unit = {3600: "hour", 86400: "day", 60: "minute"}.get(self.window_seconds)
        return f"{self.limit} per {unit}" if unit else f"{self.limit} per {self.window_seconds} s"


def parse_quotas(text: str) -> list[Quota]:
    """``WORKSPACE_QUOTAS``: ``acme=100/h,acme=1000/d,*=500/d`` (``d`` = day)."""
    from core.settings import RateLimit

    out = []
    for part in (p.strip() for p in (text or "").split(",")):
        if not part:
            continue
        ws, sep, rate = part.partition("=")
        if not sep or not ws.strip():
            raise ValidationError(f"WORKSPACE_QUOTAS entry {part!r} is not workspace=N/h or N/d")
        rate = rate.strip().lower()
        if rate.endswith(("/d", "/day")):
            n = rate.split("/")[0].strip()
            if not n.isdigit():
                raise ValidationError(f"WORKSPACE_QUOTAS entry {part!r} is not workspace=N/h or N/d")
            out.append(Quota(ws.strip(), int(n), 86400))
            continue
        r = RateLimit.parse(rate, "WORKSPACE_QUOTAS")
        out.append(Quota(ws.strip(), r.limit, r.window_seconds))
    return out


def quotas_for(quotas: Sequence[Quota], workspace: str) -> list[Quota]:
    own = [q for q in quotas if q.workspace == workspace]
    return own or [q for q in quotas if q.workspace == "*"]


def quota_block(quotas: Sequence[Quota], workspace: str, starts: Sequence[float],
                now: float) -> tuple[float, str] | None:
    """(when it frees, message) if ``workspace`` has used a quota up, else None.
    ``starts``: the workspace's start times (at least the longest quota window's)."""
    worst: tuple[float, str] | None = None
    for q in quotas_for(quotas, workspace):
        inside = sorted(t for t in starts if t > now - q.window_seconds)
        if q.limit <= 0 or len(inside) >= q.limit:
            frees = (inside[len(inside) - q.limit] + q.window_seconds) if q.limit > 0 and inside \
                else now + q.window_seconds
            if worst is None or frees > worst[0]:
                worst = (frees, f"Workspace quota reached ({q.label()}, WORKSPACE_QUOTAS)")
    return worst


# --- a whole scheduler, for property tests and the benchmark's model ---------------------


def simulate(arrivals: Sequence[tuple[float, str, str]], limit: int, window: float, *,
             fifo: bool = False, horizon: float | None = None,
             until: float | None = None) -> list[tuple[float, Waiting]]:
    """Run the sliding log + fair order over ``arrivals`` = [(time, workspace, group)].

    Every moment a slot is free and something waits, the first of ``fair_order`` starts.
    Returns the grants [(time, item)] in order. ``horizon`` (default: ``window``) is how
    far back starts count as "served".
    """
    horizon = window if horizon is None else horizon
    pending = sorted(((t, i, ws, g) for i, (t, ws, g) in enumerate(arrivals)))
    waiting: list[Waiting] = []
    log: list[float] = []
    grants: list[tuple[float, Waiting]] = []
    now = pending[0][0] if pending else 0.0
    j = 0
    while j < len(pending) or waiting:
        while j < len(pending) and pending[j][0] <= now:
            t, i, ws, g = pending[j]
            waiting.append(Waiting(f"item:{i}", ws, g, t))
            j += 1
        log = [t for t in log if t + window > now + 1e-9]
        while waiting and len(log) < limit:
            sw: dict[str, int] = defaultdict(int)
            sg: dict[tuple[str, str], int] = defaultdict(int)
            for t, w in reversed(grants):
                if t <= now - horizon:
                    break
                sw[w.workspace] += 1
                sg[(w.workspace, w.group)] += 1
            first = fair_order(waiting, sw, sg, fifo=fifo)[0]
            waiting.remove(first)
            log.append(now)
            grants.append((now, first))
        if until is not None and now >= until:
            break
        candidates = []
        if j < len(pending):
            candidates.append(pending[j][0])
        if waiting and len(log) >= limit:
            candidates.append(min(log) + window)
        if not candidates:
            break
        now = max(min(candidates), now)
    return grants

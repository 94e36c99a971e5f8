"""What is happening now in a workspace: the Home page's one service."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.previews import to_info
from core.scope import check_scope
from core.settings import RateLimit, get_settings
from core.states import PREVIEW_ACTIVE
from core.views import PreviewInfo
from db.base import utcnow
from db.engine import unit_of_work
from db.repositories import activity as activity_repo


@dataclass(frozen=True)
class Failure:
    """A failed preview, the name of its batch and its product's title (None before the page
    was read: the URL stands for it)."""

    preview: PreviewInfo
    batch_name: str
    title: str | None = None
    count: int = 1
    """How many previews failed so: the same product (URL) of the same batch, for the same reason."""


@dataclass(frozen=True)
class Overview:
    """Counts of unfinished previews, starts per minute, the limit, recent failures."""

    counts: dict[str, int]
    starts_per_minute: list[tuple[dt.datetime, int]]  # oldest first, one entry per minute
    rate: RateLimit
    in_current_window: int  # starts within the last rate-limit window
    failures: list[Failure]

    @property
    def unfinished(self) -> int:
        return sum(self.counts.values())


def _minute(at: dt.datetime) -> dt.datetime:
    at = at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)
    return at.replace(second=0, microsecond=0)


def overview(workspace: str, minutes: int = 60, failures: int = 5,
             now: dt.datetime | None = None) -> Overview:
    """The Home page's figures for ``workspace`` over the last ``minutes``."""
    check_scope(workspace)
    now = now or utcnow()
    rate = get_settings().generation_rate_limit
    since = now - dt.timedelta(minutes=minutes)
    with unit_of_work() as session:
        counts = activity_repo.status_counts(session, workspace, [str(s) for s in PREVIEW_ACTIVE])
        starts = activity_repo.start_times(session, workspace, since)
        failed = [Failure(to_info(p), name, title, n)
                  for p, name, title, n in activity_repo.recent_failures(session, workspace, failures)]
    # Bucketing in Python keeps the query portable (SQLite and PostgreSQL truncate differently).
    buckets = {_minute(now - dt.timedelta(minutes=i)): 0 for i in range(minutes)}
    window_start = now - dt.timedelta(seconds=rate.window_seconds)
    in_window = 0
    for at in starts:
        key = _minute(at)
        if key in buckets:
            buckets[key] += 1
        if (at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)) >= window_start:
            in_window += 1
    full = {str(s): counts.get(str(s), 0) for s in PREVIEW_ACTIVE}
    return Overview(full, sorted(buckets.items()), rate, in_window, failed)

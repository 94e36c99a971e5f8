"""Times for people: in the user's time zone, relative where that reads better.

The database stores UTC; pages pass the browser's IANA zone name (``st.context.timezone``)
to :func:`zone` and format with :func:`local` / :func:`relative` / :func:`when`.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = dt.timezone.utc


def zone(name: str | None, offset_minutes: int | None = None) -> dt.tzinfo:
    """The zone called ``name``; else a fixed offset (JS ``getTimezoneOffset`` sign); else UTC."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if offset_minutes is not None:
        return dt.timezone(-dt.timedelta(minutes=offset_minutes))
    return UTC


def _aware(at: dt.datetime) -> dt.datetime:
    # Rows written by SQLite may come back naive; they are UTC by construction.
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def local(at: dt.datetime | None, tz: dt.tzinfo, now: dt.datetime | None = None) -> str:
    """``Jan 28, 10:30 AM`` in ``tz`` (the year is added when it is not this year)."""
    if at is None:
        return "—"
    now = _aware(now or dt.datetime.now(UTC)).astimezone(tz)
    t = _aware(at).astimezone(tz)
    hour = t.strftime("%I").lstrip("0") or "12"
    text = f"{t.strftime('%b')} {t.day}, {hour}:{t.strftime('%M %p')}"
    return text if t.year == now.year else f"{text} {t.year}"


def relative(at: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """``just now``, ``2 min ago``, ``in 3 min``, ``5 h ago``, ``3 days ago``."""
    if at is None:
        return "—"
    now = _aware(now or dt.datetime.now(UTC))
    delta = (now - _aware(at)).total_seconds()
    future = delta < 0
    secs = abs(delta)
    if secs < 45:
        return "in a few seconds" if future else "just now"
    if secs < 3600:
        amount = f"{max(1, round(secs / 60))} min"
    elif secs < 86400:
        amount = f"{round(secs / 3600)} h"
    else:
        days = round(secs / 86400)
        amount = f"{days} day{'s' if days != 1 else ''}"
    return f"in {amount}" if future else f"{amount} ago"


def when(at: dt.datetime | None, tz: dt.tzinfo, now: dt.datetime | None = None) -> str:
    """Relative for the last day (``2 min ago``), else the local date; both when useful."""
    if at is None:
        return "—"
    now = _aware(now or dt.datetime.now(UTC))
    if abs((now - _aware(at)).total_seconds()) < 86400:
        return f"{relative(at, now)} ({local(at, tz, now).split(', ', 1)[1]})"
    return local(at, tz, now)

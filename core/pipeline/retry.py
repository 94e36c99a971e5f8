"""The retry policy, in one place: transient errors wait 1, 5, 15 minutes (by settings)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import httpx
import sqlalchemy.exc

from core.errors import AppError
from core.settings import get_settings


@dataclass(frozen=True)
class Decision:
    retry: bool
    delay_seconds: float
    message: str


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, AppError):
        return exc.transient
    return isinstance(
        exc, (TimeoutError, ConnectionError, httpx.TransportError, sqlalchemy.exc.OperationalError)
    )


def describe(exc: BaseException) -> str:
    if isinstance(exc, AppError):
        return exc.message
    return f"Unexpected error ({exc.__class__.__name__}): {exc}"[:500]


def decide(exc: BaseException, retries_done: int) -> Decision:
    """Retry (with the scheduled delay) or give up, for an error after ``retries_done`` retries."""
    schedule = get_settings().retry_schedule_seconds
    message = describe(exc)
    if not is_transient(exc):
        return Decision(False, 0.0, message)
    if retries_done < len(schedule):
        return Decision(True, schedule[retries_done], message)
    return Decision(False, 0.0, f"{message} (gave up after {len(schedule)} retries)")


def retry_at(now: dt.datetime, decision: Decision) -> dt.datetime:
    return now + dt.timedelta(seconds=decision.delay_seconds)

"""The retry policy, in one place: transient errors wait 1, 5, 15 minutes (by settings).

What a user reads about a failure is decided here too (``describe``): an ``AppError``'s
message, written for users; anything else gets a message in words and a reference, never
the exception's text (it can carry SQL, parameters, paths or secrets). The full detail goes
to the log under the same reference.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

import httpx
import sqlalchemy.exc

from core.errors import AppError
from core.settings import get_settings

log = logging.getLogger(__name__)


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


def reference(exc: BaseException) -> str:
    """A short id for ``exc`` (the same one every time it is asked) to find it in the log."""
    ref = getattr(exc, "_ctabs_reference", None)
    if ref is None:
        ref = uuid.uuid4().hex[:10]
        try:
            exc._ctabs_reference = ref  # type: ignore[attr-defined]
        except (AttributeError, TypeError):
            pass
    return ref


def describe(exc: BaseException) -> str:
    """What the user reads about ``exc``: an AppError's own message; for anything else, words
    and a reference only (the exception's class, text and traceback are logged under it)."""
    if isinstance(exc, AppError):
        return exc.message
    ref = reference(exc)
    if not getattr(exc, "_ctabs_logged", False):
        log.error("pipeline.unexpected_error reference=%s", ref, exc_info=exc,
                  extra={"reference": ref, "error_class": exc.__class__.__name__})
        try:
            exc._ctabs_logged = True  # type: ignore[attr-defined]
        except (AttributeError, TypeError):
            pass
    if is_transient(exc):
        return (f"A temporary problem interrupted this item; it was logged for the operators "
                f"(reference {ref}).")
    return f"An unexpected error stopped this item; it was logged for the operators (reference {ref})."


def decide(exc: BaseException, retries_done: int) -> Decision:
    """Retry (with the scheduled delay) or give up, for an error after ``retries_done`` retries."""
    schedule = get_settings().retry_schedule_seconds
    message = describe(exc)
    if not is_transient(exc):
        return Decision(False, 0.0, message)
    if retries_done < len(schedule):
        provider_delay = getattr(exc, "retry_after", None)  # a 429's RetryInfo.retryDelay
        if provider_delay is not None:
            return Decision(True, max(float(provider_delay), 0.0), message)
        return Decision(True, schedule[retries_done], message)
    return Decision(False, 0.0, f"{message} (gave up after {len(schedule)} retries)")


def retry_at(now: dt.datetime, decision: Decision) -> dt.datetime:
    return now + dt.timedelta(seconds=decision.delay_seconds)

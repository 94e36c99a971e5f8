"""The one place that decides what a Gemini failure means: transient (retry) or permanent.

429, 5xx, timeouts and connection errors are transient: the pipeline's retry schedule
tries again. 400/401/403/404, safety blocks and unusable output are permanent and carry a
message a user can act on. Messages never contain the API key.
"""

from __future__ import annotations

import re

import httpx

from core.errors import GenerationError

# response finish/block reasons that mean "the model refused": retrying gives the same answer
SAFETY_REASONS = frozenset({
    "SAFETY", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
    "IMAGE_PROHIBITED_CONTENT", "RECITATION", "IMAGE_RECITATION", "MODEL_ARMOR", "JAILBREAK",
})
_KEY_PATTERNS = (
    re.compile(r"AIza[0-9A-Za-z_\-]{20,}"),  # the shape of a Google API key
    re.compile(r"(key=)[^&\s]+", re.IGNORECASE),
)


def redact(text: str, secret: str = "") -> str:
    """``text`` with any API key (the configured one or anything key-shaped) masked."""
    if secret:
        text = text.replace(secret, "***")
    for pattern in _KEY_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "***", text)
    return text


def safety_error(reason: str, what: str) -> GenerationError:
    """A permanent error for a response the model blocked for ``reason``."""
    return GenerationError(
        f"Gemini blocked the {what} ({reason}). The product text or photo tripped its safety "
        "filter: edit the product title/description or pick another image, then retry.",
        transient=False,
    )


def classify_genai_error(exc: BaseException, *, model: str = "", secret: str = "") -> GenerationError:
    """Map any exception raised while calling Gemini to a GenerationError with ``transient`` set."""
    if isinstance(exc, GenerationError):
        return exc
    # imported here: the SDK costs ~0.3 s to import and the dashboard never needs it
    from google.genai import errors as genai_errors

    where = f" (model {model})" if model else ""
    if isinstance(exc, genai_errors.APIError):
        code = int(exc.code or 0)
        detail = redact(str(exc.message or exc.status or ""), secret)[:300]
        if code == 429:
            from core.provider_backoff import retry_delay

            delay = retry_delay(exc)
            err = GenerationError(
                f"Gemini is rate limiting this key{where}; the preview will retry "
                + (f"in {delay:g} s (the provider's RetryInfo)." if delay is not None else "later."),
                transient=True,
            )
            err.retry_after = delay  # the item's retry honours the provider's delay
            return err
        if code == 408 or code >= 500:
            return GenerationError(
                f"Gemini had a temporary problem (HTTP {code}){where}; the preview will retry. "
                f"{detail}".strip(),
                transient=True,
            )
        if code in (401, 403):
            return GenerationError(
                f"Gemini refused the API key (HTTP {code}){where}: check GEMINI_API_KEY and that "
                "the key has access to this model.",
                transient=False,
            )
        if code == 404:
            return GenerationError(
                f"Gemini does not know the model{where} (HTTP 404): check GEMINI_TEXT_MODEL / "
                "GEMINI_IMAGE_MODEL.",
                transient=False,
            )
        return GenerationError(
            f"Gemini rejected the request (HTTP {code}){where}: {detail or 'no detail given'}",
            transient=False,
        )
    if isinstance(exc, (httpx.TimeoutException, TimeoutError)):
        return GenerationError(
            f"Gemini did not answer in time{where}; the preview will retry.", transient=True
        )
    if isinstance(exc, (httpx.TransportError, ConnectionError)):
        return GenerationError(
            f"Could not reach Gemini{where} ({exc.__class__.__name__}); the preview will retry.",
            transient=True,
        )
    import logging
    import uuid

    reference = uuid.uuid4().hex[:10]
    logging.getLogger(__name__).error(
        "gemini.unexpected_error", extra={"reference": reference, "error_class": exc.__class__.__name__,
                                          "detail": redact(str(exc), secret)[:500]})
    return GenerationError(
        f"Gemini failed in an unexpected way{where}; it was logged for the operators "
        f"(reference {reference}).",
        transient=False,
    )

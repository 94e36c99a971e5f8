"""Shared by the Gemini image and Veo generators: the client and the job-worded errors."""

from __future__ import annotations

from core.errors import GenerationError
from core.generators.gemini import genai_client
from core.generators.gemini_errors import SAFETY_REASONS, classify_genai_error

__all__ = ["SAFETY_REASONS", "client", "job_error", "safety_error"]


def client(settings):
    """The process-wide google-genai client (one per configuration, built once)."""
    return genai_client(settings)


def job_error(exc: BaseException, model: str, settings) -> GenerationError:
    """Classify any SDK failure (transient or not) in the batch pipeline's one place, worded
    for a generation job instead of a banner preview."""
    err = classify_genai_error(exc, model=model, secret=str(settings.gemini_api_key))
    message = err.message.replace("the preview will", "the job will").replace(
        "Retry the preview", "Retry the job").replace("retry the preview", "retry the job")
    if message == err.message:
        return err
    out = GenerationError(message, transient=err.transient)
    out.retry_after = getattr(err, "retry_after", None)
    return out


def safety_error(reason: str, what: str) -> GenerationError:
    """A permanent error for output the model refused to make."""
    return GenerationError(
        f"Gemini blocked the {what} ({reason}): its safety filter rejected the prompt or "
        "reference image. Reword the prompt or choose another image, then submit again.",
        transient=False,
    )

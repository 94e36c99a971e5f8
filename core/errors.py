"""One error tree. Every error carries a message a user can act on and the ids involved.

Whether an error is worth retrying is a property of the error (``transient``), decided here
and in the classifiers that build these errors, never by the caller.
"""

from __future__ import annotations


class AppError(Exception):
    """Base of every error the product raises on purpose."""

    transient: bool = False
    for_good: bool = False
    """A failure a retry cannot change (a search page instead of a product's, no photo that can
    be used): no Retry is offered for it. Only where the message says what to do instead."""

    def __init__(self, message: str, *, transient: bool | None = None, for_good: bool = False,
                 **ids: object) -> None:
        super().__init__(message)
        self.message = message
        if transient is not None:
            self.transient = transient
        self.for_good = for_good
        self.ids = {k: v for k, v in ids.items() if v is not None}

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class Problem(str):
    """One problem in words, knowing the row (1-based) and the field it is about where it is
    about one: callers that must tell rows and fields apart read these, never the wording."""

    row: int | None
    field: str | None

    def __new__(cls, text: str, row: int | None = None, field: str | None = None) -> "Problem":
        problem = super().__new__(cls, text)
        problem.row, problem.field = row, field
        return problem


class ValidationError(AppError):
    """Bad input from a user. Nothing was changed.

    ``problems`` lists every violation found (``row`` is 1-based where a row is involved).
    """

    def __init__(self, message: str, problems: list[str] | None = None, **ids: object) -> None:
        super().__init__(message, transient=False, **ids)
        self.problems = problems or [message]


class NotFoundError(AppError):
    """The row does not exist in this workspace (or at all: callers cannot tell the difference)."""


class ConflictError(AppError):
    """The action is not allowed in the row's current state."""


class PreconditionFailedError(ConflictError):
    """The caller's copy is stale (e.g. ``If-Match`` names an older prefill version)."""


class ScrapeError(AppError):
    """A product page could not be fetched or understood."""


class RankingError(AppError):
    """Product images could not be ranked or planned."""


class GenerationError(AppError):
    """A generator (offline or Gemini) failed."""


class StorageError(AppError):
    """Media could not be stored or read."""

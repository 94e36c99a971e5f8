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


def _limit(ctx: dict, key: str) -> object:
    return ctx.get(key, "?")


def _count(n: object, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def plain_words(err: dict) -> str:
    """One pydantic error (``ValidationError.errors()`` item) in the words the service's own
    checks use ("must not be empty", "must be a whole number"), not pydantic's ("String should
    have at least 1 character", "Input should be a valid integer, unable to parse string as an
    integer"). A message of our own validators ("Value error, …") is kept as written; a type
    we have no words for keeps pydantic's message."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    msg = str(err.get("msg", "is invalid"))
    if kind in ("value_error", "assertion_error"):
        return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "string_too_short":
        n = _limit(ctx, "min_length")
        return "must not be empty" if n == 1 else f"must have at least {_count(n, 'character')}"
    if kind == "string_too_long":
        return f"must have at most {_count(_limit(ctx, 'max_length'), 'character')}"
    if kind == "too_short":
        n = _limit(ctx, "min_length")
        return "must not be empty" if n == 1 else f"must have at least {_count(n, 'item')}"
    if kind == "too_long":
        return f"must have at most {_count(_limit(ctx, 'max_length'), 'item')}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "must be a whole number"
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type"):
        return "must be a number"
    if kind == "finite_number":
        return "must be a finite number"
    if kind in ("bool_parsing", "bool_type"):
        return "must be true or false"
    if kind in ("string_type", "string_unicode"):
        return "must be text"
    if kind in ("dict_type", "model_type", "model_attributes_type", "mapping_type"):
        return "must be a JSON object"
    if kind in ("list_type", "tuple_type", "set_type", "iterable_type"):
        return "must be a list"
    if kind in ("uuid_parsing", "uuid_type", "uuid_version"):
        return "must be an id (a UUID such as 6f1c…-…)"
    if kind in ("datetime_parsing", "datetime_type", "datetime_from_date_parsing"):
        return "must be a date and time such as 2026-12-01T09:30:00Z"
    if kind in ("date_parsing", "date_type", "date_from_datetime_parsing"):
        return "must be a date such as 2026-12-01"
    if kind == "greater_than_equal":
        return f"must be at least {_limit(ctx, 'ge')}"
    if kind == "greater_than":
        return f"must be more than {_limit(ctx, 'gt')}"
    if kind == "less_than_equal":
        return f"must be at most {_limit(ctx, 'le')}"
    if kind == "less_than":
        return f"must be less than {_limit(ctx, 'lt')}"
    if kind in ("literal_error", "enum"):
        return f"must be one of {ctx.get('expected', '…')}"
    if kind in ("url_parsing", "url_type", "url_scheme"):
        return "must be a web address (http:// or https://)"
    if kind == "union_tag_invalid":
        return f"type must be one of {ctx.get('expected_tags', '…')}"
    if kind == "union_tag_not_found":
        return f"needs a {ctx.get('discriminator', 'type')} field"
    return msg.removeprefix("Value error, ")

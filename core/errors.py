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


# pydantic's error types, in the service's words: text, or a function of the error's ctx
_WORDS: dict[str, object] = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "string_too_short": lambda c: ("must not be empty" if _limit(c, "min_length") == 1
                                   else f"must have at least {_count(_limit(c, 'min_length'), 'character')}"),
    "string_too_long": lambda c: f"must have at most {_count(_limit(c, 'max_length'), 'character')}",
    "too_short": lambda c: ("must not be empty" if _limit(c, "min_length") == 1
                            else f"must have at least {_count(_limit(c, 'min_length'), 'item')}"),
    "too_long": lambda c: f"must have at most {_count(_limit(c, 'max_length'), 'item')}",
    **dict.fromkeys(("int_parsing", "int_type", "int_from_float"), "must be a whole number"),
    **dict.fromkeys(("float_parsing", "float_type", "decimal_parsing", "decimal_type"), "must be a number"),
    "finite_number": "must be a finite number",
    **dict.fromkeys(("bool_parsing", "bool_type"), "must be true or false"),
    **dict.fromkeys(("string_type", "string_unicode"), "must be text"),
    **dict.fromkeys(("dict_type", "model_type", "model_attributes_type", "mapping_type"), "must be a JSON object"),
    **dict.fromkeys(("list_type", "tuple_type", "set_type", "iterable_type"), "must be a list"),
    **dict.fromkeys(("uuid_parsing", "uuid_type", "uuid_version"), "must be an id (a UUID such as 6f1c…-…)"),
    **dict.fromkeys(("datetime_parsing", "datetime_type", "datetime_from_date_parsing"),
                    "must be a date and time such as 2026-12-01T09:30:00Z"),
    **dict.fromkeys(("date_parsing", "date_type", "date_from_datetime_parsing"), "must be a date such as 2026-12-01"),
    "greater_than_equal": lambda c: f"must be at least {_limit(c, 'ge')}",
    "greater_than": lambda c: f"must be more than {_limit(c, 'gt')}",
    "less_than_equal": lambda c: f"must be at most {_limit(c, 'le')}",
    "less_than": lambda c: f"must be less than {_limit(c, 'lt')}",
    **dict.fromkeys(("literal_error", "enum"), lambda c: f"must be one of {c.get('expected', '…')}"),
    **dict.fromkeys(("url_parsing", "url_type", "url_scheme"), "must be a web address (http:// or https://)"),
    "union_tag_invalid": lambda c: f"type must be one of {c.get('expected_tags', '…')}",
    "union_tag_not_found": lambda c: f"needs a {c.get('discriminator', 'type')} field",
}


def plain_words(err: dict) -> str:
    """One pydantic error (``ValidationError.errors()`` item) in the words the service's own
    checks use ("must not be empty", "must be a whole number"), not pydantic's ("String should
    have at least 1 character", "Input should be a valid integer, unable to parse string as an
    integer"). A message of our own validators ("Value error, …") is kept as written; a type
    we have no words for keeps pydantic's message."""
    kind = err.get("type", "")
    msg = str(err.get("msg", "is invalid"))
    if kind in ("value_error", "assertion_error"):
        return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    words = _WORDS.get(kind)
    if words is None:
        return msg.removeprefix("Value error, ")
    return words(err.get("ctx") or {}) if callable(words) else words

"""Small wording helpers for messages people read: "1 preview", "3 previews", never "(s)"."""

from __future__ import annotations


def count(n: int, noun: str, many: str | None = None) -> str:
    """``n`` with its noun in the right number: ``count(1, "row")`` is "1 row",
    ``count(2, "row")`` "2 rows"; ``many`` for an irregular plural."""
    return f"{n} {noun if n == 1 else (many or noun + 's')}"

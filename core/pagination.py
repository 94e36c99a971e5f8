"""Keyset (cursor) pagination over ``(created_at, id)``, newest first.

Cursors are opaque strings; inserting rows never shifts or repeats items across pages.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from dataclasses import dataclass

import sqlalchemy as sa

from core.errors import ValidationError

MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class Cursor:
    created_at: dt.datetime
    id: uuid.UUID
    direction: str  # "next" (older items) or "prev" (newer items)

    def encode(self) -> str:
        raw = json.dumps([self.created_at.isoformat(), self.id.hex, self.direction])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> "Cursor":
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            created, ident, direction = json.loads(raw)
            if direction not in ("next", "prev"):
                raise ValueError
            return cls(dt.datetime.fromisoformat(created), uuid.UUID(ident), direction)
        except (ValueError, TypeError, json.JSONDecodeError):
            raise ValidationError("The page cursor is invalid; start from the first page") from None


def check_page_size(page_size: int) -> int:
    if not isinstance(page_size, int) or isinstance(page_size, bool) or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValidationError(f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}")
    return page_size


def paginate(stmt: sa.Select, model, page_size: int, cursor: str | None):
    """Apply the cursor to ``stmt``; returns (statement, cursor or None).

    The statement fetches page_size + 1 rows so the caller can tell whether more exist.
    """
    check_page_size(page_size)
    cur = Cursor.decode(cursor) if cursor else None
    created, ident = model.created_at, model.id
    if cur is None or cur.direction == "next":
        if cur is not None:
            stmt = stmt.where(
                sa.or_(created < cur.created_at, sa.and_(created == cur.created_at, ident < cur.id))
            )
        stmt = stmt.order_by(created.desc(), ident.desc())
    else:
        stmt = stmt.where(
            sa.or_(created > cur.created_at, sa.and_(created == cur.created_at, ident > cur.id))
        )
        stmt = stmt.order_by(created.asc(), ident.asc())
    return stmt.limit(page_size + 1), cur


def page_cursors(rows: list, page_size: int, cur: Cursor | None):
    """Trim the extra row, restore newest-first order and compute neighbour cursors."""
    has_more = len(rows) > page_size
    rows = rows[:page_size]
    if cur is not None and cur.direction == "prev":
        rows.reverse()
        has_newer, has_older = has_more, True
    else:
        has_newer, has_older = cur is not None, has_more
    next_c = Cursor(rows[-1].created_at, rows[-1].id, "next").encode() if rows and has_older else None
    prev_c = Cursor(rows[0].created_at, rows[0].id, "prev").encode() if rows and has_newer else None
    return rows, next_c, prev_c

"""``Idempotency-Key``: the first answer to a request is kept 24 h and given again to a
retry of the same request; the same key with a different request is refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from sqlalchemy.exc import IntegrityError

from core.errors import ConflictError, ValidationError
from db.base import utcnow
from db.engine import unit_of_work
from db.repositories import api as repo

KEEP = dt.timedelta(hours=24)


def request_hash(method: str, path: str, body: object) -> str:
    raw = json.dumps([method.upper(), path, body], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def check_key(key: str) -> str:
    key = (key or "").strip()
    if not key or len(key) > 255:
        raise ValidationError("Idempotency-Key must be 1 to 255 characters")
    return key


def replay(workspace: str, key: str, digest: str) -> tuple[int, dict] | None:
    """The stored answer for ``key`` (None when new or expired)."""
    with unit_of_work() as session:
        row = repo.idempotent(session, workspace, key)
        if row is None or utcnow() - row.created_at > KEEP:
            return None
        if row.request_hash != digest:
            raise ConflictError("This Idempotency-Key was used for a different request; "
                                "use a new key for a new request")
        return row.status_code, dict(row.body)


def remember(workspace: str, key: str, digest: str, status_code: int, body: dict) -> None:
    """Keep the answer; a concurrent twin that stored first wins (its answer is the one)."""
    now = utcnow()
    try:
        with unit_of_work() as session:
            repo.forget_before(session, now - KEEP)
            old = repo.idempotent(session, workspace, key)
            if old is not None:  # expired: replaced
                session.delete(old)
                session.flush()
            repo.remember(session, workspace=workspace, key=key, request_hash=digest,
                          status_code=status_code, body=body, created_at=now)
    except IntegrityError:
        pass

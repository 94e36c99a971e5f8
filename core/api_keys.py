"""API keys per workspace: created (shown once), listed by prefix, revoked, checked.

A key is ``ctabs_`` + 32 random URL-safe characters; only its SHA-256 is stored (a key is
high-entropy, so a plain hash is enough, and a lookup by hash is one index probe), plus its
first characters for lists. Keys never appear in logs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass

from core.errors import NotFoundError, ValidationError
from db.base import utcnow
from db.engine import unit_of_work
from db.repositories import api as repo

log = logging.getLogger(__name__)
KEY_PREFIX = "ctabs_"
SHOWN_CHARS = 12  # of the key, in lists


@dataclass(frozen=True)
class ApiKeyView:
    id: uuid.UUID
    workspace: str
    name: str
    prefix: str
    created_by: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _view(k) -> ApiKeyView:
    return ApiKeyView(k.id, k.workspace, k.name, k.prefix, k.created_by, k.created_at,
                      k.last_used_at, k.revoked_at)


def _check_workspace(workspace: str) -> str:
    if not isinstance(workspace, str) or not workspace.strip() or len(workspace) > 64:
        raise ValidationError("A workspace is required (at most 64 characters)")
    return workspace.strip()


def create_key(workspace: str, name: str, created_by: str = "") -> tuple[ApiKeyView, str]:
    """A new key for ``workspace``: returns its view and the key itself (shown only now)."""
    workspace = _check_workspace(workspace)
    name = (name or "").strip()
    if not name:
        raise ValidationError("Give the key a name (1 to 120 characters), e.g. who uses it")
    if len(name) > 120:
        raise ValidationError(f"A key name has at most 120 characters (got {len(name)})")
    raw = KEY_PREFIX + secrets.token_urlsafe(24)
    with unit_of_work() as session:
        k = repo.add_key(session, workspace=workspace, name=name, prefix=raw[:SHOWN_CHARS],
                         key_hash=_hash(raw), created_by=(created_by or "")[:255], created_at=utcnow())
        view = _view(k)
    log.info("api_key.created", extra={"workspace": workspace, "key_id": str(view.id), "prefix": view.prefix})
    return view, raw


def list_keys(workspace: str) -> list[ApiKeyView]:
    workspace = _check_workspace(workspace)
    with unit_of_work() as session:
        return [_view(k) for k in repo.keys_of(session, workspace)]


def revoke_key(workspace: str, key_id: object) -> None:
    workspace = _check_workspace(workspace)
    try:
        kid = uuid.UUID(str(key_id))
    except ValueError:
        raise NotFoundError(f"API key {key_id!r} was not found") from None
    with unit_of_work() as session:
        if repo.revoke_key(session, workspace, kid, utcnow()) != 1 and not repo.key_exists(session, workspace, kid):
            raise NotFoundError(f"API key {kid} was not found")
    log.info("api_key.revoked", extra={"workspace": workspace, "key_id": str(kid)})


def authenticate(raw: str | None) -> ApiKeyView | None:
    """The active key ``raw`` names, or None (unknown, malformed or revoked)."""
    if not raw or not raw.startswith(KEY_PREFIX) or len(raw) > 200:
        return None
    with unit_of_work() as session:
        k = repo.key_by_hash(session, _hash(raw))
        if k is None or k.revoked_at is not None:
            return None
        now = utcnow()
        if k.last_used_at is None or now - k.last_used_at > dt.timedelta(minutes=1):
            repo.touch_key(session, k.id, now)
        return _view(k)

"""Queries on the API's tables: keys and idempotent requests (webhooks: ``webhooks.py``)."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db.models import ApiKey, IdempotentRequest


def add_key(session: Session, **values) -> ApiKey:
    key = ApiKey(**values)
    session.add(key)
    session.flush()
    return key


def key_by_hash(session: Session, key_hash: str) -> ApiKey | None:
    return session.scalars(sa.select(ApiKey).where(ApiKey.key_hash == key_hash)).first()


def keys_of(session: Session, workspace: str) -> list[ApiKey]:
    return list(session.scalars(
        sa.select(ApiKey).where(ApiKey.workspace == workspace).order_by(ApiKey.created_at.desc())))


def revoke_key(session: Session, workspace: str, key_id: uuid.UUID, now: dt.datetime) -> int:
    return session.execute(
        sa.update(ApiKey).where(ApiKey.workspace == workspace, ApiKey.id == key_id,
                                ApiKey.revoked_at.is_(None))
        .values(revoked_at=now).execution_options(synchronize_session=False)
    ).rowcount


def key_exists(session: Session, workspace: str, key_id: uuid.UUID) -> bool:
    return session.scalar(sa.select(sa.func.count()).select_from(ApiKey).where(
        ApiKey.workspace == workspace, ApiKey.id == key_id)) == 1


def touch_key(session: Session, key_id: uuid.UUID, now: dt.datetime) -> None:
    session.execute(sa.update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=now)
                    .execution_options(synchronize_session=False))


def idempotent(session: Session, workspace: str, key: str) -> IdempotentRequest | None:
    return session.scalars(sa.select(IdempotentRequest).where(
        IdempotentRequest.workspace == workspace, IdempotentRequest.key == key)).first()


def remember(session: Session, **values) -> None:
    session.add(IdempotentRequest(**values))
    session.flush()


def forget_before(session: Session, before: dt.datetime) -> int:
    return session.execute(sa.delete(IdempotentRequest).where(IdempotentRequest.created_at < before)
                           .execution_options(synchronize_session=False)).rowcount

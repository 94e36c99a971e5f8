"""Queries on ``products``."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db.models import Product


def by_ids(session: Session, workspace: str, ids: list[uuid.UUID]) -> dict[uuid.UUID, Product]:
    if not ids:
        return {}
    stmt = sa.select(Product).where(Product.workspace == workspace, Product.id.in_(ids))
    return {p.id: p for p in session.scalars(stmt)}


def by_url(session: Session, workspace: str, url: str) -> Product | None:
    stmt = sa.select(Product).where(Product.workspace == workspace, Product.url == url)
    return session.scalars(stmt).first()


def by_urls(session: Session, workspace: str, urls: list[str]) -> list[Product]:
    if not urls:
        return []
    stmt = sa.select(Product).where(Product.workspace == workspace, Product.url.in_(urls))
    return list(session.scalars(stmt))

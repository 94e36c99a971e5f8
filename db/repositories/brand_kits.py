"""Queries on brand_kits: one row per workspace."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.base import utcnow
from db.models.brand_kit import BrandKit


def get(session: Session, workspace: str) -> BrandKit | None:
    return session.get(BrandKit, workspace)


def put(session: Session, workspace: str, kit: dict, updated_by: str = "") -> BrandKit:
    """Create or replace the workspace's kit (the row is locked while it changes)."""
    row = session.get(BrandKit, workspace, with_for_update=True)
    if row is None:
        row = BrandKit(workspace=workspace, kit=kit, version=1, updated_by=updated_by)
        session.add(row)
    else:
        row.kit, row.version = kit, (row.version or 0) + 1
        row.updated_by, row.updated_at = updated_by, utcnow()
    session.flush()
    return row

"""Deployment-wide counts for operators (health and metrics): every workspace together."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from db.models import GenerationJob, Preview


def ping(session: Session) -> None:
    session.execute(sa.text("SELECT 1"))


def previews_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(sa.select(Preview.status, sa.func.count()).group_by(Preview.status))
    return {str(status): count for status, count in rows}


def jobs_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(
        sa.select(GenerationJob.status, sa.func.count()).group_by(GenerationJob.status)
    )
    return {str(status): count for status, count in rows}

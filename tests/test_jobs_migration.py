"""Migration 0003 (generation_jobs) goes down and up again cleanly."""

from __future__ import annotations

import sqlalchemy as sa

from db.engine import get_engine
from db.migrate import downgrade, upgrade


def test_the_generation_jobs_migration_downgrades_and_upgrades(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    assert "generation_jobs" in sa.inspect(get_engine(url)).get_table_names()
    downgrade(url, "0002")
    get_engine(url).dispose()
    assert "generation_jobs" not in sa.inspect(get_engine(url)).get_table_names()
    upgrade(url)
    get_engine(url).dispose()
    indexes = {ix["name"] for ix in sa.inspect(get_engine(url)).get_indexes("generation_jobs")}
    assert indexes == {"ix_generation_jobs_workspace_created", "ix_generation_jobs_dedupe",
                       "ix_generation_jobs_status"}

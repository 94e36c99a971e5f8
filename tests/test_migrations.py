"""The Alembic migrations build exactly the models' schema, on both backends."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from db.base import Base
from db.engine import get_engine


def test_migrated_schema_matches_the_models(db):
    engine = get_engine(db)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def test_required_indexes_exist(db):
    inspector = sa.inspect(get_engine(db))
    cols = {tuple(ix["column_names"]) for ix in inspector.get_indexes("previews")}
    assert ("batch_id", "status") in cols and ("product_id", "status") in cols
    assert any(c[:2] == ("workspace", "created_at") for c in cols)
    bcols = {tuple(ix["column_names"]) for ix in inspector.get_indexes("batches")}
    assert any(c[:2] == ("workspace", "created_at") for c in bcols)


def test_the_migrate_command_says_what_it_did(tmp_path):
    # a walk-through ran it on an empty database and was told only "database is up to date"
    import subprocess
    import sys
    from pathlib import Path

    from alembic.script import ScriptDirectory

    from db.migrate import ROOT, alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    run = lambda: subprocess.run([sys.executable, "-m", "db.migrate", url], cwd=ROOT,  # noqa: E731
                                 capture_output=True, text=True, timeout=120, check=True).stdout.strip()
    assert run() == f"database schema created (revision {head})"
    assert run() == f"database is up to date (already at revision {head})"
    assert Path(tmp_path / "fresh.db").stat().st_size > 0

"""Apply the Alembic migrations: ``python -m db.migrate [URL]`` (default: DATABASE_URL)."""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str | None = None) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    if url:
        cfg.attributes["url"] = url
    return cfg


# pg_advisory_lock key: "ctabs migrate" — one migrator at a time across every host.
MIGRATION_LOCK_KEY = 0x63746162_6D696772


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision``.

    On PostgreSQL the run holds a session advisory lock, so dashboards and the migrate step
    starting together on several hosts migrate once, one after the other (the later ones
    find the schema current and do nothing). SQLite serialises writers by itself.
    """
    from db.engine import default_url, make_engine

    resolved = url or default_url()
    engine = make_engine(resolved)
    try:
        if engine.dialect.name != "postgresql":
            engine.dispose()
            command.upgrade(alembic_config(resolved), revision)
            return
        import sqlalchemy as sa

        with engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            conn.commit()
            try:
                cfg = alembic_config(resolved)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                conn.commit()
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
                conn.commit()
    finally:
        engine.dispose()


def downgrade(url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def current_revision(url: str | None = None) -> str | None:
    """The revision the database at ``url`` is at (None: no schema yet)."""
    from alembic.runtime.migration import MigrationContext

    from db.engine import default_url, make_engine

    engine = make_engine(url or default_url())
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def main(argv: list[str]) -> str:
    """Migrate and say what happened ("created the schema at 0012", "already at 0012")."""
    url = argv[0] if argv else None
    before = current_revision(url)
    upgrade(url)
    after = current_revision(url)
    if before == after:
        return f"database is up to date (already at revision {after})"
    if before is None:
        return f"database schema created (revision {after})"
    return f"database migrated from revision {before} to {after}"


if __name__ == "__main__":
    import core.settings  # noqa: F401  (installs the settings' DATABASE_URL reader)

    print(main(sys.argv[1:]))

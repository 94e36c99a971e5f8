"""Engine and session factory (one engine per process and URL) and the unit of work.

SQLite runs in WAL mode with a busy timeout and takes its write lock at BEGIN
(``BEGIN IMMEDIATE``), so concurrent writers queue instead of failing with
"database is locked", and read-modify-write transactions are serialised as on PostgreSQL
with ``SELECT … FOR UPDATE``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

_lock = threading.Lock()
_engines: dict[str, sa.Engine] = {}
_factories: dict[str, sessionmaker[Session]] = {}


def _normalize_url(url: str) -> str:
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> sa.Engine:
    """Create an engine for ``url`` with the pragmas/pooling this project relies on."""
    url = _normalize_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=10,
            max_overflow=20,
        )

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _on_begin(conn):  # pragma: no cover - exercised by every test
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


_default_url: Callable[[], str] | None = None


def set_default_url(provider: Callable[[], str]) -> None:
    """Where the default database URL comes from (``core.settings`` installs its reader;
    ``db`` never imports ``core``)."""
    global _default_url
    _default_url = provider


def default_url() -> str:
    if _default_url is not None:
        return _default_url()
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("no database URL: set DATABASE_URL or import core.settings first")
    return url


def _resolve(url: str | None) -> str:
    return default_url() if url is None else url


def get_engine(url: str | None = None) -> sa.Engine:
    """The process-wide engine for ``url`` (default: settings.database_url)."""
    url = _resolve(url)
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = make_engine(url)
            _factories[url] = sessionmaker(engine, expire_on_commit=False)
        return engine


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    """The sessionmaker bound to the process-wide engine for ``url``."""
    url = _resolve(url)
    get_engine(url)
    return _factories[url]


@contextmanager
def unit_of_work(url: str | None = None) -> Iterator[Session]:
    """One transaction: commits on success, rolls back on any exception. Nothing else commits."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dispose_engines() -> None:
    """Close every pooled connection (tests, and after fork)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _factories.clear()

"""Shared fixtures.

Backends: every test that takes ``db`` runs twice, on a fresh SQLite file and on a fresh
PostgreSQL database created for this run (dropped afterwards). Redis tests get a key
prefix of their own, deleted afterwards. Locally, a missing server skips those tests;
under ``CI=true`` it fails them.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

# Settings must be decided before the app is imported anywhere.
_TMP_ROOT = Path(os.environ.get("CTABS_TEST_TMP", "/tmp")) / f"ctabs-test-{os.getpid()}"
_TMP_ROOT.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("MEDIA_ROOT", str(_TMP_ROOT / "media"))
os.environ["CTABS_SECRETS_FILE"] = str(_TMP_ROOT / "no-secrets.toml")
os.environ.pop("GEMINI_API_KEY", None)
os.environ.pop("REDIS_URL", None)
os.environ["DATABASE_URL"] = f"sqlite:///{_TMP_ROOT / 'default.db'}"

import sqlalchemy as sa  # noqa: E402

from core import dispatch as dispatch_mod  # noqa: E402
from core.settings import reset_settings  # noqa: E402
from db.engine import dispose_engines  # noqa: E402
from db.migrate import upgrade  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_ADMIN_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def unavailable(reason: str):
    """Skip locally, fail under CI: CI must never pass by skipping real-server tests."""
    if IN_CI:
        pytest.fail(f"{reason} (required under CI=true)", pytrace=False)
    pytest.skip(reason)


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping (locally) when that folder is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} is missing (CI runs with ../shared beside the clone)")
        pytest.skip(f"{path} is absent: ../shared is not beside this clone")
    return path


@pytest.fixture(scope="session")
def pg_url():
    """A fresh PostgreSQL database for this test run, migrated, dropped at the end."""
    try:
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001
        unavailable(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc.__class__.__name__}")
    admin.dispose()
    from bench.harness import temp_database

    with temp_database(PG_ADMIN_URL) as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_url():
    url = f"sqlite:///{_TMP_ROOT / f'test-{uuid.uuid4().hex[:8]}.db'}"
    upgrade(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, monkeypatch):
    """Point the app at a migrated database (both backends). Yields the URL."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    monkeypatch.setenv("DATABASE_URL", url)
    reset_settings()
    yield url
    reset_settings()


@pytest.fixture
def sqlite_db(sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    reset_settings()
    yield sqlite_url
    reset_settings()


@pytest.fixture
def workspace() -> str:
    """A workspace of its own for each test: tests never see each other's rows."""
    return f"ws-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def sent():
    """Record what services hand to the pipeline instead of sending it."""
    messages: list[tuple[str, tuple]] = []
    dispatch_mod.register(lambda kind, args: messages.append((kind, args)))
    yield messages
    dispatch_mod.unregister()


@pytest.fixture
def settings_env(monkeypatch):
    """Set environment variables for settings, then re-read them."""

    def apply(**values):
        for key, value in values.items():
            monkeypatch.setenv(key, str(value))
        reset_settings()

    yield apply
    reset_settings()


@pytest.fixture(scope="session")
def redis_url():
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        client.ping()
    except Exception as exc:  # noqa: BLE001
        unavailable(f"Redis is not reachable at {REDIS_URL}: {exc.__class__.__name__}")
    return REDIS_URL


@pytest.fixture
def redis_prefix(redis_url):
    """A key prefix for this test; every key under it is deleted afterwards."""
    import redis

    prefix = f"ctabs-test-{uuid.uuid4().hex[:10]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


# --- production mode: real dramatiq worker processes on Redis + PostgreSQL ------------------


@pytest.fixture
def own_database(pg_url):
    """A database of this test's own: the workers' reconcilers see no other test's rows."""
    from bench.harness import temp_database

    with temp_database(PG_ADMIN_URL) as url:
        yield url


@pytest.fixture
def production(own_database, redis_url, redis_prefix, monkeypatch, tmp_path):
    """Point this process at PostgreSQL + the workers' Redis; start workers on demand."""
    import time

    from bench.harness import RedisSender, delete_prefix, start_workers, stop_workers

    pg_url = own_database
    base_env = {
        "DATABASE_URL": pg_url, "REDIS_URL": redis_url, "REDIS_PREFIX": redis_prefix,
        "PIPELINE_STAGES": "bench.instant_stages:install", "MEDIA_ROOT": str(tmp_path),
        "RETRY_SCHEDULE_SECONDS": "1,1,1", "MAX_URLS_PER_BATCH": "5",
    }
    monkeypatch.setenv("DATABASE_URL", pg_url)
    reset_settings()
    sender = RedisSender(redis_url, redis_prefix)
    dispatch_mod.register(lambda kind, args: sender(kind, args))
    procs: list = []

    def launch(n, threads=4, **env):
        started = start_workers(n, {**base_env, **{k: str(v) for k, v in env.items()}}, threads=threads)
        procs.extend(started)
        time.sleep(4)  # boot
        return started

    yield launch
    stop_workers(procs)
    dispatch_mod.unregister()
    sender.close()
    delete_prefix(redis_url, redis_prefix)
    reset_settings()


@pytest.fixture
def fleet(own_database, redis_url, redis_prefix, tmp_path):
    """Production settings of this test's own (PostgreSQL database, Redis prefix) and two
    real worker processes; yields (env for a dashboard process, worker processes)."""
    from bench.harness import start_workers, stop_workers

    env = {
        "DATABASE_URL": own_database, "REDIS_URL": redis_url, "REDIS_PREFIX": redis_prefix,
        "MEDIA_ROOT": str(tmp_path), "ALLOW_PRIVATE_FETCH": "true", "HF_HUB_OFFLINE": "1",
        # the reconciler must not be what starts the work: its grace is far beyond any bound
        "RECONCILE_GRACE_SECONDS": "120", "GENERATION_RATE_LIMIT": "20/m",
        "CTABS_SECRETS_FILE": str(tmp_path / "no-secrets.toml"),
    }
    workers = start_workers(2, env, threads=2)
    try:
        yield env, workers
    finally:
        stop_workers(workers)


@pytest.fixture(autouse=True)
def _no_leftover_generation_limiter():
    """Each test starts with no process generation limiter registered (a broker built by an
    earlier test registers its middleware's, whose in-memory log would carry Gemini's
    extraction starts from test to test); a test that builds a broker registers its own."""
    from core import ratelimit

    before = ratelimit._current
    ratelimit._current = None
    yield
    ratelimit._current = before

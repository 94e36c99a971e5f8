import pytest

from core.errors import ValidationError
from core.settings import RateLimit, load_settings


def test_defaults_are_embedded_and_offline():
    s = load_settings({})
    assert s.embedded and not s.use_gemini
    assert s.database_url.startswith("sqlite:///") and s.database_url.endswith("data/ctabs.db")
    assert s.generation_rate_limit == RateLimit(20, 60)
    assert (s.max_urls_per_batch, s.batch_size_max, s.duplicate_window_seconds) == (5, 10, 5.0)
    assert s.retry_schedule_seconds == (60.0, 300.0, 900.0)
    assert s.allow_private_fetch is False


def test_environment_overrides_every_documented_field():
    s = load_settings({
        "DATABASE_URL": "postgresql+psycopg://u@h/db", "REDIS_URL": "redis://h:6379/0",
        "GEMINI_API_KEY": "sekrit", "GENERATION_RATE_LIMIT": "10/5s", "MAX_URLS_PER_BATCH": "7",
        "BATCH_SIZE_MAX": "4", "DUPLICATE_WINDOW_SECONDS": "2.5",
        "RETRY_SCHEDULE_SECONDS": "1,2,3", "ALLOW_PRIVATE_FETCH": "true",
    })
    assert not s.embedded and s.use_gemini and not s.is_sqlite
    assert s.generation_rate_limit == RateLimit(10, 5)
    assert (s.max_urls_per_batch, s.batch_size_max, s.duplicate_window_seconds) == (7, 4, 2.5)
    assert s.retry_schedule_seconds == (1.0, 2.0, 3.0)
    assert s.allow_private_fetch is True


def test_api_key_never_shows_in_repr():
    s = load_settings({"GEMINI_API_KEY": "AIza-very-secret"})
    assert "AIza-very-secret" not in repr(s)
    assert s.gemini_api_key == "AIza-very-secret"


@pytest.mark.parametrize("text,expected", [
    ("20/m", (20, 60)), ("20/10s", (20, 10)), ("100/h", (100, 3600)), ("5/2min", (5, 120)),
])
def test_rate_limits_parse(text, expected):
    r = RateLimit.parse(text)
    assert (r.limit, r.window_seconds) == expected


@pytest.mark.parametrize("env", [
    {"GENERATION_RATE_LIMIT": "fast"}, {"MAX_URLS_PER_BATCH": "many"},
    {"RETRY_SCHEDULE_SECONDS": "1,x"}, {"ALLOW_PRIVATE_FETCH": "maybe"}, {"BATCH_SIZE_MAX": "0"},
])
def test_bad_settings_are_refused_with_the_variable_name(env):
    with pytest.raises(ValidationError) as err:
        load_settings(env)
    assert next(iter(env)) in str(err.value) or "BATCH_SIZE_MAX" in str(err.value)


def test_secrets_file_is_read_and_environment_wins(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('GEMINI_API_KEY = "from-file"\nMAX_URLS_PER_BATCH = 3\n')
    monkeypatch.setenv("CTABS_SECRETS_FILE", str(secrets))
    s = load_settings({"MAX_URLS_PER_BATCH": "4"})
    assert s.gemini_api_key == "from-file"
    assert s.max_urls_per_batch == 4

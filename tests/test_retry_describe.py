"""What a user reads about a failure: an AppError's message, or words and a reference — never
an exception's text (SQL, parameters, driver messages), which goes to the log instead."""

from __future__ import annotations

import logging
import re
import uuid

import psycopg
import pytest
import sqlalchemy as sa
import sqlalchemy.exc

from core.batches import create_batch
from core.errors import ScrapeError
from core.pipeline import stages
from core.pipeline.retry import decide, describe
from core.pipeline.sources import prepare_source, start_batch
from db.engine import unit_of_work
from db.models import Preview

LEAKS = ("SQL", "INSERT", "products", "DataError", "psycopg", "NUL", "Nice", "secret")


def data_error() -> sqlalchemy.exc.DataError:
    return sqlalchemy.exc.DataError(
        "INSERT INTO products (id, title) VALUES (%(id)s, %(title)s)",
        {"id": "1", "title": "Nice\x00Shoe secret"},
        psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"),
    )


def assert_in_words(message: str):
    for leak in LEAKS:
        assert leak not in message, f"{leak!r} reached the user: {message}"
    assert re.search(r"\(reference [0-9a-f]{10}\)", message), message


def test_an_unexpected_database_error_is_described_without_its_text(caplog):
    exc = data_error()
    assert "[SQL: INSERT INTO products" in str(exc)  # what used to be shown
    with caplog.at_level(logging.ERROR, logger="core.pipeline.retry"):
        message = describe(exc)
    assert_in_words(message)
    assert message.startswith("An unexpected error stopped this item; it was logged for the operators")
    ref = re.search(r"reference ([0-9a-f]+)", message).group(1)
    logged = [r for r in caplog.records if getattr(r, "reference", None) == ref]
    assert len(logged) == 1 and logged[0].error_class == "DataError"
    assert "INSERT INTO products" in logged[0].exc_text  # the detail is in the log
    assert describe(exc) == message  # the same reference, logged once
    assert len([r for r in caplog.records if getattr(r, "reference", None) == ref]) == 1


@pytest.mark.parametrize("exc", [RuntimeError("boom at /srv/app/secret.py"), KeyError("secret"),
                                 ValueError("SELECT * FROM products")])
def test_any_other_exception_is_described_in_words(exc):
    assert_in_words(describe(exc))
    assert exc.__class__.__name__ not in describe(exc)


def test_decisions_carry_the_words_and_keep_the_retry_policy():
    permanent = decide(data_error(), 0)
    assert not permanent.retry
    assert_in_words(permanent.message)
    operational = sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))
    transient = decide(operational, 0)
    assert transient.retry and transient.message.startswith("A temporary problem interrupted this item")
    assert "SELECT" not in transient.message and "server closed" not in transient.message
    assert decide(operational, 99).message.endswith("retries)")


def test_app_errors_keep_their_own_message():
    assert describe(ScrapeError("page returned HTTP 404", transient=False)) == "page returned HTTP 404"


def test_a_url_failing_with_a_database_error_shows_words_on_its_previews(db, settings_env, sent, workspace):
    url = "https://shop.example.com/products/db-error"
    info = create_batch(workspace, "alice", [{"url": url, "batch_size": 2}])
    start_batch(str(info.id))

    def scrape(_):
        raise data_error()

    stages.override(scrape=scrape)
    try:
        assert prepare_source(str(info.id), url) == []
    finally:
        stages.reset()
    with unit_of_work() as s:
        rows = s.execute(sa.select(Preview.status, Preview.error_message)
                         .where(Preview.batch_id == uuid.UUID(str(info.id)))).all()
    assert {status for status, _ in rows} == {"failed"}
    for _, message in rows:
        assert_in_words(message)


def test_an_unexpected_gemini_error_reaches_the_user_as_words_only(caplog):
    """The Gemini error translator's last resort names no exception class or text."""
    import logging

    from core.generators.gemini_errors import classify_genai_error

    exc = KeyError("candidates[0].content.parts -- SELECT * FROM secrets")
    with caplog.at_level(logging.ERROR):
        err = classify_genai_error(exc, model="gemini-2.5-flash", secret="AIzaKEY")
    assert not err.transient
    assert "KeyError" not in err.message and "SELECT" not in err.message and "candidates" not in err.message
    assert "reference" in err.message
    logged = [r for r in caplog.records if r.getMessage() == "gemini.unexpected_error"]
    assert logged and "SELECT" in logged[0].detail and logged[0].reference in err.message

"""The rate limiter's normal hold-back (dramatiq's SkipMessage) is not logged as a WARNING
(walk-through: every normal run printed "Message generate_preview(…) was skipped.")."""

from __future__ import annotations

import logging

from core.logs import SkippedIsNormal


def _record(msg: str, level: int = logging.WARNING) -> logging.LogRecord:
    return logging.LogRecord("dramatiq.worker.WorkerThread", level, __file__, 1, msg, ("m",), None)


def test_a_skipped_message_is_a_debug_line(caplog):
    logger = logging.getLogger("test.skip.worker")
    logger.addFilter(SkippedIsNormal())
    root = logging.getLogger()
    old = root.level
    try:
        root.setLevel(logging.INFO)
        with caplog.at_level(logging.INFO, logger="test.skip.worker"):
            logger.warning("Message %s was skipped.", "generate_preview('x')")
            logger.warning("Message %s failed badly.", "generate_preview('x')")
        assert [r.getMessage() for r in caplog.records] == ["Message generate_preview('x') failed badly."]
        root.setLevel(logging.DEBUG)
        with caplog.at_level(logging.DEBUG, logger="test.skip.worker"):
            logger.warning("Message %s was skipped.", "generate_preview('y')")
        assert caplog.records[-1].levelname == "DEBUG" and "was skipped" in caplog.records[-1].getMessage()
    finally:
        root.setLevel(old)

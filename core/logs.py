"""Logging, configured once per process (dashboard, API host, worker): JSON lines on stderr.

Each line is one JSON object: ``ts``, ``level``, ``logger``, ``msg``, the process role and
pid, every ``extra=`` field of the call, and the traceback when there is one. Secrets never
reach a line: the values of secret settings (the Gemini key, passwords inside database or
Redis URLs, an ``Authorization`` bearer token) are replaced with ``***`` after formatting.

``LOG_LEVEL`` (default ``INFO``) sets the root level; ``LOG_FORMAT=text`` gives plain lines
for a developer's terminal.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import sys
import threading

_lock = threading.Lock()
_configured: str | None = None

# Attributes every LogRecord has: anything else on a record came from ``extra=``.
_STANDARD = set(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {"message", "asctime"}
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?P<pw>[^@/\s]+)@", re.I)
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]{6,}", re.I)


def _secret_values() -> list[str]:
    values = []
    for name in ("GEMINI_API_KEY", "METRICS_TOKEN"):
        v = os.environ.get(name, "")
        if len(v) >= 4:
            values.append(v)
    try:
        from core.settings import get_settings

        settings = get_settings()
        for secret in (settings.gemini_api_key, settings.metrics_token):
            raw = str.__str__(secret)
            if raw and len(raw) >= 4 and raw not in values:
                values.append(raw)
    except Exception:  # noqa: BLE001 - settings may be invalid while logging that fact
        pass
    return values


def redact(text: str, secrets: list[str] | None = None) -> str:
    """``text`` with secret values, URL passwords and bearer tokens replaced by ``***``."""
    for value in secrets if secrets is not None else _secret_values():
        text = text.replace(value, "***")
    text = _URL_PASSWORD.sub(lambda m: f"{m.group('scheme')}***@", text)
    return _BEARER.sub(r"\1***", text)


class JsonFormatter(logging.Formatter):
    def __init__(self, role: str) -> None:
        super().__init__()
        self.role = role
        self._secrets = _secret_values()

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "role": self.role,
            "pid": record.process,
            "thread": record.threadName,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in out:
                out[key] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            out["stack"] = self.formatStack(record.stack_info)
        return redact(json.dumps(out, ensure_ascii=False, default=str), self._secrets)


class RedactingTextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def make_formatter(role: str) -> logging.Formatter:
    if os.environ.get("LOG_FORMAT", "json").lower() == "text":
        return RedactingTextFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    return JsonFormatter(role)


def configure_logging(role: str) -> None:
    """Once per process: root at ``LOG_LEVEL``; every root handler writes JSON lines.

    Handlers someone installed before (Dramatiq's worker processes log through a pipe to
    their parent) keep their destination and get our formatter; with none, one stderr
    handler is added.
    """
    global _configured
    with _lock:
        if _configured is not None:  # the first role wins (an embedded worker is the dashboard's)
            return
        root = logging.getLogger()
        level = os.environ.get("LOG_LEVEL", "INFO").upper()
        root.setLevel(getattr(logging, level, logging.INFO))
        formatter = make_formatter(role)
        if not root.handlers:
            root.addHandler(logging.StreamHandler(sys.stderr))
        for handler in root.handlers:
            if type(handler).__module__.startswith("_pytest"):
                continue  # pytest's capture keeps its own format
            handler.setFormatter(formatter)
        # Dramatiq's own loggers carry handlers of their own in some setups.
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
        for name in ("dramatiq",):
            for handler in logging.getLogger(name).handlers:
                handler.setFormatter(formatter)
        # The rate limiter holds a message back by raising SkipMessage, which dramatiq's worker
        # logs as a WARNING on every normal run; that is the limiter working, not a problem.
        logging.getLogger("dramatiq.worker.WorkerThread").addFilter(SkippedIsNormal())
        _configured = role


class SkippedIsNormal(logging.Filter):
    """Turns dramatiq's "Message … was skipped." warning into a DEBUG line (the limiter's
    normal hold-back), dropped unless LOG_LEVEL=DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and str(record.msg).endswith("was skipped."):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger().isEnabledFor(logging.DEBUG)
        return True

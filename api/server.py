"""What the dashboard's server runs beside Streamlit: the lifespan and plain HTTP routes.

- ``/api``: the JSON API (:mod:`api.app`), its OpenAPI at ``/api/openapi.json``.
- ``lifespan``: start (and stop) the process's background parts — see :mod:`actors.boot`.
- ``GET /healthz``: 200 when the database (and, in production, the broker) answers, else
  503; a JSON body naming each check in words (never an exception text), and whether queued
  work is processed (``processing``); ``?require=workers`` also answers 503 when no worker runs.
- ``GET /metrics``: Prometheus text format — previews and media jobs by status, queue
  depth, rate-limit use, live workers (see README "Operations").
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def lifespan(app):
    from actors import boot

    await asyncio.to_thread(boot.start_dashboard)
    try:
        yield {}
    finally:
        await asyncio.to_thread(boot.stop_dashboard)


async def healthz(request: Request) -> JSONResponse:
    from core import health

    report = await asyncio.to_thread(health.check)
    healthy = report["status"] == "ok"
    if request.query_params.get("require") == "workers" and report["processing"] != "ok":
        healthy = False  # a monitor alerting when nothing processes: the body says so too
        report = {**report, "status": "unavailable"}
    return JSONResponse(report, status_code=200 if healthy else 503, headers={"Cache-Control": "no-store"})


async def metrics(request: Request) -> PlainTextResponse:
    import hmac

    from core import health
    from core.settings import get_settings

    token = get_settings().metrics_token
    if token:  # METRICS_TOKEN set: the scraper must send it (the figures span every workspace)
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        given = given.strip() if scheme.lower() == "bearer" else ""
        if not hmac.compare_digest(given.encode(), str(token).encode()):
            return PlainTextResponse("metrics need the METRICS_TOKEN as a Bearer token\n", status_code=401,
                                     headers={"WWW-Authenticate": "Bearer", "Cache-Control": "no-store"})

    text = await asyncio.to_thread(health.prometheus_text)
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4; charset=utf-8",
                             headers={"Cache-Control": "no-store"})


def on_script_error(exc: Exception) -> bool:
    """An uncaught error in a page run: the detail goes to the log (JSON, with a
    reference); the user sees a sentence with the same reference, never the exception."""
    import uuid

    reference = uuid.uuid4().hex[:10]
    log.error("page.uncaught_error", exc_info=exc, extra={"reference": reference})
    try:
        import streamlit as st

        st.error("Something went wrong on this page; it was logged for the operators "
                 f"(reference {reference}). Reload the page to try again.")
        return True  # our message replaces Streamlit's
    except Exception:  # noqa: BLE001 - fall back to Streamlit's own (redacted) notice
        return False


def routes() -> list:
    return [Route("/healthz", healthz, methods=["GET"]), Route("/metrics", metrics, methods=["GET"])]


class ApiPrefix:
    """Hands every request under ``/api`` to the JSON API (:mod:`api.app`).

    A middleware rather than a ``Mount``: a route's pattern does not match a path holding a
    newline (``%0A``), and such a request would then get Streamlit's plain-text 404 instead
    of the API's JSON error shape. The API sees ``root_path="/api"``, as under a mount.
    """

    PREFIX = "/api"

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and (path == self.PREFIX or path.startswith(self.PREFIX + "/")):
            from api.app import app as api_app

            child = dict(scope)
            child["root_path"] = scope.get("root_path", "") + self.PREFIX
            if path == self.PREFIX:
                child["path"] = self.PREFIX + "/"
            await api_app(child, receive, send)
            return
        await self.app(scope, receive, send)


def middleware() -> list:
    from starlette.middleware import Middleware

    return [Middleware(ApiPrefix)]

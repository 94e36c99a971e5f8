"""The JSON API of the product spec (FastAPI), mounted under ``/api`` by ``app.py``.

Every endpoint calls ``core`` services — the same ones the dashboard's pages call — and
holds no SQL and no business rules. Access: ``Authorization: Bearer <workspace API key>``
(:mod:`core.api_keys`); another workspace's ids answer 404. Errors have one shape:
``{"error": {"code", "message", "details"}}``, never a stack trace or SQL.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import functools
import json
import logging
import math
import re
import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import schemas as S
from core import api_keys, idempotency
from core.api_limits import check as rate_check
from core.render.formats import ALL_SIZES
from core.errors import (AppError, ConflictError, NotFoundError, PreconditionFailedError, Problem,
                         ValidationError, plain_words)

log = logging.getLogger(__name__)

CTA = "/llm-editor/cta"
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": S.ErrorBody, "description": "Invalid input: every problem is listed"},
    401: {"model": S.ErrorBody, "description": "No API key, or an unknown or revoked one"},
    404: {"model": S.ErrorBody, "description": "Not found in this workspace"},
    429: {"model": S.ErrorBody, "description": "Over the key's request limit (see Retry-After)"},
}
CONFLICT = {409: {"model": S.ErrorBody, "description": "Not allowed in the item's current state"}}

app = FastAPI(
    title="CTA Batch Studio API",
    version="1.0.0",
    description="Batches of product URLs → banner previews (prefills), and the image & video queue. "
                "Authenticate with `Authorization: Bearer <API key>` (keys: dashboard → API keys, "
                "or `python -m api.keys create --workspace W --name N`).",
    openapi_url="/openapi.json",
    docs_url="/docs",
    redoc_url=None,
    responses=ERRORS,
)


# --- errors: one shape everywhere -------------------------------------------------------------


def error_response(status: int, code: str, message: str, details: list[str] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details}}
    return JSONResponse(body, status_code=status, headers=headers)


class _RateHeaders:
    """The caller's rate budget (``caller`` keeps it in the request's state) on every answer it
    got through to; a plain ASGI wrapper (streamed downloads pass as they are)."""

    def __init__(self, inner) -> None:
        self.inner = inner

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return

        async def send_with_budget(message) -> None:
            extra = (scope.get("state") or {}).get("rate_headers")
            if message["type"] == "http.response.start" and extra:
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.inner(scope, receive, send_with_budget)


app.add_middleware(_RateHeaders)


@app.exception_handler(AppError)
async def _app_error(request: Request, exc: AppError) -> JSONResponse:
    if isinstance(exc, ValidationError):
        return error_response(400, "validation_error", exc.message, list(exc.problems))
    if isinstance(exc, NotFoundError):
        return error_response(404, "not_found", exc.message)
    if isinstance(exc, PreconditionFailedError):
        return error_response(412, "precondition_failed", exc.message)
    if isinstance(exc, ConflictError):
        return error_response(409, "conflict", exc.message)
    return error_response(400, "bad_request", exc.message)


def _field(loc: tuple) -> str:
    """The field's name as the caller wrote it: "batch_id", not "path.batch_id"."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _problem(e: dict) -> Problem:
    """One schema error in the words the service's own checks use: rows 1-based ("Row 5:
    batch_size: …"), a JSON syntax error with its character position."""
    loc = tuple(e.get("loc", ()))
    if e.get("type") == "json_invalid":
        at = next((p for p in loc if isinstance(p, int)), None)
        reason = (e.get("ctx") or {}).get("error") or "not valid JSON"
        return Problem(f"body: not valid JSON at character {at} ({reason})" if at is not None
                       else f"body: {reason}")
    parts = [p for p in loc if p != "body"]
    if len(parts) >= 2 and parts[0] == "sources" and isinstance(parts[1], int):
        rest = ".".join(str(p) for p in parts[2:])
        return Problem(f"Row {parts[1] + 1}: " + (f"{rest}: " if rest else "") + plain_words(e),
                       parts[1] + 1, str(parts[2]) if len(parts) > 2 else None)
    return Problem(f"{_field(loc)}: {plain_words(e)}")


def _row_problems(body: object, named: list[Problem]) -> list[str]:
    """The batch rules' problems of a submission whose shape failed too (every problem at once):
    all but those about a row's field (or a whole row) that a schema error already named."""
    from core.batches import validate_sources

    if not (isinstance(body, dict) and isinstance(body.get("sources"), list)):
        return []
    said = {(p.row, p.field) for p in named if p.row is not None}
    try:
        validate_sources(body["sources"])
    except ValidationError as exc:
        return [p for p in exc.problems
                if not isinstance(p, Problem) or p.row is None
                or ((p.row, p.field) not in said and (p.row, None) not in said)]
    return []


@app.exception_handler(RequestValidationError)
async def _request_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    if any(e.get("type") == "json_invalid" for e in exc.errors()):
        # a body that is no JSON is refused before the endpoint's key is checked: check it first,
        # as for every other request (a stranger got 400, not 401, and it went uncounted — a walk-through)
        try:
            await caller(request, await bearer(request))
        except _Refused as refused:
            return await _http_error(request, refused)
        except AppError:
            pass  # (the key is good; what else is wrong is said below)
    details = [_problem(e) for e in exc.errors()]
    if request.method == "POST" and request.url.path.rstrip("/").endswith("/batch"):
        details += await run_in_threadpool(_row_problems, exc.body, details)  # (a long list: off the loop)
        # in row order (the schema's problems came before the rows' own checks: Row 4, Row 5, Row 1)
        details.sort(key=lambda d: int(m.group(1)) if (m := re.match(r"Row (\d+)\b", d)) else 0)
    more = f"; and {len(details) - 3} more" if len(details) > 3 else ""  # (the message said 3 of 6)
    return error_response(400, "validation_error",
                          "The request is not valid: " + "; ".join(details[:3]) + more, details)


@app.exception_handler(StarletteHTTPException)
async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    codes = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
             406: "not_acceptable", 409: "conflict", 412: "precondition_failed", 413: "too_large",
             415: "unsupported_media_type", 429: "rate_limited"}
    message = exc.detail if isinstance(exc.detail, str) else "The request could not be served"
    if exc.status_code == 400 and message == "There was an error parsing the body":
        # FastAPI's words for a body json could not read though it is no syntax error (nested
        # 1000 deep: a walk-through got code "error"); a validation error like any other bad JSON
        detail = "body: could not be read as JSON (nested too deeply, or not JSON)"
        return error_response(400, "validation_error", f"The request is not valid: {detail}", [detail])
    return error_response(exc.status_code, codes.get(exc.status_code, "error"), message,
                          headers=getattr(exc, "headers", None))


@app.exception_handler(Exception)
async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    reference = uuid.uuid4().hex[:10]
    log.error("api.unexpected_error", exc_info=exc, extra={"reference": reference,
                                                          "path": request.url.path})
    return error_response(500, "internal_error", "Something went wrong on our side; it was logged "
                          f"for the operators (reference {reference}). Try again later.")


# --- who is calling ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    workspace: str
    key_id: str
    user: str


class _Refused(StarletteHTTPException):
    pass


bearer = HTTPBearer(auto_error=False, description="a workspace API key")


def _query_params(dependant) -> dict[str, bool]:
    """The query parameters an endpoint takes (its own and its dependencies'), each with
    whether it takes several values (``?formats=a&formats=b``)."""
    from fastapi._compat import field_annotation_is_sequence

    names = {f.alias: field_annotation_is_sequence(f.field_info.annotation) for f in dependant.query_params}
    for sub in dependant.dependencies:
        names.update(_query_params(sub))
    return names


def _unknown_query(request: Request) -> None:
    """A query parameter the endpoint does not take is refused, not ignored (a walk-through
    asked ``?limit=5`` and silently got 50 items: the parameter is ``page_size``); so is one
    given twice that takes one value (``?status=done&status=failed`` kept only "failed")."""
    route = request.scope.get("route")
    if route is None or not hasattr(route, "dependant"):
        return
    known = _query_params(route.dependant)
    given = request.query_params
    takes = ", ".join(sorted(known)) if known else "none"
    problems = [f"{name}: is not a query parameter of this endpoint (it takes: {takes})"
                for name in sorted(set(given) - set(known))]
    problems += [f"{name}: given {len(given.getlist(name))} times; it takes one value"
                 for name in sorted(set(given) & set(known))
                 if not known[name] and len(given.getlist(name)) > 1]
    if problems:
        raise ValidationError("The request is not valid: " + "; ".join(problems), problems)


async def _unexpected_body(request: Request) -> None:
    """A body sent to an endpoint that takes none is refused, not ignored (a walk-through's
    ``{"note": "x"}`` to …/approve/ was accepted and dropped). An empty body, ``{}`` and
    ``null`` are fine: many clients send one with every POST."""
    route = request.scope.get("route")
    if (route is None or not hasattr(route, "dependant") or route.dependant.body_params
            or request.method not in ("POST", "PUT", "PATCH")):
        return
    body = (await request.body()).strip()
    if not body:
        return
    try:
        empty = json.loads(body) in ({}, None)
    except ValueError:
        empty = False
    if not empty:
        raise ValidationError("This endpoint takes no request body: send none (or {})",
                              ["body: this endpoint takes no request body"])


async def caller(request: Request,
                 credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Caller:
    raw = credentials.credentials.strip() if credentials else None
    key = await asyncio.to_thread(api_keys.authenticate, raw) if raw else None
    if key is None:
        raise _Refused(401, "A valid API key is required: send `Authorization: Bearer <key>`",
                       headers={"WWW-Authenticate": "Bearer"})
    verdict = await asyncio.to_thread(rate_check, str(key.id))
    if verdict is not None:
        # the budget on every answer, so a client can pace itself before it is refused
        # (IETF draft RateLimit header fields: limit, remaining, seconds until more)
        wait = max(1, math.ceil(verdict.reset_seconds))  # whole seconds, as Retry-After says them
        headers = {"RateLimit-Limit": str(verdict.limit), "RateLimit-Remaining": str(verdict.remaining),
                   "RateLimit-Reset": str(wait)}
        if not verdict.allowed:
            raise _Refused(429, f"Too many requests for this API key; try again in {wait} s",
                           headers={"Retry-After": str(wait), **headers})
        request.state.rate_headers = headers
    _unknown_query(request)  # (after the key: a stranger learns nothing of the parameters)
    await _unexpected_body(request)
    return Caller(key.workspace, str(key.id), f"api:{key.prefix}")


Who = Annotated[Caller, Depends(caller)]
PageSize = Annotated[int, Query(ge=1, le=500, description="items per page")]
# every ad format (core/render/formats.py); square, landscape and story stay as aliases
Size = Annotated[Literal[tuple(ALL_SIZES)], Query(  # type: ignore[valid-type]
    description="banner size: an ad format (iab_300x250, social_1080x1920, …) or square, "
                "landscape, story")]
Formats = Annotated[list[Literal[tuple(ALL_SIZES)]] | None, Query(  # type: ignore[valid-type]
    description="formats to include (repeat the parameter); default social_1080x1080, social_1200x628, "
                "social_1080x1920 (the original square, landscape, story)")]
Cursor = Annotated[str | None, Query(max_length=512, description="from a `next`/`previous` link")]


async def call(fn, *args, **kwargs):
    """Run a (blocking) core service off the event loop."""
    return await asyncio.to_thread(functools.partial(fn, *args, **kwargs))


def _link(request: Request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    return str(request.url.include_query_params(cursor=cursor))


# --- views: core's plain data → the published shapes ------------------------------------------


def _batch(info) -> dict:
    p = info.progress
    return {
        "id": info.id, "name": info.name, "status": info.status, "sources": info.sources,
        "error_message": info.error_message, "created_at": info.created_at,
        "updated_at": info.updated_at, "started_at": info.started_at, "finished_at": info.finished_at,
        "progress": p.as_dict(), "success_count": p.done, "failed_count": p.failed,
        "total_count": p.total, "is_completed": info.status in ("done", "failed", "cancelled"),
    }


def _preview(p) -> dict:
    return {
        "id": p.id, "bulk_task_id": p.batch_id, "product_id": p.product_id, "source_url": p.source_url,
        "variant_index": p.variant_index, "variant": p.variant_index + 1,
        "source_image_url": p.source_image_url,
        "prefill": p.prefill, "prefill_version": p.prefill_version, "status": p.status,
        "stage": p.stage, "error": p.error_message, "retry_count": p.retry_count,
        "failures": p.failures,
        "next_retry_at": p.next_retry_at, "created_at": p.created_at, "started_at": p.started_at,
        "finished_at": p.finished_at, "review_status": p.review_status,
        "regenerating": p.regenerating,
    }


def _job(request: Request, j) -> dict:
    outputs = [{"index": i, "url": str(request.url_for("media_job_file", job_id=str(j.id), index=i)),
                "size": r.size, "format": r.format, "content_type": r.content_type, "width": r.width,
                "height": r.height, "duration_seconds": r.duration_seconds}
               for i, r in enumerate(j.results)]
    return {"id": j.id, "kind": j.kind, "params": _public_params(j.params), "status": j.status,
            "generator": j.generator, "stage": j.stage, "error": j.error_message,
            "retry_count": j.retry_count, "failures": j.failures, "next_retry_at": j.next_retry_at,
            "created_at": j.created_at, "updated_at": j.updated_at, "started_at": j.started_at,
            "finished_at": j.finished_at, "outputs": outputs}


def _public_params(params: dict) -> dict:
    out = dict(params)
    ref = out.get("reference_image")
    if isinstance(ref, dict):  # no internal storage path
        out["reference_image"] = {k: v for k, v in ref.items() if k in ("name", "sha256", "width", "height")}
    return out


def _jsonable(data: Any) -> Any:
    from fastapi.encoders import jsonable_encoder

    return jsonable_encoder(data)


# --- batches ----------------------------------------------------------------------------------


@app.post(f"{CTA}/batch/", status_code=201, response_model=S.BatchCreated, tags=["batches"],
          responses={200: {"model": S.BatchCreated, "description": "The same submission within "
                           "DUPLICATE_WINDOW_SECONDS, or a retry with the same Idempotency-Key"},
                     **CONFLICT})
async def create_batch(request: Request, body: S.BatchCreate, who: Who,
                       idempotency_key: Annotated[str | None, Header(max_length=255)] = None):
    """Create a batch: one preview per variant of every URL, queued at once."""
    from core.batches import create_batch as create

    payload = body.model_dump()
    if payload.get("name") is None:  # a request without a name hashes as it always did (Idempotency-Key)
        payload.pop("name", None)
    digest = None
    if idempotency_key is not None:
        key = idempotency.check_key(idempotency_key)
        digest = idempotency.request_hash("POST", request.url.path, payload)
        stored = await call(idempotency.replay, who.workspace, key, digest)
        if stored is not None:
            return JSONResponse(stored[1], status_code=stored[0], headers={"Idempotent-Replayed": "true"})
    rows = [{k: v for k, v in s.items() if v is not None} for s in payload["sources"]]
    info = await call(create, who.workspace, who.user, rows, name=payload.get("name"))
    out = _jsonable({**_batch(info), "bulk_generate_task_id": info.id, "task_id": info.id})
    status = 201 if info.created else 200
    if digest is not None:
        await call(idempotency.remember, who.workspace, idempotency.check_key(idempotency_key),
                   digest, status, out)
    return JSONResponse(out, status_code=status)


@app.get(f"{CTA}/batch/", response_model=S.Page[S.Batch], tags=["batches"])
async def list_batches(request: Request, who: Who,
                       status: Literal["pending", "running", "done", "failed", "cancelled"] | None = None,
                       page_size: PageSize = 50, cursor: Cursor = None):
    """The workspace's batches, newest first, each with its progress (cursor pagination)."""
    from core.batches import list_batches as listing

    page = await call(listing, who.workspace, status=status, page_size=page_size, cursor=cursor)
    return {"next": _link(request, page.next_cursor), "previous": _link(request, page.prev_cursor),
            "results": [_batch(b) for b in page.items]}


def _money(amount, currency: str | None) -> str | None:
    """A stored amount as the currency writes it: "24.99" (not "24.9900"), "24990" CLP."""
    from core.extract.prices import minor_units

    return None if amount is None else f"{amount:.{minor_units(currency)}f}"


@app.get(f"{CTA}/batch/{{batch_id}}/", response_model=S.BatchDetail, tags=["batches"])
async def get_batch(batch_id: uuid.UUID, who: Who):
    """One batch: its progress and a summary per submitted URL."""
    from core.batches import get_batch as get

    detail = await call(get, who.workspace, batch_id)
    urls = [{"url": s.url, "batch_size": s.batch_size, "stage": s.stage, "product_id": s.product_id,
             "title": s.title, "price": _money(s.price, s.currency),
             "currency": s.currency, "ranking_method": s.ranking_method,
             "progress": s.progress.as_dict(), "errors": s.errors,
             "list_price": _money(s.list_price, s.currency),
             "price_source": s.price_source, "price_conflict": s.price_conflict}
            for s in detail.sources]
    return {**_batch(detail.batch), "urls": urls}


@app.delete(f"{CTA}/batch/{{batch_id}}/", status_code=204, response_class=Response, tags=["batches"])
async def delete_batch(batch_id: uuid.UUID, who: Who):
    """Delete a batch with its previews and their files."""
    from core.batches import delete_batch as delete

    await call(delete, who.workspace, batch_id)
    return Response(status_code=204)


@app.post(f"{CTA}/batch/{{batch_id}}/cancel/", response_model=S.Batch, tags=["batches"], responses=CONFLICT)
async def cancel_batch(batch_id: uuid.UUID, who: Who):
    """Cancel a batch: items not started never start; running results are discarded."""
    from core.batches import cancel_batch as cancel

    return _batch(await call(cancel, who.workspace, batch_id))


@app.post(f"{CTA}/batch/{{batch_id}}/retry/", response_model=S.RetryCount, tags=["batches"])
async def retry_batch(batch_id: uuid.UUID, who: Who):
    """Queue every failed preview of the batch again, but those a retry would fail the same way
    (counted in `left_out`)."""
    from core.batches import retry_failed_counted

    requeued, left = await call(retry_failed_counted, who.workspace, batch_id)
    return {"requeued": requeued, "left_out": left}


_DATA_URI = re.compile(r"data:([\w.+-]+/[\w.+-]+)?((?:;[\w.+-]+=[^;,]*)*)(;base64)?,", re.I)


def _base64_file(field: str, value: str) -> bytes:
    """A file sent as base64 in a JSON body: plain base64, wrapped in lines (MIME) or not, or a
    whole `data:` URI as a browser's FileReader gives it (`data:image/png;base64,…`)."""
    text = value.strip()
    uri = _DATA_URI.match(text)
    if uri:
        if not uri.group(3):
            raise ValidationError(f"{field}: this data: URI is not base64-encoded; send "
                                  "data:<type>;base64,<data> or the base64 text alone")
        text = text[uri.end():]
    try:
        return base64.b64decode(re.sub(r"\s+", "", text), validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(f"{field}: not valid base64 (send the file's bytes base64-encoded, "
                              "alone or as a data:<type>;base64, URI)") from None


@app.post(f"{CTA}/batch/{{batch_id}}/photo/", response_model=S.ResumeCount, tags=["batches"],
          responses=CONFLICT)
async def give_photo(batch_id: uuid.UUID, body: S.ProductPhoto, who: Who):
    """Give one product of the batch a photo (when its own images could not be downloaded or
    are not wanted): kept with the product, first of its images from now on, and the product's
    previews of this batch that did not finish are run again with it. The way out the
    dashboard's Previews page offers; `requeued` counts the previews re-run."""
    from core.previews import give_product_photo

    if (body.image_url is None) == (body.image_base64 is None):
        raise ValidationError("Give either image_url or image_base64 (one of the two)")
    data = None
    if body.image_base64 is not None:
        data = _base64_file("image_base64", body.image_base64)
    return {"requeued": await call(give_product_photo, who.workspace, batch_id, body.url,
                                   data=data, image_url=body.image_url)}


@app.post(f"{CTA}/batch/{{batch_id}}/text-only/", response_model=S.ResumeCount, tags=["batches"],
          responses=CONFLICT)
async def text_only(batch_id: uuid.UUID, body: S.ProductRef, who: Who):
    """Make one product's banners of this batch text-only (no photo: its copy on a backdrop
    drawn from colours); its previews that did not finish are run again that way, and the
    product remembers the choice until it is given a photo."""
    from core.previews import use_text_only

    return {"requeued": await call(use_text_only, who.workspace, batch_id, body.url)}


@app.post(f"{CTA}/batch/{{batch_id}}/resume/", response_model=S.ResumeCount, tags=["batches"])
async def resume_batch(batch_id: uuid.UUID, who: Who):
    """Queue every cancelled preview of the batch again (finished banners are kept)."""
    from core.batches import resume_cancelled

    return {"requeued": await call(resume_cancelled, who.workspace, batch_id)}


@app.get(f"{CTA}/batch/{{batch_id}}/download/", tags=["files"], response_class=Response,
         responses={200: {"content": {"application/zip": {}}, "description": "PNG in every chosen format, "
                          "HTML and the prefill JSON of every finished preview"}, **CONFLICT})
async def batch_zip(batch_id: uuid.UUID, who: Who, formats: Formats = None):
    """The batch as a ZIP (as the dashboard's ZIP button), in the chosen formats."""
    from core.exports import attachment, batch_export

    name, data = await call(batch_export, who.workspace, batch_id, formats)
    return Response(data, media_type="application/zip", headers={"Content-Disposition": attachment(name)})


# --- previews ---------------------------------------------------------------------------------


@app.get(f"{CTA}/previews/", response_model=S.Page[S.Preview], tags=["previews"])
async def list_previews(request: Request, who: Who, bulk_task_id: uuid.UUID | None = None,
                        product_id: uuid.UUID | None = None,
                        status: Literal["pending", "queued", "running", "retrying", "done", "failed",
                                        "cancelled"] | None = None,
                        page_size: PageSize = 100, cursor: Cursor = None,
                        review: Literal["approved", "rejected", "unreviewed"] | None = None):
    """Previews, newest first, optionally of one batch (``bulk_task_id``), product, status or
    review decision."""
    from core.previews import list_previews as listing

    page = await call(listing, who.workspace, batch_id=bulk_task_id, product_id=product_id,
                      status=status, page_size=page_size, cursor=cursor, review=review)
    return {"next": _link(request, page.next_cursor), "previous": _link(request, page.prev_cursor),
            "results": [_preview(p) for p in page.items]}


def _etag(version: int) -> str:
    return f'"{version}"'


@app.get(f"{CTA}/previews/{{preview_id}}/", response_model=S.Preview, tags=["previews"])
async def get_preview(preview_id: uuid.UUID, who: Who, response: Response):
    """One preview with its full prefill; the ``ETag`` is its prefill version (for If-Match)."""
    from core.previews import get_preview as get

    p = await call(get, who.workspace, preview_id)
    response.headers["ETag"] = _etag(p.prefill_version)
    return _preview(p)


def _if_match(value: str | None) -> int | None:
    if value is None:
        return None
    if value.strip().startswith("W/"):  # If-Match compares strongly: a weak validator never matches (RFC 9110)
        raise PreconditionFailedError("If-Match needs the preview's ETag as given (\"3\"): a weak validator "
                                      "(W/…) never matches")
    text = value.strip().strip('"')
    if text == "*":
        return None
    try:
        return int(text)
    except ValueError:
        raise ValidationError("If-Match must be the preview's ETag (its prefill version), e.g. \"3\"",
                              ["If-Match: must be a prefill version such as \"3\""]) from None


PRECONDITION = {412: {"model": S.ErrorBody, "description": "If-Match names an older prefill version"}}


@app.patch(f"{CTA}/previews/{{preview_id}}/", response_model=S.PrefillOut, tags=["previews"],
           responses={**CONFLICT, **PRECONDITION})
async def patch_prefill(preview_id: uuid.UUID, body: S.PrefillPatch, who: Who, response: Response,
                        replace: bool = False,
                        if_match: Annotated[str | None, Header(max_length=64)] = None):
    """Edit a prefill: only the given keys change (``colors``/``layout`` merge per key);
    ``?replace=true`` replaces it whole. Returns the full new prefill."""
    return await _edit(preview_id, body.prefill, replace, if_match, who, response)


@app.put(f"{CTA}/previews/{{preview_id}}/", response_model=S.PrefillOut, tags=["previews"],
         responses={**CONFLICT, **PRECONDITION})
async def put_prefill(preview_id: uuid.UUID, body: S.PrefillReplace, who: Who, response: Response,
                      if_match: Annotated[str | None, Header(max_length=64)] = None):
    """Replace a preview's whole prefill."""
    return await _edit(preview_id, body.prefill.model_dump(mode="json"), True, if_match, who, response)


async def _edit(preview_id, prefill: dict, replace: bool, if_match, who: Caller, response: Response):
    from core.previews import get_preview, update_prefill

    new = await call(update_prefill, who.workspace, preview_id, prefill, replace=replace,
                     expected_version=_if_match(if_match))
    p = await call(get_preview, who.workspace, preview_id)
    response.headers["ETag"] = _etag(p.prefill_version)
    return {"id": p.id, "prefill": new, "prefill_version": p.prefill_version}


@app.post(f"{CTA}/previews/{{preview_id}}/cancel/", response_model=S.Preview, tags=["previews"],
          responses=CONFLICT)
async def cancel_preview(preview_id: uuid.UUID, who: Who):
    from core.previews import cancel_preview as cancel

    return _preview(await call(cancel, who.workspace, preview_id))


@app.post(f"{CTA}/previews/{{preview_id}}/retry/", response_model=S.Preview, tags=["previews"],
          responses=CONFLICT)
async def retry_preview(preview_id: uuid.UUID, who: Who):
    from core.previews import retry_preview as retry

    return _preview(await call(retry, who.workspace, preview_id))


# --- review: approve / reject, regenerate, history -------------------------------------------


@app.post(f"{CTA}/previews/{{preview_id}}/approve/", response_model=S.Preview, tags=["review"],
          responses=CONFLICT)
async def approve_preview(preview_id: uuid.UUID, who: Who):
    """Approve a finished banner (409 while it is not done)."""
    return await _review(preview_id, "approved", who)


@app.post(f"{CTA}/previews/{{preview_id}}/reject/", response_model=S.Preview, tags=["review"],
          responses=CONFLICT)
async def reject_preview(preview_id: uuid.UUID, who: Who):
    """Reject a finished banner (409 while it is not done)."""
    return await _review(preview_id, "rejected", who)


async def _review(preview_id, decision: str, who: Caller) -> dict:
    from core.previews import get_preview
    from core.review import set_review

    await call(set_review, who.workspace, preview_id, decision)
    return _preview(await call(get_preview, who.workspace, preview_id))


@app.post(f"{CTA}/previews/{{preview_id}}/regenerate/", response_model=S.Preview, tags=["review"],
          responses=CONFLICT)
async def regenerate_preview(preview_id: uuid.UUID, body: S.Regenerate, who: Who):
    """Make a new version of a finished banner: new copy, new background or both, with an
    optional instruction for the generator. It goes through the same queue, rate limit and
    retries; the current version stays until the new one is done (then ``prefill_version``
    grows and the review starts again)."""
    from core.review import regenerate

    return _preview(await call(regenerate, who.workspace, preview_id, body.what, body.instruction))


@app.get(f"{CTA}/previews/{{preview_id}}/history/", response_model=S.History, tags=["review"])
async def preview_history(preview_id: uuid.UUID, who: Who):
    """Every kept version of the prefill (edits, regenerations, undos), newest first."""
    from core.review import history

    versions = await call(history, who.workspace, preview_id)
    return {"results": [{"version": v.version, "kind": v.kind, "note": v.note, "prefill": v.prefill,
                         "source_image_url": v.source_image_url, "created_at": v.created_at,
                         "current": v.current} for v in versions]}


@app.post(f"{CTA}/previews/{{preview_id}}/history/{{version}}/restore/", response_model=S.PrefillOut,
          tags=["review"], responses=CONFLICT)
async def restore_version(preview_id: uuid.UUID, who: Who, response: Response,
                          version: Annotated[int, Path(ge=0, le=2_000_000_000)]):
    """Undo to a kept version: it becomes current again (recorded as a new version)."""
    from core.previews import get_preview
    from core.review import undo_to

    new = await call(undo_to, who.workspace, preview_id, version)
    p = await call(get_preview, who.workspace, preview_id)
    response.headers["ETag"] = _etag(p.prefill_version)
    return {"id": p.id, "prefill": new, "prefill_version": p.prefill_version}




@app.get(f"{CTA}/previews/{{preview_id}}/banner.png", tags=["files"], response_class=Response,
         responses={200: {"content": {"image/png": {}}, "description": "the banner as PNG"}, **CONFLICT})
async def banner_png(preview_id: uuid.UUID, who: Who, size: Size = "square"):
    from core.exports import preview_banner

    return Response(await call(preview_banner, who.workspace, preview_id, size, "png"),
                    media_type="image/png")


@app.get(f"{CTA}/previews/{{preview_id}}/banner.html", tags=["files"], response_class=Response,
         responses={200: {"content": {"text/html": {}}, "description": "the banner as a "
                          "self-contained HTML document"}, **CONFLICT})
async def banner_html(preview_id: uuid.UUID, who: Who, size: Size = "square"):
    from core.exports import preview_banner

    html = await call(preview_banner, who.workspace, preview_id, size, "html")
    return Response(html, media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": "default-src 'none'; img-src data:; "
                             "style-src 'unsafe-inline'; font-src data:"})


# --- the image & video queue ------------------------------------------------------------------


@app.post("/media/jobs/", status_code=201, response_model=S.MediaJob, tags=["media"],
          responses={200: {"model": S.MediaJob, "description": "The same submission within "
                           "DUPLICATE_WINDOW_SECONDS, or a retry with the same Idempotency-Key"},
                     **CONFLICT})
async def create_media_job(request: Request, body: S.MediaJobCreate, who: Who,
                           idempotency_key: Annotated[str | None, Header(max_length=255)] = None):
    """Queue one image or video generation."""
    from core.jobs import submit_job

    payload = body.model_dump()
    if payload.get("name") is None:  # a request without a name hashes as it always did (Idempotency-Key)
        payload.pop("name", None)
    digest = None
    if idempotency_key is not None:
        digest = idempotency.request_hash("POST", request.url.path, payload)
        stored = await call(idempotency.replay, who.workspace, idempotency.check_key(idempotency_key), digest)
        if stored is not None:
            return JSONResponse(stored[1], status_code=stored[0], headers={"Idempotent-Replayed": "true"})
    ref = None
    if body.reference_image_base64:
        data = _base64_file("reference_image_base64", body.reference_image_base64)
        ref = (body.reference_image_name or "reference", data)
    params = {k: v for k, v in payload.items()
              if k not in ("kind", "reference_image_base64", "reference_image_name") and v is not None}
    job = await call(submit_job, who.workspace, who.user, body.kind, params, reference=ref)
    out = _jsonable(_job(request, job))
    status = 201 if job.created else 200
    if digest is not None:
        await call(idempotency.remember, who.workspace, idempotency.check_key(idempotency_key),
                   digest, status, out)
    return JSONResponse(out, status_code=status)


@app.get("/media/jobs/", response_model=S.Page[S.MediaJob], tags=["media"])
async def list_media_jobs(request: Request, who: Who,
                          status: Literal["pending", "running", "retrying", "done", "failed",
                                          "cancelled"] | None = None,
                          kind: Literal["image", "video"] | None = None,
                          page_size: PageSize = 50, cursor: Cursor = None):
    from core.jobs import list_jobs

    page = await call(list_jobs, who.workspace, status=status, kind=kind, page_size=page_size, cursor=cursor)
    return {"next": _link(request, page.next_cursor), "previous": _link(request, page.prev_cursor),
            "results": [_job(request, j) for j in page.items]}


@app.get("/media/jobs/{job_id}/", response_model=S.MediaJob, tags=["media"])
async def get_media_job(request: Request, job_id: uuid.UUID, who: Who):
    from core.jobs import get_job

    return _job(request, await call(get_job, who.workspace, job_id))


@app.post("/media/jobs/{job_id}/cancel/", response_model=S.MediaJob, tags=["media"], responses=CONFLICT)
async def cancel_media_job(request: Request, job_id: uuid.UUID, who: Who):
    from core.jobs import cancel_job

    return _job(request, await call(cancel_job, who.workspace, job_id))


@app.post("/media/jobs/{job_id}/retry/", response_model=S.MediaJob, tags=["media"], responses=CONFLICT)
async def retry_media_job(request: Request, job_id: uuid.UUID, who: Who):
    from core.jobs import retry_job

    return _job(request, await call(retry_job, who.workspace, job_id))


@app.get("/media/jobs/{job_id}/files/{index}", name="media_job_file", tags=["files"],
         response_class=Response,
         responses={200: {"content": {"image/png": {}, "image/jpeg": {}, "video/mp4": {}},
                          "description": "one output file of the job"}})
async def media_job_file(job_id: uuid.UUID, index: Annotated[int, Path(ge=0, le=100)], who: Who):
    from core.jobs import get_job, job_file

    job = await call(get_job, who.workspace, job_id)
    if not 0 <= index < len(job.results):
        raise NotFoundError(f"Job {job.id} has no output {index}")
    result = job.results[index]
    data = await call(job_file, who.workspace, job_id, result.url)
    if data is None:
        raise NotFoundError(f"The file of output {index} is no longer stored")
    return Response(data, media_type=result.content_type)


# --- webhooks ---------------------------------------------------------------------------------


def _webhook(w) -> dict:
    return {"id": w.id, "url": w.url, "description": w.description, "active": w.disabled_at is None,
            "created_at": w.created_at, "disabled_at": w.disabled_at, "secret_hint": w.secret_hint,
            "secret": w.secret}


def _delivery(d) -> dict:
    return {"id": d.id, "webhook_id": d.webhook_id, "event": d.event, "subject_id": d.subject_id,
            "payload": d.payload, "status": d.status,
            "attempts": [{"at": a.at, "status_code": a.status_code, "error": a.error, "ms": a.ms}
                         for a in d.attempts],
            "next_attempt_at": d.next_attempt_at, "created_at": d.created_at, "finished_at": d.finished_at}


@app.post("/webhooks/", status_code=201, response_model=S.Webhook, tags=["webhooks"],
          responses=CONFLICT)
async def create_webhook(body: S.WebhookCreate, who: Who):
    """Register a URL told (signed POST) when a batch or media job finishes. The answer
    holds the signing secret — the only time it is shown. A URL an enabled webhook of the
    workspace already posts to (in any spelling) is 409."""
    from core.webhooks import register_webhook

    return _webhook(await call(register_webhook, who.workspace, body.url, body.description))


@app.get("/webhooks/", response_model=S.Page[S.Webhook], tags=["webhooks"])
async def list_webhooks(who: Who):
    """The workspace's webhooks (at most 10 active, and the disabled ones), newest first, in one
    page: the same `{"next", "previous", "results"}` shape as every other list."""
    from core.webhooks import list_webhooks as listing

    return {"next": None, "previous": None,
            "results": [_webhook(w) for w in await call(listing, who.workspace)]}


@app.get("/webhooks/{webhook_id}/", response_model=S.Webhook, tags=["webhooks"])
async def get_webhook(webhook_id: uuid.UUID, who: Who):
    from core.webhooks import get_webhook as get

    return _webhook(await call(get, who.workspace, webhook_id))


@app.post("/webhooks/{webhook_id}/disable/", response_model=S.Webhook, tags=["webhooks"])
async def disable_webhook(webhook_id: uuid.UUID, who: Who):
    from core.webhooks import disable_webhook as disable

    return _webhook(await call(disable, who.workspace, webhook_id))


@app.delete("/webhooks/{webhook_id}/", status_code=204, response_class=Response, tags=["webhooks"])
async def delete_webhook(webhook_id: uuid.UUID, who: Who):
    from core.webhooks import delete_webhook as delete

    await call(delete, who.workspace, webhook_id)
    return Response(status_code=204)


@app.get("/webhooks/{webhook_id}/deliveries/", response_model=S.Deliveries, tags=["webhooks"])
async def webhook_deliveries(webhook_id: uuid.UUID, who: Who,
                             limit: Annotated[int, Query(ge=1, le=500)] = 50):
    """Recent deliveries of one webhook, newest first, with every attempt."""
    from core.webhooks import list_deliveries

    return {"results": [_delivery(d) for d in await call(list_deliveries, who.workspace, webhook_id, limit)]}


# --- the waiting line and the usage ledger (issue 16) -----------------------------------------


@app.get("/usage/", response_model=S.UsageReport, tags=["usage"])
async def usage_report(who: Who, group_by: Literal["day", "batch", "model", "total"] = "day",
                       days: Annotated[int, Query(ge=1, le=366, description="days back from now")] = 30,
                       batch_id: uuid.UUID | None = None):
    """Generation calls, tokens, outputs and estimated cost of this workspace, summed."""
    import datetime as dt

    from core import usage

    since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)
    rows = await call(usage.totals, who.workspace, group_by=group_by, batch_id=batch_id, since=since)
    return {"group_by": group_by, "since": since, "batch_id": batch_id,
            "results": [t.as_dict() for t in rows]}


@app.get("/usage/events.csv", tags=["usage"], response_class=Response,
         responses={200: {"content": {"text/csv": {}}, "description": "one row per generation call"}})
async def usage_csv(who: Who, days: Annotated[int, Query(ge=1, le=366)] = 30,
                    batch_id: uuid.UUID | None = None):
    import datetime as dt

    from core import usage

    since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)
    text = await call(usage.events_csv, who.workspace, batch_id=batch_id, since=since)
    return Response(text, media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="usage.csv"'})


@app.get("/queue/", response_model=S.QueueReport, tags=["usage"])
async def queue_report(who: Who):
    """This workspace's waiting previews and media jobs: place in line and estimated start."""
    from core import fairshare

    view = await call(fairshare.queue_view)
    mine = sorted((p for p in view.places.values() if p.workspace == who.workspace),
                  key=lambda p: (p.position is None, p.position or 0, p.key))
    return {"limit": view.limit, "effective_limit": view.effective_limit,
            "window_seconds": view.window, "waiting_total": view.total, "waiting": len(mine),
            "reading_pages": view.reading.get(who.workspace, 0), "on_hold": view.hold,
            "results": [{"kind": p.key.split(":", 1)[0], "id": p.key.split(":", 1)[1],
                         "position": p.position, "eta_seconds": round(p.eta_seconds, 1)
                         if p.eta_seconds is not None else None, "note": p.note} for p in mine]}


def openapi_json() -> str:
    """The published OpenAPI document (for tests and tooling)."""
    return json.dumps(app.openapi())

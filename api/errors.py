"""The single mapping from errors to HTTP: `application/problem+json` (RFC 9457) everywhere."""

from __future__ import annotations

import logging
import re
import uuid
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from adapters import duck
from adapters.logging import request_id_var
from api.schemas.common import PATTERN_MESSAGES
from domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    RuleViolation,
    TooManyRequests,
    Unauthenticated,
    Unavailable,
)

log = logging.getLogger("finops.api")

PROBLEM_JSON = "application/problem+json"

STATUS_OF: dict[type[DomainError], int] = {
    NotFound: 404,
    Conflict: 409,
    RuleViolation: 422,
    Forbidden: 403,
    Unauthenticated: 401,
    TooManyRequests: 429,
    PayloadTooLarge: 413,
    Unavailable: 503,
}


def problem(
    status: int,
    detail: str,
    *,
    request: Request,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    title = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": f"https://finops.center/problems/{title.lower().replace(' ', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _status_for(exc: DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS_OF:
            return STATUS_OF[cls]
    return 400


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    status = _status_for(exc)
    headers: dict[str, str] = {}
    if isinstance(exc, Unauthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(exc, TooManyRequests) and retry_after is not None:
        headers["Retry-After"] = str(max(1, int(retry_after)))
    return problem(
        status,
        exc.message,
        request=request,
        errors=[e.as_dict() for e in exc.errors] or None,
        headers=headers or None,
    )


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form"}:
        parts = parts[1:] or parts
    return ".".join(parts)


_OUT_OF_RANGE = {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # A path id out of range (0, negative, past the id column) names no object: 404.
    if exc.errors() and all(
        err.get("loc", ("",))[0] == "path" and err.get("type") in _OUT_OF_RANGE
        for err in exc.errors()
    ):
        return problem(404, "no such object", request=request)
    errors = [
        {
            # a body that is not JSON at all is named as the body, not by a byte offset
            "field": "body"
            if err.get("type") == "json_invalid"
            else _field_name(tuple(err.get("loc", ()))),
            "message": _message(err),
            "location": str(err.get("loc", ("body",))[0]),
        }
        for err in exc.errors()
    ]
    return problem(422, "the request is not valid", request=request, errors=errors)


def _message(err: Any) -> str:
    """Pydantic's message, but a shared pattern's in words rather than the regex."""
    if err.get("type") == "string_pattern_mismatch":
        pattern = (err.get("ctx") or {}).get("pattern")
        if pattern in PATTERN_MESSAGES:
            return PATTERN_MESSAGES[pattern]
        choices = re.fullmatch(r"\^\(([\w|]+)\)\$", str(pattern))
        if choices:
            return "must be one of " + ", ".join(choices.group(1).split("|"))
    return str(err.get("msg", "invalid"))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:
        # FastAPI and Starlette answer a body they cannot read (bytes that are not UTF-8 JSON,
        # broken multipart) with a bare 400 that no operation documents: it is invalid input
        # like any other, so it answers the documented 422 naming the body.
        detail = exc.detail if isinstance(exc.detail, str) else "the body cannot be read"
        return problem(
            422,
            "the request is not valid",
            request=request,
            errors=[{"field": "body", "message": detail, "location": "body"}],
        )
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    headers = dict(exc.headers) if exc.headers else None
    return problem(exc.status_code, detail, request=request, headers=headers)


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    # A unique constraint caught what two concurrent requests both checked: the loser is told
    # to retry; its transaction was rolled back whole.
    log.info("integrity conflict", extra={"error": str(getattr(exc, "orig", exc))[:300]})
    return problem(
        409, "the change conflicts with a concurrent change; reload and retry", request=request
    )


async def _spend_overload(request: Request, exc: Exception) -> JSONResponse:
    # a DuckDB query stopped by its memory limit or its timeout: that query fails, the
    # service (and every other request) goes on
    log.warning("spend query stopped", extra={"error": str(exc)[:300]})
    return await _domain_error(request, duck.unavailable(exc))


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    # the database went away under a running request (restart, failover): its transaction
    # was rolled back whole, the pool drops the dead connection and the next request gets a
    # fresh one (pool_pre_ping)
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        log.warning("database connection lost", extra={"error": str(exc.orig)[:300]})
        return problem(
            503,
            "the database connection was lost; nothing was saved, retry",
            request=request,
            headers={"Retry-After": "1"},
        )
    return await _unexpected(request, exc)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    correlation_id = request_id_var.get() or uuid.uuid4().hex
    log.error("unexpected error", exc_info=exc, extra={"correlation_id": correlation_id})
    return problem(
        500,
        "an unexpected error occurred; quote the correlation id when reporting it",
        request=request,
        correlation_id=correlation_id,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(DBAPIError, _database_error)
    for overload in duck.OVERLOAD_ERRORS:
        app.add_exception_handler(overload, _spend_overload)
    app.add_exception_handler(Exception, _unexpected)

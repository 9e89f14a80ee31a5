"""Pure ASGI middleware of the HTTP edge: request context, body limits and security headers.

Pure ASGI (not `BaseHTTPMiddleware`) so a response streams through untouched and a request
body is read only by the handler, chunk by chunk, through the limit below.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Collection

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.logging import request_id_var
from api.errors import problem

log = logging.getLogger("finops.api")

MIB = 1024 * 1024
JSON_BODY_LIMIT = 1 * MIB
# Room for the multipart framing and the form fields sent next to an uploaded file: the file
# itself is held to the exact limit by `api.uploads.read_upload`.
MULTIPART_SLACK = 64 * 1024


class RequestContextMiddleware:
    """Give each request an id (kept from `X-Request-ID` when sent), echo it, log API calls."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = Headers(scope=scope).get("x-request-id", "")[:64] or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)
            path: str = scope["path"]
            if path.startswith("/api/"):
                log.info(
                    "request",
                    extra={
                        "method": scope["method"],
                        "path": path,
                        "status": status,
                        "request_id": request_id,
                        "ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )


class BodyLimitMiddleware:
    """Refuse request bodies over the limit with 413 before they are buffered.

    A declared `Content-Length` over the limit is refused before a byte is read; a body without
    one (chunked) or lying about its length is counted while the handler reads it, and reading
    stops at the first chunk past the limit. Upload routes (multipart files) get the configured
    upload limit, everything else a small JSON limit.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        upload_limit_bytes: int,
        upload_paths: Collection[str],
        default_limit_bytes: int = JSON_BODY_LIMIT,
    ) -> None:
        self.app = app
        self.upload_limit = upload_limit_bytes + MULTIPART_SLACK
        self.upload_paths = frozenset(p.rstrip("/") for p in upload_paths)
        self.default_limit = default_limit_bytes

    def limit_for(self, scope: Scope) -> int:
        path: str = scope["path"].rstrip("/")
        return self.upload_limit if path in self.upload_paths else self.default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.isdigit() or len(declared) > 18:
                await _refuse(scope, receive, send, 400, "Content-Length must be a byte count")
                return
            if int(declared) > limit:
                await _refuse(scope, receive, send, 413, _too_large(limit))
                return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # FastAPI re-raises an HTTPException met while reading the body, so the
                    # error handlers render it as problem+json like any other error.
                    raise HTTPException(413, _too_large(limit))
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except HTTPException as exc:
            # Raised from `receive` outside FastAPI's handling (a bare `request.stream()`).
            if exc.status_code != 413 or started:
                raise
            await _refuse(scope, receive, send, 413, str(exc.detail))


def _too_large(limit: int) -> str:
    if limit >= MIB:
        return f"the request body is larger than the {limit // MIB} MB limit"
    return f"the request body is larger than the {limit} byte limit"


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, detail: str) -> None:
    response = problem(status, detail, request=Request(scope))
    # The client may still be sending: tell it to stop rather than keep the connection for
    # a body nobody will read.
    response.headers["Connection"] = "close"
    await response(scope, receive, send)


class SecurityHeadersMiddleware:
    """Send the security headers on every HTTP response: a strict Content-Security-Policy
    (no inline script, no framing), no MIME sniffing, a referrer policy, and HSTS when the
    request came over TLS. A header the handler already set is kept."""

    CSP = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )
    HEADERS: tuple[tuple[str, str], ...] = (
        ("Content-Security-Policy", CSP),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    )
    HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra: list[tuple[str, str]] = list(self.HEADERS)
        # Behind a TLS-terminating proxy, uvicorn's --proxy-headers sets the scheme from
        # X-Forwarded-Proto for trusted proxies only.
        if scope.get("scheme") == "https":
            extra.append(self.HSTS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra:
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)

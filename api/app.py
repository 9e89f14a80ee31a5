"""The app factory: the composition root of the HTTP service."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from adapters.config import Settings
from adapters.logging import request_id_var
from adapters.security.tokens import JwksFetcher
from api.container import Container, build_container
from api.errors import install_error_handlers, problem
from api.routers import (
    accounts,
    allocation,
    audit,
    auth,
    budgets,
    health,
    schedules,
    spend,
    users,
)

log = logging.getLogger("finops.api")

ROUTERS = (
    health.router,
    auth.router,
    users.router,
    budgets.router,
    accounts.router,
    allocation.router,
    schedules.router,
    spend.router,
    audit.router,
)


def operation_id(route: APIRoute) -> str:
    """Stable operation ids (`users-create_user`): the generated frontend client is named
    after them, so renaming a handler is a visible API change."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def create_app(
    settings: Settings | None = None,
    *,
    container: Container | None = None,
    jwks_fetcher: JwksFetcher | None = None,
) -> FastAPI:
    settings = settings or (container.settings if container else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = app.state.container is None
        if owned:
            app.state.container = build_container(settings, jwks_fetcher=jwks_fetcher)
        try:
            yield
        finally:
            if owned:
                await app.state.container.close()
                app.state.container = None

    app = FastAPI(
        title="FinOps Center",
        version="0.1.0",
        description="Budgets, AWS spend allocation, spend governance and month close.",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.container = container
    install_error_handlers(app)

    @app.middleware("http")
    async def request_context(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = await call_next(request)
        finally:
            request_id_var.reset(token)
        response.headers["X-Request-ID"] = request_id
        if request.url.path.startswith("/api/"):
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.url.path,
                    "status": response.status_code,
                    "request_id": request_id,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        return response

    for router in ROUTERS:
        app.include_router(router)

    _mount_frontend(app, settings.default_frontend_dir())
    return app


def _mount_frontend(app: FastAPI, dist: Path) -> None:
    """Serve the built SPA at `/`; every non-API path falls back to index.html (client routing)."""
    index = dist / "index.html"
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")

    @app.get("/{path:path}", include_in_schema=False)
    async def spa(path: str, request: Request) -> Response:
        if path.startswith("api/") or path == "api":
            return problem(404, "no such endpoint", request=request)
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(dist.resolve()):
            return FileResponse(candidate)
        if index.is_file():
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        return HTMLResponse(
            "<h1>FinOps Center</h1><p>The dashboard is not built: run <code>make run</code>."
            " The API is at <a href='/api/docs'>/api/docs</a>.</p>",
            status_code=200,
        )

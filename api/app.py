"""The app factory: the composition root of the HTTP service."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from adapters.config import Settings
from adapters.security.tokens import JwksFetcher
from api import openapi
from api.container import Container, build_container
from api.docs import mount_docs
from api.errors import install_error_handlers, problem
from api.jobs import card_scheduler
from api.methods import DeclaredMethodsMiddleware
from api.middleware import (
    MIB,
    BodyLimitMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
)
from api.routers import (
    accounts,
    allocation,
    anomalies,
    audit,
    auth,
    budgets,
    closes,
    credits,
    dashboard,
    discounts,
    exports,
    forecasts,
    health,
    recommendations,
    reports,
    schedules,
    service_accounts,
    spend,
    spend_cards,
    users,
    webhook_subscriptions,
)

log = logging.getLogger("finops.api")

ROUTERS = (
    health.router,
    auth.router,
    users.router,
    service_accounts.router,
    webhook_subscriptions.router,
    budgets.router,
    accounts.router,
    allocation.router,
    discounts.router,
    schedules.router,
    spend_cards.router,
    credits.router,
    closes.router,
    recommendations.router,
    spend.router,
    reports.router,
    dashboard.router,
    exports.router,
    audit.router,
    forecasts.router,
    anomalies.router,
)

# Routes that take a multipart file: their bodies may be as large as FINOPS_UPLOAD_LIMIT_MB.
UPLOAD_PATHS = (
    "/api/v1/budget-imports",
    "/api/v1/users/import",
    "/api/v1/recommendations/imports",
)


def operation_id(route: APIRoute) -> str:
    """Stable operation ids (`users-create_user`): the generated frontend client is named
    after them, so renaming a handler is a visible API change."""
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


_heap_settled = False

# The cyclic collector's thresholds: a young collection every 2,000 net allocations (instead
# of 700), a middle one every 10 of those (so it never walks more than ~20,000 objects), and a
# full one only after 1,000 middle ones (about 20 million net allocations, instead of each
# time the heap has grown by a quarter).
GC_THRESHOLDS = (2_000, 10, 1_000)


def _settle_heap() -> None:
    """Move what was built at start-up (modules, classes, the app) out of the collector's
    sight, once per process, and make full collections rare.

    A full collection is stop-the-world: it holds the GIL while it walks every tracked
    object. A 50,000-row chart import grows the heap by a quarter again and again, so the
    default thresholds ran a full collection each time, 0.1-0.6 s apiece (measured with a
    `gc.callbacks` probe), collecting nothing, and `/health` waited behind each. Young
    collections still run often and cheaply; reference counting frees everything acyclic at
    once; long-lived cycles wait for the next full pass (`docs/decisions.md`)."""
    global _heap_settled
    if not _heap_settled:
        _heap_settled = True
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)


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
        scheduler = (
            asyncio.get_running_loop().create_task(card_scheduler(app.state.container))
            if settings.card_scheduler
            else None
        )
        # outbound webhooks: retries and what a stopped worker left (the lease keeps two
        # workers from sending one delivery twice)
        deliverer = asyncio.get_running_loop().create_task(
            app.state.container.webhooks.poll_forever()
        )
        try:
            yield
        finally:
            deliverer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await deliverer
            if scheduler is not None:
                scheduler.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await scheduler
            if owned:
                await app.state.container.close()
                app.state.container = None

    app = FastAPI(
        title="FinOps Center",
        version="0.1.0",
        description="Budgets, AWS spend allocation, spend governance and month close.",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        # Served by `api.docs` from the installed Swagger UI, not a CDN (offline, under the CSP).
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.container = container
    install_error_handlers(app)

    # Added innermost first: security headers wrap everything, the body limit sits next to
    # the routes, behind the contract's 404/405 for paths and methods the document lacks.
    app.add_middleware(DeclaredMethodsMiddleware, routes=lambda: app.routes)
    app.add_middleware(
        BodyLimitMiddleware,
        upload_limit_bytes=settings.upload_limit_mb * MIB,
        upload_paths=UPLOAD_PATHS,
    )
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)

    for router in ROUTERS:
        app.include_router(router)
    openapi.install(app)
    mount_docs(app, openapi_url="/api/openapi.json", docs_url="/api/docs")

    _mount_frontend(app, settings.default_frontend_dir())
    _settle_heap()
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

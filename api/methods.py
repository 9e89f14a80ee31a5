"""Unknown `/api/v1` paths answer 404 and undeclared methods 405 with an `Allow` header, both
computed from the operations the OpenAPI document lists (the app's routes that are in the
schema, read directly: generating the whole document costs seconds), so the answer is the
contract's and not the router's.

Without this, FastAPI routes a `GET` on a path that only declares `POST` to the SPA's
catch-all (a 404), and `PATCH /credits/apply` to `PATCH /credits/{credit_id}` (a 422 about
the id). OpenAPI's rule is used instead: a path with a literal segment wins over a template
that would also match (`/credits/apply` over `/credits/{credit_id}`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi.routing import APIRoute, iter_route_contexts
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import problem

API_PREFIX = "/api/v1"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class PathTemplate:
    template: str
    pattern: re.Pattern[str]
    # one flag per segment, True for a template segment: fewer and later templates sort first
    specificity: tuple[bool, ...]
    methods: tuple[str, ...]


def _compile(template: str, methods: tuple[str, ...]) -> PathTemplate:
    segments = template.strip("/").split("/")
    parts = [re.sub(r"\\\{[^/]*?\\\}", "[^/]+", re.escape(segment)) for segment in segments]
    pattern = re.compile("/" + "/".join(parts) + "/?")
    return PathTemplate(template, pattern, tuple("{" in s for s in segments), methods)


def templates_of(openapi: dict[str, Any]) -> list[PathTemplate]:
    """The document's `/api/v1` paths with their declared methods, most specific first."""
    compiled = [
        _compile(
            path,
            tuple(sorted(m.upper() for m in operations if m in HTTP_METHODS)),
        )
        for path, operations in openapi.get("paths", {}).items()
        if path.startswith(API_PREFIX)
    ]
    return sorted(compiled, key=lambda t: t.specificity)


def templates_of_routes(routes: Sequence[Any]) -> list[PathTemplate]:
    """The same as `templates_of(app.openapi())`, from the routes the document is made of
    (FastAPI's own walk over included routers, as its document generator does)."""
    methods: dict[str, set[str]] = defaultdict(set)
    for route in iter_route_contexts(routes):
        path = route.path_format or ""
        if (
            isinstance(route.original_route, APIRoute)
            and route.include_in_schema
            and path.startswith(API_PREFIX)
        ):
            methods[path] |= {m.upper() for m in route.methods or ()}
    compiled = [_compile(path, tuple(sorted(found))) for path, found in methods.items()]
    return sorted(compiled, key=lambda t: t.specificity)


def match(templates: list[PathTemplate], path: str) -> PathTemplate | None:
    """The most specific path of the document that `path` is an instance of, if any."""
    for template in templates:
        if template.pattern.fullmatch(path):
            return template
    return None


class DeclaredMethodsMiddleware:
    """Answers for the document: 404 for a path it does not list, 405 (with `Allow`) for a
    method it does not declare on the path. Every other request goes on to the router."""

    def __init__(self, app: ASGIApp, routes: Callable[[], Sequence[Any]]) -> None:
        self.app = app
        self.routes = routes
        self._templates: list[PathTemplate] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path != API_PREFIX and not path.startswith(API_PREFIX + "/"):
            await self.app(scope, receive, send)
            return
        if self._templates is None:
            self._templates = templates_of_routes(self.routes())
        found = match(self._templates, path)
        request = Request(scope)
        if found is None:
            response = problem(404, "no such endpoint", request=request)
        elif scope["method"].upper() not in found.methods:
            response = problem(
                405,
                f"{scope['method']} is not allowed here; allowed: {', '.join(found.methods)}",
                request=request,
                headers={"Allow": ", ".join(found.methods)},
            )
        else:
            await self.app(scope, receive, send)
            return
        await response(scope, receive, send)

"""Every route says who may call it: a permission (`RequirePermission`), or it is on one of
the two explicit lists below. A new route with neither fails here, so "forgot the check" is a
test failure, not a finding of the next probe.

`SIGNED_IN` routes take any signed-in user and decide inside (the financial scope, or the
rules of a workflow: who may act on a schedule or card depends on the item, not the role).
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api.app import ROUTERS
from api.deps import get_current_user

PUBLIC = {
    "GET /api/v1/health",
    "POST /api/v1/auth/token",
    "POST /api/v1/webhooks/cur",  # authenticated by its HMAC signature, not a user
}

SIGNED_IN = {
    # the dashboard's pictures, forecasts and anomalies: every role, within its scope
    "GET /api/v1/anomalies",
    "GET /api/v1/dashboard/accounts/{account_id}/services",
    "GET /api/v1/dashboard/budgets/{budget_id}/cumulative",
    "GET /api/v1/dashboard/forecasts",
    "GET /api/v1/dashboard/heatmap",
    "GET /api/v1/dashboard/monthly",
    "GET /api/v1/config",
    "GET /api/v1/me",
    "GET /api/v1/years",
    "GET /api/v1/closed-periods",
    "GET /api/v1/budgets",
    "GET /api/v1/budgets/{budget_id}",
    "GET /api/v1/hierarchy",
    "GET /api/v1/accounts",
    "GET /api/v1/accounts/{account_id}",
    "GET /api/v1/accounts/{account_id}/allocation",
    "GET /api/v1/allocation-summary",
    "POST /api/v1/workloads",
    "GET /api/v1/workloads",
    "GET /api/v1/workloads/{workload_id}",
    "PATCH /api/v1/workloads/{workload_id}",
    "POST /api/v1/workloads/{workload_id}/claims",
    "POST /api/v1/claims",
    "POST /api/v1/claims/release",
    "GET /api/v1/claims",
    "GET /api/v1/budgets/{budget_id}/schedule",
    "GET /api/v1/budgets/{budget_id}/variance",
    "PUT /api/v1/budgets/{budget_id}/schedule",
    "POST /api/v1/budgets/{budget_id}/schedule/spread",
    "POST /api/v1/budgets/{budget_id}/schedule/{action}",
    "GET /api/v1/tasks",
    "GET /api/v1/notifications",
    "POST /api/v1/notifications/{notification_id}/read",
    "GET /api/v1/spend-cards",
    "GET /api/v1/spend-cards/{card_id}",
    "POST /api/v1/spend-cards/{card_id}/{action}",
    "GET /api/v1/credits",
    "POST /api/v1/credits",
    "GET /api/v1/credits/preview",
    "GET /api/v1/credits/forecast",
    "GET /api/v1/credits/{credit_id}",
    "PATCH /api/v1/credits/{credit_id}",
    "POST /api/v1/credits/{credit_id}/void",
    "GET /api/v1/closes",
    "GET /api/v1/closes/{period}",
    "PUT /api/v1/closes/{period}",
    "POST /api/v1/closes/{period}/close",
    "POST /api/v1/closes/{period}/reopen",
    "GET /api/v1/closes/{period}/files",
    "GET /api/v1/closes/{period}/files/{name}",
    "GET /api/v1/recommendations",
    "GET /api/v1/recommendations/top",
    "POST /api/v1/recommendations/decisions",
    "GET /api/v1/recommendations/{recommendation_id}",
    "POST /api/v1/recommendations/{recommendation_id}/{action}",
    "GET /api/v1/resources",
    "GET /api/v1/spend",
    "GET /api/v1/reports/variance",
    "GET /api/v1/reports/approved-spending",
}


def _calls(dependant: Dependant) -> Iterator[object]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def _routes() -> Iterator[tuple[str, APIRoute]]:
    for router in ROUTERS:
        for route in router.routes:
            if not (isinstance(route, APIRoute) and route.path.startswith("/api/v1")):
                continue
            for method in sorted(route.methods):
                yield f"{method} {route.path}", route


def _declares_permission(route: APIRoute) -> bool:
    return any(
        getattr(call, "__qualname__", "") == "require.<locals>.check"
        for call in _calls(route.dependant)
    )


def _signed_in(route: APIRoute) -> bool:
    return any(call is get_current_user for call in _calls(route.dependant))


def test_every_route_declares_a_permission_or_is_listed() -> None:
    undeclared = sorted(
        name
        for name, route in _routes()
        if not _declares_permission(route) and name not in PUBLIC and name not in SIGNED_IN
    )
    assert not undeclared, f"routes with no permission and on no list: {undeclared}"


def test_the_lists_name_real_routes_of_the_right_kind() -> None:
    routes = dict(_routes())
    assert PUBLIC <= routes.keys()
    assert SIGNED_IN <= routes.keys()
    # a public route asks for no user; a signed-in one does and checks no role permission
    assert not [n for n in PUBLIC if _signed_in(routes[n]) or _declares_permission(routes[n])]
    assert all(_signed_in(routes[n]) and not _declares_permission(routes[n]) for n in SIGNED_IN)

"""The dashboard's visuals (SPEC section 9), one JSON endpoint each, read from the materialized
allocation summaries in the caller's scope: a node outside it answers 404 like a missing one.

Each answer is kept (`api.answer_cache`) under the version of the figures it was computed
from (`domain.dashboard.freshness`: the database's write version, each period's materialized
allocation, the day) and the caller's scope, and served again while that version holds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import AppContainer, CurrentUser, ScopeFilter
from api.figures import DashboardFigures
from api.schemas.common import PROBLEM_RESPONSES
from api.schemas.dashboard import AccountServicesRead, HeatmapRead, MonthlySpendRead
from domain.dashboard import queries
from domain.identity.roles import Permission, can

router = APIRouter(prefix="/api/v1/dashboard", tags=["dashboard"], responses=PROBLEM_RESPONSES)

NodeId = Annotated[int | None, Query(description="the hierarchy node; default: the top")]


@router.get("/heatmap", response_model=HeatmapRead)
async def heatmap(
    scope: ScopeFilter,
    container: AppContainer,
    figures: DashboardFigures,
    month: Annotated[int | None, Query(ge=1, le=12, description="null: Annual")] = None,
    level: Annotated[int, Query(ge=1, le=4, description="tile level; 4: product budgets")] = 4,
    node_id: NodeId = None,
) -> Response:
    """The heat map below `node_id`: a tile per product budget (or per node of `level`) with
    its spend, its approved schedule's amount due and their ratio (null: not approved, gray);
    the node's children as rows with spend, budget and variance; breadcrumbs; the year's
    level labels; on a product node its monthly schedule with actuals and cumulative workload
    estimates. `month` shows one month, else the year to date; the month in progress is
    measured against its schedule pro-rated to yesterday."""

    async def build() -> HeatmapRead:
        found = await queries.heatmap(
            figures.uow,
            figures.spend,
            scope,
            year=figures.year,
            month=month,
            level=level,
            node_id=node_id,
            today=figures.today,
        )
        return HeatmapRead.of(found, container.settings.currency)

    return await figures.answer(("heatmap", month, level, node_id, scope), build)


@router.get("/monthly", response_model=MonthlySpendRead)
async def monthly(
    scope: ScopeFilter,
    container: AppContainer,
    figures: DashboardFigures,
    node_id: NodeId = None,
) -> Response:
    """Allocated spend by month of the year below `node_id`, one series per child (stacked)."""

    async def build() -> MonthlySpendRead:
        found = await queries.monthly(
            figures.uow, figures.spend, scope, year=figures.year, node_id=node_id
        )
        return MonthlySpendRead.model_validate(
            {**found.__dict__, "currency": container.settings.currency}, from_attributes=True
        )

    return await figures.answer(("monthly", node_id, scope), build)


@router.get("/accounts/{account_id}/services", response_model=AccountServicesRead)
async def account_services(
    user: CurrentUser,
    scope: ScopeFilter,
    container: AppContainer,
    figures: DashboardFigures,
    account_id: str,
) -> Response:
    """An account's allocated spend by service and month: an owner sees the part on the
    budgets of their scope; finance roles all of it, Unallocated included."""
    unallocated = can(user.role, Permission.VIEW_UNALLOCATED)

    async def build() -> AccountServicesRead:
        found = await queries.account_services(
            figures.uow,
            figures.spend,
            scope,
            account_id=account_id,
            year=figures.year,
            sees_unallocated=unallocated,
        )
        return AccountServicesRead.model_validate(
            {**found.__dict__, "currency": container.settings.currency}, from_attributes=True
        )

    return await figures.answer(("account_services", account_id, unallocated, scope), build)

"""The dashboard's visuals (SPEC section 9), one JSON endpoint each, read from the materialized
allocation summaries in the caller's scope: a node outside it answers 404 like a missing one.

Each answer is kept (`api.answer_cache`) under the version of the figures it was computed
from (`domain.dashboard.freshness`: the database's write version, each period's materialized
allocation, the day) and the caller's scope, and served again while that version holds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import AppClock, AppContainer, CurrentUser, ScopeFilter, UoW
from api.schemas.common import PROBLEM_RESPONSES
from api.schemas.dashboard import AccountServicesRead, HeatmapRead, MonthlySpendRead
from domain.dashboard import queries
from domain.dashboard.freshness import figures_version, still_current
from domain.identity.roles import Permission, can

router = APIRouter(prefix="/api/v1/dashboard", tags=["dashboard"], responses=PROBLEM_RESPONSES)

Year = Annotated[int | None, Query(ge=2000, le=9999, description="default: this year")]
NodeId = Annotated[int | None, Query(description="the hierarchy node; default: the top")]


@router.get("/heatmap", response_model=HeatmapRead)
async def heatmap(
    _user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    clock: AppClock,
    container: AppContainer,
    year: Year = None,
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
    today = clock.today()
    chosen = year or today.year
    spend = container.dashboard_spend(uow)
    version = await figures_version(uow, spend, year=chosen, today=today)

    async def build() -> HeatmapRead:
        found = await queries.heatmap(
            uow,
            spend,
            scope,
            year=chosen,
            month=month,
            level=level,
            node_id=node_id,
            today=today,
        )
        return HeatmapRead.of(found, container.settings.currency)

    key = ("heatmap", month, level, node_id, scope, version)
    return await container.answers.answer(key, build, lambda: still_current(uow, spend, version))


@router.get("/monthly", response_model=MonthlySpendRead)
async def monthly(
    _user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    clock: AppClock,
    container: AppContainer,
    year: Year = None,
    node_id: NodeId = None,
) -> Response:
    """Allocated spend by month of the year below `node_id`, one series per child (stacked)."""
    today = clock.today()
    chosen = year or today.year
    spend = container.dashboard_spend(uow)
    version = await figures_version(uow, spend, year=chosen, today=today)

    async def build() -> MonthlySpendRead:
        found = await queries.monthly(uow, spend, scope, year=chosen, node_id=node_id)
        return MonthlySpendRead.model_validate(
            {**found.__dict__, "currency": container.settings.currency}, from_attributes=True
        )

    return await container.answers.answer(
        ("monthly", node_id, scope, version), build, lambda: still_current(uow, spend, version)
    )


@router.get("/accounts/{account_id}/services", response_model=AccountServicesRead)
async def account_services(
    user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    clock: AppClock,
    container: AppContainer,
    account_id: str,
    year: Year = None,
) -> Response:
    """An account's allocated spend by service and month: an owner sees the part on the
    budgets of their scope; finance roles all of it, Unallocated included."""
    today = clock.today()
    chosen = year or today.year
    spend = container.dashboard_spend(uow)
    version = await figures_version(uow, spend, year=chosen, today=today)
    unallocated = can(user.role, Permission.VIEW_UNALLOCATED)

    async def build() -> AccountServicesRead:
        found = await queries.account_services(
            uow,
            spend,
            scope,
            account_id=account_id,
            year=chosen,
            sees_unallocated=unallocated,
        )
        return AccountServicesRead.model_validate(
            {**found.__dict__, "currency": container.settings.currency}, from_attributes=True
        )

    key = ("account_services", account_id, unallocated, scope, version)
    return await container.answers.answer(key, build, lambda: still_current(uow, spend, version))

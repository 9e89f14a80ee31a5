"""The dashboard's visuals (SPEC section 9), one JSON endpoint each, read from the materialized
allocation summaries in the caller's scope: a node outside it answers 404 like a missing one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import AppClock, AppContainer, CurrentUser, ScopeFilter, UoW
from api.schemas.common import PROBLEM_RESPONSES
from api.schemas.dashboard import AccountServicesRead, HeatmapRead, MonthlySpendRead
from domain.dashboard import queries
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
) -> HeatmapRead:
    """The heat map below `node_id`: a tile per product budget (or per node of `level`) with
    its spend, its approved schedule's amount due and their ratio (null: not approved, gray);
    the node's children as rows with spend, budget and variance; breadcrumbs; the year's
    level labels; on a product node its monthly schedule with actuals and cumulative workload
    estimates. `month` shows one month, else the year to date; the month in progress is
    measured against its schedule pro-rated to yesterday."""
    today = clock.today()
    found = await queries.heatmap(
        uow,
        container.dashboard_spend(uow),
        scope,
        year=year or today.year,
        month=month,
        level=level,
        node_id=node_id,
        today=today,
    )
    return HeatmapRead.of(found, container.settings.currency)


@router.get("/monthly", response_model=MonthlySpendRead)
async def monthly(
    _user: CurrentUser,
    uow: UoW,
    scope: ScopeFilter,
    clock: AppClock,
    container: AppContainer,
    year: Year = None,
    node_id: NodeId = None,
) -> MonthlySpendRead:
    """Allocated spend by month of the year below `node_id`, one series per child (stacked)."""
    found = await queries.monthly(
        uow,
        container.dashboard_spend(uow),
        scope,
        year=year or clock.today().year,
        node_id=node_id,
    )
    return MonthlySpendRead.model_validate(
        {**found.__dict__, "currency": container.settings.currency}, from_attributes=True
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
) -> AccountServicesRead:
    """An account's allocated spend by service and month: an owner sees the part on the
    budgets of their scope; finance roles all of it, Unallocated included."""
    found = await queries.account_services(
        uow,
        container.dashboard_spend(uow),
        scope,
        account_id=account_id,
        year=year or clock.today().year,
        sees_unallocated=can(user.role, Permission.VIEW_UNALLOCATED),
    )
    return AccountServicesRead.model_validate(
        {**found.__dict__, "currency": container.settings.currency}, from_attributes=True
    )

"""Forecasts of budget spend (docs/forecasts.md): the year's forecast per budget with its
overruns (summary page) and one budget's cumulative spend against its schedule (its chart).
Computed from the materialized allocations, in the caller's scope; the JSON answers are kept
under the figures' version like the dashboard's (`api.answer_cache`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import AppClock, AppContainer, CurrentUser, ReadUoW, ScopeFilter
from api.schemas.common import PROBLEM_RESPONSES
from api.schemas.forecasts import BudgetForecastRead, CumulativeRead, ForecastListRead
from api.tables import CSV_RESPONSES, CsvWanted, table
from domain.dashboard.freshness import figures_version, still_current
from domain.forecasts import queries

router = APIRouter(prefix="/api/v1/dashboard", tags=["forecasts"], responses=PROBLEM_RESPONSES)

Year = Annotated[int | None, Query(ge=2000, le=2100, description="default: this year")]


@router.get("/forecasts", response_model=ForecastListRead, responses=CSV_RESPONSES)
async def list_forecasts(
    _user: CurrentUser,
    uow: ReadUoW,
    scope: ScopeFilter,
    clock: AppClock,
    container: AppContainer,
    want: CsvWanted,
    year: Year = None,
) -> ForecastListRead | Response:
    """Each budget of the year in the caller's scope: spend to date, the forecast to month end
    and year end with the band of its back-test, the back-test error, and when it overruns
    its approved schedule (`overruns`: the month and the year). CSV with `?format=csv`."""
    today = clock.today()
    chosen = year or today.year
    queries.check_year(chosen)
    spend = container.dashboard_spend(uow)
    version = await figures_version(uow, spend, year=chosen, today=today)

    async def build() -> ForecastListRead:
        found = await queries.forecasts(
            uow, container.spend, container.daily_spend(), scope, year=chosen
        )
        items = [BudgetForecastRead.of(r) for r in found.rows]
        return ForecastListRead(
            year=found.year,
            last_day=found.last_day,
            currency=container.settings.currency,
            items=items,
        )

    if want:
        listed = await build()
        return table(want, listed, listed.items, BudgetForecastRead, f"forecasts-{chosen}")
    return await container.answers.answer(
        ("forecasts", scope, version), build, lambda: still_current(uow, spend, version)
    )


@router.get("/budgets/{budget_id}/cumulative", response_model=CumulativeRead)
async def budget_cumulative(
    budget_id: int,
    _user: CurrentUser,
    uow: ReadUoW,
    scope: ScopeFilter,
    clock: AppClock,
    container: AppContainer,
    year: Year = None,
) -> Response:
    """The budget's cumulative spend of the year: actual per day to the last day with spend,
    the forecast to 31 December with its band, the approved schedule and the workloads'
    estimates by month. 404 outside the caller's scope."""
    today = clock.today()
    chosen = year or today.year
    queries.check_year(chosen)
    spend = container.dashboard_spend(uow)
    version = await figures_version(uow, spend, year=chosen, today=today)

    async def build() -> CumulativeRead:
        view = await queries.cumulative(
            uow,
            container.spend,
            container.daily_spend(),
            scope,
            budget_id=budget_id,
            year=chosen,
        )
        return CumulativeRead.of(view, container.settings.currency)

    return await container.answers.answer(
        ("cumulative", budget_id, scope, version), build, lambda: still_current(uow, spend, version)
    )

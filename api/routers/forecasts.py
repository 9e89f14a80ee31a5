"""Forecasts of budget spend (docs/forecasts.md): the year's forecast per budget with its
overruns (summary page) and one budget's cumulative spend against its schedule (its chart).
Computed from the materialized allocations, in the caller's scope; the JSON answers are kept
under the figures' version like the dashboard's (`api.answer_cache`)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import AppContainer, ScopeFilter
from api.figures import ForecastFigures
from api.schemas.common import PROBLEM_RESPONSES
from api.schemas.forecasts import BudgetForecastRead, CumulativeRead, ForecastListRead
from api.tables import CSV_RESPONSES, CsvWanted, table
from domain.forecasts import queries

router = APIRouter(prefix="/api/v1/dashboard", tags=["forecasts"], responses=PROBLEM_RESPONSES)


@router.get("/forecasts", response_model=ForecastListRead, responses=CSV_RESPONSES)
async def list_forecasts(
    scope: ScopeFilter,
    container: AppContainer,
    want: CsvWanted,
    figures: ForecastFigures,
) -> ForecastListRead | Response:
    """Each budget of the year in the caller's scope: spend to date, the forecast to month end
    and year end with the band of its back-test, the back-test error, and when it overruns
    its approved schedule (`overruns`: the month and the year). CSV with `?format=csv`."""

    async def build() -> ForecastListRead:
        found = await queries.forecasts(
            figures.uow, container.spend, container.daily_spend(), scope, year=figures.year
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
        return table(want, listed, listed.items, BudgetForecastRead, f"forecasts-{figures.year}")
    return await figures.answer(("forecasts", scope), build)


@router.get("/budgets/{budget_id}/cumulative", response_model=CumulativeRead)
async def budget_cumulative(
    budget_id: int,
    scope: ScopeFilter,
    container: AppContainer,
    figures: ForecastFigures,
) -> Response:
    """The budget's cumulative spend of the year: actual per day to the last day with spend,
    the forecast to 31 December with its band, the approved schedule and the workloads'
    estimates by month. 404 outside the caller's scope."""

    async def build() -> CumulativeRead:
        view = await queries.cumulative(
            figures.uow,
            container.spend,
            container.daily_spend(),
            scope,
            budget_id=budget_id,
            year=figures.year,
        )
        return CumulativeRead.of(view, container.settings.currency)

    return await figures.answer(("cumulative", budget_id, scope), build)

"""The forecast and anomaly reads behind the dashboard, in the caller's scope: the forecast
of each budget of a year (with forecast-to-overrun), one budget's cumulative spend against its
schedule, and the recorded anomalies. Computed from the materialized allocations only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from domain.budgets.records import BudgetRecord
from domain.errors import ErrorDetail, NotFound, RuleViolation
from domain.forecasts.method import Forecast, forecast
from domain.forecasts.overrun import Overrun, overruns
from domain.forecasts.ports import (
    AnomalyFilter,
    AnomalyRecord,
    DailySpendReader,
    ForecastUnitOfWork,
)
from domain.forecasts.service import cents, year_series
from domain.schedules.months import workload_estimates
from domain.scope import ResolvedScope
from domain.spend.ports import SpendStore
from domain.spend.queries import ensure_allocated

ZERO = Decimal("0")


@dataclass(frozen=True)
class BudgetForecast:
    """A budget's spend to date (exact, from the allocation), its forecasts to month end and
    year end with their bands, the back-test, its approved schedule and its overruns."""

    budget: BudgetRecord
    actual_to_date: Decimal
    forecast: Forecast | None
    schedule: Mapping[str, Decimal]
    overruns: tuple[Overrun, ...]


@dataclass(frozen=True)
class ForecastList:
    year: int
    last_day: date | None
    rows: tuple[BudgetForecast, ...]


def _invalid(field: str, message: str) -> RuleViolation:
    return RuleViolation(message, [ErrorDetail(message=message, field=field)])


def check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise _invalid("year", "year must be between 2000 and 2100")


async def _inputs(
    uow: ForecastUnitOfWork,
    store: SpendStore,
    reader: DailySpendReader,
    budgets: Sequence[BudgetRecord],
    year: int,
) -> tuple[date | None, dict[int, list[float]], dict[int, Decimal], dict[int, dict[str, Decimal]]]:
    """(last day with data, daily series, exact spend of the year, approved schedules)."""
    ids = frozenset(b.id for b in budgets)
    available = [p for p in await store.billing_periods() if p.period.startswith(f"{year:04d}-")]
    # a few budgets: only theirs; many: every approved schedule, kept by id (one plain read
    # either way, not a parameter per budget)
    approved = await uow.dashboard.approved_months(year, ids if len(ids) <= 500 else None)
    schedules = {b: months for b, months in approved.items() if b in ids}
    if not ids or not available:
        return None, {}, {}, schedules
    await ensure_allocated(uow, store, available)
    periods = [p.period for p in available]
    last = await reader.last_day(periods)
    if last is None:
        return None, {}, {}, schedules
    _, series = await year_series(reader, periods, ids, year=year, last=last)
    exact = {
        int(s.key): s.amount
        for s in await store.sums(
            periods, group_by="budget", budget_ids=ids, include_unallocated=False
        )
        if isinstance(s.key, int)
    }
    return min(last, date(year, 12, 31)), series, exact, schedules


@lru_cache(maxsize=20_000)
def _figures(
    series: tuple[float, ...], first: date, schedule: tuple[tuple[str, Decimal], ...]
) -> tuple[Forecast, tuple[Overrun, ...]]:
    """The forecast and overruns of one daily series: pure, so memoized — the same spend gives
    the same answer until a refresh or a rule change moves it (a list of 2,000 budgets is then
    answered without recomputing their back-tests)."""
    year_end = date(first.year, 12, 31)
    made = forecast(series, first, year_end=year_end)
    found = overruns(series, first, made.profile, dict(schedule), year_end=year_end)
    return made, tuple(found)


def _row(
    budget: BudgetRecord,
    series: list[float] | None,
    exact: Decimal,
    schedule: Mapping[str, Decimal],
    first: date,
) -> BudgetForecast:
    if not series:
        return BudgetForecast(budget, exact, None, schedule, ())
    made, found = _figures(tuple(series), first, tuple(sorted(schedule.items())))
    return BudgetForecast(budget, exact, made, schedule, found)


async def forecasts(
    uow: ForecastUnitOfWork,
    store: SpendStore,
    reader: DailySpendReader,
    scope: ResolvedScope,
    *,
    year: int,
) -> ForecastList:
    """Every budget of `year` in `scope` with its forecast (None without spend)."""
    check_year(year)
    budgets = await uow.budgets.list_budgets(scope, year=year)
    last, series, exact, schedules = await _inputs(uow, store, reader, budgets, year)
    first = date(year, 1, 1)
    rows = [
        _row(b, series.get(b.id), exact.get(b.id, ZERO), schedules.get(b.id, {}), first)
        for b in budgets
    ]
    return ForecastList(year, last, tuple(rows))


@dataclass(frozen=True)
class CumulativePoint:
    day: date
    amount: Decimal
    low: Decimal | None = None
    high: Decimal | None = None


@dataclass(frozen=True)
class MonthPoint:
    month: str
    amount: Decimal
    cumulative: Decimal


@dataclass(frozen=True)
class CumulativeView:
    row: BudgetForecast
    year: int
    last_day: date | None
    actual: tuple[CumulativePoint, ...]
    forecast: tuple[CumulativePoint, ...]
    schedule: tuple[MonthPoint, ...]
    estimates: tuple[MonthPoint, ...]


def _months_cumulative(months: Sequence[str], amounts: Mapping[str, Decimal]) -> list[MonthPoint]:
    total, out = ZERO, []
    for m in months:
        if m in amounts:
            total += amounts[m]
            out.append(MonthPoint(m, amounts[m], total))
    return out


async def cumulative(
    uow: ForecastUnitOfWork,
    store: SpendStore,
    reader: DailySpendReader,
    scope: ResolvedScope,
    *,
    budget_id: int,
    year: int,
) -> CumulativeView:
    """One budget's cumulative spend of `year`: actual to the last day with data, the forecast
    to 31 December with its band, the approved schedule and the workload estimates by month."""
    check_year(year)
    budget = await uow.budgets.get_budget(scope, budget_id)
    if budget is None:
        raise NotFound("budget not found")
    if budget.year != year:
        raise _invalid("year", f"the budget belongs to {budget.year}")
    last, series, exact, schedules = await _inputs(uow, store, reader, [budget], year)
    first = date(year, 1, 1)
    row = _row(
        budget,
        series.get(budget.id),
        exact.get(budget.id, ZERO),
        schedules.get(budget.id, {}),
        first,
    )
    actual: list[CumulativePoint] = []
    ahead: list[CumulativePoint] = []
    daily = series.get(budget.id) or []
    running = 0.0
    for offset, amount in enumerate(daily):
        running += amount
        actual.append(CumulativePoint(first + timedelta(days=offset), cents(running)))
    made = row.forecast
    if made is not None and last is not None:
        band = made.backtest.band()
        rest = 0.0
        day = last + timedelta(days=1)
        while day.year == year:
            rest += made.daily(day)
            low = high = None
            if band is not None:
                low, high = cents(running + rest * band[0]), cents(running + rest * band[1])
            ahead.append(CumulativePoint(day, cents(running + rest), low, high))
            day += timedelta(days=1)
    months = [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    workloads = await uow.allocation.workloads(scope, budget_id=budget.id)
    estimates = workload_estimates(
        months,
        [
            (w.launch_month.isoformat()[:7], w.end_month.isoformat()[:7], w.monthly_estimate)
            for w in workloads
        ],
    )
    return CumulativeView(
        row=row,
        year=year,
        last_day=last,
        actual=tuple(actual),
        forecast=tuple(ahead),
        schedule=tuple(_months_cumulative(months, row.schedule)),
        estimates=tuple(_months_cumulative(months, estimates) if workloads else ()),
    )


async def anomalies(
    uow: ForecastUnitOfWork, scope: ResolvedScope, filters: AnomalyFilter
) -> list[AnomalyRecord]:
    """The recorded anomalies of the budgets in `scope`, newest first."""
    if filters.since and filters.until and filters.since > filters.until:
        raise _invalid("since", "since must not be after until")
    if not 1 <= filters.limit <= 1000:
        raise _invalid("limit", "limit must be between 1 and 1000")
    return await uow.anomalies.list(scope, filters)

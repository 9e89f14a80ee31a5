from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from api.schemas.budgets import Money
from api.schemas.common import Schema
from domain.forecasts.overrun import Overrun
from domain.forecasts.ports import AnomalyRecord
from domain.forecasts.queries import BudgetForecast, CumulativeView
from domain.forecasts.service import cents


def _money(value: float | None) -> Decimal | None:
    return None if value is None else cents(value)


def _pct(value: float | None) -> Decimal | None:
    return None if value is None else cents(value * 100)


class OverrunRead(Schema):
    kind: Literal["month", "year"]
    month: str | None = Field(description="the month whose schedule is exceeded (kind month)")
    day: date = Field(description="the first day the cumulative spend passes the schedule")
    scheduled: Money = Field(description="the month's scheduled amount, or the year's total")
    already: bool = Field(description="the actual spend has passed it (not only the forecast)")

    @classmethod
    def of(cls, o: Overrun) -> OverrunRead:
        return cls(kind=o.kind, month=o.month, day=o.day, scheduled=o.amount, already=o.already)


class BudgetForecastRead(Schema):
    budget_id: int
    name: str
    path: list[str]
    actual_to_date: Money = Field(description="allocated spend of the year so far (exact)")
    month: str | None = Field(description="the month of the last day with spend")
    month_end: Money | None = Field(description="forecast spend of that month (actual + rest)")
    month_end_low: Money | None
    month_end_high: Money | None
    year_end: Money | None = Field(description="forecast spend of the year (actual + rest)")
    year_end_low: Money | None
    year_end_high: Money | None
    mape: Decimal | None = Field(description="back-test mean absolute percentage error, %")
    median_ape: Decimal | None = Field(description="back-test median APE, %")
    backtest_months: int
    scheduled_total: Money | None = Field(description="the approved schedule's total")
    overruns: list[OverrunRead]

    @classmethod
    def of(cls, row: BudgetForecast) -> BudgetForecastRead:
        f = row.forecast
        mb = f.month_band if f else None
        yb = f.year_band if f else None
        return cls(
            budget_id=row.budget.id,
            name=row.budget.path[3],
            path=list(row.budget.path),
            actual_to_date=row.actual_to_date,
            month=f.last.isoformat()[:7] if f else None,
            month_end=_money(f.month_end) if f else None,
            month_end_low=_money(mb[0]) if mb else None,
            month_end_high=_money(mb[1]) if mb else None,
            year_end=_money(f.year_end) if f else None,
            year_end_low=_money(yb[0]) if yb else None,
            year_end_high=_money(yb[1]) if yb else None,
            mape=_pct(f.backtest.mape) if f else None,
            median_ape=_pct(f.backtest.median_ape) if f else None,
            backtest_months=len(f.backtest.apes) if f else 0,
            scheduled_total=sum(row.schedule.values(), Decimal(0)) if row.schedule else None,
            overruns=[OverrunRead.of(o) for o in row.overruns],
        )


class ForecastListRead(Schema):
    year: int
    last_day: date | None = Field(description="the last day with spend: forecasts start after it")
    currency: str
    items: list[BudgetForecastRead]


class DayPointRead(Schema):
    day: date
    amount: Money = Field(description="cumulative spend of the year up to this day")
    low: Money | None = None
    high: Money | None = None


class MonthPointRead(Schema):
    month: str
    amount: Money
    cumulative: Money


class CumulativeRead(Schema):
    year: int
    last_day: date | None
    currency: str
    forecast: BudgetForecastRead
    actual: list[DayPointRead]
    projected: list[DayPointRead] = Field(description="forecast days with the band")
    schedule: list[MonthPointRead] = Field(description="the approved schedule (empty: none)")
    estimates: list[MonthPointRead] = Field(description="the workloads' monthly estimates")

    @classmethod
    def of(cls, view: CumulativeView, currency: str) -> CumulativeRead:
        return cls(
            year=view.year,
            last_day=view.last_day,
            currency=currency,
            forecast=BudgetForecastRead.of(view.row),
            actual=[DayPointRead(day=p.day, amount=p.amount) for p in view.actual],
            projected=[
                DayPointRead(day=p.day, amount=p.amount, low=p.low, high=p.high)
                for p in view.forecast
            ],
            schedule=[MonthPointRead(**vars(p)) for p in view.schedule],
            estimates=[MonthPointRead(**vars(p)) for p in view.estimates],
        )


class AnomalyResourceRead(Schema):
    resource_id: str
    amount: Money
    excess: Money = Field(description="the day's spend above the resource's trailing median")


class AnomalyRead(Schema):
    id: int
    budget_id: int
    name: str
    day: date
    service: str
    total: Money = Field(description="the budget's spend that day")
    median: Money = Field(description="the budget's median day over the trailing window")
    excess: Money
    service_amount: Money
    service_median: Money
    resources: list[AnomalyResourceRead]
    detected_at: datetime

    @classmethod
    def of(cls, r: AnomalyRecord) -> AnomalyRead:
        a = r.anomaly
        return cls(
            id=r.id,
            budget_id=a.budget_id,
            name=r.product,
            day=a.day,
            service=a.service,
            total=a.total,
            median=a.median,
            excess=a.total - a.median,
            service_amount=a.service_amount,
            service_median=a.service_median,
            resources=[
                AnomalyResourceRead(resource_id=x.resource_id, amount=x.amount, excess=x.excess)
                for x in a.resources
            ],
            detected_at=r.detected_at,
        )


class AnomalyRowRead(Schema):
    """An anomaly as a CSV row (the resources joined)."""

    id: int
    budget_id: int
    name: str
    day: date
    service: str
    total: Money
    median: Money
    excess: Money
    service_amount: Money
    service_median: Money
    resources: str

    @classmethod
    def of(cls, a: AnomalyRead) -> AnomalyRowRead:
        return cls(
            **a.model_dump(exclude={"resources", "detected_at"}),
            resources="; ".join(r.resource_id for r in a.resources),
        )


class AnomalyListRead(Schema):
    currency: str
    items: list[AnomalyRead]

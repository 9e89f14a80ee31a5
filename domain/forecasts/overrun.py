"""Forecast-to-overrun: the first day the cumulative spend (actual to date, then the forecast)
crosses the approved schedule, of a month (the month's scheduled amount) and of the year (the
schedule's total). Pure Python."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from domain.forecasts.method import Profile, month_end
from domain.periods import period_key


@dataclass(frozen=True)
class Overrun:
    """`kind` "month": the spend of `month` passes its scheduled `amount` on `day`; "year":
    the year's spend passes the schedule's total. `already` when the actual spend did."""

    kind: Literal["month", "year"]
    month: str | None
    day: date
    amount: Decimal
    already: bool


def overruns(
    series: Sequence[float],
    first: date,
    profile: Profile,
    schedule: Mapping[str, Decimal],
    *,
    year_end: date,
) -> list[Overrun]:
    """The month overrun (the first month, from the one in progress on, whose spend passes its
    schedule) and the year overrun, each when there is one. `series` is the daily spend from
    `first` (its last element the last day with data); later days spend `profile`."""
    last = first + timedelta(days=len(series) - 1)
    found: list[Overrun] = []

    def spent(day: date) -> float:
        return series[(day - first).days] if day <= last else profile[day.weekday()]

    current = date((last + timedelta(days=1)).year, (last + timedelta(days=1)).month, 1)
    if current > year_end:
        current = date(last.year, last.month, 1)
    month = current
    while month <= year_end and not found:
        amount = schedule.get(period_key(month))
        if amount is not None:
            total = 0.0
            day = max(month, first)
            while day <= month_end(month):
                total += spent(day)
                if total > float(amount):
                    found.append(Overrun("month", period_key(month), day, amount, day <= last))
                    break
                day += timedelta(days=1)
        month = month_end(month) + timedelta(days=1)
    if schedule:
        annual = sum(schedule.values(), Decimal("0"))
        total, day = 0.0, first
        while day <= year_end:
            total += spent(day)
            if total > float(annual):
                found.append(Overrun("year", None, day, annual, day <= last))
                break
            day += timedelta(days=1)
    return found

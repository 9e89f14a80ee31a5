"""Forecast-to-overrun: the first day the cumulative spend (actual to date, then the forecast)
crosses the approved schedule, of a month (the month's scheduled amount) and of the year (the
schedule's total). Pure Python."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate
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


def _crossing(values: Sequence[float], limit: float) -> int | None:
    """The index where the running total of `values` first exceeds `limit`, None if never."""
    return next((i for i, total in enumerate(accumulate(values)) if total > limit), None)


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
    if not schedule:
        return []
    last = first + timedelta(days=len(series) - 1)
    ahead = (year_end - last).days
    weekday = last.weekday()
    days = list(series) + [profile[(weekday + 1 + i) % 7] for i in range(max(ahead, 0))]
    found: list[Overrun] = []
    nxt = last + timedelta(days=1)
    month = date(nxt.year, nxt.month, 1) if nxt <= year_end else date(last.year, last.month, 1)
    while month <= year_end:
        amount = schedule.get(period_key(month))
        start = max((month - first).days, 0)
        end = (month_end(month) - first).days + 1
        if amount is not None:
            at = _crossing(days[start:end], float(amount))
            if at is not None:
                day = first + timedelta(days=start + at)
                found.append(Overrun("month", period_key(month), day, amount, day <= last))
                break
        month = month_end(month) + timedelta(days=1)
    annual = sum(schedule.values(), Decimal("0"))
    at = _crossing(days, float(annual))
    if at is not None:
        day = first + timedelta(days=at)
        found.append(Overrun("year", None, day, annual, day <= last))
    return found

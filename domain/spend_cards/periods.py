"""Card periods: a billing month cut into weeks that run Sunday to Saturday.

The first period runs from the 1st to the first Saturday, the last from the last Sunday to the
month's end; every period lies inside one month, so a week that straddles two months is two
periods (one card each). Which periods are *due* (their card should exist) as of a day:

- a period that is not the month's last is due from the Monday after it ends (it always ends
  on a Saturday: the CUR lags a day or two, so Sunday is too early);
- the month's last period is due once the month is finalized (the CUR carries its invoice id)
  and the month is over, whatever the weekday;
- backfill: only periods of the month of `as_of` and the month before are considered, the
  months whose cards are still actionable. A job that missed a few Mondays catches up; an
  older card could never be decided, so it is not created.
"""

from __future__ import annotations

import calendar
from collections.abc import Set
from dataclasses import dataclass
from datetime import date, timedelta

from domain.periods import period_key

_SATURDAY = 5
_MONDAY = 0


@dataclass(frozen=True, order=True)
class CardPeriod:
    """One card period: `start`..`end` inclusive, inside one billing month."""

    start: date
    end: date
    #: True for the month's last period (its card waits for the month to be finalized).
    last: bool = False

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def month(self) -> str:
        """The billing period label (``'YYYY-MM'``) the period belongs to."""
        return period_key(self.start)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def days_in_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=days_in_month(day))


def previous_month(day: date) -> date:
    """The 1st of the month before the one holding `day`."""
    return (month_start(day) - timedelta(days=1)).replace(day=1)


def month_periods(year: int, month: int) -> tuple[CardPeriod, ...]:
    """The card periods of a month, in order; they tile the month exactly."""
    first = date(year, month, 1)
    end_of_month = month_end(first)
    periods: list[CardPeriod] = []
    start = first
    while start <= end_of_month:
        saturday = start + timedelta(days=(_SATURDAY - start.weekday()) % 7)
        end = min(saturday, end_of_month)
        periods.append(CardPeriod(start, end, last=end == end_of_month))
        start = end + timedelta(days=1)
    return tuple(periods)


def period_of(day: date) -> CardPeriod:
    """The card period that contains `day`."""
    return next(p for p in month_periods(day.year, day.month) if day in p)


def previous_period(period: CardPeriod) -> CardPeriod:
    """The period just before `period` (the last one of the previous month, across a month)."""
    return period_of(period.start - timedelta(days=1))


def monday_after(period: CardPeriod) -> date:
    """The Monday on which a non-last period's card is created (two days after its Saturday)."""
    return period.end + timedelta(days=(_MONDAY - period.end.weekday()) % 7 or 7)


def is_due(period: CardPeriod, as_of: date, finalized_months: Set[str]) -> bool:
    """Whether `period`'s card should exist on `as_of` (ignoring the backfill window)."""
    if period.last:
        return period.month in finalized_months and as_of > period.end
    return as_of >= monday_after(period)


def due_periods(as_of: date, finalized_months: Set[str]) -> tuple[CardPeriod, ...]:
    """The periods whose cards should exist on `as_of`, oldest first, within the backfill
    window (the month of `as_of` and the one before). `finalized_months` holds the
    ``'YYYY-MM'`` labels of the billing periods whose CUR carries an invoice id."""
    months = (previous_month(as_of), month_start(as_of))
    return tuple(
        p
        for m in months
        for p in month_periods(m.year, m.month)
        if is_due(p, as_of, finalized_months)
    )

"""Variance of a budget month by month against its last approved schedule, with the month in
progress pro-rated.

Rules (docs/schedules.md, "Variance"):

- The basis is the schedule as last approved (`ApprovedSchedule`): while a reschedule is
  requested, needed or being edited, variance stays against it until a new one is approved.
  Without an approved schedule there is no variance.
- Variance = scheduled − spend (negative: over the schedule), to the cent.
- A past month compares its whole spend with its whole scheduled amount.
- The month in progress compares month-to-date spend with the pro-rated schedule:
  ``days elapsed`` are the *complete* days before today (today's usage is still arriving, and
  the CUR stops yesterday), so on the 1st nothing has elapsed;
  ``pro-rated`` = scheduled × days elapsed ÷ days in the month (one exact division, rounded
  half-up to cents); ``month to date`` = spend of the days before today.
- The month-end forecast is the run rate: month-to-date ÷ days elapsed × days in the month
  (rounded half-up to cents); None on the 1st (no complete day to extrapolate from).
- Later months show their scheduled amount only.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def days_in_month(month: str) -> int:
    year, number = int(month[:4]), int(month[5:7])
    return calendar.monthrange(year, number)[1]


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True)
class MonthToDate:
    """The month in progress as of `today`."""

    days_elapsed: int
    days_in_month: int
    #: None without an approved amount for the month
    prorated: Decimal | None
    spend: Decimal
    variance: Decimal | None
    forecast: Decimal | None
    forecast_variance: Decimal | None


def month_to_date(
    *, month: str, scheduled: Decimal | None, daily: Mapping[date, Decimal], today: date
) -> MonthToDate:
    """`month` (the one containing `today`) pro-rated to the complete days before today."""
    length = days_in_month(month)
    elapsed = today.day - 1
    raw = sum((a for d, a in daily.items() if month_of(d) == month and d < today), ZERO)
    spend = cents(raw)
    forecast = cents(raw / elapsed * length) if elapsed > 0 else None
    prorated = None if scheduled is None else cents(scheduled * elapsed / length)
    return MonthToDate(
        days_elapsed=elapsed,
        days_in_month=length,
        prorated=prorated,
        spend=spend,
        variance=None if prorated is None else prorated - spend,
        forecast=forecast,
        forecast_variance=(
            None if forecast is None or scheduled is None else cents(scheduled) - forecast
        ),
    )


@dataclass(frozen=True)
class MonthVariance:
    month: str
    #: the approved amount of the month (None: no approved schedule, or the month is not in it)
    scheduled: Decimal | None
    #: the month's spend (None: a later month, or no billing period of it in the store)
    spend: Decimal | None
    variance: Decimal | None
    #: set on the month in progress only
    to_date: MonthToDate | None = None

    @property
    def in_progress(self) -> bool:
        return self.to_date is not None


def month_variances(
    months: Sequence[str],
    *,
    approved: Mapping[str, Decimal] | None,
    daily: Mapping[date, Decimal],
    periods: frozenset[str] | set[str],
    today: date,
) -> list[MonthVariance]:
    """Each of `months` (the budget's, 'YYYY-MM') against `approved` (None: no approved
    schedule, no variance). `daily` is the budget's allocated spend per usage day, `periods`
    the billing periods the spend store holds (a month without one has no spend yet)."""
    current = month_of(today)
    out: list[MonthVariance] = []
    for month in months:
        planned = approved.get(month) if approved is not None else None
        if month > current or month not in periods:
            out.append(MonthVariance(month, planned, None, None))
            continue
        if month == current:
            so_far = month_to_date(month=month, scheduled=planned, daily=daily, today=today)
            out.append(MonthVariance(month, planned, so_far.spend, so_far.variance, so_far))
            continue
        spend = cents(sum((a for d, a in daily.items() if month_of(d) == month), ZERO))
        out.append(
            MonthVariance(month, planned, spend, None if planned is None else planned - spend)
        )
    return out

"""The forecast method: a budget's daily allocated spend projected to month end and year end.

**Weekday mean.** Each weekday's mean over the trailing 8 weeks (56 days; fewer at the start of
the year: the days there are), each future day forecast at its weekday's mean. It follows
growth faster than a monthly mean and keeps the weekly rhythm.

**Back-test.** For every whole past month with at least 28 days of history before it, the
method forecasts the month from the history before its 1st and is compared with the month's
actual spend: the absolute percentage errors (APE) give MAPE and the median APE shown to the
reader, and the ratios actual ÷ forecast give the band.

**Band.** The 10th and 90th percentiles of those ratios (with at least 3 back-test months;
else no band) applied to the forecast part (the actual to date is certain).

**Seasonal naive** (the baseline measured against, docs/forecasts.md): each future day is the
same weekday of the last week.

Series are dense lists of floats, one per day from a first day (missing days spent 0). The
statistics are floats; amounts shown are rounded to cents by the caller. Pure Python, no I/O.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

WEEKS = 8
MIN_HISTORY_DAYS = 28
MIN_BACKTEST_MONTHS = 3
BAND_QUANTILES = (0.10, 0.90)

Profile = tuple[float, float, float, float, float, float, float]
Method = Callable[[Sequence[float], date], Profile]


def weekday_profile(history: Sequence[float], first: date) -> Profile:
    """Each weekday's mean spend (Monday first) over the last `WEEKS` weeks of `history`,
    whose first element is the spend of `first`. A weekday the history does not hold takes
    the mean of the days it does; an empty history spends 0."""
    window = history[-WEEKS * 7 :]
    start = first + timedelta(days=len(history) - len(window))
    if not window:
        return (0.0,) * 7
    overall = sum(window) / len(window)
    means = [overall] * 7
    weekday = start.weekday()
    for offset in range(min(7, len(window))):
        days = window[offset::7]
        means[(weekday + offset) % 7] = sum(days) / len(days)
    return (means[0], means[1], means[2], means[3], means[4], means[5], means[6])


def last_week_profile(history: Sequence[float], first: date) -> Profile:
    """Seasonal naive: each weekday spends what it spent in the last 7 days of `history`."""
    window = history[-7:]
    if len(window) < 7:
        return weekday_profile(history, first)
    start = first + timedelta(days=len(history) - 7)
    means = [0.0] * 7
    for offset, amount in enumerate(window):
        means[(start + timedelta(days=offset)).weekday()] = amount
    return (means[0], means[1], means[2], means[3], means[4], means[5], means[6])


def project(profile: Profile, start: date, end: date) -> float:
    """The spend the profile forecasts from `start` to `end` inclusive (0 when empty)."""
    days = (end - start).days + 1
    if days <= 0:
        return 0.0
    weeks, rest = divmod(days, 7)
    weekday = start.weekday()
    return weeks * sum(profile) + sum(profile[(weekday + i) % 7] for i in range(rest))


def month_end(day: date) -> date:
    nxt = date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)
    return nxt - timedelta(days=1)


@dataclass(frozen=True)
class Backtest:
    """The method's errors on past months: absolute percentage errors and actual ÷ forecast
    ratios, one per month tested (months that spent nothing are left out)."""

    apes: tuple[float, ...]
    ratios: tuple[float, ...]

    @property
    def mape(self) -> float | None:
        return sum(self.apes) / len(self.apes) if self.apes else None

    @property
    def median_ape(self) -> float | None:
        return statistics.median(self.apes) if self.apes else None

    def band(self) -> tuple[float, float] | None:
        """(low, high) multipliers of the forecast part, None below `MIN_BACKTEST_MONTHS`."""
        if len(self.ratios) < MIN_BACKTEST_MONTHS:
            return None
        return quantile(self.ratios, BAND_QUANTILES[0]), quantile(self.ratios, BAND_QUANTILES[1])


def quantile(values: Sequence[float], q: float) -> float:
    """The `q` quantile with linear interpolation between order statistics."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def trimmed(series: Sequence[float], first: date) -> tuple[Sequence[float], date]:
    """`series` from its first day with spend (the days before it are no history: a budget
    whose spend starts in September has no zero weeks to average)."""
    start = next((i for i, amount in enumerate(series) if amount != 0), len(series))
    return series[start:], first + timedelta(days=start)


def backtest(series: Sequence[float], first: date, *, method: Method = weekday_profile) -> Backtest:
    """Forecast each whole month of `series` (from `first`) that has `MIN_HISTORY_DAYS` of
    history (from the first day with spend) before it from that history alone, against its
    actual spend."""
    last = first + timedelta(days=len(series) - 1)
    series, first = trimmed(series, first)
    apes: list[float] = []
    ratios: list[float] = []
    month = date(first.year, first.month, 1)
    while month <= last:
        end = month_end(month)
        start_index = (month - first).days
        if start_index >= MIN_HISTORY_DAYS and end <= last:
            history = series[:start_index]
            actual = sum(series[start_index : (end - first).days + 1])
            forecast = project(method(history, first), month, end)
            if actual > 0:
                apes.append(abs(forecast - actual) / actual)
                if forecast > 0:
                    ratios.append(actual / forecast)
        month = end + timedelta(days=1)
    return Backtest(tuple(apes), tuple(ratios))


@dataclass(frozen=True)
class Forecast:
    """A budget's forecast as of `last` (the last day with spend data): the spend to date,
    the forecast to month end and to year end (actual + forecast), their bands when the
    back-test allows one, and the daily profile used."""

    last: date
    profile: Profile
    backtest: Backtest
    month_end: float
    year_end: float
    month_band: tuple[float, float] | None
    year_band: tuple[float, float] | None

    def daily(self, day: date) -> float:
        return self.profile[day.weekday()]


def forecast(series: Sequence[float], first: date, *, year_end: date) -> Forecast:
    """Forecast the spend of `series` (daily from `first`, its last element the last day with
    data) to the end of that day's month and to `year_end`."""
    last = first + timedelta(days=len(series) - 1)
    profile = weekday_profile(*trimmed(series, first))
    tested = backtest(series, first)
    month_start = date(last.year, last.month, 1)
    to_date_month = sum(series[max(0, (month_start - first).days) :])
    to_date_year = sum(series)
    rest_month = project(profile, last + timedelta(days=1), month_end(last))
    rest_year = project(profile, last + timedelta(days=1), year_end)
    band = tested.band()
    return Forecast(
        last=last,
        profile=profile,
        backtest=tested,
        month_end=to_date_month + rest_month,
        year_end=to_date_year + rest_year,
        month_band=_banded(to_date_month, rest_month, band),
        year_band=_banded(to_date_year, rest_year, band),
    )


def _banded(
    actual: float, rest: float, band: tuple[float, float] | None
) -> tuple[float, float] | None:
    if band is None:
        return None
    return actual + rest * band[0], actual + rest * band[1]

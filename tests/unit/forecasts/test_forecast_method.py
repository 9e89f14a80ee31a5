from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.forecasts.method import (
    backtest,
    forecast,
    last_week_profile,
    project,
    quantile,
    weekday_profile,
)
from domain.forecasts.overrun import overruns

MONDAY = date(2026, 1, 5)


def weekly(pattern: list[float], days: int) -> list[float]:
    return [pattern[i % 7] for i in range(days)]


class TestWeekdayProfile:
    def test_each_weekday_is_its_mean_over_the_last_eight_weeks(self):
        # 10 weeks from a Monday: the first two weeks are left out of the window
        series = [1000.0] * 14 + weekly([10, 20, 30, 40, 50, 5, 5], 56)
        assert weekday_profile(series, MONDAY) == (10, 20, 30, 40, 50, 5, 5)

    def test_the_weekday_follows_the_calendar_not_the_position(self):
        series = weekly([10, 20, 30, 40, 50, 5, 5], 56)
        wednesday = MONDAY + timedelta(days=2)
        profile = weekday_profile(series, wednesday)
        assert profile[2] == 10  # the first element was a Wednesday

    def test_a_short_history_uses_what_there_is(self):
        assert weekday_profile([7.0, 7.0, 7.0], MONDAY) == (7, 7, 7, 7.0, 7.0, 7.0, 7.0)
        assert weekday_profile([], MONDAY) == (0.0,) * 7

    def test_seasonal_naive_repeats_the_last_week(self):
        series = [99.0] * 7 + [1.0, 2, 3, 4, 5, 6, 7]
        assert last_week_profile(series, MONDAY) == (1, 2, 3, 4, 5, 6, 7)


class TestProject:
    @given(
        st.lists(st.floats(0, 1e6, allow_nan=False), min_size=7, max_size=7),
        st.integers(0, 400),
        st.integers(0, 400),
    )
    def test_projecting_sums_the_days_one_by_one(self, pattern, start, days):
        profile = tuple(pattern)
        first = MONDAY + timedelta(days=start)
        last = first + timedelta(days=days - 1)
        expected = sum(profile[(first + timedelta(days=i)).weekday()] for i in range(days))
        assert project(profile, first, last) == pytest.approx(expected)  # type: ignore[arg-type]

    def test_an_empty_range_spends_nothing(self):
        assert project((1.0,) * 7, MONDAY, MONDAY - timedelta(days=1)) == 0


class TestBacktest:
    def test_a_steady_weekly_rhythm_is_forecast_without_error(self):
        series = weekly([10, 20, 30, 40, 50, 5, 5], 365)
        tested = backtest(series, date(2026, 1, 1))
        # February to December: whole months with at least 28 days of history before them
        assert len(tested.apes) == 11
        assert tested.mape == pytest.approx(0.0, abs=0.03)

    def test_growth_is_under_forecast_and_the_band_says_so(self):
        series = [100.0 + i for i in range(365)]
        tested = backtest(series, date(2026, 1, 1))
        assert all(r > 1 for r in tested.ratios)
        low, high = tested.band() or (0, 0)
        assert 1 < low <= high

    def test_fewer_than_three_months_give_no_band(self):
        series = [100.0] * 90
        assert backtest(series, date(2026, 1, 1)).band() is None

    def test_quantiles_interpolate(self):
        assert quantile([1.0, 2.0, 3.0, 4.0, 5.0], 0.5) == 3.0
        assert quantile([1.0, 2.0], 0.9) == pytest.approx(1.9)


class TestForecast:
    def test_month_and_year_end_add_the_forecast_to_the_actual(self):
        first = date(2026, 1, 1)
        series = [100.0] * 304  # 1 January to 31 October
        made = forecast(series, first, year_end=date(2026, 12, 31))
        assert made.last == date(2026, 10, 31)
        assert made.month_end == pytest.approx(3100.0)  # October is over
        assert made.year_end == pytest.approx(36500.0)
        assert made.year_band == (pytest.approx(36500.0), pytest.approx(36500.0))

    def test_the_band_contains_the_forecast_when_errors_straddle_it(self):
        first = date(2026, 1, 1)
        series = [100.0 if (i // 30) % 2 else 120.0 for i in range(300)]
        made = forecast(series, first, year_end=date(2026, 12, 31))
        assert made.year_band is not None
        assert made.year_band[0] <= made.year_end <= made.year_band[1]


class TestOverrun:
    SCHEDULE = {f"2026-{m:02d}": Decimal("3000.00") for m in range(1, 13)}

    def test_the_month_overrun_is_the_first_day_the_cumulative_passes_the_schedule(self):
        first = date(2026, 1, 1)
        series = [100.0] * 334  # to 30 November; 150 a day from December on
        found = overruns(series, first, (150.0,) * 7, self.SCHEDULE, year_end=date(2026, 12, 31))
        month = next(o for o in found if o.kind == "month")
        assert (month.month, month.day, month.already) == ("2026-12", date(2026, 12, 21), False)

    def test_the_year_overrun_may_already_have_happened(self):
        first = date(2026, 1, 1)
        series = [200.0] * 334
        schedule = {"2026-01": Decimal("10000")}
        found = overruns(series, first, (200.0,) * 7, schedule, year_end=date(2026, 12, 31))
        year = next(o for o in found if o.kind == "year")
        assert year.day == date(2026, 2, 20)  # 51 days × 200 > 10,000
        assert year.already

    def test_a_budget_under_its_schedule_has_no_overrun(self):
        found = overruns(
            [90.0] * 334, date(2026, 1, 1), (90.0,) * 7, self.SCHEDULE, year_end=date(2026, 12, 31)
        )
        assert found == []

    @given(st.floats(0, 500), st.integers(1, 364))
    def test_an_overrun_day_is_never_before_the_cumulative_passes(self, daily, days):
        first = date(2026, 1, 1)
        schedule = {f"2026-{m:02d}": Decimal("3000") for m in range(1, 13)}
        found = overruns([daily] * days, first, (daily,) * 7, schedule, year_end=date(2026, 12, 31))
        for o in found:
            if o.kind == "year":
                spent = daily * ((o.day - first).days + 1)
                assert spent > 36000 >= spent - daily


class TestSpendStartingLate:
    def test_the_days_before_the_first_spend_are_no_history(self):
        first = date(2026, 1, 1)
        series = [0.0] * 243 + [100.0] * 61  # spend from 1 September to 31 October
        tested = backtest(series, first)
        assert len(tested.apes) == 1  # October only: September has no history
        assert tested.mape == pytest.approx(0.0)
        made = forecast(series, first, year_end=date(2026, 12, 31))
        assert made.profile == (100.0,) * 7

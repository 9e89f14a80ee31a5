"""Card figures: budget from the daily budget, rounding at the edge, colours, forecast."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.spend_cards.figures import (
    Colour,
    ColourBands,
    DailySpend,
    card_figures,
    forecast_month_end,
    period_budget,
)
from domain.spend_cards.periods import CardPeriod, month_periods

WEEK_MARCH = CardPeriod(date(2025, 3, 9), date(2025, 3, 15))  # 7 of 31 days
LAST_MARCH = CardPeriod(date(2025, 3, 30), date(2025, 3, 31), last=True)


def daily(period: CardPeriod, amount: str) -> list[DailySpend]:
    return [DailySpend(period.start + timedelta(days=i), D(amount)) for i in range(period.days)]


def figures(period=WEEK_MARCH, scheduled="3100.00", per_day="100", mtd="1500", **kw):
    return card_figures(
        period,
        scheduled=D(scheduled),
        period_spend=daily(period, per_day),
        month_to_date=D(mtd),
        **kw,
    )


class TestBudget:
    def test_the_daily_budget_times_the_period_days(self):
        assert period_budget(D("3100.00"), WEEK_MARCH) == D("700.00")
        assert period_budget(D("3100.00"), month_periods(2025, 3)[0]) == D("100.00")

    def test_rounded_once_half_up_to_cents(self):
        feb_week = CardPeriod(date(2026, 2, 1), date(2026, 2, 7))  # 7 of 28 days: a quarter
        assert period_budget(D("0.10"), feb_week) == D("0.03")  # 0.025, half-up
        assert period_budget(D("1000.00"), CardPeriod(date(2025, 9, 7), date(2025, 9, 13))) == D(
            "233.33"
        )

    @settings(max_examples=50)
    @given(st.integers(1990, 2100), st.integers(1, 12), st.decimals("0", "1e9", places=2))
    def test_period_budgets_of_a_month_add_up_to_its_schedule_within_a_cent_each(
        self, year, month, scheduled
    ):
        periods = month_periods(year, month)
        total = sum(period_budget(scheduled, p) for p in periods)
        assert abs(total - scheduled) <= D("0.01") * len(periods)


class TestActualAndVariance:
    def test_actual_sums_at_full_precision_then_rounds(self):
        one_day = CardPeriod(date(2025, 3, 1), date(2025, 3, 1))
        spend = [DailySpend(date(2025, 3, 1), D("0.3333333333"))] * 3
        f = card_figures(one_day, scheduled=D("31"), period_spend=spend, month_to_date=D("1"))
        assert f.actual == D("1.00")  # rounding each line first would give 0.99

    def test_variance_is_actual_minus_budget_as_shown(self):
        f = figures(per_day="110.005")  # 770.035 → 770.04
        assert (f.actual, f.budget, f.variance) == (D("770.04"), D("700.00"), D("70.04"))
        assert f.variance_ratio == D("0.1001")
        assert f.colour is Colour.RED

    def test_spend_outside_the_period_is_refused(self):
        with pytest.raises(ValueError, match="outside"):
            card_figures(
                WEEK_MARCH,
                scheduled=D("1"),
                period_spend=[DailySpend(date(2025, 3, 16), D("1"))],
                month_to_date=D("1"),
            )


class TestColour:
    @pytest.mark.parametrize(
        ("actual", "colour"),
        [
            ("97.99", Colour.GREEN),
            ("98.00", Colour.BLACK),
            ("100.00", Colour.BLACK),
            ("102.00", Colour.BLACK),
            ("102.01", Colour.ORANGE),
            ("110.00", Colour.ORANGE),
            ("110.01", Colour.RED),
            ("-5.00", Colour.GREEN),
        ],
    )
    def test_default_bands(self, actual, colour):
        assert ColourBands().colour(D(actual), D("100.00")) is colour

    def test_bands_are_configurable(self):
        bands = ColourBands(tolerance=D("0.05"), red_above=D("0.20"))
        assert bands.colour(D("104"), D("100")) is Colour.BLACK
        assert bands.colour(D("120"), D("100")) is Colour.ORANGE
        assert bands.colour(D("94"), D("100")) is Colour.GREEN
        assert figures(per_day="104", bands=bands).colour is Colour.BLACK

    @pytest.mark.parametrize(
        ("actual", "colour"), [("0", Colour.BLACK), ("0.01", Colour.RED), ("-1", Colour.GREEN)]
    )
    def test_a_zero_budget(self, actual, colour):
        assert ColourBands().colour(D(actual), D("0")) is colour

    def test_bands_must_be_ordered(self):
        with pytest.raises(ValueError, match="tolerance"):
            ColourBands(tolerance=D("0.2"), red_above=D("0.1"))

    @given(
        st.decimals("-1000", "1000", places=2),
        st.decimals("-1000", "1000", places=2),
        st.decimals("0.01", "1000", places=2),
    )
    def test_more_spend_never_looks_better(self, a, b, budget):
        order = [Colour.GREEN, Colour.BLACK, Colour.ORANGE, Colour.RED]
        low, high = sorted((a, b))
        bands = ColourBands()
        assert order.index(bands.colour(low, budget)) <= order.index(bands.colour(high, budget))


class TestMonthToDateAndForecast:
    def test_month_to_date_against_the_schedule(self):
        f = figures(mtd="1500.004")
        assert f.month_to_date == D("1500.00")
        assert f.month_scheduled == D("3100.00")
        assert f.month_to_date_budget == D("1500.00")  # 15 of 31 days

    def test_forecast_is_the_month_to_date_run_rate(self):
        f = figures(mtd="1500")  # 100 a day over 15 days, 31 days in March
        assert f.forecast == D("3100.00")
        assert f.forecast_variance == D("0.00")
        assert forecast_month_end(D("1000"), date(2025, 9, 10)) == D("3000.00")
        assert forecast_month_end(D("10"), date(2025, 9, 7)) == D("42.86")  # 42.857…

    def test_on_the_last_period_the_forecast_is_the_month(self):
        f = figures(period=LAST_MARCH, mtd="2999.999")
        assert f.forecast == f.month_to_date == D("3000.00")
        assert f.forecast_variance == D("-100.00")

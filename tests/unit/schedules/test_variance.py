"""Variance against the approved schedule, and the month in progress pro-rated on fixed
clocks: the first day of a month, the turn of the month, a leap February."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from domain.schedules.variance import days_in_month, month_to_date, month_variances

D = Decimal


def spend_every_day(start: date, end: date, amount: str) -> dict[date, Decimal]:
    days = (end - start).days + 1
    return {start + timedelta(days=i): D(amount) for i in range(days)}


class TestDaysInMonth:
    def test_a_leap_february_has_29_days_and_a_common_one_28(self):
        assert (days_in_month("2028-02"), days_in_month("2026-02")) == (29, 28)
        assert (days_in_month("2100-02"), days_in_month("2000-02")) == (28, 29)


class TestMonthToDate:
    def test_the_first_of_the_month_has_no_complete_day_and_no_forecast(self):
        daily = {date(2026, 12, 1): D("500.00")}  # today's partial usage is not counted
        got = month_to_date(
            month="2026-12", scheduled=D("31000.00"), daily=daily, today=date(2026, 12, 1)
        )
        assert (got.days_elapsed, got.prorated, got.spend, got.variance) == (
            0,
            D("0.00"),
            D("0.00"),
            D("0.00"),
        )
        assert (got.forecast, got.forecast_variance) == (None, None)

    def test_the_second_counts_the_first_day_only(self):
        daily = spend_every_day(date(2026, 12, 1), date(2026, 12, 2), "1200.00")
        got = month_to_date(
            month="2026-12", scheduled=D("31000.00"), daily=daily, today=date(2026, 12, 2)
        )
        assert got.days_elapsed == 1
        assert got.prorated == D("1000.00")  # 31000 ÷ 31 × 1
        assert got.spend == D("1200.00")
        assert got.variance == D("-200.00")  # over the pro-rated schedule
        assert got.forecast == D("37200.00")  # 1200 ÷ 1 × 31
        assert got.forecast_variance == D("-6200.00")

    def test_a_leap_february_divides_by_29(self):
        daily = spend_every_day(date(2028, 2, 1), date(2028, 2, 28), "10.00")
        got = month_to_date(
            month="2028-02", scheduled=D("290.00"), daily=daily, today=date(2028, 2, 29)
        )
        assert (got.days_elapsed, got.days_in_month) == (28, 29)
        assert got.prorated == D("280.00")
        assert got.spend == D("280.00")
        assert got.forecast == D("290.00")

    def test_a_common_february_divides_by_28(self):
        got = month_to_date(
            month="2026-02", scheduled=D("280.00"), daily={}, today=date(2026, 2, 15)
        )
        assert (got.days_elapsed, got.days_in_month, got.prorated) == (14, 28, D("140.00"))
        assert (got.spend, got.forecast) == (D("0.00"), D("0.00"))

    def test_the_pro_rated_amount_is_rounded_half_up_once(self):
        got = month_to_date(
            month="2026-11", scheduled=D("100.00"), daily={}, today=date(2026, 11, 2)
        )
        assert got.prorated == D("3.33")  # 100 × 1 ÷ 30 = 3.333…
        got = month_to_date(
            month="2026-11", scheduled=D("0.45"), daily={}, today=date(2026, 11, 11)
        )
        assert got.prorated == D("0.15")  # 0.45 × 10 ÷ 30 = 0.15 exactly

    def test_without_an_approved_amount_there_is_no_pro_rated_variance(self):
        daily = spend_every_day(date(2026, 12, 1), date(2026, 12, 4), "5.00")
        got = month_to_date(month="2026-12", scheduled=None, daily=daily, today=date(2026, 12, 5))
        assert (got.prorated, got.variance, got.forecast_variance) == (None, None, None)
        assert (got.spend, got.forecast) == (D("20.00"), D("155.00"))

    @given(
        day=st.integers(min_value=2, max_value=28),
        amount=st.decimals(min_value=0, max_value=1_000_000, places=2),
    )
    def test_the_pro_rated_amount_never_exceeds_the_month(self, day, amount):
        got = month_to_date(month="2026-02", scheduled=amount, daily={}, today=date(2026, 2, day))
        assert got.prorated is not None
        assert D("0") <= got.prorated <= amount


class TestMonthVariances:
    MONTHS = ["2026-10", "2026-11", "2026-12"]
    APPROVED = {"2026-10": D("3100.00"), "2026-11": D("3000.00"), "2026-12": D("3100.00")}

    def test_on_the_turn_of_the_month_the_past_month_is_whole_and_the_new_one_empty(self):
        daily = spend_every_day(date(2026, 10, 1), date(2026, 11, 30), "100.00")
        rows = month_variances(
            self.MONTHS,
            approved=self.APPROVED,
            daily=daily,
            periods={"2026-10", "2026-11", "2026-12"},
            today=date(2026, 12, 1),
        )
        october, november, december = rows
        assert (october.spend, october.variance, october.in_progress) == (
            D("3100.00"),
            D("0.00"),
            False,
        )
        assert (november.spend, november.variance) == (D("3000.00"), D("0.00"))
        assert december.in_progress
        assert december.to_date is not None
        assert (december.spend, december.variance, december.to_date.prorated) == (
            D("0.00"),
            D("0.00"),
            D("0.00"),
        )

    def test_the_last_day_of_a_month_counts_all_days_but_today(self):
        daily = spend_every_day(date(2026, 11, 1), date(2026, 11, 30), "100.00")
        rows = month_variances(
            self.MONTHS,
            approved=self.APPROVED,
            daily=daily,
            periods={"2026-10", "2026-11"},
            today=date(2026, 11, 30),
        )
        october, november, december = rows
        assert (october.spend, october.variance) == (D("0.00"), D("3100.00"))
        assert november.to_date is not None
        assert november.to_date.days_elapsed == 29
        assert (november.spend, november.to_date.prorated) == (D("2900.00"), D("2900.00"))
        assert november.to_date.forecast == D("3000.00")
        assert (december.scheduled, december.spend, december.variance) == (
            D("3100.00"),
            None,
            None,
        )

    def test_without_an_approved_schedule_there_is_spend_but_no_variance(self):
        daily = spend_every_day(date(2026, 10, 1), date(2026, 10, 31), "1.00")
        rows = month_variances(
            self.MONTHS, approved=None, daily=daily, periods={"2026-10"}, today=date(2026, 11, 5)
        )
        assert [(r.scheduled, r.spend, r.variance) for r in rows[:1]] == [(None, D("31.00"), None)]
        assert rows[1].spend is None  # no billing period of November in the store yet

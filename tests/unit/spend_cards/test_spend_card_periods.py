"""Card periods: weeks Sunday to Saturday cut at month ends, and which are due on a day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.spend_cards.periods import (
    CardPeriod,
    due_periods,
    month_periods,
    period_of,
    previous_period,
)

SATURDAY, SUNDAY, MONDAY = 5, 6, 0


def span(start: date, end: date, *, last: bool = False) -> CardPeriod:
    return CardPeriod(start, end, last=last)


class TestMonthPeriods:
    @given(st.integers(1900, 2200), st.integers(1, 12))
    def test_periods_of_any_month_tile_it_exactly_sunday_to_saturday(self, year, month):
        periods = month_periods(year, month)
        assert periods[0].start == date(year, month, 1)
        assert periods[-1].end.month == month
        assert (periods[-1].end + timedelta(days=1)).day == 1
        for before, after in zip(periods, periods[1:], strict=False):
            assert after.start == before.end + timedelta(days=1)
            assert before.end.weekday() == SATURDAY
            assert after.start.weekday() == SUNDAY
        assert all(1 <= p.days <= 7 for p in periods)
        assert [p.last for p in periods] == [False] * (len(periods) - 1) + [True]
        assert sum(p.days for p in periods) == periods[-1].end.day

    def test_a_month_starting_on_saturday_opens_with_a_one_day_period(self):
        assert month_periods(2025, 3) == (
            span(date(2025, 3, 1), date(2025, 3, 1)),
            span(date(2025, 3, 2), date(2025, 3, 8)),
            span(date(2025, 3, 9), date(2025, 3, 15)),
            span(date(2025, 3, 16), date(2025, 3, 22)),
            span(date(2025, 3, 23), date(2025, 3, 29)),
            span(date(2025, 3, 30), date(2025, 3, 31), last=True),
        )

    def test_a_month_ending_on_saturday_ends_with_a_full_last_week(self):
        periods = month_periods(2025, 5)  # Saturday 31 May 2025
        assert periods[-1] == span(date(2025, 5, 25), date(2025, 5, 31), last=True)

    def test_the_previous_period_of_a_first_period_is_last_months_last(self):
        first = month_periods(2025, 9)[0]
        assert previous_period(first) == span(date(2025, 8, 31), date(2025, 8, 31), last=True)
        assert period_of(date(2025, 9, 10)) == span(date(2025, 9, 7), date(2025, 9, 13))


class TestDuePeriods:
    def test_a_month_with_five_mondays_gets_a_card_on_each(self):
        # March 2025 starts on a Saturday; its Mondays are 3, 10, 17, 24 and 31.
        mondays = [date(2025, 3, d) for d in (3, 10, 17, 24, 31)]
        march = month_periods(2025, 3)
        for i, monday in enumerate(mondays):
            due = [p for p in due_periods(monday, set()) if p.month == "2025-03"]
            assert due == list(march[: i + 1])
            # the day before (a Sunday) the newest period is not due yet: the CUR lags
            assert due_periods(monday - timedelta(days=1), set())[-1:] != (march[i],)

    def test_a_month_starting_on_a_monday(self):
        # 1 Sep 2025 is a Monday: it brings the card of 24-30 August, none of September yet.
        due = due_periods(date(2025, 9, 1), set())
        assert due[-1] == span(date(2025, 8, 24), date(2025, 8, 30))
        assert all(p.month == "2025-08" for p in due)
        assert due_periods(date(2025, 9, 8), set())[-1] == span(date(2025, 9, 1), date(2025, 9, 6))

    def test_the_last_period_waits_for_the_month_to_be_finalized(self):
        last = span(date(2025, 3, 30), date(2025, 3, 31), last=True)
        assert last not in due_periods(date(2025, 4, 7), set())
        assert last in due_periods(date(2025, 4, 7), {"2025-03"})

    def test_finalization_before_the_first_monday_after_month_end(self):
        # January 2025 ends on a Friday; the CUR is final on Saturday 1 February.
        last = span(date(2025, 1, 26), date(2025, 1, 31), last=True)
        due = due_periods(date(2025, 2, 1), {"2025-01"})
        assert due[-1] == last
        assert date(2025, 2, 1).weekday() != MONDAY

    def test_finalization_after_the_first_monday_after_month_end(self):
        last = span(date(2025, 1, 26), date(2025, 1, 31), last=True)
        assert last not in due_periods(date(2025, 2, 3), set())  # Monday: not final yet
        assert last in due_periods(date(2025, 2, 5), {"2025-01"})  # final on Wednesday

    def test_a_last_period_ending_on_saturday_still_waits_for_finalization(self):
        last = span(date(2025, 5, 25), date(2025, 5, 31), last=True)
        assert last not in due_periods(date(2025, 6, 2), set())
        assert last in due_periods(date(2025, 6, 2), {"2025-05"})

    def test_finalized_is_not_enough_before_the_month_is_over(self):
        assert all(not p.last for p in due_periods(date(2025, 3, 31), {"2025-03"}))

    def test_backfill_reaches_the_previous_month_only(self):
        due = due_periods(date(2025, 5, 20), {"2025-03", "2025-04"})
        assert {p.month for p in due} == {"2025-04", "2025-05"}
        assert due[0] == month_periods(2025, 4)[0]
        assert month_periods(2025, 4)[-1] in due
        assert list(due) == sorted(due)

    @given(st.dates(date(2000, 1, 1), date(2100, 12, 31)))
    def test_due_periods_are_over_and_never_the_current_week(self, as_of):
        for p in due_periods(as_of, set()):
            assert p.end < as_of - timedelta(days=1)
            assert not p.last

    @pytest.mark.parametrize("as_of", [date(2025, 3, 10), date(2024, 2, 5)])
    def test_due_is_stable_from_monday_to_saturday(self, as_of):
        week = [due_periods(as_of + timedelta(days=d), set()) for d in range(6)]
        assert all(w == week[0] for w in week)

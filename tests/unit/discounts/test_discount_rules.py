from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.discounts.model import Discount, check_end, check_new, closed_months_in
from domain.errors import RuleViolation

D = Decimal


def reasons(err: pytest.ExceptionInfo[RuleViolation]) -> str:
    return " ".join(e.message for e in err.value.errors)


def discount(i=1, percent="5", start=date(2026, 1, 1), end=None):
    return Discount(i, D(percent), start, end, 1, "fin@corp.com", datetime(2026, 1, 1, tzinfo=UTC))


class TestNewDiscount:
    @pytest.mark.parametrize("percent", ["0", "100", "-1", "1.001", "NaN"])
    def test_a_bad_percent_is_refused(self, percent):
        with pytest.raises(RuleViolation) as err:
            check_new(D(percent), date(2027, 1, 1), None, [], set())
        assert err.value.errors[0].field == "percent"

    def test_an_end_before_the_start_is_refused(self):
        with pytest.raises(RuleViolation) as err:
            check_new(D("5"), date(2027, 1, 2), date(2027, 1, 1), [], set())
        assert err.value.errors[0].field == "end"

    def test_a_closed_month_inside_an_open_span_is_refused(self):
        with pytest.raises(RuleViolation) as err:
            check_new(D("5"), date(2026, 2, 1), None, [], {"2026-03", "2025-12"})
        assert "2026-03 closed" in reasons(err)
        assert "2025-12" not in reasons(err)

    def test_after_the_closed_months_is_fine(self):
        check_new(D("5"), date(2026, 4, 1), None, [], {"2026-03"})

    def test_a_withdrawn_discount_blocks_nothing(self):
        withdrawn = discount(start=date(2026, 5, 1), end=date(2026, 4, 30))
        check_new(D("3"), date(2026, 5, 1), None, [withdrawn], set())


class TestEnd:
    def test_ending_inside_a_closed_month_is_refused(self):
        with pytest.raises(RuleViolation) as err:
            check_end(discount(), date(2026, 2, 10), {"2026-02"})
        assert "2026-02 closed" in reasons(err)

    def test_the_day_before_the_start_withdraws_it(self):
        check_end(discount(start=date(2027, 1, 1)), date(2026, 12, 31), set())

    def test_earlier_than_that_or_later_than_its_end_is_refused(self):
        with pytest.raises(RuleViolation):
            check_end(discount(start=date(2027, 1, 1)), date(2026, 12, 30), set())
        with pytest.raises(RuleViolation) as err:
            check_end(discount(end=date(2026, 6, 30)), date(2026, 7, 31), set())
        assert "already ends" in reasons(err)


spans = st.tuples(
    st.dates(date(2026, 1, 1), date(2027, 12, 31)), st.integers(0, 400) | st.none()
).map(lambda t: (t[0], None if t[1] is None else t[0] + timedelta(days=t[1])))


@given(st.lists(spans, min_size=1, max_size=6))
def test_accepted_discounts_never_share_a_day(candidates):
    accepted: list[Discount] = []
    for i, (start, end) in enumerate(candidates):
        try:
            check_new(D("2"), start, end, accepted, set())
        except RuleViolation:
            continue
        accepted.append(discount(i, "2", start, end))
    days: set[date] = set()
    for d in accepted:
        last = d.end or date(2028, 12, 31)
        span = {d.start + timedelta(days=n) for n in range((last - d.start).days + 1)}
        assert not span & days
        days |= span


def test_closed_months_in_an_open_span_reach_every_later_month():
    assert closed_months_in(date(2026, 3, 5), None, {"2026-02", "2026-03", "2030-01"}) == [
        "2026-03",
        "2030-01",
    ]

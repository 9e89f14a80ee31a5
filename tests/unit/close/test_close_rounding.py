"""Largest-remainder rounding to cents: the parts add up to the rounded total exactly, and each
is within a cent of its exact share."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.close.rounding import CENT, split_cents, to_cents

amounts = st.decimals(
    min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=10, allow_nan=False
)
weights = st.lists(
    st.decimals(min_value=Decimal("-5000"), max_value=Decimal("50000"), places=10),
    min_size=1,
    max_size=12,
)


class TestSplitCents:
    @given(total=amounts, parts=weights)
    def test_parts_sum_exactly_and_each_is_within_a_cent_of_its_share(self, total, parts):
        whole = sum(parts, Decimal(0))
        got = split_cents(total, parts)
        assert sum(got, Decimal(0)) == to_cents(total)
        assert all(g.as_tuple().exponent == -2 for g in got)
        if whole != 0:
            for g, w in zip(got, parts, strict=True):
                assert abs(g - total * w / whole) <= CENT

    def test_three_equal_thirds_give_the_extra_cent_to_the_first(self):
        assert split_cents(Decimal("100.00"), [Decimal(1)] * 3) == [
            Decimal("33.34"),
            Decimal("33.33"),
            Decimal("33.33"),
        ]

    def test_the_largest_remainder_gets_the_cent(self):
        # shares 0.334, 0.333, 0.333 of 0.01 * 100 cents
        assert split_cents(
            Decimal("1.00"), [Decimal("0.333"), Decimal("0.334"), Decimal("0.333")]
        ) == [
            Decimal("0.33"),
            Decimal("0.34"),
            Decimal("0.33"),
        ]

    def test_a_credit_is_a_negative_part(self):
        got = split_cents(Decimal("10.005"), [Decimal("12"), Decimal("-2")])
        assert got == [Decimal("12.01"), Decimal("-2.00")]

    def test_weights_summing_to_zero_leave_the_total_on_the_first_part(self):
        assert split_cents(Decimal("5"), [Decimal(1), Decimal(-1)]) == [
            Decimal("5.00"),
            Decimal("0.00"),
        ]

    def test_a_non_zero_total_needs_a_part(self):
        with pytest.raises(ValueError, match="at least one part"):
            split_cents(Decimal("1"), [])
        assert split_cents(Decimal("0.001"), []) == []

    def test_no_negative_zero(self):
        assert str(to_cents(Decimal("-0.001"))) == "0.00"

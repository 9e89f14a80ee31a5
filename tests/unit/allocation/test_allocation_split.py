"""Splitting one cost by percentages: exact to 1E-10, largest remainder, deterministic."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.allocation.rules import Share, from_units, split_cost, to_units
from tests.unit.allocation.builders import costs, percents


def shares(*pairs: tuple[int, str]) -> list[Share]:
    return [Share(budget, Decimal(percent)) for budget, percent in pairs]


class TestSplitCost:
    def test_an_even_split_needs_no_remainder(self) -> None:
        assert split_cost(Decimal("10"), shares((1, "50"), (2, "50"))) == [
            (1, Decimal("5")),
            (2, Decimal("5")),
        ]

    def test_the_leftover_unit_goes_to_the_largest_remainder(self) -> None:
        # 1E-9 = 10 units: 33.33% -> 3.333, 66.67% -> 6.667: 3 + 6 = 9, the unit goes to 6.667
        parts = split_cost(Decimal("0.000000001"), shares((1, "33.33"), (2, "66.67")))
        assert parts == [(1, Decimal("3E-10")), (2, Decimal("7E-10"))]

    def test_equal_remainders_go_to_the_smaller_budget_id(self) -> None:
        parts = split_cost(Decimal("1E-10"), shares((7, "50"), (3, "50")))
        assert parts == [(7, Decimal(0)), (3, Decimal("1E-10"))]

    def test_a_negative_cost_splits_as_the_mirror_of_its_magnitude(self) -> None:
        split = shares((1, "33.33"), (2, "33.33"), (3, "33.34"))
        positive = split_cost(Decimal("0.0000000100"), split)
        negative = split_cost(Decimal("-0.0000000100"), split)
        assert negative == [(b, -amount) for b, amount in positive]

    def test_parts_keep_ten_decimals(self) -> None:
        [(_, amount)] = split_cost(Decimal("1.5"), shares((1, "100")))
        assert str(amount) == "1.5000000000"

    def test_more_than_ten_decimals_is_refused(self) -> None:
        with pytest.raises(ValueError, match="more than 10 decimals"):
            split_cost(Decimal("0.00000000001"), shares((1, "100")))

    def test_units_round_trip(self) -> None:
        assert to_units(Decimal("-1.2345678901")) == -12_345_678_901
        assert from_units(-12_345_678_901) == Decimal("-1.2345678901")


@st.composite
def a_split(draw: st.DrawFn) -> list[Share]:
    n = draw(st.integers(1, 6))
    budgets = draw(st.lists(st.integers(1, 50), min_size=n, max_size=n, unique=True))
    return [Share(b, p) for b, p in zip(budgets, draw(percents(n)), strict=True)]


class TestSplitProperties:
    @given(cost=costs, split=a_split())
    def test_parts_sum_exactly_to_the_cost(self, cost: Decimal, split: list[Share]) -> None:
        assert sum((amount for _, amount in split_cost(cost, split)), Decimal(0)) == cost

    @given(cost=costs, split=a_split())
    def test_each_part_is_within_one_unit_of_its_exact_share(
        self, cost: Decimal, split: list[Share]
    ) -> None:
        for (budget, amount), share in zip(split_cost(cost, split), split, strict=True):
            assert budget == share.budget_id
            exact = cost * share.percent / 100
            assert abs(amount - exact) < Decimal("1E-10")

    @given(cost=costs, split=a_split())
    def test_order_of_the_shares_does_not_matter(self, cost: Decimal, split: list[Share]) -> None:
        forward = dict(split_cost(cost, split))
        assert dict(split_cost(cost, list(reversed(split)))) == forward

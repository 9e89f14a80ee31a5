"""The allocation rule, case by case, on the pure-Python reference."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings

from domain.allocation.reference import (
    AllocatedLine,
    Allocation,
    CostRow,
    allocate,
    is_gross,
    negotiated_discount,
)
from domain.allocation.rules import AllocationRules, CostBasis, NegotiatedDiscount
from domain.errors import RuleViolation
from tests.unit.allocation.builders import (
    ACCOUNT,
    OTHER,
    a_claim,
    a_row,
    a_split,
    bases,
    cost_rows,
    rules,
)

SPLIT = a_split({1: "60", 2: "40"})


def by_budget(allocation: Allocation) -> dict[int | None, Decimal]:
    out: dict[int | None, Decimal] = {}
    for line in allocation.lines:
        out[line.budget_id] = out.get(line.budget_id, Decimal(0)) + line.amount
    return out


def run(rows: list[CostRow], rules_: AllocationRules, **kwargs: object) -> Allocation:
    return allocate(rows, rules_, **kwargs)  # type: ignore[arg-type]


class TestTheRule:
    def test_a_claimed_resource_goes_wholly_to_the_claim(self) -> None:
        result = run([a_row(cost="10")], AllocationRules(SPLIT, [a_claim(budget_id=9)]))
        assert result.lines == (
            AllocatedLine(
                date(2026, 3, 10), ACCOUNT, "i-1", "AmazonEC2", "Usage", 9, 900, Decimal("10")
            ),
        )

    def test_an_unclaimed_resource_follows_the_account_split(self) -> None:
        result = run([a_row(cost="10", resource_id="i-2")], AllocationRules(SPLIT, [a_claim()]))
        assert by_budget(result) == {1: Decimal(6), 2: Decimal(4)}
        assert {line.workload_id for line in result.lines} == {None}

    def test_without_a_split_the_spend_is_unallocated(self) -> None:
        result = run([a_row(cost="10", account_id=OTHER)], AllocationRules(SPLIT, []))
        assert by_budget(result) == {None: Decimal(10)}
        assert result.unallocated == Decimal(10)
        assert result.allocated == 0

    def test_the_split_in_force_on_the_usage_day_applies(self) -> None:
        remapped = [
            *a_split({1: "100"}, end=date(2026, 3, 8)),
            *a_split({2: "100"}, start=date(2026, 3, 9)),
        ]
        rows = [
            a_row(cost="1", usage_date=date(2026, 3, 8)),
            a_row(cost="2", usage_date=date(2026, 3, 9)),
        ]
        assert by_budget(run(rows, AllocationRules(remapped, []))) == {1: 1, 2: 2}

    def test_claims_hold_from_start_to_end_inclusive(self) -> None:
        claim = a_claim(start=date(2026, 3, 10), end=date(2026, 3, 12))
        rows = [a_row(cost="1", usage_date=date(2026, 3, d)) for d in (9, 10, 12, 13)]
        result = run(rows, AllocationRules(a_split({1: "100"}), [claim]))
        assert [(ln.usage_date.day, ln.budget_id) for ln in result.lines] == [
            (9, 1),
            (10, 90),
            (12, 90),
            (13, 1),
        ]

    def test_a_claim_applies_only_to_the_resource_of_its_account(self) -> None:
        rows = [a_row(cost="1", account_id=OTHER)]
        rules_ = AllocationRules(a_split({1: "100"}, account_id=OTHER), [a_claim()])
        assert by_budget(run(rows, rules_)) == {1: 1}

    def test_tax_follows_the_split_even_on_a_claimed_resource(self) -> None:
        rows = [a_row(cost="5", line_item_type="Tax")]
        assert by_budget(run(rows, AllocationRules(SPLIT, [a_claim()]))) == {1: 3, 2: 2}

    @pytest.mark.parametrize(
        "discount", ["EdpDiscount", "PrivateRateDiscount", "BundledDiscount", "Discount"]
    )
    def test_cur_discounts_follow_their_resource_like_usage(self, discount: str) -> None:
        rows = [
            a_row(cost="-1", line_item_type=discount),
            a_row(cost="-1", line_item_type=discount, resource_id="i-2"),
        ]
        result = run(rows, AllocationRules(SPLIT, [a_claim(budget_id=9)]))
        assert by_budget(result) == {9: -1, 1: Decimal("-0.6"), 2: Decimal("-0.4")}

    @pytest.mark.parametrize("excluded", ["Credit", "Refund"])
    def test_credits_and_refunds_are_excluded_and_reported(self, excluded: str) -> None:
        rows = [a_row(cost="10"), a_row(cost="-3", line_item_type=excluded)]
        result = run(rows, AllocationRules(SPLIT, []))
        assert [ln.line_item_type for ln in result.lines] == ["Usage", "Usage"]
        assert result.excluded == Decimal(-3)
        assert result.total == Decimal(10)

    def test_the_cost_basis_chooses_the_column(self) -> None:
        rows = [a_row(cost="10", net="9", amortized="7")]
        rules_ = AllocationRules(a_split({1: "100"}), [])
        assert run(rows, rules_, basis=CostBasis.NET_UNBLENDED).total == 9
        assert run(rows, rules_, basis=CostBasis.AMORTIZED).total == 7
        assert run(rows, rules_).total == 10

    def test_a_row_without_a_type_is_allocated_like_usage(self) -> None:
        rows = [a_row(cost="4", line_item_type=None)]
        assert by_budget(run(rows, AllocationRules(SPLIT, [a_claim(budget_id=9)]))) == {9: 4}

    def test_a_row_without_cost_in_the_basis_yields_nothing(self) -> None:
        assert run([a_row(cost=None)], AllocationRules(SPLIT, [])).lines == ()

    def test_invalid_rules_are_refused(self) -> None:
        with pytest.raises(RuleViolation):
            run([a_row()], AllocationRules(a_split({1: "99"}), []))


class TestNegotiatedDiscount:
    DISCOUNT = NegotiatedDiscount(Decimal("3.00"), date(2026, 1, 1))

    def rules_(self) -> AllocationRules:
        return AllocationRules(SPLIT, [a_claim(resource_id="i-9", budget_id=9)], [self.DISCOUNT])

    def test_gross_prices_get_a_discount_line_allocated_like_the_charge(self) -> None:
        rows = [a_row(cost="100"), a_row(cost="10", resource_id="i-9")]
        result = run(rows, self.rules_())
        discount_lines = [
            (ln.budget_id, ln.amount)
            for ln in result.lines
            if ln.line_item_type == "NegotiatedDiscount"
        ]
        assert discount_lines == [(1, Decimal("-1.8")), (2, Decimal("-1.2")), (9, Decimal("-0.3"))]
        assert result.negotiated_discount == Decimal("-3.3")
        assert result.total == Decimal("106.7")

    def test_a_period_with_a_cur_discount_line_gets_no_negotiated_discount(self) -> None:
        rows = [a_row(cost="100"), a_row(cost="-1", line_item_type="EdpDiscount", resource_id=None)]
        result = run(rows, self.rules_())
        assert result.negotiated_discount == 0
        assert not is_gross(rows)

    def test_tax_credits_and_zero_cost_rows_get_no_discount(self) -> None:
        rows = [
            a_row(cost="8", line_item_type="Tax"),
            a_row(cost="-5", line_item_type="Credit"),
            a_row(cost="0", line_item_type="DiscountedUsage"),
        ]
        assert run(rows, self.rules_()).negotiated_discount == 0

    def test_only_days_within_the_discount_are_discounted(self) -> None:
        late = NegotiatedDiscount(Decimal("10"), date(2026, 3, 11))
        rows = [
            a_row(cost="10", usage_date=date(2026, 3, 10)),
            a_row(cost="10", usage_date=date(2026, 3, 11)),
        ]
        result = run(rows, AllocationRules(SPLIT, [], [late]))
        assert result.negotiated_discount == Decimal(-1)

    def test_the_discount_rounds_half_up_at_ten_decimals(self) -> None:
        assert negotiated_discount(Decimal("0.0000000005"), Decimal("10")) == Decimal("-1E-10")
        assert negotiated_discount(Decimal("-0.0000000005"), Decimal("10")) == Decimal("1E-10")
        assert negotiated_discount(Decimal("0.0000000004"), Decimal("10")) == 0


class TestConservation:
    @settings(max_examples=40)
    @given(rows=cost_rows(), rules_=rules, basis=bases)
    def test_allocated_plus_unallocated_is_the_spend_exactly(
        self, rows: list[CostRow], rules_: AllocationRules, basis: CostBasis
    ) -> None:
        result = allocate(rows, rules_, basis=basis)
        costs = [r.cost(basis) for r in rows]
        spend = sum(
            (
                c
                for r, c in zip(rows, costs, strict=True)
                if c is not None and r.line_item_type not in ("Credit", "Refund")
            ),
            Decimal(0),
        )
        assert (
            result.allocated + result.unallocated
            == result.total
            == spend + result.negotiated_discount
        )
        assert result.total == sum((ln.amount for ln in result.lines), Decimal(0))

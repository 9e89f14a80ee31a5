from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.allocation.rules import AllocationRules, ClaimSpan, SplitLine
from domain.recommendations.mapping import BudgetMapper
from domain.recommendations.model import BudgetShare

A, B = "111122223333", "444455556666"
RULES = AllocationRules(
    [
        SplitLine(A, 1, Decimal("100.00"), date(2026, 1, 1), date(2026, 6, 30)),
        SplitLine(A, 2, Decimal("40.00"), date(2026, 7, 1), None),
        SplitLine(A, 3, Decimal("60.00"), date(2026, 7, 1), None),
    ],
    [
        ClaimSpan(A, "i-1", 9, 5, date(2026, 3, 2), date(2026, 8, 31)),
        ClaimSpan(B, "i-1", 9, 6, date(2026, 3, 2), None),
    ],
)


def test_a_claim_in_force_wins():
    assert BudgetMapper(RULES, date(2026, 8, 1)).budgets_for(A, "i-1") == (
        BudgetShare(5, Decimal("100.00"), "claim"),
    )


def test_the_same_id_in_another_account_is_another_resource():
    assert BudgetMapper(RULES, date(2026, 8, 1)).budgets_for(B, "i-1")[0].budget_id == 6


def test_after_the_release_the_split_in_force_applies_largest_first():
    assert BudgetMapper(RULES, date(2026, 9, 1)).budgets_for(A, "i-1") == (
        BudgetShare(3, Decimal("60.00"), "split"),
        BudgetShare(2, Decimal("40.00"), "split"),
    )
    assert BudgetMapper(RULES, date(2026, 2, 1)).budgets_for(A, "vol-9") == (
        BudgetShare(1, Decimal("100.00"), "split"),
    )


def test_no_split_no_budget():
    assert BudgetMapper(RULES, date(2026, 9, 1)).budgets_for(B, "vol-1") == ()

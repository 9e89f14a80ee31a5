from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.dashboard.figures import (
    DashboardBudget,
    DuePlan,
    Figures,
    budget_figures,
    cumulative,
    monthly_by_node,
    rolled_up,
    view_months,
)

D = Decimal


def budget(budget_id: int, node_ids, *, scheduled=None) -> DashboardBudget:
    return DashboardBudget(
        budget_id, ("A", "B", "C", f"P{budget_id}"), node_ids, D("1200"), scheduled
    )


MONTHLY = {f"2026-{m:02d}": D("100.00") for m in range(1, 13)}


class TestBudgetFigures:
    def test_the_month_in_progress_is_pro_rated_and_a_month_not_begun_is_not_due(self):
        today = date(2026, 11, 16)
        b = budget(1, (1, 2, 3, 4), scheduled=MONTHLY)
        f = budget_figures(b, {"2026-11": D("60.004")}, DuePlan.of(["2026-11"], today))
        assert (f.spend, f.budget, f.variance) == (D("60.00"), D("50.00"), D("10.00"))
        assert f.ratio == D("1.2000")
        december = budget_figures(b, {}, DuePlan.of(["2026-12"], today))
        assert (december.budget, december.ratio) == (D("0.00"), None)

    def test_an_unapproved_budget_has_spend_but_no_variance(self):
        f = budget_figures(
            budget(1, (1, 2, 3, 4)), {"2026-10": D("5")}, DuePlan.of(["2026-10"], date(2026, 11, 1))
        )
        assert (f.spend, f.variance, f.ratio, f.approved) == (D("5.00"), None, None, 0)

    def test_a_rollup_measures_only_its_approved_budgets(self):
        today = date(2026, 12, 1)
        approved = budget(1, (1, 2, 3, 4), scheduled=MONTHLY)
        other = budget(2, (1, 2, 3, 5))
        spend = {1: {"2026-11": D("150")}, 2: {"2026-11": D("999")}}
        per = {
            b.budget_id: budget_figures(b, spend[b.budget_id], DuePlan.of(["2026-11"], today))
            for b in (approved, other)
        }
        (top,) = rolled_up([approved, other], per, 1).values()
        assert (top.spend, top.approved_spend, top.budget) == (
            D("1149.00"),
            D("150.00"),
            D("100.00"),
        )
        assert top.variance_percent == D("50.00")
        assert (top.budgets, top.approved) == (2, 1)


def test_view_months_run_to_the_current_month():
    assert view_months(2026, None, date(2026, 3, 2)) == ["2026-01", "2026-02", "2026-03"]
    assert len(view_months(2025, None, date(2026, 3, 2))) == 12
    assert view_months(2027, None, date(2026, 3, 2)) == []
    assert view_months(2026, 7, date(2026, 3, 2)) == ["2026-07"]


def test_monthly_by_node_sums_the_budgets_below_each_node():
    budgets = [budget(1, (1, 2, 3, 4)), budget(2, (1, 2, 3, 5))]
    spend = {1: {"2026-01": D("1.005")}, 2: {"2026-01": D("2"), "2026-12": D("3")}}
    out = monthly_by_node(budgets, spend, {3: 3, 4: 4}, 2026)
    assert (out[3][0], out[3][11]) == (D("3.01"), D("3.00"))
    assert (out[4][0], out[4][11]) == (D("1.01"), D("0"))


def test_cumulative_keeps_months_not_begun_empty():
    assert cumulative([D("1"), D("2"), None]) == [D("1"), D("3"), None]
    assert Figures().variance is None

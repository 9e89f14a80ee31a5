from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import RuleViolation
from domain.reports.variance import (
    APPROVED_SPENDING_HEADER,
    ApprovedBudget,
    MonthBasis,
    approved_spending_rows,
    month_budget,
    variance_report,
)

D = Decimal


def budget(bid: int, *, bu="Retail", dept="Digital", pf="Web", name=None, monthly="3100.00"):
    nodes = {"Retail": 1, "Corporate": 2}
    return ApprovedBudget(
        budget_id=bid,
        path=(bu, dept, pf, name or f"P{bid}"),
        node_ids=(nodes.get(bu, 9), 10 * nodes.get(bu, 9) + 1, 100 * nodes.get(bu, 9) + 1, bid),
        months={f"2026-{m:02d}": D(monthly) for m in range(1, 13)},
    )


class TestMonthBudget:
    def test_a_past_month_counts_in_full(self):
        assert month_budget(D("3100"), "2026-10", date(2026, 12, 2)) == (
            D("3100.00"),
            MonthBasis.FULL,
            31,
        )

    def test_the_month_in_progress_is_pro_rated_to_the_days_before_today(self):
        # 2 December: one day elapsed of 31
        amount, basis, days = month_budget(D("3100"), "2026-12", date(2026, 12, 2))
        assert (amount, basis, days) == (D("100.00"), MonthBasis.PRO_RATED, 1)

    def test_pro_rating_rounds_half_up_to_the_cent(self):
        amount, _, _ = month_budget(D("1000"), "2026-11", date(2026, 11, 2))  # 1000/30
        assert amount == D("33.33")

    def test_the_first_of_the_month_has_no_budget_yet(self):
        assert month_budget(D("900"), "2026-11", date(2026, 11, 1))[0] == D("0.00")


class TestVarianceReport:
    def test_variance_is_actual_minus_budget_with_percent(self):
        report = variance_report(
            [budget(1)],
            {1: {"2026-10": D("3410.004"), "2026-09": D("3000")}},
            year=2026,
            period="2026-10",
            level=4,
            today=date(2026, 12, 2),
        )
        (row,) = report.rows
        assert row.month.budget == D("3100.00")
        assert row.month.actual == D("3410.00")
        assert row.month.variance == D("310.00")
        assert row.month.variance_percent == D("10.00")
        # the year to date: ten months of 3100, spend only in September and October
        assert row.year_to_date.budget == D("31000.00")
        assert row.year_to_date.actual == D("6410.00")
        assert row.year_to_date.variance == D("-24590.00")
        assert report.basis is MonthBasis.FULL

    def test_the_month_in_progress_compares_month_to_date(self):
        report = variance_report(
            [budget(1)],
            {1: {"2026-12": D("80")}},
            year=2026,
            period="2026-12",
            level=4,
            today=date(2026, 12, 2),
        )
        (row,) = report.rows
        assert (row.month.budget, row.month.variance) == (D("100.00"), D("-20.00"))
        assert row.scheduled == D("3100.00")
        assert report.basis is MonthBasis.PRO_RATED
        assert report.days_elapsed == 1

    def test_a_zero_budget_has_no_percent(self):
        b = ApprovedBudget(1, ("A", "B", "C", "D"), (1, 2, 3, 4), {"2026-01": D("0")})
        report = variance_report(
            [b],
            {1: {"2026-01": D("5")}},
            year=2026,
            period="2026-01",
            level=4,
            today=date(2026, 3, 1),
        )
        assert report.rows[0].month.variance_percent is None

    def test_rollup_rows_sum_the_products_cents(self):
        budgets = [budget(1), budget(2), budget(3, bu="Corporate", dept="Fin", pf="ERP")]
        actual = {1: {"2026-10": D("1.005")}, 2: {"2026-10": D("1.005")}, 3: {}}
        report = variance_report(
            budgets, actual, year=2026, period="2026-10", level=1, today=date(2026, 11, 5)
        )
        assert [(r.name, r.budgets) for r in report.rows] == [("Corporate", 1), ("Retail", 2)]
        retail = report.rows[1]
        assert retail.month.actual == D("2.02")  # 1.01 + 1.01, not round(2.01)
        assert report.total is not None
        assert report.total.month.budget == D("9300.00")

    @pytest.mark.parametrize(
        ("year", "period", "level", "field"),
        [
            (2026, "2027-01", 4, "period"),
            (2026, "2026-12", 4, "period"),
            (2026, "2026-01", 5, "level"),
        ],
    )
    def test_refused_requests_name_the_field(self, year, period, level, field):
        with pytest.raises(RuleViolation) as err:
            variance_report([], {}, year=year, period=period, level=level, today=date(2026, 11, 5))
        assert err.value.errors[0].field == field


class TestApprovedSpendingFile:
    def test_rows_per_month_with_rollups_before_their_products(self):
        budgets = [
            budget(1, name="Checkout"),
            budget(2, name="Search"),
            budget(3, bu="Corporate", dept="Fin", pf="ERP", name="Ledger"),
        ]
        actual = {1: {"2026-01": D("10")}, 2: {"2026-02": D("20")}}
        rows = approved_spending_rows(
            budgets, actual, period="2026-02", today=date(2026, 3, 1), currency="USD"
        )
        assert all(len(r) == len(APPROVED_SPENDING_HEADER) for r in rows)
        january = [r for r in rows if r[0] == "2026-01"]
        kinds = [(r[1], r[3], r[6]) for r in january]
        assert kinds == [
            ("business_unit", "Corporate", ""),
            ("department", "Corporate", ""),
            ("portfolio", "Corporate", ""),
            ("product", "Corporate", "Ledger"),
            ("business_unit", "Retail", ""),
            ("department", "Retail", ""),
            ("portfolio", "Retail", ""),
            ("product", "Retail", "Checkout"),
            ("product", "Retail", "Search"),
        ]
        col = APPROVED_SPENDING_HEADER.index
        retail = january[4]
        assert retail[col("amount")] == D("10.00")
        assert retail[col("budget")] == D("6200.00")
        assert retail[col("variance")] == D("-6190.00")
        assert retail[col("budgets")] == 2

    def test_months_after_today_are_left_out(self):
        rows = approved_spending_rows(
            [budget(1)], {}, period="2026-03", today=date(2026, 2, 15), currency="USD"
        )
        assert {r[0] for r in rows} == {"2026-01", "2026-02"}


@given(
    st.lists(
        st.tuples(st.sampled_from(["Retail", "Corporate"]), st.decimals(0, 10**6, places=4)),
        min_size=1,
        max_size=8,
    ),
    st.integers(1, 3),
)
def test_every_level_totals_the_same(spends, level):
    budgets = [budget(i + 1, bu=bu) for i, (bu, _) in enumerate(spends)]
    actual = {i + 1: {"2026-06": amount} for i, (_, amount) in enumerate(spends)}
    kwargs = {"year": 2026, "period": "2026-06", "today": date(2026, 6, 20)}
    products = variance_report(budgets, actual, level=4, **kwargs)
    rolled = variance_report(budgets, actual, level=level, **kwargs)
    assert products.total == rolled.total or (
        products.total is not None
        and rolled.total is not None
        and products.total.month == rolled.total.month
        and products.total.year_to_date == rolled.total.year_to_date
    )
    assert sum(r.budgets for r in rolled.rows) == len(budgets)

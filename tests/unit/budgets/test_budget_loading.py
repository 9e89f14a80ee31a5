"""Planning a chart-of-accounts load: the three stories, override, closed months."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.budgets.chart import ChartOfAccounts, ChartRow, parse_chart_of_accounts
from domain.budgets.filename import LoadOptions, resolve_load_options
from domain.budgets.loading import (
    BudgetRetirement,
    ExistingBudget,
    PlannedVersion,
    plan_load,
)
from domain.budgets.model import BudgetStatus, HierarchyLabels
from domain.errors import Conflict, RuleViolation

JAN, JUL = date(2025, 1, 1), date(2025, 7, 1)
FIRST_HALF_CLOSED = {f"2025-{m:02d}" for m in range(1, 7)}


def a_chart_row(
    *,
    row: int = 2,
    unit: str = "Retail",
    department: str = "Cards",
    portfolio: str = "Payments",
    product: str = "Checkout",
    amount: str = "1000.00",
    attributes: dict[str, str] | None = None,
) -> ChartRow:
    return ChartRow(
        row=row,
        path=(unit, department, portfolio, product),
        annual_amount=Decimal(amount),
        attributes=attributes or {},
    )


def a_chart(*rows: ChartRow) -> ChartOfAccounts:
    return ChartOfAccounts(
        labels=HierarchyLabels(),
        amount_header="Annual Budget",
        attribute_headers=(),
        rows=rows,
    )


def an_existing(
    *,
    id: int = 1,
    unit: str = "Retail",
    department: str = "Cards",
    portfolio: str = "Payments",
    product: str = "Checkout",
    amount: str = "1000.00",
    status: BudgetStatus = BudgetStatus.ACTIVE,
    start_date: date = JAN,
    attributes: dict[str, str] | None = None,
) -> ExistingBudget:
    return ExistingBudget(
        id=id,
        path=(unit, department, portfolio, product),
        annual_amount=Decimal(amount),
        status=status,
        start_date=start_date,
        attributes=attributes,
    )


def some_options(
    *,
    year: int = 2025,
    is_new: bool = False,
    start: date = JUL,
    is_override: bool = False,
) -> LoadOptions:
    return LoadOptions(
        customer="Customer",
        effective_year=year,
        is_new=is_new,
        start_date=date(year, 1, 1) if is_new else start,
        is_override=is_override,
        version="v1",
    )


def three_products() -> list[ExistingBudget]:
    return [
        an_existing(id=1, product="Checkout", amount="1000.00"),
        an_existing(id=2, product="Wallet", amount="2000.00"),
        an_existing(id=3, portfolio="Lending", product="Loans", amount="3000.00"),
    ]


class TestStoryNewYear:
    def test_every_product_is_created_from_january(self) -> None:
        chart = a_chart(
            a_chart_row(row=2, product="Checkout"),
            a_chart_row(row=3, product="Wallet", amount="250.50"),
            a_chart_row(row=4, unit="Corporate", product="Treasury"),
        )
        plan = plan_load([], chart, some_options(is_new=True), set())
        assert plan.counts == {
            "created": 3,
            "updated": 0,
            "reactivated": 0,
            "retired": 0,
            "unchanged": 0,
        }
        assert {c.start_date for c in plan.creates} == {JAN}
        assert plan.creates[1].annual_amount == Decimal("250.50")
        assert plan.creates[2].path == ("Corporate", "Cards", "Payments", "Treasury")
        assert plan.labels == HierarchyLabels()


class TestStoryUpdateFromJuly:
    def test_changed_amount_becomes_a_version_from_july(self) -> None:
        chart = a_chart(
            a_chart_row(row=2, product="Checkout", amount="1500.00"),
            a_chart_row(row=3, product="Wallet", amount="2000.00"),
            a_chart_row(row=4, portfolio="Lending", product="Loans", amount="3000.00"),
        )
        plan = plan_load(three_products(), chart, some_options(), FIRST_HALF_CLOSED)
        assert plan.created == 0
        assert plan.unchanged == 2
        [update] = plan.updates
        assert update.budget_id == 1
        assert update.previous_amount == Decimal("1000.00")
        assert update.new_version == PlannedVersion(Decimal("1500.00"), JUL)
        assert plan.retirements == ()

    def test_new_products_in_the_file_start_in_july(self) -> None:
        chart = a_chart(
            a_chart_row(row=2, product="Checkout", amount="1500.00"),
            a_chart_row(row=3, product="Rewards", amount="700.00"),
        )
        plan = plan_load(three_products(), chart, some_options(), FIRST_HALF_CLOSED)
        assert [(c.path[3], c.start_date) for c in plan.creates] == [("Rewards", JUL)]
        assert plan.counts["updated"] == 1

    def test_budgets_missing_from_the_file_are_left_alone_without_override(self) -> None:
        plan = plan_load(three_products(), a_chart(a_chart_row()), some_options(), set())
        assert plan.retirements == ()
        assert plan.unchanged == 1

    def test_budget_starting_later_changes_from_its_own_start(self) -> None:
        existing = [an_existing(start_date=date(2025, 9, 1))]
        plan = plan_load(existing, a_chart(a_chart_row(amount="5.00")), some_options(), set())
        assert plan.updates[0].new_version.effective_from == date(2025, 9, 1)


class TestStoryNewProduct:
    def test_new_product_added_and_the_rest_unchanged(self) -> None:
        chart = a_chart(
            a_chart_row(row=2, product="Checkout"),
            a_chart_row(row=3, product="Wallet", amount="2000.00"),
            a_chart_row(row=4, portfolio="Lending", product="Loans", amount="3000.00"),
            a_chart_row(row=5, portfolio="Lending", product="Mortgages", amount="900.00"),
        )
        plan = plan_load(three_products(), chart, some_options(start=date(2025, 8, 1)), set())
        [create] = plan.creates
        assert create.row == 5
        assert create.path == ("Retail", "Cards", "Lending", "Mortgages")
        assert create.annual_amount == Decimal("900.00")
        assert create.start_date == date(2025, 8, 1)
        assert plan.unchanged == 3
        assert plan.updates == ()


class TestMatchingIgnoresCase:
    def test_case_variant_path_matches_and_keeps_the_existing_spelling(self) -> None:
        chart = a_chart(a_chart_row(unit="RETAIL", product="checkout", amount="10.00"))
        plan = plan_load(three_products(), chart, some_options(), set())
        assert plan.creates == ()
        assert plan.updates[0].path == ("Retail", "Cards", "Payments", "Checkout")

    def test_new_product_reuses_the_existing_ancestor_spelling(self) -> None:
        chart = a_chart(a_chart_row(unit="retail", department="CARDS", product="New"))
        plan = plan_load(three_products(), chart, some_options(), set())
        assert plan.creates[0].path == ("Retail", "Cards", "Payments", "New")

    def test_duplicate_active_budgets_are_a_conflict(self) -> None:
        existing = [an_existing(id=1), an_existing(id=2, product="CHECKOUT")]
        with pytest.raises(Conflict) as exc:
            plan_load(existing, a_chart(a_chart_row()), some_options(), set())
        assert "1, 2" in exc.value.errors[0].message


class TestOverride:
    def test_retires_every_active_budget_not_in_the_file(self) -> None:
        existing = [
            *three_products(),
            an_existing(id=9, product="Old", status=BudgetStatus.RETIRED),
        ]
        chart = a_chart(a_chart_row(product="Wallet", amount="2000.00"))
        plan = plan_load(existing, chart, some_options(is_override=True), FIRST_HALF_CLOSED)
        assert plan.retirements == (
            BudgetRetirement(1, ("Retail", "Cards", "Payments", "Checkout"), JUL),
            BudgetRetirement(3, ("Retail", "Cards", "Lending", "Loans"), JUL),
        )
        assert plan.counts["retired"] == 2
        assert plan.unchanged == 1

    @pytest.mark.parametrize("closed", [{"2025-07"}, {"2025-09"}, {"2025-12"}])
    def test_refused_when_the_start_falls_in_or_before_a_closed_month(
        self, closed: set[str]
    ) -> None:
        with pytest.raises(RuleViolation) as exc:
            plan_load(
                three_products(), a_chart(a_chart_row()), some_options(is_override=True), closed
            )
        [error] = exc.value.errors
        assert error.field == "start_date"
        assert "history is archived, never deleted" in error.message
        assert sorted(closed)[0] in error.message

    def test_closed_months_of_another_year_do_not_matter(self) -> None:
        plan = plan_load(
            three_products(),
            a_chart(a_chart_row()),
            some_options(is_override=True),
            {"2024-12", "2026-01"},
        )
        assert plan.retired == 2

    def test_new_year_override_retires_from_january(self) -> None:
        plan = plan_load(
            three_products(),
            a_chart(a_chart_row()),
            some_options(is_new=True, is_override=True),
            set(),
        )
        assert {r.effective_date for r in plan.retirements} == {JAN}


class TestClosedMonths:
    def test_amount_change_effective_in_a_closed_month_is_refused_per_row(self) -> None:
        chart = a_chart(
            a_chart_row(row=2, product="Checkout", amount="1.00"),
            a_chart_row(row=3, product="Wallet", amount="2000.00"),  # unchanged: fine
            a_chart_row(row=4, portfolio="Lending", product="Loans", amount="3.00"),
            a_chart_row(row=5, product="Brand New"),
        )
        with pytest.raises(RuleViolation) as exc:
            plan_load(three_products(), chart, some_options(start=date(2025, 3, 1)), {"2025-03"})
        assert [(e.row, e.column) for e in exc.value.errors] == [
            (2, "Annual Budget"),
            (4, "Annual Budget"),
            (5, "Annual Budget"),
        ]
        assert "closed month(s) 2025-03" in exc.value.errors[0].message

    def test_unchanged_load_into_closed_months_is_fine(self) -> None:
        chart = a_chart(a_chart_row(product="Checkout"))
        plan = plan_load(three_products(), chart, some_options(is_new=True), {"2025-01"})
        assert plan.unchanged == 1

    def test_change_after_the_closed_months_is_accepted(self) -> None:
        chart = a_chart(a_chart_row(amount="1.00"))
        plan = plan_load(three_products(), chart, some_options(), FIRST_HALF_CLOSED)
        assert plan.updated == 1

    def test_start_date_must_be_in_the_year(self) -> None:
        bad = LoadOptions("C", 2025, False, date(2024, 7, 1), False, "v1")
        with pytest.raises(RuleViolation) as exc:
            plan_load([], a_chart(a_chart_row()), bad, set())
        assert exc.value.errors[0].field == "start_date"


class TestReactivation:
    def test_retired_budget_in_the_file_is_brought_back(self) -> None:
        existing = [an_existing(id=7, status=BudgetStatus.RETIRED)]
        plan = plan_load(existing, a_chart(a_chart_row(amount="80.00")), some_options(), set())
        [back] = plan.reactivations
        assert back.budget_id == 7
        assert back.new_version == PlannedVersion(Decimal("80.00"), JUL)
        assert plan.creates == ()
        assert plan.counts["reactivated"] == 1

    def test_refused_in_a_closed_month(self) -> None:
        existing = [an_existing(id=7, status=BudgetStatus.RETIRED)]
        with pytest.raises(RuleViolation):
            plan_load(existing, a_chart(a_chart_row()), some_options(), {"2025-08"})


class TestAttributes:
    def test_changed_attributes_are_updated(self) -> None:
        existing = [an_existing(attributes={"Cost Centre": "CC-1"})]
        chart = a_chart(a_chart_row(attributes={"Cost Centre": "CC-2"}))
        plan = plan_load(existing, chart, some_options(), set())
        assert plan.attribute_updates[0].attributes == {"Cost Centre": "CC-2"}
        assert (plan.updated, plan.unchanged) == (1, 0)

    def test_unknown_existing_attributes_are_not_compared(self) -> None:
        chart = a_chart(a_chart_row(attributes={"Cost Centre": "CC-2"}))
        plan = plan_load([an_existing()], chart, some_options(), set())
        assert (plan.updated, plan.unchanged) == (0, 1)


class TestFromFileToPlan:
    def test_update_from_july_end_to_end(self) -> None:
        data = (
            "\ufeffBusiness Unit,Department,Portfolio,Product,Annual Budget\r\n"
            'Retail,Cards,Payments,Checkout,"$1,500.00"\r\n'
            "Retail,Cards,Payments,Wallet,2000\r\n"
        ).encode()
        options = resolve_load_options("Customer_2025_false_2025-07-01_false_Budget_v2.csv")
        chart = parse_chart_of_accounts(data)
        plan = plan_load(three_products(), chart, options, FIRST_HALF_CLOSED)
        assert plan.counts == {
            "created": 0,
            "updated": 1,
            "reactivated": 0,
            "retired": 0,
            "unchanged": 1,
        }
        assert plan.updates[0].new_version.effective_from == JUL
        assert plan.options.version == "v2"

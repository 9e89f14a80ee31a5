"""Budget versions: the amount in force per month, and when a change may take effect."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.budgets.model import BudgetVersion, months_from
from domain.budgets.versions import (
    add_version,
    affected_months,
    amount_in_force,
    amounts_by_month,
    current_version,
    effective_date_errors,
)
from domain.errors import RuleViolation
from domain.periods import period_key


def a_version(
    *,
    amount: str = "1200.00",
    effective_from: date = date(2025, 1, 1),
    created_at: datetime = datetime(2025, 1, 2, tzinfo=UTC),
    created_by: int | None = 1,
) -> BudgetVersion:
    return BudgetVersion(Decimal(amount), effective_from, created_at, created_by)


def mid_year_versions() -> list[BudgetVersion]:
    # listed out of order on purpose
    return [
        a_version(amount="2400.00", effective_from=date(2025, 7, 1)),
        a_version(amount="1200.00", effective_from=date(2025, 1, 1)),
    ]


class TestAmountInForce:
    def test_earlier_months_keep_their_amount(self) -> None:
        versions = mid_year_versions()
        assert amount_in_force(versions, date(2025, 6, 1)) == Decimal("1200.00")
        assert amount_in_force(versions, date(2025, 7, 1)) == Decimal("2400.00")
        assert amount_in_force(versions, date(2025, 12, 1)) == Decimal("2400.00")

    def test_any_day_of_the_month_counts(self) -> None:
        assert amount_in_force(mid_year_versions(), date(2025, 7, 31)) == Decimal("2400.00")
        assert amount_in_force(mid_year_versions(), date(2025, 6, 30)) == Decimal("1200.00")

    def test_none_before_the_first_version(self) -> None:
        versions = [a_version(effective_from=date(2025, 4, 1))]
        assert amount_in_force(versions, date(2025, 3, 1)) is None
        assert amount_in_force([], date(2025, 3, 1)) is None

    def test_same_month_the_latest_created_wins(self) -> None:
        versions = [
            a_version(amount="900.00", created_at=datetime(2025, 1, 5, tzinfo=UTC)),
            a_version(amount="800.00", created_at=datetime(2025, 1, 3, tzinfo=UTC)),
        ]
        assert amount_in_force(versions, date(2025, 2, 1)) == Decimal("900.00")

    def test_amounts_by_month(self) -> None:
        months = amounts_by_month(mid_year_versions(), 2025)
        assert list(months) == [f"2025-{m:02d}" for m in range(1, 13)]
        assert months["2025-06"] == Decimal("1200.00")
        assert months["2025-07"] == Decimal("2400.00")

    def test_current_version_is_the_latest_effective(self) -> None:
        current = current_version(mid_year_versions())
        assert current is not None
        assert current.annual_amount == Decimal("2400.00")
        assert current_version([]) is None


class TestAffectedMonths:
    def test_until_the_next_version(self) -> None:
        versions = mid_year_versions()
        assert affected_months(versions, date(2025, 4, 1)) == ["2025-04", "2025-05", "2025-06"]

    def test_until_year_end_without_a_later_version(self) -> None:
        assert affected_months(mid_year_versions(), date(2025, 10, 1)) == [
            "2025-10",
            "2025-11",
            "2025-12",
        ]


class TestEffectiveDateRules:
    def test_valid_date_has_no_errors(self) -> None:
        assert effective_date_errors(date(2025, 7, 1), year=2025, closed_periods=set()) == []

    def test_not_the_first_of_a_month(self) -> None:
        errors = effective_date_errors(date(2025, 7, 2), year=2025, closed_periods=set())
        assert [e.message for e in errors] == ["2025-07-02 is not the 1st of a month"]

    def test_outside_the_budget_year(self) -> None:
        errors = effective_date_errors(date(2026, 1, 1), year=2025, closed_periods=set())
        assert "outside the budget year 2025" in errors[0].message

    def test_in_a_closed_month(self) -> None:
        errors = effective_date_errors(
            date(2025, 3, 1), year=2025, closed_periods={"2025-01", "2025-02", "2025-03"}
        )
        assert len(errors) == 1
        assert "closed month(s) 2025-03" in errors[0].message

    def test_before_a_later_closed_month(self) -> None:
        # a version from March would change April's amount, and April is closed
        errors = effective_date_errors(date(2025, 3, 1), year=2025, closed_periods={"2025-04"})
        assert "2025-04" in errors[0].message

    def test_closed_month_after_the_next_version_is_not_affected(self) -> None:
        errors = effective_date_errors(
            date(2025, 3, 1),
            year=2025,
            closed_periods={"2025-08"},
            versions=mid_year_versions(),
        )
        assert errors == []

    def test_before_the_budget_starts(self) -> None:
        errors = effective_date_errors(
            date(2025, 2, 1), year=2025, closed_periods=set(), budget_start=date(2025, 4, 1)
        )
        assert "before the budget starts" in errors[0].message


class TestAddVersion:
    def test_adds_in_effective_order(self) -> None:
        versions = add_version(
            mid_year_versions(),
            a_version(amount="3000.00", effective_from=date(2025, 10, 1)),
            year=2025,
            closed_periods={"2025-01"},
        )
        assert [v.effective_from.month for v in versions] == [1, 7, 10]
        assert amount_in_force(versions, date(2025, 9, 1)) == Decimal("2400.00")
        assert amount_in_force(versions, date(2025, 10, 1)) == Decimal("3000.00")

    def test_refuses_a_change_in_a_closed_month(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            add_version(
                mid_year_versions(),
                a_version(amount="1.00", effective_from=date(2025, 2, 1)),
                year=2025,
                closed_periods={"2025-01", "2025-02"},
            )
        assert exc.value.errors[0].field == "effective_from"

    @pytest.mark.parametrize(
        ("amount", "fragment"),
        [("-1", "negative"), ("NaN", "finite"), ("1.001", "decimal"), ("1e17", "too large")],
    )
    def test_refuses_bad_amounts(self, amount: str, fragment: str) -> None:
        with pytest.raises(RuleViolation) as exc:
            add_version([], a_version(amount=amount), year=2025, closed_periods=set())
        assert fragment in exc.value.errors[0].message

    def test_lists_every_error(self) -> None:
        with pytest.raises(RuleViolation) as exc:
            add_version(
                [],
                a_version(amount="-1", effective_from=date(2025, 5, 15)),
                year=2025,
                closed_periods={"2025-05"},
            )
        assert [e.field for e in exc.value.errors] == [
            "annual_amount",
            "effective_from",
            "effective_from",
        ]


class TestPeriods:
    def test_period_key(self) -> None:
        assert period_key(date(2025, 3, 31)) == "2025-03"

    def test_months_from(self) -> None:
        assert months_from(date(2025, 11, 15)) == ["2025-11", "2025-12"]
        assert months_from(date(2025, 12, 1), until=date(2026, 1, 1)) == ["2025-12", "2026-01"]

"""Budget versions: which annual amount is in force in a month, and when a change may
take effect.

Rules:
- An amount change is a new `BudgetVersion` effective from the 1st of a month; it is in
  force from that month until the next version's month. Earlier months keep the amount
  they had: nothing is overwritten.
- Two versions effective the same month: the one created last wins (a correction).
- A version must take effect on the 1st of a month of the budget's year, not before the
  budget starts, and must not change the amount of a closed month: every month from its
  effective date up to the next later version (or year end) must be open.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from datetime import date
from decimal import Decimal

from domain.budgets.model import BudgetVersion, month_start, months_from
from domain.budgets.money import CENT, MAX_AMOUNT
from domain.errors import ErrorDetail, RuleViolation
from domain.periods import period_key


def _ordered(versions: Sequence[BudgetVersion]) -> list[BudgetVersion]:
    # sorted() is stable, so among equal (effective_from, created_at) the later entry wins.
    return sorted(versions, key=lambda v: (v.effective_from, v.created_at))


def current_version(versions: Sequence[BudgetVersion]) -> BudgetVersion | None:
    """The version that takes effect last (the one in force at year end), if any."""
    ordered = _ordered(versions)
    return ordered[-1] if ordered else None


def version_in_force(versions: Sequence[BudgetVersion], month: date) -> BudgetVersion | None:
    """The version in force during the month containing `month`; `None` before the first."""
    first_day = month_start(month)
    found: BudgetVersion | None = None
    for version in _ordered(versions):
        if version.effective_from > first_day:
            break
        found = version
    return found


def amount_in_force(versions: Sequence[BudgetVersion], month: date) -> Decimal | None:
    """The annual amount in force during the month containing `month` (any day of it);
    `None` when no version had taken effect yet."""
    version = version_in_force(versions, month)
    return version.annual_amount if version is not None else None


def amounts_by_month(versions: Sequence[BudgetVersion], year: int) -> dict[str, Decimal | None]:
    """The annual amount in force in each month of `year`, keyed ``'YYYY-MM'``."""
    return {
        period_key(date(year, m, 1)): amount_in_force(versions, date(year, m, 1))
        for m in range(1, 13)
    }


def affected_months(versions: Sequence[BudgetVersion], effective_from: date) -> list[str]:
    """The months whose amount a new version effective `effective_from` would set: from its
    month up to (not including) the next later version, within the year."""
    start = month_start(effective_from)
    later = [v.effective_from for v in versions if month_start(v.effective_from) > start]
    if later:
        stop = min(later)
        months = months_from(start, until=stop)
        return months[:-1]
    return months_from(start)


def effective_date_errors(
    effective_from: date,
    *,
    year: int,
    closed_periods: Set[str],
    versions: Sequence[BudgetVersion] = (),
    budget_start: date | None = None,
    field: str = "effective_from",
) -> list[ErrorDetail]:
    """Every reason `effective_from` cannot be the date of a new version (empty: fine)."""
    errors: list[ErrorDetail] = []
    if effective_from.day != 1:
        errors.append(
            ErrorDetail(
                message=f"{effective_from.isoformat()} is not the 1st of a month", field=field
            )
        )
    if effective_from.year != year:
        errors.append(
            ErrorDetail(
                message=f"{effective_from.isoformat()} is outside the budget year {year}",
                field=field,
            )
        )
        return errors
    if budget_start is not None and month_start(effective_from) < month_start(budget_start):
        errors.append(
            ErrorDetail(
                message=(
                    f"{effective_from.isoformat()} is before the budget starts "
                    f"({budget_start.isoformat()})"
                ),
                field=field,
            )
        )
    closed = [m for m in affected_months(versions, effective_from) if m in closed_periods]
    if closed:
        errors.append(
            ErrorDetail(
                message=(
                    f"the change would alter closed month(s) {', '.join(closed)}; "
                    "closed periods keep their amounts"
                ),
                field=field,
            )
        )
    return errors


def add_version(
    versions: Sequence[BudgetVersion],
    new: BudgetVersion,
    *,
    year: int,
    closed_periods: Set[str],
    budget_start: date | None = None,
) -> tuple[BudgetVersion, ...]:
    """Return the versions with `new` added (ordered by effective date), or raise
    `RuleViolation` listing every reason it may not be added."""
    errors: list[ErrorDetail] = []
    amount = new.annual_amount
    if not amount.is_finite():
        errors.append(ErrorDetail(message="amount must be a finite number", field="annual_amount"))
    elif amount < 0:
        errors.append(ErrorDetail(message="amount must not be negative", field="annual_amount"))
    elif amount > MAX_AMOUNT:
        errors.append(ErrorDetail(message="amount is too large", field="annual_amount"))
    elif amount != amount.quantize(CENT):
        errors.append(
            ErrorDetail(message="amount has more than 2 decimal places", field="annual_amount")
        )
    errors += effective_date_errors(
        new.effective_from,
        year=year,
        closed_periods=closed_periods,
        versions=versions,
        budget_start=budget_start,
    )
    if errors:
        raise RuleViolation("the budget version cannot be added", errors=errors)
    return tuple(_ordered([*versions, new]))

"""A budget's monthly schedule: the months it covers, the sum rule, and the spreads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from domain.budgets.model import months_from
from domain.budgets.money import AmountError, parse_amount
from domain.errors import ErrorDetail, RuleViolation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class MonthAmount:
    month: str
    amount: Decimal


def schedule_months(start: date) -> list[str]:
    """The months a budget is scheduled over: from its start month to December."""
    return months_from(start)


def workload_estimates(
    months: Sequence[str], workloads: Sequence[tuple[str, str, Decimal]]
) -> dict[str, Decimal]:
    """The cumulative workload estimate of each month: the sum of the monthly estimates of the
    workloads active in it (launch month ≤ month ≤ end month). Workloads are
    (launch 'YYYY-MM', end 'YYYY-MM', monthly estimate)."""
    return {
        m: sum((est for launch, end, est in workloads if launch <= m <= end), ZERO) for m in months
    }


def validate_months(
    given: Sequence[tuple[str, str]],
    *,
    months: Sequence[str],
    locked: Mapping[str, Decimal],
    annual_amount: Decimal,
) -> list[MonthAmount]:
    """Check a draft: exactly the open months (those not locked by a closed period), amounts
    ≥ 0 with at most 2 decimals, and locked + given summing to the annual amount in force."""
    errors: list[ErrorDetail] = []
    open_months = [m for m in months if m not in locked]
    seen: dict[str, Decimal] = {}
    for i, (month, text) in enumerate(given):
        field = f"months.{i}"
        if month in seen:
            errors.append(ErrorDetail(message=f"{month} is given twice", field=f"{field}.month"))
            continue
        if month in locked:
            errors.append(
                ErrorDetail(
                    message=f"{month} is closed and keeps its amount", field=f"{field}.month"
                )
            )
            continue
        if month not in months:
            errors.append(
                ErrorDetail(
                    message=f"{month} is outside the budget's months ({months[0]} to {months[-1]})",
                    field=f"{field}.month",
                )
            )
            continue
        try:
            seen[month] = parse_amount(text)
        except AmountError as exc:
            errors.append(ErrorDetail(message=f"{month}: {exc}", field=f"{field}.amount"))
            seen[month] = ZERO
    missing = [m for m in open_months if m not in seen]
    if missing:
        errors.append(ErrorDetail(message=f"missing months: {', '.join(missing)}", field="months"))
    if not errors:
        total = sum(seen.values(), ZERO) + sum(locked.values(), ZERO)
        if total != annual_amount:
            remaining = annual_amount - sum(locked.values(), ZERO)
            errors.append(
                ErrorDetail(
                    message=f"the months {open_months[0]} to {open_months[-1]} total "
                    f"{sum(seen.values(), ZERO)}; they must total {remaining} (annual amount "
                    f"{annual_amount}, off by {total - annual_amount})",
                    field="months",
                )
            )
    if errors:
        raise RuleViolation("the schedule is not valid", errors)
    merged = {**locked, **seen}
    return [MonthAmount(m, merged[m]) for m in months]


def spread(
    months: Sequence[str],
    *,
    amount: Decimal,
    weights: Mapping[str, Decimal] | None = None,
    locked: Set[str] = frozenset(),
) -> dict[str, Decimal]:
    """Spread `amount` over the open months, evenly or in proportion to `weights` (workload
    estimates); cents are rounded down and the remainder goes to the last month."""
    open_months = [m for m in months if m not in locked]
    if not open_months:
        return {}
    w = {m: (weights or {}).get(m, ZERO) for m in open_months}
    total_weight = sum(w.values(), ZERO)
    if total_weight <= 0:
        w = dict.fromkeys(open_months, Decimal(1))
        total_weight = Decimal(len(open_months))
    out = {
        m: (amount * w[m] / total_weight).quantize(CENT, rounding=ROUND_DOWN) for m in open_months
    }
    out[open_months[-1]] += amount - sum(out.values(), ZERO)
    return out

"""The rules of a negotiated discount: its percent, its days, and the months it may touch.

A discount is in force on usage days `start`..`end` (inclusive; `end=None` is open-ended).
Two discounts never share a day. A change (a new discount, or ending one earlier) changes the
spend of every day it covers, so none of those days may lie in a closed billing month: closed
months keep the spend they were closed with.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from domain.allocation.rules import NegotiatedDiscount
from domain.errors import ErrorDetail, RuleViolation
from domain.periods import period_key

HUNDRED = Decimal("100")
CENT = Decimal("0.01")
_OPEN = date.max


@dataclass(frozen=True)
class Discount:
    """A stored negotiated discount."""

    id: int
    percent: Decimal
    start: date
    end: date | None
    version: int
    created_by: str
    created_at: datetime

    def rule(self) -> NegotiatedDiscount:
        return NegotiatedDiscount(self.percent, self.start, self.end)

    def covers(self, day: date) -> bool:
        return self.start <= day <= (self.end or _OPEN)


def percent_problem(percent: Decimal) -> str | None:
    """Why `percent` is not a discount percent: strictly between 0 and 100, at most two
    decimals (the engine's DECIMAL(5,2))."""
    if not percent.is_finite():
        return "percent must be a number"
    try:
        if percent != percent.quantize(CENT):
            return "percent has at most 2 decimals"
    except InvalidOperation:
        return "percent has at most 2 decimals"
    if not Decimal(0) < percent < HUNDRED:
        return "percent must be greater than 0 and less than 100"
    return None


def closed_months_in(first: date, last: date | None, closed: Set[str]) -> list[str]:
    """The closed billing months that days `first`..`last` (open-ended: None) touch."""
    low, high = period_key(first), "9999-12" if last is None else period_key(last)
    return sorted(p for p in closed if low <= p <= high)


def check_new(
    percent: Decimal,
    start: date,
    end: date | None,
    existing: Iterable[Discount],
    closed: Set[str],
) -> None:
    """Refuse a new discount (RuleViolation listing every problem): a bad percent, an end
    before the start, a day shared with another discount, a day in a closed month."""
    errors: list[ErrorDetail] = []
    problem = percent_problem(percent)
    if problem:
        errors.append(ErrorDetail(problem, field="percent"))
    if end is not None and end < start:
        errors.append(ErrorDetail("end is before start", field="end"))
    else:
        for other in existing:
            if start <= (other.end or _OPEN) and other.start <= (end or _OPEN):
                errors.append(
                    ErrorDetail(
                        f"overlaps discount {other.id} ({other.percent}% from {other.start} "
                        f"to {other.end or 'open'}): end that one first",
                        field="start",
                    )
                )
        months = closed_months_in(start, end, closed)
        if months:
            errors.append(
                ErrorDetail(
                    f"{', '.join(months)} closed: a discount cannot change a closed month",
                    field="start",
                )
            )
    if errors:
        raise RuleViolation("the discount is refused", errors)


def check_end(discount: Discount, end: date, closed: Set[str]) -> None:
    """Refuse ending `discount` on `end` (its last day in force): not before the day before its
    start (ending on `start - 1` withdraws it before it applied), not later than it already
    ends, and the days it gives up not in a closed month."""
    errors: list[ErrorDetail] = []
    if end < discount.start - timedelta(days=1):
        errors.append(
            ErrorDetail(
                f"end is before the discount starts ({discount.start}); the day before its "
                "start withdraws it",
                field="end",
            )
        )
    elif discount.end is not None and end >= discount.end:
        errors.append(ErrorDetail(f"the discount already ends on {discount.end}", field="end"))
    else:
        months = closed_months_in(end + timedelta(days=1), discount.end, closed)
        if months:
            errors.append(
                ErrorDetail(
                    f"{', '.join(months)} closed: ending the discount then would change a "
                    "closed month",
                    field="end",
                )
            )
    if errors:
        raise RuleViolation("the discount cannot end then", errors)

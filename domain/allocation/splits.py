"""Account allocation: an account's spend split across product budgets by percentage.

A split version is in force from its effective date until the day before the next one, and
never past 31 December of its year: a split (like its budgets) ends with the fiscal year, and
from 1 January an account with no split into the new year's budgets is Unallocated. A remap
starts at the start of a period (a Monday, or the 1st of a month); the previous version
ends the day before. History is never rewritten: a remap must start after the latest
version's start, and never inside or before a closed month.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from domain.allocation.rules import fiscal_end
from domain.errors import ErrorDetail, RuleViolation
from domain.periods import period_key

HUNDRED = Decimal("100.00")


@dataclass(frozen=True)
class SplitShare:
    budget_id: int
    percent: Decimal


@dataclass(frozen=True)
class SplitVersion:
    id: int
    account_id: str
    effective_from: date
    effective_to: date | None
    shares: tuple[SplitShare, ...]
    created_by: str
    created_at: datetime

    @property
    def ends(self) -> date:
        """The last day in force: the day before the next version, at the latest 31 December
        of the year of its budgets (the year it starts in; a split's budgets are of that year)."""
        return fiscal_end(self.effective_from, self.effective_to, self.effective_from.year)

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day <= self.ends


@dataclass(frozen=True)
class BudgetRef:
    """What a split needs to know of a budget."""

    id: int
    year: int
    active: bool


def is_period_start(day: date) -> bool:
    return day.weekday() == 0 or day.day == 1


def default_effective_from(vended: date | None, today: date) -> date:
    """The account's vended date when it was vended this month, else the 1st of the previous
    month (the CUR lags, and a new split usually covers last month's spend too)."""
    if vended is not None and (vended.year, vended.month) == (today.year, today.month):
        return vended
    first = today.replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


# Like amounts: plain digits with an optional point; no exponent ("1e2"), NaN or Infinity.
_PLAIN_PERCENT = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def parse_percent(text: str) -> Decimal:
    s = str(text).strip()
    if not _PLAIN_PERCENT.fullmatch(s):
        raise ValueError(
            f"'{text}' is not a number written plainly, such as 40 or 33.33 (no exponent)"
        )
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise ValueError(f"'{text}' is not a number") from None
    if not value.is_finite():
        raise ValueError(f"'{text}' is not a number")
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError("at most 2 decimals")
    if value <= 0:
        raise ValueError("must be greater than 0")
    if value > HUNDRED:
        raise ValueError("must be at most 100")
    return value.quantize(Decimal("0.01"))


def validate_split(
    *,
    shares: Sequence[tuple[int, str]],
    budgets: Mapping[int, BudgetRef],
    effective_from: date,
    latest: SplitVersion | None,
    closed_periods: Set[str],
    explicit_date: bool,
) -> tuple[SplitShare, ...]:
    """Check a new split; raise RuleViolation listing every problem."""
    errors: list[ErrorDetail] = []
    parsed: list[SplitShare] = []
    seen: set[int] = set()
    if not shares:
        errors.append(ErrorDetail(message="a split needs at least one budget", field="splits"))
    for i, (budget_id, text) in enumerate(shares):
        field = f"splits.{i}"
        if budget_id in seen:
            errors.append(
                ErrorDetail(message=f"budget {budget_id} appears twice", field=f"{field}.budget_id")
            )
        seen.add(budget_id)
        budget = budgets.get(budget_id)
        if budget is None:
            errors.append(
                ErrorDetail(
                    message=f"budget {budget_id} does not exist", field=f"{field}.budget_id"
                )
            )
        elif budget.year != effective_from.year:
            errors.append(
                ErrorDetail(
                    message=f"budget {budget_id} belongs to {budget.year}, the split starts in "
                    f"{effective_from.year}",
                    field=f"{field}.budget_id",
                )
            )
        elif not budget.active:
            errors.append(
                ErrorDetail(message=f"budget {budget_id} is retired", field=f"{field}.budget_id")
            )
        try:
            parsed.append(SplitShare(budget_id, parse_percent(text)))
        except ValueError as exc:
            errors.append(ErrorDetail(message=f"percent {exc}", field=f"{field}.percent"))
    if parsed and len(parsed) == len(shares):
        total = sum((s.percent for s in parsed), Decimal("0"))
        if total != HUNDRED:
            errors.append(
                ErrorDetail(message=f"the percentages total {total}, not 100.00", field="splits")
            )
    if explicit_date and not is_period_start(effective_from):
        errors.append(
            ErrorDetail(
                message=f"{effective_from.isoformat()} is neither a Monday nor the 1st of a month",
                field="effective_from",
            )
        )
    if latest is not None and effective_from <= latest.effective_from:
        errors.append(
            ErrorDetail(
                message=f"the current split starts {latest.effective_from.isoformat()}; a remap "
                "must start after it",
                field="effective_from",
            )
        )
    closed = sorted(p for p in closed_periods if p >= period_key(effective_from))
    if closed:
        errors.append(
            ErrorDetail(
                message=f"{', '.join(closed)} closed: a split cannot change a closed month",
                field="effective_from",
            )
        )
    if errors:
        raise RuleViolation("the split is not valid", errors)
    return tuple(parsed)


def summary_group(version: SplitVersion, today: date, window_days: int = 30) -> str:
    """Current / Expiring / New / Past / Future, as the summary page shows allocations.

    A split ends with its fiscal year, so in December every split of the year is Expiring
    until it is carried forward (the carried split shows as Future)."""
    if version.effective_from > today:
        return "future"
    if version.ends < today:
        return "past"
    if version.ends <= today + timedelta(days=window_days):
        return "expiring"
    if version.effective_from >= today - timedelta(days=window_days):
        return "new"
    return "current"

"""The variance rules: approved schedule against allocated spend, per month and year to date.

- Only **approved** budgets are reported (SPEC section 4: only approved budgets show
  variance); their months are the approved schedule's.
- **Variance = actual − budget.** Positive is overspend, negative is underspend.
  **Variance % = variance ÷ budget × 100**, rounded half up to 2 decimals; None when the budget
  of the row is zero (a percent of nothing means nothing).
- **The month in progress is pro-rated** (issue #12): its budget is the daily budget (the
  month's scheduled amount ÷ the days in the month) times the days elapsed, the days before
  today (the CUR holds usage up to yesterday at best), against the month-to-date spend. A past
  month counts in full. A month after today's is not reported.
- Amounts are worked in cents: each product's actual and budget per month are rounded half up
  to the cent first, the variance is their difference, and every rollup row (and the year to
  date) is a sum of those cents, so a file's rows add up to its totals.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from domain.errors import ErrorDetail, RuleViolation
from domain.periods import parse_period, period_key

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
PRODUCT_LEVEL = 4


class MonthBasis(StrEnum):
    """How a month's budget was taken: in full (a past month) or pro-rated to the days
    elapsed (the month in progress)."""

    FULL = "full"
    PRO_RATED = "pro_rated"


@dataclass(frozen=True)
class ApprovedBudget:
    """A product budget with an approved schedule: its hierarchy (names and node ids, top level
    first) and its scheduled amount per month (`YYYY-MM`)."""

    budget_id: int
    path: tuple[str, str, str, str]
    node_ids: tuple[int, int, int, int]
    months: Mapping[str, Decimal]
    code: str | None = None


@dataclass(frozen=True)
class Figures:
    """Budget against actual, in cents."""

    budget: Decimal
    actual: Decimal

    @property
    def variance(self) -> Decimal:
        return self.actual - self.budget

    @property
    def variance_percent(self) -> Decimal | None:
        return percent_of(self.variance, self.budget)

    def __add__(self, other: Figures) -> Figures:
        return Figures(self.budget + other.budget, self.actual + other.actual)


NONE = Figures(ZERO, ZERO)


@dataclass(frozen=True)
class VarianceRow:
    """One row of the report: a product (level 4) or a hierarchy node rolled up (1–3)."""

    level: int
    node_id: int
    path: tuple[str, ...]
    budget_id: int | None
    budgets: int
    scheduled: Decimal
    month: Figures
    year_to_date: Figures

    @property
    def name(self) -> str:
        return self.path[-1]


@dataclass(frozen=True)
class VarianceReport:
    year: int
    period: str
    level: int
    basis: MonthBasis
    days_elapsed: int
    days_in_month: int
    rows: tuple[VarianceRow, ...]
    total: VarianceRow | None


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(variance: Decimal, budget: Decimal) -> Decimal | None:
    if budget == 0:
        return None
    return (variance / budget * 100).quantize(CENT, rounding=ROUND_HALF_UP)


def days_in(month: str) -> int:
    first = parse_period(month)
    return calendar.monthrange(first.year, first.month)[1]


def month_budget(scheduled: Decimal, month: str, today: date) -> tuple[Decimal, MonthBasis, int]:
    """The budget a month is measured against on `today`, in cents, how it was taken and the
    days it covers: in full for a past month; for the month in progress, the daily budget
    (scheduled ÷ days in the month) times the days elapsed (1st to yesterday)."""
    total_days = days_in(month)
    current = period_key(today)
    if month < current:
        return cents(scheduled), MonthBasis.FULL, total_days
    if month > current:
        raise ValueError(f"{month} has not started on {today}")
    elapsed = today.day - 1
    return cents(scheduled * elapsed / total_days), MonthBasis.PRO_RATED, elapsed


def check_request(year: int, period: str, level: int, today: date) -> None:
    """Refuse a report the rules cannot give: a period outside the year, a month that has not
    started, a level outside 1–4."""
    errors = []
    if not period.startswith(f"{year:04d}-"):
        errors.append(ErrorDetail(f"period {period} is not in {year}", field="period"))
    elif period > period_key(today):
        errors.append(ErrorDetail(f"{period} has not started: no variance yet", field="period"))
    if level not in (1, 2, 3, 4):
        errors.append(ErrorDetail("level must be 1 (top) to 4 (product)", field="level"))
    if errors:
        raise RuleViolation("the variance report cannot be given", errors)


def months_to(period: str) -> list[str]:
    """January to `period` of its year."""
    year, month = period.split("-")
    return [f"{year}-{m:02d}" for m in range(1, int(month) + 1)]


def product_figures(
    budget: ApprovedBudget, actual: Mapping[str, Decimal], month: str, today: date
) -> Figures:
    """One product's budget (pro-rated when `month` is in progress) and actual, in cents."""
    scheduled = budget.months.get(month, ZERO)
    amount, _, _ = month_budget(scheduled, month, today)
    return Figures(amount, cents(actual.get(month, ZERO)))


def variance_report(
    budgets: Iterable[ApprovedBudget],
    actual: Mapping[int, Mapping[str, Decimal]],
    *,
    year: int,
    period: str,
    level: int,
    today: date,
) -> VarianceReport:
    """The variance of `budgets` for `period` and the year to date (January to `period`), at
    `level` (4: one row per product; 1–3: rolled up to that level's nodes), rows ordered by
    path; `total` sums every row (None when there is none). `actual` is allocated spend per
    budget id and month."""
    check_request(year, period, level, today)
    _, basis, elapsed = month_budget(Decimal(0), period, today)
    ytd_months = months_to(period)
    grouped: dict[int, list[tuple[ApprovedBudget, Figures, Figures]]] = defaultdict(list)
    for b in budgets:
        spent = actual.get(b.budget_id, {})
        this = product_figures(b, spent, period, today)
        ytd = sum((product_figures(b, spent, m, today) for m in ytd_months), NONE)
        grouped[b.node_ids[level - 1]].append((b, this, ytd))
    rows = []
    for node_id, members in grouped.items():
        first = members[0][0]
        rows.append(
            VarianceRow(
                level=level,
                node_id=node_id,
                path=first.path[:level],
                budget_id=first.budget_id if level == PRODUCT_LEVEL else None,
                budgets=len(members),
                scheduled=cents(sum((b.months.get(period, ZERO) for b, _, _ in members), ZERO)),
                month=sum((m for _, m, _ in members), NONE),
                year_to_date=sum((y for _, _, y in members), NONE),
            )
        )
    rows.sort(key=lambda r: (tuple(p.casefold() for p in r.path), r.node_id))
    total = None
    if rows:
        total = VarianceRow(
            level=0,
            node_id=0,
            path=("Total",),
            budget_id=None,
            budgets=sum(r.budgets for r in rows),
            scheduled=sum((r.scheduled for r in rows), ZERO),
            month=sum((r.month for r in rows), NONE),
            year_to_date=sum((r.year_to_date for r in rows), NONE),
        )
    return VarianceReport(
        year=year,
        period=period,
        level=level,
        basis=basis,
        days_elapsed=elapsed,
        days_in_month=days_in(period),
        rows=tuple(rows),
        total=total,
    )


# ---------------------------------------------------------------------- FP&A file

LEVEL_NAMES = {1: "business_unit", 2: "department", 3: "portfolio", 4: "product"}

APPROVED_SPENDING_HEADER: tuple[str, ...] = (
    "month",
    "row_type",
    "level",
    "business_unit",
    "department",
    "portfolio",
    "product",
    "budget_id",
    "budget_code",
    "budgets",
    "month_basis",
    "scheduled",
    "budget",
    "amount",
    "variance",
    "variance_percent",
    "currency",
)


def approved_spending_rows(
    budgets: Sequence[ApprovedBudget],
    actual: Mapping[int, Mapping[str, Decimal]],
    *,
    period: str,
    today: date,
    currency: str,
) -> list[tuple[object, ...]]:
    """The FP&A "approved spending by budget" file (`APPROVED_SPENDING_HEADER`): for each month
    from January to `period`, one row per approved product budget (`row_type` product) and one
    rollup row per portfolio, department and business unit above them, each rollup row just
    before the rows it sums (depth first, by name). `scheduled` is the month's approved amount,
    `budget` what it is measured against (pro-rated for the month in progress), `amount` the
    allocated spend, `variance` = amount − budget. Rollups are sums of the product rows' cents.
    """
    rows: list[tuple[object, ...]] = []
    ordered = sorted(budgets, key=lambda b: (tuple(p.casefold() for p in b.path), b.budget_id))
    for month in months_to(period):
        if month > period_key(today):
            break
        _, basis, _ = month_budget(Decimal(0), month, today)
        sums: dict[tuple[int, int], tuple[tuple[str, ...], int, Decimal, Figures]] = {}
        lines: list[tuple[tuple[str, ...], int, tuple[object, ...]]] = []
        for b in ordered:
            figures = product_figures(b, actual.get(b.budget_id, {}), month, today)
            scheduled = cents(b.months.get(month, ZERO))
            for level in (1, 2, 3):
                key = (level, b.node_ids[level - 1])
                path, n, sched, fig = sums.get(key, (b.path[:level], 0, ZERO, NONE))
                sums[key] = (path, n + 1, sched + scheduled, fig + figures)
            lines.append(
                (
                    b.path,
                    PRODUCT_LEVEL,
                    _line(
                        month,
                        PRODUCT_LEVEL,
                        b.path,
                        b.budget_id,
                        b.code,
                        1,
                        basis,
                        scheduled,
                        figures,
                        currency,
                    ),
                )
            )
        for (level, _), (path, n, sched, fig) in sums.items():
            lines.append(
                (path, level, _line(month, level, path, None, None, n, basis, sched, fig, currency))
            )
        lines.sort(key=lambda x: (tuple(p.casefold() for p in x[0]), x[1]))
        rows += [line for _, _, line in lines]
    return rows


def _line(
    month: str,
    level: int,
    path: tuple[str, ...],
    budget_id: int | None,
    code: str | None,
    count: int,
    basis: MonthBasis,
    scheduled: Decimal,
    figures: Figures,
    currency: str,
) -> tuple[object, ...]:
    names = [*path, "", "", "", ""][:4]
    return (
        month,
        LEVEL_NAMES[level],
        level,
        *names,
        budget_id,
        code,
        count,
        basis.value,
        scheduled,
        figures.budget,
        figures.actual,
        figures.variance,
        figures.variance_percent,
        currency,
    )

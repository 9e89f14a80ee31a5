"""The dashboard's figures (SPEC section 9): a budget's spend against its budget for a view
(one month, or the year to date), rolled up to any hierarchy level.

- **Spend** is every product budget's allocated spend, approved or not, rounded half up to the
  cent per budget and month; rollups add those cents, so tiles and rows add up.
- **Budget** is the approved schedule only (SPEC 4: only approved budgets show variance),
  measured as the variance report measures it: a past month in full, the month in progress
  pro-rated to yesterday (`domain.reports.variance.month_budget`), a month not begun not at
  all. The annual view is January to the current month of the year (every month of a past
  year).
- **Variance** = spend of the approved budgets − their budget; **ratio** = that spend ÷ the
  budget (1.00 is on budget). A node or budget with nothing approved has neither: it is gray.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from domain.periods import period_key
from domain.reports.variance import ZERO, cents, days_in, month_budget

RATIO = Decimal("0.0001")
PRODUCT_LEVEL = 4


@dataclass(frozen=True)
class DashboardBudget:
    """A product budget of the year as the dashboard needs it: where it hangs (names and node
    ids, top level first), its annual amount and, when approved, its scheduled months."""

    budget_id: int
    path: tuple[str, str, str, str]
    node_ids: tuple[int, int, int, int]
    annual_amount: Decimal
    scheduled: Mapping[str, Decimal] | None


@dataclass(frozen=True)
class Figures:
    """Spend (every budget), the spend of the approved ones, their budget, in cents, and how
    many budgets (and approved ones) were summed."""

    spend: Decimal = ZERO
    approved_spend: Decimal = ZERO
    budget: Decimal = ZERO
    annual_amount: Decimal = ZERO
    budgets: int = 0
    approved: int = 0

    @property
    def variance(self) -> Decimal | None:
        return self.approved_spend - self.budget if self.approved else None

    @property
    def ratio(self) -> Decimal | None:
        if not self.approved or self.budget == 0:
            return None
        return (self.approved_spend / self.budget).quantize(RATIO, rounding=ROUND_HALF_UP)

    @property
    def variance_percent(self) -> Decimal | None:
        variance = self.variance
        if variance is None or self.budget == 0:
            return None
        return (variance / self.budget * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @staticmethod
    def total(items: Iterable[Figures]) -> Figures:
        """The sum of `items` in one pass (a rollup of 2,000 budgets, without 2,000
        intermediate sums)."""
        spend = approved_spend = budget = annual = ZERO
        budgets = approved = 0
        for f in items:
            spend += f.spend
            approved_spend += f.approved_spend
            budget += f.budget
            annual += f.annual_amount
            budgets += f.budgets
            approved += f.approved
        return Figures(spend, approved_spend, budget, annual, budgets, approved)

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.spend + other.spend,
            self.approved_spend + other.approved_spend,
            self.budget + other.budget,
            self.annual_amount + other.annual_amount,
            self.budgets + other.budgets,
            self.approved + other.approved,
        )


def view_months(year: int, month: int | None, today: date) -> list[str]:
    """The months a view covers: the one month, or January to the current month of `year`
    (all twelve of a past year, none of a future one)."""
    if month is not None:
        return [f"{year:04d}-{month:02d}"]
    current = period_key(today)
    return [m for m in (f"{year:04d}-{n:02d}" for n in range(1, 13)) if m <= current]


@dataclass(frozen=True)
class DuePlan:
    """How much of each month of a view is due on a day, worked out once per request (not
    once per budget): `(month, days elapsed, days in the month)`; a month not begun is left
    out. A past month has all its days elapsed (due in full)."""

    months: tuple[str, ...]
    due: tuple[tuple[str, int, int], ...]

    @classmethod
    def of(cls, months: Sequence[str], today: date) -> DuePlan:
        due = []
        current = period_key(today)
        for m in months:
            if m > current:
                continue
            _, _, elapsed = month_budget(ZERO, m, today)
            due.append((m, elapsed, days_in(m)))
        return cls(tuple(months), tuple(due))


def measured(scheduled: Decimal, month: str, today: date) -> Decimal:
    """The part of a month's schedule due on `today`, in cents (nothing of a month not begun)."""
    if month > period_key(today):
        return ZERO
    amount, _, _ = month_budget(scheduled, month, today)
    return amount


def budget_figures(budget: DashboardBudget, spend: Mapping[str, Decimal], plan: DuePlan) -> Figures:
    """One product budget's figures over the plan's months; `spend` is its allocated spend by
    month. The amount due is `month_budget`'s (scheduled × days elapsed ÷ days, in cents)."""
    spent = sum((cents(spend[m]) for m in plan.months if m in spend), ZERO)
    if budget.scheduled is None:
        return Figures(spend=spent, annual_amount=budget.annual_amount, budgets=1)
    scheduled = budget.scheduled
    due = ZERO
    for m, elapsed, total in plan.due:
        amount = scheduled.get(m)
        if amount:
            due += cents(amount if elapsed == total else amount * elapsed / total)
    return Figures(spent, spent, due, budget.annual_amount, budgets=1, approved=1)


def rolled_up(
    budgets: Iterable[DashboardBudget], figures: Mapping[int, Figures], level: int
) -> dict[int, Figures]:
    """Figures per node of `level` (4: per product node), summed over its budgets."""
    members: dict[int, list[Figures]] = {}
    for b in budgets:
        members.setdefault(b.node_ids[level - 1], []).append(figures[b.budget_id])
    return {node: Figures.total(found) for node, found in members.items()}


def monthly_by_node(
    budgets: Iterable[DashboardBudget],
    spend: Mapping[int, Mapping[str, Decimal]],
    node_level: Mapping[int, int],
    year: int,
) -> dict[int, list[Decimal]]:
    """Spend per month (January first, in cents) of each node of `node_level` (node id →
    its level), summed over the budgets below it."""
    months = [f"{year:04d}-{n:02d}" for n in range(1, 13)]
    out: dict[int, list[Decimal]] = {n: [ZERO] * 12 for n in node_level}
    for b in budgets:
        spent = spend.get(b.budget_id, {})
        for node_id in b.node_ids:
            if node_id in out:
                row = out[node_id]
                for i, m in enumerate(months):
                    row[i] += cents(spent.get(m, ZERO))
    return out


def cumulative(values: Sequence[Decimal | None]) -> list[Decimal | None]:
    """Running totals; None (a month not begun) stays None."""
    total = ZERO
    out: list[Decimal | None] = []
    for v in values:
        if v is None:
            out.append(None)
        else:
            total += v
            out.append(total)
    return out

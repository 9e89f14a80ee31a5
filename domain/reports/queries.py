"""The report reads: variance by product and the FP&A approved-spending rows, in the caller's
scope (a user sees the budgets of their scope; finance roles every budget)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.budgets.records import BudgetRecord
from domain.periods import period_key
from domain.reports.variance import (
    APPROVED_SPENDING_HEADER,
    ApprovedBudget,
    VarianceReport,
    approved_spending_rows,
    check_request,
    months_to,
    variance_report,
)
from domain.scope import ResolvedScope
from domain.spend.ports import SpendStore, SpendUnitOfWork
from domain.spend.queries import ensure_allocated


def budget_code(attributes: Mapping[str, str]) -> str | None:
    """The budget's code from the chart-of-accounts extra columns: the first column whose name
    says `code` (e.g. "Cost Centre Code"), None when there is none."""
    for name, value in attributes.items():
        if "code" in name.casefold() and value:
            return value
    return None


async def approved_inputs(
    uow: SpendUnitOfWork,
    store: SpendStore,
    scope: ResolvedScope,
    *,
    year: int,
    months: Sequence[str],
) -> tuple[list[ApprovedBudget], dict[int, dict[str, Decimal]]]:
    """The approved product budgets of `year` in `scope` with their schedules, and their
    allocated spend per month of `months` (months the spend store does not hold spent nothing)."""
    in_scope: dict[int, BudgetRecord] = {
        b.id: b for b in await uow.budgets.list_budgets(scope, year=year)
    }
    all_months = [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    approved = [
        s for s in await uow.spend_cards.approved_budgets(all_months) if s.budget_id in in_scope
    ]
    budgets = [
        ApprovedBudget(
            budget_id=s.budget_id,
            path=in_scope[s.budget_id].path,
            node_ids=in_scope[s.budget_id].node_ids,
            months={m.month: m.amount for m in s.months},
            code=budget_code(in_scope[s.budget_id].attributes),
        )
        for s in approved
    ]
    actual: dict[int, dict[str, Decimal]] = {b.budget_id: {} for b in budgets}
    if not budgets:
        return budgets, actual
    available = [p for p in await store.billing_periods() if p.period in set(months)]
    await ensure_allocated(uow, store, available)
    ids = frozenset(actual)
    for p in available:
        for s in await store.sums(
            [p.period], group_by="budget", budget_ids=ids, include_unallocated=False
        ):
            if isinstance(s.key, int) and s.key in actual:
                actual[s.key][p.period] = s.amount
    return budgets, actual


async def variance(
    uow: SpendUnitOfWork,
    store: SpendStore,
    scope: ResolvedScope,
    *,
    year: int,
    period: str,
    level: int,
    today: date,
) -> VarianceReport:
    """The variance report of the approved budgets in `scope`: `period` and the year to date."""
    check_request(year, period, level, today)
    budgets, actual = await approved_inputs(uow, store, scope, year=year, months=months_to(period))
    return variance_report(budgets, actual, year=year, period=period, level=level, today=today)


@dataclass(frozen=True)
class ApprovedSpending:
    """The FP&A file's content: `header` and `rows` (write them with the CSV codec)."""

    name: str
    header: tuple[str, ...]
    rows: list[tuple[object, ...]]


async def approved_spending(
    uow: SpendUnitOfWork,
    store: SpendStore,
    scope: ResolvedScope,
    *,
    period: str,
    today: date,
    currency: str,
) -> ApprovedSpending:
    """The "approved spending by budget" file of `period` (January to `period` of its year),
    named `approved-spending-YYYY-MM.csv`. Month close calls it with an unrestricted scope."""
    year = int(period[:4])
    check_request(year, period, 4, today)
    months = [m for m in months_to(period) if m <= period_key(today)]
    budgets, actual = await approved_inputs(uow, store, scope, year=year, months=months)
    return ApprovedSpending(
        name=f"approved-spending-{period}.csv",
        header=APPROVED_SPENDING_HEADER,
        rows=approved_spending_rows(budgets, actual, period=period, today=today, currency=currency),
    )

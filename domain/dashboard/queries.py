"""The dashboard reads, in the caller's scope: the heat map of a hierarchy node with its rows,
breadcrumbs and (on a product) its monthly schedule, spend by month stacked by child, and an
account's spend by service. Figures follow `domain.dashboard.figures`; spend comes from the
materialized allocation summaries through the `DashboardSpend` port.

A node outside the caller's scope (or of another year) answers NotFound, exactly like a
missing one; so does an account outside it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.budgets.model import HierarchyLabels
from domain.budgets.records import NodeRecord
from domain.dashboard.figures import (
    PRODUCT_LEVEL,
    DashboardBudget,
    DuePlan,
    Figures,
    budget_figures,
    cumulative,
    monthly_by_node,
    rolled_up,
    view_months,
)
from domain.dashboard.ports import DashboardSpend, DashboardUnitOfWork
from domain.errors import ErrorDetail, NotFound, RuleViolation
from domain.periods import period_key
from domain.reports.variance import ZERO, cents
from domain.scope import ResolvedScope


@dataclass(frozen=True)
class Crumb:
    node_id: int
    name: str
    level: int


@dataclass(frozen=True)
class Tile:
    """A heat-map tile: a product budget (level 4) or a node rolled up."""

    node_id: int
    budget_id: int | None
    name: str
    path: tuple[str, ...]
    figures: Figures


@dataclass(frozen=True)
class Row:
    """A child of the node shown (or a top node of the scope) with its figures."""

    node_id: int
    budget_id: int | None
    name: str
    level: int
    figures: Figures


@dataclass(frozen=True)
class ProductMonth:
    month: str
    scheduled: Decimal | None
    approved: Decimal | None
    actual: Decimal | None
    estimate: Decimal
    cumulative_scheduled: Decimal | None
    cumulative_actual: Decimal | None
    cumulative_estimate: Decimal


@dataclass(frozen=True)
class ProductSchedule:
    budget_id: int
    status: str
    annual_amount: Decimal
    months: tuple[ProductMonth, ...]


@dataclass(frozen=True)
class Heatmap:
    year: int
    month: int | None
    level: int
    node: Crumb | None
    labels: HierarchyLabels
    breadcrumbs: tuple[Crumb, ...]
    tiles: tuple[Tile, ...]
    rows: tuple[Row, ...]
    total: Figures
    periods: tuple[str, ...]
    product: ProductSchedule | None


@dataclass(frozen=True)
class MonthlySeries:
    node_id: int
    name: str
    amounts: tuple[Decimal, ...]


@dataclass(frozen=True)
class MonthlySpend:
    year: int
    node: Crumb | None
    breadcrumbs: tuple[Crumb, ...]
    months: tuple[str, ...]
    series: tuple[MonthlySeries, ...]
    totals: tuple[Decimal, ...]


@dataclass(frozen=True)
class ServiceSeries:
    service: str | None
    amounts: tuple[Decimal, ...]
    total: Decimal


@dataclass(frozen=True)
class AccountServices:
    account_id: str
    year: int
    months: tuple[str, ...]
    series: tuple[ServiceSeries, ...]
    totals: tuple[Decimal, ...]


def year_months(year: int) -> list[str]:
    return [f"{year:04d}-{n:02d}" for n in range(1, 13)]


def _check(year: int, month: int | None, level: int, today: date) -> None:
    errors = []
    if month is not None and not 1 <= month <= 12:
        errors.append(ErrorDetail("month must be 1 to 12", field="month"))
    elif month is not None and f"{year:04d}-{month:02d}" > period_key(today):
        errors.append(ErrorDetail(f"{year:04d}-{month:02d} has not started", field="month"))
    if level not in (1, 2, 3, 4):
        errors.append(ErrorDetail("level must be 1 (top) to 4 (product)", field="level"))
    if errors:
        raise RuleViolation("the heat map cannot be given", errors)


@dataclass(frozen=True)
class _Tree:
    """The year's nodes visible in the scope, and the node shown (None: the top)."""

    nodes: dict[int, NodeRecord]
    node: NodeRecord | None
    breadcrumbs: tuple[Crumb, ...]
    children: tuple[NodeRecord, ...]


async def _tree(
    uow: DashboardUnitOfWork, scope: ResolvedScope, year: int, node_id: int | None
) -> _Tree:
    nodes = {n.id: n for n in await uow.budgets.nodes(year, scope)}
    node = None
    if node_id is not None:
        node = nodes.get(node_id)
        if node is None:
            raise NotFound(f"hierarchy node {node_id} of {year} not found")
        above = [int(p) for p in node.path.strip("/").split("/") if p]
        crumbs = tuple(Crumb(i, nodes[i].name, nodes[i].level) for i in above if i in nodes)
        children = tuple(n for n in nodes.values() if n.parent_id == node.id)
    else:
        crumbs = ()
        children = tuple(n for n in nodes.values() if n.parent_id not in nodes)
    ordered = tuple(sorted(children, key=lambda n: (n.level, n.name.casefold(), n.id)))
    return _Tree(nodes, node, crumbs, ordered)


async def _budgets(
    uow: DashboardUnitOfWork, scope: ResolvedScope, year: int, node: NodeRecord | None
) -> list[DashboardBudget]:
    records = await uow.budgets.list_budgets(scope, year=year)
    if node is not None:
        records = [b for b in records if node.id in b.node_ids]
    wanted = None if scope.unrestricted and node is None else frozenset(b.id for b in records)
    approved = await uow.dashboard.approved_months(year, wanted)
    return [
        DashboardBudget(b.id, b.path, b.node_ids, b.annual_amount, approved.get(b.id))
        for b in records
    ]


def _wanted(
    scope: ResolvedScope, tree: _Tree, budgets: list[DashboardBudget]
) -> frozenset[int] | None:
    """The budgets whose spend to read: None (every budget, no list to match against) when
    everything is shown; the figures keep only the budgets of the year anyway."""
    if scope.unrestricted and tree.node is None:
        return None
    return frozenset(b.budget_id for b in budgets)


async def heatmap(
    uow: DashboardUnitOfWork,
    spend: DashboardSpend,
    scope: ResolvedScope,
    *,
    year: int,
    month: int | None,
    level: int,
    node_id: int | None,
    today: date,
) -> Heatmap:
    """The heat map below `node_id` (None: everything in scope) for one month of `year` or the
    year to date: tiles at `level` (4: one per product budget; never above the node), the
    node's children as rows, breadcrumbs, the year's level labels, and on a product its
    monthly schedule with actuals and cumulative workload estimates."""
    _check(year, month, level, today)
    tree = await _tree(uow, scope, year, node_id)
    labels = await uow.budgets.labels(year) or HierarchyLabels()
    budgets = await _budgets(uow, scope, year, tree.node)
    spent = await spend.budget_months(year, _wanted(scope, tree, budgets))
    months = view_months(year, month, today)
    plan = DuePlan.of(months, today)
    per_budget = {b.budget_id: budget_figures(b, spent.get(b.budget_id, {}), plan) for b in budgets}
    shown_level = max(level, tree.node.level if tree.node else 1)
    by_node = rolled_up(budgets, per_budget, shown_level)
    first = {b.node_ids[shown_level - 1]: b for b in budgets}
    tiles = sorted(
        (
            Tile(
                node_id=n,
                budget_id=b.budget_id if shown_level == PRODUCT_LEVEL else None,
                name=b.path[shown_level - 1],
                path=b.path[:shown_level],
                figures=by_node[n],
            )
            for n, b in first.items()
        ),
        key=lambda t: (-t.figures.spend, t.path),
    )
    rows = []
    for child in tree.children:
        members = [b for b in budgets if child.id in b.node_ids]
        figures = Figures.total(per_budget[b.budget_id] for b in members)
        only = members[0].budget_id if child.level == PRODUCT_LEVEL and members else None
        rows.append(Row(child.id, only, child.name, child.level, figures))
    product = None
    if tree.node is not None and tree.node.level == PRODUCT_LEVEL and budgets:
        the = budgets[0]
        product = await _product(
            uow, scope, the, spent.get(the.budget_id, {}), year=year, today=today
        )
    held = set(await spend.periods(year))
    return Heatmap(
        year=year,
        month=month,
        level=shown_level,
        node=None if tree.node is None else Crumb(tree.node.id, tree.node.name, tree.node.level),
        labels=labels,
        breadcrumbs=tree.breadcrumbs,
        tiles=tuple(tiles),
        rows=tuple(rows),
        total=Figures.total(per_budget.values()),
        periods=tuple(m for m in months if m in held),
        product=product,
    )


async def _product(
    uow: DashboardUnitOfWork,
    scope: ResolvedScope,
    budget: DashboardBudget,
    spent: dict[str, Decimal],
    *,
    year: int,
    today: date,
) -> ProductSchedule:
    """A product's months: its schedule (as it stands, and as last approved), its actual spend
    (None for a month not begun) and its workloads' estimates (the monthly estimates of the
    workloads running that month), each with its running total (the schedule's only when
    every month is scheduled)."""
    state = await uow.schedules.get(budget.budget_id)
    approved = state.approved.months if state.approved else {}
    workloads = await uow.allocation.workloads(scope, budget_id=budget.budget_id)
    current = period_key(today)
    months = year_months(year)
    actual: list[Decimal | None] = [
        cents(spent.get(m, ZERO)) if m <= current else None for m in months
    ]
    scheduled: list[Decimal | None] = [state.months.get(m) for m in months]
    estimates: list[Decimal | None] = [
        sum(
            (
                w.monthly_estimate
                for w in workloads
                if period_key(w.launch_month) <= m <= period_key(w.end_month)
            ),
            ZERO,
        )
        for m in months
    ]
    cum_actual = cumulative(actual)
    cum_scheduled = cumulative(scheduled) if None not in scheduled else [None] * 12
    cum_estimate = cumulative(estimates)
    return ProductSchedule(
        budget_id=budget.budget_id,
        status=state.status.value,
        annual_amount=budget.annual_amount,
        months=tuple(
            ProductMonth(
                month=m,
                scheduled=scheduled[i],
                approved=approved.get(m),
                actual=actual[i],
                estimate=estimates[i] or ZERO,
                cumulative_scheduled=cum_scheduled[i],
                cumulative_actual=cum_actual[i],
                cumulative_estimate=cum_estimate[i] or ZERO,
            )
            for i, m in enumerate(months)
        ),
    )


async def monthly(
    uow: DashboardUnitOfWork,
    spend: DashboardSpend,
    scope: ResolvedScope,
    *,
    year: int,
    node_id: int | None,
) -> MonthlySpend:
    """Spend by month of `year` below `node_id` (None: everything in scope), one series per
    child of the node (per top node of the scope; on a product, the product itself)."""
    tree = await _tree(uow, scope, year, node_id)
    budgets = await _budgets(uow, scope, year, tree.node)
    spent = await spend.budget_months(year, _wanted(scope, tree, budgets))
    stacked = list(tree.children) or ([tree.node] if tree.node else [])
    amounts = monthly_by_node(budgets, spent, {n.id: n.level for n in stacked}, year)
    series = tuple(MonthlySeries(n.id, n.name, tuple(amounts[n.id])) for n in stacked)
    totals = tuple(sum((s.amounts[i] for s in series), ZERO) for i in range(12))
    return MonthlySpend(
        year=year,
        node=None if tree.node is None else Crumb(tree.node.id, tree.node.name, tree.node.level),
        breadcrumbs=tree.breadcrumbs,
        months=tuple(year_months(year)),
        series=series,
        totals=totals,
    )


async def account_services(
    uow: DashboardUnitOfWork,
    spend: DashboardSpend,
    scope: ResolvedScope,
    *,
    account_id: str,
    year: int,
    sees_unallocated: bool,
) -> AccountServices:
    """An account's allocated spend by service and month of `year`: for an owner, the part on
    the budgets of their scope; for finance roles all of it, Unallocated included."""
    if await uow.accounts.find(scope, account_id) is None:
        raise NotFound(f"account {account_id} not found")
    budget_ids = None
    if scope.prefixes is not None:
        budget_ids = frozenset(b.id for b in await uow.budgets.list_budgets(scope))
    found = await spend.account_services(
        year, account_id, budget_ids, include_unallocated=sees_unallocated and budget_ids is None
    )
    months = year_months(year)
    index = {m: i for i, m in enumerate(months)}
    by_service: dict[str | None, list[Decimal]] = defaultdict(lambda: [ZERO] * 12)
    for line in found:
        if line.period in index:
            by_service[line.service][index[line.period]] += cents(line.amount)
    series = sorted(
        (ServiceSeries(s, tuple(a), sum(a, ZERO)) for s, a in by_service.items()),
        key=lambda s: (-s.total, s.service or ""),
    )
    totals = tuple(sum((s.amounts[i] for s in series), ZERO) for i in range(12))
    return AccountServices(account_id, year, tuple(months), tuple(series), totals)

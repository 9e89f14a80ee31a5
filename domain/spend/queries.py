"""The spend reads behind the dashboard: allocated spend, billing periods, resources.

Each read asks the spend store for the billing periods once, checks the materialized
allocations for staleness first (the rules version is one small read), and loads the
allocation rules (every split and claim) only when some period has to be allocated again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from domain.allocation.service import current_rules
from domain.allocation.workloads import Claim
from domain.budgets.rollup import HierarchyNode, rollup_totals
from domain.errors import NotFound, RuleViolation
from domain.scope import ResolvedScope
from domain.spend.models import BillingPeriod, ResourceRow
from domain.spend.ports import ResourceSearch, SpendGrouping, SpendStore, SpendUnitOfWork

SpendGroupBy = Literal["budget", "account", "service", "day", "node"]
ResourceStatus = Literal["open", "claimed", "all"]
ZERO = Decimal("0")


@dataclass(frozen=True)
class SpendLine:
    """One row of the spend answer: the key of its grouping is set, the others are None."""

    amount: Decimal
    budget_id: int | None = None
    account_id: str | None = None
    service: str | None = None
    day: str | None = None
    node_id: int | None = None
    name: str | None = None
    level: int | None = None


@dataclass(frozen=True)
class SpendView:
    group_by: SpendGroupBy
    periods: tuple[str, ...]
    basis: str
    rows: tuple[SpendLine, ...]
    total: Decimal


@dataclass(frozen=True)
class SpendViewer:
    """Who reads: the resolved scope and whether Unallocated spend may be shown."""

    scope: ResolvedScope
    sees_unallocated: bool


def wanted_periods(
    available: Sequence[BillingPeriod],
    *,
    period: str | None,
    from_: str | None,
    to: str | None,
) -> list[str]:
    """The billing periods a read asks for: `period`, or those in `from_`..`to` (open ends).
    A named period the store does not hold is NotFound."""
    names = [p.period for p in available]
    if period:
        if period not in names:
            raise NotFound(f"billing period {period} is not in the spend store")
        return [period]
    low, high = from_ or "0000-00", to or "9999-99"
    return [p for p in names if low <= p <= high]


async def ensure_allocated(
    uow: SpendUnitOfWork,
    store: SpendStore,
    periods: Sequence[BillingPeriod],
    *,
    correlation_id: str | None = None,
) -> None:
    """Make the materialized allocations of `periods` current: the staleness check first,
    the rules loaded only when some period is stale."""
    if not periods:
        return
    stale = await store.stale(periods, await uow.allocation.rules_version())
    if stale:
        rules, version = await current_rules(uow)
        await store.allocate(stale, rules, version, correlation_id=correlation_id)


async def spend_version(uow: SpendUnitOfWork, store: SpendStore) -> tuple[object, ...]:
    """What the allocated figures are computed from, as one comparable value: the database's
    write version (the audit chain head: budgets, nodes, scopes), the allocation rules version
    (moved by every split or claim change), each billing period as its last refresh delivered
    it and the cost basis. Read before the figures, so figures read after it are never older
    than it says. The two database versions are read in one round trip."""
    writes, rules = await uow.allocation.write_and_rules_version()
    delivered = tuple((p.period, p.refreshed_at.isoformat()) for p in await store.billing_periods())
    return (writes, delivered, rules, store.basis)


async def spend(
    uow: SpendUnitOfWork,
    store: SpendStore,
    viewer: SpendViewer,
    *,
    period: str | None = None,
    from_: str | None = None,
    to: str | None = None,
    group_by: SpendGroupBy = "budget",
    correlation_id: str | None = None,
) -> SpendView:
    """Allocated spend in the viewer's scope for a billing period (or `from_`..`to`), by
    budget, account, service, usage day or hierarchy node (rolled up). Unallocated spend
    (budget None) only for viewers who may see it, and never in the node rollup."""
    available = await store.billing_periods()
    wanted = wanted_periods(available, period=period, from_=from_, to=to)
    scope = viewer.scope
    visible: frozenset[int] | None = None
    if scope.prefixes is not None:
        visible = frozenset(b.id for b in await uow.budgets.list_budgets(scope))
    rows: list[SpendLine] = []
    if wanted and (visible is None or visible):
        chosen = set(wanted)
        await ensure_allocated(
            uow, store, [p for p in available if p.period in chosen], correlation_id=correlation_id
        )
        grouping: SpendGrouping = "budget" if group_by == "node" else group_by
        found = await store.sums(
            wanted,
            group_by=grouping,
            budget_ids=visible,
            include_unallocated=viewer.sees_unallocated and group_by != "node",
        )
        if group_by == "node":
            by_budget = {s.key: s.amount for s in found if isinstance(s.key, int)}
            rows = await _by_node(uow, scope, by_budget)
        else:
            rows = [_line(group_by, s.key, s.amount) for s in found]
    roots = scope.root_ids()
    if group_by != "node":
        total = sum((r.amount for r in rows), ZERO)
    elif roots is None:
        total = sum((r.amount for r in rows if r.level == 1), ZERO)
    else:
        total = sum((r.amount for r in rows if r.node_id in roots), ZERO)
    return SpendView(
        group_by=group_by, periods=tuple(wanted), basis=store.basis, rows=tuple(rows), total=total
    )


def _line(group_by: SpendGroupBy, key: object, amount: Decimal) -> SpendLine:
    if group_by == "budget":
        return SpendLine(amount=amount, budget_id=key if isinstance(key, int) else None)
    if group_by == "account":
        return SpendLine(amount=amount, account_id=None if key is None else str(key))
    if group_by == "service":
        return SpendLine(amount=amount, service=None if key is None else str(key))
    return SpendLine(amount=amount, day=None if key is None else str(key))


async def _by_node(
    uow: SpendUnitOfWork, scope: ResolvedScope, by_budget: dict[int, Decimal]
) -> list[SpendLine]:
    """Roll budget spend up the hierarchy: every visible node with the spend below it."""
    budgets = [b for b in await uow.budgets.list_budgets(scope) if b.id in by_budget]
    rows: list[SpendLine] = []
    roots = scope.root_ids()
    for year in sorted({b.year for b in budgets}):
        nodes = await uow.budgets.nodes(year)
        leaf = {b.node_id: by_budget[b.id] for b in budgets if b.year == year}
        totals = rollup_totals(
            [HierarchyNode(n.id, n.parent_id, n.level, n.name) for n in nodes],
            leaf,
            visible_roots=roots,
        )
        names = {n.id: n for n in nodes}
        rows += [
            SpendLine(node_id=i, name=names[i].name, level=names[i].level, amount=t.annual_amount)
            for i, t in sorted(totals.items(), key=lambda kv: (names[kv[0]].level, kv[0]))
        ]
    return rows


# ---------------------------------------------------------------------------- billing periods


@dataclass(frozen=True)
class BillingPeriodsView:
    periods: tuple[BillingPeriod, ...]
    allocation_problem: str | None


async def allocation_problem(uow: SpendUnitOfWork, store: SpendStore) -> str | None:
    """What is wrong with the allocation rules in force, None when they are consistent
    (spend is then served from the last consistent allocation)."""
    rules, _version = await current_rules(uow)
    try:
        rules.validate()
    except RuleViolation as exc:
        met = store.issue()
        seen = f" (correlation id {met.correlation_id})" if met and met.correlation_id else ""
        return (
            f"{exc.message}{seen}; spend is served from the last consistent allocation: "
            + "; ".join(e.message for e in exc.errors)
        )
    return None


async def billing_periods(uow: SpendUnitOfWork, store: SpendStore) -> BillingPeriodsView:
    """The billing periods in the spend store, and the allocation problem if there is one."""
    periods = await store.billing_periods()
    return BillingPeriodsView(tuple(periods), await allocation_problem(uow, store))


# ---------------------------------------------------------------------------- resources


@dataclass(frozen=True)
class ResourceLine:
    resource: ResourceRow
    claim: Claim | None


@dataclass(frozen=True)
class ResourceListing:
    items: tuple[ResourceLine, ...]
    next_cursor: str | None
    total: int
    period: str | None


def last_full_period(available: Sequence[BillingPeriod]) -> str | None:
    """The billing period a resource list shows by default: the newest final one (the last
    full month), else the newest."""
    final = [p.period for p in available if p.finalized]
    if final:
        return max(final)
    return max((p.period for p in available), default=None)


async def resources(
    uow: SpendUnitOfWork,
    store: SpendStore,
    scope: ResolvedScope,
    search: ResourceSearch,
    *,
    status: ResourceStatus = "open",
) -> ResourceListing:
    """Resources of a billing period (default: the last full month) with their cost: open to
    claim (no open claim of that (account, resource) anywhere), claimed in the caller's scope,
    or all; resources of the accounts whose spend reaches the scope (every account for finance
    roles). In `search.order`, with the total count of matches."""
    period = search.period or last_full_period(await store.billing_periods())
    accounts = None if scope.prefixes is None else await uow.allocation.account_ids_in(scope)
    everyone = ResolvedScope(prefixes=None)
    open_claims = {c.key: c for c in await uow.allocation.claims(everyone, status="open")}
    visible = (
        open_claims
        if scope.prefixes is None
        else {c.key: c for c in await uow.allocation.claims(scope, status="open")}
    )
    page = await store.resources(
        ResourceSearch(
            q=search.q,
            service=search.service,
            tag=search.tag,
            account_id=search.account_id,
            period=period,
            limit=search.limit,
            cursor=search.cursor,
            account_ids=None if accounts is None else frozenset(accounts),
            only=frozenset(visible) if status == "claimed" else None,
            exclude=frozenset(open_claims) if status == "open" else None,
            order=search.order,
            offset=search.offset,
        )
    )
    return ResourceListing(
        items=tuple(
            ResourceLine(r, visible.get((r.account_id, r.resource_id))) for r in page.items
        ),
        next_cursor=page.next_cursor,
        total=len(page.items) if page.total is None else page.total,
        period=period,
    )


async def cur_events(uow: SpendUnitOfWork) -> Sequence[Mapping[str, object]]:
    """Recent CUR deliveries and refreshes, newest first."""
    return await uow.cur_events.recent()

"""The spend query service with in-memory fakes: periods read once, staleness checked before
the allocation rules are loaded, and the rules loaded only when something is stale."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from domain.allocation.rules import AllocationRules
from domain.budgets.records import NodeRecord
from domain.errors import NotFound
from domain.scope import ResolvedScope
from domain.spend import queries, service
from domain.spend.models import BillingPeriod
from domain.spend.ports import ResourceSearch, SpendSum

EVERYTHING = ResolvedScope(prefixes=None)


def period(name: str) -> BillingPeriod:
    return BillingPeriod(
        period=name,
        finalized=False,
        invoice_ids=(),
        rows=10,
        total_unblended_cost=Decimal("100"),
        refreshed_at=datetime(2026, 3, 1, tzinfo=UTC),
        currency="USD",
        format="cur2",
    )


@dataclass
class FakeStore:
    periods: list[str]
    stale_periods: list[str] = field(default_factory=list)
    found: list[SpendSum] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    allocated: list[tuple[list[str], int]] = field(default_factory=list)
    checked: list[tuple[list[str], int]] = field(default_factory=list)
    summed: list[dict[str, object]] = field(default_factory=list)
    basis: str = "unblended"

    async def billing_periods(self) -> list[BillingPeriod]:
        self.calls.append("billing_periods")
        return [period(p) for p in self.periods]

    async def stale(self, periods: Sequence[BillingPeriod], rules_version: int) -> list[str]:
        self.calls.append("stale")
        self.checked.append(([p.period for p in periods], rules_version))
        return [p.period for p in periods if p.period in self.stale_periods]

    async def allocate(
        self, periods: Sequence[str], _rules: AllocationRules, rules_version: int, **_: object
    ) -> None:
        self.calls.append("allocate")
        self.allocated.append((list(periods), rules_version))

    async def sums(self, periods: Sequence[str], **kwargs: object) -> list[SpendSum]:
        self.calls.append("sums")
        self.summed.append({"periods": list(periods), **kwargs})
        return self.found

    def issue(self) -> None:
        return None


@dataclass
class FakeAllocation:
    version: int = 7
    loads: int = 0

    async def rules_version(self) -> int:
        return self.version

    async def all_claims(self) -> list[object]:
        self.loads += 1
        return []

    async def all_splits(self) -> list[object]:
        self.loads += 1
        return []

    async def budget_refs(self, ids: Iterable[int]) -> dict[int, object]:
        list(ids)
        return {}


@dataclass
class FakeBudgets:
    visible: list[int]
    nodes_of_year: list[NodeRecord] = field(default_factory=list)

    async def list_budgets(self, _scope: ResolvedScope, **_: object) -> list[SimpleNamespace]:
        return [SimpleNamespace(id=b, year=2026, node_id=b * 10) for b in self.visible]

    async def nodes(self, _year: int, _scope: ResolvedScope | None = None) -> list[NodeRecord]:
        return self.nodes_of_year


@dataclass
class FakeDiscounts:
    async def list_all(self) -> list[object]:
        return []


@dataclass
class FakeUow:
    allocation: FakeAllocation = field(default_factory=FakeAllocation)
    discounts: FakeDiscounts = field(default_factory=FakeDiscounts)
    budgets: FakeBudgets = field(default_factory=lambda: FakeBudgets([1, 2]))


def finance() -> queries.SpendViewer:
    return queries.SpendViewer(EVERYTHING, sees_unallocated=True)


class TestStalenessFirst:
    async def test_nothing_stale_loads_no_rules(self):
        uow, store = FakeUow(), FakeStore(["2026-01", "2026-02"])
        await queries.spend(uow, store, finance(), period="2026-02")  # type: ignore[arg-type]
        assert uow.allocation.loads == 0
        assert store.calls == ["billing_periods", "stale", "sums"]
        assert store.checked == [(["2026-02"], 7)]

    async def test_a_stale_period_loads_the_rules_once_and_allocates_only_it(self):
        uow = FakeUow()
        store = FakeStore(["2026-01", "2026-02"], stale_periods=["2026-02"])
        await queries.spend(uow, store, finance())  # type: ignore[arg-type]
        assert uow.allocation.loads == 2  # the splits and the claims, once each
        assert store.allocated == [(["2026-02"], 7)]
        assert store.calls.count("billing_periods") == 1

    async def test_reallocation_job_loads_no_rules_when_fresh(self):
        uow, store = FakeUow(), FakeStore(["2026-01"])
        await service.reallocate(uow, store)  # type: ignore[arg-type]
        assert uow.allocation.loads == 0
        assert store.allocated == []


class TestPeriods:
    async def test_an_unknown_period_is_not_found(self):
        with pytest.raises(NotFound, match="2025-12"):
            await queries.spend(
                FakeUow(),  # type: ignore[arg-type]
                FakeStore(["2026-01"]),  # type: ignore[arg-type]
                finance(),
                period="2025-12",
            )

    async def test_from_to_picks_the_periods_between(self):
        store = FakeStore(["2025-12", "2026-01", "2026-02", "2026-03"])
        view = await queries.spend(
            FakeUow(),  # type: ignore[arg-type]
            store,  # type: ignore[arg-type]
            finance(),
            from_="2026-01",
            to="2026-02",
        )
        assert view.periods == ("2026-01", "2026-02")


class TestScopeAndGroups:
    async def test_a_scoped_owner_reads_only_visible_budgets_without_unallocated(self):
        store = FakeStore(["2026-01"], found=[SpendSum(1, Decimal("5.5"))])
        owner = queries.SpendViewer(ResolvedScope(prefixes=("/3/",)), sees_unallocated=False)
        view = await queries.spend(FakeUow(), store, owner)  # type: ignore[arg-type]
        assert store.summed == [
            {
                "periods": ["2026-01"],
                "group_by": "budget",
                "budget_ids": frozenset({1, 2}),
                "include_unallocated": False,
            }
        ]
        assert view.rows == (queries.SpendLine(amount=Decimal("5.5"), budget_id=1),)
        assert view.total == Decimal("5.5")

    async def test_a_scope_without_budgets_reads_nothing(self):
        uow = FakeUow(budgets=FakeBudgets([]))
        store = FakeStore(["2026-01"], stale_periods=["2026-01"])
        owner = queries.SpendViewer(ResolvedScope(prefixes=("/3/",)), sees_unallocated=False)
        view = await queries.spend(uow, store, owner)  # type: ignore[arg-type]
        assert view.rows == ()
        assert view.total == 0
        assert store.calls == ["billing_periods"]
        assert uow.allocation.loads == 0

    async def test_node_rollup_totals_the_top_level(self):
        nodes = [
            NodeRecord(1, 2026, 1, None, "Unit", "/1/"),
            NodeRecord(2, 2026, 2, 1, "Department", "/1/2/"),
            NodeRecord(3, 2026, 3, 2, "Portfolio", "/1/2/3/"),
            NodeRecord(10, 2026, 4, 3, "Product", "/1/2/3/10/"),
        ]
        uow = FakeUow(budgets=FakeBudgets([1], nodes))
        store = FakeStore(
            ["2026-01"], found=[SpendSum(1, Decimal("3")), SpendSum(None, Decimal("9"))]
        )
        view = await queries.spend(uow, store, finance(), group_by="node")  # type: ignore[arg-type]
        assert [(r.node_id, r.level, r.amount) for r in view.rows] == [
            (1, 1, Decimal("3")),
            (2, 2, Decimal("3")),
            (3, 3, Decimal("3")),
            (10, 4, Decimal("3")),
        ]
        assert view.total == Decimal("3")
        assert store.summed[0]["include_unallocated"] is False


@dataclass
class FakeClaims:
    open_claims: list[SimpleNamespace]

    async def claims(self, _scope: ResolvedScope, **_: object) -> list[SimpleNamespace]:
        return self.open_claims

    async def account_ids_in(self, _scope: ResolvedScope) -> set[str]:
        return {"111"}


class TestResources:
    async def test_open_resources_are_excluded_by_account_and_resource(self):
        claim = SimpleNamespace(key=("111", "i-1"))
        seen: list[ResourceSearch] = []

        class Store:
            async def billing_periods(self) -> list[object]:
                return [
                    SimpleNamespace(period="2026-10", finalized=True),
                    SimpleNamespace(period="2026-11", finalized=False),
                ]

            async def resources(self, search: ResourceSearch) -> object:
                seen.append(search)
                return SimpleNamespace(items=(), next_cursor=None, total=0)

        uow = SimpleNamespace(allocation=FakeClaims([claim]))
        await queries.resources(uow, Store(), EVERYTHING, ResourceSearch(limit=5))  # type: ignore[arg-type]
        assert seen[0].exclude == frozenset({("111", "i-1")})
        assert seen[0].only is None
        assert seen[0].limit == 5
        assert seen[0].period == "2026-10"  # the last full (final) month by default

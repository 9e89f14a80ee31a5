"""Ports of the spend read: the spend store (billing periods, materialized allocations and
their sums) and the unit of work of the spend services."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date as date_
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Protocol

from domain.ports import AllocationStore, BudgetStore, UnitOfWork

if TYPE_CHECKING:
    from datetime import datetime

    from domain.allocation.rules import AllocationRules
    from domain.allocation.workloads import Claim, ResourceKey
    from domain.budgets.records import BudgetRecord, NodeRecord
    from domain.scope import ResolvedScope
    from domain.spend.models import BillingPeriod, RefreshStatus, ResourcePage


SpendGrouping = Literal["budget", "account", "service", "day"]
SpendKey = int | str | date_ | None


@dataclass(frozen=True)
class SpendSum:
    """Allocated spend summed for one key of a grouping (budget id, account id, service or
    usage day; None is the Unallocated spend when grouping by budget)."""

    key: SpendKey
    amount: Decimal


ResourceOrder = Literal["resource", "cost"]
RefreshProgress = Callable[[str, int, int], None]


class RefreshBoard(Protocol):
    """Where the running (and the last) CUR refresh posts its progress and outcome, readable
    by every server process while it runs (the button polls it)."""

    def start(self, *, by: str, source: str, at: datetime) -> None: ...

    def report(self, stage: str, done: int, total: int) -> None: ...

    def finish(
        self, *, at: datetime, failed: bool, periods: Sequence[str], message: str | None
    ) -> RefreshStatus | None: ...

    def read(self) -> RefreshStatus | None: ...


@dataclass(frozen=True)
class ResourceSearch:
    """A resource search of one billing period (None: the latest). Resources are keyed by
    (account id, resource id): the same id in two accounts is two resources. `only` keeps
    just these keys (an empty set: none), `exclude` leaves these out; `account_ids` keeps
    only these accounts."""

    q: str | None = None
    service: str | None = None
    tag: str | None = None
    account_id: str | None = None
    period: str | None = None
    limit: int = 50
    cursor: str | None = None
    account_ids: frozenset[str] | None = None
    only: frozenset[ResourceKey] | None = None
    exclude: frozenset[ResourceKey] | None = None
    # "cost": the period's cost, highest first; "resource": by resource id
    order: ResourceOrder = "resource"
    offset: int = 0


@dataclass(frozen=True)
class AllocationIssue:
    """The inconsistency the last allocation met (the store serves the last consistent one)."""

    correlation_id: str | None


class SpendStore(Protocol):
    """The spend side: billing periods of the CUR store, the materialized allocation of each
    period (fresh for a rules version, or recomputed) and the sums read from it."""

    @property
    def basis(self) -> str:
        """The cost basis allocations are made on (unblended, amortized, ...)."""
        ...

    async def billing_periods(self) -> list[BillingPeriod]:
        """Every billing period in the store, oldest first."""
        ...

    async def stale(self, periods: Sequence[BillingPeriod], rules_version: int) -> list[str]:
        """Those of `periods` whose materialized allocation is missing or was made for another
        delivery, rules version or cost basis (cheap: a small file per period)."""
        ...

    async def allocate(
        self,
        periods: Sequence[str],
        rules: AllocationRules,
        rules_version: int,
        *,
        correlation_id: str | None,
    ) -> None:
        """Allocate what of `periods` is (still) stale with `rules`."""
        ...

    async def sums(
        self,
        periods: Sequence[str],
        *,
        group_by: SpendGrouping,
        budget_ids: frozenset[int] | None,
        include_unallocated: bool,
    ) -> list[SpendSum]:
        """Allocated spend of `periods` by `group_by`, sorted by key (None last);
        `budget_ids=None` is every budget."""
        ...

    def issue(self) -> AllocationIssue | None:
        """The rules problem the last allocation met, None while the rules are sound."""
        ...

    async def refresh(
        self,
        source: str,
        periods: Sequence[str] | None,
        progress: RefreshProgress | None = None,
    ) -> list[BillingPeriod]:
        """Read the CUR at `source` for `periods` (None: all), all or nothing; `progress` is
        told each step (stage, done, total), from another thread."""
        ...

    async def resources(self, search: ResourceSearch) -> ResourcePage: ...


class SpendBudgets(BudgetStore, Protocol):
    """The budget reads of the spend query: the budgets in a scope and a year's nodes."""

    async def list_budgets(
        self, scope: ResolvedScope, *, year: int | None = None, status: str | None = None
    ) -> list[BudgetRecord]: ...

    async def nodes(self, year: int, scope: ResolvedScope | None = None) -> list[NodeRecord]: ...


class SpendAllocation(AllocationStore, Protocol):
    """The claim reads of the resource listing."""

    async def claims(
        self, scope: ResolvedScope, *, status: str | None = None, workload_id: int | None = None
    ) -> list[Claim]: ...

    async def account_ids_in(self, scope: ResolvedScope) -> set[str]:
        """Accounts whose spend reaches the scope."""
        ...


class CurEventLog(Protocol):
    """CUR deliveries and refreshes as they were recorded."""

    async def find(self, event_id: str) -> object | None: ...

    async def recent(self) -> Sequence[Mapping[str, object]]:
        """The latest deliveries and refreshes, newest first (id, event_id, kind, payload,
        status, received_at, finished_at, message)."""
        ...

    async def add(self, *, event_id: str, kind: str, payload: Mapping[str, Any]) -> int: ...

    async def finish(
        self, row_id: int, *, status: str, message: str | None, at: datetime
    ) -> None: ...


class SpendUnitOfWork(UnitOfWork, Protocol):
    """The unit of work of the spend services: the general one, whose budget and allocation
    repositories also answer the spend reads, plus the CUR event log."""

    @property
    def budgets(self) -> SpendBudgets: ...

    @property
    def allocation(self) -> SpendAllocation: ...

    @property
    def cur_events(self) -> CurEventLog: ...

"""Ports: what the domain needs from the outside world, as Protocols. Adapters implement them;
unit tests pass in-memory fakes. The core ports live here; the spend read's in
`domain/spend/ports.py`, the spend cards' in `domain/spend_cards/ports.py`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from datetime import date, datetime

    from domain.accounts.model import Account, Discovery
    from domain.allocation.splits import BudgetRef, SplitShare, SplitVersion
    from domain.allocation.workloads import Claim, NewClaim, ResourceKey, Workload, WorkloadFields
    from domain.audit import AuditEntry, AuditFilter, AuditRecord
    from domain.budgets.loading import ExistingBudget
    from domain.budgets.model import HierarchyLabels
    from domain.budgets.records import (
        BudgetChange,
        BudgetRecord,
        NewBudget,
        NewImport,
        NewNode,
        NewVersion,
        NodeRecord,
    )
    from domain.close.ports import CloseStore
    from domain.credits.ports import CreditStore
    from domain.discounts.ports import DiscountStore
    from domain.events import DomainEvent
    from domain.identity.users import NewUser, User
    from domain.recommendations.ports import RecommendationStore
    from domain.schedules.machine import ScheduleStatus
    from domain.schedules.months import MonthAmount
    from domain.schedules.records import ScheduleMove, ScheduleState
    from domain.scope import ResolvedScope
    from domain.spend_cards.ports import SpendCardStore


class Clock(Protocol):
    """Now and today (UTC). The only way the domain and services learn the time, so every
    rule over time can be tested on a pinned day."""

    def now(self) -> datetime: ...

    def today(self) -> date: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


class AuditLog(Protocol):
    async def record(self, entry: AuditEntry) -> None: ...

    async def list(
        self, f: AuditFilter, *, limit: int = 100, offset: int = 0
    ) -> tuple[list[AuditRecord], int]:
        """Entries matching `f`, newest first, and how many match in all."""
        ...

    async def head_version(self, *, fresh: bool = False) -> tuple[int, int]:
        """The chain head (last entry id, entry count): every committed service write is
        audited in its own transaction, so this moves with every change (kept answers are
        keyed by it); (0, 0) before the first entry. A read-only unit of work may answer the
        head it read first; `fresh` reads it again."""
        ...


class UserRepository(Protocol):
    async def get(self, user_id: int) -> User | None: ...

    async def get_by_email(self, email: str) -> User | None: ...

    async def existing_email_keys(self, keys: Sequence[str]) -> set[str]: ...

    async def add(self, new: NewUser) -> User: ...

    async def save(self, user: User) -> User: ...

    async def count_active_admins(self) -> int: ...


class ObjectStore(Protocol):
    """Where raw uploaded files are kept (a local folder, or S3)."""

    async def put(self, key: str, data: bytes, content_type: str) -> str:
        """Store `data` under `key`; returns the location (path or s3:// URL)."""
        ...

    async def get(self, key: str) -> bytes:
        """The bytes stored under `key`; NotFound when there are none."""
        ...


class BudgetStore(Protocol):
    """Budgets, hierarchy nodes, versions, imports and scope mappings (unscoped access:
    scoped reads go through the adapter's scope filter)."""

    async def labels(self, year: int) -> HierarchyLabels | None: ...

    async def save_labels(self, year: int, labels: HierarchyLabels) -> None: ...

    async def closed_periods(self) -> set[str]: ...

    async def get_budget(self, scope: ResolvedScope, budget_id: int) -> BudgetRecord | None:
        """The budget with its versions, None when missing or outside `scope`."""
        ...

    async def list_budgets(
        self, scope: ResolvedScope, *, year: int | None = None, status: str | None = None
    ) -> list[BudgetRecord]: ...

    async def nodes(self, year: int) -> list[NodeRecord]: ...

    async def nodes_by_id(self, ids: Iterable[int]) -> dict[int, NodeRecord]: ...

    async def create_nodes(self, year: int, new: Sequence[NewNode]) -> list[NodeRecord]: ...

    async def existing_budgets(self, year: int) -> list[ExistingBudget]: ...

    async def create_budgets(self, year: int, new: Sequence[NewBudget]) -> list[int]:
        """Insert the budgets; their ids in the order given."""
        ...

    async def add_versions(self, versions: Sequence[NewVersion]) -> None: ...

    async def set_budgets(self, changes: Sequence[BudgetChange]) -> None: ...

    async def add_import(self, new: NewImport) -> int: ...

    async def scope_of(self, user_id: int) -> frozenset[int]: ...

    async def set_scope(self, user_id: int, node_ids: Iterable[int]) -> None: ...


class AccountStore(Protocol):
    async def get(self, account_id: str) -> Account | None: ...

    async def get_many(self, account_ids: Sequence[str]) -> dict[str, Account]: ...

    async def add(self, account: Account) -> None: ...

    async def save(self, account: Account) -> None: ...

    async def list(
        self,
        scope: ResolvedScope,
        *,
        q: str | None = None,
        account_type: str | None = None,
        source: str | None = None,
    ) -> list[Account]:
        """Accounts in `scope`: all for an unrestricted one, else those whose spend reaches
        it (split onto one of its budgets, or running one of its workloads)."""
        ...

    async def find(self, scope: ResolvedScope, account_id: str) -> Account | None:
        """One account, if it is in `scope` (as `list` decides); None like a missing one."""
        ...


class AllocationStore(Protocol):
    """Account splits, workloads and claims."""

    async def budget_refs(self, ids: Iterable[int]) -> dict[int, BudgetRef]: ...

    async def splits_of(self, account_id: str) -> list[SplitVersion]: ...

    async def bump_rules_version(self) -> None: ...

    async def rules_version(self) -> int: ...

    async def write_and_rules_version(self) -> tuple[tuple[int, int], int]:
        """`AuditLog.head_version()` and `rules_version()` read together (one round trip)."""
        ...

    async def all_splits(self) -> list[SplitVersion]: ...

    async def all_claims(self) -> list[Claim]: ...

    async def add_split(
        self,
        account_id: str,
        effective_from: date,
        shares: Sequence[SplitShare],
        created_by: str,
        end_previous: SplitVersion | None,
        previous_end: date | None,
    ) -> int: ...

    async def add_workload(
        self, budget_id: int, account_id: str, fields: WorkloadFields, created_by: str
    ) -> Workload: ...

    async def save_workload(self, workload_id: int, fields: WorkloadFields) -> Workload: ...

    async def lock_resources(self, keys: Iterable[ResourceKey]) -> None:
        """Serialize claim writes per (account, resource) until the transaction ends: two
        transactions touching one resource check and write its spans one after the other."""
        ...

    async def claims_of(self, keys: Iterable[ResourceKey]) -> dict[ResourceKey, list[Claim]]:
        """Every claim span (released or open) of these resources."""
        ...

    async def open_claims_named(self, resource_ids: Iterable[str]) -> list[Claim]:
        """The open claims of these resource ids, in any account."""
        ...

    async def add_claims(
        self, claims: Sequence[NewClaim], claimed_by: str, at: datetime
    ) -> list[Claim]: ...

    async def release(
        self, claim_ids: Sequence[int], released_by: str, at: datetime, effective_to: date
    ) -> None: ...

    async def budget_in(self, scope: ResolvedScope, budget_id: int) -> BudgetRef | None:
        """A budget as splits and workloads see it, if it is in `scope`."""
        ...

    async def splits_in(
        self, scope: ResolvedScope, *, account_id: str | None = None
    ) -> list[SplitVersion]:
        """Split versions (of one account, or all) touching a budget in `scope`, with only the
        shares of budgets in it; oldest first per account."""
        ...

    async def workloads(
        self, scope: ResolvedScope, *, budget_id: int | None = None, account_id: str | None = None
    ) -> list[Workload]: ...

    async def workload(self, scope: ResolvedScope, workload_id: int) -> Workload | None: ...

    async def workloads_by_id(
        self, scope: ResolvedScope, ids: Iterable[int]
    ) -> dict[int, Workload]: ...

    async def claims(
        self, scope: ResolvedScope, *, status: str | None = None, workload_id: int | None = None
    ) -> list[Claim]:
        """Claims of budgets in `scope`; `status` open or released."""
        ...

    async def claims_by_id(self, claim_ids: Iterable[int]) -> list[Claim]:
        """These claims as stored now (after a release in the same transaction)."""
        ...


class AccountDirectory(Protocol):
    """Where accounts are discovered: AWS Organizations (when enabled) and the CUR."""

    async def discover(self) -> Discovery: ...


class ResourceDirectory(Protocol):
    """Where CUR resources live: a resource id is not global, it shows under accounts."""

    async def accounts_of(self, resource_ids: Sequence[str]) -> Mapping[str, frozenset[str]]:
        """The accounts each of `resource_ids` appears under in the CUR (missing: none)."""
        ...


class ScheduleStore(Protocol):
    async def get(self, budget_id: int) -> ScheduleState:
        """The budget's schedule (an empty one in state `none` when there is none yet)."""
        ...

    async def deciders(self, budget_id: int, *, excluding: Collection[int] = ()) -> list[int]:
        """Who decides on the budget's schedule: the active Portfolio Owners mapped above the
        product, else every active Financial Admin, else every active Admin — never anyone in
        `excluding` (who made the request: segregation of duties escalates past them)."""
        ...

    async def in_states(self, states: Iterable[ScheduleStatus]) -> list[ScheduleState]: ...

    async def statuses(self, budget_ids: Iterable[int]) -> dict[int, ScheduleStatus]:
        """The status of each of the budgets that has a schedule (one query per 1,000)."""
        ...

    async def save_months(
        self, budget_id: int, expected: int, months: Sequence[MonthAmount]
    ) -> int: ...

    async def move(self, budget_id: int, expected: int, move: ScheduleMove) -> int:
        """Compare-and-set: apply `move` if the schedule is still at version `expected`;
        returns the new version, Conflict otherwise. An approval keeps a copy of the months
        (`ScheduleState.approved`)."""
        ...

    async def set_status(self, budget_id: int, expected: int, status: ScheduleStatus) -> int:
        """Compare-and-set of the status alone (the amount in force changed)."""
        ...

    async def owners(self, budget_id: int) -> list[int]:
        """The active Product Owners whose scope holds the budget."""
        ...

    async def names(self, user_ids: Iterable[int]) -> dict[int, str]:
        """Users' display names."""
        ...


class Notifier(Protocol):
    """Tells users something needs them. In-app notifications now; an e-mail or webhook
    adapter goes behind the same port (queued, released after commit)."""

    async def notify(
        self,
        user_ids: Iterable[int],
        kind: str,
        message: str,
        link: str | None,
        *,
        budget_id: int | None,
        subject: str,
    ) -> None:
        """Tell those of `user_ids` whose scope holds `budget_id` (the others are skipped; for
        None, about no one budget, only those who see everything);
        `subject` names the thing ("schedule:12") so acting on it can clear the notice."""
        ...

    async def clear(self, subject: str) -> None:
        """Mark every unread notification about `subject` read (it was acted on)."""
        ...


class UnitOfWork(Protocol):
    """One transaction: the repositories of a request, CLI command or job. Services load and
    write through it and publish events; only the edge commits (never a service), and the
    events reach their handlers after the commit."""

    @property
    def users(self) -> UserRepository: ...

    @property
    def audit(self) -> AuditLog: ...

    @property
    def budgets(self) -> BudgetStore: ...

    @property
    def accounts(self) -> AccountStore: ...

    @property
    def allocation(self) -> AllocationStore: ...

    @property
    def schedules(self) -> ScheduleStore: ...

    @property
    def notifications(self) -> Notifier: ...

    @property
    def spend_cards(self) -> SpendCardStore: ...

    @property
    def credits(self) -> CreditStore: ...

    @property
    def closes(self) -> CloseStore: ...

    @property
    def discounts(self) -> DiscountStore: ...

    @property
    def recommendations(self) -> RecommendationStore: ...

    def publish(self, event: DomainEvent) -> None:
        """Hand `event` to its handlers once the transaction has committed."""
        ...

    def after_commit(self, effect: Callable[[], Awaitable[None]]) -> None: ...

"""The allocation application services over in-memory fakes of the unit of work: a change
bumps the rules version and publishes AllocationRulesChanged; a refusal writes and publishes
nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from adapters.clock import FixedClock
from domain.accounts.model import Account, AccountSource
from domain.allocation import service, workload_service
from domain.allocation.splits import BudgetRef, SplitShare, SplitVersion
from domain.allocation.workloads import Claim, NewClaim, ResourceKey, Workload
from domain.audit import Actor, AuditEntry
from domain.errors import Conflict, Forbidden, NotFound, RuleViolation
from domain.events import AllocationRulesChanged, DomainEvent
from domain.identity.roles import Role
from domain.identity.users import User
from domain.scope import ResolvedScope

ACCOUNT = "111111111111"
OTHER = "222222222222"
TODAY = date(2026, 3, 10)
EVERYTHING = ResolvedScope.everything()


class FakeAccounts:
    def __init__(self, *accounts: Account) -> None:
        self.rows = {a.account_id: a for a in accounts}

    async def get(self, account_id: str) -> Account | None:
        return self.rows.get(account_id)


class FakeBudgets:
    def __init__(self, closed: Iterable[str] = ()) -> None:
        self.closed = set(closed)

    async def closed_periods(self) -> set[str]:
        return set(self.closed)


class FakeAllocation:
    def __init__(self, budgets: Iterable[BudgetRef], workloads: Iterable[Workload] = ()) -> None:
        self.budgets = {b.id: b for b in budgets}
        self.workload_rows = {w.id: w for w in workloads}
        self.splits: list[SplitVersion] = []
        self.claim_rows: list[Claim] = []
        self.version = 0
        self.locked: list[ResourceKey] = []
        self.outside_scope: set[int] = set()

    async def bump_rules_version(self) -> None:
        self.version += 1

    async def budget_refs(self, ids: Iterable[int]) -> dict[int, BudgetRef]:
        return {i: self.budgets[i] for i in ids if i in self.budgets}

    async def splits_of(self, account_id: str) -> list[SplitVersion]:
        return [v for v in self.splits if v.account_id == account_id]

    async def add_split(
        self,
        account_id: str,
        effective_from: date,
        shares: Sequence[SplitShare],
        created_by: str,
        end_previous: SplitVersion | None,
        previous_end: date | None,
    ) -> int:
        if end_previous is not None:
            i = self.splits.index(end_previous)
            self.splits[i] = replace(end_previous, effective_to=previous_end)
        new_id = len(self.splits) + 1
        self.splits.append(
            SplitVersion(
                new_id,
                account_id,
                effective_from,
                None,
                tuple(shares),
                created_by,
                datetime(2026, 3, 10, tzinfo=UTC),
            )
        )
        return new_id

    def _in(self, scope: ResolvedScope) -> dict[int, Workload]:
        """A restricted scope sees the workloads not marked outside it."""
        if scope.unrestricted:
            return self.workload_rows
        return {i: w for i, w in self.workload_rows.items() if i not in self.outside_scope}

    async def workloads(self, scope: ResolvedScope, **_filters: object) -> list[Workload]:
        return list(self._in(scope).values())

    async def workloads_by_id(
        self, scope: ResolvedScope, ids: Iterable[int]
    ) -> dict[int, Workload]:
        mine = self._in(scope)
        return {i: mine[i] for i in ids if i in mine}

    async def lock_resources(self, keys: Iterable[ResourceKey]) -> None:
        self.locked += list(keys)

    async def claims_of(self, keys: Iterable[ResourceKey]) -> dict[ResourceKey, list[Claim]]:
        wanted = set(keys)
        out: dict[ResourceKey, list[Claim]] = {}
        for c in self.claim_rows:
            if c.key in wanted:
                out.setdefault(c.key, []).append(c)
        return out

    async def add_claims(
        self, claims: Sequence[NewClaim], claimed_by: str, at: datetime
    ) -> list[Claim]:
        made = [
            Claim(
                len(self.claim_rows) + i + 1,
                c.account_id,
                c.resource_id,
                c.workload_id,
                c.budget_id,
                at,
                claimed_by,
                c.effective_from,
                None,
                None,
                None,
            )
            for i, c in enumerate(claims)
        ]
        self.claim_rows += made
        return made


class FakeAudit:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    async def record(self, entry: AuditEntry) -> None:
        self.entries.append(entry)


class FakeUnitOfWork:
    def __init__(
        self,
        *,
        budgets: Iterable[BudgetRef] = (BudgetRef(1, 2026, True), BudgetRef(2, 2026, True)),
        workloads: Iterable[Workload] = (),
        closed: Iterable[str] = (),
    ) -> None:
        self.accounts = FakeAccounts(
            Account(ACCOUNT, "Shop", None, "ACTIVE", None, AccountSource.CUR, None)
        )
        self.budgets = FakeBudgets(closed)
        self.allocation = FakeAllocation(budgets, workloads)
        self.audit = FakeAudit()
        self.events: list[DomainEvent] = []

    def publish(self, event: DomainEvent) -> None:
        self.events.append(event)


class FakeDirectory:
    def __init__(self, where: Mapping[str, Iterable[str]]) -> None:
        self.where = {r: frozenset(a) for r, a in where.items()}
        self.asked: list[str] = []

    async def accounts_of(self, resource_ids: Sequence[str]) -> Mapping[str, frozenset[str]]:
        self.asked += resource_ids
        return {r: self.where[r] for r in resource_ids if r in self.where}


def a_user(role: Role = Role.FINANCIAL_ADMIN) -> User:
    return User(7, "fin@example.com", "Fin", role, True, datetime(2026, 1, 1, tzinfo=UTC))


def a_workload(*, workload_id: int = 5, budget_id: int = 1, account_id: str = ACCOUNT) -> Workload:
    return Workload(
        workload_id,
        budget_id,
        account_id,
        "Checkout API",
        "https://calculator.aws/#/estimate?id=x",
        Decimal("100.00"),
        date(2026, 1, 1),
        date(2026, 12, 1),
        "po@example.com",
    )


ACTOR = Actor(7, "fin@example.com")
CLOCK = FixedClock.on(TODAY)


class TestSetSplit:
    async def test_a_split_bumps_the_rules_version_and_announces_the_change(self):
        uow = FakeUnitOfWork()
        history = await service.set_split(
            uow,
            CLOCK,
            ACTOR,
            account_id=ACCOUNT,
            shares=[(1, "60"), (2, "40")],
            effective_from=date(2026, 3, 1),
        )
        assert [(v.effective_from, v.shares) for v in history] == [
            (
                date(2026, 3, 1),
                (SplitShare(1, Decimal("60.00")), SplitShare(2, Decimal("40.00"))),
            )
        ]
        assert uow.allocation.version == 1
        assert uow.events == [AllocationRulesChanged()]
        assert [e.action for e in uow.audit.entries] == ["account.split"]

    async def test_a_remap_ends_the_previous_split_the_day_before(self):
        uow = FakeUnitOfWork()
        for start, shares in ((date(2026, 3, 1), [(1, "100")]), (date(2026, 4, 1), [(2, "100")])):
            history = await service.set_split(
                uow, CLOCK, ACTOR, account_id=ACCOUNT, shares=shares, effective_from=start
            )
        assert [v.effective_to for v in history] == [date(2026, 3, 31), None]
        assert uow.allocation.version == 2

    @pytest.mark.parametrize(
        ("shares", "start", "closed"),
        [
            ([(1, "60"), (2, "30")], date(2026, 3, 1), ()),  # totals 90
            ([(1, "100")], date(2026, 3, 4), ()),  # a Wednesday
            ([(9, "100")], date(2026, 3, 1), ()),  # no such budget
            ([(1, "100")], date(2026, 3, 1), ("2026-03",)),  # closed month
        ],
    )
    async def test_a_refused_split_writes_and_announces_nothing(self, shares, start, closed):
        uow = FakeUnitOfWork(closed=closed)
        with pytest.raises(RuleViolation):
            await service.set_split(
                uow, CLOCK, ACTOR, account_id=ACCOUNT, shares=shares, effective_from=start
            )
        assert (uow.allocation.splits, uow.allocation.version) == ([], 0)
        assert (uow.events, uow.audit.entries) == ([], [])

    async def test_an_unknown_account_is_not_found_and_nothing_changes(self):
        uow = FakeUnitOfWork()
        with pytest.raises(NotFound):
            await service.set_split(
                uow, CLOCK, ACTOR, account_id=OTHER, shares=[(1, "100")], effective_from=None
            )
        assert (uow.allocation.version, uow.events, uow.audit.entries) == (0, [], [])


class TestClaim:
    async def test_a_claim_bumps_the_rules_version_and_announces_the_change(self):
        uow = FakeUnitOfWork(workloads=[a_workload()])
        directory = FakeDirectory({"i-1": [ACCOUNT], "i-2": [ACCOUNT, OTHER]})
        created = await workload_service.claim(
            uow,
            CLOCK,
            a_user(),
            EVERYTHING,
            directory,
            claims=[(5, ["i-1", "i-2"])],
            effective_from=None,
        )
        assert [(c.resource_id, c.budget_id, c.effective_from) for c in created] == [
            ("i-1", 1, date(2026, 3, 11)),
            ("i-2", 1, date(2026, 3, 11)),
        ]
        assert directory.asked == ["i-1", "i-2"]
        assert uow.allocation.version == 1
        assert uow.events == [AllocationRulesChanged()]
        assert [e.action for e in uow.audit.entries] == ["claim.create", "claim.create"]

    async def test_a_resource_of_another_account_refuses_the_whole_claim(self):
        uow = FakeUnitOfWork(workloads=[a_workload()])
        directory = FakeDirectory({"i-1": [ACCOUNT], "i-other": [OTHER]})
        with pytest.raises(RuleViolation) as refused:
            await workload_service.claim(
                uow,
                CLOCK,
                a_user(),
                EVERYTHING,
                directory,
                claims=[(5, ["i-1", "i-other"])],
                effective_from=None,
            )
        assert [e.field for e in refused.value.errors] == ["claims.0.resource_ids.1"]
        assert (uow.allocation.claim_rows, uow.allocation.version) == ([], 0)
        assert (uow.events, uow.audit.entries) == ([], [])

    async def test_an_overlapping_claim_conflicts_and_changes_nothing(self):
        uow = FakeUnitOfWork(workloads=[a_workload(), a_workload(workload_id=6, budget_id=2)])
        directory = FakeDirectory({"i-1": [ACCOUNT]})
        await workload_service.claim(
            uow, CLOCK, a_user(), EVERYTHING, directory, claims=[(5, ["i-1"])], effective_from=None
        )
        before = (list(uow.allocation.claim_rows), uow.allocation.version, list(uow.events))
        with pytest.raises(Conflict):
            await workload_service.claim(
                uow,
                CLOCK,
                a_user(),
                EVERYTHING,
                directory,
                claims=[(6, ["i-1"])],
                effective_from=None,
            )
        assert (uow.allocation.claim_rows, uow.allocation.version, uow.events) == before

    async def test_an_owner_may_not_backdate_a_claim(self):
        uow = FakeUnitOfWork(workloads=[a_workload()])
        with pytest.raises(Forbidden):
            await workload_service.claim(
                uow,
                CLOCK,
                a_user(Role.PRODUCT_OWNER),
                EVERYTHING,
                FakeDirectory({"i-1": [ACCOUNT]}),
                claims=[(5, ["i-1"])],
                effective_from=date(2026, 2, 1),
            )
        assert (uow.allocation.claim_rows, uow.allocation.version, uow.events) == ([], 0, [])

    async def test_a_workload_outside_the_scope_is_not_found(self):
        uow = FakeUnitOfWork(workloads=[a_workload(), a_workload(workload_id=6, budget_id=2)])
        uow.allocation.outside_scope = {6}
        with pytest.raises(NotFound):
            await workload_service.claim(
                uow,
                CLOCK,
                a_user(Role.PRODUCT_OWNER),
                ResolvedScope(prefixes=("/1/",)),
                FakeDirectory({"i-1": [ACCOUNT]}),
                claims=[(5, ["i-1"]), (6, ["i-1"])],
                effective_from=None,
            )
        assert (uow.allocation.version, uow.events, uow.audit.entries) == (0, [], [])

    async def test_an_owner_is_not_told_which_workload_outside_their_scope_holds_it(self):
        uow = FakeUnitOfWork(workloads=[a_workload(), a_workload(workload_id=6, budget_id=2)])
        directory = FakeDirectory({"i-1": [ACCOUNT]})
        await workload_service.claim(
            uow, CLOCK, a_user(), EVERYTHING, directory, claims=[(6, ["i-1"])], effective_from=None
        )
        uow.allocation.outside_scope = {6}
        with pytest.raises(Conflict) as refused:
            await workload_service.claim(
                uow,
                CLOCK,
                a_user(Role.PRODUCT_OWNER),
                ResolvedScope(prefixes=("/1/",)),
                directory,
                claims=[(5, ["i-1"])],
                effective_from=None,
            )
        assert "outside your scope" in refused.value.errors[0].message
        assert "workload 6" not in refused.value.errors[0].message

"""Account splits, workloads and claims: the rules the allocation engine applies."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from adapters.db.models import (
    AuditChainHeadRow,
    BudgetRow,
    ClaimLockRow,
    ClaimRow,
    NodeRow,
    RulesVersionRow,
    SplitLineRow,
    SplitVersionRow,
    WorkloadRow,
)
from adapters.db.repository import Repository
from adapters.db.scope import apply_scope
from domain.allocation.splits import BudgetRef, SplitShare, SplitVersion
from domain.allocation.workloads import Claim, NewClaim, Workload, WorkloadFields
from domain.scope import ResolvedScope


def _workload(row: WorkloadRow) -> Workload:
    return Workload(
        row.id,
        row.budget_id,
        row.account_id,
        row.name,
        row.calculator_url,
        Decimal(row.monthly_estimate),
        row.launch_month,
        row.end_month,
        row.created_by,
    )


def _claim(row: ClaimRow) -> Claim:
    return Claim(
        row.id,
        row.account_id,
        row.resource_id,
        row.workload_id,
        row.budget_id,
        row.claimed_at,
        row.claimed_by,
        row.effective_from,
        row.released_at,
        row.released_by,
        row.effective_to,
    )


# in the order of `Claim`'s fields
_CLAIM_COLUMNS = select(
    ClaimRow.id,
    ClaimRow.account_id,
    ClaimRow.resource_id,
    ClaimRow.workload_id,
    ClaimRow.budget_id,
    ClaimRow.claimed_at,
    ClaimRow.claimed_by,
    ClaimRow.effective_from,
    ClaimRow.released_at,
    ClaimRow.released_by,
    ClaimRow.effective_to,
).order_by(ClaimRow.id)

_SPLIT_COLUMNS = select(
    SplitVersionRow.id,
    SplitVersionRow.account_id,
    SplitVersionRow.effective_from,
    SplitVersionRow.effective_to,
    SplitVersionRow.created_by,
    SplitVersionRow.created_at,
)


class AllocationRepository(Repository[SplitVersionRow]):
    model = SplitVersionRow

    # --- rules version -------------------------------------------------------------------
    async def bump_rules_version(self) -> None:
        await self.session.execute(
            update(RulesVersionRow)
            .where(RulesVersionRow.id == 1)
            .values(version=RulesVersionRow.version + 1)
        )

    async def rules_version(self) -> int:
        return int(
            await self.session.scalar(
                select(RulesVersionRow.version).where(RulesVersionRow.id == 1)
            )
            or 0
        )

    async def write_and_rules_version(self) -> tuple[tuple[int, int], int]:
        """The audit chain head (as `AuditRepository.head_version`: (last id, entry count),
        (0, 0) before the first entry) and the rules version, in one round trip: the kept
        answers of spend and allocation reads are keyed by both on every request."""
        head = select(AuditChainHeadRow).where(AuditChainHeadRow.id == 1)
        row = (
            await self.session.execute(
                select(
                    head.with_only_columns(AuditChainHeadRow.last_id).scalar_subquery(),
                    head.with_only_columns(AuditChainHeadRow.row_count).scalar_subquery(),
                    select(RulesVersionRow.version)
                    .where(RulesVersionRow.id == 1)
                    .scalar_subquery(),
                )
            )
        ).one()
        return (int(row[0] or 0), int(row[1] or 0)), int(row[2] or 0)

    # --- budgets as splits see them --------------------------------------------------------
    async def budget_refs(self, ids: Iterable[int]) -> dict[int, BudgetRef]:
        wanted = list(set(ids))
        if not wanted:
            return {}
        rows = await self.session.execute(
            select(BudgetRow.id, BudgetRow.year, BudgetRow.status).where(BudgetRow.id.in_(wanted))
        )
        return {r.id: BudgetRef(r.id, r.year, r.status == "active") for r in rows}

    async def budget_ids_in(self, scope: ResolvedScope, ids: Iterable[int]) -> set[int]:
        wanted = list(set(ids))
        if not wanted:
            return set()
        stmt = (
            select(BudgetRow.id)
            .join(NodeRow, NodeRow.id == BudgetRow.node_id)
            .where(BudgetRow.id.in_(wanted))
        )
        return set((await self.session.scalars(apply_scope(stmt, scope, NodeRow.path))).all())

    async def budget_in(self, scope: ResolvedScope, budget_id: int) -> BudgetRef | None:
        stmt = (
            select(BudgetRow)
            .join(NodeRow, NodeRow.id == BudgetRow.node_id)
            .where(BudgetRow.id == budget_id)
        )
        row = (await self.session.scalars(apply_scope(stmt, scope, NodeRow.path))).first()
        return BudgetRef(row.id, row.year, row.status == "active") if row else None

    # --- splits ----------------------------------------------------------------------------
    async def _versions(self, *where: Any) -> list[SplitVersion]:
        """The split versions matching `where` (by account, then start) with their shares,
        read as columns: the allocation summary reads every version on each request."""
        rows = (
            await self.session.execute(
                _SPLIT_COLUMNS.where(*where).order_by(
                    SplitVersionRow.account_id, SplitVersionRow.effective_from
                )
            )
        ).all()
        lines: dict[int, list[SplitShare]] = defaultdict(list)
        ids = [r[0] for r in rows]
        for start in range(0, len(ids), 1000):
            found = await self.session.execute(
                select(SplitLineRow.version_id, SplitLineRow.budget_id, SplitLineRow.percent)
                .where(SplitLineRow.version_id.in_(ids[start : start + 1000]))
                .order_by(SplitLineRow.budget_id)
            )
            for version_id, budget_id, percent in found:
                lines[version_id].append(SplitShare(budget_id, Decimal(percent)))
        return [
            SplitVersion(
                version_id,
                account_id,
                effective_from,
                effective_to,
                tuple(lines[version_id]),
                created_by,
                created_at,
            )
            for version_id, account_id, effective_from, effective_to, created_by, created_at in rows
        ]

    async def splits_of(self, account_id: str) -> list[SplitVersion]:
        return await self._versions(SplitVersionRow.account_id == account_id)

    async def all_splits(self) -> list[SplitVersion]:
        return await self._versions()

    async def splits_in(
        self, scope: ResolvedScope, *, account_id: str | None = None
    ) -> list[SplitVersion]:
        versions = await self.splits_of(account_id) if account_id else await self.all_splits()
        if scope.unrestricted:
            return versions
        mine = await self.budget_ids_in(scope, (s.budget_id for v in versions for s in v.shares))
        return [
            replace(v, shares=tuple(s for s in v.shares if s.budget_id in mine))
            for v in versions
            if any(s.budget_id in mine for s in v.shares)
        ]

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
            row = await self.session.get(SplitVersionRow, end_previous.id)
            assert row is not None
            row.effective_to = previous_end
        version = SplitVersionRow(
            account_id=account_id,
            effective_from=effective_from,
            effective_to=None,
            created_by=created_by,
        )
        self.session.add(version)
        await self.session.flush()
        self.session.add_all(
            [
                SplitLineRow(version_id=version.id, budget_id=s.budget_id, percent=s.percent)
                for s in shares
            ]
        )
        await self.session.flush()
        return version.id

    # --- workloads -------------------------------------------------------------------------
    def _workloads_in(self, scope: ResolvedScope):  # type: ignore[no-untyped-def]
        stmt = (
            select(WorkloadRow)
            .join(BudgetRow, BudgetRow.id == WorkloadRow.budget_id)
            .join(NodeRow, NodeRow.id == BudgetRow.node_id)
        )
        return apply_scope(stmt, scope, NodeRow.path)

    async def workloads(
        self, scope: ResolvedScope, *, budget_id: int | None = None, account_id: str | None = None
    ) -> list[Workload]:
        stmt = self._workloads_in(scope)
        if budget_id is not None:
            stmt = stmt.where(WorkloadRow.budget_id == budget_id)
        if account_id is not None:
            stmt = stmt.where(WorkloadRow.account_id == account_id)
        rows = await self.session.scalars(stmt.order_by(WorkloadRow.id))
        return [_workload(r) for r in rows]

    async def workload(self, scope: ResolvedScope, workload_id: int) -> Workload | None:
        row = (
            await self.session.scalars(
                self._workloads_in(scope).where(WorkloadRow.id == workload_id)
            )
        ).first()
        return _workload(row) if row else None

    async def workloads_by_id(
        self, scope: ResolvedScope, ids: Iterable[int]
    ) -> dict[int, Workload]:
        rows = await self.session.scalars(
            self._workloads_in(scope).where(WorkloadRow.id.in_(list(set(ids))))
        )
        return {r.id: _workload(r) for r in rows}

    async def add_workload(
        self, budget_id: int, account_id: str, fields: WorkloadFields, created_by: str
    ) -> Workload:
        row = WorkloadRow(
            budget_id=budget_id,
            account_id=account_id,
            name=fields.name,
            calculator_url=fields.calculator_url,
            monthly_estimate=fields.monthly_estimate,
            launch_month=fields.launch_month,
            end_month=fields.end_month,
            created_by=created_by,
        )
        self.session.add(row)
        await self.session.flush()
        return _workload(row)

    async def save_workload(self, workload_id: int, fields: WorkloadFields) -> Workload:
        row = await self.session.get(WorkloadRow, workload_id)
        assert row is not None
        row.name, row.calculator_url = fields.name, fields.calculator_url
        row.monthly_estimate = fields.monthly_estimate
        row.launch_month, row.end_month = fields.launch_month, fields.end_month
        await self.session.flush()
        return _workload(row)

    # --- claims ----------------------------------------------------------------------------
    async def lock_resources(self, keys: Iterable[tuple[str, str]]) -> None:
        """Upsert one lock row per (account, resource), in a fixed order so two bulk claims
        cannot deadlock. On PostgreSQL the upsert row-locks it until commit, so a second
        transaction waits here and then reads the spans the first one wrote; SQLite
        transactions already run one at a time (BEGIN IMMEDIATE)."""
        wanted = sorted(set(keys))
        insert = (
            pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        )
        for start in range(0, len(wanted), 500):
            stmt = insert(ClaimLockRow).values(
                [{"account_id": a, "resource_id": r} for a, r in wanted[start : start + 500]]
            )
            await self.session.execute(
                stmt.on_conflict_do_update(
                    index_elements=["account_id", "resource_id"],
                    set_={"claims": ClaimLockRow.claims + 1},
                )
            )

    async def claims_of(
        self, keys: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], list[Claim]]:
        wanted = sorted(set(keys))
        out: dict[tuple[str, str], list[Claim]] = defaultdict(list)
        for start in range(0, len(wanted), 500):
            rows = await self.session.scalars(
                select(ClaimRow)
                .where(
                    tuple_(ClaimRow.account_id, ClaimRow.resource_id).in_(
                        wanted[start : start + 500]
                    )
                )
                .order_by(ClaimRow.effective_from, ClaimRow.id)
            )
            for r in rows:
                out[(r.account_id, r.resource_id)].append(_claim(r))
        return dict(out)

    async def open_claims_named(self, resource_ids: Iterable[str]) -> list[Claim]:
        wanted = sorted(set(resource_ids))
        out: list[Claim] = []
        for start in range(0, len(wanted), 500):
            rows = await self.session.scalars(
                select(ClaimRow)
                .where(
                    ClaimRow.resource_id.in_(wanted[start : start + 500]),
                    ClaimRow.released_at.is_(None),
                )
                .order_by(ClaimRow.id)
            )
            out += [_claim(r) for r in rows]
        return out

    async def add_claims(
        self, claims: Sequence[NewClaim], claimed_by: str, at: datetime
    ) -> list[Claim]:
        rows = [
            ClaimRow(
                account_id=c.account_id,
                resource_id=c.resource_id,
                workload_id=c.workload_id,
                budget_id=c.budget_id,
                claimed_at=at,
                claimed_by=claimed_by,
                effective_from=c.effective_from,
            )
            for c in claims
        ]
        self.session.add_all(rows)
        await self.session.flush()
        return [_claim(r) for r in rows]

    async def release(
        self, claim_ids: Sequence[int], released_by: str, at: datetime, effective_to: date
    ) -> None:
        await self.session.execute(
            update(ClaimRow)
            .where(ClaimRow.id.in_(list(claim_ids)))
            .values(released_at=at, released_by=released_by, effective_to=effective_to)
            .execution_options(synchronize_session=False)
        )

    async def claims(
        self, scope: ResolvedScope, *, status: str | None = None, workload_id: int | None = None
    ) -> list[Claim]:
        stmt = (
            select(ClaimRow)
            .join(BudgetRow, BudgetRow.id == ClaimRow.budget_id)
            .join(NodeRow, NodeRow.id == BudgetRow.node_id)
        )
        stmt = apply_scope(stmt, scope, NodeRow.path)
        if status == "open":
            stmt = stmt.where(ClaimRow.released_at.is_(None))
        elif status == "released":
            stmt = stmt.where(ClaimRow.released_at.is_not(None))
        if workload_id is not None:
            stmt = stmt.where(ClaimRow.workload_id == workload_id)
        rows = await self.session.scalars(stmt.order_by(ClaimRow.id))
        return [_claim(r) for r in rows]

    async def claims_by_id(self, claim_ids: Iterable[int]) -> list[Claim]:
        wanted = sorted(set(claim_ids))
        out: list[Claim] = []
        for start in range(0, len(wanted), 500):
            rows = await self.session.scalars(
                select(ClaimRow)
                .where(ClaimRow.id.in_(wanted[start : start + 500]))
                .order_by(ClaimRow.id)
                # a bulk UPDATE in this transaction does not refresh loaded rows
                .execution_options(populate_existing=True)
            )
            out += [_claim(r) for r in rows]
        return out

    async def all_claims(self) -> list[Claim]:
        # read as columns, not entities: the rules hold every claim (50,000 at scale), and
        # building that many ORM entities held the serving worker's event loop for about a
        # second after each CUR refresh
        return [Claim(*row) for row in await self.session.execute(_CLAIM_COLUMNS)]

    async def account_ids_in(self, scope: ResolvedScope) -> set[str]:
        """Accounts whose spend reaches the scope: split onto one of its budgets, or running
        one of its workloads."""
        found: set[str] = set()
        for stmt in accounts_reaching(scope):
            found.update((await self.session.scalars(stmt)).all())
        return found


def accounts_reaching(scope: ResolvedScope) -> tuple[Select[Any], Select[Any]]:
    """The ids of the accounts whose spend reaches `scope`, as two statements: split onto one
    of its budgets, or running one of its workloads (the rule that decides which accounts an
    owner sees)."""
    split = (
        select(SplitVersionRow.account_id)
        .join(SplitLineRow, SplitLineRow.version_id == SplitVersionRow.id)
        .join(BudgetRow, BudgetRow.id == SplitLineRow.budget_id)
        .join(NodeRow, NodeRow.id == BudgetRow.node_id)
    )
    work = (
        select(WorkloadRow.account_id)
        .join(BudgetRow, BudgetRow.id == WorkloadRow.budget_id)
        .join(NodeRow, NodeRow.id == BudgetRow.node_id)
    )
    return apply_scope(split, scope, NodeRow.path), apply_scope(work, scope, NodeRow.path)

"""The spend store port (`domain.ports.SpendStore`) over the CUR store and the materialized
allocations: the synchronous DuckDB work runs in a worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import cast

from adapters.allocation.engine import GroupBy
from adapters.allocation.materialized import AllocatedSpend
from adapters.cur.store import CurStore
from domain.allocation.rules import AllocationRules
from domain.spend.models import BillingPeriod, ResourcePage
from domain.spend.ports import (
    AllocationIssue,
    RefreshProgress,
    ResourceSearch,
    SpendGrouping,
    SpendSum,
)


class CurSpendStore:
    def __init__(self, cur: CurStore, allocated: AllocatedSpend) -> None:
        self.cur = cur
        self.allocated = allocated

    @property
    def basis(self) -> str:
        return self.allocated.basis.value

    async def billing_periods(self) -> list[BillingPeriod]:
        # the manifest's stat and its parse kept by file identity: microseconds, cheaper here
        # than a hop to a worker thread (every kept spend read asks for it)
        return self.cur.billing_periods()

    async def stale(self, periods: Sequence[BillingPeriod], rules_version: int) -> list[str]:
        return await asyncio.to_thread(self.allocated.stale_of, periods, rules_version)

    async def allocate(
        self,
        periods: Sequence[str],
        rules: AllocationRules,
        rules_version: int,
        *,
        correlation_id: str | None,
    ) -> None:
        await asyncio.to_thread(
            self.allocated.ensure, periods, rules, rules_version, correlation_id=correlation_id
        )

    async def sums(
        self,
        periods: Sequence[str],
        *,
        group_by: SpendGrouping,
        budget_ids: frozenset[int] | None,
        include_unallocated: bool,
    ) -> list[SpendSum]:
        found = await asyncio.to_thread(
            self.allocated.engine.spend,
            [self.allocated.root / p for p in periods],
            group_by=cast(GroupBy, group_by),
            budget_ids=budget_ids,
            include_unallocated=include_unallocated,
        )
        return [SpendSum(key, amount) for key, amount in found]

    def issue(self) -> AllocationIssue | None:
        met = self.allocated.problem
        return None if met is None else AllocationIssue(correlation_id=met.correlation_id)

    async def refresh(
        self,
        source: str,
        periods: Sequence[str] | None,
        progress: RefreshProgress | None = None,
    ) -> list[BillingPeriod]:
        return await asyncio.to_thread(self.cur.refresh, source, periods=periods, progress=progress)

    async def resources(self, search: ResourceSearch) -> ResourcePage:
        return await asyncio.to_thread(
            lambda: self.cur.resources(
                q=search.q,
                service=search.service,
                tag=search.tag,
                account_id=search.account_id,
                period=search.period,
                limit=search.limit,
                cursor=search.cursor,
                account_ids=search.account_ids,
                only_keys=search.only,
                exclude_keys=search.exclude,
                order=search.order,
                offset=search.offset,
            )
        )

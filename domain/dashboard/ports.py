"""Ports of the dashboard reads: spend per budget and month, and an account's spend by service,
both read from the materialized allocation summaries (never from the CUR's lines); the
approved schedules' months and the database's write version from the dashboard's own read
path; and the cache of computed answers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from domain.spend.ports import SpendUnitOfWork


@dataclass(frozen=True)
class ServiceMonth:
    """An account's allocated spend on one service in one billing period."""

    period: str
    service: str | None
    amount: Decimal


class DashboardSpend(Protocol):
    async def version(self, year: int) -> tuple[str, ...]:
        """What the year's spend figures are read from, once its periods are allocated: per
        billing period the key of its materialized allocation (the CUR delivery, the rules
        version, the cost basis). Equal versions, equal spend."""
        ...

    async def periods(self, year: int) -> list[str]:
        """The billing periods of `year` the spend store holds, oldest first."""
        ...

    async def budget_months(
        self, year: int, budget_ids: frozenset[int] | None
    ) -> dict[int, dict[str, Decimal]]:
        """Allocated spend per budget and billing period of `year` (None: every budget)."""
        ...

    async def account_services(
        self,
        year: int,
        account_id: str,
        budget_ids: frozenset[int] | None,
        *,
        include_unallocated: bool,
    ) -> list[ServiceMonth]:
        """`account_id`'s allocated spend by service and billing period of `year`, on the
        budgets of `budget_ids` (None: every budget), with its Unallocated spend if asked."""
        ...


class DashboardReads(Protocol):
    async def approved_months(
        self, year: int, budget_ids: frozenset[int] | None
    ) -> dict[int, dict[str, Decimal]]:
        """The approved schedules' amounts per budget and month of `year` (None: every
        budget; a budget without an approved schedule is left out)."""
        ...


class DashboardUnitOfWork(SpendUnitOfWork, Protocol):
    @property
    def dashboard(self) -> DashboardReads: ...

"""Ports of forecasts and anomalies: the reader of budgets' daily allocated spend (from the
materialized allocations) and the store of detected anomalies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from domain.dashboard.ports import DashboardUnitOfWork
from domain.scope import ResolvedScope


@dataclass(frozen=True)
class SpendLine:
    """Allocated spend of a budget on a day, by service and resource ('' when none)."""

    budget_id: int
    day: date
    service: str
    resource_id: str
    amount: float


class DailySpendReader(Protocol):
    async def daily(
        self, periods: Sequence[str], budget_ids: frozenset[int] | None, first: date, last: date
    ) -> dict[int, list[float]]:
        """Each budget's allocated spend per day from `first` to `last` (dense: a day without
        spend is 0), read from the materialized summaries of `periods`; budgets without spend
        are left out; `budget_ids=None` is every budget."""
        ...

    async def last_day(self, periods: Sequence[str]) -> date | None:
        """The last usage day with allocated spend in `periods` (None: none)."""
        ...

    async def lines(self, periods: Sequence[str], budget_ids: frozenset[int]) -> list[SpendLine]:
        """The budgets' spend of `periods` by day, service and resource (heavier: the periods
        are allocated once more with their lines kept)."""
        ...


@dataclass(frozen=True)
class ResourceCause:
    resource_id: str
    amount: Decimal
    excess: Decimal


@dataclass(frozen=True)
class NewAnomaly:
    """A spike of a budget's daily spend, recorded per service that carried it."""

    budget_id: int
    day: date
    service: str
    total: Decimal
    median: Decimal
    service_amount: Decimal
    service_median: Decimal
    resources: tuple[ResourceCause, ...]

    @property
    def key(self) -> tuple[int, date, str]:
        return (self.budget_id, self.day, self.service)


@dataclass(frozen=True)
class AnomalyRecord:
    id: int
    anomaly: NewAnomaly
    detected_at: datetime
    product: str


@dataclass(frozen=True)
class AnomalyFilter:
    budget_id: int | None = None
    since: date | None = None
    until: date | None = None
    service: str | None = None
    limit: int = 100


class AnomalyStore(Protocol):
    async def keys(self) -> dict[tuple[int, date, str], NewAnomaly]:
        """Every recorded anomaly by (budget, day, service)."""
        ...

    async def add(self, anomalies: Sequence[NewAnomaly], at: datetime) -> None: ...

    async def update(self, anomalies: Sequence[NewAnomaly]) -> None:
        """New figures for anomalies already recorded (by key)."""
        ...

    async def remove(self, keys: Sequence[tuple[int, date, str]]) -> None: ...

    async def list(self, scope: ResolvedScope, filters: AnomalyFilter) -> list[AnomalyRecord]:
        """Anomalies of the budgets in `scope`, newest day first."""
        ...


class ForecastUnitOfWork(DashboardUnitOfWork, Protocol):
    @property
    def anomalies(self) -> AnomalyStore: ...

"""The anomaly store: detected spikes of budgets' daily spend, read in the caller's scope."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, delete, insert, or_, select, update

from adapters.db.models import AnomalyRow, BudgetRow, NodeRow
from adapters.db.repository import Repository
from adapters.db.scope import apply_scope
from domain.forecasts.ports import (
    AnomalyFilter,
    AnomalyRecord,
    NewAnomaly,
    ResourceCause,
)
from domain.scope import ResolvedScope

_BATCH = 500


def _resources(anomaly: NewAnomaly) -> list[dict[str, str]]:
    return [
        {"resource_id": r.resource_id, "amount": str(r.amount), "excess": str(r.excess)}
        for r in anomaly.resources
    ]


def _values(anomaly: NewAnomaly) -> dict[str, Any]:
    return {
        "total": anomaly.total,
        "median": anomaly.median,
        "service_amount": anomaly.service_amount,
        "service_median": anomaly.service_median,
        "resources": _resources(anomaly),
    }


def _anomaly(row: AnomalyRow) -> NewAnomaly:
    return NewAnomaly(
        budget_id=row.budget_id,
        day=row.day,
        service=row.service,
        total=Decimal(row.total),
        median=Decimal(row.median),
        service_amount=Decimal(row.service_amount),
        service_median=Decimal(row.service_median),
        resources=tuple(
            ResourceCause(r["resource_id"], Decimal(r["amount"]), Decimal(r["excess"]))
            for r in row.resources
        ),
    )


class AnomalyRepository(Repository[AnomalyRow]):
    model = AnomalyRow

    async def keys(self) -> dict[tuple[int, date, str], NewAnomaly]:
        rows = await self.all(self.select())
        return {(r.budget_id, r.day, r.service): _anomaly(r) for r in rows}

    async def add(self, anomalies: Sequence[NewAnomaly], at: datetime) -> None:
        values = [
            {"budget_id": a.budget_id, "day": a.day, "service": a.service, "detected_at": at}
            | _values(a)
            for a in anomalies
        ]
        for start in range(0, len(values), _BATCH):
            await self.session.execute(insert(AnomalyRow), values[start : start + _BATCH])

    def _key(self, key: tuple[int, date, str]) -> Any:
        budget_id, day, service = key
        return and_(
            AnomalyRow.budget_id == budget_id, AnomalyRow.day == day, AnomalyRow.service == service
        )

    async def update(self, anomalies: Sequence[NewAnomaly]) -> None:
        for a in anomalies:
            await self.session.execute(
                update(AnomalyRow).where(self._key(a.key)).values(_values(a))
            )

    async def remove(self, keys: Sequence[tuple[int, date, str]]) -> None:
        for start in range(0, len(keys), _BATCH):
            chunk = keys[start : start + _BATCH]
            await self.session.execute(delete(AnomalyRow).where(or_(*map(self._key, chunk))))

    async def list(self, scope: ResolvedScope, filters: AnomalyFilter) -> list[AnomalyRecord]:
        base: Any = (
            select(AnomalyRow, NodeRow.name)
            .join(BudgetRow, BudgetRow.id == AnomalyRow.budget_id)
            .join(NodeRow, NodeRow.id == BudgetRow.node_id)
        )
        stmt: Select[Any] = apply_scope(base, scope, NodeRow.path)
        if filters.budget_id is not None:
            stmt = stmt.where(AnomalyRow.budget_id == filters.budget_id)
        if filters.since is not None:
            stmt = stmt.where(AnomalyRow.day >= filters.since)
        if filters.until is not None:
            stmt = stmt.where(AnomalyRow.day <= filters.until)
        if filters.service is not None:
            stmt = stmt.where(AnomalyRow.service == filters.service)
        stmt = stmt.order_by(AnomalyRow.day.desc(), AnomalyRow.budget_id, AnomalyRow.service).limit(
            filters.limit
        )
        rows = (await self.session.execute(stmt)).all()
        return [AnomalyRecord(r.id, _anomaly(r), r.detected_at, name) for r, name in rows]

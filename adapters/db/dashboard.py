"""The dashboard's own read path (CQRS-style, docs/dashboard.md): the database's write version
that keys the cached figures, and the approved schedules' months as plain tuples in one
set-based query (no per-budget objects, no timestamps parsed per row)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.models import ScheduleMonthRow, ScheduleRow
from domain.schedules.machine import ScheduleStatus

_APPROVED = ScheduleStatus.APPROVED.value


class DashboardReadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def approved_months(
        self, year: int, budget_ids: frozenset[int] | None
    ) -> dict[int, dict[str, Decimal]]:
        """Per budget with an approved schedule, its scheduled amounts of `year`'s months
        (only those budgets when `budget_ids` is given)."""
        if budget_ids is not None and not budget_ids:
            return {}
        stmt = (
            select(ScheduleMonthRow.budget_id, ScheduleMonthRow.month, ScheduleMonthRow.amount)
            .join(ScheduleRow, ScheduleRow.budget_id == ScheduleMonthRow.budget_id)
            .where(
                ScheduleRow.status == _APPROVED,
                ScheduleMonthRow.month >= f"{year:04d}-01",
                ScheduleMonthRow.month <= f"{year:04d}-12",
                ScheduleMonthRow.amount.is_not(None),
            )
        )
        if budget_ids is not None:
            stmt = stmt.where(ScheduleMonthRow.budget_id.in_(sorted(budget_ids)))
        out: dict[int, dict[str, Decimal]] = defaultdict(dict)
        for budget_id, month, amount in await self.session.execute(stmt):
            out[budget_id][month] = amount
        return dict(out)

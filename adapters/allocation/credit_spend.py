"""The `MonthlyBudgetSpend` port of the credits over the materialized allocations: a budget's
allocated spend per usage day of a billing month, read from the period's summary (its `day`
rows) in DuckDB. The period is allocated first when its allocation is stale, as any spend read
does, so the credits cover exactly the spend the dashboards show."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from adapters import duck
from adapters.allocation.engine import SUMMARY_FILE
from adapters.allocation.spend_store import CurSpendStore
from adapters.allocation.sql import TOTAL
from adapters.allocation.summary_files import read_consistently
from domain.credits.ledger import BudgetMonthSpend, DaySpend
from domain.spend.ports import SpendUnitOfWork
from domain.spend.queries import ensure_allocated


def _daily(summary: Path, budget_ids: Sequence[int] | None) -> list[tuple[Any, ...]]:
    if not summary.is_file():
        return []
    params: list[Any] = []
    where = "dimension = 'day' AND budget_id IS NOT NULL"
    if budget_ids is not None:
        where += " AND list_contains(?, budget_id)"
        params.append(sorted(int(b) for b in budget_ids))

    def read(rows: str) -> list[tuple[Any, ...]]:
        con = duck.connect()
        try:
            return con.execute(
                f"""
                SELECT budget_id, usage_date, CAST(SUM(amount) AS {TOTAL})
                FROM {rows}
                WHERE {where}
                GROUP BY budget_id, usage_date
                ORDER BY budget_id, usage_date
                """,
                params,
            ).fetchall()
        finally:
            con.close()

    return read_consistently([summary], read)


class AllocatedMonthlySpend:
    """Lives for one request or command (it holds that unit of work)."""

    def __init__(self, store: CurSpendStore, uow: SpendUnitOfWork) -> None:
        self.store = store
        self.uow = uow

    async def periods(self) -> frozenset[str]:
        return frozenset(p.period for p in await self.store.billing_periods())

    async def month_spend(
        self, budget_ids: Sequence[int] | None, period: str
    ) -> dict[int, BudgetMonthSpend]:
        if budget_ids is not None and not budget_ids:
            return {}
        delivered = [p for p in await self.store.billing_periods() if p.period == period]
        if not delivered:
            return {}
        await ensure_allocated(self.uow, self.store, delivered)
        summary = self.store.allocated.root / period / SUMMARY_FILE
        rows = await asyncio.to_thread(_daily, summary, budget_ids)
        days: dict[int, list[DaySpend]] = defaultdict(list)
        for budget_id, day, amount in rows:
            days[int(budget_id)].append(DaySpend(day, Decimal(amount)))
        return {b: BudgetMonthSpend(b, tuple(d)) for b, d in days.items()}

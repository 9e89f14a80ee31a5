"""The `DailySpendReader` port over the materialized allocations: budgets' daily spend read
from the periods' summaries (one small DuckDB query, dense lists built in SQL), and, for the
anomalies' causes, the spend by day, service and resource (allocated once more with the lines
kept, as the spend cards do)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date

from adapters.allocation.card_spend import month_rows
from adapters.allocation.engine import SUMMARY_FILE
from adapters.allocation.materialized import AllocatedSpend
from adapters.allocation.summary_files import read_consistently
from domain.allocation.rules import AllocationRules
from domain.forecasts.ports import SpendLine


class AllocatedDailySpend:
    def __init__(self, allocated: AllocatedSpend, rules: AllocationRules | None = None) -> None:
        self.allocated = allocated
        self.rules = rules

    def _summaries(self, periods: Sequence[str]) -> list[str]:
        paths = [self.allocated.root / p / SUMMARY_FILE for p in periods]
        return [str(p) for p in paths if p.is_file()]

    def _daily(
        self, periods: Sequence[str], budget_ids: frozenset[int] | None, first: date, last: date
    ) -> dict[int, list[float]]:
        files = self._summaries(periods)
        if not files or last < first or (budget_ids is not None and not budget_ids):
            return {}
        where = "dimension = 'day' AND budget_id IS NOT NULL AND usage_date BETWEEN ? AND ?"
        params: list[object] = [first, last]
        if budget_ids is not None:
            where += " AND list_contains(?, budget_id)"
            params.append(sorted(budget_ids))
        sql = f"""
            WITH spend AS (
                SELECT budget_id, usage_date, CAST(SUM(amount) AS DOUBLE) AS amount
                FROM {{rows}}
                WHERE {where}
                GROUP BY budget_id, usage_date
            ),
            days AS (
                SELECT CAST(range AS DATE) AS usage_date
                FROM range(CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP) + INTERVAL 1 DAY,
                           INTERVAL 1 DAY)
            ),
            budgets AS (SELECT DISTINCT budget_id FROM spend)
            SELECT b.budget_id, d.usage_date, COALESCE(s.amount, 0.0)
            FROM budgets b CROSS JOIN days d
            LEFT JOIN spend s ON s.budget_id = b.budget_id AND s.usage_date = d.usage_date
            ORDER BY b.budget_id, d.usage_date
        """
        engine = self.allocated.engine
        found = read_consistently(
            files, lambda rows: engine.columns(sql.replace("{rows}", rows), [*params, first, last])
        )
        if not found:
            return {}
        # placed by (budget, day), not by row position: DuckDB's Arrow answer through the
        # DB-API cursor does not always keep the ORDER BY (seen on the demo: whole series
        # shifted onto the next budget and 32 days later, so anomalies came and went)
        ids, usage_dates, amounts = found
        days = (last - first).days + 1
        out: dict[int, list[float]] = {}
        for budget_id, day, amount in zip(ids, usage_dates, amounts, strict=True):
            out.setdefault(int(budget_id), [0.0] * days)[(day - first).days] = amount
        return dict(sorted(out.items()))

    async def daily(
        self, periods: Sequence[str], budget_ids: frozenset[int] | None, first: date, last: date
    ) -> dict[int, list[float]]:
        return await asyncio.to_thread(self._daily, periods, budget_ids, first, last)

    def _last_day(self, periods: Sequence[str]) -> date | None:
        files = self._summaries(periods)
        if not files:
            return None
        engine = self.allocated.engine
        rows = read_consistently(
            files,
            lambda summary: engine.query(
                f"SELECT max(usage_date) FROM {summary} WHERE dimension = 'day'"
            ),
        )
        return rows[0][0] if rows else None

    async def last_day(self, periods: Sequence[str]) -> date | None:
        return await asyncio.to_thread(self._last_day, periods)

    async def lines(self, periods: Sequence[str], budget_ids: frozenset[int]) -> list[SpendLine]:
        if self.rules is None:
            raise RuntimeError("a reader of lines is built with the allocation rules")
        out: list[SpendLine] = []
        for period in periods:
            rows = await asyncio.to_thread(month_rows, self.allocated, self.rules, period)
            out += [
                SpendLine(r.budget_id, r.day, r.service, r.resource, float(r.amount))
                for r in rows
                if r.budget_id in budget_ids
            ]
        return out

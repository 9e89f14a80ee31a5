"""The `DashboardSpend` port over the materialized allocations: one DuckDB query over the
year's period summaries (their `type` rows for a budget's total, their `account_service` rows
for an account's spend by service), the billing period taken from each summary's folder. The
periods are allocated first when stale, as every spend read does, so the dashboard shows
exactly what the other spend reads show."""

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
from domain.dashboard.ports import ServiceMonth
from domain.spend.ports import SpendUnitOfWork
from domain.spend.queries import ensure_allocated

# the period is the summary's folder: <root>/<YYYY-MM>/summary.parquet
_PERIOD = r"regexp_extract(filename, '(\d{4}-\d{2})[/\\][^/\\]+$', 1)"


def _query(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    con = duck.connect(config={"threads": 1})
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


async def _read(summaries: list[Path], sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """`sql` (its FROM item written `{rows}`) over the summaries' rows, read from one
    consistent set of files (`read_consistently`)."""

    def read(rows: str) -> list[tuple[Any, ...]]:
        return _query(sql.replace("{rows}", rows), params)

    return await asyncio.to_thread(read_consistently, summaries, read, filename=True)


def _budget_filter(budget_ids: frozenset[int] | None, include_unallocated: bool) -> str:
    if budget_ids is None:
        return "" if include_unallocated else " AND budget_id IS NOT NULL"
    chosen = "list_contains(?, budget_id)"
    return f" AND ({chosen} OR budget_id IS NULL)" if include_unallocated else f" AND {chosen}"


def _keys(summaries: list[Path]) -> tuple[str, ...]:
    """Each period's materialized key (meta.json: delivery, rules version, basis, engine,
    layout) as written after its summary: a summary never changes without its key."""
    out = []
    for summary in summaries:
        meta = summary.parent / "meta.json"
        out.append(f"{summary.parent.name}:{meta.read_text() if meta.is_file() else ''}")
    return tuple(out)


class AllocatedDashboardSpend:
    """Lives for one request (it holds that unit of work)."""

    def __init__(self, store: CurSpendStore, uow: SpendUnitOfWork) -> None:
        self.store = store
        self.uow = uow

    async def version(self, year: int) -> tuple[str, ...]:
        summaries = await self._summaries(year)
        return await asyncio.to_thread(_keys, summaries)

    async def periods(self, year: int) -> list[str]:
        return [p.period for p in await self._delivered(year)]

    async def _delivered(self, year: int) -> list[Any]:
        prefix = f"{year:04d}-"
        return [p for p in await self.store.billing_periods() if p.period.startswith(prefix)]

    async def _summaries(self, year: int) -> list[Path]:
        delivered = await self._delivered(year)
        await ensure_allocated(self.uow, self.store, delivered)
        root = self.store.allocated.root
        return [root / p.period / SUMMARY_FILE for p in delivered]

    async def budget_months(
        self, year: int, budget_ids: frozenset[int] | None
    ) -> dict[int, dict[str, Decimal]]:
        if budget_ids is not None and not budget_ids:
            return {}
        summaries = [p for p in await self._summaries(year) if p.is_file()]
        if not summaries:
            return {}
        params: list[Any] = []
        where = "dimension = 'type'" + _budget_filter(budget_ids, include_unallocated=False)
        if budget_ids is not None:
            params.append(sorted(budget_ids))
        sql = f"""
            SELECT budget_id, {_PERIOD} AS period, CAST(SUM(amount) AS {TOTAL})
            FROM {{rows}}
            WHERE {where}
            GROUP BY ALL
        """
        out: dict[int, dict[str, Decimal]] = defaultdict(dict)
        for budget_id, period, amount in await _read(summaries, sql, params):
            out[int(budget_id)][period] = Decimal(amount)
        return dict(out)

    async def account_services(
        self,
        year: int,
        account_id: str,
        budget_ids: frozenset[int] | None,
        *,
        include_unallocated: bool,
    ) -> list[ServiceMonth]:
        if budget_ids is not None and not budget_ids and not include_unallocated:
            return []
        summaries = [p for p in await self._summaries(year) if p.is_file()]
        if not summaries:
            return []
        params: list[Any] = [account_id]
        where = "dimension = 'account_service' AND account_id = ?"
        where += _budget_filter(budget_ids, include_unallocated)
        if budget_ids is not None:
            params.append(sorted(budget_ids))
        sql = f"""
            SELECT {_PERIOD} AS period, service, CAST(SUM(amount) AS {TOTAL})
            FROM {{rows}}
            WHERE {where}
            GROUP BY ALL
            ORDER BY period, service NULLS LAST
        """
        rows = await _read(summaries, sql, params)
        return [ServiceMonth(period, service, Decimal(amount)) for period, service, amount in rows]

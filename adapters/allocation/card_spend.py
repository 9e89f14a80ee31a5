"""The `CardSpendReader` port over the allocation engine: a budget's allocated spend per usage
day, service and resource, for spend cards.

The materialized period summary keeps no resource-level detail, so this reader allocates the
billing months it needs once more with the same engine and rules (`keep_lines=True`, into a
temporary folder), and keeps a small (budget, day, service, resource) aggregate of the lines in
memory for the run. Amounts stay exact (DECIMAL(20,10) sums of the engine's own lines), so a
card's actual equals the dashboard's spend of its budget for the same days. A reader lives for
one generation run: build it with the rules in force (`current_rules`)."""

from __future__ import annotations

import asyncio
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from adapters import duck
from adapters.allocation.materialized import AllocatedSpend
from adapters.allocation.sql import TOTAL, literal
from domain.allocation.rules import AllocationRules
from domain.periods import period_key
from domain.spend_cards.content import BudgetSpend, ItemSpend, ResourceSpend
from domain.spend_cards.figures import ZERO, DailySpend
from domain.spend_cards.periods import month_end, month_start, previous_month


@dataclass(frozen=True)
class _Row:
    budget_id: int
    day: date
    service: str
    resource: str
    amount: Decimal


def month_rows(allocated: AllocatedSpend, rules: AllocationRules, period: str) -> list[_Row]:
    """Allocate `period` with its lines kept and aggregate them (synchronous: run in a
    thread)."""
    (allocated.root / ".tmp").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=allocated.root / ".tmp") as tmp:
        result = allocated.engine.allocate(
            allocated.cur.daily_costs(period),
            rules,
            basis=allocated.basis,
            out_dir=Path(tmp),
            keep_lines=True,
        )
        assert result.path is not None
        con = duck.connect()
        try:
            rows = con.execute(
                f"""
                SELECT budget_id, usage_date, COALESCE(service, ''),
                       COALESCE(resource_id, ''), CAST(SUM(amount) AS {TOTAL})
                FROM read_parquet({literal(str(result.path))})
                WHERE budget_id IS NOT NULL
                GROUP BY ALL
                ORDER BY ALL
                """
            ).fetchall()
        finally:
            con.close()
    return [_Row(int(b), d, s, r, Decimal(a)) for b, d, s, r, a in rows]


class AllocatedCardSpend:
    def __init__(self, allocated: AllocatedSpend, rules: AllocationRules) -> None:
        self.allocated = allocated
        self.rules = rules
        self._months: dict[str, list[_Row]] = {}
        self._known: set[str] | None = None

    async def _known_periods(self) -> set[str]:
        if self._known is None:
            found = await asyncio.to_thread(self.allocated.cur.billing_periods)
            self._known = {p.period for p in found}
        return self._known

    async def _rows(self, period: str) -> list[_Row]:
        if period not in self._months:
            if period in await self._known_periods():
                self._months[period] = await asyncio.to_thread(
                    month_rows, self.allocated, self.rules, period
                )
            else:
                self._months[period] = []
        return self._months[period]

    async def budget_spend(
        self, budget_ids: Sequence[int], start: date, end: date
    ) -> list[BudgetSpend]:
        wanted = set(budget_ids)
        # a resource's first usage day: the earliest in the range's months and the month before
        # (the card window; an older first day is as good as "not new")
        months: list[date] = [previous_month(start)]
        day = month_start(start)
        while day <= end:
            months.append(day)
            day = month_end(day) + timedelta(days=1)
        first_seen: dict[str, date] = {}
        daily: dict[int, dict[date, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
        services: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
        resources: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
        for month in months:
            for row in await self._rows(period_key(month)):
                if row.resource and (
                    row.resource not in first_seen or row.day < first_seen[row.resource]
                ):
                    first_seen[row.resource] = row.day
                if row.budget_id not in wanted or not start <= row.day <= end:
                    continue
                daily[row.budget_id][row.day] += row.amount
                services[row.budget_id][row.service or "(no service)"] += row.amount
                if row.resource:
                    resources[row.budget_id][row.resource] += row.amount
        return [
            BudgetSpend(
                budget_id=b,
                start=start,
                end=end,
                daily=tuple(DailySpend(d, a) for d, a in sorted(daily[b].items())),
                services=tuple(ItemSpend(n, a) for n, a in sorted(services[b].items())),
                resources=tuple(
                    ResourceSpend(n, a, first_seen[n]) for n, a in sorted(resources[b].items())
                ),
            )
            for b in sorted(daily)
        ]

    async def finalized_months(self, months: Sequence[str]) -> frozenset[str]:
        found = await asyncio.to_thread(self.allocated.cur.billing_periods)
        return frozenset(p.period for p in found if p.finalized and p.period in months)

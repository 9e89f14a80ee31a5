"""The `ResourceCostReader` port over the CUR store: a resource's cost per billing month."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from decimal import Decimal

from adapters.cur.store import CurStore


class CurResourceCosts:
    def __init__(self, store: CurStore) -> None:
        self.store = store

    def _read(self, account_id: str, resource_id: str, months: Sequence[str]) -> dict[str, Decimal]:
        delivered = {p.period for p in self.store.billing_periods()}
        out: dict[str, Decimal] = {}
        for month in months:
            if month not in delivered:
                continue
            page = self.store.resources(
                period=month, only_keys=[(account_id, resource_id)], limit=1
            )
            out[month] = sum((r.cost for r in page.items), Decimal("0"))
        return out

    async def monthly_costs(
        self, account_id: str, resource_id: str, months: Sequence[str]
    ) -> dict[str, Decimal]:
        return await asyncio.to_thread(self._read, account_id, resource_id, months)

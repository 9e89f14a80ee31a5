"""Which accounts a resource shows under in the CUR (claims check a resource belongs to the
workload's account)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import pyarrow as pa

from adapters import duck
from adapters.cur.store import CurStore


def resource_accounts(store: CurStore, resource_ids: Iterable[str]) -> dict[str, set[str]]:
    wanted = sorted(set(resource_ids))
    paths = [
        path
        for period in store.billing_periods()
        for path in store.daily_costs(period.period).daily_paths
    ]
    found: dict[str, set[str]] = defaultdict(set)
    if not wanted or not paths:
        return found
    con = duck.connect()
    try:
        con.register("wanted", pa.table({"resource_id": wanted}))
        rows = con.execute(
            "SELECT DISTINCT d.resource_id, d.account_id FROM read_parquet(?) d "
            "JOIN wanted w ON w.resource_id = d.resource_id",
            [paths],
        ).fetchall()
    finally:
        con.close()
    for resource_id, account_id in rows:
        found[resource_id].add(account_id)
    return found


class CurResourceDirectory:
    """`domain.ports.ResourceDirectory` over the CUR store (DuckDB runs off the event loop)."""

    def __init__(self, store: CurStore) -> None:
        self.store = store

    async def accounts_of(self, resource_ids: Sequence[str]) -> Mapping[str, frozenset[str]]:
        found = await asyncio.to_thread(resource_accounts, self.store, resource_ids)
        return {r: frozenset(accounts) for r, accounts in found.items()}

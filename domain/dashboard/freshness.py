"""What the dashboard's figures of a year are computed from, as one comparable value: the
database's write version (budgets, nodes, schedules, workloads, scopes; every committed write
moves it), the materialized allocation of each billing period of the year (CUR delivery,
allocation rules version, cost basis) and the day (the month in progress is pro-rated to
yesterday). Two reads with equal versions give equal figures, so an answer computed under a
version may be served again while the version holds (docs/dashboard.md, "Caching").

The version is read before the figures: a write that lands in between makes the figures
newer than their version, never older, so nothing stale is ever served under a new version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.dashboard.ports import DashboardSpend, DashboardUnitOfWork


@dataclass(frozen=True)
class FiguresVersion:
    year: int
    today: date
    data: tuple[int, int]
    spend: tuple[str, ...]


async def figures_version(
    uow: DashboardUnitOfWork, spend: DashboardSpend, *, year: int, today: date
) -> FiguresVersion:
    """The version of `year`'s figures on `today` (the year's periods allocated first, as
    every read of them does)."""
    data = await uow.dashboard.data_version()
    return FiguresVersion(year, today, data, await spend.version(year))

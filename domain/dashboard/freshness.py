"""What the dashboard's figures of a year are computed from, as one comparable value: the
database's write version (budgets, nodes, schedules, workloads, scopes; every committed write
moves it), the materialized allocation of each billing period of the year (CUR delivery,
allocation rules version, cost basis) and the day (the month in progress is pro-rated to
yesterday). Two reads with equal versions give equal figures, so an answer computed under a
version may be served again while the version holds (docs/dashboard.md, "Kept answers").

The version is read before the figures and again after them; an answer is kept only when
both agree, so a change racing the computation (a write, a refresh, another process
allocating a period again) never leaves figures kept under a version they do not match.
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
    uow: DashboardUnitOfWork,
    spend: DashboardSpend,
    *,
    year: int,
    today: date,
    fresh: bool = False,
) -> FiguresVersion:
    """The version of `year`'s figures on `today` (the year's periods allocated first, as
    every read of them does); `fresh` reads the database's write version again."""
    data = await uow.audit.head_version(fresh=fresh)
    return FiguresVersion(year, today, data, await spend.version(year))


async def still_current(
    uow: DashboardUnitOfWork, spend: DashboardSpend, version: FiguresVersion
) -> bool:
    """Whether `version` still holds after its figures were computed: when a write, a refresh
    or another process's allocation raced the computation, its answer is not kept."""
    again = await figures_version(uow, spend, year=version.year, today=version.today, fresh=True)
    return again == version

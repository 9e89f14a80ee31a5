"""What every read of the dashboard's figures (heat map, spend charts, forecasts) starts with,
as one dependency: the year asked for (default: this year), today, the request's dashboard
spend reader and the version of the year's figures read before them (`domain.dashboard.
freshness`). `answer` serves an answer kept under that version, or builds and keeps it.

Two dependencies give the same `FiguresRequest`: the dashboard's on the request's transaction
(`UoW`), the forecasts' on a read-only one (`ReadUoW`) with the year bounded to 2000–2100 as
the forecasts check it. Each depends on the caller first, so an unauthenticated request is
refused before the version is read (reading it may allocate the year's periods)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Response
from pydantic import BaseModel

from adapters.allocation.dashboard_spend import AllocatedDashboardSpend
from adapters.db.uow import UnitOfWork
from api.answer_cache import AnswerCache
from api.deps import AppClock, AppContainer, CurrentUser, ReadUoW, UoW
from domain.dashboard.freshness import FiguresVersion, figures_version, still_current
from domain.forecasts.queries import check_year

DashboardYear = Annotated[int | None, Query(ge=2000, le=9999, description="default: this year")]
ForecastYear = Annotated[int | None, Query(ge=2000, le=2100, description="default: this year")]


@dataclass(frozen=True)
class FiguresRequest:
    uow: UnitOfWork
    spend: AllocatedDashboardSpend
    year: int
    today: date
    version: FiguresVersion
    answers: AnswerCache

    async def still_current(self) -> bool:
        return await still_current(self.uow, self.spend, self.version)

    async def answer(
        self, key: tuple[Hashable, ...], build: Callable[[], Awaitable[BaseModel]]
    ) -> Response:
        """The answer kept under `key` and the figures' version, else `build()`'s, kept when
        the version still holds after it."""
        return await self.answers.answer((*key, self.version), build, self.still_current)


async def _figures(
    uow: UnitOfWork, container: AppContainer, clock: AppClock, year: int | None
) -> FiguresRequest:
    today = clock.today()
    chosen = year or today.year
    spend = container.dashboard_spend(uow)
    version = await figures_version(uow, spend, year=chosen, today=today)
    return FiguresRequest(uow, spend, chosen, today, version, container.answers)


async def dashboard_figures(
    _user: CurrentUser,
    uow: UoW,
    container: AppContainer,
    clock: AppClock,
    year: DashboardYear = None,
) -> FiguresRequest:
    return await _figures(uow, container, clock, year)


async def forecast_figures(
    _user: CurrentUser,
    uow: ReadUoW,
    container: AppContainer,
    clock: AppClock,
    year: ForecastYear = None,
) -> FiguresRequest:
    check_year(year or clock.today().year)
    return await _figures(uow, container, clock, year)


DashboardFigures = Annotated[FiguresRequest, Depends(dashboard_figures)]
ForecastFigures = Annotated[FiguresRequest, Depends(forecast_figures)]

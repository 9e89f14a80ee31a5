"""Daily spend anomalies of budgets (docs/forecasts.md), detected after each CUR refresh and
listed in the caller's scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import AppContainer, CurrentUser, ReadUoW, ScopeFilter
from api.schemas.common import PROBLEM_RESPONSES, IsoDate
from api.schemas.forecasts import AnomalyListRead, AnomalyRead, AnomalyRowRead
from api.tables import CSV_RESPONSES, CsvWanted, table
from domain.forecasts import queries
from domain.forecasts.ports import AnomalyFilter

router = APIRouter(prefix="/api/v1/anomalies", tags=["anomalies"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=AnomalyListRead, responses=CSV_RESPONSES)
async def list_anomalies(
    _user: CurrentUser,
    uow: ReadUoW,
    scope: ScopeFilter,
    container: AppContainer,
    want: CsvWanted,
    budget_id: int | None = None,
    since: IsoDate | None = None,
    until: IsoDate | None = None,
    service: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AnomalyListRead | Response:
    """Spikes of budgets' daily spend, one row per service that carried one, newest day
    first, with the resources whose spend rose most. CSV with `?format=csv`."""
    found = await queries.anomalies(
        uow,
        scope,
        AnomalyFilter(budget_id=budget_id, since=since, until=until, service=service, limit=limit),
    )
    items = [AnomalyRead.of(r) for r in found]
    body = AnomalyListRead(currency=container.settings.currency, items=items)
    return table(want, body, [AnomalyRowRead.of(a) for a in items], AnomalyRowRead, "anomalies")

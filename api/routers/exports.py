"""Exports of allocated cost: FOCUS 1.2 (SPEC section 10)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from api.deps import AppContainer, RequirePermission, UoW
from api.schemas.common import BILLING_MONTH_PATTERN, PROBLEM_RESPONSES
from domain.exports import service
from domain.identity.roles import Permission
from domain.identity.users import User

router = APIRouter(prefix="/api/v1/exports", tags=["exports"], responses=PROBLEM_RESPONSES)

AllSpend = Annotated[User, RequirePermission(Permission.VIEW_ALL_SPEND)]
MEDIA = {"parquet": "application/vnd.apache.parquet", "csv": "text/csv; charset=utf-8"}


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


@router.get(
    "/focus",
    response_class=FileResponse,
    responses={
        200: {
            "content": {
                "application/vnd.apache.parquet": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
            }
        }
    },
)
async def focus_export(
    _user: AllSpend,
    uow: UoW,
    container: AppContainer,
    period: Annotated[str, Query(pattern=BILLING_MONTH_PATTERN, examples=["2026-11"])],
    format: Annotated[  # noqa: A002 (the query parameter's public name)
        Literal["parquet", "csv"], Query(description="parquet (default) or csv")
    ] = "parquet",
) -> FileResponse:
    """The billing period's allocated cost as FOCUS 1.2: one row per allocated line with the
    FOCUS columns (BilledCost, EffectiveCost, ListCost, ContractedCost, ChargeCategory,
    ServiceName, SubAccountId, ResourceId, ChargePeriodStart/End, BillingPeriodStart/End,
    BillingCurrency, …) and the allocation as custom columns (`x_Budget`, `x_BudgetId`,
    `x_BusinessUnit`, `x_Department`, `x_Portfolio`, `x_Product`, `x_WorkloadId`,
    `x_LineItemType`). BilledCost sums exactly to the period's CUR total (credits and refunds
    included, unallocated). Finance roles only: the export is never scoped."""
    tmp_dir = container.settings.data_dir / "exports"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="focus-", suffix=f".{format}", dir=tmp_dir)
    os.close(fd)
    out = Path(name)
    try:
        await service.focus_export(
            uow,
            container.spend,
            container.focus,
            period=period,
            fmt=format,
            currency=container.settings.currency,
            billing_account_id=container.settings.billing_account_id or "unknown",
            out=out,
        )
    except BaseException:
        _remove(out)
        raise
    return FileResponse(
        out,
        media_type=MEDIA[format],
        filename=f"focus-{period}.{format}",
        background=BackgroundTask(_remove, out),
    )
